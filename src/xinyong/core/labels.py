"""The Chinese names people read for the platform's codes: one table per kind of code, for the
pages, the CSV exports and the official documents alike (one name per code everywhere).

Keys are the codes' string values (a ``str`` enum member finds its name too). The names follow
the glossary of the product brief (docs/domain.md); where a page says something about its own
reader (a department reads “待本部门核实”), the variant is a table of its own, named so, built
from the common one.
"""

from __future__ import annotations

from xinyong.core.citations import cite
from xinyong.core.labels_complaints import *  # noqa: F403

# Evaluation, graded supervision, credit reports and 专项治理 live in labels_supervision.py (module
# length); re-exported here, where every label is looked up.
from xinyong.core.labels_government import *  # noqa: F403
from xinyong.core.labels_oversight import *  # noqa: F403
from xinyong.core.labels_quality import *  # noqa: F403
from xinyong.core.labels_supervision import *  # noqa: F403

# ---- Who: roles, subjects, departments

# Measures art. 4–7 name the parties; the glossary's names (docs/domain.md, roles).
ROLE_NAMES = {
    "authority": "信用管理部门",
    "provider": "信息提供单位",
    "user_department": "信息使用单位",
    "subject": "信息主体",
    "public": "社会公众",
}
SUBJECT_KINDS = {
    "legal_person": "法人",
    "non_legal_person_org": "非法人组织",
    "natural_person": "自然人",
}
# Persons linked to an organisation whom its measures reach (Measures art. 29).
LINKED_ROLES = {
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "actual_controller": "实际控制人",
    "responsible_person": "直接责任人员",
}
# Whom a measure of the measures list reaches: the listed subject or a linked person.
MEASURE_TARGETS = {"subject": "名单主体", **LINKED_ROLES}
# Every role a person's link to an organisation may have: those above, and a natural-person
# shareholder (related parties only; models.LinkRole).
LINK_ROLES = {**LINKED_ROLES, "shareholder": "股东"}
# Departments' sectors (catalog/schemas.SECTORS is the set of these codes).
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
    # 003 政务诚信 二（三）, 二（五）: discipline records and the personnel side of civil servants.
    "discipline_inspection": "纪检监察",
    "organisation_personnel": "组织人事",
    "other": "其他",
}

# ---- The catalog and its records

# Measures art. 9–13 (categories) and art. 19 (disclosure classes).
CATEGORY_NAMES = {
    "basic": "基础信息",
    "positive": "正面信息",
    "negative": "负面信息",
    "other": "其他信息",
}
DISCLOSURE_NAMES = {"public": "社会公开", "government": "政府共享", "authorised": "授权查询"}
# Measures art. 15, 30.
SEVERITY_NAMES = {
    "minor": "轻微失信",
    "general": "一般失信",
    "serious": "较重失信",
    "severe": "严重失信",
}
STANDING_NAMES = {
    "active": "有效",
    "expired": "已过有效期",
    "corrected": "已更正",
    "revoked": "已撤销",
    "repaired": "已修复",
    "excluded": "容错免予记录",
}
CATALOG_STATUSES = {"draft": "草稿", "published": "已发布", "superseded": "已被替代"}
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
# The ten administrative acts of 双公示 (000 §（十五）).
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
# How a batch reached the platform (省统一推送 / 同级推送).
CHANNELS = {"same_level": "同级推送", "province_unified": "省统一推送"}
# Where a year of the working-day calendar comes from (core/calendar Source), and its days.
CALENDAR_SOURCES = {"chinesecalendar": "内置节假日数据", "authority": "主管部门载入"}
CALENDAR_DAYS = {"holiday": "法定节假日", "working_weekend": "调休上班"}
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# ---- Lists and their procedure

LIST_KINDS = {"red": "红名单", "black": "黑名单", "watch": "重点关注对象名单"}
# What a check answers a subject is in: the lists' kinds and the platform's own list of
# uncleared 政务失信 (government/rules.FAILURES_KIND).
CHECK_ENTRY_KINDS = {**LIST_KINDS, "government_failure": "政务失信"}
ENTRY_STATES = {
    "notice": "公示（告知）中",
    "candidate": "待确认",
    "listed": "已列入",
    "withdrawn": "已撤回",
    "exited": "已退出",
}
EXIT_REASONS = {
    "expiry": "期满退出",
    "repair": "信用修复后退出",
    "revocation": "认定有误，予以撤销",
    "black_listed": "因列入黑名单移出",
}
# The steps of a list entry's procedure (lists/service).
STEP_NAMES = {
    "candidate": "列为候选",
    "cross_checked": "交叉比对",
    "public_notice": "公示",
    "prior_notice": "事前告知",
    "objection_filed": "提出异议（陈述申辩）",
    "objection_decided": "异议处理",
    "withdrawn": "撤回",
    "confirmed": "确认列入",
    "related_persons_recorded": "记入相关责任人档案",
    "related_person_records_revoked": "撤销相关责任人档案记录",
    "exited": "退出",
    "exit_notice": "退出公告",
    "rectified": "完成整改",
    "interview": "约谈",
}

# ---- Joint reward and punishment, checks

# The business scenarios a check is made in (逢办必查, 000 §（十六）).
SCENARIOS = {
    "government_procurement": "政府采购",
    "bidding": "招标投标",
    "fiscal_funding": "财政性资金项目",
    "tax_incentive": "税收优惠",
    "administrative_licensing": "行政许可",
    "honours": "评先评优、表彰奖励",
    "financing": "融资信贷",
    "high_consumption": "高消费",
    "market_access": "市场准入、行业准入",
    "securities_issuance": "股票、债券发行",
    "public_employment": "招录聘用、任职",
    "inspection": "监督检查",
    # 003 政务诚信 二（四）–（五）: 选拔任用、评优评先、职务晋升中查询政务领域信用档案.
    "government_honours_and_promotion": "公务员评优评先、职务晋升",
}
# A measure's action, and a check's decision (the strongest action reached, or none):
# 自动比对、自动提示、自动拦截 (002 §（十）).
ACTIONS = {
    "intercept": "自动拦截",
    "prompt": "自动提示",
    "facilitate": "激励便利",
    "clear": "无措施",
}
MEASURE_KINDS = {"reward": "守信激励", "punishment": "失信惩戒"}
MEASURE_TYPES = {
    "administrative": "行政性措施",
    "market": "市场性措施",
    "industry": "行业性措施",
    "social": "社会性措施",
}
# What publishing a measures list did to each measure (measures/service publish_measures).
MEASURE_CHANGES = {"added": "新增", "revised": "修订", "retired": "停用"}

# ---- Objections, appeals, repairs (Measures art. 31–35)

TASK_KINDS = {
    "objection_review": "异议审查",
    "objection_verification": "异议核实",
    "objection_correction": "异议更正",
    "appeal_review": "申诉复核",
    "repair_opinion": "修复意见",
    "repair_objection": "修复公示异议",
    "list_objection": "名单异议核实",
    "declaration_verification": "自主申报核验",
    "commitment_verification": "告知承诺核查",
    "licence_revocation": "撤销许可",
    "risk_warning": "风险预警核查",
    "government_explanation": "政务失信书面说明",
    "government_rectification": "政务失信限期整改",
    "complaint_handling": "失信举报办理",
    "update_overdue": "逾期未报送",
    "quality_finding": "数据质量问题核查",
}
PROCEDURE_NAMES = {"objection": "异议", "repair": "信用修复"}
OBJECTION_GROUNDS = {
    "wrong_or_incomplete": "信息与事实不符，存在记载错误或者遗漏",
    "forbidden_data": "归集了禁止归集的信息",
    "past_validity": "失信信息超期限使用",
}
OBJECTION_STATES = {
    "review": "平台审核中",
    "verification": "信息提供单位核实中",
    "correction": "更正中",
    "closed": "已办结",
}
# The same states as the verifying department reads them: its own work first.
PROVIDER_OBJECTION_STATES = {
    "verification": "待本部门核实",
    **{k: v for k, v in OBJECTION_STATES.items() if k != "verification"},
}
OBJECTION_OUTCOMES = {"upheld": "异议成立", "rejected": "异议不成立"}
APPEAL_STATES = {"review": "信用管理部门处理中", "closed": "已办结"}
APPEAL_OUTCOMES = {"upheld": "申诉成立", "dismissed": "申诉不成立"}
REPAIR_STATES = {
    "opinion": "待信息提供单位出具意见",
    "notice": "公示中",
    "effective": "已生效",
    "refused": "不予修复",
}
# The ways of repair (002 §（十三）; 000 §（十三）).
REPAIR_WAYS = {
    "commitment": "作出信用承诺",
    "rectification": "完成信用整改",
    "credit_check": "通过信用核查",
    "training": "接受专题培训",
    "credit_report": "提交信用报告",
    "public_interest": "参加公益慈善活动",
}
EVIDENCE_KINDS = {
    "evidence": "证明材料",
    "authorisation": "授权委托书",
    **REPAIR_WAYS,
    "commitment_scan": "承诺书扫描件",
}
# The conditions of repair, in the words of Measures art. 34.
CONDITIONS = {
    "corrected": "（一）已纠正失信行为，取得明显成效，不良社会影响已基本消除",
    "no_repeat_within_year": "（二）自纠正之日起 1 年内未再发生同类失信行为",
    "commitment": "（三）强化诚信自律、建立信用管理制度并承诺不再失信",
}
# The steps of an objection, an appeal and a repair (rights/steps).
PROCEDURE_STEPS = {
    "filed": "提出申请",
    "referred": "转交信息提供单位核实",
    "verified": "信息提供单位核实",
    "rejected": "异议不成立",
    "upheld": "异议成立",
    "dismissed": "申诉不成立",
    "listing_revoked": "撤销错误列入的名单",
    "corrected": "更正信息",
    "revoked": "撤销信息",
    "expiry_confirmed": "确认已过有效期",
    "re_evaluated": "重新评价",
    "appealed": "提出申诉",
    "applied": "提出修复申请",
    "eligible": "符合修复条件",
    "opinion_requested": "请信息提供单位出具意见",
    "opinion": "信息提供单位出具修复意见",
    "public_notice": "公示",
    "objection_filed": "公示期间有人提出异议",
    "objection_decided": "公示期异议核实",
    "refused": "不予修复",
    "effective": "修复生效",
    "appeal_upheld": "申诉成立，进入公示",
}
# What a step's detail says, as a department reads it (yes / no values read 是 / 否).
DETAIL_NAMES = {
    "reason": "事由",
    "basis_records": "认定依据",
    "department": "部门",
    "notice_ends_on": "期满日",
    "listed_until": "列入期限至",
    "rectify_by": "整改期限",
    "batch_id": "批次",
    "persons": "人员",
    "objection_id": "异议编号",
    "upheld": "异议成立",
    "explanation": "说明",
    "notice": "公告",
    "monitoring_until": "重点监测至",
    "benefits_recall": "收回激励权益",
    "interview_type": "约谈类型",
    "record_id": "记录编号",
    "record": "记录编号",
    "list_entries": "名单条目",
    "found_wrong": "信息有误",
    "opinion": "意见",
    "verify_due_on": "核实期限",
    "text": "内容",
    "positive": "同意修复",
    "statement": "陈述",
    "due_on": "期限",
    "stage": "阶段",
    "blocking": "阻止列入的条目",
    "black_entry": "黑名单条目",
    "black_list": "黑名单",
}
# What a step's detail says, for the keys a subject reads (the rest are internal ids); the
# yes / no values are spelt out by the page (信息有误 / 信息无误, …).
STEP_DETAILS = {
    "ground": "理由",
    "review_due_on": "审核期限",
    "verify_due_on": "核实期限",
    "correction_due_on": "更正期限",
    "appeal_by": "申诉期限",
    "due_on": "办理期限",
    "department": "办理单位",
    "found_wrong": "核实结论",
    "opinion": "意见",
    "reason": "理由",
    "marked": "异议标识",
    "still_in_force": "处理期间",
    "mark_removed": "异议标识",
    "agent_name": "代理人",
    "corrected_on": "纠正日期",
    "ways": "修复方式",
    "opinion_due_on": "意见期限",
    "positive": "修复意见",
    "text": "意见",
    "notice_ends_on": "公示截止",
    "statement": "陈述",
    "upheld": "核实结论",
    "onward_route": "救济途径",
    "late": "是否逾期",
    "stage": "环节",
}
# ---- Reading a step's detail, a record's fields, an actor (pages, CSV exports, documents)

# What a procedure is about (objections/schemas TargetType).
TARGET_TYPES = {
    "record": "公共信用信息",
    "list_entry": "名单条目",
    "evaluation": "公共信用综合评价结果",
}
# The stage of a repair at which it was refused (repairs/service).
REPAIR_STAGES = {"opinion": "出具意见", "objection": "公示期异议", "effect": "生效前复核"}
# How a repair's public notice began (repairs/service).
NOTICE_VIA = {"appeal": "申诉成立后", "opinion": "信息提供单位同意修复后"}
# Every key of a step's detail that a person reads, by name (the rest are not shown); the
# subject's table, STEP_DETAILS, words a few of them for the subject itself.
STEP_DETAIL_NAMES = {
    **DETAIL_NAMES,
    **STEP_DETAILS,
    "reason": "事由",
    "department": "办理单位",
    "target_type": "异议对象",
    "target_id": "对象编号",
    "target": "对象",
    "evidence": "证明材料",
    "appeal_id": "申诉编号",
    "repair_id": "修复申请编号",
    "entry_id": "名单条目编号",
    "new_record_id": "更正后的记录编号",
    "related_person_records": "相关责任人记录",
    "entries": "名单条目",
    "records": "记录编号",
    "procedure": "程序",
    "against": "申诉所针对的程序",
    "against_id": "申诉所针对的编号",
    "appealable": "可否申诉",
    "conditions": "修复条件",
    "condition": "条件",
    "met": "是否符合",
    "via": "启动方式",
    "verify_by": "核实期限",
    "list": "名单",
    "name": "姓名",
    "responsibility": "责任",
    "type": "类型",
    "id": "编号",
    "count": "数量",
    "as_of": "截至",
    "grade": "信用等级",
    "previous_grade": "原信用等级",
    "score": "得分",
    "previous_score": "原得分",
    "model": "评价模型",
    "evaluated_on": "评价日",
    "grade_changed": "等级是否变化",
}
# Coded values, by the key that carries them: a value not in its table is shown as given.
DETAIL_VALUES: dict[str, dict[str, str]] = {
    "ground": OBJECTION_GROUNDS,
    "target_type": TARGET_TYPES,
    "type": TARGET_TYPES,
    "procedure": {**PROCEDURE_NAMES, "appeal": "申诉"},
    "against": {**PROCEDURE_NAMES, "appeal": "申诉"},
    "ways": REPAIR_WAYS,
    "kind": EVIDENCE_KINDS,
    "stage": REPAIR_STAGES,
    "via": NOTICE_VIA,
    "reason": EXIT_REASONS,
    "condition": CONDITIONS,
    "severity": SEVERITY_NAMES,
    "standing": STANDING_NAMES,
    "state": ENTRY_STATES,
    "responsibility": LINKED_ROLES,
}
# Yes / no, in the words of the key (the rest read 是 / 否).
DETAIL_YES_NO = {
    "found_wrong": ("信息有误", "信息无误"),
    "upheld": ("成立", "不成立"),
    "positive": ("同意修复", "不同意修复"),
    "marked": ("已打上异议标识", "未打异议标识"),
    "mark_removed": ("已去除异议标识", "保留异议标识"),
    "grade_changed": ("等级已变化", "等级未变化"),
    # Measures art. 32: a record under objection is marked and still published and used.
    "still_in_force": (
        f"处理期间信息照常公示和使用（{cite('Measures art. 32')}）",
        "处理期间暂停公示和使用",
    ),
    "late": ("逾期办理", "按期办理"),
    "met": ("符合", "不符合"),
    "appealable": ("可以申诉", "不可申诉"),
    "benefits_recall": ("收回", "不收回"),
}


def detail_value(key: str, value: object, names: dict[str, str] | None = None) -> str:
    """A step's detail value as people read it: a coded value by its name, yes / no in the
    key's words, a list joined, a nested detail by its own names. ``names`` maps other codes
    the page knows (departments, lists) to their names."""
    if isinstance(value, bool):
        yes, no = DETAIL_YES_NO.get(key, ("是", "否"))
        return yes if value else no
    if isinstance(value, dict):
        return "，".join(f"{k_name}：{text}" for k_name, text in detail_rows(value, names))
    if isinstance(value, list):
        if key == "evidence":
            return f"{len(value)} 份"
        joint = "；" if any(isinstance(v, dict) for v in value) else "、"
        return joint.join(detail_value(key, v, names) for v in value if v not in (None, ""))
    text = str(value)
    table = DETAIL_VALUES.get(key)
    if table and text in table:
        return table[text]
    if names and text in names:
        return names[text]
    return text


def detail_rows(
    detail: dict, names: dict[str, str] | None = None, only: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(name, text) of each key of a step's detail that people read, in order; keys of no
    name (internal ids, English twins ``…_en``) and empty values are left out. ``only``: the
    table of keys to read instead of STEP_DETAIL_NAMES (a subject's, STEP_DETAILS)."""
    table = only if only is not None else STEP_DETAIL_NAMES
    rows = []
    for key, value in detail.items():
        if key not in table or value in (None, "", [], {}):
            continue
        rows.append((table[key], detail_value(key, value, names)))
    return rows


# The paths of a collected record's parts, as a row error names its field (records/checkers).
RECORD_PARTS = {
    "item": "信息项",
    "source_id": "来源编号",
    "subject": "信息主体",
    "subject.name": "主体名称",
    "subject.credit_code": "统一社会信用代码",
    "subject.id_number": "身份证号码",
    "subject.kind": "主体类型",
    "severity": "失信程度",
    "determined_on": "认定日期",
    "expires_on": "有效期至",
    "fields": "信息项字段",
    "links": "关联人员",
    "file": "文件",
    "channel": "报送渠道",
    "records": "记录",
}


def field_path_name(path: str | None, field_labels: dict[str, str] | None = None) -> str:
    """A row error's field as people read it: ``subject.credit_code`` → 统一社会信用代码,
    ``fields.fine_amount`` → the catalog's label of the field (罚款金额), ``links[0].name``
    → 关联人员第1项 主体名称."""
    if not path:
        return ""
    if path in RECORD_PARTS:
        return RECORD_PARTS[path]
    if path.startswith("fields."):
        name = path.removeprefix("fields.")
        return (field_labels or {}).get(name, f"{RECORD_PARTS['fields']}（{name}）")
    head, dot, rest = path.partition(".")
    if "[" in head and head.endswith("]"):
        base, _, index = head[:-1].partition("[")
        if base in RECORD_PARTS and index.isdigit():
            inner = field_path_name(f"subject.{rest}") if rest else ""
            return f"{RECORD_PARTS[base]}第{int(index) + 1}项" + (f" {inner}" if inner else "")
    return RECORD_PARTS.get(head, path) + (f"（{rest}）" if dot else "")


# Who took a step, as the audit log names the caller (core/auth Principal.actor): a person's
# account ``user:<username>``, an API token ``<role>:<department>#t<id>`` or ``<role>#t<id>``,
# the platform's jobs ``system``.
# The purpose the platform gives its own reads of evidence files (rights/evidence):
# ``<procedure>:<id>``.
EVIDENCE_PURPOSES = {**PROCEDURE_NAMES, "appeal": "申诉", "upload": "上传"}


def read_purpose(purpose: str | None) -> str:
    """A read's purpose as people read it: the caller's own words, or, for the platform's
    reads of evidence, the procedure it serves (异议 123 的证明材料)."""
    if not purpose:
        return ""
    head, sep, number = purpose.partition(":")
    if sep and head in EVIDENCE_PURPOSES and (number.isdigit() or not number):
        what = EVIDENCE_PURPOSES[head] + (f"（编号 {number}）" if number else "")
        return f"办理{what}调阅证明材料" if head != "upload" else "上传证明材料"
    return purpose


# The documents issued to a subject (rights/documents): each title begins with its kind.
DOCUMENT_KINDS = {
    "objection_decision": "异议处理决定书",
    "apology": "致歉及澄清函",
    "clarification": "澄清说明",
    "appeal_decision": "申诉处理决定书",
    "repair_decision": "信用修复文书",
}
# Reads of a subject's non-public information, by their audit action.
READ_ACTIONS = {
    "archive.read": "查阅信用档案",
    "subject.read": "查阅身份信息（完整身份证号码）",
    "evidence.read": "调阅证明材料",
    "report.issued": "出具信用报告",
    "subject.related_read": "查阅关联关系",
    "evaluation.read": "查阅信用评价",
    "warning.read": "查阅风险预警",
}
# The steps of an appeal (objections/appeals): its outcome is the appeal's, not the objection's.
APPEAL_STEPS = {
    **PROCEDURE_STEPS,
    "filed": "提出申诉",
    "upheld": "申诉成立",
    "dismissed": "申诉不成立",
}


# ---- People of a department (issue 14): staff roles, decisions of two persons

STAFF_ROLES = {"handler": "经办", "reviewer": "审核", "admin": "管理员"}
DECISION_OUTCOMES = {
    "": "待审核",
    "approved": "审核通过",
    "returned": "已退回",
    "withdrawn": "已撤回",
}
# An API token is a system's interface, not a person (pages, CLI, the actors' names).
API_TOKEN = "系统接口令牌"


# ---- Credit commitments (issue 15): the item list's types, a commitment's states and steps

# The five types in practice (002 §（一）; 000 §（一）; 004 §9).
COMMITMENT_TYPES = {
    "approval_substitute": "审批替代型（告知承诺）",
    "missing_documents": "容缺受理型",
    "self_discipline": "行业自律型",
    "voluntary": "主动型",
    "repair": "信用修复型",
}
# 承诺履约状态, as the national portal shows it.
COMMITMENT_STATES = {
    "pending": "履约中",
    "fulfilled": "已履约",
    "breached": "未履约",
    "false": "虚假承诺",
    "withdrawn": "已撤回",
}
COMMITMENT_CHANNELS = {"online": "在线承诺", "paper": "书面承诺"}
COMMITMENT_STEPS = {
    "signed": "作出承诺",
    "accepted": "承诺受理",
    "fulfilled": "认定已履约",
    "breached": "认定未履约",
    "false": "认定虚假承诺",
    "withdrawn": "撤回承诺",
    "revocation_recorded": "撤销许可决定",
    "documents_supplied": "补齐容缺材料",
}
VERIFICATION_DAY_KINDS = {"working": "工作日", "calendar": "自然日"}


# ---- Self-declaration (issue 15, part 6; 000 §（五）): categories, states, steps, fields

# The five kinds of information 000 §（五） names.
DECLARATION_CATEGORIES = {
    "qualification": "资质证照",
    "operation": "生产经营",
    "contract": "合同履行",
    "honour": "表彰奖励",
    "public_interest": "社会公益",
}
DECLARATION_STATES = {
    "pending": "待核验",
    "verified": "已核验",
    "rejected": "核验未通过",
    "false": "虚假申报",
}
DECLARATION_STEPS = {
    "declared": "自主申报并作出真实性承诺",
    "referred": "转主管部门核验",
    "verified": "核验通过",
    "rejected": "核验未通过",
    "false": "认定虚假申报",
}
DECLARATION_VERIFIERS = {"automatic": "平台自动核验", "department": "主管部门核验"}
# How a verified declaration is marked wherever it is shown (the archive, reports).
SELF_DECLARED = "自主申报"
# Why the platform could not verify a declaration itself (declarations/rules.automatic).
DECLARATION_FINDINGS = {
    "not_judged_by_platform": "该类信息须由主管部门核验",
    "registration_closed": "登记状态为吊销、注销或迁出",
    "legal_representative_unknown": "登记信息中无法定代表人",
    "legal_representative_differs": "申报的法定代表人与登记信息不一致",
    "no_confirming_record": "平台归集的信息中未找到相符的记录",
}
# The fields of each category (declarations/schemas.py).
DECLARATION_FIELDS = {
    "licence_name": "证照名称",
    "licence_number": "证照编号",
    "issuing_authority": "发证机关",
    "valid_from": "有效期自",
    "valid_to": "有效期至",
    "period_from": "经营期间自",
    "period_to": "经营期间至",
    "revenue": "营业收入（万元）",
    "employees": "从业人数",
    "tax_paid": "纳税额（万元）",
    "description": "说明",
    "counterparty": "合同相对方",
    "counterparty_code": "合同相对方统一社会信用代码",
    "contract_subject": "合同标的",
    "amount": "金额（万元）",
    "signed_on": "签订日期",
    "performed_on": "履行完毕日期",
    "title": "表彰奖励名称",
    "awarding_body": "授予单位",
    "awarded_on": "授予日期",
    "level": "级别",
    "document_number": "文件文号",
    "activity": "公益活动名称",
    "held_on": "活动日期",
    "organiser": "组织单位",
    "hours": "服务时长（小时）",
}

# The fields of the commitment item list (信用承诺事项清单), as `xinyong commitments` names them.
COMMITMENT_ITEM_FIELDS = {
    "items": "事项清单",
    "code": "事项代码",
    "name": "事项",
    "type": "类型",
    "procedure": "所属事项",
    "subject_kinds": "适用对象",
    "sector": "受理部门",
    "legal_basis": "依据",
    "published": "是否公开",
    "verification": "核查期限",
    "method": "核查方式",
    "days": "天数",
    "day_kind": "日的种类",
    "breach": "违诺后果",
    "item": "失信信息项",
    "severity": "失信程度",
    "watch_list_eligible": "可否列入重点监管",
    "obligations": "承诺内容",
    "template": "格式文本",
}

# What a commitment's step says (commitments/service), by key: the pages read no other key.
COMMITMENT_DETAILS = {
    "item": "承诺事项",
    "template_version": "格式文本版本",
    "text_sha256": "承诺书摘要（SHA-256）",
    "channel": "承诺方式",
    "department": "承诺受理单位",
    "due_on": "履约期限",
    "missing_documents": "容缺材料",
    "documents": "本次补齐的材料",
    "outstanding": "尚缺材料",
    "note": "核查情况",
    "decision_number": "认定文书号",
    "record_id": "失信信息记录编号",
    "severity": "失信程度",
    "watch_list_eligible": "可作为列入重点关注对象名单的依据",
    "evidence": "证明材料",
    "reason": "撤回理由",
}
