"""专项治理 statistics: failing subjects by industry and region over time (issue 17 part 2 § 4;
000 §（十七）, 002 §（十六）: risk by industry and region for targeted campaigns).

A subject fails in a month when a negative record of it was determined in that month (a record
revoked or corrected as wrongful does not count: it was never a failure) or it was confirmed on
a black list in that month. Organisations are grouped by the section (门类) of the industry code
their registration in force gives (国民经济行业分类, GB/T 4754—2017; 「未登记行业」 without one)
and by city (the first four digits of the region code); drilling into a section gives its
cities, into a city its subjects. One statement of the database's own SQL, grouped there."""

from __future__ import annotations

import csv
import io
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from xinyong.core.identifiers import region_name
from xinyong.core.labels import INDUSTRY_SECTIONS
from xinyong.errors import InvalidRequest
from xinyong.reports.dual_publicity import Month

MAX_MONTHS = 36


class GovernanceRow(BaseModel):
    section: str = Field(description="the industry section's letter, '' where none is registered")
    section_name: str
    city: str | None = Field(default=None, description="a city's region code (drill-down)")
    city_name: str | None = None
    counts: list[int] = Field(description="failing subjects in each month of `months`")
    total: int = Field(description="failing subjects in the whole period (each once)")


class FailingSubject(BaseModel):
    credit_code: str | None
    name: str
    region_code: str | None
    months: list[str]


class GovernanceStats(BaseModel):
    months: list[str]
    section: str | None
    city: str | None
    rows: list[GovernanceRow]
    totals: list[int]
    subjects: list[FailingSubject] = Field(
        default_factory=list, description="with both a section and a city: the subjects"
    )


def months_between(first: Month, last: Month) -> list[Month]:
    if (last.year, last.month) < (first.year, first.month):
        raise InvalidRequest(
            "起始月份不能晚于结束月份", "from is after to", field="from", code="invalid_period"
        )
    months = [first]
    while months[-1] != last:
        months.append(months[-1].next())
        if len(months) > MAX_MONTHS:
            raise InvalidRequest(
                f"统计期间最长 {MAX_MONTHS} 个月",
                f"at most {MAX_MONTHS} months",
                field="to",
                code="invalid_period",
            )
    return months


def _sql(dialect: str) -> str:
    if dialect == "sqlite":
        record_month = "strftime('%Y-%m', r.determined_on)"
        entry_month = "strftime('%Y-%m', e.confirmed_at, '+8 hours')"
        industry = "json_extract(g.fields, '$.industry_code')"
    else:
        record_month = "to_char(r.determined_on, 'YYYY-MM')"
        entry_month = "to_char(e.confirmed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
        industry = "g.fields->>'industry_code'"
    return f"""
WITH failing AS (
    SELECT r.subject_id, {record_month} AS month FROM records r
    WHERE r.severity IS NOT NULL AND r.standing NOT IN ('revoked', 'corrected', 'excluded')
      AND r.determined_on >= :first AND r.determined_on < :after
    UNION
    SELECT e.subject_id, {entry_month} AS month FROM list_entries e
    WHERE e.kind = 'black' AND e.confirmed_at IS NOT NULL
      AND e.confirmed_at >= :first_at AND e.confirmed_at < :after_at
),
registration AS (
    SELECT subject_id, MAX(id) AS id FROM records
    WHERE item_code = 'org_registration' AND standing = 'active'
      AND subject_id IN (SELECT subject_id FROM failing)
    GROUP BY subject_id
)
SELECT f.subject_id, f.month, COALESCE(substr({industry}, 1, 1), '') AS section,
       s.region_code, s.credit_code, s.name
FROM failing f
JOIN subjects s ON s.id = f.subject_id AND s.kind <> 'natural_person'
LEFT JOIN registration x ON x.subject_id = f.subject_id
LEFT JOIN records g ON g.subject_id = x.subject_id AND g.id = x.id
"""


def failing_subjects(
    session: Session,
    months: list[Month],
    *,
    section: str | None = None,
    city: str | None = None,
) -> GovernanceStats:
    """Failing organisations per month: by industry section; with ``section``, that section's
    cities; with ``city`` too, its subjects."""
    first_at, _ = months[0].bounds()
    _, after_at = months[-1].bounds()
    rows = session.execute(
        text(_sql(session.get_bind().dialect.name)),
        {
            "first": months[0].first_day,
            "after": months[-1].next().first_day,
            "first_at": first_at,
            "after_at": after_at,
        },
    ).all()
    labels = [m.label for m in months]
    at = {label: n for n, label in enumerate(labels)}
    # subject → (section, city, credit code, name, region, months failed)
    seen: dict[int, tuple[str, str, str | None, str, str | None, set[str]]] = {}
    for subject_id, month, sec, region, code, name in rows:
        if month not in at or (section is not None and sec.upper() != section):
            continue
        town = f"{(region or '')[:4]}00" if region else ""
        if city is not None and town != city:
            continue
        entry = seen.setdefault(subject_id, (sec.upper(), town, code, name, region, set()))
        entry[5].add(month)
    groups: dict[str, tuple[list[int], set[int]]] = {}
    for subject_id, (sec, town, *_rest, failed) in seen.items():
        key = town if section is not None else sec
        counts, members = groups.setdefault(key, ([0] * len(labels), set()))
        for month in failed:
            counts[at[month]] += 1
        members.add(subject_id)
    out = [
        GovernanceRow(
            section=section if section is not None else key,
            section_name=INDUSTRY_SECTIONS.get(section if section is not None else key, key),
            city=key if section is not None else None,
            city_name=(region_name(key) or key or "未知地区") if section is not None else None,
            counts=counts,
            total=len(members),
        )
        for key, (counts, members) in sorted(groups.items(), key=lambda g: (-len(g[1][1]), g[0]))
    ]
    totals = [sum(r.counts[n] for r in out) for n in range(len(labels))]
    subjects = []
    if section is not None and city is not None:
        subjects = [
            FailingSubject(credit_code=code, name=name, region_code=region, months=sorted(failed))
            for _sec, _town, code, name, region, failed in sorted(
                seen.values(), key=lambda v: (-len(v[5]), v[3])
            )
        ]
    return GovernanceStats(
        months=labels, section=section, city=city, rows=out, totals=totals, subjects=subjects
    )


def governance_csv(stats: GovernanceStats) -> str:
    """The table as CSV text (its download adds the BOM spreadsheet programs want)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if stats.subjects:
        writer.writerow(["统一社会信用代码", "名称", "行政区划代码", "失信月份"])
        for s in stats.subjects:
            writer.writerow([s.credit_code or "", s.name, s.region_code or "", "、".join(s.months)])
    else:
        head = ["行业门类", "行业"] + (["地区代码", "地区"] if stats.section is not None else [])
        writer.writerow([*head, *stats.months, "期间合计（家）"])
        for r in stats.rows:
            where = [r.city or "", r.city_name or ""] if stats.section is not None else []
            writer.writerow([r.section, r.section_name, *where, *r.counts, r.total])
        blanks = [""] * (len(head) - 1)
        writer.writerow(["合计", *blanks, *stats.totals, ""])
    return buffer.getvalue()


def parse_section(value: str | None) -> str | None:
    if value is None:
        return None
    letter = value.strip().upper()
    if letter not in INDUSTRY_SECTIONS:
        raise InvalidRequest(
            "行业门类应为 A–T 中的一个字母（未登记行业为空）",
            "section must be one letter A–T",
            field="section",
            code="invalid_section",
        )
    return letter


def default_period(today: date) -> tuple[Month, Month]:
    """The twelve months to this one."""
    last = Month.of(today)
    first = last
    for _ in range(11):
        first = first.previous()
    return first, last
