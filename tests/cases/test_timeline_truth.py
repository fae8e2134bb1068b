"""The state column is only a cache: the timeline must always imply the same state."""

from __future__ import annotations

from sqlalchemy import select

from minwon.accounts.models import User
from minwon.cases import service
from minwon.cases.models import Case, CaseEvent
from minwon.config import Settings
from minwon.db import make_engine, session_factory


def test_every_case_state_is_what_its_timeline_implies(prepared_database: Settings) -> None:
    engine = make_engine(prepared_database.database_url)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        supervisor = session.scalar(select(User).where(User.username == "supervisor1"))
        assert supervisor is not None
        result = service.open_complaint(
            session, service.ComplaintInput(text="요금이 두 번 청구되었습니다. 환불해 주세요.", channel="agent", submitted_by=supervisor)
        )
        case = result.case
        service.change_state(session, case, "in_progress", supervisor)
        service.change_state(session, case, "waiting_customer", supervisor, "고객 확인 대기")
        service.resolve(session, case, supervisor, "이중 청구 환불 처리")
        service.change_state(session, case, "closed", supervisor)
        service.change_state(session, case, "in_progress", supervisor, "재문의")
    with sessions() as session:
        cases = session.scalars(select(Case)).all()
        assert cases
        for case in cases:
            events = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))
            assert service.derive_state(events) == case.state, case.number
    engine.dispose()
