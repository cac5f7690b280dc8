"""The content of a credit report: one subject's archive as its reader may see it at the moment
the report is as of (subjects/archive.read_archive: the visibility rules, the as-of day, the
standings then), its list entries in force then, its commitments, its evaluation grade, and
what it can repair and when (repairs/rules). Reads only: the register and the query log are
credit_reports/service.py's.

The content is JSON-ready (strings, numbers, lists, dicts): its canonical bytes are what the
SHA-256 and the signature cover (credit_reports/rules.canonical), the JSON format carries it
as it is, and the PDF renders it (credit_reports/render.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.service import field_labels, published_catalog
from xinyong.core import labels
from xinyong.core.auth import Principal
from xinyong.core.citations import cite
from xinyong.core.clock import SHANGHAI, local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import region_name
from xinyong.credit_reports import rules
from xinyong.departments.repository import department_by_id
from xinyong.evaluation import repository as evaluation_repository
from xinyong.lists import repository as lists_repository
from xinyong.models import (
    Disclosure,
    EntryState,
    ListEntry,
    ListKind,
    ReportBasis,
    Subject,
    TargetType,
)
from xinyong.records.repository import subject_records_by_ids
from xinyong.records.schemas import ArchiveOut, DeclaredOut, RecordOut
from xinyong.repairs import rules as repair_rules
from xinyong.repairs.repository import open_repairs_by_target
from xinyong.subjects.archive import read_archive

# The items that register a subject: the first entries of 基础信息.
REGISTRATIONS = ("org_registration", "person_basic")
# The disclosure classes in the order the report names them (Measures art. 19).
DISCLOSURE_ORDER = ("public", "government", "authorised")


@dataclass(frozen=True)
class Order:
    """One report to compose: whose, for whom and why, as of when, under which number."""

    subject: Subject
    principal: Principal
    basis: ReportBasis
    purpose: str
    reader: str  # how the report names its reader: 信息主体本人, or the department's name
    number: str
    as_of: datetime
    as_of_day: date | None  # the past day asked for, if one was
    now: datetime
    issuer: str
    verify_url: str


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.astimezone(SHANGHAI):%Y-%m-%d}"
    return value.isoformat()


def _moment(value: datetime) -> str:
    return f"{value.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"


def _rows(*pairs: tuple[str, Any]) -> list[list[str]]:
    return [[label, str(value)] for label, value in pairs if value not in (None, "")]


def compose(session: Session, order: Order, cipher: IdCipher) -> dict[str, Any]:
    subject, now = order.subject, order.now
    archive = read_archive(
        session,
        subject,
        order.principal,
        cipher=cipher,
        now=now,
        today=local_date(now),
        purpose=order.purpose,
        as_of=order.as_of_day,
        log_read=False,  # the report's issue is the entry in the query log (service.py)
        mask_id_numbers=True,  # a report leaves the platform: ID numbers masked in it
    )
    today = local_date(order.as_of)
    records = [r for rs in archive.categories.values() for r in rs if r.standing == "active"]
    # Newest first (the archive's order), the registration ahead of everything else.
    records.sort(key=lambda r: r.item not in REGISTRATIONS)
    entries = [
        e
        for e in lists_repository.entries_of_subject(session, subject.id)
        if rules.entry_in_force_at(e, order.as_of)
    ]
    found: list[tuple[str, dict[str, Any]]] = [
        *_record_entries(session, records),
        *_list_entries(session, entries),
        *_commitment_entries(archive),
        *_grade_entries(session, subject.id, order.as_of),
        *_declaration_entries(archive.declarations),
        *_suggestions(session, subject.id, records, entries, today),
    ]
    sections = rules.sections_in_order(found)
    counts = {s["code"]: s["count"] for s in sections}
    key = subject.credit_code or subject.id_masked or ""
    return {
        "format": rules.FORMAT,
        "number": order.number,
        "title": "公共信用信息报告",
        "edition": rules.edition(subject.kind),
        "issuer": order.issuer,
        "issued_at": _moment(now),
        "as_of": _moment(order.as_of),
        "as_of_day": order.as_of_day.isoformat() if order.as_of_day else None,
        "reader": {
            "basis": order.basis.value,
            "basis_name": rules.BASIS_NAMES[order.basis],
            "name": order.reader,
            "purpose": order.purpose,
        },
        "subject": _subject_part(subject, key, records),
        "cover": {"flags": rules.cover_flags(counts), "counts": counts},
        "sections": sections,
        "scope": _scope(archive, order),
        "verify_url": order.verify_url,
    }


def _subject_part(subject: Subject, key: str, records: list[RecordOut]) -> dict[str, Any]:
    registration = next((r for r in records if r.item == "org_registration"), None)
    fields = registration.fields if registration else {}
    return {
        "kind": subject.kind.value,
        "kind_name": labels.SUBJECT_KINDS[subject.kind.value],
        "name": subject.name,
        "key": key,
        "key_name": "统一社会信用代码" if subject.credit_code else "居民身份证号码（已脱敏）",
        "registration_status": str(fields.get("status") or ""),
        "legal_representative": str(fields.get("legal_representative_name") or ""),
        "region": region_name(subject.region_code) if subject.region_code else "",
        "registering_authority": subject.registering_authority or "",
    }


def _scope(archive: ArchiveOut, order: Order) -> list[str]:
    """The report's statements: what it holds, and on what rules (cited by title)."""
    shown = [
        labels.DISCLOSURE_NAMES[d] for d in DISCLOSURE_ORDER if d in archive.visible_disclosures
    ]
    if order.basis is ReportBasis.authorised and Disclosure.authorised.value not in (
        archive.visible_disclosures
    ):
        shown.append("经授权的授权查询信息")
    cut = f"截至 {order.as_of_day} 日终" if order.as_of_day else f"截至 {_moment(order.as_of)}"
    return [
        f"本报告{cut}，包含平台已归集、报告对象依规可以查阅的公共信用信息："
        f"{'、'.join(shown)}（{cite('Measures art. 19–22')}）。",
        f"失信信息超过使用期限的不再公示和使用，已修复、已撤销的信息不列入本报告"
        f"（{cite('Measures art. 30')}、第三十五条）。",
        f"信息主体认为报告中的信息有误的，可以提出异议（{cite('Measures art. 31–33')}）；"
        "处于异议处理期间的信息予以标注。",
        f"本报告经{order.issuer}数字签名，每页二维码指向核验地址；"
        "报告内容的 SHA-256 摘要印于报告首页，可在线或离线核验。",
    ]


# --- entries -----------------------------------------------------------------------------------


def _record_entries(
    session: Session, records: list[RecordOut]
) -> Iterator[tuple[str, dict[str, Any]]]:
    catalog = published_catalog(session)
    items = catalog.items if catalog else {}
    names = field_labels(session)
    for r in records:
        item = items.get(r.item)
        section = rules.section_of_item(r.item, item.spec.act_type if item else None)
        item_labels = names.get(r.item, {})
        marks = []
        if r.disclosure != Disclosure.public.value:
            marks.append(labels.DISCLOSURE_NAMES[r.disclosure])
        if r.under_objection:
            marks.append("异议处理中")
        yield (
            section,
            {
                "kind": "record",
                "id": r.id,
                "item": r.item,
                "disclosure": r.disclosure,
                "title": r.item_name,
                "source": r.provider_name,
                "date": _day(r.determined_on or r.received_at),
                "marks": marks,
                "fields": [
                    *[
                        [item_labels.get(k, k), str(v)]
                        for k, v in r.fields.items()
                        if v not in (None, "") and not isinstance(v, dict | list)
                    ],
                    *_rows(
                        ("失信程度", labels.SEVERITY_NAMES.get(r.severity or "", "")),
                        ("认定日期", _day(r.determined_on)),
                        (
                            "使用期限至",
                            _day(r.expires_on - timedelta(days=1)) if r.expires_on else "",
                        ),
                        ("信息提供单位", r.provider_name),
                    ),
                ],
            },
        )


def _list_entries(session: Session, entries: list[ListEntry]) -> Iterator[tuple[str, dict]]:
    lists = {x.id: x for x in lists_repository.all_lists(session)}
    for e in entries:
        lst = lists[e.list_id]
        dept = department_by_id(session, e.department_id)
        yield (
            rules.LIST_SECTIONS[e.kind],
            {
                "kind": "list_entry",
                "id": str(e.id),
                "title": lst.spec["name"],
                "source": dept.name,
                "date": _day(e.confirmed_at),
                "marks": [labels.LIST_KINDS[e.kind.value]],
                "fields": _rows(
                    ("名单", lst.spec["name"]),
                    ("认定部门", dept.name),
                    ("列入日期", _day(e.confirmed_at)),
                    ("列入事由", e.reason),
                    (
                        "列入期限至",
                        _day(e.listed_until - timedelta(days=1)) if e.listed_until else "",
                    ),
                    ("整改期限", _day(e.rectify_by) if e.rectified_at is None else ""),
                ),
            },
        )


def _commitment_entries(archive: ArchiveOut) -> Iterator[tuple[str, dict]]:
    for c in archive.commitments.signed:
        yield (
            "commitments",
            {
                "kind": "commitment",
                "id": c.id,
                "title": c.item_name,
                "source": c.department_name,
                "date": _day(c.signed_on),
                "marks": [c.state_name],
                "fields": _rows(
                    ("承诺类型", c.type_name),
                    ("承诺事由", c.matter),
                    ("做出承诺日期", _day(c.signed_on)),
                    ("承诺受理单位", c.department_name),
                    ("承诺履约状态", c.state_name),
                    ("履约日期", _day(c.fulfilled_on)),
                ),
            },
        )


def _grade_entries(session: Session, subject_id: int, at: datetime) -> Iterator[tuple[str, dict]]:
    """The public credit evaluation's grade (002 §（六）) the subject held at the report's
    moment: its current grade if given by then, else the grade of its latest change by then
    (evaluation_grade_changes; a grade given after the moment is not the report's) — with
    score, model, day, and the grades per field of supervision where the current grade is the
    report's (only the current ones are kept)."""
    current = evaluation_repository.grade_of(session, subject_id)
    fields: list[tuple[str, str]] = []
    model_id: int | None
    if current is not None and current.evaluated_at <= at:
        grade, score, capped_by = current.grade.value, current.score, current.capped_by
        run_id, model_id, day = current.run_id, current.model_id, current.as_of
        fields = [
            (
                f"{labels.SECTOR_NAMES.get(f.field, f.field)}领域等级",
                f"{labels.GRADE_TITLES[f.combined_grade.value]}（行业信用评价 {f.industry_label}）",
            )
            for f in evaluation_repository.field_grades_of(session, subject_id)
        ]
    else:
        change = evaluation_repository.grade_change_as_of(session, subject_id, at)
        if change is None:
            return
        run = evaluation_repository.get_run(session, change.run_id)
        grade, score, capped_by, run_id = change.grade.value, change.score, None, change.run_id
        model_id = run.model_id if run is not None else None
        day = run.as_of if run is not None else local_date(change.at)
    model = evaluation_repository.get_model(session, model_id) if model_id else None
    yield (
        "evaluation",
        {
            "kind": "grade",
            "id": str(run_id),
            "title": "公共信用综合评价",
            "source": "公共信用信息平台",
            "date": _day(day),
            "marks": [],
            "fields": _rows(
                ("信用等级", labels.GRADE_TITLES.get(grade, grade)),
                ("评价得分", f"{score:.2f}"),
                ("评价时点", _day(day)),
                (
                    "评价模型",
                    f"{model.definition.get('name', model.code)}（第 {model.version} 版）"
                    if model is not None
                    else "",
                ),
                (
                    "等级限制",
                    f"因列入{labels.LIST_KINDS.get(capped_by, '')}限制等级" if capped_by else "",
                ),
                *fields,
            ),
        },
    )


def _declaration_entries(declared: list[DeclaredOut]) -> Iterator[tuple[str, dict]]:
    """Verified self-declarations (000 §（五）: 经验证的自主申报信息可作为生成信用报告的参考),
    marked as declared by the subject."""
    for d in declared:
        yield (
            "other",
            {
                "kind": "declaration",
                "id": d.id,
                "title": labels.DECLARATION_CATEGORIES.get(d.category, "自主申报信息"),
                "source": labels.SELF_DECLARED,
                "date": _day(d.verified_at or d.declared_at),
                "marks": [labels.SELF_DECLARED],
                "fields": [
                    [labels.DECLARATION_FIELDS.get(k, k), str(v)]
                    for k, v in d.fields.items()
                    if v not in (None, "")
                ],
            },
        )


def _suggestions(
    session: Session,
    subject_id: int,
    records: list[RecordOut],
    entries: list[ListEntry],
    today: date,
) -> Iterator[tuple[str, dict]]:
    """信用状况提升建议: for each failure in the report, whether and how it can be repaired
    (repairs/rules.not_repairable; Measures art. 34–35), a repair already under way, a
    rectification due (002 §（九）), and when the information stops being used (Measures
    art. 30)."""
    negative = [r for r in records if r.category == "negative"]
    targets = [e for e in entries if e.kind is not ListKind.red]
    if not negative and not targets:
        yield (
            "suggestions",
            {
                "kind": "suggestion",
                "id": "",
                "title": "暂无需要修复的失信信息",
                "source": "",
                "date": "",
                "marks": [],
                "fields": [["建议", "请继续保持良好信用记录，依法诚信经营。"]],
            },
        )
        return
    yield (
        "suggestions",
        {
            "kind": "suggestion",
            "id": "",
            "title": "信用修复的条件和程序",
            "source": "",
            "date": "",
            "marks": [],
            "fields": [
                [
                    "条件",
                    "已纠正失信行为、消除不良影响，自纠正之日起1年内未再发生同类失信行为，并作出"
                    f"不再失信的信用承诺的，可以申请信用修复（{cite('Measures art. 34')}）",
                ],
                [
                    "程序",
                    "向信息提供单位（名单的认定部门）提出书面申请，信息提供单位出具意见并公示"
                    f"5个工作日；公示无异议的，修复生效（{cite('Measures art. 35')}）",
                ],
                [
                    "使用期限",
                    "失信信息超过使用期限（一般失信1年、严重失信3年，法律另有规定的从其规定）"
                    f"不再公示和使用（{cite('Measures art. 30')}）",
                ],
            ],
        },
    )
    open_repairs = open_repairs_by_target(session, subject_id)
    stored = {
        r.id: r for r in subject_records_by_ids(session, subject_id, [int(r.id) for r in negative])
    }
    groups: dict[str, list[list[str]]] = {title: [] for title in ADVICE_GROUPS.values()}
    for r in negative:
        record = stored.get(int(r.id))
        if record is None:
            continue
        group, said = _advice(
            open_repairs.get((TargetType.record.value, record.id)),
            repair_rules.not_repairable(repair_rules.record_target(record), today),
        )
        until = f"至 {_day(r.expires_on)} 起不再公示和使用" if r.expires_on else ""
        label = f"{r.item_name}（记录编号 {r.id}）"
        groups[group].append([label, "，".join(x for x in (said, until) if x)])
    for e in targets:
        group, said = _advice(
            open_repairs.get((TargetType.list_entry.value, e.id)),
            repair_rules.not_repairable(repair_rules.entry_target(e, []), today),
        )
        if e.rectify_by and e.rectified_at is None and e.state is EntryState.listed:
            said = "，".join(
                x
                for x in (said, f"请于 {_day(e.rectify_by)} 前完成整改（{cite('002 §（九）')}）")
                if x
            )
        until = f"至 {_day(e.listed_until)} 起期满移出名单" if e.listed_until else ""
        label = f"{labels.LIST_KINDS[e.kind.value]}条目（编号 {e.id}）"
        groups[group].append([label, "，".join(x for x in (said, until) if x)])
    for title, fields in groups.items():
        if fields:
            yield (
                "suggestions",
                {
                    "kind": "suggestion",
                    "id": "",
                    "title": f"{title}（{len(fields)} 条）",
                    "source": "",
                    "date": "",
                    "marks": [],
                    "fields": fields,
                },
            )


# The groups of the advice, in the order the report gives them.
ADVICE_GROUPS = {
    "now": "可以申请信用修复的信息（条件和程序见上）",
    "open": "信用修复正在办理的信息",
    "not": "暂不能申请信用修复的信息",
}


def _advice(open_repair: int | None, refusal: str | None) -> tuple[str, str]:
    """(the group's title, what is said of the one target)."""
    if open_repair is not None:
        return ADVICE_GROUPS["open"], f"修复申请编号 {open_repair}"
    if refusal is not None:
        return ADVICE_GROUPS["not"], repair_rules.NOT_ALLOWED[refusal][0]
    return ADVICE_GROUPS["now"], ""
