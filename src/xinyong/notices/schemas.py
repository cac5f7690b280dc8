"""What the API answers of notices (docs/notices.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class RecipientOut(BaseModel):
    department: str = Field(description="department code")
    department_name: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None = Field(description="who acknowledged, as the audit log names it")


class NoticeOut(BaseModel):
    id: int
    kind: str = Field(description="what the notice is: collection_monthly, …")
    kind_name: str
    title: str
    period: str | None = Field(description="the period it reports on (2026-11, 2026-Q3)")
    basis: str = Field(description="the rules it rests on, by document title and article")
    created_by: str
    sent_at: dt.datetime
    recipients: list[RecipientOut] = Field(
        description="the authority reads every recipient; a department only its own row"
    )
    recipient_count: int
    acknowledged_count: int


class NoticeBodyOut(NoticeOut):
    body_html: str = Field(description="the notice itself: a self-contained HTML document")


class NoticesOut(BaseModel):
    notices: list[NoticeOut]
    total: int
