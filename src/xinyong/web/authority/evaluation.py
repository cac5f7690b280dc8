"""Pages: the public credit evaluation as the credit authority oversees it (issue 16 § 8) —
the models (every version with its effective day; one model's dimensions, indicators,
bands, caps and sources), the runs with their grade counts and drift (PSI, read as
evaluation/rules.drift reads it), the grade distribution over the full runs (an ECharts
chart from /static/vendor, its figures also a table) and the graded supervision ratios in force
(inspections/supervision: per field, grade → class → ratio and frequency)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import field_labels
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.errors import NotFound
from xinyong.evaluation import repository
from xinyong.evaluation.rules import drift
from xinyong.evaluation.service import catalog_items, model_in_force, spec_of
from xinyong.inspections import supervision
from xinyong.models import EvaluationModel, EvaluationRun
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.evaluation_views import GRADES, LABELS, band_text, rule_text, source_text
from xinyong.web.forms import page, request_today

router = APIRouter(include_in_schema=False)

# Full runs the distribution over time shows.
HISTORY_RUNS = 24
# Runs the table lists.
RECENT_RUNS = 20
# The chart's colours by grade, as the legend reads them (优 green … 差 red).
GRADE_COLOURS = {"A": "#15803d", "B": "#2563eb", "C": "#d97706", "D": "#b91c1c"}


def shares(counts: dict[str, int] | None) -> dict[str, Any]:
    """Counts and shares (percent, two decimals) of each grade; the total."""
    counts = counts or {}
    total = sum(counts.values())
    return {
        "total": total,
        "grades": [
            {
                "grade": g,
                "count": counts.get(g, 0),
                "percent": round(counts.get(g, 0) * 100 / total, 2) if total else None,
            }
            for g in GRADES
        ],
    }


def distribution_chart(runs: list[EvaluationRun]) -> dict[str, Any]:
    """An ECharts option (plain JSON) of the grades' shares in each full run, stacked to 100 %."""
    days = [f"{r.as_of}" for r in runs]
    by_run = [shares(r.grade_counts) for r in runs]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 48, "containLabel": True},
        "xAxis": {"type": "category", "data": days},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": labels.GRADE_TITLES[g],
                "type": "bar",
                "stack": "all",
                "itemStyle": {"color": GRADE_COLOURS[g]},
                "data": [s["grades"][i]["percent"] for s in by_run],
            }
            for i, g in enumerate(GRADES)
        ],
    }


def model_title(model: EvaluationModel | None) -> str:
    if model is None:
        return ""
    return f"{model.definition.get('name', model.code)}（第 {model.version} 版）"


def run_rows(runs: list[EvaluationRun], models: dict[int, EvaluationModel]) -> list[dict]:
    return [
        {
            "run": r,
            "model": models.get(r.model_id),
            "model_title": model_title(models.get(r.model_id)),
            "shares": shares(r.grade_counts),
            "reading": drift(r.psi),
        }
        for r in runs
    ]


def supervision_rows(session: Session, today: Any) -> dict[str, Any]:
    """The graded supervision rules in force: per field, each grade's class, ratio and
    frequency, and the class of subjects without a grade."""
    version = supervision.current(session, today)
    fields = []
    for rule in version.rules.fields:
        classes = {c.code: c for c in rule.classes}
        fields.append(
            {
                "field": rule.field,
                "name": "其他领域（默认）"
                if rule.field == "*"
                else labels.SECTOR_NAMES.get(rule.field, rule.field),
                "grades": [(g, classes[rule.grades[g]]) for g in GRADES if g in rule.grades],
                "ungraded": classes[rule.ungraded],
                "basis": rule.basis,
            }
        )
    return {"version": version, "fields": fields}


@router.get("/authority/evaluation", response_class=HTMLResponse, **AUTHORITY)
def evaluation_page(request: Request, session: Session = db_session) -> Response:
    """Audience: authority. The grade distribution now and over the full runs, the runs with
    their drift, the models and the graded supervision ratios in force."""
    today = request_today(request)
    all_models = repository.models(session)
    by_id = {m.id: m for m in all_models}
    history = repository.full_runs(session, limit=HISTORY_RUNS)
    in_force = {
        applies_to: model_in_force(session, applies_to, today)
        for applies_to in labels.MODEL_SUBJECTS
    }
    return page(
        request,
        "authority/evaluation.html",
        section="evaluation",
        L=LABELS,
        current=shares(repository.grade_counts(session)),
        history=run_rows(history, by_id),
        distribution=distribution_chart(history),
        runs=run_rows(repository.recent_runs(session, limit=RECENT_RUNS), by_id),
        models=list(reversed(all_models)),
        in_force={k: v.id for k, v in in_force.items() if v is not None},
        field_counts=repository.field_grade_counts(session),
        supervision=supervision_rows(session, today),
        psi_readings=labels.DRIFT_NAMES,
        model_title=model_title,
    )


@router.get("/authority/evaluation/models/{model_id}", response_class=HTMLResponse, **AUTHORITY)
def model_page(model_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. One version of a model: its dimensions and indicators (source,
    points, bounds, basis), bands and caps, counting, industry mapping and sources; and every
    version of its code with its effective day and status."""
    model = repository.get_model(session, model_id)
    if model is None:
        raise NotFound("没有该评价模型", "no such evaluation model", code="unknown_model")
    spec = spec_of(model)
    items = {code: item.name for code, item in catalog_items(session).items()}
    names = field_labels(session)
    today = request_today(request)
    current = model_in_force(session, model.applies_to, today)
    return page(
        request,
        "authority/evaluation_model.html",
        section="evaluation",
        L=LABELS,
        model=model,
        spec=spec,
        title=model_title(model),
        in_force=current is not None and current.id == model.id,
        versions=[m for m in repository.models(session) if m.code == model.code],
        in_force_id=current.id if current else None,
        dimensions=[
            {
                "name": d.name,
                "indicators": [
                    {
                        "i": i,
                        "source": source_text(i.source, items, names),
                        "rule": rule_text(i, names),
                    }
                    for i in d.indicators
                ],
            }
            for d in spec.dimensions
        ],
        bands=[(b.grade, band_text(b)) for b in spec.bands],
    )
