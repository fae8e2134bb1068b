"""Case lists: Korean-aware full-text search, filters, SLA status, pages and export rows.

Search. Every contact stores ``search_tokens``, the content morphemes of its text
(:func:`minwon.text.morph.search_tokens`: 요금제가, 요금제를 → 요금제). Migration 0002
indexes them together with the masked text — SQLite: the FTS5 table ``contacts_fts``;
PostgreSQL: the generated tsvector ``contacts.search_vector`` ('simple', GIN). A query
is NFC-normalised and goes through the same ``search_tokens()``; every token must occur
(AND), and a case matches when any of its contacts does.

SLA. The status of a case is computed on read from its event log (:mod:`minwon.sla.service`)
and never stored, so it cannot be a WHERE clause. ``sla=`` and ``sort=sla_risk`` therefore
evaluate it over the whole candidate set the other filters leave — batch by batch, keeping
only the matches — and paginate afterwards: totals and pages are exact, and the cost grows
with the candidate set (narrow it with the other filters). Without them only the page's
cases are evaluated.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    cast,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from minwon.accounts.models import Team, User
from minwon.cases.models import Case, CaseEvent, Contact
from minwon.sla.service import clocks
from minwon.text.morph import search_tokens

SlaStatus = Literal["ok", "warning", "breached"]
SortOrder = Literal["created", "sla_risk"]
SLA_STATUSES: tuple[str, ...] = ("ok", "warning", "breached")
SLA_NAMES_KO = {"ok": "정상", "warning": "임박", "breached": "위반"}
PRIORITY_NAMES_KO = {"low": "낮음", "normal": "보통", "high": "높음", "urgent": "긴급"}
BATCH = 500
_RANK = {"ok": 0, "warning": 1, "breached": 2}

# What a list row needs of a case: plain rows, so that a scan over many cases does not
# fill the session's identity map.
_CASE_COLUMNS = (
    Case.id, Case.number, Case.title, Case.state, Case.priority, Case.categories, Case.products, Case.region,
    Case.owner_id, Case.team_id, Case.repeat_count, Case.transfer_count, Case.escalation_level, Case.created_at,
)  # fmt: skip
_EVENT_COLUMNS = (CaseEvent.case_id, CaseEvent.id, CaseEvent.at, CaseEvent.kind, CaseEvent.state_after, CaseEvent.actor_id)
_FTS = table("contacts_fts", column("rowid"))
_CONTACTS_PG = table("contacts", column("case_id"), column("search_vector"))


@dataclass(frozen=True)
class CaseFilter:
    """The filters of a case list; all given ones must hold (AND)."""

    q: str | None = None
    state: str | None = None
    category: str | None = None
    product: str | None = None
    region: str | None = None
    owner: str | None = None
    sla: str | None = None
    sort: str = "created"

    @property
    def needs_sla_scan(self) -> bool:
        return self.sla is not None or self.sort == "sla_risk"


@dataclass(frozen=True)
class CaseSla:
    """The SLA of a case in one word: the worst of its clocks.

    ``breached`` when any clock is (also once the case is resolved: a late resolution stays
    a breach), else ``warning`` when a running clock has used 80 % of its time, else ``ok``
    (running, met, or paused while waiting for the customer).
    """

    status: str
    next_due: datetime | None
    running: bool
    used: float

    def risk(self) -> tuple[int, int, float]:
        """Larger is riskier: cases still on the clock first, then by status and time used."""
        return (int(self.running), _RANK[self.status], self.used)


def case_sla(case: Any, events: Sequence[Any], now: datetime) -> CaseSla:
    states = clocks(case, list(events), now).values()
    status = "ok"
    for state in states:
        worst = state.status if state.status in _RANK else "ok"
        if _RANK[worst] > _RANK[status]:
            status = worst
    running = [s for s in states if s.stopped_at is None]
    dues = [s.deadline for s in running if s.deadline is not None]
    return CaseSla(
        status=status,
        next_due=min(dues) if dues else None,
        running=bool(running),
        used=max((s.fraction for s in running), default=0.0),
    )


def query_tokens(q: str) -> list[str]:
    """The tokens a query is looked up by: the same morphemes contacts are indexed by.

    A query of only particles or endings falls back to its words as typed; tokens without
    a letter or digit are dropped (neither index stores them).
    """
    normalised = unicodedata.normalize("NFC", q).strip()
    tokens = search_tokens(normalised) or normalised.lower().split()
    return list(dict.fromkeys(t for t in tokens if any(ch.isalnum() for ch in t)))


def _text_match(dialect: str, tokens: list[str]) -> ColumnElement[bool]:
    if not tokens:
        return false()
    if dialect == "sqlite":
        # Each token a quoted phrase: FTS5 operators typed by the user stay plain text.
        expression = " ".join('"' + token.replace('"', '""') + '"' for token in tokens)
        contacts = select(_FTS.c.rowid).where(text("contacts_fts MATCH :fts_query").bindparams(fts_query=expression))
        return Case.id.in_(select(Contact.case_id).where(Contact.id.in_(contacts)))
    if dialect == "postgresql":
        query = func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(tokens))
        return Case.id.in_(select(_CONTACTS_PG.c.case_id).where(_CONTACTS_PG.c.search_vector.op("@@")(query)))
    raise NotImplementedError(f"full-text search is not available on {dialect}")


def _json_list_contains(dialect: str, list_column: Any, value: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return cast(list_column, JSONB).contains([value])
    items = func.json_each(list_column).table_valued("value")
    return select(items.c.value).where(items.c.value == value).exists()


def _visible(user: User) -> ColumnElement[bool] | None:
    """Supervisors and admins see every case; an agent their team's and their own."""
    if user.role in ("supervisor", "admin"):
        return None
    if user.role == "agent":
        conditions = [Case.owner_id == user.id]
        if user.team_id is not None:
            conditions.append(Case.team_id == user.team_id)
        return or_(*conditions)
    return false()


def conditions(session: Session, user: User, filters: CaseFilter) -> list[ColumnElement[bool]]:
    """Everything but the SLA status, as SQL."""
    dialect = session.get_bind().dialect.name
    where: list[ColumnElement[bool]] = []
    visible = _visible(user)
    if visible is not None:
        where.append(visible)
    if filters.q is not None and filters.q.strip():
        where.append(_text_match(dialect, query_tokens(filters.q)))
    if filters.state:
        where.append(Case.state == filters.state)
    if filters.category:
        where.append(_json_list_contains(dialect, Case.categories, filters.category))
    if filters.product:
        where.append(_json_list_contains(dialect, Case.products, filters.product))
    if filters.region:
        where.append(Case.region == filters.region)
    if filters.owner:
        where.append(Case.owner_id.in_(select(User.id).where(User.username == filters.owner)))
    return where


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Case.created_at.desc(), Case.id.desc())


def _events_by_case(session: Session, case_ids: Sequence[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    if case_ids:
        query = select(*_EVENT_COLUMNS).where(CaseEvent.case_id.in_(case_ids))
        for row in session.execute(query.order_by(CaseEvent.case_id, CaseEvent.id)):
            grouped[row.case_id].append(row)
    return grouped


def _with_sla(session: Session, rows: Sequence[Row[Any]], now: datetime) -> list[tuple[Row[Any], CaseSla]]:
    events = _events_by_case(session, [row.id for row in rows])
    return [(row, case_sla(row, events.get(row.id, []), now)) for row in rows]


def _batches(session: Session, where: list[ColumnElement[bool]]) -> Iterator[list[Row[Any]]]:
    """Every candidate case, newest first, BATCH at a time (keyset paging: no growing OFFSET)."""
    last: tuple[datetime, int] | None = None
    while True:
        query = _newest_first(select(*_CASE_COLUMNS).where(*where))
        if last is not None:
            created, ident = last
            query = query.where(or_(Case.created_at < created, and_(Case.created_at == created, Case.id < ident)))
        rows = list(session.execute(query.limit(BATCH)))
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        last = (rows[-1].created_at, rows[-1].id)


def _rows_by_ids(session: Session, ids: Sequence[int]) -> list[Row[Any]]:
    found = {row.id: row for row in session.execute(select(*_CASE_COLUMNS).where(Case.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _sla_scan(
    session: Session, where: list[ColumnElement[bool]], filters: CaseFilter, now: datetime
) -> Iterator[tuple[Row[Any], CaseSla]]:
    """Candidates that pass the SLA filter, newest first, with their SLA."""
    for rows in _batches(session, where):
        for row, sla in _with_sla(session, rows, now):
            if filters.sla is None or sla.status == filters.sla:
                yield row, sla


def _ranked_ids(session: Session, where: list[ColumnElement[bool]], filters: CaseFilter, now: datetime) -> list[int]:
    """Matching case ids in the requested order (only ids and sort keys are kept)."""
    if filters.sort != "sla_risk":
        return [row.id for row, _sla in _sla_scan(session, where, filters, now)]
    keyed = [(sla.risk(), position, row.id) for position, (row, sla) in enumerate(_sla_scan(session, where, filters, now))]
    # Riskiest first; equal risk keeps newest first (position counts from the newest).
    keyed.sort(key=lambda item: (tuple(-k for k in item[0]), item[1]))
    return [ident for _risk, _position, ident in keyed]


@dataclass
class CasePage:
    rows: list[tuple[Row[Any], CaseSla]]
    total: int


def search_page(session: Session, user: User, filters: CaseFilter, page: int, per_page: int, now: datetime) -> CasePage:
    where = conditions(session, user, filters)
    offset = (page - 1) * per_page
    if not filters.needs_sla_scan:
        total = session.scalar(select(func.count()).select_from(select(Case.id).where(*where).subquery())) or 0
        rows = list(session.execute(_newest_first(select(*_CASE_COLUMNS).where(*where)).offset(offset).limit(per_page)))
        return CasePage(_with_sla(session, rows, now), total)
    ids = _ranked_ids(session, where, filters, now)
    return CasePage(_with_sla(session, _rows_by_ids(session, ids[offset : offset + per_page]), now), len(ids))


def iter_cases(session: Session, user: User, filters: CaseFilter, now: datetime) -> Iterator[list[tuple[Row[Any], CaseSla]]]:
    """Every matching case in list order, in batches (for export): one pass unless sorted by risk."""
    where = conditions(session, user, filters)
    if filters.sort == "sla_risk":
        ids = _ranked_ids(session, where, filters, now)
        for start in range(0, len(ids), BATCH):
            yield _with_sla(session, _rows_by_ids(session, ids[start : start + BATCH]), now)
        return
    batch: list[tuple[Row[Any], CaseSla]] = []
    source = _sla_scan(session, where, filters, now) if filters.sla is not None else (
        pair for rows in _batches(session, where) for pair in _with_sla(session, rows, now)
    )
    for pair in source:
        batch.append(pair)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def people(session: Session, rows: Sequence[Row[Any]]) -> tuple[dict[int, User], dict[int, Team]]:
    """Owners and teams of these cases, by id."""
    owner_ids = {row.owner_id for row in rows if row.owner_id is not None}
    team_ids = {row.team_id for row in rows if row.team_id is not None}
    owners = {u.id: u for u in session.scalars(select(User).where(User.id.in_(owner_ids)))} if owner_ids else {}
    teams = {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    return owners, teams


def contact_texts(session: Session, case_ids: Sequence[int], unmasked: bool) -> dict[int, list[str]]:
    """The contacts' texts of each case, oldest first: masked unless *unmasked* (audited by the caller)."""
    texts: dict[int, list[str]] = defaultdict(list)
    if case_ids:
        chosen = Contact.raw_text if unmasked else Contact.masked_text
        for case_id, body in session.execute(
            select(Contact.case_id, chosen).where(Contact.case_id.in_(case_ids)).order_by(Contact.case_id, Contact.id)
        ):
            texts[case_id].append(body)
    return texts
