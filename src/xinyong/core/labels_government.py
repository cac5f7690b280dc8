"""Chinese names of the government-integrity codes (政务诚信, issue 18 part 1; docs/government.md),
re-exported by core/labels.py, where every label is looked up."""

from __future__ import annotations

# A 政务失信 case's states (government/rules.py).
CASE_STATES = {
    "open": "待说明整改",
    "explained": "已书面说明，整改中",
    "cleared": "已清理",
    "excluded": "容错免予记录",
}
# How a case was cleared.
CASE_CLEARED_AS = {"rectified": "整改完成", "paid": "账款已清偿"}
# The steps of a case, as the body and the authority read them.
CASE_STEPS = {
    "opened": "立案（书面说明并限期整改）",
    "explained": "书面说明原因",
    "rectification_reported": "报送整改情况",
    "payment": "清偿账款",
    "cleared": "清理完成",
    "excluded": "认定容错纠错",
    "interviewed": "约谈",
}
# What a case is late with.
CASE_LAPSES = {"explanation": "书面说明逾期", "rectification": "整改逾期"}
# The kinds of government body, by credit-code characters 1–2 (government/rules.BODY_PREFIXES).
BODY_KINDS = {"organ": "机关", "institution": "事业单位"}
# Debt-risk warnings (003 政务诚信 三（五））.
DEBT_LEVELS = {"yellow": "黄色预警（较高风险）", "red": "红色预警（高风险）", "": "未达预警线"}
REGION_LEVELS = {"province": "省", "city": "设区市", "county": "县（市、区）"}
