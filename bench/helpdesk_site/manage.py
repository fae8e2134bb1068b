#!/usr/bin/env python
"""Django entry point of the benchmark's django-helpdesk site (run with the helpdesk venv, not minwon's)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
