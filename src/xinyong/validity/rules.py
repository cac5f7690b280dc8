"""The rules about validity rules and the archive as of a day (Measures art. 30), without a
database: when a new validity rule may take effect, which days the archive may be shown as of,
and where such a day ends. The periods themselves — the rule in force on a day, months added to
the day of determination — are applied while collecting (records/rules.py ``ValidityRules``,
``expires_on``); a record past them is expired from that day (subjects/rules.py
``effective_standing``). docs/workflows/validity.md."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from xinyong.core.clock import SHANGHAI


def retroactive(effective_from: date, today: date) -> bool:
    """A rule added today may take effect today or later, never earlier: a record's validity is
    fixed when it is collected (art. 30: 自失信行为认定之日起计算), so a rule reaching back would
    treat failures determined on the same day differently by when they arrived."""
    return effective_from < today


def as_of_in_future(as_of: date, today: date) -> bool:
    """The archive is shown as it was at the end of a past day, or of today: what will be
    public later is not known yet (a rule or a procedure may change it)."""
    return as_of > today


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in Asia/Shanghai: "as of day X" is everything before it."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=SHANGHAI)
