"""The API shapes of complaints (失信举报): what the public files, the steps of the department
that handles it, what the department and the authority read, and the informant's receipt."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from xinyong.rights.schemas import EvidenceOut, StepOut

ComplaintStateName = Literal[
    "received", "accepted", "not_accepted", "substantiated", "unsubstantiated"
]
StepName = Literal[
    "accepted",
    "not_accepted",
    "replied",
    "referred",
    "extended",
    "substantiated",
    "unsubstantiated",
]


class ComplaintSubjectIn(BaseModel):
    """Who failed: an organisation by its credit code (its name optional), or a person by name
    and ID number. Checked by the service (422 ``complaint_subject_required``,
    ``invalid_credit_code``, ``invalid_id_number``)."""

    model_config = ConfigDict(extra="forbid")

    credit_code: str | None = Field(default=None, max_length=40)
    id_number: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)


class InformantIn(BaseModel):
    """A named informant: a name and a phone or an e-mail; an address if they like. Seen only
    by the department handling the complaint, each read logged with its purpose."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+()\- ]{5,30}$")
    email: str | None = Field(
        default=None, max_length=200, pattern=r"^[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,20}$"
    )
    address: str | None = Field(default=None, max_length=200)


class ComplaintIn(BaseModel):
    """A complaint as the public files it (the ``complaint`` part of the form)."""

    model_config = ConfigDict(extra="forbid")

    subject: ComplaintSubjectIn | None = None
    # What happened, when and where.
    facts: str = Field(min_length=1, max_length=5000)
    happened_on: date
    place: str = Field(min_length=1, max_length=200)
    # The failure's sector (a department kind: GET /complaint-options); the competent
    # department goes by it and the subject's region unless the informant names one.
    sector: str = Field(min_length=1, max_length=40)
    department: str | None = Field(default=None, min_length=1, max_length=64)
    # None: anonymous.
    informant: InformantIn | None = None


class ComplaintRecordIn(BaseModel):
    """The record a department pushes on finding a complaint substantiated, in its own name,
    through the normal collection (Measures art. 15–17): an item of the catalog its sector
    provides, with the item's fields. The subject is the complaint's; its source id is
    ``complaint:{id}``."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(min_length=1, max_length=64)
    fields: dict[str, Any]
    severity: Literal["minor", "general", "serious", "severe"] | None = None
    determined_on: date | None = None
    # The subject's name as the department established it (default: the platform's, else
    # the one the informant wrote).
    subject_name: str | None = Field(default=None, min_length=1, max_length=200)


class ComplaintStepIn(BaseModel):
    """A step of the department handling the complaint.

    - ``accepted``: the complaint is accepted (``text``: an optional word to the informant);
    - ``not_accepted``: not accepted, ``text`` the reason the informant reads;
    - ``replied``: a reply to the informant (``text``) while it is open;
    - ``referred``: to ``department``, the competent one (``text``: an optional note);
    - ``extended``: the handling period extended once, before it ends, by the period's rule
      (``text`` the reason the informant reads, ``approval`` who approved it and when:
      经负责人批准);
    - ``substantiated``: found true, ``text`` the reply; with ``record`` (pushed now) or
      ``record_source_id`` (a record the department pushed already, by its source id);
    - ``unsubstantiated``: not found true, ``text`` the reply."""

    model_config = ConfigDict(extra="forbid")

    step: StepName
    text: str | None = Field(default=None, min_length=1, max_length=2000)
    department: str | None = Field(default=None, min_length=1, max_length=64)
    record: ComplaintRecordIn | None = None
    record_source_id: str | None = Field(default=None, min_length=1, max_length=100)
    approval: str | None = Field(default=None, min_length=1, max_length=200)


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt_code: str = Field(min_length=1, max_length=40)


class OptionOut(BaseModel):
    code: str
    name: str


class DepartmentOptionOut(BaseModel):
    code: str
    name: str
    kind: str


class PeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    days: int
    day_kind: Literal["working", "calendar"]
    from_: Literal["filed", "accepted"] = Field(alias="from")
    basis: str


class ComplaintOptionsOut(BaseModel):
    """What the public needs to file: the sectors, the departments, the periods."""

    sectors: list[OptionOut]
    departments: list[DepartmentOptionOut]
    acceptance: PeriodOut
    handling: PeriodOut
    max_attachments: int
    max_attachment_bytes: int


class FiledOut(BaseModel):
    """The answer to a filing: the receipt code, shown this once (only its hash is kept)."""

    receipt_code: str
    state: ComplaintStateName
    filed_at: datetime
    department_name: str
    accept_due_on: date


class ReplyOut(BaseModel):
    at: datetime
    step: str
    text: str


class ReceiptOut(BaseModel):
    """What the informant sees with the receipt code: the progress and the department's
    replies — never who handled it, nor anything of the subject beyond what they wrote."""

    state: ComplaintStateName
    progress: str
    subject: str
    subject_name: str
    filed_at: datetime
    department_name: str
    due_on: date | None
    replies: list[ReplyOut]
    closed_at: datetime | None


class ComplaintOut(BaseModel):
    """A complaint as the competent department and the authority read it: everything but the
    informant's identity (``named`` says whether there is one to read: GET
    /complaints/{id}/informant)."""

    id: str
    subject: str
    subject_name: str
    subject_kind: str
    subject_known: bool
    facts: str
    happened_on: date
    place: str
    sector: str
    department: str | None
    department_name: str
    named: bool
    state: ComplaintStateName
    filed_at: datetime
    accept_due_on: date
    accepted_at: datetime | None
    handle_due_on: date | None
    due_on: date | None
    overdue: bool
    periods: dict[str, Any]
    reason: str | None
    reply: str | None
    closed_at: datetime | None
    record_id: str | None
    record_source_id: str | None


class ComplaintDetailOut(ComplaintOut):
    """One complaint: with its attachments and its steps."""

    attachments: list[EvidenceOut]
    steps: list[StepOut]


class ComplaintsOut(BaseModel):
    total: int
    overdue: int
    complaints: list[ComplaintOut]


class DepartmentCountOut(BaseModel):
    """One department's complaints by state, and how many of its open ones are overdue (the
    authority's oversight: Measures art. 37, 40)."""

    department: str | None = Field(description="department code; null: the authority's queue")
    department_name: str
    received: int
    accepted: int
    not_accepted: int
    substantiated: int
    unsubstantiated: int
    open: int
    overdue: int


class InformantOut(BaseModel):
    name: str
    phone: str | None
    email: str | None
    address: str | None
