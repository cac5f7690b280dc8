"""The people and records the browser tests act on: a company with a public penalty and an
authorised-query record, a second company on a black list, department staff, a bank, and
the company's own account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, make_caller
from fixtures.lists import ACME, BETA, World, make_world, org
from xinyong.departments.service import get_department
from xinyong.models import Role, Subject
from xinyong.web import accounts

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class BrowserWorld:
    w: World
    bank: Caller
    penalty: int  # ACME's public administrative penalty
    entry: str  # BETA's listing as a court judgment defaulter


def make_browser_world(client, db, clock) -> BrowserWorld:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    penalty = w.basis(w.market, "administrative_penalty", org(ACME), "pen-1")
    civil = make_caller(db, clock, role=Role.provider, kind="civil_affairs", code="civil")
    w.push(civil, catalog_record("charitable_donation", "don-1", org(ACME)))
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "b")
    bank = make_caller(db, clock, role=Role.user_department, kind="banking", code="bank")
    with db.transaction() as session:
        acme = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
        people = [
            ("acme", "南京测试科技有限公司", Role.subject, None, acme),
            ("wang.amr", "王市场", Role.provider, "amr", None),
            ("zhao.finance", "赵财政", Role.user_department, "finance", None),
            ("li.credit", "李信用", Role.authority, "cred", None),
        ]
        for username, name, role, dept, subject_id in people:
            accounts.create_user(
                session,
                username=username,
                display_name=name,
                password=PASSWORD,
                role=role,
                department=get_department(session, dept) if dept else None,
                subject_id=subject_id,
                actor="test",
                now=clock.now(),
            )
    return BrowserWorld(w, bank, penalty, entry)


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
