"""A minimal production-like Django project around django-helpdesk 2.6, for bench/intake_vs_helpdesk.py only.

The database file comes from HELPDESK_BENCH_DB so that each benchmark run starts on an empty SQLite file
in its own temporary directory, like minwon does.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("HELPDESK_BENCH_SECRET", "bench-only-not-a-secret")
# DEBUG off: with it on Django keeps every SQL query in memory and renders debug pages, which is not how it runs for real.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "helpdesk_site.urls"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "helpdesk_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("HELPDESK_BENCH_DB", str(BASE_DIR / "helpdesk.sqlite3")),
        # Two gunicorn workers write to one file: wait for the lock instead of failing with "database is locked".
        "OPTIONS": {"timeout": 30},
    }
}

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []

LANGUAGE_CODE = "ko"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Ticket creation renders and "sends" the notification e-mails; the dummy backend keeps the rendering and drops
# the delivery, since there is no mail server on a benchmark machine.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
}

HELPDESK_API_ENABLED = True
# Teams mode needs pinax-teams, an optional extra; one queue and one staff user need no teams.
HELPDESK_TEAMS_MODE_ENABLED = False

LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
