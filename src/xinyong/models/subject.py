"""Subjects (信息主体), their name history and the persons linked to organisations.

Every table here is keyed by ``subject_id`` first so it can be distributed by subject.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, UTCDateTime, str_enum


class SubjectKind(enum.StrEnum):
    legal_person = "legal_person"
    non_legal_person_org = "non_legal_person_org"
    natural_person = "natural_person"


class LinkRole(enum.StrEnum):
    """000 §（十二）; Measures art. 29."""

    legal_representative = "legal_representative"
    principal = "principal"
    actual_controller = "actual_controller"
    # Named by the identifying department when it black-lists the organisation (Measures
    # art. 29); such a link comes from the list entry, not from a registration record.
    responsible_person = "responsible_person"
    # A natural-person shareholder, from a shareholding record (股东及出资信息): an organisation
    # has many, each linked while its record stands. Related parties only (000 §（十七）):
    # never one who answers for the organisation (Measures art. 29 names the roles above).
    shareholder = "shareholder"


class Subject(Base):
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    # ID numbers: found by keyed hash, stored encrypted, displayed masked (Measures art. 36).
    id_hash: Mapped[str | None] = mapped_column(String(40), unique=True)
    id_cipher: Mapped[str | None] = mapped_column(String(120))
    id_masked: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6))
    registering_authority: Mapped[str | None] = mapped_column(String(1))
    entity_type: Mapped[str | None] = mapped_column(String(1))
    is_government_agency: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_record_id: Mapped[int | None] = mapped_column(BigInteger)


class SubjectName(Base):
    __tablename__ = "subject_names"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    source_record_id: Mapped[int | None] = mapped_column(BigInteger)
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class SubjectLink(Base):
    """A person linked to an organisation, from a registration record (or a shareholding
    record: a natural-person shareholder)."""

    __tablename__ = "subject_links"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[LinkRole] = mapped_column(str_enum(LinkRole))
    source_record_id: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "person_id"),)
