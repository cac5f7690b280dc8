"""The bodies of departments and tokens, for the API and the authority's pages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from xinyong.models import Role


class DepartmentIn(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$")
    name: str = Field(min_length=1, max_length=200)
    region_code: str = Field(description="GB/T 2260, 6 digits")
    kind: str = Field(description="sector code (docs/catalog-format.md)")
    credit_code: str | None = Field(
        default=None, description="the department's own 统一社会信用代码 (a government body's)"
    )


class DepartmentOut(BaseModel):
    code: str
    name: str
    region_code: str
    kind: str
    created_at: datetime
    credit_code: str | None = None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    department: str | None = Field(default=None, description="department code (department roles)")
    subject: str | None = Field(
        default=None, description="credit code or ID number (role subject: the subject's own token)"
    )


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    department: str | None
    prefix: str
    created_at: datetime
    token: str | None = Field(default=None, description="shown once, at creation; stored hashed")
