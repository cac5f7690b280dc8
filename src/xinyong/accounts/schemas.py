"""The bodies of the staff forms (web/department/staff.py, web/authority/staff.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from xinyong.models import StaffRole


class StaffIn(BaseModel):
    """A person to add to the department: log-in name, name as shown, staff role."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    staff_role: StaffRole


class StaffRoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_role: StaffRole


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=200)
    password_again: str = Field(min_length=1, max_length=200)
