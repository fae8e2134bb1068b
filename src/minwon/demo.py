"""`minwon demo-data`: teams, the demo accounts and ≥ 2,000 cases over 90 days (idempotent).

Demo accounts (demo data only): customer1, customer2, agent1, supervisor1, admin —
password `minwon-demo`. Complaint texts come from the project's own corpus.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import User
from minwon.accounts.service import NewUser, create_user, ensure_team
from minwon.cases.models import Case
from minwon.cases.service import ComplaintInput, open_complaint
from minwon.customers.service import register_customer
from minwon.db import utcnow
from minwon.text.corpus import load_corpus

DEMO_PASSWORD = "minwon-demo"
TEAMS = {
    "general": "일반상담팀",
    "network": "네트워크·장애팀",
    "billing": "요금·납부팀",
    "care": "고객보호팀",
    "privacy": "개인정보보호팀",
}
REGIONS = [
    ("서울특별시", 19), ("경기도", 26), ("부산광역시", 6), ("인천광역시", 6), ("대구광역시", 5), ("경상남도", 6),
    ("경상북도", 5), ("충청남도", 4), ("전라남도", 4), ("전북특별자치도", 3), ("충청북도", 3), ("강원특별자치도", 3),
    ("광주광역시", 3), ("대전광역시", 3), ("울산광역시", 2), ("제주특별자치도", 1), ("세종특별자치시", 1),
]
PRODUCTS = ["mobile", "internet", "iptv", "landline", "wifi"]
_DEMO_CUSTOMERS = 1600


def _ensure_accounts(session: Session, secret: str) -> None:
    for name, display in TEAMS.items():
        ensure_team(session, name, display)
    if session.scalar(select(User).where(User.username == "admin")) is not None:
        return
    customers = [
        register_customer(session, "김민원", "010-1111-2222", date(1980, 5, 17), secret, "서울특별시"),
        register_customer(session, "이고객", "010-3333-4444", date(1992, 11, 3), secret, "경상남도"),
    ]
    create_user(session, NewUser("customer1", DEMO_PASSWORD, "customer", "김민원", customer_id=customers[0].id))
    create_user(session, NewUser("customer2", DEMO_PASSWORD, "customer", "이고객", customer_id=customers[1].id))
    create_user(session, NewUser("agent1", DEMO_PASSWORD, "agent", "박상담", team="network", skills=("*",)))
    create_user(session, NewUser("supervisor1", DEMO_PASSWORD, "supervisor", "최관리", team="general"))
    create_user(session, NewUser("admin", DEMO_PASSWORD, "admin", "시스템관리자"))
    staff = [
        ("agent2", "정요금", "billing"), ("agent3", "한보호", "care"), ("agent4", "오정보", "privacy"),
        ("agent5", "윤일반", "general"), ("agent6", "장장애", "network"), ("agent7", "임납부", "billing"),
        ("agent8", "서친절", "care"), ("agent9", "문상담", "general"),
    ]
    for username, display, team in staff:
        create_user(session, NewUser(username, DEMO_PASSWORD, "agent", display, team=team))


def load_demo_data(sessions: sessionmaker[Session], secret: str, cases: int = 2000, seed: int = 7) -> int:
    """Create what is missing; returns the number of cases created now."""
    with sessions() as session, session.begin():
        _ensure_accounts(session, secret)
    with sessions() as session:
        existing = session.scalar(select(func.count(Case.id))) or 0
        system = session.scalar(select(User).where(User.username == "agent1"))
    if existing >= cases or system is None:
        return 0
    rng = random.Random(seed)
    texts = [d.text for d in load_corpus() if d.is_complaint]
    regions, weights = zip(*REGIONS, strict=True)
    now = utcnow()
    created = 0
    with sessions() as session:
        people = []
        for number in range(_DEMO_CUSTOMERS):
            people.append(
                register_customer(
                    session, f"고객{number:03d}", f"010-{5000 + number // 10:04d}-{number % 10}{rng.randint(0, 999):03d}",
                    date(1950 + rng.randint(0, 55), rng.randint(1, 12), rng.randint(1, 28)), secret,
                    rng.choices(regions, weights)[0],
                )
            )
        session.commit()
        agent = session.get_one(User, system.id)
        # Some complaints are repeat contacts and join an open case, so keep filing until
        # there are enough cases; the filing times still run evenly over 90 days.
        index = 0
        while existing + created < cases:
            index += 1
            at = now - timedelta(days=90) + timedelta(seconds=int(90 * 86400 * min(index / (cases * 1.3), 1.0)) + rng.randint(0, 3000))
            customer = rng.choice(people)
            complaint = ComplaintInput(
                text=rng.choice(texts), channel=rng.choice(["web", "agent", "email", "api", "import"]),
                submitted_by=agent, customer_id=customer.id, product=rng.choice(PRODUCTS),
                region=customer.region,
            )
            if open_complaint(session, complaint, now=at).created:
                created += 1
            if index % 200 == 0:
                session.commit()
        session.commit()
    return created
