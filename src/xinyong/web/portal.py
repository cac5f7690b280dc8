"""The public portal (信用门户, issue 5 §1): search, a subject's public page, the 双公示 columns,
the lists' publications, the catalog and the measures list. docs/portal.md.

Every page here is for everyone, and every page shows what the public sees: the data are read
as the public principal (``PUBLIC``) even when a logged-in user looks, through the same
service functions the API uses for the public."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.catalog.service import get_version, published_catalog
from xinyong.core.api import clock, db_session
from xinyong.core.auth import PUBLIC
from xinyong.core.clock import local_date
from xinyong.core.identifiers import describe_credit_code, region_name
from xinyong.core.labels import CATEGORY_NAMES, DISCLOSURE_NAMES
from xinyong.core.ratelimit import client_address
from xinyong.departments.service import list_departments
from xinyong.errors import NotFound
from xinyong.lists import service as lists
from xinyong.lists.rules import PUBLIC_STATES, makes_subject_public, publicly_visible
from xinyong.lists.service import entry_out
from xinyong.measures.schemas import SCENARIOS
from xinyong.measures.service import active_measures
from xinyong.models import (
    CatalogItem,
    Category,
    CreditList,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    Role,
    Subject,
    SubjectKind,
)
from xinyong.repairs import service as repairs
from xinyong.subjects import search
from xinyong.subjects.archive import read_archive
from xinyong.subjects.service import is_public
from xinyong.validity.service import current_rules
from xinyong.web.site import Visitor, audience, render

router = APIRouter(include_in_schema=False)

EVERYONE = tuple(Role)

LIST_KIND_NAMES = {"red": "红名单", "black": "黑名单", "watch": "重点关注对象名单"}
SUBJECT_KIND_NAMES = {
    "legal_person": "法人",
    "non_legal_person_org": "非法人组织",
    "natural_person": "自然人",
}
SEVERITY_NAMES = {
    "minor": "轻微失信",
    "general": "一般失信",
    "serious": "较重失信",
    "severe": "严重失信",
}
UPDATE_CYCLES = {
    "realtime": "实时",
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "yearly": "每年",
}
FIELD_TYPES = {
    "string": "文本",
    "text": "长文本",
    "date": "日期",
    "decimal": "数值",
    "integer": "整数",
    "credit_code": "统一社会信用代码",
    "id_number": "身份证号码（公开时脱敏）",
    "enum": "代码值",
}
ACT_TYPES = {
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "compulsion": "行政强制",
    "confirmation": "行政确认",
    "levy": "行政征收",
    "payment": "行政给付",
    "adjudication": "行政裁决",
    "compensation": "行政补偿",
    "reward": "行政奖励",
    "inspection": "行政检查",
}
ACTION_NAMES = {"intercept": "自动拦截", "prompt": "自动提示", "facilitate": "激励便利"}
MEASURE_KINDS = {"reward": "守信激励", "punishment": "失信惩戒"}
MEASURE_TYPES = {
    "administrative": "行政性措施",
    "market": "市场性措施",
    "industry": "行业性措施",
    "social": "社会性措施",
}
TARGET_NAMES = {
    "subject": "名单主体",
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "actual_controller": "实际控制人",
    "responsible_person": "直接责任人员",
}
EXIT_REASONS = {
    "expiry": "列入期限届满",
    "repair": "完成信用修复",
    "revocation": "认定有误予以撤销（更正）",
    "black_listed": "被列入黑名单",
}
# Departments' sectors (catalog/schemas.SECTORS), as the public reads them.
SECTOR_NAMES = {
    "development_reform": "发展改革",
    "credit_authority": "信用管理",
    "market_regulation": "市场监管",
    "tax": "税务",
    "court": "法院",
    "procuratorate": "检察院",
    "public_security": "公安",
    "civil_affairs": "民政",
    "org_establishment": "机构编制",
    "human_resources": "人力资源社会保障",
    "emergency_management": "应急管理",
    "ecology_environment": "生态环境",
    "housing_construction": "住房城乡建设",
    "transport": "交通运输",
    "natural_resources": "自然资源",
    "agriculture": "农业农村",
    "water_resources": "水利",
    "health": "卫生健康",
    "drug_administration": "药品监管",
    "education": "教育",
    "science_technology": "科技",
    "finance": "财政",
    "customs": "海关",
    "judicial_administration": "司法行政",
    "commerce": "商务",
    "culture_tourism": "文化和旅游",
    "statistics": "统计",
    "medical_security": "医疗保障",
    "industry_it": "工业和信息化",
    "banking": "金融监管",
    "intellectual_property": "知识产权",
    "audit": "审计",
    "other": "其他",
}
# The fields a record is summed up by on a subject's page (the rest fold away), when it has them.
SUMMARY_FIELDS = (
    "decision_number",
    "licence_category",
    "penalty_category",
    "certificate_name",
    "violation_type",
    "penalty_content",
    "licence_content",
    "decided_on",
    "entity_form",
    "established_on",
    "status",
    "address",
)
LIST_SECTIONS = {
    "notice": "公示",
    "listed": "名单",
    "exits": "退出公告",
    "corrections": "更正公告",
    "repairs": "信用修复公告",
}


def _names(values: list[str] | tuple[str, ...], table: dict[str, str]) -> str:
    return "、".join(table.get(v, v) for v in values)


def _int(value: str | None, default: int = 1) -> int:
    """A page number from the address: anything that is not a small positive number is 1."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return number if 0 < number < 1_000_000 else default


def _today(request: Request) -> date:
    return local_date(clock(request).now())


def _visitor(request: Request) -> Visitor:
    return request.state.visitor  # set by the audience check


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(
        request,
        _visitor(request),
        f"portal/{name}",
        status_code=status_code,
        names={
            "category": CATEGORY_NAMES,
            "disclosure": DISCLOSURE_NAMES,
            "list_kind": LIST_KIND_NAMES,
            "subject_kind": SUBJECT_KIND_NAMES,
            "severity": SEVERITY_NAMES,
            "sector": SECTOR_NAMES,
            "target": TARGET_NAMES,
            "exit": EXIT_REASONS,
        },
        **context,
    )


def _count_look_up(request: Request) -> None:
    """A visitor not logged in is limited per address, as the API's anonymous look-ups are
    (core/ratelimit.py): 429 with the error page and Retry-After. A logged-in user is known."""
    if _visitor(request).user is None:
        request.app.state.lookups.check(client_address(request))


def _not_found(request: Request) -> HTMLResponse:
    """The same answer for what does not exist and what the public may not see."""
    return _page(request, "not_found.html", status_code=404)


# --- search --------------------------------------------------------------------------------------


@router.get("/search", response_class=HTMLResponse, **audience(*EVERYONE))
def search_page(
    request: Request,
    q: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. Organisations by any part of their name (from one character) or
    by credit code; a person by whole name only while a public list publishes them; never by
    ID number. Limited per address for visitors not logged in."""
    _count_look_up(request)
    result = search.search_subjects(session, q, today=_today(request), page=_int(page))
    return _page(
        request,
        "search.html",
        result=result,
        query=result.query,
        region_name=region_name,
        cap=search.CAP,
    )


# --- a subject's public page -------------------------------------------------------------------


@router.get("/subjects/{key}", response_class=HTMLResponse, **audience(*EVERYONE))
def subject_page(key: str, request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. What the public may see of one subject: identity, its public and
    active records by category, its entries on public lists. A natural person only while an
    entry in force on a public list names them; otherwise, as for anything unknown, 404.
    Limited per address for visitors not logged in."""
    _count_look_up(request)
    now = clock(request).now()
    today = local_date(now)
    subject = search.find_public_subject(session, key, today=today)
    if subject is None:
        return _not_found(request)
    db = request.app.state.db
    # The public's archive (Measures art. 19, 30): public disclosure, active standing only.
    archive = read_archive(
        session, subject, PUBLIC, cipher=db.cipher, now=now, today=today, purpose=None
    )
    info = describe_credit_code(subject.credit_code) if subject.credit_code else None
    catalog = published_catalog(session)
    labels = {
        code: dict((f.name, f.label) for f in item.spec.fields)
        for code, item in (catalog.items.items() if catalog else [])
    }
    entries = []
    for entry in lists.entries_of_subject(session, subject.id):
        lst = session.get_one(CreditList, entry.list_id)
        if not publicly_visible(lst, entry):
            continue
        in_force = lists.is_in_force(entry, today)
        in_notice = entry.state == EntryState.notice  # red only: publicly_visible
        if in_force or in_notice:
            entries.append((entry_out(session, entry, full=False), in_notice))
    return _page(
        request,
        "subject.html",
        archive=archive,
        subject=archive.subject,
        info=info,
        region=region_name(subject.region_code or "") if subject.region_code else None,
        labels=labels,
        categories=[(c.value, archive.categories.get(c.value, [])) for c in Category],
        entries=entries,
        key=search.page_key(subject.credit_code, subject.id),
        is_person=subject.kind == SubjectKind.natural_person,
        today=today,
        summary_fields=SUMMARY_FIELDS,
    )


# --- 双公示 ---------------------------------------------------------------------------------------


def _date(value: str | None) -> tuple[date | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "日期格式应为 YYYY-MM-DD，如 2026-06-15"


@router.get("/dual-publicity", response_class=HTMLResponse, **audience(*EVERYONE))
def dual_publicity_page(
    request: Request,
    tab: str | None = None,
    department: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    item: str | None = None,
    category: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. 双公示 (000 §（十五））: the licence and penalty decisions, public and
    active, newest decision first, by department, decision date and type."""
    tab = tab if tab in search.DUAL_TABS else "licensing"
    departments = list_departments(session)
    by_code = {d.code: d for d in departments}
    errors: dict[str, str] = {}
    provider = None
    if department:
        provider = by_code.get(department)
        if provider is None:
            errors["department"] = "没有这个部门"
    start, errors_from = _date(date_from)
    end, errors_to = _date(date_to)
    if errors_from:
        errors["date_from"] = errors_from
    if errors_to:
        errors["date_to"] = errors_to
    if start and end and start > end:
        errors["date_to"] = "截止日期早于起始日期"
    items = search.dual_items(session, tab)
    if item and item not in {i.code for i in items}:
        errors["item"] = "没有这个事项"
    categories = sorted({c for i in items for c in i.categories})
    if category and category not in categories:
        errors["category"] = "没有这个类别"
    form = {
        "tab": tab,
        "department": department or "",
        "date_from": (date_from or "").strip()[:20],
        "date_to": (date_to or "").strip()[:20],
        "item": item or "",
        "category": category or "",
    }
    result = None
    if not errors:
        result = search.dual_publicity(
            session,
            tab=tab,
            today=_today(request),
            provider_id=provider.id if provider else None,
            date_from=start,
            date_to=end,
            item=item or None,
            category=category or None,
            page=_int(page),
        )
    return _page(
        request,
        "dual_publicity.html",
        status_code=400 if errors else 200,
        tabs=search.DUAL_TABS,
        tab=tab,
        items=items,
        categories=categories,
        departments=departments,
        form=form,
        errors=errors,
        result=result,
    )


# --- lists ---------------------------------------------------------------------------------------


@router.get("/lists", response_class=HTMLResponse, **audience(*EVERYONE))
def lists_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The red, black and watch lists with their published standards
    (003 联合奖惩 §（三））; entries of public lists only."""
    counts = dict(
        session.execute(
            select(ListEntry.list_id, func.count())
            .where(ListEntry.state == EntryState.listed)
            .group_by(ListEntry.list_id)
        ).all()
    )
    rows = [(lst, lists.spec_of(lst), counts.get(lst.id, 0)) for lst in lists.all_lists(session)]
    order = {"red": 0, "black": 1, "watch": 2}
    rows.sort(key=lambda r: (order.get(r[1].kind, 3), r[0].id))
    return _page(
        request, "lists.html", rows=rows, repairs=_repair_notices(session, _today(request))
    )


def _repair_notices(
    session: Session, today: date, *, list_code: str | None = None
) -> list[dict[str, Any]]:
    """Repairs in their public notice (Measures art. 35) as the public sees them — the same
    service call as GET /api/v1/repair-notices for the public: repairs of public information
    only. With ``list_code``: those of that list's entries."""
    out = []
    for repair in repairs.in_notice(session, public_only=True, after=None, limit=1000):
        target = repairs.describe(session, repairs.load_target(session, repair))
        if list_code is not None and target["list"] != list_code:
            continue
        subject = session.get_one(Subject, repair.subject_id)
        out.append(
            {
                "subject_name": subject.name,
                "subject": repairs.subject_key(subject),
                "key": _page_key_if_public(session, subject, today),
                "target": target,
                "opinion": (repair.opinion or {}).get("text", ""),
                "notice_ends_on": repair.notice_ends_on,
            }
        )
    return out


def _page_key_if_public(session: Session, subject: Subject, today: date) -> str | None:
    if is_public(session, subject, today):
        return search.page_key(subject.credit_code, subject.id)
    return None


def _section_query(lst: CreditList, section: str) -> Any:
    """The entries of one publication of a public list — always within what the public may
    see (lists/rules: PUBLIC_STATES, and red candidates in notice)."""
    base = select(ListEntry).where(ListEntry.list_id == lst.id)
    if section == "notice":
        if lst.kind != ListKind.red:
            return None  # a black candidate's prior notice goes to the subject alone
        return base.where(ListEntry.state == EntryState.notice).order_by(ListEntry.id.desc())
    if section == "listed":
        return base.where(ListEntry.state == EntryState.listed).order_by(ListEntry.id.desc())
    exited = base.where(ListEntry.state == EntryState.exited)
    if section == "corrections":
        exited = exited.where(ListEntry.exit_reason == ExitReason.revocation)
    elif section == "repairs":
        exited = exited.where(ListEntry.exit_reason == ExitReason.repair)
    return exited.order_by(ListEntry.exited_at.desc(), ListEntry.id.desc())


@router.get("/lists/{code}", response_class=HTMLResponse, **audience(*EVERYONE))
def list_page(
    code: str,
    request: Request,
    section: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. One list's publications: red candidates in public notice, the
    listed subjects, exit notices, corrections (entries revoked as listed in error) and
    credit-repair notices (exits after repair)."""
    try:
        lst = lists.get_list(session, code[:64])
    except NotFound:
        return _not_found(request)
    spec = lists.spec_of(lst)
    public = spec.disclosure == "public"
    sections = [
        (k, v) for k, v in LIST_SECTIONS.items() if k != "notice" or lst.kind == ListKind.red
    ]
    section = (
        section
        if section in dict(sections)
        else ("notice" if lst.kind == ListKind.red else "listed")
    )
    today = _today(request)
    number = _int(page)
    size = search.PAGE_SIZE
    entries: list[dict[str, Any]] = []
    has_next = False
    if public:
        query = _section_query(lst, section)
        rows = (
            list(session.execute(query.offset((number - 1) * size).limit(size + 1)).scalars())
            if query is not None
            else []
        )
        has_next = len(rows) > size
        for entry in rows[:size]:
            if not publicly_visible(lst, entry):  # never more than the API shows
                continue
            out = entry_out(session, entry, full=False)
            subject = session.get_one(Subject, entry.subject_id)
            linkable = subject.kind != SubjectKind.natural_person or makes_subject_public(
                lst, entry, today
            )
            entries.append(
                {
                    "entry": out,
                    "key": search.page_key(subject.credit_code, subject.id) if linkable else None,
                    "notice": (
                        lists.exit_notice(lst, entry, entry.exit_reason)
                        if entry.state == EntryState.exited and entry.exit_reason
                        else None
                    ),
                }
            )
    notices = (
        _repair_notices(session, today, list_code=lst.code)
        if public and section == "repairs"
        else []
    )
    return _page(
        request,
        "list.html",
        repairs=notices,
        lst=lst,
        spec=spec,
        public=public,
        sections=sections,
        section=section,
        entries=entries,
        page=number,
        has_next=has_next,
        public_states=PUBLIC_STATES,
    )


# --- catalog and measures ------------------------------------------------------------------------


@router.get("/catalog", response_class=HTMLResponse, **audience(*EVERYONE))
def catalog_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The published catalog (Measures art. 8): items by category with
    disclosure class, validity, retention, sources, legal basis and fields."""
    try:
        version, items = get_version(session, None)
    except NotFound:
        return _page(request, "catalog.html", version=None, groups=[])
    groups = [(c.value, [i for i in items if i.category == c]) for c in Category]
    rules = current_rules(session)
    today = _today(request)

    def validity(item: CatalogItem) -> str:
        """The item's own period where law sets one, else the validity rule in force today
        (Measures art. 30; validity/service)."""
        if item.legal_validity_years:
            return f"{item.legal_validity_years} 年"
        if item.category != Category.negative:
            return "—"
        rule = rules.rule_for(item.code, today)
        if rule is None:
            return "依办法第三十条"
        return "、".join(f"{SEVERITY_NAMES.get(s, s)} {_months(m)}" for s, m in rule.months.items())

    return _page(
        request,
        "catalog.html",
        version=version,
        groups=groups,
        update_cycles=UPDATE_CYCLES,
        field_types=FIELD_TYPES,
        act_types=ACT_TYPES,
        sectors=lambda values: _names(values, SECTOR_NAMES),
        validity=validity,
    )


def _months(months: int) -> str:
    return f"{months // 12} 年" if months % 12 == 0 else f"{months} 个月"


@router.get("/measures", response_class=HTMLResponse, **audience(*EVERYONE))
def measures_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The published measures list (003 联合奖惩 §（十六））: kind, the
    lists that trigger each measure, whom it reaches, its action in each scenario, the
    initiating and implementing sectors, how information is shared and its legal basis."""
    list_names = {lst.code: lst.spec["name"] for lst in lists.all_lists(session)}
    measures = [m.spec for m in active_measures(session)]
    measures.sort(key=lambda m: (m["kind"] != "punishment", m["code"]))
    return _page(
        request,
        "measures.html",
        measures=measures,
        list_names=list_names,
        scenarios=SCENARIOS,
        actions=ACTION_NAMES,
        measure_kinds=MEASURE_KINDS,
        measure_types=MEASURE_TYPES,
        sectors=lambda values: _names(values, SECTOR_NAMES),
    )
