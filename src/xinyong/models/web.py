"""People who log in to the pages, their sessions and log-in attempts, and the subjects'
authorisations of other parties to read their authorised-query items (Measures art. 22)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum
from xinyong.models.core import Role


class StaffRole(enum.StrEnum):
    """What a person does inside its department (issue 14): 经办 prepares a decision, 审核
    approves it (two persons, 003 联合奖惩 §（二十四）: no change but by a lawful procedure),
    管理员 manages the department's staff accounts."""

    handler = "handler"
    reviewer = "reviewer"
    admin = "admin"


class User(Base):
    """A person with a password (argon2): staff of a department or the authority, or the
    account of a subject, bound to its credit code or ID number. Acts with the same role
    rules as an API token.

    ``staff_role`` is set for a person of a department (a personal account); a department
    account without one is a shared account of the time before personal accounts, which acts
    alone. ``password_hash`` is empty until the person sets a password by its set-up link."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    staff_role: Mapped[StaffRole | None] = mapped_column(str_enum(StaffRole))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SetupLink(Base):
    """A one-time link by which a person sets its own password: the address carries a random
    token, the table only its SHA-256. Used once (``ended_at``), or replaced by a newer link,
    or past ``expires_at``."""

    __tablename__ = "user_setup_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When it was used or replaced, and which: "used" or "replaced".
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_how: Mapped[str | None] = mapped_column(String(16))


class WebSession(Base):
    """A server-side session: the cookie carries a random token, the table its SHA-256."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    succeeded: Mapped[bool]

    __table_args__ = (Index(None, "username", "at"), Index(None, "address", "at"))


class Authorisation(Base):
    """A subject's grant to a named department or institution to read the listed
    authorised-query items, for a purpose, from ``starts_on`` through ``ends_on``."""

    __tablename__ = "authorisations"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    items: Mapped[list] = mapped_column(JSONType)
    purpose: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "grantee_id", "subject_id"), Index(None, "id"))
