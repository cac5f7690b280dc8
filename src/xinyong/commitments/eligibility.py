"""Who may be accepted with documents missing (容缺受理), as data with its basis, and the rule
that applies it — without a database: a function of the facts of one subject and ``today``.

- 003 联合奖惩 §（八）: 对诚实守信典型和连续3年无不良信用记录的行政相对人，可根据实际情况实施
  "绿色通道""容缺受理"等便利服务措施，对部分申报材料不具备的，实行先"信用承诺"后补报材料.
- 001 §（一）; 002 §（一）: 申请人信用状况较好、部分申报材料不齐全但书面承诺在规定期限内提供的，
  应先行受理.
- 003 联合奖惩 §（十一）: a black-listed subject's licences are examined strictly (从严审核行政许
  可审批项目); 002 §（八）: a watch-listed one is under strict supervision — neither gets the
  green channel while its entry is in force.

The conditions are ``default_eligibility.json`` (:class:`EligibilityRules`). Each has an
``effect``: ``excludes`` (holding, the subject is not eligible, whatever else holds),
``qualifies`` (one of them must hold) or ``requires`` (each must hold). A subject is eligible
when no excluding condition holds, every required one holds and at least one qualifying one
does. Kinds: ``list_in_force`` (an entry of a list of these kinds in force today),
``no_negative_records`` (no negative record determined within ``years`` years before today)
and ``min_grade`` (a minimum credit grade: 申请人信用状况较好, 002 §（一）).

The grade ``min_grade`` reads is the subject's grade for the accepting (or checking)
department's field of supervision where a department's industry evaluation was combined with
the public one (行业信用评价, 002 §（六）), else its public credit evaluation grade
(evaluation/). A subject no model evaluates (a person, where no model for persons is loaded;
an organisation not yet evaluated) is judged by ``if_ungraded``: ``holds`` (the default —
the grade is not a condition for whom there is none, and the other conditions decide) or
``fails``.

"Negative record" (不良信用记录): a record of a negative catalog item (Measures art. 12) whose
decision date (``determined_on``, the 认定日期 every negative record carries, from which its
validity counts too) is within the period, and which still stands as a fact: active, or past
its validity (standing ``expired``, or not yet marked so). 连续3年无不良信用记录 looks back over
three years of the subject's record, not over what is published today: a general failure is
published for one year (Measures art. 30), yet a subject with one two years ago has not been
clean for three; and withholding a facilitation is no punishment, which is what an expired
record may no longer ground. A record corrected or revoked on objection was never a fact, and a
repaired one is restored credit (Measures art. 34–35): neither counts. The period is ``years``
years counted back from today like any period of years (民法典 第二百零一条、第二百零二条): a
record determined on the same day ``years`` years ago is still in it; one a day older is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.core import labels
from xinyong.core.citations import cite
from xinyong.records.rules import add_years

ConditionKind = Literal["list_in_force", "no_negative_records", "min_grade"]
Effect = Literal["excludes", "qualifies", "requires"]
# Condition kinds the platform can decide.
EVALUABLE = ("list_in_force", "no_negative_records", "min_grade")
# The grades, best first (evaluation/: 优 良 中 差).
GRADE_ORDER = ("A", "B", "C", "D")


class EligibilityCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    kind: ConditionKind
    effect: Effect
    enabled: bool = True
    # list_in_force: the kinds of list (red, black, watch) whose entries in force count.
    list_kinds: list[Literal["red", "black", "watch"]] = []
    # no_negative_records: the period, in years before today.
    years: int | None = Field(default=None, ge=1, le=10)
    # min_grade: the lowest credit grade that qualifies; whether a subject without a grade
    # meets it, and what a person reads of such a subject (saying what if_ungraded makes of
    # it).
    grade: Literal["A", "B", "C", "D"] | None = None
    if_ungraded: Literal["holds", "fails"] = "holds"
    ungraded: str | None = Field(default=None, min_length=1, max_length=300)
    # What a person reads when the condition holds, and when it does not; placeholders
    # {lists} (the lists' names), {years}, {latest} (the latest negative record's date),
    # {grade} (the lowest that qualifies, as A（优）), {current} (the subject's grade) and
    # {source} (which grade it is: combined for the field, or the public one).
    met: str = Field(min_length=1, max_length=300)
    unmet: str = Field(min_length=1, max_length=300)
    # The documents it rests on, by title and number as people read them (like the measures
    # list's basis): never a seed file's tag.
    basis: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> EligibilityCondition:
        if self.kind == "list_in_force" and not self.list_kinds:
            raise ValueError(f"condition {self.code}: name the kinds of list")
        if self.kind == "no_negative_records" and self.years is None:
            raise ValueError(f"condition {self.code}: name the period in years")
        if self.kind == "min_grade" and (self.grade is None or self.ungraded is None):
            raise ValueError(f"condition {self.code}: name the grade and the ungraded text")
        if self.enabled and self.kind not in EVALUABLE:
            raise ValueError(f"condition {self.code}: {self.kind} cannot be evaluated yet")
        if any(_is_tag(b) for b in self.basis):
            raise ValueError(f"condition {self.code}: cite the basis by title and number")
        return self


def _is_tag(text: str) -> bool:
    """Whether ``text`` is a seed file's tag (``003 联合奖惩 §（八）``), which people never read."""
    try:
        cite(text)
    except ValueError:
        return False
    return True


class EligibilityRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conditions: list[EligibilityCondition] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> EligibilityRules:
        codes = [c.code for c in self.conditions]
        if len(set(codes)) != len(codes):
            raise ValueError("condition codes must be unique")
        if not any(c.enabled and c.effect == "qualifies" for c in self.conditions):
            raise ValueError("at least one qualifying condition must be enabled")
        return self

    @property
    def active(self) -> list[EligibilityCondition]:
        return [c for c in self.conditions if c.enabled]

    @property
    def lookback_years(self) -> int:
        """How far back negative records are looked for: the longest period of any condition
        (0 when none looks at records)."""
        return max(
            (c.years or 0 for c in self.active if c.kind == "no_negative_records"), default=0
        )


@cache
def default_eligibility() -> EligibilityRules:
    text = (
        files("xinyong.commitments")
        .joinpath("default_eligibility.json")
        .read_text(encoding="utf-8")
    )
    return EligibilityRules.model_validate_json(text)


def negative_since(today: date, years: int) -> date:
    """The first day of the period of ``years`` years before ``today``: a negative record
    determined on it or later counts."""
    return add_years(today, -years)


@dataclass(frozen=True)
class Facts:
    """What eligibility looks at for one subject: the names of the lists of each kind with an
    entry in force today, the decision date of its latest negative record that counts within
    the lookback period (None: none), its public grade and its grades per field of
    supervision (evaluation/; None and empty: not evaluated)."""

    lists_in_force: dict[str, list[str]] = field(default_factory=dict)
    latest_negative: date | None = None
    public_grade: str | None = None
    field_grades: dict[str, str] = field(default_factory=dict)

    def grade_for(self, field_code: str | None) -> tuple[str | None, str | None]:
        """The grade ``min_grade`` reads for a department of field ``field_code``, and its
        source: the combined grade for the field where there is one (``field``), else the
        public grade (``public``), else none."""
        combined = self.field_grades.get(field_code) if field_code else None
        if combined is not None:
            return combined, "field"
        if self.public_grade is not None:
            return self.public_grade, "public"
        return None, None


@dataclass(frozen=True)
class Reason:
    code: str
    holds: bool
    text: str
    basis: str

    def out(self) -> dict[str, Any]:
        return {"code": self.code, "holds": self.holds, "text": self.text, "basis": self.basis}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[Reason]

    def out(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "reasons": [r.out() for r in self.reasons]}


def grade_at_least(grade: str, lowest: str) -> bool:
    """Whether ``grade`` is ``lowest`` or better (A is the best)."""
    return GRADE_ORDER.index(grade) <= GRADE_ORDER.index(lowest)


def _holds(c: EligibilityCondition, facts: Facts, today: date, field_code: str | None) -> bool:
    if c.kind == "list_in_force":
        return any(facts.lists_in_force.get(kind) for kind in c.list_kinds)
    if c.kind == "min_grade":
        assert c.grade is not None  # validated
        grade, _source = facts.grade_for(field_code)
        if grade is None:
            return c.if_ungraded == "holds"
        return grade_at_least(grade, c.grade)
    assert c.years is not None  # validated
    latest = facts.latest_negative
    return latest is None or latest < negative_since(today, c.years)


def _reason(
    c: EligibilityCondition, facts: Facts, holds: bool, field_code: str | None = None
) -> Reason:
    names = [n for kind in c.list_kinds for n in facts.lists_in_force.get(kind, ())]
    grade, source = facts.grade_for(field_code)
    values = {
        "lists": "、".join(f"“{n}”" for n in names),
        "years": str(c.years or ""),
        "latest": facts.latest_negative.isoformat() if facts.latest_negative else "",
        "grade": labels.GRADE_TITLES.get(c.grade or "", ""),
        "current": labels.GRADE_TITLES.get(grade or "", ""),
        "source": labels.GRADE_SOURCES.get(source or "", ""),
    }
    template = c.met if holds else c.unmet
    if c.kind == "min_grade" and grade is None and c.ungraded is not None:
        template = c.ungraded
    text = template.format(**values)
    return Reason(c.code, holds, text, "；".join(c.basis))


def evaluate(
    rules: EligibilityRules, facts: Facts, today: date, field_code: str | None = None
) -> Eligibility:
    """Whether the subject may be accepted with documents missing, and why: when not
    eligible, the excluding conditions that hold (or, with none, the required and qualifying
    ones that do not); when eligible, the qualifying conditions that hold and the required
    ones. ``field_code``: the field of supervision of the department that accepts (or
    checks), whose combined grade ``min_grade`` reads where the subject has one."""
    results = [(c, _holds(c, facts, today, field_code)) for c in rules.active]
    excluded = [c for c, holds in results if c.effect == "excludes" and holds]
    if excluded:
        return Eligibility(False, [_reason(c, facts, True, field_code) for c in excluded])
    missing = [c for c, holds in results if c.effect == "requires" and not holds]
    qualified = [c for c, holds in results if c.effect == "qualifies" and holds]
    if missing or not qualified:
        unmet = missing + [c for c, holds in results if c.effect == "qualifies" and not holds]
        return Eligibility(False, [_reason(c, facts, False, field_code) for c in unmet])
    # A grade condition says nothing of a subject without a grade that it lets through.
    required = [
        c
        for c, holds in results
        if c.effect == "requires"
        and not (c.kind == "min_grade" and facts.grade_for(field_code)[0] is None)
    ]
    return Eligibility(True, [_reason(c, facts, True, field_code) for c in qualified + required])
