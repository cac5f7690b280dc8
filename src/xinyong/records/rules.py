"""Pure rules of collection (Measures art. 14–17, 30): one incoming row in, a prepared row or
its errors out. No database here; callers pass the compiled catalog, the caller's sector,
today's date, the cipher for ID numbers and the validity rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from xinyong.catalog.rules import forbidden_term
from xinyong.catalog.schemas import FieldSpec, ItemSpec
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import (
    IdentifierError,
    mask_id_number,
    validate_credit_code,
    validate_id_number,
)
from xinyong.core.labels import SEVERITY_NAMES
from xinyong.core.text import UNSTORABLE, has_unstorable, normalise_name, shown
from xinyong.models import Category, Severity

SEVERITIES = frozenset(s.value for s in Severity)
CHANNEL_VALUES = ("same_level", "province_unified")
SOURCE_ID_MAX = 100
NAME_MAX = 200
# Keys of a record's ``fields`` read at most: the widest item of the default catalog has 19
# fields; more keys are refused with one error, not one per key (a batch of records each with
# thousands of unknown keys would otherwise answer millions of errors).
FIELDS_MAX = 100
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


class FieldProblem(Exception):
    def __init__(self, code: str, message: str, message_en: str) -> None:
        self.code, self.message, self.message_en = code, message, message_en


Checker = Callable[[Any], Any]


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise FieldProblem("invalid_field", "应为文本", "must be text")


def _unstorable_problem() -> FieldProblem:
    """A value holding a character no stored text may hold (core/text.py: NUL, other
    controls, lone surrogates — in a file, bytes not of its encoding). Only free text is
    searched for them on the way in; a date, number, enum value or code holding one fails its
    own format, and a code's error, which quotes the character, is replaced by this one."""
    return FieldProblem(
        "invalid_field",
        "含有控制字符、NUL 或无法解码的字符",
        "holds a control character, NUL or an undecodable character",
    )


def _string_checker(limit: int) -> Checker:
    def check(value: Any) -> str:
        text = value.strip() if type(value) is str else _as_text(value)
        if not text.isprintable() and UNSTORABLE.search(text):
            raise _unstorable_problem()
        if len(text) > limit:
            raise FieldProblem(
                "invalid_field", f"长度超过 {limit} 个字符", f"longer than {limit} characters"
            )
        return text

    return check


def parse_date(value: Any) -> date:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common case: already YYYY-MM-DD
            return date.fromisoformat(value)
        except ValueError:
            raise FieldProblem("invalid_field", "不是有效日期", "not a real date") from None
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # datetime from Excel
    text = _as_text(value).replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if not _DATE_RE.match(text):
        raise FieldProblem("invalid_field", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldProblem("invalid_field", "不是有效日期", "not a real date") from None


def _date_checker(value: Any) -> str:
    return parse_date(value).isoformat()


def _decimal_checker(value: Any) -> str:
    if isinstance(value, bool):
        raise FieldProblem("invalid_field", "应为数值", "must be a number")
    try:
        number = Decimal((value if type(value) is str else _as_text(value)).replace(",", ""))
    except InvalidOperation:
        raise FieldProblem("invalid_field", "应为数值", "must be a number") from None
    if not number.is_finite():
        raise FieldProblem("invalid_field", "应为有限数值", "must be a finite number")
    return str(number)


def _integer_checker(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _as_text(value)
    if not re.fullmatch(r"[+-]?\d{1,18}", text):
        raise FieldProblem("invalid_field", "应为整数", "must be an integer")
    return int(text)


# A batch names each organisation several times (subject and fields: 430,000 codes, 44,000
# distinct in 200,000 demo records), so valid codes are remembered; pure, so process-wide.
_valid_credit_code = lru_cache(maxsize=1 << 16)(validate_credit_code)


def _credit_code_checker(value: Any) -> str:
    text = value if type(value) is str else _as_text(value)
    try:
        return _valid_credit_code(text)
    except IdentifierError as exc:
        if has_unstorable(text):
            raise _unstorable_problem() from None
        raise FieldProblem("invalid_credit_code", exc.message, exc.message_en) from None


def _enum_checker(values: list[str]) -> Checker:
    allowed = frozenset(values)
    shown = "、".join(values)

    def check(value: Any) -> str:
        text = value.strip() if type(value) is str else _as_text(value)
        if text not in allowed:
            raise FieldProblem("invalid_field", f"应为：{shown}", f"must be one of: {shown}")
        return text

    return check


@dataclass(frozen=True)
class CompiledField:
    name: str
    label: str
    type: str
    required: bool
    check: Checker | None  # None for id_number: handled with the cipher


def _compile_field(spec: FieldSpec) -> CompiledField:
    check: Checker | None
    if spec.type == "string":
        check = _string_checker(spec.max_length or 200)
    elif spec.type == "text":
        check = _string_checker(spec.max_length or 4000)
    elif spec.type == "date":
        check = _date_checker
    elif spec.type == "decimal":
        check = _decimal_checker
    elif spec.type == "integer":
        check = _integer_checker
    elif spec.type == "credit_code":
        check = _credit_code_checker
    elif spec.type == "enum":
        check = _enum_checker(spec.values or [])
    else:
        check = None
    return CompiledField(spec.name, spec.label, spec.type, spec.required, check)


@dataclass(frozen=True)
class CompiledItem:
    id: int
    version: int
    spec: ItemSpec
    fields: dict[str, CompiledField]
    lookup: dict[str, CompiledField]  # by field name and by Chinese label (file headers)
    required: tuple[str, ...]
    negative: bool
    allows_organisation: bool
    allows_person: bool
    sources: frozenset[str]


def compile_item(item_id: int, version: int, spec: ItemSpec) -> CompiledItem:
    fields = {f.name: _compile_field(f) for f in spec.fields}
    return CompiledItem(
        id=item_id,
        version=version,
        spec=spec,
        fields=fields,
        lookup={**{f.label: f for f in fields.values()}, **fields},
        required=tuple(f.name for f in fields.values() if f.required),
        negative=spec.category == Category.negative,
        allows_organisation="organisation" in spec.subject_types,
        allows_person="person" in spec.subject_types,
        sources=frozenset(spec.sources),
    )


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
        self._forms: dict[str, tuple[str, str, str, str]] = {}

    def forms(self, raw: str) -> tuple[str, str, str, str]:
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


def person_ref(forms: tuple[str, str, str, str], name: str, role: str | None = None) -> PersonRef:
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


def _err(errors: list[dict], fld: str | None, code: str, message: str, message_en: str) -> None:
    errors.append({"field": fld, "code": code, "message": message, "message_en": message_en})


def _unstorable(errors: list[dict], fld: str, label: str) -> None:
    problem = _unstorable_problem()
    _err(errors, fld, problem.code, label + problem.message, f"{fld} {problem.message_en}")


def _determined_on(raw: dict, errors: list[dict], today: date, *, required: bool) -> date | None:
    """The day the failure was determined (Measures art. 30: validity counts from it), never
    after today; required of negative records."""
    raw_day = raw.get("determined_on")
    if raw_day in (None, ""):
        if required:
            _err(
                errors,
                "determined_on",
                "missing_field",
                "负面信息须给出认定日期（办法第三十条）",
                "a negative record needs determined_on (Measures art. 30)",
            )
        return None
    try:
        day = parse_date(raw_day)
    except FieldProblem as exc:
        _err(errors, "determined_on", exc.code, exc.message, exc.message_en)
        return None
    if day > today:
        _err(
            errors,
            "determined_on",
            "future_date",
            "认定日期晚于今天",
            "determined_on is in the future",
        )
        return None
    return day


def _validity_months(
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
        _err(
            errors,
            "severity",
            "severity_not_graded",
            "没有适用的有效期规则（办法第三十条）",
            "no validity rule applies (Measures art. 30)",
        )
        return None
    since = rule.effective_from.isoformat()
    graded = [s for s in SEVERITY_NAMES if s in rule.months]
    _err(
        errors,
        "severity",
        "severity_not_graded",
        f"{since} 起施行的有效期规则未规定{SEVERITY_NAMES[severity]}的有效期"
        f"（该规则规定：{'、'.join(SEVERITY_NAMES[s] for s in graded)}）",
        f"the validity rule in force from {since} sets no period for {severity} failures "
        f"(it grades {', '.join(graded)})",
    )
    return None


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
    ``invalid_field`` of its own field, checked before anything quotes it back.
    """
    errors: list[dict] = []
    if not isinstance(raw, dict):
        _err(errors, None, "invalid_record", "记录应为对象", "a record must be an object")
        return errors
    code = raw.get("item")
    item = items.get(code) if isinstance(code, str) else None
    if item is None:
        _err(
            errors,
            "item",
            "unknown_item",
            f"目录中没有信息项 {code!r}（按目录归集，办法第八条）",
            f"item {code!r} is not in the published catalog (Measures art. 8)",
        )
        return errors
    if provider_kind not in item.sources:
        # Measures art. 16: a provider answers for what it provides, within its own duties.
        _err(
            errors,
            "item",
            "not_item_source",
            f"本单位不是信息项“{item.spec.name}”的数据来源单位",
            f"your department is not a source of item {item.spec.code}",
        )
        return errors

    source_id = raw.get("source_id")
    if not isinstance(source_id, str) or not source_id.strip():
        _err(
            errors,
            "source_id",
            "missing_field",
            "缺少来源记录编号 source_id",
            "source_id is required",
        )
        source_id = ""
    elif has_unstorable(source_id):
        _unstorable(errors, "source_id", "source_id ")
        source_id = ""
    elif len(source_id) > SOURCE_ID_MAX:
        _err(
            errors,
            "source_id",
            "invalid_field",
            f"source_id 超过 {SOURCE_ID_MAX} 个字符",
            f"source_id is longer than {SOURCE_ID_MAX} characters",
        )

    credit_code: str | None = None
    person: PersonRef | None = None
    name = ""
    subject = raw.get("subject")
    if not isinstance(subject, dict):
        _err(errors, "subject", "missing_field", "缺少信息主体", "subject is required")
    else:
        raw_code, raw_id = subject.get("credit_code"), subject.get("id_number")
        raw_name = subject.get("name")
        if not isinstance(raw_name, str) or not raw_name.strip():
            _err(
                errors, "subject.name", "missing_field", "缺少主体名称", "subject.name is required"
            )
        elif has_unstorable(raw_name):
            _unstorable(errors, "subject.name", "主体名称")
        else:
            # Stored as the portal searches it (core/text.py, issue 12 L2): invisible and
            # direction-control characters would make the subject unfindable by its name.
            name = normalise_name(raw_name)
            if not name:
                _err(
                    errors,
                    "subject.name",
                    "invalid_name",
                    "主体名称只含不可见字符",
                    "subject.name holds only invisible characters",
                )
            elif len(name) > NAME_MAX:
                _err(errors, "subject.name", "invalid_field", "名称过长", "name is too long")
        if bool(raw_code) == bool(raw_id):
            _err(
                errors,
                "subject",
                "invalid_subject",
                "主体须且只须给出统一社会信用代码或身份证号码之一",
                "give exactly one of subject.credit_code and subject.id_number",
            )
        elif raw_code:
            try:
                credit_code = _valid_credit_code(
                    raw_code if type(raw_code) is str else str(raw_code)
                )
            except IdentifierError as exc:
                if isinstance(raw_code, str) and has_unstorable(raw_code):
                    _unstorable(errors, "subject.credit_code", "统一社会信用代码")
                else:
                    _err(errors, "subject.credit_code", exc.code, exc.message, exc.message_en)
            else:
                if not item.allows_organisation:
                    _err(
                        errors,
                        "subject",
                        "invalid_subject",
                        f"信息项“{item.spec.name}”只适用于自然人",
                        f"item {item.spec.code} applies to natural persons only",
                    )
        else:
            try:
                forms = id_numbers.forms(raw_id if type(raw_id) is str else str(raw_id))
            except IdentifierError as exc:
                if isinstance(raw_id, str) and has_unstorable(raw_id):
                    _unstorable(errors, "subject.id_number", "身份证号码")
                else:
                    _err(errors, "subject.id_number", exc.code, exc.message, exc.message_en)
            else:
                person = person_ref(forms, name)
                if not item.allows_person:
                    _err(
                        errors,
                        "subject",
                        "invalid_subject",
                        f"信息项“{item.spec.name}”只适用于法人和其他组织",
                        f"item {item.spec.code} applies to organisations only",
                    )

    clean: dict[str, Any] = {}
    protected: dict[str, str] = {}
    clear_ids: dict[str, tuple[str, str, str, str]] = {}
    raw_fields = raw.get("fields")
    if raw_fields is None:
        raw_fields = {}
    if not isinstance(raw_fields, dict):
        _err(errors, "fields", "invalid_field", "fields 应为对象", "fields must be an object")
        raw_fields = {}
    elif len(raw_fields) > FIELDS_MAX:
        _err(
            errors,
            "fields",
            "invalid_field",
            f"字段超过 {FIELDS_MAX} 个",
            f"fields holds more than {FIELDS_MAX} keys",
        )
        return errors
    lookup = item.lookup
    for key, value in raw_fields.items():
        spec = lookup.get(key)
        if spec is None:
            key = shown(str(key))  # quoted back in the answer, which is stored too
            term = forbidden_term(key)
            if term:
                _err(
                    errors,
                    f"fields.{key}",
                    "forbidden_field",
                    f"禁止归集的信息：{key}（办法第十四条）",
                    f"{key} is data that may not be collected (Measures art. 14)",
                )
            else:
                _err(
                    errors,
                    f"fields.{key}",
                    "unknown_field",
                    f"目录中信息项没有字段 {key}",
                    f"the item has no field {key}",
                )
            continue
        if value is None or value == "":
            continue
        name_key = spec.name
        try:
            if spec.check is None:  # id_number: encrypted at rest, masked for display
                forms = id_numbers.forms(_as_text(value))
                clean[name_key] = forms[3]
                protected[name_key] = forms[2]
                clear_ids[name_key] = forms
            else:
                checked = spec.check(value)
                if checked != "":  # blank after trimming: as if not given
                    clean[name_key] = checked
        except FieldProblem as exc:
            _err(
                errors,
                f"fields.{name_key}",
                exc.code,
                f"{spec.label}：{exc.message}",
                f"{name_key}: {exc.message_en}",
            )
        except IdentifierError as exc:  # an ID number
            if type(value) is str and has_unstorable(value):
                _unstorable(errors, f"fields.{name_key}", f"{spec.label}：")
                continue
            _err(
                errors,
                f"fields.{name_key}",
                exc.code,
                f"{spec.label}：{exc.message}",
                f"{name_key}: {exc.message_en}",
            )
    for required in item.required:
        if required in clean:
            continue
        spec = item.fields[required]
        if not any(e["field"] == f"fields.{spec.name}" for e in errors):
            _err(
                errors,
                f"fields.{spec.name}",
                "missing_field",
                f"缺少必填字段：{spec.label}",
                f"required field {spec.name} is missing",
            )
    decision_field = item.spec.decision_date_field
    if decision_field and decision_field in clean and clean[decision_field] > today.isoformat():
        _err(
            errors,
            f"fields.{decision_field}",
            "future_date",
            "决定日期晚于今天",
            "the decision date is in the future",
        )

    severity = raw.get("severity")
    expiry: date | None = None
    if item.negative:
        # Measures art. 15: a provider marks each failure with its severity.
        if severity in (None, ""):
            _err(
                errors,
                "severity",
                "missing_severity",
                "负面信息须标明失信程度（办法第十五条）",
                "a negative record must state its severity (Measures art. 15)",
            )
        elif severity not in SEVERITIES:
            _err(
                errors,
                "severity",
                "invalid_field",
                "失信程度应为 minor、general、serious 或 severe",
                "severity must be minor, general, serious or severe",
            )
        determined_on = _determined_on(raw, errors, today, required=True)
        if determined_on is not None and severity in SEVERITIES:
            months = _validity_months(item.spec, severity, determined_on, validity, errors)
            if months is not None:
                expiry = expires_on(determined_on, months)
    else:
        if severity not in (None, ""):
            _err(
                errors,
                "severity",
                "invalid_field",
                "只有负面信息标明失信程度",
                "only negative records carry a severity",
            )
        severity = None
        determined_on = _determined_on(raw, errors, today, required=False)

    links: list[PersonRef] = []
    for link in item.spec.links:
        linked = clear_ids.get(link.id_field)
        if linked:
            given = clean.get(link.name_field)
            if not given:
                label = item.fields[link.name_field].label
                _err(
                    errors,
                    f"fields.{link.name_field}",
                    "missing_field",
                    f"给出身份证号码的关联人须同时给出姓名：{label}",
                    f"{link.name_field} is required with {link.id_field}",
                )
                continue
            # The linked person's name becomes a subject's name: normalised as one.
            person_name = normalise_name(given)
            if not person_name:
                _err(
                    errors,
                    f"fields.{link.name_field}",
                    "invalid_name",
                    f"{item.fields[link.name_field].label}只含不可见字符",
                    f"{link.name_field} holds only invisible characters",
                )
                continue
            links.append(person_ref(linked, person_name, link.role))
    if errors:
        return errors
    return PreparedRow(
        index=index,
        item=item.spec.code,
        source_id=source_id.strip(),
        credit_code=credit_code,
        person=person,
        name=name,
        fields_json=orjson.dumps(clean).decode(),
        protected_json=orjson.dumps(protected).decode() if protected else None,
        severity=severity,
        determined_on=None if determined_on is None else determined_on.isoformat(),
        expires_on=None if expiry is None else expiry.isoformat(),
        links=links,
    )
