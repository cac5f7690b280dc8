"""The pure rules of evaluation: what a model may say, given the catalog and the lists it
draws on; which model is in force on a day; when one may take effect; the drift of a run's
grades against the previous run's. No database: the catalog's items and the lists' kinds are
given. The scoring itself is evaluation/engine.py (one expression, two engines).

Every refusal of a model is an :class:`~xinyong.errors.InvalidRequest` (422) with a stable
code and the path of the part at fault (``dimensions[0].indicators[2].source.items[0]``):

    duplicate_code        two dimensions, indicators or industry fields with one code
    unknown_item          a source names an item the published catalog lacks
    item_not_for_subjects an item not collected for the subjects the model applies to
    unknown_field         a filter, points, date or completeness names a field the item lacks
    field_not_date        a date field that is not of type date
    unknown_list          a list code no list has, or of another kind than the source names
    unknown_sector        an industry field that is no field of supervision (sector)
    rule_not_for_source   a rule (registration; validity decay; points by severity or field)
                          on a source that cannot feed it
    band_grades           the bands do not give each of A, B, C, D exactly once
    band_empty            a band whose min is not below its max
    band_overlap          two bands share scores (both named)
    band_gap              scores no band covers (the bands around them named)
    band_order            a better grade on lower scores than a worse one
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from xinyong.catalog.schemas import SECTORS, ItemSpec
from xinyong.core.auth import Principal
from xinyong.errors import Conflict, InvalidRequest
from xinyong.evaluation.schemas import (
    Band,
    ListEntriesSource,
    ModelIn,
    PerRecordRule,
    RecordsSource,
    RegistrationRule,
    RegistrationSource,
)
from xinyong.models import Grade, Role

# Grades as ranks, better higher: caps take the lower rank, blends average ranks.
GRADE_RANK = {Grade.A: 4, Grade.B: 3, Grade.C: 2, Grade.D: 1}
RANK_GRADE = {rank: grade for grade, rank in GRADE_RANK.items()}
# An item's subject_types as a model's applies_to names them.
SUBJECT_TYPE = {"organisation": "organisation", "natural_person": "person"}


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str
    message_en: str


def require_valid_model(
    model: ModelIn, items: Mapping[str, ItemSpec], lists: Mapping[str, str]
) -> None:
    """Refuse the model at its first problem (all of them in the error's detail)."""
    problems = model_problems(model, items, lists)
    if problems:
        first = problems[0]
        raise InvalidRequest(
            first.message,
            first.message_en,
            field=first.field,
            code=first.code,
            problems=[{"code": p.code, "field": p.field, "message": p.message} for p in problems],
        )


def model_problems(
    model: ModelIn, items: Mapping[str, ItemSpec], lists: Mapping[str, str]
) -> list[Problem]:
    """Every problem of ``model`` against the published catalog's ``items`` (by code) and
    the lists' kinds (by list code), in the order they appear in the model."""
    check = _Check(model, items, lists)
    check.codes()
    for d_at, dimension in enumerate(model.dimensions):
        for i_at, indicator in enumerate(dimension.indicators):
            check.indicator(f"dimensions[{d_at}].indicators[{i_at}]", indicator)
    check.industry()
    return check.problems + band_problems(model.bands)


class _Check:
    def __init__(
        self, model: ModelIn, items: Mapping[str, ItemSpec], lists: Mapping[str, str]
    ) -> None:
        self.model = model
        self.items = items
        self.lists = lists
        self.problems: list[Problem] = []

    def add(self, code: str, field: str, message: str, message_en: str) -> None:
        self.problems.append(Problem(code, field, message, message_en))

    def codes(self) -> None:
        seen: set[str] = set()
        for d_at, dimension in enumerate(self.model.dimensions):
            self._unique(seen, dimension.code, f"dimensions[{d_at}].code")
            for i_at, indicator in enumerate(dimension.indicators):
                self._unique(seen, indicator.code, f"dimensions[{d_at}].indicators[{i_at}].code")

    def _unique(self, seen: set[str], code: str, field: str) -> None:
        if code in seen:
            self.add("duplicate_code", field, f"代码 {code} 重复", f"the code {code} is used twice")
        seen.add(code)

    def item(self, code: str, field: str) -> ItemSpec | None:
        item = self.items.get(code)
        if item is None:
            self.add(
                "unknown_item",
                field,
                f"已发布的目录中没有信息项 {code}",
                f"the published catalog has no item {code}",
            )
            return None
        wanted = SUBJECT_TYPE[self.model.applies_to]
        if wanted not in item.subject_types:
            self.add(
                "item_not_for_subjects",
                field,
                f"信息项 {code} 不归集本模型所评价的主体",
                f"item {code} is not collected for the subjects of a {self.model.applies_to} model",
            )
        return item

    def field(self, item: ItemSpec, name: str, field: str, *, date_type: bool = False) -> None:
        spec = next((f for f in item.fields if f.name == name), None)
        if spec is None:
            self.add(
                "unknown_field",
                field,
                f"信息项 {item.code} 没有字段 {name}",
                f"item {item.code} has no field {name}",
            )
        elif date_type and spec.type != "date":
            self.add(
                "field_not_date",
                field,
                f"信息项 {item.code} 的字段 {name} 不是日期",
                f"field {name} of item {item.code} is not a date",
            )

    def indicator(self, at: str, indicator: Any) -> None:
        source, rule = indicator.source, indicator.rule
        if isinstance(source, RecordsSource):
            found = [
                (item, f"{at}.source.items[{n}]")
                for n, code in enumerate(source.items)
                if (item := self.item(code, f"{at}.source.items[{n}]")) is not None
            ]
            for item, _where in found:
                if source.where is not None:
                    self.field(item, source.where.field, f"{at}.source.where.field")
                if source.date_field is not None:
                    self.field(item, source.date_field, f"{at}.source.date_field", date_type=True)
                if isinstance(rule, PerRecordRule) and rule.points.by_field is not None:
                    self.field(item, rule.points.by_field, f"{at}.rule.points.by_field")
        elif isinstance(source, RegistrationSource):
            item = self.item(source.item, f"{at}.source.item")
            if item is not None:
                self.field(
                    item, source.established_field, f"{at}.source.established_field", date_type=True
                )
                if source.where is not None:
                    self.field(item, source.where.field, f"{at}.source.where.field")
                if isinstance(rule, RegistrationRule):
                    for n, name in enumerate(rule.complete_fields):
                        self.field(item, name, f"{at}.rule.complete_fields[{n}]")
        elif isinstance(source, ListEntriesSource):
            for n, code in enumerate(source.lists or ()):
                kind = self.lists.get(code)
                if kind is None or kind not in source.list_kinds:
                    self.add(
                        "unknown_list",
                        f"{at}.source.lists[{n}]",
                        f"没有{'/'.join(source.list_kinds)}类名单 {code}",
                        f"no list {code} of kind {'/'.join(source.list_kinds)}",
                    )
        self.rule_fits(at, source, rule)

    def rule_fits(self, at: str, source: Any, rule: Any) -> None:
        registration = isinstance(source, RegistrationSource)
        if registration != isinstance(rule, RegistrationRule):
            self.add(
                "rule_not_for_source",
                f"{at}.rule.kind",
                "登记信息来源须用 registration 计分规则，registration 规则只用于登记信息",
                "a registration source takes the registration rule, and only it does",
            )
        if isinstance(rule, PerRecordRule) and not isinstance(source, RecordsSource):
            points = rule.points
            if points.by_severity is not None or points.by_field is not None:
                self.add(
                    "rule_not_for_source",
                    f"{at}.rule.points",
                    "按严重程度或字段计分只用于信用信息来源",
                    "points by severity or by field need a records source",
                )
            if rule.decay.kind == "validity":
                self.add(
                    "rule_not_for_source",
                    f"{at}.rule.decay.kind",
                    "按有效期衰减只用于信用信息来源",
                    "decay over validity needs a records source",
                )

    def industry(self) -> None:
        industry = self.model.industry
        if industry is None:
            return
        item = self.item(industry.item, "industry.item")
        if item is not None:
            self.field(item, industry.field_field, "industry.field_field")
            self.field(item, industry.grade_field, "industry.grade_field")
            if industry.valid_to_field is not None:
                self.field(item, industry.valid_to_field, "industry.valid_to_field", date_type=True)
        codes: set[str] = set()
        labels: set[str] = set()
        for n, entry in enumerate(industry.fields):
            if entry.field not in SECTORS:
                self.add(
                    "unknown_sector",
                    f"industry.fields[{n}].field",
                    f"没有监管领域 {entry.field}",
                    f"{entry.field} is no field of supervision (sector)",
                )
            for value, seen, name in (
                (entry.field, codes, "field"),
                (entry.label, labels, "label"),
            ):
                if value in seen:
                    self.add(
                        "duplicate_code",
                        f"industry.fields[{n}].{name}",
                        f"行业领域 {value} 重复",
                        f"the industry field {value} is given twice",
                    )
                seen.add(value)


def _shown(value: Decimal | None, end: str) -> str:
    return end if value is None else f"{value}"


def band_problems(bands: Sequence[Band]) -> list[Problem]:
    """The bands must cover every score exactly once, each of A–D once, better grades on
    higher scores."""
    problems: list[Problem] = []
    grades = [b.grade for b in bands]
    if sorted(grades) != sorted(Grade):
        problems.append(
            Problem(
                "band_grades",
                "bands",
                "等级区间须恰好各给出 A、B、C、D 一次",
                f"the bands must give each of A, B, C, D exactly once (given: {', '.join(grades)})",
            )
        )
    for n, band in enumerate(bands):
        if band.min is not None and band.max is not None and band.min >= band.max:
            problems.append(
                Problem(
                    "band_empty",
                    f"bands[{n}]",
                    f"等级 {band.grade} 的区间下限 {band.min} 不低于上限 {band.max}",
                    f"band {band.grade}: min {band.min} is not below max {band.max}",
                )
            )
    if problems:
        return problems
    ordered = sorted(bands, key=lambda b: -math.inf if b.min is None else b.min)
    lowest, highest = ordered[0], ordered[-1]
    if lowest.min is not None:
        problems.append(
            Problem(
                "band_gap",
                "bands",
                f"低于 {lowest.min} 分没有等级（最低区间为 {lowest.grade}）",
                f"scores below {lowest.min} have no band (the lowest is {lowest.grade})",
            )
        )
    for below, above in itertools.pairwise(ordered):
        names = f"{below.grade}（{_shown(below.min, '−∞')}–{_shown(below.max, '+∞')}）"
        names += f"、{above.grade}（{_shown(above.min, '−∞')}–{_shown(above.max, '+∞')}）"
        names_en = f"{below.grade} [{_shown(below.min, '-inf')}, {_shown(below.max, 'inf')})"
        names_en += f" and {above.grade} [{_shown(above.min, '-inf')}, {_shown(above.max, 'inf')})"
        assert above.min is not None  # only the lowest band may lack a lower end
        if below.max is None or below.max > above.min:
            problems.append(
                Problem(
                    "band_overlap",
                    "bands",
                    f"等级区间 {names} 重叠",
                    f"bands {names_en} overlap",
                )
            )
        elif below.max < above.min:
            problems.append(
                Problem(
                    "band_gap",
                    "bands",
                    f"等级区间 {names} 之间有空缺（{below.max}–{above.min}）",
                    f"bands {names_en} leave a gap [{below.max}, {above.min})",
                )
            )
        if GRADE_RANK[below.grade] > GRADE_RANK[above.grade]:
            problems.append(
                Problem(
                    "band_order",
                    "bands",
                    f"等级 {below.grade} 的分数低于等级 {above.grade}",
                    f"grade {below.grade} is given lower scores than grade {above.grade}",
                )
            )
    if highest.max is not None and not problems:
        problems.append(
            Problem(
                "band_gap",
                "bands",
                f"不低于 {highest.max} 分没有等级（最高区间为 {highest.grade}）",
                f"scores from {highest.max} have no band (the highest is {highest.grade})",
            )
        )
    return problems


# --- versions and effect ---------------------------------------------------------------------


class _Version(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def applies_to(self) -> str: ...
    @property
    def effective_from(self) -> date: ...
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Version)


def in_force(models: Iterable[V], applies_to: str, today: date) -> V | None:
    """The published model for ``applies_to`` in force on ``today``: of those in effect by
    then, the one that took effect last (a later version on the same day)."""
    candidates = [m for m in models if m.applies_to == applies_to and m.effective_from <= today]
    if not candidates:
        return None
    return max(candidates, key=lambda m: (m.effective_from, m.version, m.id))


def require_next_version(code: str, version: int, latest: int | None) -> None:
    """Versions of a model are numbered 1, 2, 3 … in the order they are loaded: a model is
    never edited, a change is its next version."""
    expected = (latest or 0) + 1
    if version != expected:
        raise Conflict(
            f"模型 {code} 的下一个版本应为第 {expected} 版，文件为第 {version} 版；"
            "已载入的版本不再修改",
            f"the next version of model {code} is {expected}, not {version}: a loaded version "
            "is never changed",
            field="version",
            code="model_version_not_next",
            expected=expected,
        )


def require_not_retroactive(effective_from: date, today: date) -> None:
    """A model takes effect today or later, never earlier (as validity rules, Measures art.
    30): grades already given stay as given; a change shows from its day on."""
    if effective_from < today:
        raise Conflict(
            f"评价模型不能溯及既往：生效日期 {effective_from} 早于今天 {today}",
            f"a model cannot take effect in the past: {effective_from} is before today ({today})",
            field="effective_from",
            code="model_retroactive",
            today=today.isoformat(),
        )


# --- drift -----------------------------------------------------------------------------------

# A grade no subject had in one of the two runs counts as this share, so the index stays finite.
PSI_FLOOR = 0.0001


def psi(previous: Mapping[str, int], current: Mapping[str, int]) -> float | None:
    """The population stability index of the grade distribution, Σ (c − p) · ln(c / p) over
    the grades, shares floored at PSI_FLOOR; None without a previous population. Under 0.1 is
    read as stable, 0.1–0.25 as a shift worth a look, over 0.25 as a change of population."""
    total_p = sum(previous.values())
    total_c = sum(current.values())
    if total_p == 0 or total_c == 0:
        return None
    index = 0.0
    for grade in Grade:
        p = max(previous.get(grade.value, 0) / total_p, PSI_FLOOR)
        c = max(current.get(grade.value, 0) / total_c, PSI_FLOOR)
        index += (c - p) * math.log(c / p)
    return index


def drift(value: float | None) -> Literal["stable", "shift", "changed"] | None:
    """How a full run's PSI against the previous full run reads (docs/evaluation.md)."""
    if value is None:
        return None
    if value < 0.1:
        return "stable"
    return "shift" if value <= 0.25 else "changed"


# --- who reads a result (002 §（六）; Measures art. 19–22; 004 §14) ---------------------------

View = Literal["full", "grade"]


def result_view(
    principal: Principal, subject_id: int, *, organisation: bool, public_grades: bool
) -> View | None:
    """What of a subject's evaluation result the caller reads, or None.

    002 §（六） and 000 §（六）: results go to the departments (推送至相关政府部门) and are
    published to society only 依照有关规定 — where a rule of the province says so, which the
    setting ``evaluation_public_grades`` records. So: the authority, the departments (for
    their duties, with a purpose, Measures art. 20) and the subject itself read everything —
    score, points, explanation, history; the public, and another subject, read an
    organisation's grade and its day only where the setting publishes grades, and a natural
    person's never (Measures art. 36; 000 §（十八））."""
    if principal.is_department:
        return "full"
    if principal.role is Role.subject and principal.subject_id == subject_id:
        return "full"
    return "grade" if public_grades and organisation else None


def needs_purpose(principal: Principal, subject_id: int) -> bool:
    """A department's read of a result not published is logged with its purpose and must
    give one (004 §14); the subject reading its own needs none."""
    return principal.is_department
