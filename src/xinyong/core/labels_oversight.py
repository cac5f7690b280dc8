"""The Chinese labels of the oversight of departments — notices and their acknowledgement, the
monthly reports of collection and use, the annual assessment (Measures art. 38–40; 004 §25;
docs/oversight.md, docs/notices.md) — re-exported by core/labels.py."""

from __future__ import annotations

__all__ = [
    "ACKNOWLEDGEMENT_STATES",
    "BETTER_NAMES",
    "INDICATOR_KINDS",
    "NOTICE_KINDS",
    "OVERSIGHT_FIELDS",
    "OVERSIGHT_REPORTS",
    "ROW_ERROR_CODES",
]

# ---- Notices (notices/, docs/notices.md)

NOTICE_KINDS = {
    "collection_monthly": "公共信用信息归集情况月度通报",
    "dual_publicity_monthly": "“双公示”信息报送情况月度通报",
    "use_monthly": "公共信用信息应用情况月度通报",
    "government_failures_quarterly": "政务失信情况季度通报",
}
ACKNOWLEDGEMENT_STATES = {"acknowledged": "已签收", "pending": "待签收"}

# ---- The monthly reports (oversight/, docs/oversight.md)

OVERSIGHT_REPORTS = {"collection": "归集情况", "use": "应用情况"}

# The figures of a department's row, by the names the reports, their CSVs, the scoring model
# and the assessment's breakdown give them.
OVERSIGHT_FIELDS = {
    # collection
    "items_owed": "应报信息项",
    "items_received": "本月已报信息项",
    "items_overdue": "逾期未报信息项",
    "items_current": "按期报送信息项",
    "completeness": "归集完整率",
    "batches": "报送批次",
    "rows": "报送条数",
    "accepted": "入库条数",
    "duplicates": "重复条数",
    "rejected": "退回条数",
    "rejection_rate": "退回率",
    "top_errors": "主要退回原因",
    "dated": "有决定日期的条数",
    "on_time": "按时报送条数",
    "timeliness": "报送及时率",
    "dp_total": "双公示信息条数",
    "dp_on_time": "双公示按时",
    "dp_late": "双公示迟报",
    "dp_undated": "双公示无决定日期",
    "dp_share": "双公示按时率",
    "objections_upheld": "异议成立（信息有误）",
    "quality_score": "数据质量得分",
    # use
    "checks": "核查次数",
    "subjects_checked": "核查主体数",
    "hits": "命中名单的核查",
    "measures_shown": "提示措施",
    "feedback_given": "本月反馈",
    "measures_applied": "已实施措施",
    "measures_not_applied": "未实施措施",
    "feedback_due": "本月应反馈",
    "feedback_on_time": "按期反馈",
    "feedback_timeliness": "反馈及时率",
    "feedback_overdue": "逾期未反馈",
    "reports_requested": "调取信用报告",
}

# ---- The annual assessment's scoring model (oversight/schemas.py)

INDICATOR_KINDS = {"share": "比率", "deduction": "按次扣分", "mean": "月度平均值"}
BETTER_NAMES = {"higher": "越高越好", "lower": "越低越好"}

# ---- The row errors of a batch, as the collection report names its top ones (records/)

ROW_ERROR_CODES = {
    "missing_field": "缺少必填字段",
    "invalid_field": "字段格式或取值不符",
    "unknown_field": "目录未列明的字段",
    "forbidden_field": "含有禁止归集的信息",
    "field_too_long": "字段过长",
    "unknown_item": "目录中没有该信息项",
    "not_item_source": "非该信息项的数据来源单位",
    "invalid_credit_code": "统一社会信用代码有误",
    "invalid_subject": "信息主体有误",
    "invalid_name": "主体名称有误",
    "invalid_record": "记录格式有误",
    "missing_severity": "缺少失信严重程度",
    "severity_not_graded": "失信严重程度不在有效期规则之列",
    "future_date": "日期晚于报送之日",
}
