"""The authority's own people (issue 14): managed by its administrator as a department's
are, from the authority's console; its 待审核 page lists the decisions waiting on it."""

from __future__ import annotations

import re

from authority_pages import PASSWORD, csrf_of
from fastapi.testclient import TestClient
from sqlalchemy import select

from xinyong.departments.service import get_department
from xinyong.models import AuditEntry, Role, StaffRole, User
from xinyong.web import accounts


def test_the_authority_s_administrator_manages_its_people(app, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        accounts.create_user(
            session,
            username="cred.admin",
            display_name="周管理",
            password=PASSWORD,
            role=Role.authority,
            staff_role=StaffRole.admin,
            department=get_department(session, "cred"),
            actor="test",
            now=clock.now(),
        )
    admin = TestClient(app)
    form = admin.get("/login")
    admin.post("/login", data={
        "username": "cred.admin", "password": PASSWORD, "csrf_token": csrf_of(form.text),
    })  # fmt: skip
    page = admin.get("/authority/staff")
    assert page.status_code == 200 and "cred.admin" in page.text
    assert 'href="/authority/staff"' in page.text and 'href="/authority/approvals"' in page.text
    added = admin.post("/authority/staff", data={
        "csrf_token": csrf_of(page.text), "username": "cred.chenjing", "display_name": "陈静",
        "staff_role": "reviewer",
    })  # fmt: skip
    assert added.status_code == 201, added.text
    link = re.search(r'id="setup-link">https?://[^/]+(/setup/[^<]+)<', added.text)
    assert link
    with db.transaction() as session:
        user = session.execute(select(User).where(User.username == "cred.chenjing")).scalar_one()
        assert (user.role, user.staff_role) == (Role.authority, StaffRole.reviewer)
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "user.created")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None and entry.actor == "user:cred.admin"
    waiting = admin.get("/authority/approvals")
    assert waiting.status_code == 200 and "没有待审核事项" in waiting.text


def test_a_shared_authority_account_is_not_its_administrator(authority) -> None:  # type: ignore[no-untyped-def]
    refused = authority.get("/authority/staff")
    assert refused.status_code == 403 and "只有本部门的管理员" in refused.text
