"""core/labels: a step's detail, a row error's field and an actor as people read them."""

from __future__ import annotations

from xinyong.core import labels


def test_a_detail_is_read_by_names_and_coded_values_never_by_its_keys() -> None:
    detail = {
        "target_type": "record",
        "ground": "wrong_or_incomplete",
        "marked": True,
        "still_in_force": True,
        "evidence": ["1", "2"],
        "department": "amr",
        "reason_en": "an English twin",
        "internal_thing": "x",
        "due_on": "",
    }
    rows = labels.detail_rows(detail, {"amr": "南京市市场监督管理局"})
    assert rows == [
        ("异议对象", "公共信用信息"),
        ("理由", "信息与事实不符，存在记载错误或者遗漏"),
        ("异议标识", "已打上异议标识"),
        (
            "处理期间",
            "处理期间信息照常公示和使用（《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）第三十二条）",
        ),
        ("证明材料", "2 份"),
        ("办理单位", "南京市市场监督管理局"),
    ]


def test_nested_details_and_lists_are_read_by_their_own_names() -> None:
    conditions = [{"condition": "corrected", "met": False, "reason": "未提交", "reason_en": "no"}]
    [(name, text)] = labels.detail_rows({"conditions": conditions, "ways": ["commitment"]})[:1]
    assert name == "修复条件"
    assert text == f"条件：{labels.CONDITIONS['corrected']}，是否符合：不符合，事由：未提交"
    assert labels.detail_rows({"ways": ["commitment", "training"]}) == [
        ("修复方式", "作出信用承诺、接受专题培训")
    ]
    assert labels.detail_rows({"reason": "expiry"}) == [("事由", "期满退出")]
    assert labels.detail_rows({"reason": "经核实无误"}) == [("事由", "经核实无误")]
    # A subject's table: only its keys, in its words.
    assert labels.detail_rows({"upheld": False, "batch_id": "9"}, only=labels.STEP_DETAILS) == [
        ("核实结论", "不成立")
    ]


def test_a_row_errors_field_by_its_chinese_name() -> None:
    assert labels.field_path_name("subject.credit_code") == "统一社会信用代码"
    assert labels.field_path_name("fields.fine_amount", {"fine_amount": "罚款金额"}) == "罚款金额"
    assert labels.field_path_name("fields.odd") == "信息项字段（odd）"
    assert labels.field_path_name("links[1].id_number") == "关联人员第2项 身份证号码"
    assert labels.field_path_name(None) == labels.field_path_name("") == ""


def test_a_reads_purpose_in_words() -> None:
    assert labels.read_purpose("objection:12") == "办理异议（编号 12）调阅证明材料"
    assert labels.read_purpose("upload:") == "上传证明材料"
    assert labels.read_purpose("行政许可 2026-001") == "行政许可 2026-001"
    assert labels.read_purpose(None) == ""
