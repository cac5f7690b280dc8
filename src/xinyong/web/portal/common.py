"""What the portal's pages share: the audience, the names tables and the page plumbing."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from xinyong.core.api import clock
from xinyong.core.clock import local_date
from xinyong.core.labels import CATEGORY_NAMES, DISCLOSURE_NAMES
from xinyong.core.ratelimit import client_address
from xinyong.models import Role
from xinyong.web.site import Visitor, render

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
