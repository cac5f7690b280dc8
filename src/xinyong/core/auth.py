"""Who is calling: a principal resolved from a bearer token (hashed at rest) — a system's call,
named by its token — or, for the pages, from a person's session (web/accounts.principal_of),
named by its user name, with its display name, department and staff role."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
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


# Read on every request that carries a token: built once, of the tables' columns (no ORM
# entities to load).
_tokens, _departments = ApiToken.__table__.c, Department.__table__.c
_COLUMNS = select(
    _tokens.role,
    _tokens.id,
    _tokens.department_id,
    _tokens.subject_id,
    _tokens.revoked_at,
    _departments.code,
    _departments.kind,
    _departments.name,
    _tokens.token_hash,
).select_from(
    ApiToken.__table__.outerjoin(Department.__table__, _departments.id == _tokens.department_id)
)
_PRINCIPAL = _COLUMNS.where(_tokens.token_hash == bindparam("token_hash"))
_PRINCIPALS = _COLUMNS.where(_tokens.token_hash.in_(bindparam("token_hashes", expanding=True)))


def unknown_token() -> NotAuthenticated:
    return NotAuthenticated("令牌无效或已吊销", "the token is unknown or revoked")


def principal_for_token(session: Session, token: str) -> Principal:
    row = session.execute(_PRINCIPAL, {"token_hash": token_hash(token)}).first()
    if row is None or row.revoked_at is not None:
        raise unknown_token()
    return _principal(row)


def principals_for_hashes(session: Session, hashes: Collection[str]) -> dict[str, Principal]:
    """The principals of these tokens, by the token's hash (unknown and revoked ones left
    out): one statement for many callers (core/group_commit.py ``prepare``)."""
    return {
        row.token_hash: _principal(row)
        for row in session.execute(_PRINCIPALS, {"token_hashes": list(hashes)})
        if row.revoked_at is None
    }


def _principal(row: Any) -> Principal:  # a row of _COLUMNS
    return Principal(
        role=row.role,
        token_id=row.id,
        department_id=row.department_id,
        department_code=row.code,
        department_kind=row.kind,
        department_name=row.name,
        subject_id=row.subject_id,
    )
