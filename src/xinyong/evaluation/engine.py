"""The scoring, expressed once with Ibis and run on DuckDB (here) or on Spark (a province
that outgrows one machine): docs/adr/0016-evaluation-one-expression-two-engines.md.

It is a columnar batch job over the input tables (evaluation/extract.py), never a loop over
subjects:

1. **Rows.** Each row of a source — a record, a list entry, a commitment, a declaration —
   gets, for every indicator it feeds, its *units*: the indicator's points for it in
   hundredths (cents) times the percent its decay leaves (0–100), so ten-thousandths of a
   point, an integer; null where it does not feed that indicator.
2. **Indicators.** Per subject, the units of each indicator are summed and its rows counted;
   the rule gives its points in cents: per record, the sum bounded by the indicator's
   ``min_points``/``max_points`` and rounded half away from zero to the cent; per count, the
   points of the highest step reached.
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
import ibis.expr.types as ir

from xinyong.catalog.schemas import ItemSpec
from xinyong.evaluation.extract import FieldNeed, Needs
from xinyong.evaluation.rules import GRADE_RANK
from xinyong.evaluation.schemas import (
    CommitmentsSource,
    DeclarationsSource,
    Indicator,
    ListEntriesSource,
    ModelIn,
    PerCountRule,
    PerRecordRule,
    RecordsSource,
    RectificationSource,
    RegistrationRule,
    RegistrationSource,
)
from xinyong.records.rules import add_years

# The row tables and the id each row is explained by.
ROW_IDS = {
    "records": "record_id",
    "entries": "entry_id",
    "commitments": "commitment_id",
    "declarations": "declaration_id",
}
# How an explanation names each table's rows (schemas.ContributionOut.source).
ROW_SOURCES = {
    "records": "record",
    "entries": "list_entry",
    "commitments": "commitment",
    "declarations": "declaration",
}


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
                for name in ("subjects", *ROW_IDS)
            )
        )


def cents(points: Decimal) -> int:
    """Points (two decimals at most, schemas.Points) in hundredths."""
    return int(points * 100)


# --- what a model reads ----------------------------------------------------------------------


def needs(model: ModelIn, items: Mapping[str, ItemSpec]) -> Needs:
    """The items and fields ``model`` reads from the archive, typed by the catalog."""
    wanted_items: set[str] = set()
    wanted: dict[str, set[str]] = {}

    def field(item: str, name: str | None) -> None:
        if name is not None:
            wanted.setdefault(name, set()).add(item)

    repaired = False
    for _dimension, indicator in model.indicators():
        source, rule = indicator.source, indicator.rule
        if isinstance(source, RecordsSource):
            wanted_items.update(source.items)
            for item in source.items:
                field(item, source.where.field if source.where else None)
                field(item, source.date_field)
                if isinstance(rule, PerRecordRule):
                    field(item, rule.points.by_field)
        elif isinstance(source, RegistrationSource):
            wanted_items.add(source.item)
            field(source.item, source.established_field)
            field(source.item, source.where.field if source.where else None)
            if isinstance(rule, RegistrationRule):
                for name in rule.complete_fields:
                    field(source.item, name)
        elif isinstance(source, RectificationSource):
            repaired = repaired or "repaired_records" in source.of
    if model.industry is not None:
        industry = model.industry
        wanted_items.add(industry.item)
        for wanted_field in (industry.field_field, industry.grade_field, industry.valid_to_field):
            field(industry.item, wanted_field)
    fields = []
    for name in sorted(wanted):
        of = tuple(sorted(wanted[name]))
        is_date = any(
            f.name == name and f.type == "date"
            for code in of
            if code in items
            for f in items[code].fields
        )
        fields.append(FieldNeed(name=name, items=of, is_date=is_date))
    return Needs(
        applies_to=model.applies_to,
        items=tuple(sorted(wanted_items)),
        fields=tuple(fields),
        repaired=repaired,
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
    model excludes it (art. 32)."""
    expired = (
        (records.standing == "active")
        & records.expires_on.notnull()
        & (records.expires_on <= ibis.literal(today)).fill_null(False)
    )
    standing = ibis.ifelse(expired, "expired", records.standing)
    counted = standing.isin(list(model.counting.standings))
    if model.counting.under_objection == "exclude":
        counted = counted & ~records.under_objection
    return counted


def _points(rule: PerRecordRule, table: ir.Table) -> ir.IntegerValue:
    points = rule.points
    if points.each is not None:
        return ibis.literal(cents(points.each), "int64")
    if points.by_severity is not None:
        branches = [(table.severity == s, cents(p)) for s, p in points.by_severity.items()]
        return ibis.cases(*branches, else_=0).cast("int64")
    assert points.by_field is not None and points.values is not None  # schemas.PointsEach
    column = table[f"f_{points.by_field}"]
    branches = [(column == value, cents(p)) for value, p in points.values.items()]
    if not branches:
        return ibis.literal(cents(points.other), "int64")
    return ibis.cases(*branches, else_=cents(points.other)).cast("int64")


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
        total = expires_on.delta(day, unit="day")
        remaining = expires_on.delta(ibis.literal(today), unit="day")
        share = (remaining * 100) // total
        bounded = ibis.greatest(decay.floor_percent, ibis.least(100, share))
        return ibis.ifelse(expires_on.isnull() | (total <= 0), 100, bounded).cast("int64")
    return ibis.literal(100, "int64")


def _filtered(table: ir.Table, where: Any) -> ir.BooleanValue:
    if where is None:
        return ibis.literal(True)
    return table[f"f_{where.field}"].isin(list(where.values)).fill_null(False)


def _record_units(
    records: ir.Table, indicator: Indicator, model: ModelIn, today: date
) -> ir.IntegerValue | None:
    source, rule = indicator.source, indicator.rule
    counted = _counted(records, model, today)
    day = ibis.coalesce(records.determined_on, records.received_on)
    if isinstance(source, RecordsSource):
        matched = (
            records.item_code.isin(list(source.items)) & counted & _filtered(records, source.where)
        )
        if source.severities is not None:
            matched = matched & records.severity.isin(list(source.severities)).fill_null(False)
        if source.date_field is not None:
            day = ibis.coalesce(records[f"d_{source.date_field}"], day)
    elif isinstance(source, RegistrationSource):
        matched = (records.item_code == source.item) & counted & _filtered(records, source.where)
        assert isinstance(rule, RegistrationRule)  # evaluation/rules.py rule_fits
        return ibis.ifelse(matched, _registration_units(records, source, rule, today), ibis.null())
    elif isinstance(source, RectificationSource) and "repaired_records" in source.of:
        matched = records.standing == "repaired"
    else:
        return None
    return _units(matched, rule, records, day, records.expires_on, today)


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
            (
                ibis.ifelse(records[f"f_{name}"].notnull() & (records[f"f_{name}"] != ""), 1, 0)
                for name in rule.complete_fields
            ),
            ibis.literal(0, "int64"),
        )
        share = (filled * 100) // len(rule.complete_fields)
        units = units + cents(rule.complete_points) * share
    return units.cast("int64")


def _units(
    matched: ir.BooleanValue,
    rule: Any,
    table: ir.Table,
    day: ir.DateValue,
    expires_on: ir.DateValue | None,
    today: date,
) -> ir.IntegerValue:
    if isinstance(rule, PerCountRule):
        value: ir.IntegerValue = ibis.literal(0, "int64")
    else:
        value = _points(rule, table) * _percent(rule, day, expires_on, today)
    return ibis.ifelse(matched.fill_null(False), value, ibis.null()).cast("int64")


def _entry_units(entries: ir.Table, indicator: Indicator, today: date) -> ir.IntegerValue | None:
    source = indicator.source
    day = entries.confirmed_on
    if isinstance(source, ListEntriesSource):
        matched = _in_force(entries, today) & entries.kind.isin(list(source.list_kinds))
        if source.lists is not None:
            matched = matched & entries.list_code.isin(list(source.lists))
    elif isinstance(source, RectificationSource) and "rectified_entries" in source.of:
        matched = entries.rectified
    else:
        return None
    return _units(matched, indicator.rule, entries, day, None, today)


def _commitment_units(
    commitments: ir.Table, indicator: Indicator, today: date
) -> ir.IntegerValue | None:
    source = indicator.source
    if not isinstance(source, CommitmentsSource):
        return None
    matched = commitments.state.isin(list(source.states))
    if source.types is not None:
        matched = matched & commitments.type.isin(list(source.types))
    day = ibis.coalesce(commitments.closed_on, commitments.signed_on)
    return _units(matched, indicator.rule, commitments, day, None, today)


def _declaration_units(
    declarations: ir.Table, indicator: Indicator, today: date
) -> ir.IntegerValue | None:
    source = indicator.source
    if not isinstance(source, DeclarationsSource):
        return None
    matched = declarations.state == "verified"
    if source.categories is not None:
        matched = matched & declarations.category.isin(list(source.categories))
    return _units(matched, indicator.rule, declarations, declarations.verified_on, None, today)


def row_units(inputs: Inputs, model: ModelIn, today: date) -> dict[str, ir.Table]:
    """Per row table, its rows with ``u_<indicator>`` for every indicator they may feed
    (null where a row does not feed it): the explanation's rows, and what step 2 sums."""
    tables: dict[str, ir.Table] = {}
    for name, id_column in ROW_IDS.items():
        table = inputs.table(name)
        columns: dict[str, ir.Value] = {}
        for _dimension, indicator in model.indicators():
            if name == "records":
                units = _record_units(table, indicator, model, today)
            elif name == "entries":
                units = _entry_units(table, indicator, today)
            elif name == "commitments":
                units = _commitment_units(table, indicator, today)
            else:
                units = _declaration_units(table, indicator, today)
            if units is not None:
                columns[f"u_{indicator.code}"] = units
        if columns:
            tables[name] = table.select(table.subject_id, table[id_column], **columns)
    return tables


# --- 2. indicators and 3. score --------------------------------------------------------------


def _round_cents(units: ir.IntegerValue) -> ir.IntegerValue:
    """Ten-thousandths of a point to hundredths, half away from zero."""
    up = (units + 50) // 100
    down = -((-units + 50) // 100)
    return ibis.ifelse(units >= 0, up, down).cast("int64")


def _indicator_cents(
    indicator: Indicator, units: ir.IntegerValue, count: ir.IntegerValue
) -> ir.IntegerValue:
    rule = indicator.rule
    if isinstance(rule, PerCountRule):
        branches = [(count >= s.min_count, cents(s.points)) for s in rule.steps]
        return ibis.cases(*branches, else_=0).cast("int64")
    bounded = units
    if indicator.min_points is not None:
        bounded = ibis.greatest(bounded, cents(indicator.min_points) * 100)
    if indicator.max_points is not None:
        bounded = ibis.least(bounded, cents(indicator.max_points) * 100)
    return _round_cents(bounded)


def scores(
    inputs: Inputs, model: ModelIn, today: date, *, rows: Mapping[str, ir.Table] | None = None
) -> ir.Table:
    """Per subject of ``inputs.subjects``: ``score_cents``, ``band`` (the grade its score
    gives), ``grade`` (after the lists' caps), ``capped_by``, and ``p_<indicator>`` (cents).
    ``rows``: :func:`row_units` of the same inputs, already computed (an explanation keeps
    them)."""
    if rows is None:
        rows = row_units(inputs, model, today)
    result = inputs.subjects.select("subject_id")
    indicators = [i for _d, i in model.indicators()]
    sums: dict[str, list[str]] = {i.code: [] for i in indicators}
    for name, table in rows.items():
        codes = [c.removeprefix("u_") for c in table.columns if c.startswith("u_")]
        metrics: dict[str, ir.Value] = {}
        for code in codes:
            metrics[f"{name}_u_{code}"] = table[f"u_{code}"].sum()
            metrics[f"{name}_n_{code}"] = table[f"u_{code}"].count()
        agg = table.group_by("subject_id").aggregate(**metrics)
        result = _left(result, agg)
        for code in codes:
            sums[code].append(name)
    caps = _list_flags(inputs.entries, model, today)
    if caps is not None:
        result = _left(result, caps)
    points: dict[str, ir.IntegerValue] = {}
    for indicator in indicators:
        code, zero = indicator.code, ibis.literal(0, "int64")
        units = sum((result[f"{t}_u_{code}"].fill_null(0) for t in sums[code]), zero)
        count = sum((result[f"{t}_n_{code}"].fill_null(0) for t in sums[code]), zero)
        points[f"p_{indicator.code}"] = _indicator_cents(indicator, units, count)
    result = result.select("subject_id", *caps_columns(model), **points)
    score = sum((result[p] for p in points), ibis.literal(cents(model.base), "int64"))
    result = result.mutate(score_cents=score.cast("int64"))
    band = _band_rank(model, result.score_cents)
    capped, capped_by = _capped(model, result, band)
    return result.select(
        "subject_id",
        "score_cents",
        band=_grade_of(band),
        grade=_grade_of(capped),
        capped_by=capped_by,
        **{p: result[p] for p in points},
    )


def _left(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, "subject_id")
    return joined.select(*(c for c in joined.columns if c != "subject_id_right"))


def caps_columns(model: ModelIn) -> list[str]:
    return [f"on_{kind}" for kind in model.list_caps]


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


def _rank_of(grade: ir.StringValue) -> ir.IntegerValue:
    return ibis.cases(*((grade == g.value, r) for g, r in GRADE_RANK.items())).cast("int64")


# --- 4. fields -------------------------------------------------------------------------------


def field_grades(inputs: Inputs, model: ModelIn, today: date, public: ir.Table) -> ir.Table | None:
    """Per subject and field of supervision: the latest counted industry evaluation of that
    field (by its day, then its id), its label mapped to A–D, combined with the subject's
    public grade (``public``: subject_id, grade)."""
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
    joined = latest.join(public.select("subject_id", public_grade="grade"), "subject_id")
    public_rank = _rank_of(joined.public_grade)
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
        public_grade=joined.public_grade,
        combined_grade=_grade_of(combined.cast("int64")),
        source_record_id=joined.record_id,
    )
