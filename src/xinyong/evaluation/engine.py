"""The scoring, expressed once with Ibis and run on DuckDB (here) or on Spark (a province
that outgrows one machine): docs/adr/0016-evaluation-one-expression-two-engines.md.

It is a columnar batch job over the input tables (evaluation/extract.py), never a loop over
subjects:

1. **Rows.** Each row of a source — a record, a list entry, a commitment, a declaration —
   that feeds an indicator becomes a row (subject, indicator ``k``, *units*): the
   indicator's points for it in hundredths (cents) times the percent its decay leaves
   (0–100), so ten-thousandths of a point, an integer. A record finds its indicator by its
   item in one array look-up (a pass over the records per group of indicators whose items
   do not overlap), never by testing every indicator.
2. **Indicators.** Per subject and indicator, the units are summed or the rows counted (a
   group-by per indicator, over the rows kept as a table); the rule gives its points in
   cents: per record, the sum bounded by the indicator's
   ``min_points``/``max_points`` and rounded half away from zero to the cent; per count, the
   points of the highest step reached. An indicator without rows gives 0.
3. **Score.** The base plus the indicators' cents, so the points sum *exactly* to the score
   minus the base. The bands give a grade; a list in force caps it (``list_caps``):
   ``capped_by`` names the list kind when the cap lowered it.
4. **Fields.** Per field of supervision, the latest counted industry evaluation, its label
   mapped to A–D, combined with the public grade by the model's rule.

Everything is integer arithmetic, dates compared with literals or counted in days: both
engines give the same numbers to the last cent, which tests/evaluation/test_spark.py checks.
:func:`explain` is the same expression on the inputs narrowed to one subject."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from xinyong.catalog.schemas import ItemSpec
from xinyong.evaluation.extract import ChoiceNeed, FieldNeed, Needs, place
from xinyong.evaluation.rules import GRADE_RANK
from xinyong.evaluation.schemas import (
    CommitmentsSource,
    DeclarationsSource,
    ListEntriesSource,
    ModelIn,
    PerCountRule,
    PerRecordRule,
    RecordsSource,
    RectificationSource,
    RegistrationRule,
    RegistrationSource,
)
from xinyong.models.record import Severity, Standing
from xinyong.records.rules import add_years

# The tables whose rows feed indicators.
ROW_TABLES = ("records", "entries", "commitments", "declarations")


@dataclass(frozen=True)
class Inputs:
    subjects: ir.Table
    records: ir.Table
    entries: ir.Table
    commitments: ir.Table
    declarations: ir.Table

    def table(self, name: str) -> ir.Table:
        table: ir.Table = getattr(self, name)
        return table

    def narrowed(self, subjects: ir.Table) -> Inputs:
        """The same inputs, of the subjects in ``subjects`` (a table of ``subject_id``): an
        explanation's one subject."""
        return Inputs(
            *(
                self.table(name).filter(self.table(name).subject_id.isin(subjects.subject_id))
                for name in ("subjects", *ROW_TABLES)
            )
        )


def cents(points: Decimal) -> int:
    """Points (two decimals at most, schemas.Points) in hundredths."""
    return int(points * 100)


# --- what a model reads ----------------------------------------------------------------------


def item_numbers(model: ModelIn) -> tuple[str, ...]:
    """The items ``model`` reads, in the order that numbers them (the inputs' ``item``)."""
    wanted: set[str] = set()
    for _dimension, indicator in model.indicators():
        source = indicator.source
        if isinstance(source, RecordsSource):
            wanted.update(source.items)
        elif isinstance(source, RegistrationSource):
            wanted.add(source.item)
    if model.industry is not None:
        wanted.add(model.industry.item)
    return tuple(sorted(wanted))


def choices(model: ModelIn) -> dict[tuple[str, tuple[str, ...]], str]:
    """The fields ``model`` compares with listed values — a source's ``where``, a points
    table ``by_field`` — by (field, values): the input column (``c_<n>``) that holds the
    value's place among them (extract.ChoiceNeed), in the model's order."""
    found: dict[tuple[str, tuple[str, ...]], str] = {}

    def choice(field: str, values: tuple[str, ...]) -> None:
        found.setdefault((field, values), f"c_{len(found)}")

    for _dimension, indicator in model.indicators():
        source, rule = indicator.source, indicator.rule
        if isinstance(source, RecordsSource | RegistrationSource) and source.where is not None:
            choice(source.where.field, tuple(source.where.values))
        if isinstance(rule, PerRecordRule) and rule.points.by_field is not None:
            assert rule.points.values is not None  # schemas.PointsEach: they go together
            if rule.points.values:
                choice(rule.points.by_field, tuple(rule.points.values))
    return found


def needs(model: ModelIn, items: Mapping[str, ItemSpec]) -> Needs:
    """The items and fields ``model`` reads from the archive, typed by the catalog, and what
    its rules ask of each field: its text (the industry evaluation's labels), whether it is
    filled (registration completeness), its place among listed values (:func:`choices`)."""
    wanted: dict[str, set[str]] = {}
    text: set[str] = set()
    filled: set[str] = set()

    def field(item: str, name: str | None) -> None:
        if name is not None:
            wanted.setdefault(name, set()).add(item)

    repaired = False
    for _dimension, indicator in model.indicators():
        source, rule = indicator.source, indicator.rule
        if isinstance(source, RecordsSource):
            for item in source.items:
                field(item, source.where.field if source.where else None)
                field(item, source.date_field)
                if isinstance(rule, PerRecordRule):
                    field(item, rule.points.by_field)
        elif isinstance(source, RegistrationSource):
            field(source.item, source.established_field)
            field(source.item, source.where.field if source.where else None)
            if isinstance(rule, RegistrationRule):
                for name in rule.complete_fields:
                    field(source.item, name)
                filled.update(rule.complete_fields)
        elif isinstance(source, RectificationSource):
            repaired = repaired or "repaired_records" in source.of
    if model.industry is not None:
        industry = model.industry
        for wanted_field in (industry.field_field, industry.grade_field, industry.valid_to_field):
            field(industry.item, wanted_field)
        text.update((industry.field_field, industry.grade_field))
    fields = []
    for name in sorted(wanted):
        of = tuple(sorted(wanted[name]))
        is_date = any(
            f.name == name and f.type == "date"
            for code in of
            if code in items
            for f in items[code].fields
        )
        fields.append(
            FieldNeed(
                name=name, items=of, is_date=is_date, text=name in text, filled=name in filled
            )
        )
    return Needs(
        applies_to=model.applies_to,
        items=item_numbers(model),
        fields=tuple(fields),
        repaired=repaired,
        choices=tuple(
            ChoiceNeed(column=column, field=field, values=values)
            for (field, values), column in choices(model).items()
        ),
    )


# --- 1. rows ---------------------------------------------------------------------------------


def _in_force(entries: ir.Table, today: date) -> ir.BooleanValue:
    """An entry in force on ``today``: listed, not past its period (lists/rules.is_in_force)."""
    until = entries.listed_until
    return (entries.state == "listed") & (until.isnull() | (until > ibis.literal(today)))


def _counted(records: ir.Table, model: ModelIn, today: date) -> ir.BooleanValue:
    """A record counts as its standing says on ``today`` (the model's ``counting``): an
    active record past its validity is expired from that day (subjects/rules.py
    effective_standing, Measures art. 30); one under an open objection counts unless the
    model excludes it (art. 32). Written as plain conditions on the stored standing."""
    standings = set(model.counting.standings)
    lapsed = (records.expires_on <= ibis.literal(today)).fill_null(False)
    active = records.standing == place(Standing.active)
    parts: list[ir.BooleanValue] = []
    if "active" in standings:
        parts.append(active & ~lapsed)
    if "expired" in standings:
        parts.append((records.standing == place(Standing.expired)) | (active & lapsed))
    others = sorted(standings - {"active", "expired"})
    if others:
        parts.append(records.standing.isin([place(Standing(s)) for s in others]))
    counted: ir.BooleanValue = parts[0] if parts else ibis.literal(False)
    for part in parts[1:]:
        counted = counted | part
    if model.counting.under_objection == "exclude":
        counted = counted & ~records.under_objection
    return counted


def _points(rule: PerRecordRule, table: ir.Table, model: ModelIn) -> ir.IntegerValue:
    points = rule.points
    if points.each is not None:
        return ibis.literal(cents(points.each), "int64")
    if points.by_severity is not None:
        branches = [
            (table.severity == place(Severity(s)), cents(p)) for s, p in points.by_severity.items()
        ]
        return ibis.cases(*branches, else_=0).cast("int64")
    assert points.by_field is not None and points.values is not None  # schemas.PointsEach
    if not points.values:
        return ibis.literal(cents(points.other), "int64")
    # The points looked up by the value's place among the listed values (0: any other).
    # Array indexes are int32: Spark's element_at takes no other.
    listed = table[choices(model)[(points.by_field, tuple(points.values))]]
    table_of = [cents(points.other), *(cents(p) for p in points.values.values())]
    return ibis.literal(table_of, "array<int64>")[listed.cast("int32")]


def _percent(
    rule: PerRecordRule, day: ir.DateValue, expires_on: ir.DateValue | None, today: date
) -> ir.IntegerValue:
    """The percent of its points a row keeps on ``today``: 100 without decay; by recency,
    that of the first step its day falls within; over validity, the share of the period from
    ``day`` to ``expires_on`` still to run (whole percent, floored)."""
    decay = rule.decay
    if decay.kind == "recency":
        branches = [
            (day >= ibis.literal(today - timedelta(days=s.within_days)), s.percent)
            for s in decay.steps
        ]
        return ibis.cases(*branches, else_=0).cast("int64")
    if decay.kind == "validity" and expires_on is not None:
        return _validity_percent(day, expires_on, today, decay.floor_percent)
    return ibis.literal(100, "int64")


def _validity_percent(
    day: ir.DateValue, expires_on: ir.DateValue, today: date, floor: int | ir.IntegerValue
) -> ir.IntegerValue:
    total = expires_on.delta(day, unit="day")
    remaining = expires_on.delta(ibis.literal(today), unit="day")
    share = (remaining * 100) // total
    bounded = ibis.greatest(floor, ibis.least(100, share))
    return ibis.ifelse(expires_on.isnull() | (total <= 0), 100, bounded).cast("int64")


def _filtered(table: ir.Table, where: Any, model: ModelIn) -> ir.BooleanValue:
    """The field among ``where``'s values: its place among them is not 0."""
    if where is None:
        return ibis.literal(True)
    return table[choices(model)[(where.field, tuple(where.values))]] > 0


def _registration_units(
    records: ir.Table, source: RegistrationSource, rule: RegistrationRule, today: date
) -> ir.IntegerValue:
    """Age: the highest step whose years the subject has existed (established on or before
    the day that many years ago); completeness: the share of the named fields filled."""
    established = records[f"d_{source.established_field}"]
    age: ir.IntegerValue = ibis.literal(0, "int64")
    if rule.age_steps:
        branches = [
            (established <= ibis.literal(add_years(today, -s.min_years)), cents(s.points))
            for s in rule.age_steps
        ]
        age = ibis.cases(*branches, else_=0).cast("int64")
    units = age * 100
    if rule.complete_fields:
        filled = sum(
            (ibis.ifelse(records[f"filled_{name}"], 1, 0) for name in rule.complete_fields),
            ibis.literal(0, "int64"),
        )
        share = (filled * 100) // len(rule.complete_fields)
        units = units + cents(rule.complete_points) * share
    return units.cast("int64")


def _value(
    rule: Any,
    table: ir.Table,
    day: ir.DateValue,
    expires_on: ir.DateValue | None,
    today: date,
    model: ModelIn,
) -> ir.IntegerValue:
    """A matched row's units under ``rule``: nothing for a count (the count is what counts)."""
    if isinstance(rule, PerCountRule):
        return ibis.literal(0, "int64")
    return (_points(rule, table, model) * _percent(rule, day, expires_on, today)).cast("int64")


def _by_severity_over_validity(indicators: list[Any], ks: set[int]) -> list[list[int]]:
    """Of the indicators ``ks`` (a pass's), those whose units one expression gives, each's
    constants looked up by its k (:func:`_shared_units`): per record, points by severity or
    each alike, faded over validity, the day read from the same field — in groups of two or
    more. A branch per indicator evaluated the same expression on a sixth of each vector of
    rows, six times over: sharing it saves the rows step about a fifth of its time
    (docs/performance.md § Evaluation)."""
    groups: dict[str | None, list[int]] = {}
    for k in sorted(ks):
        source, rule = indicators[k].source, indicators[k].rule
        if (
            isinstance(source, RecordsSource)
            and isinstance(rule, PerRecordRule)
            and rule.decay.kind == "validity"
            and rule.points.by_field is None
        ):
            groups.setdefault(source.date_field, []).append(k)
    return [group for group in groups.values() if len(group) > 1]


# A record's severity as its slot in a row of _shared_units' table: its place, or the last
# slot where it has none.
SEVERITY_SLOTS = len(Severity) + 1


def _shared_units(
    rows: ir.Table, ks: list[int], indicators: list[Any], day: ir.DateValue, today: date
) -> ir.IntegerValue:
    """The units of the indicators ``ks`` (:func:`_by_severity_over_validity`) in one
    expression: the points from a table by k and severity, the floor of the decay by k."""
    table = [0] * ((max(ks) + 1) * SEVERITY_SLOTS)
    floors = [0] * (max(ks) + 1)
    for k in ks:
        rule = indicators[k].rule
        points = rule.points
        for severity in Severity:
            if points.each is not None:
                value = points.each
            else:
                value = points.by_severity.get(severity.value, Decimal(0))
            table[k * SEVERITY_SLOTS + place(severity)] = cents(value)
        # A record without a severity: `each`'s points, or 0 by severity (as _points gives).
        if points.each is not None:
            table[k * SEVERITY_SLOTS + SEVERITY_SLOTS - 1] = cents(points.each)
        floors[k] = rule.decay.floor_percent
    # Array indexes are int32: Spark's element_at takes no other.
    k = rows.k.cast("int32")
    slot = k * SEVERITY_SLOTS + rows.severity.fill_null(SEVERITY_SLOTS - 1).cast("int32")
    looked_up = ibis.literal(table, "array<int64>")[slot]
    floor: int | ir.IntegerValue = floors[ks[0]]
    if len({floors[k] for k in ks}) > 1:
        floor = ibis.literal(floors, "array<int64>")[k]
    return (looked_up * _validity_percent(day, rows.expires_on, today, floor)).cast("int64")


def _day(rows: ir.Table, source: RecordsSource) -> ir.DateValue:
    """The day a record's points date from: its source's date field where it has one, else
    the day it was determined (or received)."""
    if source.date_field is None:
        return rows.day
    return ibis.coalesce(rows[f"d_{source.date_field}"], rows.day)


def _long(table: ir.Table, source: str, id_column: str, k: Any, units: Any) -> ir.Table:
    return table.select(
        subject_id=table.subject_id.cast("int64"),
        source=ibis.literal(source, "string"),
        row_id=table[id_column].cast("int64"),
        k=ibis.literal(k, "int64") if isinstance(k, int) else k.cast("int64"),
        units=units.cast("int64"),
    )


def _passes(model: ModelIn) -> list[dict[str, int]]:
    """The record indicators (by their number k) grouped so that within a group each item
    feeds one indicator at most: each group is one pass over the records, its indicator
    looked up by the record's item."""
    passes: list[dict[str, int]] = []
    for k, (_dimension, indicator) in enumerate(model.indicators()):
        source = indicator.source
        if isinstance(source, RecordsSource):
            items = list(source.items)
        elif isinstance(source, RegistrationSource):
            items = [source.item]
        else:
            continue
        for group in passes:
            if not set(items) & set(group):
                group.update(dict.fromkeys(items, k))
                break
        else:
            passes.append(dict.fromkeys(items, k))
    return passes


def _record_rows(records: ir.Table, model: ModelIn, today: date) -> list[ir.Table]:
    """The records' units: a pass per group of indicators (each record's indicator found by
    its item, in one array look-up), and the repaired records for rectification."""
    order = {code: n for n, code in enumerate(item_numbers(model))}
    indicators = [i for _d, i in model.indicators()]
    out = []
    for group in _passes(model):
        lookup = [group.get(code, -1) for code in order]
        # Array indexes are int32: Spark's element_at takes no other.
        keyed = records.mutate(k=ibis.literal(lookup, "array<int64>")[records.item.cast("int32")])
        rows = keyed.mutate(day=ibis.coalesce(keyed.determined_on, keyed.received_on))
        # The conditions apart, not one expression: the engine then tests the cheap ones
        # first (the standing, read by the scan itself) and the rest only on what is left.
        # An indicator's own conditions are keyed by its items, not by k, which the filter
        # would otherwise recompute for each.
        # The pass's items by their numbers, not ``k >= 0``: a test of a column as the scan
        # reads it, where k would be an array look-up (the shorter list of the two).
        mine = [order[code] for code in group]
        rest = [n for n in order.values() if n not in mine]
        if len(mine) < len(rest):
            kept = rows.item.isin(mine)
        elif rest:
            kept = ~rows.item.isin(rest)
        else:
            kept = rows.item.notnull()
        conditions = [kept, _counted(rows, model, today)]
        for k in sorted(set(group.values())):
            source = indicators[k].source
            assert isinstance(source, RecordsSource | RegistrationSource)  # _passes
            severities = source.severities if isinstance(source, RecordsSource) else None
            if source.where is None and severities is None:
                continue
            condition = _filtered(rows, source.where, model)
            if severities is not None:
                places = [place(Severity(s)) for s in severities]
                condition = condition & rows.severity.isin(places).fill_null(False)
            numbers = [order[code] for code, n in group.items() if n == k]
            others = rows.item != numbers[0] if len(numbers) == 1 else ~rows.item.isin(numbers)
            conditions.append(others | condition)
        rows = rows.filter(*conditions)
        shared = _by_severity_over_validity(indicators, set(group.values()))
        branches = []
        for k in sorted(set(group.values()) - {k for ks in shared for k in ks}):
            indicator = indicators[k]
            source, rule = indicator.source, indicator.rule
            if isinstance(source, RegistrationSource):
                assert isinstance(rule, RegistrationRule)  # evaluation/rules.py rule_fits
                value = _registration_units(rows, source, rule, today)
            else:
                assert isinstance(source, RecordsSource)
                value = _value(rule, rows, _day(rows, source), rows.expires_on, today, model)
            branches.append((rows.k == k, value))
        for ks in shared:
            source = indicators[ks[0]].source
            assert isinstance(source, RecordsSource)  # _by_severity_over_validity
            value = _shared_units(rows, ks, indicators, _day(rows, source), today)
            branches.append((rows.k.isin(ks), value))
        # The last branch is the CASE's ELSE: each row kept is of one of the pass's
        # indicators (the filter above), and DuckDB makes a test of k among five values or
        # more a join.
        *tested, (_last, otherwise) = branches
        units = ibis.cases(*tested, else_=otherwise) if tested else otherwise
        out.append(_long(rows, "record", "record_id", rows.k, units))
    for k, indicator in enumerate(indicators):
        source = indicator.source
        if isinstance(source, RectificationSource) and "repaired_records" in source.of:
            repaired = records.filter(records.standing == place(Standing.repaired))
            day = ibis.coalesce(repaired.determined_on, repaired.received_on)
            value = _value(indicator.rule, repaired, day, None, today, model)
            out.append(_long(repaired, "record", "record_id", k, value))
    return out


def _other_rows(inputs: Inputs, model: ModelIn, today: date) -> list[ir.Table]:
    """List entries, commitments and declarations: small tables, a filter per indicator."""
    out = []
    entries, commitments = inputs.entries, inputs.commitments
    declarations = inputs.declarations
    for k, (_dimension, indicator) in enumerate(model.indicators()):
        source, rule = indicator.source, indicator.rule
        if isinstance(source, ListEntriesSource):
            matched = _in_force(entries, today) & entries.kind.isin(list(source.list_kinds))
            if source.lists is not None:
                matched = matched & entries.list_code.isin(list(source.lists))
            rows = entries.filter(matched)
            value = _value(rule, rows, rows.confirmed_on, None, today, model)
            out.append(_long(rows, "list_entry", "entry_id", k, value))
        elif isinstance(source, RectificationSource) and "rectified_entries" in source.of:
            rows = entries.filter(entries.rectified.fill_null(False))
            value = _value(rule, rows, rows.confirmed_on, None, today, model)
            out.append(_long(rows, "list_entry", "entry_id", k, value))
        elif isinstance(source, CommitmentsSource):
            matched = commitments.state.isin(list(source.states))
            if source.types is not None:
                matched = matched & commitments.type.isin(list(source.types))
            rows = commitments.filter(matched)
            day = ibis.coalesce(rows.closed_on, rows.signed_on)
            value = _value(rule, rows, day, None, today, model)
            out.append(_long(rows, "commitment", "commitment_id", k, value))
        elif isinstance(source, DeclarationsSource):
            matched = declarations.state == "verified"
            if source.categories is not None:
                matched = matched & declarations.category.isin(list(source.categories))
            rows = declarations.filter(matched)
            value = _value(rule, rows, rows.verified_on, None, today, model)
            out.append(_long(rows, "declaration", "declaration_id", k, value))
    return out


def row_units(inputs: Inputs, model: ModelIn, today: date) -> ir.Table:
    """Every row that feeds an indicator, with its units: ``subject_id``, ``source``
    (record, list_entry, commitment, declaration), ``row_id``, ``k`` (the indicator's
    number in the model's order) and ``units`` — the explanation's rows, and what step 2
    sums."""
    parts = _record_rows(inputs.records, model, today) + _other_rows(inputs, model, today)
    return ibis.union(*parts)


# --- 2. indicators and 3. score --------------------------------------------------------------


def point_rows(inputs: Inputs, model: ModelIn, today: date) -> ir.Table:
    """What step 2 reads of :func:`row_units`: ``subject_id``, ``k`` (a small integer) and
    ``units``. A run keeps it as a table of its own (evaluation/backends.py) before
    :func:`points` reads it once per indicator: the sources are read and filtered once, and
    nothing of the explanation's columns is kept."""
    rows = row_units(inputs, model, today)
    return rows.select("subject_id", k=rows.k.cast("int16"), units=rows.units)


def _round_cents(units: ir.IntegerValue) -> ir.IntegerValue:
    """Ten-thousandths of a point to hundredths, half away from zero."""
    up = (units + 50) // 100
    down = -((-units + 50) // 100)
    return ibis.ifelse(units >= 0, up, down).cast("int64")


def points(rows: ir.Table, model: ModelIn) -> ir.Table:
    """Per subject and indicator it has rows for: ``subject_id``, ``k`` (the indicator's
    number in the model's order; its code is put on where the points are shown or stored,
    evaluation/writer.py and explain.py, not on every row here) and ``cents`` — the units
    summed, bounded and rounded, or the count's step. An indicator without rows gives
    nothing (0). ``rows``: :func:`point_rows` or :func:`row_units`.

    A group-by per indicator, by subject alone, each with its own bounds as constants: the
    groups are nearly as many as the rows (2.9 M groups of 3.3 M rows at a province's size),
    and one hash table of them all, keyed by subject and indicator, cost three times what
    the indicators' own tables cost together (docs/performance.md § Evaluation). The rows
    should be a table, not an expression: each indicator reads them."""
    parts = []
    for k, (_dimension, indicator) in enumerate(model.indicators()):
        mine = rows.filter(rows.k == k)
        rule = indicator.rule
        if isinstance(rule, PerCountRule):
            count = mine.group_by("subject_id").aggregate(n=mine.k.count())
            value = _count_cents(rule, count.n)
            parts.append(count.select("subject_id", k=ibis.literal(k, "int64"), cents=value))
            continue
        # The sum cast back to a 64-bit integer: DuckDB sums BIGINTs into a 128-bit HUGEINT,
        # and everything after would be 128-bit arithmetic. (Ibis drops a cast to the type
        # it already gives a sum; non-nullable is another type to it, so the cast stays.)
        sums = mine.group_by("subject_id").aggregate(
            units=mine.units.sum().cast(dt.Int64(nullable=False))
        )
        bounded: ir.IntegerValue = sums.units
        if indicator.max_points is not None:
            bounded = ibis.least(cents(indicator.max_points) * 100, bounded)
        if indicator.min_points is not None:
            bounded = ibis.greatest(cents(indicator.min_points) * 100, bounded)
        # The bounded sum a column of its own, so that the rounding reads it, not
        # recomputes it (Ibis inlines).
        kept = sums.select("subject_id", bounded=bounded.cast("int64"))
        value = _round_cents(kept.bounded)
        parts.append(kept.select("subject_id", k=ibis.literal(k, "int64"), cents=value))
    return ibis.union(*parts)


def _count_cents(rule: PerCountRule, count: ir.IntegerValue) -> ir.IntegerValue:
    """The points of the highest step the count reaches."""
    branches = [(count >= s.min_count, cents(s.points)) for s in rule.steps]
    return ibis.cases(*branches, else_=0).cast("int64")


def scores(
    inputs: Inputs, model: ModelIn, today: date, *, points_table: ir.Table | None = None
) -> ir.Table:
    """Per subject of ``inputs.subjects``: ``score_cents`` (the base plus its indicators'
    cents), ``band_rank`` (the rank of the grade the score gives: A=4 … D=1, rules.GRADE_RANK),
    ``grade_rank`` (after the lists' caps) and ``capped_by``. The letters are put on where a
    grade is stored or shown (evaluation/writer.py, explain.py), as the indicators' codes
    are: text written for a million subjects cost the step an eighth of its time
    (docs/performance.md § Evaluation). ``points_table``: :func:`points` of the same inputs,
    already computed."""
    if points_table is None:
        points_table = points(row_units(inputs, model, today), model)
    totals = points_table.group_by("subject_id").aggregate(total=points_table.cents.sum())
    result = _left(inputs.subjects.select("subject_id"), totals)
    caps = _list_flags(inputs.entries, model, today)
    if caps is not None:
        result = _left(result, caps)
    score = result.total.fill_null(0) + cents(model.base)
    result = result.mutate(score_cents=score.cast("int64"))
    # Each rank a column of its own, read by what follows rather than recomputed in it.
    result = result.mutate(band_rank=_band_rank(model, result.score_cents))
    capped, capped_by = _capped(model, result, result.band_rank)
    result = result.mutate(grade_rank=capped, capped_by=capped_by)
    return result.select("subject_id", "score_cents", "band_rank", "grade_rank", "capped_by")


def _left(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, "subject_id")
    return joined.select(*(c for c in joined.columns if c != "subject_id_right"))


def _list_flags(entries: ir.Table, model: ModelIn, today: date) -> ir.Table | None:
    """Per subject, whether an entry of each capping kind is in force (1) or not."""
    if not model.list_caps:
        return None
    in_force = _in_force(entries, today)
    metrics = {
        f"on_{kind}": ibis.ifelse(in_force & (entries.kind == kind), 1, 0).max()
        for kind in model.list_caps
    }
    return entries.group_by("subject_id").aggregate(**metrics)


def _band_rank(model: ModelIn, score: ir.IntegerValue) -> ir.IntegerValue:
    """The rank (A=4 … D=1) of the band ``score`` falls in: [min, max)."""
    branches = []
    for band in model.bands:
        condition: ir.BooleanValue = ibis.literal(True)
        if band.min is not None:
            condition = condition & (score >= cents(band.min))
        if band.max is not None:
            condition = condition & (score < cents(band.max))
        branches.append((condition, GRADE_RANK[band.grade]))
    return ibis.cases(*branches).cast("int64")


def _capped(
    model: ModelIn, result: ir.Table, band: ir.IntegerValue
) -> tuple[ir.IntegerValue, ir.StringValue]:
    """The band's rank lowered to each cap in force; ``capped_by``: the kind of the lowest
    cap that lowered it (black before watch), else null."""
    caps = sorted(model.list_caps.items(), key=lambda kc: GRADE_RANK[kc[1]])
    capped = band
    branches = []
    for kind, grade in caps:
        on = result[f"on_{kind}"].fill_null(0) == 1
        capped = ibis.ifelse(on, ibis.least(capped, GRADE_RANK[grade]), capped)
        branches.append((on & (band > GRADE_RANK[grade]), kind))
    by = ibis.cases(*branches, else_=ibis.null("string")) if branches else ibis.null("string")
    return capped.cast("int64"), by.cast("string")


def _grade_of(rank: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases(*((rank == r, g.value) for g, r in GRADE_RANK.items())).cast("string")


# --- 4. fields -------------------------------------------------------------------------------


def field_grades(inputs: Inputs, model: ModelIn, today: date, public: ir.Table) -> ir.Table | None:
    """Per subject and field of supervision: the latest counted industry evaluation of that
    field (by its day, then its id), its label mapped to A–D, combined with the subject's
    public grade (``public``: subject_id, grade_rank — :func:`scores`)."""
    industry = model.industry
    if industry is None:
        return None
    records = inputs.records
    label = records[f"f_{industry.field_field}"]
    grade_label = records[f"f_{industry.grade_field}"]
    matched = (records.item_code == industry.item) & _counted(records, model, today)
    if industry.valid_to_field is not None:
        valid_to = records[f"d_{industry.valid_to_field}"]
        matched = matched & (valid_to.isnull() | (valid_to >= ibis.literal(today)))
    field = ibis.cases(
        *((label == f.label, f.field) for f in industry.fields), else_=ibis.null("string")
    )
    rank = ibis.cases(
        *(
            ((label == f.label) & (grade_label == text), GRADE_RANK[grade])
            for f in industry.fields
            for text, grade in f.grades.items()
        ),
        else_=ibis.null("int64"),
    )
    day = ibis.coalesce(records.determined_on, records.received_on)
    rows = records.filter(matched.fill_null(False)).select(
        "subject_id",
        "record_id",
        field=field.cast("string"),
        industry_label=grade_label,
        industry_rank=rank.cast("int64"),
        day=day,
    )
    rows = rows.filter(rows.industry_rank.notnull())
    order = ibis.row_number().over(
        group_by=[rows.subject_id, rows.field],
        order_by=[ibis.desc(rows.day), ibis.desc(rows.record_id)],
    )
    latest = rows.mutate(n=order).filter(lambda t: t.n == 0)
    joined = latest.join(public.select("subject_id", public_rank="grade_rank"), "subject_id")
    public_rank = joined.public_rank
    combine = industry.combine
    if combine.rule == "lower":
        combined = ibis.least(public_rank, joined.industry_rank)
    else:
        # Halfway between two grades takes the lower one: ceil(x − ½) in hundredths.
        blend = public_rank * combine.public_percent + joined.industry_rank * (
            100 - combine.public_percent
        )
        combined = (blend + 49) // 100
    return joined.select(
        "subject_id",
        "field",
        "industry_label",
        industry_grade=_grade_of(joined.industry_rank),
        public_grade=_grade_of(public_rank),
        combined_grade=_grade_of(combined.cast("int64")),
        source_record_id=joined.record_id,
    )
