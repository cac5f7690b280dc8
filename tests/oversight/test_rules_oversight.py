"""oversight/rules: the month a report is of, the duties overdue, when a record arrived on time,
when feedback falls due, who a notice names, the assessment's points — on the day before, of
and after each deadline, without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from xinyong.core.calendar import Calendar, builtin_years
from xinyong.errors import InvalidRequest
from xinyong.oversight import rules
from xinyong.oversight.schemas import Basis, Indicator
from xinyong.reports.dual_publicity import Month

CALENDAR = Calendar(builtin_years().values())
DAY = timedelta(days=1)


@dataclass
class Item:
    code: str
    name: str
    update_cycle: str
    sources: list[str] = field(default_factory=lambda: ["market_regulation"])


def test_a_month_is_over_from_the_day_after_its_last() -> None:
    june = Month(2026, 6)
    assert rules.month_end(june) == date(2026, 6, 30)
    assert not rules.is_closed(june, date(2026, 6, 29))
    assert not rules.is_closed(june, date(2026, 6, 30))
    assert rules.is_closed(june, date(2026, 7, 1))
    # The report of a month under way is as of today; of a month over, of its last day.
    assert rules.as_of_day(june, date(2026, 6, 15)) == date(2026, 6, 15)
    assert rules.as_of_day(june, date(2026, 7, 1)) == date(2026, 6, 30)
    assert rules.as_of_day(Month(2026, 2), date(2026, 7, 1)) == date(2026, 2, 28)


def test_a_month_not_begun_has_no_report() -> None:
    rules.require_not_future(Month(2026, 7), date(2026, 7, 1))
    with pytest.raises(InvalidRequest) as refused:
        rules.require_not_future(Month(2026, 7), date(2026, 6, 30))
    assert refused.value.code == "month_in_future"


def test_the_year_to_date_is_the_months_over() -> None:
    assert rules.closed_months_of_year(2026, date(2026, 1, 31)) == []
    assert rules.closed_months_of_year(2026, date(2026, 2, 1)) == [Month(2026, 1)]
    assert [m.month for m in rules.closed_months_of_year(2026, date(2026, 7, 15))] == list(
        range(1, 7)
    )
    assert len(rules.closed_months_of_year(2025, date(2026, 7, 15))) == 12


@pytest.mark.parametrize(
    ("cycle", "last", "due"),
    [
        # Wednesday 30 September 2026, before the National Day holiday (1–7 October): the
        # next daily push is due on Thursday 8 October.
        ("daily", date(2026, 9, 30), date(2026, 10, 8)),
        ("monthly", date(2026, 5, 20), date(2026, 6, 30)),
        ("quarterly", date(2026, 2, 1), date(2026, 6, 30)),
    ],
)
def test_an_item_is_overdue_from_the_day_after_its_due_day(
    cycle: str, last: date, due: date
) -> None:
    item = Item("administrative_penalty", "行政处罚信息", cycle)
    for day, overdue in ((due - DAY, False), (due, False), (due + DAY, True)):
        [duty] = rules.duties_on(
            [item], "market_regulation", {item.code: last}, last, day, CALENDAR
        )
        assert (duty.last_push, duty.due, duty.overdue) == (last, due, overdue)


def test_only_the_items_of_the_sector_are_owed_and_never_pushed_counts_from_the_start() -> None:
    items = [
        Item("administrative_penalty", "行政处罚信息", "monthly"),
        Item("tax_arrears", "欠税信息", "quarterly", ["tax"]),
    ]
    start = date(2026, 4, 10)  # the department joined the platform
    duties = rules.duties_on(items, "market_regulation", {}, start, date(2026, 6, 1), CALENDAR)
    assert [(d.code, d.last_push, d.due, d.overdue) for d in duties] == [
        ("administrative_penalty", None, date(2026, 5, 31), True)
    ]


def test_a_due_day_in_a_year_the_calendar_does_not_know_is_not_yet_due() -> None:
    # Thursday 31 December 2026: the next working day lies in 2027, which is not loaded.
    item = Item("administrative_penalty", "行政处罚信息", "daily")
    last = date(2026, 12, 31)
    [duty] = rules.duties_on([item], "market_regulation", {item.code: last}, last, last, CALENDAR)
    assert (duty.due, duty.overdue) == (None, False)


@pytest.mark.parametrize(
    ("cycle", "arrival", "threshold"),
    [
        # A daily item arriving on Thursday 8 October was due the working day after its
        # decision: decided on 30 September (the last working day before) it is on time.
        ("daily", date(2026, 10, 8), date(2026, 9, 30)),
        # Monday 12 October: Saturday 10 October is a make-up working day.
        ("daily", date(2026, 10, 12), date(2026, 10, 10)),
        ("weekly", date(2026, 10, 8), date(2026, 9, 28)),
        ("monthly", date(2026, 10, 8), date(2026, 9, 1)),
        ("quarterly", date(2026, 10, 8), date(2026, 7, 1)),
        ("yearly", date(2026, 10, 8), date(2025, 1, 1)),
    ],
)
def test_a_record_is_on_time_decided_on_or_after_its_threshold(
    cycle: str, arrival: date, threshold: date
) -> None:
    assert rules.on_time_threshold(cycle, arrival, CALENDAR) == threshold
    # The day before the threshold is late, the threshold itself and after on time.
    assert rules.due_on(cycle, threshold - DAY, CALENDAR) < arrival  # type: ignore[operator]
    assert rules.due_on(cycle, threshold, CALENDAR) >= arrival  # type: ignore[operator]


def test_thresholds_for_every_cycle_and_day() -> None:
    days = [date(2026, 10, 8), date(2026, 10, 9)]
    table = rules.on_time_thresholds(("daily", "monthly"), days, CALENDAR)
    # Arriving on Friday 9 October: a decision on a holiday (from 1 October) counts for the
    # next working day, 8 October, and was due on 9 October — on time.
    assert table["daily"] == {
        date(2026, 10, 8): date(2026, 9, 30),
        date(2026, 10, 9): date(2026, 10, 1),
    }
    assert set(table["monthly"].values()) == {date(2026, 9, 1)}


def test_feedback_is_due_ten_working_days_after_the_check() -> None:
    # Checked Monday 21 September 2026: ten working days later, across the National Day
    # holiday, is Monday 12 October.
    due = rules.feedback_due_on(date(2026, 9, 21), 10, CALENDAR)
    assert due == date(2026, 10, 12)
    # The checks due by a day: 21 September's is due on 12 October, not before.
    assert rules.feedback_cutoff(due - DAY, 10, CALENDAR) < date(2026, 9, 21)
    assert rules.feedback_cutoff(due, 10, CALENDAR) >= date(2026, 9, 21)
    cutoff = rules.feedback_cutoff(date(2026, 10, 9), 10, CALENDAR)
    assert rules.feedback_due_on(cutoff, 10, CALENDAR) <= date(2026, 10, 9)  # type: ignore[operator]
    assert rules.feedback_due_on(cutoff + DAY, 10, CALENDAR) > date(2026, 10, 9)  # type: ignore[operator]
    # A check of late December is due in 2027, a year not loaded: not due in 2026.
    assert rules.feedback_due_on(date(2026, 12, 28), 10, CALENDAR) is None


def test_who_a_notice_names() -> None:
    assert rules.late_in_collection(1) and not rules.late_in_collection(0)
    assert rules.late_in_dual_publicity(2) and not rules.late_in_dual_publicity(0)
    assert rules.late_in_use(3) and not rules.late_in_use(0)


BASIS = Basis(
    title="江苏省公共信用信息管理办法（试行）", number="苏政发〔2018〕23号", article="第四十条"
)


def indicator(**over: object) -> Indicator:
    spec: dict = {
        "code": "x",
        "name": "指标",
        "report": "collection",
        "kind": "share",
        "numerator": "on_time",
        "denominator": "dated",
        "weight": 20,
        "basis": BASIS,
    }
    spec.update(over)
    return Indicator.model_validate(spec)


def test_a_share_is_summed_over_the_months() -> None:
    share = indicator()
    months = [{"on_time": 3, "dated": 4}, {"on_time": 0, "dated": 0}, {"on_time": 5, "dated": 6}]
    assert rules.indicator_value(share, months) == 0.8
    assert rules.indicator_score(share, 0.8) == 16.0
    lower = indicator(numerator="rejected", denominator="rows", better="lower")
    assert rules.indicator_score(lower, 0.25) == 15.0
    # Nothing to count, or no row in the report: the indicator does not apply.
    assert rules.indicator_value(share, [{"on_time": 0, "dated": 0}]) is None
    assert rules.indicator_value(share, []) is None
    assert rules.indicator_score(share, None) is None


def test_a_deduction_and_a_mean() -> None:
    deduction = indicator(kind="deduction", field="objections_upheld", points_each=3, weight=10)
    months = [{"objections_upheld": 1}, {"objections_upheld": 2}]
    assert rules.indicator_value(deduction, months) == 3
    assert rules.indicator_score(deduction, 3) == 1.0
    assert rules.indicator_score(deduction, 4) == 0.0  # never below nought
    mean = indicator(kind="mean", field="completeness", scale=1, weight=10)
    values = [{"completeness": 0.5}, {"completeness": None}, {"completeness": 1.0}]
    assert rules.indicator_value(mean, values) == 0.75
    assert rules.indicator_score(mean, 0.75) == 7.5


def test_an_indicator_names_figures_its_report_has() -> None:
    with pytest.raises(ValueError, match="not a figure"):
        indicator(numerator="checks")
    with pytest.raises(ValueError, match="points_each"):
        indicator(kind="deduction", field="objections_upheld")
    with pytest.raises(ValueError, match="scale"):
        indicator(kind="mean", field="completeness")


def test_the_total_is_over_the_indicators_that_apply_and_ranks_share_places() -> None:
    assert rules.total_score([(20, 10.0), (30, None), (20, 20.0)]) == 75.0
    assert rules.total_score([(20, None)]) is None
    assert rules.ranks({"a": 80.0, "b": 95.5, "c": 80.0, "d": None, "e": 60.0}) == {
        "a": 2,
        "b": 1,
        "c": 2,
        "d": None,
        "e": 4,
    }
