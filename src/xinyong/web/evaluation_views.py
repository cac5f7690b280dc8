"""What every console's evaluation pages show alike (web/subject, web/department and
web/authority evaluation.py): a subject's grade with its explanation — each dimension and
indicator, its points and the rows that gave them, by the names people read (a record by its
catalog item, a list entry by its list, a commitment by its type, a declaration by its
category) — its grade history and its grades per field of supervision."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.db import Database
from xinyong.errors import NotFound
from xinyong.evaluation import repository
from xinyong.evaluation.explain import explain_subject
from xinyong.evaluation.schemas import ExplanationOut
from xinyong.lists import repository as lists_repository
from xinyong.models import Commitment, CreditList, Declaration, EvaluationGrade
from xinyong.records.repository import records_with_item_names

# The tables the evaluation templates read as ``labels.…`` (core/labels.py).
LABELS = {
    "grades": labels.GRADE_NAMES,
    "grade_titles": labels.GRADE_TITLES,
    "grade_caps": labels.GRADE_CAPS,
    "sources": labels.EVALUATION_SOURCES,
    "sectors": labels.SECTOR_NAMES,
    "model_statuses": labels.MODEL_STATUSES,
    "model_subjects": labels.MODEL_SUBJECTS,
    "run_kinds": labels.RUN_KINDS,
    "run_states": labels.RUN_STATES,
    "engines": labels.EVALUATION_ENGINES,
    "list_kinds": labels.LIST_KINDS,
    "commitment_types": labels.COMMITMENT_TYPES,
    "declaration_categories": labels.DECLARATION_CATEGORIES,
    "standings": labels.STANDING_NAMES,
}

GRADES = ("A", "B", "C", "D")


@dataclass
class Row:
    """One row an indicator's points came from, as a page names and links it."""

    source: str
    id: str
    points: Decimal
    label: str
    href: str | None


@dataclass
class Dimension:
    code: str
    name: str
    points: Decimal = Decimal(0)
    indicators: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Evaluation:
    """A subject's evaluation as a page shows it: the stored grade, the explanation (None with
    the reason when there is none), the dimensions with their points, the history and the
    field grades."""

    grade: EvaluationGrade | None
    explanation: ExplanationOut | None
    missing: str | None
    dimensions: list[Dimension]
    history: list[Any]
    field_grades: list[Any]
    model_name: str
    # The points summed to: base + Σ indicators = score (exact, two decimals).
    total: Decimal | None

    @property
    def stale(self) -> bool:
        """The archive changed since the run: the explanation's score is not the stored one."""
        return (
            self.grade is not None
            and self.explanation is not None
            and self.explanation.score != self.grade.score
        )


def row_labels(
    session: Session, subject_id: int, explanation: ExplanationOut, links: dict[str, str]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Each row of the explanation by (source, id): its name and, where ``links`` has a
    pattern for its source (``{id}`` replaced), the page that shows it."""
    wanted: dict[str, set[int]] = {}
    for indicator in explanation.indicators:
        for c in indicator.contributions:
            wanted.setdefault(c.source, set()).add(int(c.id))
    found: dict[tuple[str, str], str] = {}
    for record, item_name in records_with_item_names(
        session, subject_id, sorted(wanted.get("record", ()))
    ):
        day = record.determined_on.isoformat() if record.determined_on else ""
        found[("record", str(record.id))] = (
            f"{item_name}（记录编号 {record.id}{'，' + day if day else ''}）"
        )
    for entry_id in sorted(wanted.get("list_entry", ())):
        entry = lists_repository.entry_of_subject(session, subject_id, entry_id)
        if entry is not None:
            name = session.get_one(CreditList, entry.list_id).spec["name"]
            found[("list_entry", str(entry_id))] = f"{name}（名单条目编号 {entry_id}）"
    for commitment_id in sorted(wanted.get("commitment", ())):
        commitment = session.get(Commitment, (subject_id, commitment_id))
        if commitment is not None:
            kind = labels.COMMITMENT_TYPES.get(commitment.type.value, commitment.type.value)
            found[("commitment", str(commitment_id))] = f"{kind}（承诺编号 {commitment_id}）"
    for declaration_id in sorted(wanted.get("declaration", ())):
        d = session.get(Declaration, (subject_id, declaration_id))
        if d is not None:
            kind = labels.DECLARATION_CATEGORIES.get(d.category.value, d.category.value)
            found[("declaration", str(declaration_id))] = f"{kind}（申报编号 {declaration_id}）"
    return {
        key: (
            found.get(key, f"{labels.EVALUATION_SOURCES.get(key[0], key[0])}（编号 {key[1]}）"),
            links[key[0]].format(id=key[1]) if key[0] in links else None,
        )
        for key in ((c.source, c.id) for i in explanation.indicators for c in i.contributions)
    }


def evaluation_of(
    db: Database, session: Session, subject_id: int, *, now: Any, links: dict[str, str]
) -> Evaluation:
    """The subject's evaluation for a page (evaluation/explain.explain_subject for the
    points): the rows linked by ``links`` (source → address pattern with ``{id}``)."""
    grade = repository.grade_of(session, subject_id)
    explanation: ExplanationOut | None = None
    missing = None
    if grade is not None:
        try:
            explanation = explain_subject(db, subject_id, now=now, session=session)
        except NotFound as exc:
            missing = exc.message
    dimensions: list[Dimension] = []
    total = None
    if explanation is not None:
        names = row_labels(session, subject_id, explanation, links)
        by_code: dict[str, Dimension] = {}
        for indicator in explanation.indicators:
            dim = by_code.get(indicator.dimension)
            if dim is None:
                dim = by_code[indicator.dimension] = Dimension(
                    indicator.dimension, indicator.dimension_name
                )
                dimensions.append(dim)
            dim.points += indicator.points
            dim.indicators.append(
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "points": indicator.points,
                    "rows": [
                        Row(c.source, c.id, c.points, *names[(c.source, c.id)])
                        for c in indicator.contributions
                    ],
                }
            )
        total = explanation.base + sum((d.points for d in dimensions), Decimal(0))
    model = repository.get_model(session, grade.model_id) if grade is not None else None
    return Evaluation(
        grade=grade,
        explanation=explanation,
        missing=missing,
        dimensions=dimensions,
        history=list(reversed(repository.grade_history(session, subject_id))),
        field_grades=repository.field_grades_of(session, subject_id),
        model_name=(
            f"{model.definition.get('name', model.code)}（第 {model.version} 版）"
            if model is not None
            else ""
        ),
        total=total,
    )


def signed(value: Decimal) -> str:
    """Points as a page prints them: +3.00, −8.00, 0.00."""
    if value > 0:
        return f"+{value:.2f}"
    if value < 0:
        return f"−{-value:.2f}"
    return f"{Decimal(0):.2f}"


# ---- A model as the authority reads it


def _points(value: Decimal) -> str:
    return signed(Decimal(value)).replace("+0.00", "0").removesuffix(".00")


def _field_name(field_names: dict[str, dict[str, str]], items: list[str], name: str) -> str:
    """A catalog field by its label in the first of ``items`` that has it."""
    return next((field_names[i][name] for i in items if name in field_names.get(i, {})), "字段")


def source_text(
    source: Any, item_names: dict[str, str], field_names: dict[str, dict[str, str]]
) -> str:
    """Where an indicator's rows come from, in words (catalog items and fields by their
    names, never their codes)."""
    kind = source.kind
    if kind == "records":
        text = "、".join(item_names.get(i, "（未知信息项）") for i in source.items)
        if source.severities:
            text += "（" + "、".join(labels.SEVERITY_NAMES[s] for s in source.severities) + "）"
        if source.where:
            field = _field_name(field_names, source.items, source.where.field)
            text += f"，{field}为" + "、".join(source.where.values)
        return text
    if kind == "registration":
        established = _field_name(field_names, [source.item], source.established_field)
        return f"{item_names.get(source.item, '登记信息')}（按{established}计存续年限）"
    if kind == "list_entries":
        return "列入期间的" + "、".join(labels.LIST_KINDS[k] for k in source.list_kinds)
    if kind == "commitments":
        return "信用承诺（" + "、".join(labels.COMMITMENT_STATES[s] for s in source.states) + "）"
    if kind == "declarations":
        return "经验证的自主申报信息"
    parts = {"repaired_records": "信用修复生效的信息", "rectified_entries": "已整改的名单条目"}
    return "、".join(parts[o] for o in source.of)


def rule_text(indicator: Any, field_names: dict[str, dict[str, str]]) -> str:
    """How an indicator's rows become points, in words, with its bounds."""
    rule = indicator.rule
    items = list(getattr(indicator.source, "items", ()))
    if rule.kind == "per_record":
        p = rule.points
        if p.each is not None:
            text = f"每条 {_points(p.each)} 分"
        elif p.by_severity is not None:
            text = "每条按失信程度：" + "、".join(
                f"{labels.SEVERITY_NAMES[k]} {_points(v)}" for k, v in p.by_severity.items()
            )
        else:
            values = p.values or {}
            by = _field_name(field_names, items, p.by_field or "")
            text = f"每条按{by}：" + "、".join(f"{k} {_points(v)}" for k, v in values.items())
            text += f"，其他 {_points(p.other)}"
        decay = rule.decay
        if decay.kind == "validity":
            text += "，按剩余有效期比例计" + (
                f"（不低于 {decay.floor_percent}%）" if decay.floor_percent else ""
            )
        elif decay.kind == "recency":
            text += "，" + "、".join(f"{s.within_days} 天内 {s.percent}%" for s in decay.steps)
            text += "，更早的不计"
    elif rule.kind == "per_count":
        text = "、".join(f"达 {s.min_count} 条 {_points(s.points)} 分" for s in rule.steps)
    else:
        text = "、".join(f"存续满 {s.min_years} 年 {_points(s.points)} 分" for s in rule.age_steps)
        if rule.complete_fields:
            text += f"；登记信息完整 {_points(rule.complete_points)} 分（按已填项比例）"
    bounds = []
    if indicator.min_points is not None:
        bounds.append(f"不低于 {_points(indicator.min_points)} 分")
    if indicator.max_points is not None:
        bounds.append(f"不高于 {_points(indicator.max_points)} 分")
    return text + ("；" + "，".join(bounds) if bounds else "")


def band_text(band: Any) -> str:
    low = "−∞" if band.min is None else f"{band.min}"
    high = "+∞" if band.max is None else f"{band.max}"
    return f"{low} 至 {high}（含下限，不含上限）"
