"""Who is calling: a principal resolved from a bearer token (hashed at rest) — a system's call,
named by its token — or, for the pages, from a person's session (web/accounts.principal_of),
named by its user name, with its display name, department and staff role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.crypto import token_hash
from xinyong.errors import NotAuthenticated
from xinyong.models import ApiToken, Department, Role, StaffRole


@dataclass(frozen=True)
class Principal:
    role: Role
    token_id: int | None = None
    department_id: int | None = None
    department_code: str | None = None
    department_kind: str | None = None
    subject_id: int | None = None
    # Set for the platform's own jobs (SYSTEM), and ``user:NAME`` for a person logged in.
    name: str | None = None
    # A person logged in to the pages: its account, name as shown, and what it does in its
    # department (a personal account's staff role; None for a shared or a subject's account).
    user_id: int | None = None
    username: str | None = None
    person: str | None = None
    staff_role: StaffRole | None = None
    department_name: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names the caller."""
        if self.name:
            return self.name
        if self.role is Role.public:
            return "public"
        if self.department_code:
            return f"{self.role.value}:{self.department_code}#t{self.token_id}"
        return f"{self.role.value}#t{self.token_id}"

    @property
    def is_personal(self) -> bool:
        """A person of a department acting under its own name (a staff role): its decisions
        take a second person's approval (approvals/)."""
        return self.user_id is not None and self.staff_role is not None

    @property
    def is_department(self) -> bool:
        return self.role in (Role.authority, Role.provider, Role.user_department)


PUBLIC = Principal(role=Role.public)
# The scheduled jobs (expiry, deliveries): they act for the authority that runs the platform.
SYSTEM = Principal(role=Role.authority, name="system")


def principal_for_token(session: Session, token: str) -> Principal:
    row = session.execute(
        select(ApiToken, Department)
        .outerjoin(Department, Department.id == ApiToken.department_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise NotAuthenticated("令牌无效或已吊销", "the token is unknown or revoked")
    tok, dept = row
    return Principal(
        role=tok.role,
        token_id=tok.id,
        department_id=tok.department_id,
        department_code=dept.code if dept else None,
        department_kind=dept.kind if dept else None,
        department_name=dept.name if dept else None,
        subject_id=tok.subject_id,
    )
