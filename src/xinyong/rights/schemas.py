"""API shapes shared by the rights procedures."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from xinyong.core.api import BigIdText


class EvidenceRef(BaseModel):
    """An uploaded file (POST /evidence) and what it shows."""

    file_id: BigIdText
    kind: str = Field(
        default="evidence",
        max_length=40,
        description="evidence; authorisation (an agent's letter of authorisation); for a repair "
        "the way it proves: rectification, training, credit_report, public_interest, "
        "credit_check",
    )


class EvidenceOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    kind: str | None = None
    uploaded_at: datetime


class StepOut(BaseModel):
    step: str
    at: datetime
    actor: str
    detail: dict


class DocumentOut(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    procedure: str | None
    procedure_id: str | None
    issued_by: str
    issued_at: datetime


class TaskOut(BaseModel):
    id: str
    kind: str
    procedure: str
    procedure_id: str
    department: str | None = Field(description="department code; null: the platform itself")
    subject_id: str
    title: str
    due_on: date
    opened_at: datetime
    closed_at: datetime | None
    overdue: bool
    alerted_at: datetime | None


class TasksOut(BaseModel):
    total: int
    tasks: list[TaskOut]


class OverdueCountOut(BaseModel):
    department: str | None
    department_name: str
    open: int
    overdue: int
