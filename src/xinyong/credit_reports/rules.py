"""The pure rules of credit reports (信用报告, 002 §（三）; 000 §（三）,（十六）): who may have one
and on what basis, its sections and which records go in each, the moment it is as of, its
number, the digest of its content, and what a stranger may see of it. Functions of their inputs
and an explicit ``now``; credit_reports/service.py applies them.

Sections follow the national standard of the public credit information report
(公共信用信息报告标准, 2021 and 2022 editions): a cover with the counts, then 基础信息,
行政管理信息, 诚实守信, 严重失信主体名单, 经营异常/重点关注, 信用承诺, 信用评价, 司法判决,
其他, and 信用状况提升建议."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from xinyong.core.auth import Principal
from xinyong.core.citations import cite, cite_en
from xinyong.core.clock import local_date
from xinyong.errors import Forbidden, InvalidRequest, NotFound, PayloadTooLarge
from xinyong.models import (
    CreditReport,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    ReportBasis,
    Role,
    SubjectKind,
)
from xinyong.validity.rules import end_of_day

FORMAT = "xinyong-credit-report/1"
# A department asks for at most this many reports at once (信用审查 of a procurement's bidders).
MAX_BATCH = 1000

# --- sections -----------------------------------------------------------------------------------

# (code, title) in the order of the standard.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("basic", "基础信息"),
    ("administrative", "行政管理信息"),
    ("honesty", "诚实守信"),
    ("black_list", "严重失信主体名单"),
    ("abnormal", "经营异常 / 重点关注"),
    ("commitments", "信用承诺"),
    ("evaluation", "信用评价"),
    ("judicial", "司法判决"),
    ("other", "其他"),
    ("suggestions", "信用状况提升建议"),
)
SECTION_TITLES = dict(SECTIONS)

# Catalog items by the section of the standard that shows them. An item not named here goes
# to 行政管理信息 if it is one of the ten administrative acts (000 §（十五）), else to 其他.
ITEM_SECTIONS: Mapping[str, str] = {
    "org_registration": "basic",
    "person_basic": "basic",
    "qualification": "basic",
    "org_shareholding": "basic",
    "inspection_result": "administrative",
    "interview": "administrative",
    # 诚实守信: rewards, honours and other positive facts.
    "administrative_reward": "honesty",
    "commendation": "honesty",
    "tax_credit_a": "honesty",
    "volunteer_service": "honesty",
    "charitable_donation": "honesty",
    # 严重失信主体名单: the national black lists kept as records by their departments.
    "court_judgment_defaulter": "black_list",
    "major_tax_violation": "black_list",
    "wage_arrears": "black_list",
    "black_list_responsibility": "black_list",
    "abnormal_operation": "abnormal",
    "credit_evaluation_by_department": "evaluation",
    "criminal_judgment": "judicial",
}
# List entries by the section of their list's kind.
LIST_SECTIONS: Mapping[ListKind, str] = {
    ListKind.red: "honesty",
    ListKind.black: "black_list",
    ListKind.watch: "abnormal",
}


def section_of_item(item_code: str, act_type: str | None) -> str:
    return ITEM_SECTIONS.get(item_code) or ("administrative" if act_type else "other")


def edition(kind: SubjectKind) -> str:
    """The standard's two editions: organisations (法人和非法人组织) and natural persons."""
    if kind is SubjectKind.natural_person:
        return "自然人公共信用信息报告"
    return "法人和非法人组织公共信用信息报告"


# --- who may have one ---------------------------------------------------------------------------

BASIS_NAMES = {
    ReportBasis.own: "信息主体本人查询",
    ReportBasis.review: "信用审查",
    ReportBasis.authorised: "经信息主体授权查询",
}


def _not_permitted() -> Forbidden:
    return Forbidden(
        "无权获取该信息主体的信用报告：自然人的信用报告仅限本人和经其授权的单位；"
        f"金融机构、信用服务机构须经信息主体授权（{cite('Measures art. 22')}）",
        "you may not have this subject's credit report: a natural person's report is for "
        "the person and those it authorised; banks and credit agencies need the subject's "
        f"authorisation ({cite_en('Measures art. 22')})",
        field="subject",
        code="report_not_permitted",
    )


# Departments of these sectors that use the platform (信息使用单位) are financial institutions
# — banks under 信易贷 — not administrative organs: they read by authorisation only (Measures
# art. 22), never by 信用审查 (art. 25 is the administrative organs').
INSTITUTION_SECTORS = frozenset({"banking"})


def is_institution(principal: Principal) -> bool:
    return (
        principal.role is Role.user_department and principal.department_kind in INSTITUTION_SECTORS
    )


def report_basis(
    principal: Principal, subject_id: int, kind: SubjectKind, *, live_grant: bool
) -> ReportBasis:
    """Why ``principal`` may have the subject's report, or 403 ``report_not_permitted``:

    - the subject itself, free (Measures art. 7: 推广信用报告; art. 22: 信息主体申请查询);
    - anyone holding the subject's live authorisation (Measures art. 22);
    - an administrative department for 信用审查 inside its procedures (Measures art. 25), of an
      organisation only: a natural person's report is the person's and its authorised
      readers' (Measures art. 36; 000 §（十八）: personal information protected)."""
    if principal.role is Role.subject:
        if principal.subject_id == subject_id:
            return ReportBasis.own
        raise _not_permitted()
    if principal.is_department and live_grant:
        return ReportBasis.authorised
    reviewer = principal.is_department and not is_institution(principal)
    if reviewer and kind is not SubjectKind.natural_person:
        return ReportBasis.review
    raise _not_permitted()


def require_purpose(basis: ReportBasis, purpose: str | None) -> str:
    """Every issue of a report is in the subject's query log with its purpose (004 §14):
    a department or institution must state it; the subject's own report is 本人查询."""
    text = (purpose or "").strip()
    if basis is ReportBasis.own:
        return text[:200] or "本人查询"
    if not text:
        raise InvalidRequest(
            "出具信用报告须说明用途（purpose），如“政府采购 项目编号 …”",
            "a credit report needs a purpose, e.g. the procurement it is for",
            field="purpose",
            code="missing_purpose",
        )
    return text[:200]


def require_batch_size(count: int) -> None:
    if count == 0:
        raise InvalidRequest(
            "请至少指定一个信息主体", "name at least one subject", field="subjects"
        )
    if count > MAX_BATCH:
        raise PayloadTooLarge(
            f"一次最多出具 {MAX_BATCH} 份信用报告，本次 {count} 份",
            f"at most {MAX_BATCH} reports at once, {count} asked for",
            field="subjects",
            code="too_many_reports",
            limit=MAX_BATCH,
        )


def may_read(principal: Principal, report: CreditReport) -> bool:
    """A report issued is read again by whoever it was issued to — the subject itself, or the
    department (any of its people or tokens) that asked for it — and by no one else."""
    if report.basis is ReportBasis.own:
        return principal.role is Role.subject and principal.subject_id == report.subject_id
    return principal.department_id is not None and principal.department_id == report.department_id


def not_readable() -> Forbidden:
    return Forbidden(
        "该信用报告不是出具给您的",
        "this credit report was not issued to you",
        field="number",
        code="report_not_permitted",
    )


# --- the moment -----------------------------------------------------------------------------------


def as_of_moment(day: date | None, now: datetime) -> datetime:
    """The moment a report is as of: the end of a past day asked for (the start of the next,
    exclusive: validity/rules.end_of_day), else the moment it is issued; today's end is now. A
    day after today is refused."""
    if day is None:
        return now
    if day > local_date(now):
        raise InvalidRequest(
            f"as_of {day} 晚于今天 {local_date(now)}：信用报告只能截至已经过去的时点",
            f"as_of {day} is after today ({local_date(now)}): a report is as of a past moment",
            field="as_of",
            code="as_of_in_future",
        )
    return min(end_of_day(day), now)


def entry_in_force_at(entry: ListEntry, at: datetime) -> bool:
    """Whether a list entry was in force at a moment: confirmed by then, not yet exited, and
    within its period that day (lists/rules.is_in_force, read at a past moment; 003 联合奖惩
    §（十七））. An entry revoked as listed in error never counts (003 联合奖惩 §（二十四）)."""
    if entry.confirmed_at is None or entry.confirmed_at > at:
        return False
    if entry.state is EntryState.exited:
        if entry.exit_reason is ExitReason.revocation:
            return False
        if entry.exited_at is None or entry.exited_at <= at:
            return False
    elif entry.state is not EntryState.listed:
        return False
    return entry.listed_until is None or entry.listed_until > local_date(at)


# --- number, digest, masking ------------------------------------------------------------------

# Crockford's base32: no I, L, O, U — read aloud and typed without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PATTERN = r"^XY-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
_NUMBER = re.compile(NUMBER_PATTERN)


def new_number(issued_on: date) -> str:
    """XY-YYYYMMDD- and 60 random bits: a number nobody can guess from another's."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"XY-{issued_on:%Y%m%d}-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def unknown_number() -> NotFound:
    return NotFound(
        "未找到该编号的信用报告：报告不是本平台出具的，或编号有误",
        "no credit report of that number: not issued by this platform, or mistyped",
        field="number",
        code="report_not_found",
    )


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes a report's digest and signature are over: its content as JSON with sorted
    keys, no spaces, UTF-8 as it is."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def mask_name(name: str, kind: SubjectKind) -> str:
    """A name as a stranger verifying a report sees it: a person's surname only (张**); an
    organisation's first two and last four characters (南京****有限公司)."""
    if kind is SubjectKind.natural_person:
        return name[:1] + "*" * max(len(name) - 1, 1)
    if len(name) <= 6:
        return name[:1] + "*" * (len(name) - 1)
    return name[:2] + "*" * (len(name) - 6) + name[-4:]


def mask_key(key: str) -> str:
    """A credit code or ID number as a stranger sees it: the first 6 and the last 4."""
    return key[:6] + "*" * max(len(key) - 10, 0) + key[-4:] if len(key) > 10 else "*" * len(key)


# --- the cover's flags --------------------------------------------------------------------------


def cover_flags(counts: Mapping[str, int]) -> dict[str, bool]:
    """The cover's marks (报告标准: 奖惩标识): rewards — red lists, honours, rewards; punishments
    — a black list in force; closer supervision — abnormal operation or a watch list."""
    return {
        "reward": counts.get("honesty", 0) > 0,
        "punishment": counts.get("black_list", 0) > 0,
        "supervision": counts.get("abnormal", 0) > 0,
    }


def summary(
    number: str,
    kind: SubjectKind,
    name: str,
    key: str,
    as_of: datetime,
    issued_at: datetime,
    counts: Mapping[str, int],
) -> dict[str, Any]:
    """What ``/verify/{number}`` shows a stranger: that the report is genuine and what it
    covered — whose (masked), as of when, how many entries in each section — never the
    content itself."""
    return {
        "number": number,
        "subject_kind": kind.value,
        "subject_name": mask_name(name, kind),
        "subject_key": mask_key(key),
        "as_of": as_of.isoformat(),
        "issued_at": issued_at.isoformat(),
        "counts": {code: counts.get(code, 0) for code, _ in SECTIONS},
    }


def sections_in_order(entries: Iterable[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Entries (section, entry) gathered into the sections of the standard, in its order,
    each with its count; empty sections stay, saying 暂无."""
    by_section: dict[str, list[dict[str, Any]]] = {code: [] for code, _ in SECTIONS}
    for section, entry in entries:
        by_section[section].append(entry)
    return [
        {"code": code, "title": title, "count": len(by_section[code]), "entries": by_section[code]}
        for code, title in SECTIONS
    ]
