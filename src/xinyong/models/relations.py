"""Related parties (关联关系, 000 §（十七）; 002 §（十六）): the scans of the graph of organisations
and persons, and the organisations each scan found connected to a black-listed subject
(relations/). Government-shared, never public."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime


class RelatedPartyScan(Base):
    """One scan: the day it is of, who ran it, what it read and found."""

    __tablename__ = "related_party_scans"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    as_of: Mapped[date]
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Black-listed subjects in force, the graph's edges, organisations flagged.
    sources: Mapped[int]
    links: Mapped[int]
    flagged: Mapped[int]


class RelatedPartyFlag(Base):
    """An organisation within two links of a black-listed subject, as the latest scan found it:
    the nearest such subject, its entry, and the path (``{"nodes": [subject ids from the
    black-listed one to this one], "edges": [[holder, of, role], …]}``). Replaced by each
    scan."""

    __tablename__ = "related_party_flags"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    scan_id: Mapped[int]
    black_subject_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    distance: Mapped[int] = mapped_column(SmallInteger)
    path: Mapped[dict] = mapped_column(JSONType)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "black_subject_id"),)
