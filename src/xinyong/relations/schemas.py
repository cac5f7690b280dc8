"""The answers about related parties (government-shared: departments and the authority)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class PartyOut(BaseModel):
    """A subject on a path: an organisation by its credit code, a person by the masked ID."""

    credit_code: str | None = None
    id_masked: str | None = None
    name: str
    kind: str


class PathEdgeOut(BaseModel):
    holder: PartyOut
    of: PartyOut
    role: str = Field(description="the link: a registration role (LinkRole) or shareholder")
    role_name: str


class RelatedSubjectOut(BaseModel):
    subject: PartyOut
    distance: int = Field(description="links from the subject asked about: 1 or 2")
    lists: list[str] = Field(description="kinds of list entries in force today: red, black, watch")
    path: list[PathEdgeOut]
    path_text: str = Field(description="the path in Chinese, each listed subject marked")


class RelatedOut(BaseModel):
    subject: PartyOut
    depth: int
    related: list[RelatedSubjectOut]


class FlagOut(BaseModel):
    """An organisation within two links of a black-listed subject, as the latest scan found it."""

    subject: PartyOut
    black_subject: PartyOut
    entry_id: str
    distance: int
    path: list[PathEdgeOut]
    path_text: str
    found_at: datetime


class ScanOut(BaseModel):
    id: int
    as_of: date
    started_by: str
    started_at: datetime
    finished_at: datetime
    sources: int = Field(description="black-listed subjects in force")
    links: int = Field(description="edges of the graph: links in force and corporate shareholdings")
    flagged: int = Field(description="organisations within two links of a black-listed subject")


class FlagsOut(BaseModel):
    scan: ScanOut | None
    total: int
    items: list[FlagOut]
