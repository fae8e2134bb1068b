"""Scale benchmark (issue 3): 1,000,000 cases in PostgreSQL, list/filter/search over HTTP.

Run (PostgreSQL at 127.0.0.1:5432, trust auth, user postgres):

    .venv/bin/python bench/million_cases.py generate [--cases 1000000]
    .venv/bin/python bench/million_cases.py measure [--requests 50] [--json out.json]

`generate` drops and recreates the database `minwon_bench_million`, applies the
migrations, creates the demo accounts and bulk-loads the cases with PostgreSQL COPY.
Going through open_complaint() would take days at this size, so the texts are analysed
once (a pool of the corpus complaints: the same analysis, masking and search tokens
that intake stores) and every case reuses one pool entry. Secondary indexes are
dropped for the load and recreated from their own definitions afterwards (the usual
bulk-load order; the definitions are read from pg_indexes so they stay the migrations').

`measure` starts `minwon serve` on that database and times GET /api/v1/cases over real
HTTP, sequentially from one client, as supervisor1 and agent1.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

DB_NAME = "minwon_bench_million"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
SA_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
SECRET = "bench-million-secret"
BIN = Path(sys.executable).parent
TABLES = ("cases", "contacts", "case_events")
YEARS = 2
REPEAT_SHARE = 0.08  # cases with a second contact from the same customer
TEAM_AGENTS = {
    "network": ["agent1", "agent6"], "billing": ["agent2", "agent7"], "care": ["agent3", "agent8"],
    "privacy": ["agent4"], "general": ["agent5", "agent9"],
}  # fmt: skip


def _esc(value: str) -> str:
    """A value in COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _ts(at: datetime) -> str:
    return at.isoformat()


# ---------------------------------------------------------------- generate


def build_pool(limit: int) -> list[dict[str, Any]]:
    """Each corpus complaint analysed once, as open_complaint() would store it."""
    from minwon.cases.service import _priority, content_hash, mask_rrn
    from minwon.text.analysis import analyze
    from minwon.text.corpus import load_corpus
    from minwon.text.morph import search_tokens

    texts = [d.text for d in load_corpus() if d.is_complaint][:limit]
    pool = []
    for text in texts:
        stored, _masked = mask_rrn(text)
        analysis = analyze(stored)
        if not analysis.masked_text.strip():
            continue  # a few corpus entries clean down to nothing; intake would store no searchable text
        categories = [c.code for c in analysis.categories]
        record = analysis.to_record("")
        record.pop("clean_text", None)
        record.pop("id", None)
        pool.append(
            {
                "raw": _esc(stored),
                "masked": _esc(analysis.masked_text),
                "analysis": _esc(json.dumps(record, ensure_ascii=False, default=str)),
                "tokens": _esc(" ".join(search_tokens(analysis.clean_text))),
                "hash": content_hash(analysis.clean_text),
                "title": _esc((analysis.summary or analysis.masked_text)[:120] or "(내용 없음)"),
                "categories": categories,
                "products": list(analysis.products),
                "priority": _priority(analysis, categories),
                "churn": analysis.churn,
                "anger": float(analysis.sentiment["anger"]),
            }
        )
    return pool


def _open_share(age: timedelta) -> float:
    """Recent cases are mostly still open; old ones almost all closed."""
    days = age.total_seconds() / 86400
    if days < 3:
        return 0.9
    if days < 14:
        return 0.5
    if days < 45:
        return 0.15
    return 0.004


class Picker:
    def __init__(self, rng: random.Random, weighted: list[tuple[Any, float]]) -> None:
        self.rng = rng
        self.items = [item for item, _w in weighted]
        self.cumulative: list[float] = []
        total = 0.0
        for _item, weight in weighted:
            total += weight
            self.cumulative.append(total)

    def __call__(self) -> Any:
        return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


def plan_cases(
    count: int, pool: list[dict[str, Any]], users: dict[str, int], teams: dict[str, int], seed: int
) -> list[tuple[Any, ...]]:
    """One tuple per case; everything the three COPY streams need."""
    from minwon.cases.service import load_routing
    from minwon.demo import PRODUCTS, REGIONS

    rng = random.Random(seed)
    rules, default_team = load_routing()
    now = datetime.now(UTC).replace(microsecond=0)
    span = YEARS * 365 * 86400
    starts = sorted(rng.randrange(span) for _ in range(count))
    region_pick = Picker(rng, [(name, float(w)) for name, w in REGIONS])
    product_pick = Picker(rng, list(zip(PRODUCTS, [40.0, 30.0, 15.0, 5.0, 10.0], strict=True)))
    channel_pick = Picker(rng, [("web", 40.0), ("agent", 35.0), ("email", 10.0), ("api", 10.0), ("import", 5.0)])
    open_pick = Picker(rng, [("received", 1.0), ("assigned", 4.0), ("in_progress", 4.0), ("waiting_customer", 2.0),
                             ("visit_scheduled", 1.0), ("resolved", 3.0)])  # fmt: skip
    team_of: dict[int, str] = {}
    plans = []
    for index, offset in enumerate(starts):
        created = now - timedelta(seconds=span - offset)
        entry = rng.randrange(len(pool))
        item = pool[entry]
        region = region_pick()
        products = sorted(set(item["products"]) | {product_pick()})
        team = team_of.get(entry)
        if team is None:
            team = next((r.team for r in rules if r.matches(item["categories"], item["products"], region)), default_team)
            team_of[entry] = team
        owner = rng.choice(TEAM_AGENTS[team])
        state = open_pick() if rng.random() < _open_share(now - created) else "closed"
        repeat = rng.random() < REPEAT_SHARE
        plans.append((index + 1, created, entry, region, products, team, owner, state, channel_pick(), repeat))
    return plans


def _copy(connection: psycopg.Connection[Any], table: str, columns: str, lines: Iterator[str]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer: list[str] = []
        size = 0
        for line in lines:
            buffer.append(line)
            size += len(line)
            if size > 4_000_000:
                copy.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer))


def _case_lines(plans: list[tuple[Any, ...]], pool: list[dict[str, Any]], users: dict[str, int], teams: dict[str, int],
                customers: list[int]) -> Iterator[str]:  # fmt: skip
    rng = random.Random(11)
    for ident, created, entry, region, products, team, owner, state, _channel, repeat in plans:
        item = pool[entry]
        updated, closed = _timeline_ends(created, state, repeat)
        customer = str(rng.choice(customers)) if rng.random() < 0.001 else "\\N"
        priority = item["priority"]
        if repeat and priority != "urgent":
            priority = {"low": "normal", "normal": "high", "high": "urgent"}[priority]
        yield "\t".join((
            str(ident), f"{created.year}-{ident:07d}", customer, item["title"],
            _esc(json.dumps(item["categories"])), _esc(json.dumps(products)), region, priority, state,
            str(users[owner]), str(teams[team]), "1" if repeat else "0", "0", "0", item["churn"], str(item["anger"]),
            _ts(created), _ts(updated), _ts(closed) if closed else "\\N",
        )) + "\n"  # fmt: skip


CASE_COLUMNS = (
    "id, number, customer_id, title, categories, products, region, priority, state, owner_id, team_id, "
    "repeat_count, transfer_count, escalation_level, churn, anger, created_at, updated_at, closed_at"
)


def _timeline(created: datetime, state: str, repeat: bool) -> list[tuple[datetime, str, str | None]]:
    """(at, kind, state_after) after received and assigned; deterministic from the inputs."""
    seconds = int(created.timestamp())
    work = timedelta(hours=2 + seconds % 70)
    events: list[tuple[datetime, str, str | None]] = []
    if repeat:
        events.append((created + timedelta(days=1 + seconds % 9), "repeat_contact", None))
    if state in ("in_progress", "waiting_customer", "visit_scheduled"):
        events.append((created + timedelta(minutes=30 + seconds % 200), "state_changed", state))
    elif state in ("resolved", "closed"):
        events.append((created + work, "resolved", "resolved"))
        if state == "closed":
            events.append((created + work + timedelta(days=1), "closed", "closed"))
    return events


def _timeline_ends(created: datetime, state: str, repeat: bool) -> tuple[datetime, datetime | None]:
    events = _timeline(created, state, repeat)
    last = max((at for at, _kind, _state in events), default=created)
    closed = next((at for at, kind, _state in events if kind == "closed"), None)
    return last, closed


def _contact_lines(plans: list[tuple[Any, ...]], pool: list[dict[str, Any]], users: dict[str, int]) -> Iterator[str]:
    ident = 0
    agent1 = str(users["agent1"])
    for case_id, created, entry, _region, _products, _team, _owner, state, channel, repeat in plans:
        item = pool[entry]
        received = [created]
        if repeat:
            received.append(next(at for at, kind, _s in _timeline(created, state, repeat) if kind == "repeat_contact"))
        for at in received:
            ident += 1
            yield "\t".join((
                str(ident), str(case_id), channel, _ts(at), item["masked"], item["raw"], item["analysis"],
                item["tokens"], item["hash"], agent1,
            )) + "\n"  # fmt: skip


CONTACT_COLUMNS = "id, case_id, channel, received_at, masked_text, raw_text, analysis, search_tokens, content_hash, submitted_by"


def _event_lines(
    plans: list[tuple[Any, ...]], users: dict[str, int], names: dict[str, str], team_names: dict[str, str]
) -> Iterator[str]:
    ident = 0
    agent1 = str(users["agent1"])
    for case_id, created, _entry, _region, _products, team, owner, state, channel, repeat in plans:
        owner_id = str(users[owner])
        rows: list[tuple[datetime, str, str | None, str, str, str]] = [
            (created, "received", "received", agent1, json.dumps({"channel": channel}), ""),
            (
                created,
                "assigned",
                "assigned",
                "\\N",
                _esc(json.dumps({"owner": names[owner], "team": team_names[team]}, ensure_ascii=False)),
                "",
            ),
        ]
        for at, kind, state_after in _timeline(created, state, repeat):
            if kind == "repeat_contact":
                rows.append((at, kind, None, agent1, json.dumps({"repeat_count": 1, "channel": channel}),
                             "같은 문제로 다시 연락하셨습니다. 기존 민원에 이어서 처리합니다."))  # fmt: skip
            elif kind == "resolved":
                rows.append((at, kind, state_after, owner_id, json.dumps({"no_fault": False}), "조치 완료 안내드렸습니다."))
            else:
                rows.append((at, kind, state_after, owner_id, "{}", ""))
        for at, kind, state_after, actor, data, note in rows:
            ident += 1
            yield "\t".join((
                str(ident), str(case_id), _ts(at), actor, kind, state_after or "\\N", data, note, "t",
            )) + "\n"  # fmt: skip


EVENT_COLUMNS = "id, case_id, at, actor_id, kind, state_after, data, note, visible_to_customer"


def generate(count: int, pool_size: int, seed: int) -> dict[str, Any]:
    from minwon.db import make_engine, migrate, session_factory
    from minwon.demo import load_demo_data

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    engine = make_engine(SA_URL)
    migrate(engine)
    load_demo_data(session_factory(engine), SECRET, cases=0)
    engine.dispose()
    timings["schema_and_accounts_s"] = time.perf_counter() - started

    mark = time.perf_counter()
    pool = build_pool(pool_size)
    timings["analyse_pool_s"] = time.perf_counter() - mark
    print(f"pool: {len(pool)} analysed texts in {timings['analyse_pool_s']:.1f} s", flush=True)

    with psycopg.connect(DB_URL, autocommit=True) as connection:
        users = {u: i for u, i in connection.execute("SELECT username, id FROM users")}
        names = {u: n for u, n in connection.execute("SELECT username, display_name FROM users")}
        teams = {t: i for t, i in connection.execute("SELECT name, id FROM teams")}
        team_names = {t: n for t, n in connection.execute("SELECT name, display_name FROM teams")}
        customers = [row[0] for row in connection.execute("SELECT id FROM customers")]

        mark = time.perf_counter()
        plans = plan_cases(count, pool, users, teams, seed)
        timings["plan_s"] = time.perf_counter() - mark

        indexes = [
            (name, definition)
            for name, definition in connection.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (list(TABLES),),
            )
        ]
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        # Rows are consistent by construction; skipping the per-row FK trigger checks is the point of a bulk load.
        connection.execute("SET session_replication_role = replica")
        for table, columns, lines in (
            ("cases", CASE_COLUMNS, _case_lines(plans, pool, users, teams, customers)),
            ("contacts", CONTACT_COLUMNS, _contact_lines(plans, pool, users)),
            ("case_events", EVENT_COLUMNS, _event_lines(plans, users, names, team_names)),
        ):
            mark = time.perf_counter()
            with connection.transaction():
                _copy(connection, table, columns, lines)
            timings[f"copy_{table}_s"] = time.perf_counter() - mark
            print(f"COPY {table}: {timings[f'copy_{table}_s']:.1f} s", flush=True)
        connection.execute("SET session_replication_role = origin")

        mark = time.perf_counter()
        connection.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            connection.execute(definition)
        timings["create_indexes_s"] = time.perf_counter() - mark
        for table in TABLES:
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        mark = time.perf_counter()
        connection.execute("ANALYZE")
        timings["analyze_s"] = time.perf_counter() - mark
        timings["total_s"] = time.perf_counter() - started
        report = {
            "timings": timings,
            "pool": len(pool),
            "indexes_rebuilt": [name for name, _d in indexes],
            **facts(connection),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


def facts(connection: psycopg.Connection[Any]) -> dict[str, Any]:
    counts = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    empty_vectors = connection.execute(
        "SELECT count(*) FROM contacts WHERE search_vector IS NULL OR length(search_vector) = 0"
    ).fetchone()[0]  # type: ignore[index]
    generated = connection.execute(
        "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'contacts'::regclass AND attname = 'search_vector'"
    ).fetchone()[0]  # type: ignore[index]
    states = dict(connection.execute("SELECT state, count(*) FROM cases GROUP BY state ORDER BY 2 DESC").fetchall())
    size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
    span = connection.execute("SELECT min(created_at)::text, max(created_at)::text FROM cases").fetchone()
    return {
        "rows": counts,
        "search_vector_generated": generated == "s",
        "contacts_without_search_vector": empty_vectors,
        "states": states,
        "created_span": list(span) if span else None,
        "database_bytes": size,
    }


# ---------------------------------------------------------------- measure

SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("list, page 1", {}),
    ("list, page 50", {"page": 50}),
    ("state=closed", {"state": "closed"}),
    ("state=in_progress", {"state": "in_progress"}),
    ("category=billing", {"category": "billing"}),
    ("category=privacy", {"category": "privacy"}),
    ("product=iptv", {"product": "iptv"}),
    ("region=부산광역시", {"region": "부산광역시"}),
    ("region=세종특별자치시", {"region": "세종특별자치시"}),
    ("owner=agent2", {"owner": "agent2"}),
    ("q=요금제", {"q": "요금제"}),
    ("q=끊김", {"q": "끊김"}),
    ("q=위약금", {"q": "위약금"}),
    ("q=아현", {"q": "아현"}),
    ("q=위약금 요금제 (2 words)", {"q": "위약금 요금제"}),
    ("q=요금제, page 50", {"q": "요금제", "page": 50}),
    ("state=closed&category=outage&region=서울특별시", {"state": "closed", "category": "outage", "region": "서울특별시"}),
    ("q=끊김&product=internet&region=경기도", {"q": "끊김", "product": "internet", "region": "경기도"}),
    ("q=요금제&state=in_progress", {"q": "요금제", "state": "in_progress"}),
    ("owner=agent1&state=assigned", {"owner": "agent1", "state": "assigned"}),
]
SLA_SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("sla=breached&state=in_progress", {"sla": "breached", "state": "in_progress"}),
    ("sla=breached&q=아현", {"sla": "breached", "q": "아현"}),
    ("sla=breached (whole table)", {"sla": "breached"}),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure(requests: int, sla_timeout: float) -> dict[str, Any]:
    port = _free_port()
    var_dir = tempfile.mkdtemp(prefix="minwon-bench-")
    env = {**os.environ, "MINWON_DATABASE_URL": SA_URL, "MINWON_SECRET": SECRET, "MINWON_VAR_DIR": var_dir}
    server = subprocess.Popen([str(BIN / "minwon"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"shapes": [], "sla": [], "requests": requests}
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=120) as client:
            for username in ("supervisor1", "agent1"):
                token = client.post("/api/v1/auth/token", data={"username": username, "password": "minwon-demo"}).json()[
                    "access_token"
                ]
                headers = {"Authorization": f"Bearer {token}"}
                for label, params in SHAPES:
                    times: list[float] = []
                    total = None
                    for attempt in range(requests + 2):
                        mark = time.perf_counter()
                        response = client.get("/api/v1/cases", params=params, headers=headers)
                        elapsed = (time.perf_counter() - mark) * 1000
                        response.raise_for_status()
                        total = response.json()["total"]
                        if attempt >= 2:  # two warm-up requests per shape are not counted
                            times.append(elapsed)
                        if attempt == 6 and min(times) > 1000:
                            break  # hopeless shape: five samples say enough, keep the run short
                    row = {
                        "user": username, "shape": label, "n": len(times), "total": total,
                        "p50": statistics.median(times), "p95": _percentile(times, 0.95), "max": max(times),
                    }  # fmt: skip
                    results["shapes"].append(row)
                    print(f"{username:12} {label:50} n={row['n']:3} total={total:>8} "
                          f"p50={row['p50']:7.1f} p95={row['p95']:7.1f} max={row['max']:7.1f}", flush=True)  # fmt: skip
                for label, params in SLA_SHAPES:
                    mark = time.perf_counter()
                    try:
                        response = client.get("/api/v1/cases", params=params, headers=headers, timeout=sla_timeout)
                        outcome = {"status": response.status_code, "total": response.json().get("total")}
                    except httpx.TimeoutException:
                        outcome = {"status": "timeout", "total": None}
                    row = {"user": username, "shape": label, "ms": (time.perf_counter() - mark) * 1000, **outcome}
                    results["sla"].append(row)
                    print(f"{username:12} {label:50} {row}", flush=True)
                    if outcome["status"] == "timeout":
                        # The server keeps scanning after the client gave up: cancel its query
                        # (the request then fails inside the server) so that it does not slow
                        # down what is measured next.
                        _cancel_bench_queries()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def _cancel_bench_queries() -> None:
    busy = (
        "SELECT pid FROM pg_stat_activity WHERE datname = %s "
        "AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()"
    )
    with psycopg.connect(DB_URL, autocommit=True) as connection:
        for _attempt in range(300):
            pids = [row[0] for row in connection.execute(busy, (DB_NAME,))]
            if not pids:
                return
            for pid in pids:
                connection.execute("SELECT pg_cancel_backend(%s)", (pid,))
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--cases", type=int, default=1_000_000)
    gen.add_argument("--pool", type=int, default=5000, help="corpus complaints analysed (all of them when fewer)")
    gen.add_argument("--seed", type=int, default=3)
    gen.add_argument("--json", type=Path)
    mea = sub.add_parser("measure")
    mea.add_argument("--requests", type=int, default=50)
    mea.add_argument("--sla-timeout", type=float, default=120.0)
    mea.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        report = generate(args.cases, args.pool, args.seed)
    else:
        report = measure(args.requests, args.sla_timeout)
        with psycopg.connect(DB_URL) as connection:
            report["facts"] = facts(connection)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
