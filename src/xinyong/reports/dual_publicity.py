"""双公示 timeliness: are the decisions of the ten administrative acts published within 7
working days? (docs/dual-publicity.md)

The rule. 000 §（十五）: 行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开 — the
decisions of administrative licensing, penalty, compulsion, confirmation, levy, payment,
adjudication, compensation, reward and inspection (the catalog items with an ``act_type``).

How it is counted.
- The decision date is the item's ``decision_date_field`` in the record's fields (决定日期,
  处罚决定日期, … — ``decided_on`` in the default catalog), read through the catalog item the
  record was collected under; the record's ``determined_on`` stands in when that field is empty.
- The arrival is ``records.received_at``, as a date in Asia/Shanghai.
- The working days between them are counted on the official calendar
  (``core.calendar.calendar_for(session).working_days_between(decision, arrival)``: the days d
  with decision < d ≤ arrival, holidays out and make-up working weekends in). On time when
  ≤ 7. A year the calendar does not know is ``409 calendar_year_unknown``: never a guess.
- Month attribution: by **arrival**. A month's notice counts what arrived in it; once the month
  is over its figures never change, and every record is counted once. (By decision month, a
  notice would have to wait for records still to come, and a record never published would
  make a department look better, not worse.)

Scale. A province collects millions of records a year. The records of the month are reached
through their batches (``batches.received_at`` equals each record's ``received_at``; records
are indexed by ``batch_id``) and grouped in SQL per (provider, decision date, arrival date);
the calendar is consulted once per distinct (decision, arrival) pair, never per row. The late
records are then read by a second statement: for each arrival day, every decision on or before
the latest late decision of that day is late (the count only grows as the decision moves back).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.calendar import calendar_for
from xinyong.core.citations import cite
from xinyong.core.clock import SHANGHAI
from xinyong.errors import InvalidRequest
from xinyong.models import Department
from xinyong.records.repository import act_decision_groups, late_act_records

# 000 §（十五）: 自作出行政决定之日起7个工作日内上网公开.
LIMIT_WORKING_DAYS = 7
RULE = cite("000 §（十五）") + "：行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开"

Progress = Callable[[str], None]


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None) -> Month:
        found = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
        if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
            raise InvalidRequest(
                "月份格式应为 YYYY-MM，例如 2026-06",
                "month must be YYYY-MM, e.g. 2026-06",
                field="month",
                code="invalid_month",
            )
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月"

    def bounds(self) -> tuple[datetime, datetime]:
        """From local midnight of the first day to local midnight of the next month's."""
        return _midnight(self.first_day), _midnight(self.next().first_day)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


class DepartmentTimeliness(BaseModel):
    department: str = Field(description="department code")
    department_name: str
    total: int = Field(description="records of the ten acts that arrived in the month")
    on_time: int = Field(description="published within 7 working days of the decision")
    late: int
    undated: int = Field(description="no decision date: not judged, not in the share")
    share: float | None = Field(description="on_time / (on_time + late); null when none")


class LateRecord(BaseModel):
    record_id: str
    item: str
    item_name: str
    department: str
    department_name: str
    subject_name: str
    decided_on: date
    arrived_on: date
    working_days: int


class DualPublicityReport(BaseModel):
    """The monthly notice of 双公示 timeliness (docs/dual-publicity.md)."""

    month: str = Field(description="YYYY-MM, the month of arrival")
    attribution: Literal["arrival"] = "arrival"
    limit_working_days: int = LIMIT_WORKING_DAYS
    rule: str = RULE
    generated_at: datetime
    departments: list[DepartmentTimeliness]
    total: int
    on_time: int
    late: int
    undated: int
    share: float | None
    late_total: int = Field(description="how many late records there are in all")
    late_offset: int = 0
    late_records: list[LateRecord] = Field(
        description="the late records (record id, item, subject, decision, arrival, working "
        "days), by department, arrival and id; a page of them when a limit is given"
    )


def _share(on_time: int, late: int) -> float | None:
    return None if on_time + late == 0 else round(on_time / (on_time + late), 4)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def dual_publicity(
    session: Session,
    month: Month,
    *,
    now: datetime,
    late_limit: int | None = None,
    late_offset: int = 0,
    progress: Progress | None = None,
) -> DualPublicityReport:
    """The month's timeliness per department, and its late records (all of them, or
    ``late_limit`` from ``late_offset``; 0 lists none)."""
    step = progress or (lambda _: None)
    calendar = calendar_for(session)
    calendar.year(month.year)  # the month itself must be countable: 409 else, even if empty

    step("读取当月记录")
    groups = act_decision_groups(session, *month.bounds())

    step("计算工作日数")
    working: dict[tuple[date, date], int] = {}
    counts: dict[int, list[int]] = {}  # provider -> [total, on_time, late, undated]
    latest_late: dict[date, date] = {}  # arrival day -> the latest decision that is late
    for provider_id, decision_text, arrival_value, n in groups:
        row = counts.setdefault(provider_id, [0, 0, 0, 0])
        row[0] += n
        decided, arrived = _as_date(decision_text), _as_date(arrival_value)
        if decided is None or arrived is None:
            row[3] += n
            continue
        days = working.get((decided, arrived))
        if days is None:
            days = working[(decided, arrived)] = calendar.working_days_between(decided, arrived)
        if days <= LIMIT_WORKING_DAYS:
            row[1] += n
        else:
            row[2] += n
            if decided > latest_late.get(arrived, date.min):
                latest_late[arrived] = decided

    departments = {
        d.id: d
        for d in session.execute(
            select(Department).where(Department.id.in_(list(counts)))
        ).scalars()
    }

    def name(provider_id: int) -> tuple[str, str]:
        dept = departments.get(provider_id)
        return (dept.code, dept.name) if dept else (str(provider_id), "（未知部门）")

    rows = [
        DepartmentTimeliness(
            department=name(pid)[0],
            department_name=name(pid)[1],
            total=c[0],
            on_time=c[1],
            late=c[2],
            undated=c[3],
            share=_share(c[1], c[2]),
        )
        for pid, c in counts.items()
    ]
    rows.sort(key=lambda r: r.department)
    total, on_time, late, undated = (sum(c[i] for c in counts.values()) for i in range(4))

    late_records: list[LateRecord] = []
    if latest_late and late_limit != 0:
        step("列出迟报记录")
        late_records = _late_records(
            session,
            month,
            latest_late,
            working,
            name,
            limit=late_limit,
            offset=late_offset,
        )
    return DualPublicityReport(
        month=month.label,
        generated_at=now,
        departments=rows,
        total=total,
        on_time=on_time,
        late=late,
        undated=undated,
        share=_share(on_time, late),
        late_total=late,
        late_offset=late_offset,
        late_records=late_records,
    )


def _late_records(
    session: Session,
    month: Month,
    latest_late: dict[date, date],
    working: dict[tuple[date, date], int],
    name: Callable[[int], tuple[str, str]],
    *,
    limit: int | None,
    offset: int,
) -> list[LateRecord]:
    # For each arrival day, every decision on or before its latest late one is late.
    windows = [
        (_midnight(day), _midnight(day + timedelta(days=1)), latest.isoformat())
        for day, latest in sorted(latest_late.items())
    ]
    out = []
    for row in late_act_records(session, *month.bounds(), windows, limit=limit, offset=offset):
        decided, arrived = _as_date(row.decision), _as_date(row.arrival)
        assert decided is not None and arrived is not None  # late rows have both
        code, dept_name = name(row.provider_id)
        out.append(
            LateRecord(
                record_id=str(row.id),
                item=row.item,
                item_name=row.item_name,
                department=code,
                department_name=dept_name,
                subject_name=row.subject_name,
                decided_on=decided,
                arrived_on=arrived,
                working_days=working[(decided, arrived)],
            )
        )
    return out


# ---- The notice as files: two CSVs (UTF-8 with BOM, for spreadsheet programs) and a page.

# Chinese headers; the one machine code of a row (the department's, the item's) last.
DEPARTMENT_COLUMNS = ("部门名称", "报送总数", "按时", "迟报", "无决定日期", "按时率", "部门代码")
LATE_COLUMNS = (
    "记录编号",
    "部门名称",
    "事项名称",
    "主体名称",
    "决定日期",
    "报送日期",
    "工作日数",
    "事项代码",
)


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.2f}%"


def table_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A table as CSV text (CRLF lines); the monthly oversight reports write theirs alike."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def departments_csv(report: DualPublicityReport) -> str:
    rows: list[list[Any]] = [
        [
            r.department_name,
            r.total,
            r.on_time,
            r.late,
            r.undated,
            percent(r.share),
            r.department,
        ]
        for r in report.departments
    ]
    rows.append(
        [
            "合计",
            report.total,
            report.on_time,
            report.late,
            report.undated,
            percent(report.share),
            "",
        ]
    )
    return table_csv(DEPARTMENT_COLUMNS, rows)


def late_csv(report: DualPublicityReport) -> str:
    return table_csv(
        LATE_COLUMNS,
        (
            [
                r.record_id,
                r.department_name,
                r.item_name,
                r.subject_name,
                r.decided_on.isoformat(),
                r.arrived_on.isoformat(),
                r.working_days,
                r.item,
            ]
            for r in report.late_records
        ),
    )


@cache
def _templates() -> Environment:
    folder = Path(__file__).parents[1] / "web" / "templates"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]))
    env.filters["percent"] = percent
    env.filters["cite"] = cite
    return env


def notice_html(report: DualPublicityReport) -> str:
    """The printable notice: one self-contained page (styles inline, no external asset)."""
    month = Month.parse(report.month)
    return (
        _templates()
        .get_template("authority/dual_publicity_notice.html")
        .render(
            report=report,
            month=month,
            generated=report.generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        )
    )


def file_names(month: Month) -> dict[str, str]:
    base = f"dual-publicity-{month.label}"
    return {
        "departments": f"{base}-departments.csv",
        "late": f"{base}-late.csv",
        "notice": f"{base}.html",
    }


def write_notice(report: DualPublicityReport, folder: Path) -> list[Path]:
    """The two CSVs and the printable page into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    names = file_names(Month.parse(report.month))
    paths = [
        folder / names["departments"],
        folder / names["late"],
        folder / names["notice"],
    ]
    paths[0].write_text(departments_csv(report), encoding="utf-8-sig", newline="")
    paths[1].write_text(late_csv(report), encoding="utf-8-sig", newline="")
    paths[2].write_text(notice_html(report), encoding="utf-8")
    return paths
