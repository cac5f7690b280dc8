"""The consistency checks as SQL (docs/quality.md): each rule one INSERT … SELECT of its
findings over the records — set-based, no record passes through Python — unique by rule and
record (ON CONFLICT DO NOTHING), so a re-run, a full run after daily ones or another process
never finds a record twice. A run reads either the records of the batches received in its
window (the daily job's cursor) or every record (``xinyong quality check --full``).

The statements read tables other domains own — records, subjects, subject_names, batches,
catalog_items, departments — read-only, in one place, as risk/repository's sweep does. Names
that reach a statement (items, fields) have the catalog's shape (quality/schemas.Name), checked
again here; placeholders are written as SQL strings with their quotes doubled.

Each check, on one record ``r`` of the window, active:

- ``name_mismatch``: an organisation's record (not a registration, which sets the name) pushed
  under a name other than the subject's name — while the subject has a registration — and
  than every name in its history (a former name is no mismatch), the history's rows that
  this record itself wrote left out.
- ``region_mismatch``: a local-only item's organisation whose credit code's characters 3–8 lie
  outside the provider's region (quality/rules.region_covers: a province covers its first two
  digits, a city its four, a county all six).
- ``duplicate_decision``: another active record of the same provider and item with the same
  decision number under another ``source_id``, received before it (the first copy is not a
  finding; each later one is). The lookup uses migration 0024's index.
- ``decision_after_arrival``: the decision date — the item's decision-date field, else the
  first of the rule's fields, else the determination day — after the day (Asia/Shanghai) the
  record arrived.
- ``dual_publicity_fields_empty``: a record of the ten acts whose 双公示 fields are absent,
  blank or a placeholder; the legal-person fields for a legal person only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from xinyong.models.base import UTCDateTime
from xinyong.quality.schemas import (
    Check,
    DecisionAfterArrival,
    DualPublicityFieldsEmpty,
    DuplicateDecision,
    NameMismatch,
    RegionMismatch,
)
from xinyong.records.checkers import CompiledItem

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LEGAL_PERSON = "(SELECT s.kind FROM subjects s WHERE s.id = r.subject_id) = 'legal_person'"
FINDING_COLUMNS = (
    "rule_code, severity, subject_id, record_id, provider_id, item_code, fact, run_id, state, "
    "found_at"
)


@dataclass(frozen=True)
class Window:
    """Which records a run reads: those of the batches received in (``since``, ``until``], or
    with ``since`` None every record received up to ``until``."""

    since: datetime | None
    until: datetime


class Dialect:
    """The few expressions that differ between the databases."""

    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def field(self, alias: str, name: str) -> str:
        """A field of ``alias``.fields as text, written as migration 0024's index is."""
        name = _name(name)
        if self.pg:
            return f"({alias}.fields ->> '{name}')"
        return f"json_extract({alias}.fields, '$.{name}')"

    def field_named_by(self, alias: str, column: str) -> str:
        """The field of ``alias``.fields whose name is in ``column`` (null when it is)."""
        if self.pg:
            return f"({alias}.fields ->> {column})"
        return f"json_extract({alias}.fields, '$.' || {column})"

    def local_day(self, column: str) -> str:
        """A timestamp's day in Asia/Shanghai as YYYY-MM-DD text (no daylight saving since
        1991: SQLite adds eight hours)."""
        if self.pg:
            return f"CAST(CAST(timezone('Asia/Shanghai', {column}) AS date) AS text)"
        return f"date({column}, '+8 hours')"

    def after_day(self, day: str, column: str) -> str:
        """``day`` (YYYY-MM-DD text) is after the day of the timestamp ``column`` in Asia/
        Shanghai. On SQLite, whose timestamps are UTC text, the UTC day first: the local day
        is never before it, so only a day past the UTC day needs the conversion."""
        exact = f"{day} > {self.local_day(column)}"
        return exact if self.pg else f"{day} > substr({column}, 1, 10) AND {exact}"

    def date_text(self, column: str) -> str:
        return f"CAST({column} AS text)" if self.pg else column


def _name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"not a catalog name: {name!r}")
    return name


def _quoted(value: str) -> str:
    """A string as an SQL literal (its quotes doubled); control characters are refused."""
    if any(ord(c) < 32 for c in value):
        raise ValueError("a control character in an SQL literal")
    return "'" + value.replace("'", "''") + "'"


def _names(names: Iterable[str]) -> str:
    listed = ", ".join(f"'{_name(n)}'" for n in sorted(set(names)))
    return listed or "NULL"


def scope(window: Window, alias: str = "r") -> str:
    """The records a run reads, as a condition on ``alias``: through their batches (the index
    on records.batch_id; batches.received_at is each record's arrival)."""
    if window.since is None:
        return f"{alias}.received_at <= :until"
    return (
        f"{alias}.batch_id IN (SELECT b.id FROM batches b "
        "WHERE b.received_at > :since AND b.received_at <= :until)"
    )


def candidates(
    check: Check, dialect: Dialect, items: dict[str, CompiledItem], window: Window
) -> str:
    """The check as one SELECT of subject_id, record_id, provider_id, item_code, fact."""
    where = f"{scope(window)} AND r.standing = 'active'"
    head = "SELECT r.subject_id, r.id AS record_id, r.provider_id, r.item_code"
    if isinstance(check, NameMismatch):
        registrations = _names(c for c, i in items.items() if i.spec.registers_subject)
        return (
            f"{head}, r.subject_name AS fact FROM records r JOIN subjects s ON s.id = r.subject_id "
            f"WHERE {where} AND r.subject_name IS NOT NULL "
            f"AND r.item_code NOT IN ({registrations}) AND r.subject_name <> s.name "
            # Counted, not EXISTS, and of the subject's row: PostgreSQL would make a semi-join
            # of it over every registration, or test it on every record; this way it runs only
            # for the few names that differ, after the join.
            "AND (SELECT count(*) FROM records g WHERE g.subject_id = s.id "
            f"AND g.item_code IN ({registrations})) > 0 "
            "AND NOT EXISTS (SELECT 1 FROM subject_names n WHERE n.subject_id = r.subject_id "
            "AND n.name = r.subject_name "
            "AND (n.source_record_id IS NULL OR n.source_record_id <> r.id))"
        )
    if isinstance(check, RegionMismatch):
        width = (
            "CASE WHEN d.region_code LIKE '%0000' THEN 2 "
            "WHEN d.region_code LIKE '%00' THEN 4 ELSE 6 END"
        )
        return (
            f"{head}, substr(s.credit_code, 3, 6) AS fact FROM records r "
            "JOIN subjects s ON s.id = r.subject_id JOIN departments d ON d.id = r.provider_id "
            f"WHERE {where} AND r.item_code IN ({_names(check.items)}) "
            "AND s.credit_code IS NOT NULL "
            f"AND substr(s.credit_code, 3, {width}) <> substr(d.region_code, 1, {width})"
        )
    if isinstance(check, DuplicateDecision):
        mine, theirs = dialect.field("r", check.field), dialect.field("o", check.field)

        def earlier(provider: str, item: str, number: str) -> str:
            """Another active copy received before ``r``: counted, not EXISTS (PostgreSQL
            made a hash semi-join of EXISTS over every record, 4 s at 5,000,000 for a day's
            6,000), and keyed by ``provider``, ``item``, ``number`` of the row it must stay
            above (the grouped numbers in a full run: else the planner tests it on every
            record before the join)."""
            return (
                f"(SELECT count(*) FROM records o WHERE o.provider_id = {provider} "
                f"AND o.item_code = {item} AND {theirs} IS NOT NULL AND {theirs} = {number} "
                "AND o.standing = 'active' AND o.source_id <> r.source_id "
                "AND (o.received_at < r.received_at "
                "OR (o.received_at = r.received_at AND o.id < r.id))) > 0"
            )

        if window.since is not None:
            return (
                f"{head}, {mine} AS fact FROM records r "
                f"WHERE {where} AND {mine} IS NOT NULL "
                f"AND {earlier('r.provider_id', 'r.item_code', mine)}"
            )
        # Every record: the numbers held more than once first (one grouping pass), then the
        # records of those few, each looked up in migration 0024's index.
        grouped = dialect.field("d", check.field)
        return (
            f"{head}, {mine} AS fact FROM (SELECT d.provider_id, d.item_code, {grouped} AS number "
            f"FROM records d WHERE {grouped} IS NOT NULL "
            f"GROUP BY d.provider_id, d.item_code, {grouped} HAVING count(*) > 1) twice "
            "JOIN records r ON r.provider_id = twice.provider_id "
            f"AND r.item_code = twice.item_code AND {mine} = twice.number "
            f"WHERE {where} AND {mine} IS NOT NULL "
            f"AND {earlier('twice.provider_id', 'twice.item_code', 'twice.number')}"
        )
    if isinstance(check, DecisionAfterArrival):
        decision = ", ".join(
            [
                dialect.field_named_by("r", "c.decision_date_field"),
                *(dialect.field("r", f) for f in check.fields),
                dialect.date_text("r.determined_on"),
            ]
        )
        return (
            "SELECT subject_id, record_id, provider_id, item_code, decision AS fact FROM ("
            f"{head}, COALESCE({decision}) AS decision, r.received_at "
            "FROM records r JOIN catalog_items c ON c.id = r.catalog_item_id "
            f"WHERE {where}) x WHERE {dialect.after_day('decision', 'x.received_at')}"
        )
    assert isinstance(check, DualPublicityFieldsEmpty)
    return _dual_publicity(check, dialect, items, where, head)


def _dual_publicity(
    check: DualPublicityFieldsEmpty,
    dialect: Dialect,
    items: dict[str, CompiledItem],
    where: str,
    head: str,
) -> str:
    """Per item of the ten acts: the names of its empty 双公示 fields, comma-separated. Each
    field is read once per record (SQLite keeps a row's parsed JSON for the next read of it:
    seven fields cost about three microseconds a record, less than searching its text)."""
    empty_values = ", ".join(["''", *(_quoted(p) for p in check.placeholders)])
    branches: list[str] = []
    for code, item in sorted(items.items()):
        act = item.spec.act_type
        if act is None or act not in check.fields:
            continue
        present = {f.name for f in item.spec.fields}
        parts = [
            f"CASE WHEN COALESCE(trim({dialect.field('r', f)}), '') IN ({empty_values}) "
            f"THEN '{f},' ELSE '' END"
            for f in check.fields[act]
            if f in present
        ]
        # The subject's kind is read only for a legal-person field found empty (few).
        parts += [
            f"CASE WHEN COALESCE(trim({dialect.field('r', f)}), '') IN ({empty_values}) "
            f"AND {LEGAL_PERSON} THEN '{f},' ELSE '' END"
            for f in check.legal_person_fields
            if f in present
        ]
        if parts:
            branches.append(f"WHEN '{_name(code)}' THEN {' || '.join(parts)}")
    if not branches:
        return f"{head}, NULL AS fact FROM records r WHERE 1 = 0"
    acts = _names(
        code
        for code, item in items.items()
        if item.spec.act_type is not None and item.spec.act_type in check.fields
    )
    return (
        "SELECT subject_id, record_id, provider_id, item_code, "
        "rtrim(missing, ',') AS fact FROM ("
        f"{head}, CASE r.item_code {' '.join(branches)} ELSE '' END AS missing "
        f"FROM records r WHERE {where} AND r.item_code IN ({acts})) x WHERE missing <> ''"
    )


def insert_findings(
    session: Session,
    *,
    rule_code: str,
    severity: str,
    check: Check,
    items: dict[str, CompiledItem],
    window: Window,
    run_id: int,
    now: datetime,
) -> int:
    """The rule's new findings in one statement; returns how many (RETURNING counts them:
    psycopg reports no row count for it)."""
    dialect = Dialect(session.get_bind().dialect.name)
    select = candidates(check, dialect, items, window)
    statement = text(
        f"INSERT INTO quality_findings ({FINDING_COLUMNS}) "
        "SELECT :rule, :severity, c.subject_id, c.record_id, c.provider_id, c.item_code, "
        "substr(c.fact, 1, 300), :run, 'open', :now "
        f"FROM ({select}) c WHERE true "
        "ON CONFLICT (rule_code, subject_id, record_id) DO NOTHING RETURNING id"
    )
    params: dict[str, Any] = {
        "rule": rule_code,
        "severity": severity,
        "run": run_id,
        "now": now,
        "until": window.until,
    }
    binds = [bindparam("now", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime())]
    if window.since is not None:
        params["since"] = window.since
        binds.append(bindparam("since", type_=UTCDateTime()))
    return len(session.execute(statement.bindparams(*binds), params).all())


def update_last_pushes(session: Session, window: Window) -> None:
    """The latest arrival of each item of each provider in the window (any standing: a push
    is a push), kept where it is later than the one known."""
    statement = text(
        "INSERT INTO quality_last_pushes (provider_id, item_code, pushed_at) "
        "SELECT r.provider_id, r.item_code, max(r.received_at) FROM records r "
        f"WHERE {scope(window)} GROUP BY r.provider_id, r.item_code "
        "ON CONFLICT (provider_id, item_code) DO UPDATE SET pushed_at = excluded.pushed_at "
        "WHERE excluded.pushed_at > quality_last_pushes.pushed_at"
    )
    params: dict[str, Any] = {"until": window.until}
    binds = [bindparam("until", type_=UTCDateTime())]
    if window.since is not None:
        params["since"] = window.since
        binds.append(bindparam("since", type_=UTCDateTime()))
    session.execute(statement.bindparams(*binds), params)
