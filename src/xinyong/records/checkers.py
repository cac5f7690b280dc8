"""The checks of one incoming record, part by part (Measures art. 8, 14–17).

What a catalog item's fields are checked against is compiled once per published catalog
version (:func:`compile_item`, catalog/service.py). The row checkers below each read one part
of a row — its item, its source id, its subject, its fields, its linked persons — append that
part's errors to the row's list and return what they made of it; records/rules.prepare_row
composes them, with the rules of dates and validity, in the order the errors are answered.
Pure: no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TypeVar

from xinyong.catalog.rules import forbidden_term
from xinyong.catalog.schemas import FieldSpec, ItemSpec
from xinyong.core.citations import cite, cite_en
from xinyong.core.identifiers import IdentifierError, validate_credit_code
from xinyong.core.text import UNSTORABLE, has_unstorable, normalise_name, shown
from xinyong.models import Category

SOURCE_ID_MAX = 100
NAME_MAX = 200
# Keys of a record's ``fields`` read at most: the widest item of the default catalog has 19
# fields; more keys are refused with one error, not one per key (a batch of records each with
# thousands of unknown keys would otherwise answer millions of errors).
FIELDS_MAX = 100
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The four forms of one ID number: (number, lookup hash, ciphertext, masked) — what
# records/rules.BatchIdNumbers.forms makes of a raw number, raising IdentifierError.
IdForms = tuple[str, str, str, str]
MakeIdForms = Callable[[str], IdForms]
K = TypeVar("K")


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
    if isinstance(value, datetime):  # from Excel
        return value.date()
    if isinstance(value, date):
        return value
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


# --- the errors of a row ---------------------------------------------------------------------


def add_error(
    errors: list[dict], fld: str | None, code: str, message: str, message_en: str
) -> None:
    """One error of a row as the answer carries it (docs/api.md)."""
    errors.append({"field": fld, "code": code, "message": message, "message_en": message_en})


def add_unstorable(errors: list[dict], fld: str, label: str) -> None:
    """The error of a value holding a character no stored text may hold (core/text.py)."""
    problem = _unstorable_problem()
    add_error(errors, fld, problem.code, label + problem.message, f"{fld} {problem.message_en}")


# --- the row, part by part -------------------------------------------------------------------


def check_item(
    code: Any, items: dict[str, CompiledItem], provider_kind: str, errors: list[dict]
) -> CompiledItem | None:
    """The catalog item the row names, if it is published (Measures art. 8: collection by
    catalog only) and the caller's sector is one of its sources (Measures art. 16: a provider
    answers for what it provides, within its own duties)."""
    item = items.get(code) if isinstance(code, str) else None
    if item is None:
        add_error(
            errors,
            "item",
            "unknown_item",
            f"目录中没有信息项 {code!r}（按目录归集，{cite('Measures art. 8')}）",
            f"item {code!r} is not in the published catalog ({cite_en('Measures art. 8')})",
        )
        return None
    if provider_kind not in item.sources:
        add_error(
            errors,
            "item",
            "not_item_source",
            f"本单位不是信息项“{item.spec.name}”的数据来源单位",
            f"your department is not a source of item {item.spec.code}",
        )
        return None
    return item


def check_source_id(source_id: Any, errors: list[dict]) -> str:
    """The provider's own id of the record, trimmed: with the subject, provider and item it is
    the key under which a record that arrives twice is stored once (Measures art. 16;
    records/writers.py DEDUP_KEY)."""
    if not isinstance(source_id, str) or not source_id.strip():
        add_error(
            errors,
            "source_id",
            "missing_field",
            "缺少来源记录编号 source_id",
            "source_id is required",
        )
        return ""
    if has_unstorable(source_id):
        add_unstorable(errors, "source_id", "source_id ")
        return ""
    if len(source_id) > SOURCE_ID_MAX:
        add_error(
            errors,
            "source_id",
            "invalid_field",
            f"source_id 超过 {SOURCE_ID_MAX} 个字符",
            f"source_id is longer than {SOURCE_ID_MAX} characters",
        )
    return source_id.strip()


def check_subject_name(raw_name: Any, errors: list[dict]) -> str:
    """The subject's name as it is stored (Measures art. 18: the archive is the subject's),
    normalised as the portal searches it (core/text.py, issue 12 L2): invisible and
    direction-control characters would make the subject unfindable by its name."""
    if not isinstance(raw_name, str) or not raw_name.strip():
        add_error(
            errors, "subject.name", "missing_field", "缺少主体名称", "subject.name is required"
        )
        return ""
    if has_unstorable(raw_name):
        add_unstorable(errors, "subject.name", "主体名称")
        return ""
    name = normalise_name(raw_name)
    if not name:
        add_error(
            errors,
            "subject.name",
            "invalid_name",
            "主体名称只含不可见字符",
            "subject.name holds only invisible characters",
        )
    elif len(name) > NAME_MAX:
        add_error(errors, "subject.name", "invalid_field", "名称过长", "name is too long")
    return name


def check_subject_key(
    raw_code: Any,
    raw_id: Any,
    item: CompiledItem,
    id_forms: MakeIdForms,
    errors: list[dict],
) -> tuple[str | None, IdForms | None]:
    """(credit code, ID-number forms) of the subject: exactly one of them, passing its check
    character, of a kind of subject the item applies to (Measures art. 15, 18; 002 §（四）:
    every subject is keyed by its credit code or its ID number)."""
    if bool(raw_code) == bool(raw_id):
        add_error(
            errors,
            "subject",
            "invalid_subject",
            "主体须且只须给出统一社会信用代码或身份证号码之一",
            "give exactly one of subject.credit_code and subject.id_number",
        )
        return None, None
    if raw_code:
        code = _key(raw_code, _valid_credit_code, "subject.credit_code", "统一社会信用代码", errors)
        if code is not None and not item.allows_organisation:
            _not_for(item, "自然人", "natural persons", errors)
        return code, None
    forms = _key(raw_id, id_forms, "subject.id_number", "身份证号码", errors)
    if forms is not None and not item.allows_person:
        _not_for(item, "法人和其他组织", "organisations", errors)
    return None, forms


def _key(raw: Any, check: Callable[[str], K], fld: str, label: str, errors: list[dict]) -> K | None:
    """A subject key as ``check`` makes it, or None with the error of a key failing it."""
    try:
        return check(raw if type(raw) is str else str(raw))
    except IdentifierError as exc:
        if isinstance(raw, str) and has_unstorable(raw):
            add_unstorable(errors, fld, label)
        else:
            add_error(errors, fld, exc.code, exc.message, exc.message_en)
        return None


def _not_for(item: CompiledItem, only: str, only_en: str, errors: list[dict]) -> None:
    add_error(
        errors,
        "subject",
        "invalid_subject",
        f"信息项“{item.spec.name}”只适用于{only}",
        f"item {item.spec.code} applies to {only_en} only",
    )


# A row's fields as they are stored: (clean: an ID number masked, protected: an ID number's
# ciphertext (docs/adr/0004), the forms of each ID number given), each by field name. A plain
# tuple: made for every row, where a named tuple costs as much as ten function calls.
CheckedFields = tuple[dict[str, Any], dict[str, str], dict[str, IdForms]]


def check_fields(
    raw_fields: Any, item: CompiledItem, id_forms: MakeIdForms, errors: list[dict]
) -> CheckedFields | None:
    """The row's fields by the item's content (Measures art. 8: fields and formats), none that
    the item lacks and none of the data that may not be collected (Measures art. 14). A field
    given empty is as if not given. None when ``fields`` holds more keys than are read: the
    row is refused with that one error."""
    clean: dict[str, Any] = {}
    protected: dict[str, str] = {}
    ids: dict[str, IdForms] = {}
    checked = (clean, protected, ids)
    if raw_fields is None:
        return checked
    if not isinstance(raw_fields, dict):
        add_error(errors, "fields", "invalid_field", "fields 应为对象", "fields must be an object")
        return checked
    if len(raw_fields) > FIELDS_MAX:
        add_error(
            errors,
            "fields",
            "invalid_field",
            f"字段超过 {FIELDS_MAX} 个",
            f"fields holds more than {FIELDS_MAX} keys",
        )
        return None
    lookup = item.lookup
    # The common path stays in this loop: it runs for every field of every row.
    for key, value in raw_fields.items():
        spec = lookup.get(key)
        if spec is None:
            _unknown_field(shown(str(key)), errors)  # quoted back in the answer, stored too
            continue
        if value is None or value == "":
            continue
        name = spec.name
        try:
            if spec.check is None:  # id_number: encrypted at rest, masked for display
                forms = id_forms(_as_text(value))
                clean[name], protected[name], ids[name] = forms[3], forms[2], forms
            else:
                text = spec.check(value)
                if text != "":  # blank after trimming: as if not given
                    clean[name] = text
        except FieldProblem as exc:
            _field_error(spec, exc.code, exc.message, exc.message_en, errors)
        except IdentifierError as exc:  # an ID number
            if type(value) is str and has_unstorable(value):
                add_unstorable(errors, f"fields.{name}", f"{spec.label}：")
            else:
                _field_error(spec, exc.code, exc.message, exc.message_en, errors)
    return checked


def _unknown_field(key: str, errors: list[dict]) -> None:
    term = forbidden_term(key)
    if term:
        add_error(
            errors,
            f"fields.{key}",
            "forbidden_field",
            f"禁止归集的信息：{key}（{cite('Measures art. 14')}）",
            f"{key} is data that may not be collected ({cite_en('Measures art. 14')})",
        )
    else:
        add_error(
            errors,
            f"fields.{key}",
            "unknown_field",
            f"目录中信息项没有字段 {key}",
            f"the item has no field {key}",
        )


def _field_error(
    spec: CompiledField, code: str, message: str, message_en: str, errors: list[dict]
) -> None:
    add_error(
        errors,
        f"fields.{spec.name}",
        code,
        f"{spec.label}：{message}",
        f"{spec.name}: {message_en}",
    )


def check_required_fields(item: CompiledItem, clean: dict[str, Any], errors: list[dict]) -> None:
    """Each field the item requires (Measures art. 8: the item states its content), unless
    that field already has an error of its own."""
    for required in item.required:
        if required in clean:
            continue
        spec = item.fields[required]
        if not any(e["field"] == f"fields.{spec.name}" for e in errors):
            add_error(
                errors,
                f"fields.{spec.name}",
                "missing_field",
                f"缺少必填字段：{spec.label}",
                f"required field {spec.name} is missing",
            )


def check_links(
    item: CompiledItem, clean: dict[str, Any], ids: dict[str, IdForms], errors: list[dict]
) -> list[tuple[IdForms, str, str]]:
    """(ID-number forms, name, role) of each person the row links to its organisation — its
    legal representative, principal or actual controller (000 §（十二）; Measures art. 29) —
    named by an ID number and a name, the name normalised as a subject's."""
    links: list[tuple[IdForms, str, str]] = []
    for link in item.spec.links:
        linked = ids.get(link.id_field)
        if not linked:
            continue
        given = clean.get(link.name_field)
        if not given:
            label = item.fields[link.name_field].label
            add_error(
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
            add_error(
                errors,
                f"fields.{link.name_field}",
                "invalid_name",
                f"{item.fields[link.name_field].label}只含不可见字符",
                f"{link.name_field} holds only invisible characters",
            )
            continue
        links.append((linked, person_name, link.role))
    return links
