"""Pure rules of collection (Measures art. 14–17, 30): one incoming row in, a prepared row or
its errors out. No database here; callers pass the compiled catalog, the caller's sector,
today's date, the cipher for ID numbers and the validity rules. The checks of a row's parts
are in records/checkers.py; the rules of its dates, severity and validity are here, and
:func:`prepare_row` composes them all.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import orjson

from xinyong.catalog.schemas import ItemSpec
from xinyong.core.citations import cite, cite_en
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import mask_id_number, validate_id_number
from xinyong.core.labels import SEVERITY_NAMES
from xinyong.models import Severity
from xinyong.records.checkers import (
    CompiledItem,
    FieldProblem,
    IdForms,
    add_error,
    check_fields,
    check_item,
    check_links,
    check_required_fields,
    check_source_id,
    check_subject_key,
    check_subject_name,
    parse_date,
)

SEVERITIES = frozenset(s.value for s in Severity)


class Rule(NamedTuple):
    """A validity rule (models ValidityRule, validity/service.py) as collection uses it: the
    periods in months by severity for failures determined on or after ``effective_from``, for
    one item or (``item_code`` None) for all."""

    id: int
    effective_from: date
    item_code: str | None
    months: dict[str, int]


class ValidityRules:
    """The validity rules with their effective dates (Measures art. 30), read once per batch
    (records/service.py) and sent to validation workers as they are (pickled by their rules).

    The rule in force for a failure determined on day D, for item I: the latest rule with
    ``effective_from`` <= D among the general rules and the rules of item I; on the same date
    the item's own rule is preferred. A later general rule therefore supersedes an earlier
    item rule. Before the first rule in force, the earliest general rule (docs/workflows/
    validity.md)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        # Sorted so that on one date the item's rule comes after the general one: bisecting
        # then finds it.
        self.rules = tuple(sorted(rules, key=lambda r: (r.effective_from, r.item_code or "", r.id)))
        general = [r for r in self.rules if r.item_code is None]
        self._earliest = general[0] if general else None
        self._general = ([r.effective_from for r in general], general)
        self._by_item: dict[str, tuple[list[date], list[Rule]]] = {}
        for code in {r.item_code for r in self.rules if r.item_code is not None}:
            own = [r for r in self.rules if r.item_code in (None, code)]
            self._by_item[code] = ([r.effective_from for r in own], own)

    def __reduce__(self) -> tuple:
        return (ValidityRules, (self.rules,))

    def rule_for(self, item_code: str, determined_on: date) -> Rule | None:
        days, rules = self._by_item.get(item_code) or self._general
        index = bisect_right(days, determined_on)
        return rules[index - 1] if index else self._earliest


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the end of a shorter month (2024-01-31 + 1
    month is 2024-02-29; 2024-02-29 + 12 months is 2025-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def expires_on(determined_on: date, months: int) -> date:
    """The first day on which the record no longer counts: validity runs ``months`` from the
    day of determination (Measures art. 30), so a record determined 2025-03-01 with 12 months
    counts through 2026-02-28 and is expired from 2026-03-01."""
    return add_months(determined_on, months)


class PersonRef(NamedTuple):
    """A natural person named by a record — its subject, or a linked legal representative —
    carried in the form in which it is stored: lookup hash, ciphertext and masked number.
    A tuple, so that it crosses from a validation worker to the main process as cheaply as a
    tuple does (records/pipeline.py)."""

    id_hash: str
    id_cipher: str
    id_masked: str
    region_code: str
    name: str
    role: str | None = None


# A PersonRef as a staged row carries it (records/writers.py): a plain tuple in its order; a
# linked person's always names its role.
PersonTuple = tuple[str, str, str, str, str, str | None]
LinkTuple = tuple[str, str, str, str, str, str]


class BatchIdNumbers:
    """What a batch stores for each ID number it names (docs/adr/0004): the lookup hash
    (HMAC), the ciphertext (AES-GCM, random nonce) and the masked form — made once per distinct
    number in the batch and reused by every record of the batch that names it (a person is
    named by 3 records of a batch on average). Use one per batch, never across batches: equal
    ciphertexts then only show what the lookup hash already shows, that two records of one
    batch name the same person."""

    LIMIT = 200_000  # distinct numbers remembered; beyond that, start afresh

    def __init__(self, cipher: IdCipher, today: date) -> None:
        self.cipher, self.today = cipher, today
        self._forms: dict[str, IdForms] = {}

    def forms(self, raw: str) -> IdForms:
        """(number, lookup hash, ciphertext, masked) of a raw ID number; raises
        IdentifierError as ``validate_id_number`` does."""
        forms = self._forms.get(raw)
        if forms is None:
            number = validate_id_number(raw, today=self.today)
            forms = self._forms.get(number)
            if forms is None:
                cipher = self.cipher
                forms = (
                    number,
                    cipher.lookup_hash(number),
                    cipher.encrypt(number),
                    mask_id_number(number),
                )
                if len(self._forms) >= self.LIMIT:
                    self._forms.clear()
                self._forms[number] = forms
            self._forms[raw] = forms
        return forms


def person_ref(forms: IdForms, name: str, role: str | None = None) -> PersonRef:
    number, id_hash, id_cipher, id_masked = forms
    return PersonRef(id_hash, id_cipher, id_masked, number[:6], name, role)


@dataclass(slots=True)
class PreparedRow:
    """A valid record ready to store: small, picklable (validation may run in worker
    processes, records/pipeline.py), its JSON already serialised."""

    index: int
    item: str
    source_id: str
    credit_code: str | None
    person: PersonRef | None  # set when the subject is a natural person
    name: str
    fields_json: str
    protected_json: str | None
    severity: str | None
    determined_on: str | None
    expires_on: str | None
    links: list[PersonRef] = field(default_factory=list)


# --- the rules of a row's dates, severity and validity ---------------------------------------


def check_decision_date(
    decision_field: str | None, clean: dict[str, Any], today: date, errors: list[dict]
) -> None:
    """The decision of one of the ten administrative acts, from which its publication is
    timed (000 §（十五）: 自作出行政决定之日起7个工作日内上网公开), is never after today."""
    if decision_field and decision_field in clean and clean[decision_field] > today.isoformat():
        add_error(
            errors,
            f"fields.{decision_field}",
            "future_date",
            "决定日期晚于今天",
            "the decision date is in the future",
        )


def check_severity(severity: Any, negative: bool, errors: list[dict]) -> Any:
    """The severity a provider marks a failure with (Measures art. 15), given for a negative
    record only: the value given (checked, or refused) for one, None for any other."""
    if not negative:
        if severity not in (None, ""):
            add_error(
                errors,
                "severity",
                "invalid_field",
                "只有负面信息标明失信程度",
                "only negative records carry a severity",
            )
        return None
    if severity in (None, ""):
        add_error(
            errors,
            "severity",
            "missing_severity",
            f"负面信息须标明失信程度（{cite('Measures art. 15')}）",
            f"a negative record must state its severity ({cite_en('Measures art. 15')})",
        )
    # A list or an object is no severity, and cannot be looked up in a set either (a 500 before).
    elif not isinstance(severity, str) or severity not in SEVERITIES:
        add_error(
            errors,
            "severity",
            "invalid_field",
            "失信程度应为 minor、general、serious 或 severe",
            "severity must be minor, general, serious or severe",
        )
    return severity


def check_determined_on(
    raw_day: Any, today: date, errors: list[dict], *, required: bool
) -> date | None:
    """The day the failure was determined (Measures art. 30: validity counts from it), never
    after today; required of negative records."""
    if raw_day in (None, ""):
        if required:
            add_error(
                errors,
                "determined_on",
                "missing_field",
                f"负面信息须给出认定日期（{cite('Measures art. 30')}）",
                f"a negative record needs determined_on ({cite_en('Measures art. 30')})",
            )
        return None
    try:
        day = parse_date(raw_day)
    except FieldProblem as exc:
        add_error(errors, "determined_on", exc.code, exc.message, exc.message_en)
        return None
    if day > today:
        add_error(
            errors,
            "determined_on",
            "future_date",
            "认定日期晚于今天",
            "determined_on is in the future",
        )
        return None
    return day


def validity_months(
    item: ItemSpec, severity: str, determined_on: date, validity: ValidityRules, errors: list[dict]
) -> int | None:
    """The record's validity in months: the period law sets for its item (Measures art. 30:
    法律、法规和规章另有规定的除外), else the rule in force on its determination day; a
    severity that rule does not grade has no period, and the record is refused."""
    if item.legal_validity_years:
        return 12 * item.legal_validity_years
    rule = validity.rule_for(item.code, determined_on)
    months = None if rule is None else rule.months.get(severity)
    if months is not None:
        return months
    if rule is None:  # only on a database without its default rule (defaults.py)
        add_error(
            errors,
            "severity",
            "severity_not_graded",
            f"没有适用的有效期规则（{cite('Measures art. 30')}）",
            f"no validity rule applies ({cite_en('Measures art. 30')})",
        )
        return None
    since = rule.effective_from.isoformat()
    graded = [s for s in SEVERITY_NAMES if s in rule.months]
    add_error(
        errors,
        "severity",
        "severity_not_graded",
        f"{since} 起施行的有效期规则未规定{SEVERITY_NAMES[severity]}的有效期"
        f"（该规则规定：{'、'.join(SEVERITY_NAMES[s] for s in graded)}）",
        f"the validity rule in force from {since} sets no period for {severity} failures "
        f"(it grades {', '.join(graded)})",
    )
    return None


def check_validity(
    item: ItemSpec,
    severity: Any,
    determined_on: date | None,
    validity: ValidityRules,
    errors: list[dict],
) -> date | None:
    """The first day a negative record no longer counts (Measures art. 30), once its severity
    and its determination day are valid and a period applies to them."""
    if determined_on is None or not isinstance(severity, str) or severity not in SEVERITIES:
        return None
    months = validity_months(item, severity, determined_on, validity, errors)
    return None if months is None else expires_on(determined_on, months)


def prepare_row(
    index: int,
    raw: Any,
    *,
    items: dict[str, CompiledItem],
    provider_kind: str,
    today: date,
    id_numbers: BatchIdNumbers,
    validity: ValidityRules,
) -> PreparedRow | list[dict]:
    """Validate one incoming record; return it prepared for storage or the list of its errors.
    ``id_numbers`` encrypts and hashes the batch's ID numbers (made with the same ``today``).

    Errors carry stable codes (docs/api.md): invalid_credit_code, invalid_id_number,
    unknown_item, not_item_source, missing_field, invalid_field, unknown_field,
    missing_severity, severity_not_graded, forbidden_field, future_date, invalid_subject,
    invalid_name. A string holding a character no stored text may hold (core/text.py) is an
    ``invalid_field`` of its own field, checked before anything quotes it back. The errors
    come in the order of the checks below.
    """
    errors: list[dict] = []
    if not isinstance(raw, dict):
        add_error(errors, None, "invalid_record", "记录应为对象", "a record must be an object")
        return errors
    item = check_item(raw.get("item"), items, provider_kind, errors)
    if item is None:
        return errors
    source_id = check_source_id(raw.get("source_id"), errors)
    forms = id_numbers.forms
    credit_code: str | None = None
    person_forms: IdForms | None = None
    name = ""
    subject = raw.get("subject")
    if isinstance(subject, dict):
        name = check_subject_name(subject.get("name"), errors)
        credit_code, person_forms = check_subject_key(
            subject.get("credit_code"), subject.get("id_number"), item, forms, errors
        )
    else:
        add_error(errors, "subject", "missing_field", "缺少信息主体", "subject is required")
    fields = check_fields(raw.get("fields"), item, forms, errors)
    if fields is None:
        return errors
    clean, protected, ids = fields
    check_required_fields(item, clean, errors)
    spec = item.spec
    check_decision_date(spec.decision_date_field, clean, today, errors)
    severity = check_severity(raw.get("severity"), item.negative, errors)
    determined_on = check_determined_on(
        raw.get("determined_on"), today, errors, required=item.negative
    )
    expiry = check_validity(spec, severity, determined_on, validity, errors)
    links = check_links(item, clean, ids, errors)
    if errors:
        return errors
    return PreparedRow(
        index=index,
        item=spec.code,
        source_id=source_id,
        credit_code=credit_code,
        person=None if person_forms is None else person_ref(person_forms, name),
        name=name,
        fields_json=orjson.dumps(clean).decode(),
        protected_json=orjson.dumps(protected).decode() if protected else None,
        severity=severity,
        determined_on=None if determined_on is None else determined_on.isoformat(),
        expires_on=None if expiry is None else expiry.isoformat(),
        links=[person_ref(*link) for link in links] if links else [],
    )
