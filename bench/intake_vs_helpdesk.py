"""Intake throughput: minwon's `POST /api/v1/complaints` against django-helpdesk 2.6's `POST /api/tickets/`.

Run (from the repository root, with minwon's venv; takes a few minutes):

    .venv/bin/python bench/intake_vs_helpdesk.py [--requests 300] [--warmup 20] [--rounds 10] [--json out.json]

Everything is set up from scratch in one temporary directory, on SQLite files, loopback only:

* minwon as `minwon serve` (one uvicorn worker, the shipped command), as
  `uvicorn minwon.web.app:create_app --factory --workers 2` (two processes, like gunicorn's two workers), and
  as the same two workers on a listening socket that keeps TCP_NODELAY (see NODELAY_LAUNCHER); each on a
  fresh database with the demo accounts (`minwon demo-data --cases 0`), filing as agent1 with a bearer token. The endpoint runs the full analysis of the text, routing, SLA deadlines and the timeline
  before it answers 201.
* django-helpdesk 2.6 in its own venv (created under /tmp if missing, never inside minwon's venv), in the
  minimal Django project bench/helpdesk_site, served by gunicorn with 2 sync workers; a superuser with a DRF
  token, one queue; tickets with queue, title, description, submitter_email and priority (the form requires it).

All servers run at once (idle ones cost nothing) and take turns in rounds, so that other load on the machine
falls on each alike. Each gets the same Korean complaint texts from src/minwon/text/data/corpus/*.jsonl, at
concurrency 1 and 8 (a thread pool, one keep-alive httpx client per thread); warm-up requests are not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "src" / "minwon" / "text" / "data" / "corpus"
SITE = Path(__file__).resolve().parent / "helpdesk_site"
MINWON_BIN = Path(sys.executable).parent
HELPDESK_VENV = Path(os.environ.get("HELPDESK_BENCH_VENV", "/tmp/minwon-bench-helpdesk-venv"))
HELPDESK_REQUIREMENT = "django-helpdesk==2.6.*"
CONCURRENCIES = (1, 8)


@dataclass
class Target:
    """One running server and how to file one complaint on it."""

    name: str
    workers: int
    url: str
    headers: dict[str, str]
    body: Callable[[str, int], dict[str, object]]
    idempotent: bool  # send a fresh Idempotency-Key per request, as minwon's clients do


@dataclass
class Figures:
    system: str
    workers: int
    concurrency: int
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float


def texts() -> list[str]:
    result: list[str] = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            result.extend(json.loads(line)["text"] for line in handle if line.strip())
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    # Nearest rank: with 300 samples p99 is the 297th value, a real observed latency.
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], cwd: Path, log: Path, ready_url: str) -> Iterator[None]:
    """Start a server in its own process group, wait until it answers, and stop the whole group afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {process.returncode}; see {log}:\n{log.read_text(errors='replace')[-3000:]}"
                )
            try:
                httpx.get(ready_url, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not answering after 120 s; see {log}") from None
                time.sleep(0.3)
        yield
    finally:
        # The group holds only what this process started: the server and, with --workers, its workers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Driver:
    """`concurrency` threads, each with one keep-alive client, kept for warm-up and every round.

    Reusing the connections matters for multi-worker servers: a fresh connection after the warm-up could land
    on a worker that has not yet loaded its models and put its cold start into the measured figures.
    """

    def __init__(self, target: Target, concurrency: int) -> None:
        self.target = target
        self.concurrency = concurrency
        self.pool = ThreadPoolExecutor(max_workers=concurrency)
        self.local = threading.local()
        self.clients: list[httpx.Client] = []
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.seconds = 0.0

    def client(self) -> httpx.Client:
        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client(headers=self.target.headers, timeout=120)
            with self.lock:
                self.clients.append(self.local.client)
        made: httpx.Client = self.local.client
        return made

    def one(self, text: str, number: int) -> tuple[float, bool]:
        headers = {"Idempotency-Key": uuid.uuid4().hex} if self.target.idempotent else {}
        began = time.perf_counter()
        response = self.client().post(self.target.url, json=self.target.body(text, number), headers=headers)
        elapsed = time.perf_counter() - began
        if response.status_code != 201:
            print(f"  {self.target.name}: HTTP {response.status_code} {response.text[:200]}", file=sys.stderr)
        return elapsed, response.status_code == 201

    def send(self, texts: list[str], first_number: int, record: bool = True) -> None:
        began = time.perf_counter()
        results = list(self.pool.map(self.one, texts, range(first_number, first_number + len(texts))))
        wall = time.perf_counter() - began
        if record:
            self.seconds += wall
            self.latencies += [latency for latency, _ in results]
            self.errors += sum(1 for _, ok in results if not ok)

    def figures(self) -> Figures:
        count = len(self.latencies)
        return Figures(
            system=self.target.name,
            workers=self.target.workers,
            concurrency=self.concurrency,
            requests=count,
            errors=self.errors,
            seconds=self.seconds,
            per_second=(count - self.errors) / self.seconds,
            p50_ms=percentile(self.latencies, 0.50) * 1000,
            p99_ms=percentile(self.latencies, 0.99) * 1000,
        )

    def close(self) -> None:
        self.pool.shutdown()
        for each in self.clients:
            each.close()


def measure(targets: list[Target], corpus: list[str], requests: int, warmup: int, rounds: int) -> list[Figures]:
    """Interleave the systems round by round, so that whatever else runs on the machine hits them alike.

    Every system gets the same texts in the same order; warm-up texts come from the end of the corpus and are
    not counted. Before anything is measured each server gets a warm-up at the highest concurrency, so that
    every worker process has loaded its models.
    """
    spare = corpus[-warmup * (len(CONCURRENCIES) + 1) :]
    for target in targets:
        driver = Driver(target, max(CONCURRENCIES))
        driver.send(spare[:warmup], 10_000_000, record=False)
        driver.close()
    figures: list[Figures] = []
    chunk = -(-requests // rounds)
    for index, concurrency in enumerate(CONCURRENCIES):
        drivers = [Driver(target, concurrency) for target in targets]
        try:
            warm = spare[(index + 1) * warmup : (index + 2) * warmup]
            for driver in drivers:
                driver.send(warm, 20_000_000 + index * warmup, record=False)
            base = index * requests
            for number in range(rounds):
                texts = corpus[base + number * chunk : base + min(requests, (number + 1) * chunk)]
                # Rotate who goes first: load that comes and goes must not always fall on the same system.
                for driver in drivers[number % len(drivers) :] + drivers[: number % len(drivers)]:
                    driver.send(texts, base + number * chunk)
            for driver in drivers:
                figures.append(driver.figures())
                last = figures[-1]
                print(
                    f"  {last.system} ({last.workers}w) c={concurrency}: {last.per_second:.1f} req/s, p50 {last.p50_ms:.1f} ms, "
                    f"p99 {last.p99_ms:.1f} ms, errors {last.errors}",
                    flush=True,
                )
        finally:
            for driver in drivers:
                driver.close()
    return figures


# --- minwon ---------------------------------------------------------------------------------------------------


def minwon_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINWON_")}
    env["MINWON_VAR_DIR"] = str(directory / "var")
    env["MINWON_DATABASE_URL"] = f"sqlite:///{directory / 'var' / 'minwon.db'}"
    env["MINWON_SECRET"] = uuid.uuid4().hex
    return env


# `uvicorn --workers N` binds its listening socket with proto 0, so asyncio never sets TCP_NODELAY on the accepted
# connections and every keep-alive response waits ~40 ms for the client's delayed ACK (uvicorn issue #3149, open).
# This launcher is uvicorn's own multi-worker path with the socket bound as IPPROTO_TCP, to show minwon without that bug.
NODELAY_LAUNCHER = """
import socket, sys
import uvicorn
from uvicorn.supervisors import Multiprocess
port, workers = int(sys.argv[1]), int(sys.argv[2])
config = uvicorn.Config("minwon.web.app:create_app", factory=True, host="127.0.0.1", port=port, workers=workers)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", port))
sock.set_inheritable(True)
Multiprocess(config, sockets=[sock]).run()
"""


def minwon_targets(stack: contextlib.ExitStack[bool | None], base: Path) -> list[Target]:
    targets: list[Target] = []
    variants = [
        ("minwon serve", 1, lambda port: [str(MINWON_BIN / "minwon"), "serve", "--host", "127.0.0.1", "--port", str(port)]),
        (
            # `minwon serve` has no --workers; this is the same app under two uvicorn processes.
            "minwon uvicorn",
            2,
            lambda port: [
                str(MINWON_BIN / "uvicorn"),
                "minwon.web.app:create_app",
                "--factory",
                "--workers",
                "2",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
        ),
        ("minwon uvicorn+nodelay", 2, lambda port: [sys.executable, "-c", NODELAY_LAUNCHER, str(port), "2"]),
    ]
    for name, workers, command in variants:
        directory = base / name.replace(" ", "-").replace("+", "-")
        directory.mkdir()
        env = minwon_env(directory)
        # Demo accounts only, no demo cases: both systems start on an empty ticket table.
        subprocess.run(
            [str(MINWON_BIN / "minwon"), "demo-data", "--cases", "0"],
            env=env,
            cwd=directory,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        stack.enter_context(server(command(port), env, directory, directory / "server.log", f"{url}/healthz"))
        answer = httpx.post(f"{url}/api/v1/auth/token", data={"username": "agent1", "password": "minwon-demo"}, timeout=30)
        answer.raise_for_status()
        token = answer.json()["access_token"]
        targets.append(
            Target(
                name=name,
                workers=workers,
                url=f"{url}/api/v1/complaints",
                headers={"Authorization": f"Bearer {token}"},
                body=lambda text, _number: {"text": text, "channel": "agent"},
                idempotent=True,
            )
        )
    return targets


# --- django-helpdesk ------------------------------------------------------------------------------------------

SETUP = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
user, _ = get_user_model().objects.get_or_create(
    username="bench", defaults={"email": "bench@example.com", "is_staff": True, "is_superuser": True})
user.set_password("bench")
user.save()
token, _ = Token.objects.get_or_create(user=user)
queue, _ = Queue.objects.get_or_create(slug="complaints", defaults={"title": "민원"})
print("SETUP " + json.dumps({"token": token.key, "queue": queue.id}))
"""


def helpdesk_venv() -> Path:
    python = HELPDESK_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {HELPDESK_VENV} with {HELPDESK_REQUIREMENT} (one-off)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(HELPDESK_VENV)], check=True)
    check = subprocess.run([str(python), "-c", "import helpdesk, gunicorn, rest_framework"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", HELPDESK_REQUIREMENT, "gunicorn"], check=True)
    return python


def installed_version(python: Path, distribution: str) -> str:
    script = f"from importlib.metadata import version; print(version({distribution!r}))"
    return subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def helpdesk_title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "민원"
    return first[:100]


def helpdesk_target(stack: contextlib.ExitStack[bool | None], base: Path) -> tuple[Target, dict[str, str]]:
    python = helpdesk_venv()
    versions = {
        name: installed_version(python, name) for name in ("django-helpdesk", "Django", "djangorestframework", "gunicorn")
    }
    if not versions["django-helpdesk"].startswith("2.6"):
        raise RuntimeError(f"{HELPDESK_VENV} holds django-helpdesk {versions['django-helpdesk']}, not 2.6")
    directory = base / "helpdesk"
    directory.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env["HELPDESK_BENCH_DB"] = str(directory / "helpdesk.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "helpdesk_site.settings"
    manage = [str(python), str(SITE / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=SITE, check=True, stdout=subprocess.DEVNULL)
    setup = subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=SITE, check=True, capture_output=True, text=True)
    created = json.loads(next(line for line in setup.stdout.splitlines() if line.startswith("SETUP "))[6:])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(HELPDESK_VENV / "bin" / "gunicorn"),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--chdir",
        str(SITE),
        "helpdesk_site.wsgi:application",
    ]
    queue = created["queue"]

    def body(text: str, number: int) -> dict[str, object]:
        return {
            "queue": queue,
            "title": helpdesk_title(text),
            "description": text,
            "submitter_email": f"customer{number % 50}@example.com",
            "priority": 3,
        }

    stack.enter_context(server(command, env, SITE, directory / "gunicorn.log", f"{url}/api/"))
    target = Target(
        name="django-helpdesk",
        workers=2,
        url=f"{url}/api/tickets/",
        headers={"Authorization": f"Token {created['token']}"},
        body=body,
        idempotent=False,
    )
    return target, versions


# --- report ---------------------------------------------------------------------------------------------------


def table(figures: list[Figures]) -> str:
    lines = [
        "| system | workers | concurrency | requests | errors | req/s | p50 ms | p99 ms | × helpdesk |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    baseline = {f.concurrency: f.per_second for f in figures if f.system == "django-helpdesk"}
    for f in figures:
        ratio = f.per_second / baseline[f.concurrency] if baseline.get(f.concurrency) else float("nan")
        lines.append(
            f"| {f.system} | {f.workers} | {f.concurrency} | {f.requests} | {f.errors} | {f.per_second:.1f} | "
            f"{f.p50_ms:.1f} | {f.p99_ms:.1f} | {ratio:.2f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per system and concurrency")
    parser.add_argument("--warmup", type=int, default=20, help="requests sent first and not counted")
    parser.add_argument("--rounds", type=int, default=10, help="the systems take turns in this many rounds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    corpus = texts()
    needed = len(CONCURRENCIES) * args.requests + (len(CONCURRENCIES) + 1) * args.warmup
    if needed > len(corpus):
        parser.error(f"{needed} distinct texts needed but the corpus has {len(corpus)}")
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{len(corpus)} corpus texts, {args.requests} measured + {args.warmup} warm-up requests per configuration")
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="minwon-intake-bench-") as tmp, contextlib.ExitStack() as stack:
        base = Path(tmp)
        helpdesk, versions = helpdesk_target(stack, base)
        print("django-helpdesk venv: " + ", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)
        targets = [helpdesk, *minwon_targets(stack, base)]
        figures = measure(targets, corpus, args.requests, args.warmup, args.rounds)
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print()
    print(table(figures))
    print()
    for concurrency in CONCURRENCIES:
        baseline = next(f for f in figures if f.system == "django-helpdesk" and f.concurrency == concurrency)
        for f in figures:
            if f.system != "django-helpdesk" and f.concurrency == concurrency:
                ratio = f.per_second / baseline.per_second
                verdict = "met" if ratio >= 20 else "NOT met"
                print(
                    f"c={concurrency}: {f.system} ({f.workers} worker(s)) = {ratio:.2f}× django-helpdesk → goal ≥ 20×: {verdict}"
                )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "versions": versions,
                    "cores": os.cpu_count(),
                    "load_before": load_before,
                    "load_after": load_after,
                    "figures": [f.__dict__ for f in figures],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
