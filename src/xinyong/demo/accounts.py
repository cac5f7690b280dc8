"""Log-in accounts for the demo: one per demo department, and two subjects' own accounts — an
organisation on a list and a natural person — so that every console can be tried at once.
Passwords are random and written, with the tokens, under ./var/ (readable by the owner only)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.clock import Clock
from xinyong.models import Department, ListEntry, Role, Subject, SubjectKind, User
from xinyong.web.accounts import create_user


def create_demo_accounts(session: Session, clock: Clock, roles: dict[str, str]) -> dict:
    """``roles`` maps each demo department's code to its role. Returns username → account."""
    accounts: dict[str, dict[str, str]] = {}
    taken = set(session.execute(select(User.username)).scalars())

    def add(
        username: str,
        name: str,
        role: Role,
        *,
        department: Department | None = None,
        subject_id: int | None = None,
    ) -> None:
        if username in taken:
            return
        password = secrets.token_urlsafe(12)
        create_user(
            session,
            username=username,
            display_name=name,
            password=password,
            role=role,
            actor="demo",
            now=clock.now(),
            department=department,
            subject_id=subject_id,
        )
        accounts[username] = {"role": role.value, "name": name, "password": password}

    for dept in session.execute(select(Department).order_by(Department.id)).scalars():
        if dept.code in roles:
            add(dept.code, dept.name, Role(roles[dept.code]), department=dept)
    listed = session.execute(
        select(Subject)
        .join(ListEntry, ListEntry.subject_id == Subject.id)
        .where(Subject.kind != SubjectKind.natural_person)
        .order_by(ListEntry.id)
        .limit(1)
    ).scalar_one_or_none()
    person = session.execute(
        select(Subject)
        .where(Subject.kind == SubjectKind.natural_person)
        .order_by(Subject.id)
        .limit(1)
    ).scalar_one_or_none()
    for username, subject in (("demo-company", listed), ("demo-person", person)):
        if subject is not None:
            add(username, subject.name, Role.subject, subject_id=subject.id)
    return accounts
