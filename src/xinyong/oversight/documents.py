"""The reports and the assessment as people read them — their CSVs (UTF-8, Chinese headers, the
one machine code of a row last) and their cells — and the monthly notices (通报) as HTML
documents, citing the rules by document title (core/citations.cite), each naming the
departments that are late and what they owe (docs/oversight.md § the monthly notices)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from xinyong.core.citations import cite
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import OVERSIGHT_FIELDS, UPDATE_CYCLES
from xinyong.notices.render import LETTERHEAD
from xinyong.oversight import rules
from xinyong.oversight.schemas import (
    COLLECTION_COLUMNS,
    SHARES,
    USE_COLUMNS,
    Assessment,
    CollectionReport,
    UseReport,
)
from xinyong.reports.dual_publicity import (
    LIMIT_WORKING_DAYS,
    LateRecord,
    Month,
    percent,
    table_csv,
)

TEMPLATES = Path(__file__).parent / "templates"
COLUMNS = {"collection": COLLECTION_COLUMNS, "use": USE_COLUMNS}
# The figures a terminal's table shows (`xinyong report collection|use`): the CSV has them all.
SHORT_COLUMNS = {
    "collection": (
        "items_owed",
        "items_overdue",
        "completeness",
        "rows",
        "rejection_rate",
        "timeliness",
        "dp_late",
        "dp_share",
    ),
    "use": (
        "checks",
        "hits",
        "measures_shown",
        "feedback_given",
        "feedback_due",
        "feedback_timeliness",
        "feedback_overdue",
        "reports_requested",
    ),
}


def cell(row: Any, key: str) -> str:
    """A figure of a row as a table shows it: a share as a percentage, the top errors as
    「name n」, a number as it is."""
    value = getattr(row, key)
    if key in SHARES:
        return percent(value) or "—"
    if key == "top_errors":
        return "；".join(f"{e.name} {e.count}" for e in value)
    return str(value)


def headers(kind: str) -> list[str]:
    return [OVERSIGHT_FIELDS[key] for key in COLUMNS[kind]]


def report_csv(report: CollectionReport | UseReport) -> str:
    """A report's table: the department's name, its figures, its code last."""
    columns = COLUMNS[report.kind]
    return table_csv(
        ["部门名称", *headers(report.kind), "部门代码"],
        (
            [r.department_name, *(cell(r, key) for key in columns), r.department]
            for r in report.departments
        ),
    )


def assessment_csv(assessment: Assessment) -> str:
    """The ranking with each indicator's points: 名次, 部门, 总分, the indicators, 部门代码."""
    names = [i.name for i in assessment.departments[0].indicators] if assessment.departments else []
    return table_csv(
        ["名次", "部门名称", "总分", *names, "部门代码"],
        (
            [
                d.rank or "",
                d.department_name,
                "" if d.total is None else f"{d.total:.2f}",
                *("" if i.score is None else f"{i.score:.2f}" for i in d.indicators),
                d.department,
            ]
            for d in assessment.departments
        ),
    )


def file_name(kind: str, label: str) -> str:
    return f"oversight-{kind}-{label}.csv"


# ---- the monthly notices


@cache
def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader([TEMPLATES, LETTERHEAD]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = lambda share: percent(share) or "—"
    env.filters["cite"] = cite
    env.globals["cycles"] = UPDATE_CYCLES
    env.globals["fields"] = OVERSIGHT_FIELDS
    return env


# Late 双公示 records a notice lists per department; the authority's page and CSV have them all.
LATE_LISTED = 10


def _by_department(records: Sequence[LateRecord]) -> dict[str, list[LateRecord]]:
    out: dict[str, list[LateRecord]] = {}
    for r in records:
        out.setdefault(r.department, []).append(r)
    return out


@dataclass(frozen=True)
class MonthlyNotice:
    """A notice of the month, ready to send: whom it names (department codes) and its text."""

    kind: str
    title: str
    html: str
    basis: str
    late: list[str]


def monthly_notice(
    kind: str,
    month: Month,
    collection: CollectionReport,
    use: UseReport,
    *,
    generated_at: datetime,
    late_records: Sequence[LateRecord] = (),
) -> MonthlyNotice:
    """The notice of ``kind`` — ``collection_monthly``, ``dual_publicity_monthly`` or
    ``use_monthly`` — of a month that is over, from its reports; the 双公示 notice lists each
    late department's first ``LATE_LISTED`` late records (``late_records``: the month's, from
    reports/dual_publicity.py), by record number — no subject named."""
    if kind == "collection_monthly":
        rows: list[Any] = collection.departments
        bases: tuple[str, ...]
        late = [r for r in rows if rules.late_in_collection(r.items_overdue)]
        title = f"{month.title}公共信用信息归集情况通报"
        bases = (cite("Measures art. 16"), cite("Measures art. 40"), cite("004 §25"))
    elif kind == "dual_publicity_monthly":
        rows = [r for r in collection.departments if r.dp_total]
        late = [r for r in rows if rules.late_in_dual_publicity(r.dp_late)]
        title = f"{month.title}“双公示”信息报送情况通报"
        bases = (cite("000 §（十五）"), cite("Measures art. 40"), cite("004 §25"))
    elif kind == "use_monthly":
        rows = use.departments
        late = [r for r in rows if rules.late_in_use(r.feedback_overdue)]
        title = f"{month.title}公共信用信息应用情况通报"
        bases = (
            cite("Measures art. 24"),
            cite("003 联合奖惩 §（二十一）"),
            cite("Measures art. 40"),
            cite("004 §25"),
        )
    else:
        raise ValueError(f"not a monthly notice: {kind}")
    html = (
        _templates()
        .get_template(f"{kind}.html")
        .render(
            title=title,
            month=month,
            rows=rows,
            late=late,
            collection=collection,
            use=use,
            limit=LIMIT_WORKING_DAYS,
            late_records=_by_department(late_records),
            listed=LATE_LISTED,
            generated=generated_at.astimezone(SHANGHAI).strftime("%Y年%m月%d日"),
        )
    )
    return MonthlyNotice(
        kind=kind,
        title=title,
        html=html,
        basis="；".join(bases),
        late=[r.department for r in late],
    )
