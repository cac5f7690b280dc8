"""The Chinese labels of data quality (quality/, docs/quality.md) — the checks, the states of a
finding, how an overdue duty closed, the runs — re-exported by core/labels.py."""

from __future__ import annotations

__all__ = [
    "DUTY_CLOSINGS",
    "FINDING_STATES",
    "QUALITY_CHECKS",
    "QUALITY_FACTS",
    "QUALITY_RUN_KINDS",
    "QUALITY_SEVERITIES",
]

# What each kind of check finds (quality/schemas.py): the rule's own title is its name.
QUALITY_CHECKS = {
    "name_mismatch": "主体名称与登记名称不一致",
    "region_mismatch": "属地报送信息的主体不在本部门辖区",
    "duplicate_decision": "同一决定文书号重复报送",
    "decision_after_arrival": "决定日期晚于报送日期",
    "dual_publicity_fields_empty": "双公示必填项为空",
}
# What a finding's fact is, by its check: the column heading of the fact.
QUALITY_FACTS = {
    "name_mismatch": "报送的主体名称",
    "region_mismatch": "统一社会信用代码中的行政区划",
    "duplicate_decision": "决定文书号",
    "decision_after_arrival": "决定日期",
    "dual_publicity_fields_empty": "为空的字段",
}
QUALITY_SEVERITIES = {"serious": "严重", "general": "一般", "minor": "轻微"}
FINDING_STATES = {
    "open": "待处理",
    "confirmed": "经核实无误",
    "corrected": "已更正",
    "withdrawn": "已撤回",
    "superseded": "记录已另行更正或撤销",
}
DUTY_CLOSINGS = {
    "push": "已报送",
    "nil_return": "已零报送",
    "not_owed": "不再承担报送责任",
}
QUALITY_RUN_KINDS = {"daily": "每日检查", "incremental": "增量检查", "full": "全量检查"}
