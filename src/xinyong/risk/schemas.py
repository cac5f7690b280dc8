"""Warning rules as exchanged by the API and by file (docs/risk.md), and warnings as read back.

A rule's condition is one of a small closed set of kinds over the archive, each with its
parameters; what each kind means, day by day, is in risk/rules.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from xinyong.models import Audience, LinkRole, WarningSeverity

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
ItemCode = Annotated[str, Field(min_length=1, max_length=64)]
FieldName = Annotated[str, Field(min_length=1, max_length=64)]


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DateDue(_Condition):
    """A date field of an active record (a licence's 有效期至, a 整改期限) falls within the next
    ``within`` days or working days — and, with ``overdue_days``, has passed up to that many
    days ago. ``done`` names a field and the values that mean the matter is settled (整改
    完毕): such a record is not warned of."""

    kind: Literal["date_due"]
    item: ItemCode
    field: FieldName
    within: int = Field(ge=0, le=366)
    unit: Literal["days", "working_days"] = "days"
    overdue_days: int = Field(default=0, ge=0, le=366)
    done: dict[FieldName, list[str]] = Field(default_factory=dict, max_length=4)


class CountWithin(_Condition):
    """The ``count``-th active record of an item (a third 行政处罚) determined within the last
    ``months`` months; the warning is about the newest of them."""

    kind: Literal["count_within"]
    item: ItemCode
    count: int = Field(ge=2, le=100)
    months: int = Field(ge=1, le=120)


class AmountOver(_Condition):
    """An active record of an item whose decimal field (a 罚款金额, in the catalog's unit) is
    over ``threshold``, determined within the last ``within_days`` days."""

    kind: Literal["amount_over"]
    item: ItemCode
    field: FieldName
    threshold: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    within_days: int = Field(default=30, ge=1, le=3660)


class GradeDrop(_Condition):
    """The subject's public credit grade fell by ``bands`` bands or more in one evaluation
    (A→C, B→D, A→D), within the last ``within_days`` days."""

    kind: Literal["grade_drop"]
    bands: int = Field(default=2, ge=1, le=3)
    within_days: int = Field(default=30, ge=1, le=3660)


class LinkedToBlackList(_Condition):
    """A new active negative record (received within ``within_days`` days) of an organisation
    whose legal representative or actual controller (``roles``) holds that role, too, in
    another organisation that is on a black list now."""

    kind: Literal["linked_black_list"]
    roles: list[LinkRole] = Field(
        default=[LinkRole.legal_representative, LinkRole.actual_controller], min_length=1
    )
    within_days: int = Field(default=30, ge=1, le=3660)


Condition = Annotated[
    DateDue | CountWithin | AmountOver | GradeDrop | LinkedToBlackList,
    Field(discriminator="kind"),
]
CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)
Kind = Literal["date_due", "count_within", "amount_over", "grade_drop", "linked_black_list"]


class ConditionIn(_Condition):
    """A condition as the API and rule files write it: its ``kind`` and that kind's
    parameters (above), flat, so that a parameter out of its bounds is named as it is
    written (``condition.within``). A parameter of another kind is refused."""

    kind: Kind
    item: ItemCode | None = None
    field: FieldName | None = None
    within: int | None = Field(default=None, ge=0, le=366)
    unit: Literal["days", "working_days"] | None = None
    overdue_days: int | None = Field(default=None, ge=0, le=366)
    done: dict[FieldName, list[str]] | None = Field(default=None, max_length=4)
    count: int | None = Field(default=None, ge=2, le=100)
    months: int | None = Field(default=None, ge=1, le=120)
    threshold: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    within_days: int | None = Field(default=None, ge=1, le=3660)
    bands: int | None = Field(default=None, ge=1, le=3)
    roles: list[LinkRole] | None = Field(default=None, min_length=1, max_length=4)

    @model_validator(mode="after")
    def _of_its_kind(self) -> ConditionIn:
        try:
            self.typed()
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(f"not a {self.kind} condition ({problems})") from None
        return self

    def typed(self) -> Condition:
        return CONDITION.validate_python(self.model_dump(exclude_none=True))


class Basis(BaseModel):
    """The policy a rule rests on, as a person reads it: title and number, in Chinese."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    number: str = Field(min_length=1, max_length=100)
    article: str | None = Field(default=None, max_length=100)


class WarningRuleIn(BaseModel):
    """A warning rule: its condition over the archive, whom it warns, how gravely, and why."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    title: str = Field(min_length=1, max_length=200)
    condition: ConditionIn
    audience: Audience
    severity: WarningSeverity
    basis: Basis
    enabled: bool = True


class WarningRuleOut(WarningRuleIn):
    id: int
    version: int
    created_by: str
    created_at: dt.datetime


class WarningOut(BaseModel):
    id: int
    rule: str
    rule_title: str
    subject: str | None
    subject_name: str | None
    audience: Audience
    department: str | None
    severity: WarningSeverity
    record_id: str | None
    due_on: dt.date | None
    # Why: the rule, its basis, the records and dates it rests on (docs/risk.md).
    reason: dict
    created_at: dt.datetime


class WarningsOut(BaseModel):
    warnings: list[WarningOut]
    total: int


class ContactIn(BaseModel):
    """An address a subject or department wants its warnings at."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["email", "sms"]
    address: str = Field(min_length=3, max_length=200)

    @model_validator(mode="after")
    def _address_of_its_channel(self) -> ContactIn:
        address = self.address.strip()
        if self.channel == "email":
            local, at, domain = address.rpartition("@")
            if not (at and local and "." in domain) or any(c.isspace() for c in address):
                raise ValueError("not an e-mail address")
        elif not re.fullmatch(r"\+?[0-9]{5,20}", address):
            raise ValueError("not a mobile number (digits, optionally after +)")
        self.address = address
        return self


class ContactOut(ContactIn):
    id: int
    created_at: dt.datetime
