"""The rules of self-declaration, without a database: a category's fields checked, an
attachment's type judged by its content, what the platform can verify itself against the
subject's registration and records, where the rest goes, which step may follow which and who
takes it, and the negative record a false declaration writes. Functions of their inputs and an
explicit ``today``; service.py applies them.

- 000 §（五）: 鼓励市场主体自主自愿申报 … 并对信息真实性作出公开信用承诺 … 相关部门要充分利用
  一体化在线政务服务平台、政务信息共享交换平台、信用信息共享平台、国家企业信用信息公示系统、
  政府部门核查等方式对申报信息予以验证。经验证的自主申报信息可作为开展信用评价和生成信用报告
  的参考. 002 §（五）, 001 §（五）: the same (自愿注册).
- Measures art. 12（六）: 违反告知承诺制度的信息 is negative information; 002 §（一）: 对违背承诺、
  虚假承诺 … 视情节实施惩戒 — a declaration found false breaks its truthfulness commitment.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from xinyong.commitments import rules as commitment_rules
from xinyong.core.calendar import Calendar
from xinyong.declarations.schemas import CATEGORIES, COMMITMENT_TEXT, CategorySpec
from xinyong.models import DeclarationCategory, DeclarationState, Role
from xinyong.rights.evidence import SIGNATURES
from xinyong.rights.transitions import Transition

S = DeclarationState
# Who verifies: the competent department (a provider or user department of its sector), or
# the credit authority, which sees every declaration.
VERIFIERS = (Role.provider, Role.user_department, Role.authority)

# The steps of a declaration. It is verified, rejected (not shown true) or found false; one
# verified may later be found false (the department learns it was untrue). Verification by
# the platform itself is the platform's own step (no caller takes it).
TRANSITIONS: dict[str, Transition[DeclarationState]] = {
    "declared": Transition(after=(), to=(S.pending,), by=(Role.subject,)),
    "referred": Transition(after=(S.pending,), to=(S.pending,), by=()),
    "verified": Transition(after=(S.pending,), to=(S.verified,), by=VERIFIERS),
    "rejected": Transition(after=(S.pending,), to=(S.rejected,), by=VERIFIERS),
    "false": Transition(after=(S.pending, S.verified), to=(S.false,), by=VERIFIERS),
}

REFUSALS: dict[str, tuple[str, str]] = {
    "invalid_state": (
        "该申报已办结，不能办理此步骤",
        "the declaration is closed: no step is open",
    ),
    "already_verified": (
        "该申报已核验通过，只能认定为虚假申报",
        "the declaration was verified: it can only be found false now",
    ),
}

MAX_ATTACHMENTS = 5
# The claims an upload makes of its type: its part's Content-Type, or its file name's ending.
CLAIMED_TYPES = {
    "application/pdf": "application/pdf",
    "image/jpeg": "image/jpeg",
    "image/jpg": "image/jpeg",
    "image/png": "image/png",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Problem:
    """Why a declaration is refused: the error's code, field and messages."""

    code: str
    field: str
    message: str
    message_en: str
    detail: Mapping[str, Any] | None = None


def category_spec(code: str) -> CategorySpec | None:
    try:
        return CATEGORIES[DeclarationCategory(code)]
    except ValueError:
        return None


def check_fields(
    spec: CategorySpec, raw: Mapping[str, Any], today: date
) -> dict[str, Any] | Problem:
    """The category's fields as stored (JSON), or the first problem: a required field
    missing, a value of the wrong form, or a date after the day of the declaration."""
    try:
        model = spec.model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        missing = sorted(str(e["loc"][0]) for e in errors if e["type"] == "missing" and e["loc"])
        if missing:
            return Problem(
                "missing_declaration_field",
                f"fields.{missing[0]}",
                f"申报信息缺少必填项：{'、'.join(missing)}",
                f"required fields missing: {', '.join(missing)}",
                {"missing": missing},
            )
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"])
        return Problem(
            "invalid_declaration_field",
            f"fields.{where}" if where else "fields",
            f"申报信息{('“' + where + '”') if where else ''}无效：{first['msg']}",
            f"invalid field {where or 'fields'}: {first['msg']}",
        )
    for name in spec.past_dates:
        value = getattr(model, name)
        if value is not None and value > today:
            return Problem(
                "invalid_declaration_field",
                f"fields.{name}",
                "申报的日期不能晚于申报当日",
                f"{name} is after the day of the declaration",
            )
    return model.model_dump(mode="json", exclude_none=True)


def attachment_type(filename: str, claimed: str | None, head: bytes) -> str | Problem:
    """The attachment's type, judged by its first bytes (PDF, JPEG or PNG, as evidence files
    are: rights/evidence.SIGNATURES); a file that claims one type by its Content-Type or its
    name and holds another is refused, as is one that is none of the three."""
    found = next((t for magic, t in SIGNATURES.items() if head.startswith(magic)), None)
    claims = {
        CLAIMED_TYPES[c]
        for c in (
            (claimed or "").split(";")[0].strip().lower(),
            "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else "",
        )
        if c in CLAIMED_TYPES
    }
    if claims and found not in claims:
        return Problem(
            "attachment_type_mismatch",
            "files",
            f"附件“{filename}”的内容与其声明的文件类型不符",
            f"the attachment {filename} is not of the type it claims",
            {"filename": filename, "claimed": sorted(claims), "found": found},
        )
    if found is None:
        return Problem(
            "unsupported_attachment_type",
            "files",
            f"附件“{filename}”不是 PDF、JPEG 或 PNG 文件",
            f"the attachment {filename} is not PDF, JPEG or PNG",
            {"filename": filename},
        )
    return found


# --- automatic verification -------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What the platform knows of the subject's registration: whether it is an organisation,
    the names of its legal representative (its links in force and its registration record), and
    the status its newest registration record states."""

    organisation: bool
    legal_representatives: frozenset[str]
    status: str | None


@dataclass(frozen=True)
class RecordFacts:
    """One of the subject's records in force: its id, item and fields."""

    id: int
    item: str
    fields: Mapping[str, Any]


Finding = Literal[
    "not_judged_by_platform",
    "registration_closed",
    "legal_representative_unknown",
    "legal_representative_differs",
    "no_confirming_record",
]
# 登记状态 of a subject no longer in business (the catalog's org_registration values).
CLOSED = frozenset({"吊销", "注销", "迁出"})


@dataclass(frozen=True)
class Verdict:
    """The platform's own verification: the record that confirms the declaration, or why
    it cannot (the department then judges)."""

    record: RecordFacts | None
    findings: tuple[Finding, ...]


def same(a: Any, b: Any) -> bool:
    """Equal as people write them: NFKC, no whitespace, letters in one case."""

    def norm(v: Any) -> str:
        return "".join(unicodedata.normalize("NFKC", str(v)).split()).casefold()

    return norm(a) == norm(b)


def automatic(
    spec: CategorySpec,
    fields: Mapping[str, Any],
    legal_representative: str | None,
    registration: Registration,
    records: Iterable[RecordFacts],
) -> Verdict:
    """Whether the platform can verify the declaration itself (000 §（五）: 信用信息共享平台、
    国家企业信用信息公示系统 … 予以验证): the subject's registration agrees — an organisation
    still in business whose registered legal representative is the one it declares — and one
    of its records in force confirms what it declares. The platform only ever confirms: where
    it finds no confirmation, or a disagreement, the competent department judges."""
    findings: list[Finding] = []
    if not spec.matches:
        return Verdict(None, ("not_judged_by_platform",))
    if registration.organisation:
        if registration.status in CLOSED:
            findings.append("registration_closed")
        if not registration.legal_representatives:
            findings.append("legal_representative_unknown")
        elif legal_representative is None or not any(
            same(legal_representative, n) for n in registration.legal_representatives
        ):
            findings.append("legal_representative_differs")
    confirming = next((r for r in records if _confirms(spec, fields, r)), None)
    if confirming is None:
        findings.append("no_confirming_record")
    if findings:
        return Verdict(None, tuple(findings))
    return Verdict(confirming, ())


def _confirms(spec: CategorySpec, fields: Mapping[str, Any], record: RecordFacts) -> bool:
    for match in spec.matches:
        if match.item != record.item:
            continue
        got = record.fields
        if not all(
            fields.get(mine) not in (None, "")
            and got.get(theirs) not in (None, "")
            and same(fields[mine], got[theirs])
            for mine, theirs in match.keys.items()
        ):
            continue
        if not all(
            same(fields[mine], got[theirs])
            for mine, theirs in match.also.items()
            if fields.get(mine) not in (None, "") and got.get(theirs) not in (None, "")
        ):
            continue
        if match.status and got.get(match.status) not in (None, *match.good):
            continue
        return True
    return False


def confirming_items(spec: CategorySpec) -> list[str]:
    return [m.item for m in spec.matches]


# --- where it goes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentFacts:
    id: int
    code: str
    kind: str
    region_code: str


def route(
    spec: CategorySpec,
    named: DepartmentFacts | None,
    departments: Iterable[DepartmentFacts],
    subject_region: str | None,
) -> DepartmentFacts | Problem | None:
    """The competent department (谁主管、谁核验): the one the subject names, if its sector is
    competent for the category; else the department of the category's default sector nearest
    the subject (same county, city, province, then any); none of that sector: the credit
    authority's own queue (None)."""
    if named is not None:
        if named.kind not in spec.sectors:
            return Problem(
                "department_not_competent",
                "department",
                "该部门不是此类申报信息的主管部门",
                f"department {named.code} is not competent for this category",
                {"sectors": list(spec.sectors)},
            )
        return named
    return nearest(departments, spec.default_sector, subject_region)


def nearest(
    departments: Iterable[DepartmentFacts], kind: str, region: str | None
) -> DepartmentFacts | None:
    """The department of sector ``kind`` sharing most of the subject's region code (same
    county, city, province, then any; the oldest first); None: no department of the sector
    (a complaint's routing too, complaints/rules)."""
    prefix = region or ""

    def distance(d: DepartmentFacts) -> tuple[int, int]:
        shared = next((n for n in (6, 4, 2) if prefix[:n] and d.region_code[:n] == prefix[:n]), 0)
        return (-shared, d.id)

    candidates = sorted((d for d in departments if d.kind == kind), key=distance)
    return candidates[0] if candidates else None


def due_on(calendar: Calendar, declared_on: date, working_days: int) -> date:
    """The last day of the department's verification: ``working_days`` working days by the
    official calendar from the day after the declaration (core/calendar). 000 §（五） names no
    period; the setting's default, 10, is the platform's own review of an objection (Measures
    art. 32: 10个工作日内完成审核), the nearest check of what a subject brings."""
    return calendar.add_working_days(declared_on, working_days)


# --- the steps --------------------------------------------------------------------------------


def may_verify(
    role: Role, principal_department: int | None, declaration_department: int | None
) -> bool:
    """The credit authority verifies any declaration; a department those routed to it."""
    if not TRANSITIONS["verified"].taken_by(role):
        return False
    if role is Role.authority:
        return True
    return principal_department is not None and principal_department == declaration_department


def refusal(outcome: str, state: DeclarationState) -> str | None:
    """Why the outcome may not follow now, or None: a pending declaration is verified,
    rejected or found false; a verified one may only be found false."""
    if TRANSITIONS[outcome].follows(state):
        return None
    if state is DeclarationState.verified:
        return "already_verified"
    return "invalid_state"


# --- texts and records ------------------------------------------------------------------------


def commitment_text(
    *, subject_name: str, subject_code: str, category_name: str, declared_on: date
) -> str:
    """The truthfulness commitment, rendered whole as commitments render theirs."""
    return commitment_rules.render(
        COMMITMENT_TEXT,
        {
            "subject_name": subject_name,
            "subject_code": subject_code,
            "category_name": category_name,
            "declared_on": f"{declared_on.year}年{declared_on.month}月{declared_on.day}日",
        },
    )


def false_declaration_fields(
    *,
    declaration_id: int,
    category_name: str,
    declared_on: date,
    facts: str,
    decision_number: str,
    today: date,
    department_name: str,
) -> dict[str, Any]:
    """The fields of the broken_commitment record a false declaration writes: its
    truthfulness commitment was false (虚假承诺)."""
    return commitment_rules.breach_fields(
        commitment_id=declaration_id,
        item_name=f"自主申报{category_name}信息真实性承诺",
        signed_on=declared_on,
        outcome="false",
        due_on=None,
        facts=facts,
        decision_number=decision_number,
        today=today,
        department_name=department_name,
    )
