"""The Chinese labels of supervision during the fact — evaluation, graded supervision and
双随机、一公开, credit reports, 专项治理, risk warnings — split from core/labels.py (which
re-exports them) to keep each module short."""

from __future__ import annotations

__all__ = [
    "DRAW_FIELDS",
    "DRIFT_NAMES",
    "EVALUATION_ENGINES",
    "EVALUATION_SOURCES",
    "GRADE_CAPS",
    "GRADE_NAMES",
    "GRADE_SOURCES",
    "GRADE_TITLES",
    "INDUSTRY_SECTIONS",
    "MESSAGE_CHANNELS",
    "MESSAGE_STATES",
    "MODEL_STATUSES",
    "MODEL_SUBJECTS",
    "OVERDUE_STATES",
    "PLAN_STATES",
    "REGISTERING_AUTHORITIES",
    "REPORT_BASES",
    "RUN_KINDS",
    "RUN_STATES",
    "SUPERVISION_FREQUENCY",
    "WARNING_AUDIENCES",
    "WARNING_CONDITIONS",
    "WARNING_PHASES",
    "WARNING_SEVERITIES",
]

# ---- Evaluation (evaluation/, docs/evaluation.md)

GRADE_NAMES = {"A": "优", "B": "良", "C": "中", "D": "差"}
# What capped a grade: a list in force of this kind.
GRADE_CAPS = {"black": "列入严重失信主体名单", "watch": "列入重点关注对象名单"}
MODEL_STATUSES = {"draft": "草稿", "published": "已发布", "superseded": "已被替代"}
MODEL_SUBJECTS = {"organisation": "法人和非法人组织", "natural_person": "自然人"}
RUN_KINDS = {"full": "全量评价", "incremental": "增量评价"}
RUN_STATES = {"running": "进行中", "done": "已完成", "failed": "失败"}
EVALUATION_ENGINES = {"duckdb": "DuckDB", "spark": "Apache Spark"}
# The population stability index of a full run against the one before (evaluation/rules.drift).
DRIFT_NAMES = {"stable": "稳定", "shift": "值得关注", "changed": "显著变化"}
EVALUATION_SOURCES = {
    "record": "信用信息",
    "list_entry": "名单条目",
    "commitment": "信用承诺",
    "declaration": "自主申报",
}

# ---- Graded supervision and 双随机、一公开 (issue 16; inspections/)

# A plan's states (models/inspections.PlanState).
PLAN_STATES = {"draft": "草稿", "published": "已公开", "drawn": "已抽取"}
# A supervision class's frequency: at most / at least so many inspections a year.
SUPERVISION_FREQUENCY = {"at_most": "每年不超过{n}次", "at_least": "每年不少于{n}次"}
# Where a subject's grade for a field came from (inspections/rules.supervision_grade).
GRADE_SOURCES = {
    "field": "行业信用评价与公共信用综合评价结合",
    "public": "公共信用综合评价",
    "none": "未评价",
}
# Kinds of organisation a plan's population names (credit code's registering authority, GB
# 32100-2015 表1: the first character).
REGISTERING_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监管（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
# Results overdue for the department and the authority (inspections/service.overdue).
OVERDUE_STATES = {"missing": "逾期未公示", "late": "超期公示"}
# The draw's parts as a page shows them.
DRAW_FIELDS = {
    "algorithm": "抽取算法",
    "seed": "随机种子",
    "snapshot_sha256": "对象名录快照 SHA-256",
    "pool_sha256": "检查人员名录 SHA-256",
    "population": "对象总数",
    "drawn": "抽取户数",
}

# ---- Credit reports (issue 17 part 1, docs/reports.md)

# Why a report was issued to its reader (models/credit_reports.ReportBasis).
REPORT_BASES = {
    "own": "信息主体本人查询",
    "review": "信用审查",
    "authorised": "经信息主体授权查询",
}
# A band with its letter, as a report prints it: A（优）.
GRADE_TITLES = {grade: f"{grade}（{name}）" for grade, name in GRADE_NAMES.items()}

# ---- 专项治理 (reports/governance.py)

# The sections (门类) of 国民经济行业分类 (GB/T 4754—2017), by the letter an industry code begins
# with: how 专项治理 statistics group failing subjects (reports/governance.py).
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
    "": "未登记行业",
}

# ---- Risk warnings (风险预警, issue 17 part 2; docs/risk.md)

WARNING_SEVERITIES = {"notice": "提示", "warning": "预警", "serious": "严重预警"}
WARNING_AUDIENCES = {"subject": "信用主体", "department": "监管部门", "authority": "信用主管部门"}
WARNING_CONDITIONS = {
    "date_due": "日期临近或已过",
    "count_within": "期间内累计次数",
    "amount_over": "金额超过限额",
    "grade_drop": "评价等级下降",
    "linked_black_list": "关联严重失信主体",
}
WARNING_PHASES = {"due": "即将届满", "overdue": "已逾期"}
MESSAGE_STATES = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}
MESSAGE_CHANNELS = {"email": "电子邮件", "sms": "短信"}
