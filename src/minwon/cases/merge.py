"""Merging one case into another, and undoing it — both audited on the timeline.

The Case table has no "merged into" column on purpose: the `merged` event on the source
records everything the undo needs (moved contacts, the source's previous state and owner,
what the target gained), so the timeline stays the one source of truth.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.accounts.models import User
from minwon.cases.models import PRIORITIES, Case, CaseEvent, Contact
from minwon.cases.service import CaseError, add_event

MERGE_KINDS = ("merged", "unmerged")


def _lock(session: Session, *cases: Case) -> None:
    """Re-read both rows under a row lock (in id order, so two opposite merges cannot deadlock):
    two concurrent merges of the same source must not both succeed on PostgreSQL."""
    for case in sorted(cases, key=lambda c: c.id):
        session.refresh(case, with_for_update=True)


def _merge_events(session: Session, case: Case) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(MERGE_KINDS)).order_by(CaseEvent.id)
        )
    )


def active_merge_as_source(session: Session, case: Case) -> CaseEvent | None:
    """The `merged` event that took this case's contacts away, if it has not been undone."""
    latest = next((e for e in reversed(_merge_events(session, case)) if e.data.get("role") == "source"), None)
    return latest if latest is not None and latest.kind == "merged" else None


def _check_mergeable(session: Session, target: Case, source: Case) -> None:
    if target.id == source.id:
        raise CaseError("merge_self", "민원을 자기 자신에게 병합할 수 없습니다.")
    if target.customer_id != source.customer_id:
        raise CaseError("merge_customer_mismatch", "서로 다른 고객의 민원은 병합할 수 없습니다. 같은 고객의 민원인지 확인해 주세요.")
    if active_merge_as_source(session, source) is not None:
        raise CaseError("already_merged", f"민원 {source.number}은(는) 이미 다른 민원에 병합되었습니다.")
    if active_merge_as_source(session, target) is not None:
        raise CaseError("merge_target_merged", f"민원 {target.number}은(는) 이미 다른 민원에 병합되어 대상이 될 수 없습니다.")
    if target.state == "closed":
        raise CaseError("merge_target_closed", f"종결된 민원({target.number})에는 병합할 수 없습니다. 먼저 민원을 다시 열어 주세요.")


def merge_cases(session: Session, target: Case, source: Case, actor: User, reason: str) -> CaseEvent:
    """Move every contact of `source` into `target` and close `source` with a `merged` event.

    Returns the event written on the source (the one `undo_merge` reads). The caller commits.
    """
    if not reason.strip():
        raise CaseError("reason_required", "병합 사유를 입력해 주세요.")
    if target.id != source.id:
        _lock(session, target, source)
    _check_mergeable(session, target, source)

    contacts = list(session.scalars(select(Contact).where(Contact.case_id == source.id).order_by(Contact.id)))
    moved = [c.id for c in contacts]
    added_categories = sorted(set(source.categories) - set(target.categories))
    added_products = sorted(set(source.products) - set(target.products))
    # repeat_count is "contacts beyond the first": the source's first contact becomes a repeat too.
    added_repeats = source.repeat_count + 1 if moved else source.repeat_count
    previous_target_priority = target.priority
    merged_priority = max(target.priority, source.priority, key=PRIORITIES.index)
    previous_source: dict[str, Any] = {
        "state": source.state,
        "owner_id": source.owner_id,
        "team_id": source.team_id,
        "closed_at": source.closed_at.isoformat() if source.closed_at else None,
        "repeat_count": source.repeat_count,
    }

    for contact in contacts:
        contact.case_id = target.id
    target.categories = sorted(set(target.categories) | set(source.categories))
    target.products = sorted(set(target.products) | set(source.products))
    target.repeat_count += added_repeats
    target.priority = merged_priority
    source.repeat_count = 0
    session.flush()
    session.expire(source, ["contacts"])
    session.expire(target, ["contacts"])

    add_event(
        session, target, "merged", actor,
        note=f"민원 {source.number}의 접수 내용 {len(moved)}건을 이 민원으로 합쳐 함께 처리합니다. 사유: {reason}",
        data={
            "role": "target",
            "source": source.number,
            "contact_ids": moved,
            "added_categories": added_categories,
            "added_products": added_products,
            "added_repeat_count": added_repeats,
            "previous_priority": previous_target_priority,
            "priority_after": merged_priority,
        },
    )
    return add_event(
        session, source, "merged", actor,
        note=f"이 민원은 민원 {target.number}에 병합되어 그곳에서 함께 처리합니다. 사유: {reason}",
        data={"role": "source", "target": target.number, "contact_ids": moved, "previous": previous_source},
        state_after="closed",
    )


def _check_undoable(session: Session, target: Case, source: Case) -> tuple[CaseEvent, CaseEvent]:
    """The source's and the target's `merged` events of the merge to undo."""
    merge = active_merge_as_source(session, source)
    if merge is None or merge.data.get("target") != target.number:
        raise CaseError("not_merged", f"민원 {source.number}은(는) 민원 {target.number}에 병합된 상태가 아닙니다.")
    if any(e.id > merge.id for e in _merge_events(session, source)):
        raise CaseError("merged_again", f"민원 {source.number}은(는) 그 뒤에 다시 병합되어 이 병합을 되돌릴 수 없습니다.")
    target_events = _merge_events(session, target)
    target_merge = next(
        (
            e for e in reversed(target_events)
            if e.kind == "merged" and e.data.get("role") == "target" and e.data.get("source") == source.number and e.id < merge.id
        ),
        None,
    )
    if target_merge is None:
        raise CaseError("not_merged", f"민원 {target.number}에서 민원 {source.number}의 병합 기록을 찾을 수 없습니다.")
    # Only the latest merge of the target may be undone: later merges are undone first (last in, first out).
    undone = {e.data.get("merge_event_id") for e in target_events if e.kind == "unmerged"}
    for event in target_events:
        if event.id > merge.id and event.kind == "merged" and event.id not in undone:
            raise CaseError(
                "merged_again",
                f"민원 {target.number}은(는) 그 뒤에 다른 병합이 있어 이 병합을 되돌릴 수 없습니다. 나중의 병합을 먼저 되돌려 주세요.",
            )
    return merge, target_merge


def undo_merge(session: Session, target: Case, source: Case, actor: User, reason: str) -> CaseEvent:
    """Move the merged contacts back, restore the source's state and owner; `unmerged` on both."""
    if not reason.strip():
        raise CaseError("reason_required", "병합 취소 사유를 입력해 주세요.")
    if target.id == source.id:
        raise CaseError("merge_self", "민원을 자기 자신과의 병합으로 되돌릴 수 없습니다.")
    _lock(session, target, source)
    merge, target_merge = _check_undoable(session, target, source)

    contact_ids = [int(i) for i in merge.data.get("contact_ids", [])]
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))) if contact_ids else []
    if len(contacts) != len(contact_ids) or any(c.case_id != target.id for c in contacts):
        raise CaseError("contacts_moved", "병합된 접수 내용 중 일부가 이미 다른 민원으로 옮겨져 되돌릴 수 없습니다.")
    for contact in contacts:
        contact.case_id = source.id

    previous = merge.data.get("previous", {})
    info = target_merge.data
    target.categories = sorted(set(target.categories) - set(info.get("added_categories", [])))
    target.products = sorted(set(target.products) - set(info.get("added_products", [])))
    target.repeat_count = max(0, target.repeat_count - int(info.get("added_repeat_count", 0)))
    # Restore the priority only if nothing raised it since the merge.
    if target.priority == info.get("priority_after") and info.get("previous_priority") in PRIORITIES:
        target.priority = str(info["previous_priority"])
    source.owner_id = previous.get("owner_id")
    source.team_id = previous.get("team_id")
    source.repeat_count = int(previous.get("repeat_count", 0))
    session.flush()
    session.expire(source, ["contacts"])
    session.expire(target, ["contacts"])

    add_event(
        session, target, "unmerged", actor,
        note=f"민원 {source.number}과(와)의 병합을 취소하여 접수 내용 {len(contacts)}건을 되돌렸습니다. 사유: {reason}",
        data={"role": "target", "source": source.number, "contact_ids": contact_ids, "merge_event_id": target_merge.id},
    )
    previous_state = str(previous.get("state") or "received")
    event = add_event(
        session, source, "unmerged", actor,
        note=f"민원 {target.number}에 병합되었던 것을 취소하고 이 민원에서 다시 처리합니다. 사유: {reason}",
        data={"role": "source", "target": target.number, "contact_ids": contact_ids, "merge_event_id": merge.id},
        state_after=previous_state,
    )
    # add_event stamps closed_at when the restored state is "closed"; the original time is the truth.
    closed_at = previous.get("closed_at")
    source.closed_at = datetime.fromisoformat(closed_at) if closed_at else None
    session.flush()
    return event
