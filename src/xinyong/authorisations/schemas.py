"""API shapes of authorised queries (Measures art. 22)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class GrantIn(BaseModel):
    grantee: str = Field(max_length=64, description="the department's or institution's code")
    items: list[str] = Field(
        min_length=1, max_length=50, description="catalog items of the 授权查询 class"
    )
    purpose: str = Field(min_length=1, max_length=200, description="what the grant is for")
    starts_on: date | None = Field(default=None, description="default: today")
    ends_on: date = Field(description="the last day the grant holds")


class GrantOut(BaseModel):
    id: str
    subject: str
    subject_name: str
    grantee: str
    grantee_name: str
    items: list[str]
    purpose: str
    starts_on: date
    ends_on: date
    granted_at: datetime
    revoked_at: datetime | None
    live: bool


class QueryOut(BaseModel):
    """One read of the subject's non-public information: who, when, for what purpose."""

    id: str = Field(description="the read's audit entry; pass it as `before` for older reads")
    at: datetime
    who: str
    department: str | None
    department_name: str | None
    action: str
    purpose: str | None
    detail: dict | None
