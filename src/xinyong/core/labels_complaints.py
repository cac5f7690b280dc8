"""The Chinese labels of complaints and tip-offs (失信举报, complaints/), re-exported by
core/labels.py."""

from __future__ import annotations

__all__ = [
    "COMPLAINT_DAY_KINDS",
    "COMPLAINT_DETAILS",
    "COMPLAINT_PERIOD_FROM",
    "COMPLAINT_STATES",
    "COMPLAINT_STEPS",
    "COMPLAINT_SUBJECT_KINDS",
]

# complaints/rules: received → accepted | not_accepted; accepted → substantiated |
# unsubstantiated.
COMPLAINT_STATES = {
    "received": "待受理",
    "accepted": "已受理，核查中",
    "not_accepted": "不予受理",
    "substantiated": "查证属实",
    "unsubstantiated": "查无实据",
}
COMPLAINT_STEPS = {
    "filed": "提交举报",
    "referred": "转交主管部门",
    "accepted": "受理",
    "not_accepted": "不予受理",
    "replied": "答复举报人",
    "extended": "延长办理期限",
    "substantiated": "办结：查证属实",
    "unsubstantiated": "办结：查无实据",
}
# What a complaint's step says, by key: the pages read no other key (never an informant's
# identity: no step holds one).
COMPLAINT_DETAILS = {
    "sector": "失信行为所属领域",
    "department": "主管部门",
    "from_department": "转出部门",
    "by_department": "办理部门",
    "accept_due_on": "受理期限",
    "handle_due_on": "办理期限",
    "basis": "期限依据",
    "reply": "答复举报人",
    "reason": "不予受理理由",
    "approval": "延期批准",
    "previous_due_on": "原办理期限",
    "note": "转交说明",
    "record_id": "失信信息记录编号",
    "source_id": "来源编号",
}
COMPLAINT_SUBJECT_KINDS = {
    "legal_person": "单位",
    "non_legal_person_org": "单位",
    "natural_person": "个人",
}
COMPLAINT_DAY_KINDS = {"working": "个工作日", "calendar": "日"}
COMPLAINT_PERIOD_FROM = {
    "filed": "自收到举报之日起",
    "accepted": "自受理之日起",
    "handling_due": "自办理期限届满之日起延长",
}
