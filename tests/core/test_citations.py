"""Citations a person reads name the seed document by title and number, never by file tag
(issue 14; /work/shared/docs/domain.md "How people cite them")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.citations import (
    DOCUMENTS,
    chinese_numeral,
    cite,
    cite_en,
    cite_tags_in,
    parse_chinese_numeral,
)

SRC = Path(__file__).parents[2] / "src" / "xinyong"

MEASURES = "《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）"
JOINT = "《江苏省关于建立完善守信联合激励和失信联合惩戒制度的实施意见》（苏政发〔2018〕23号）"
INTEGRITY = "《江苏省关于加强政务诚信建设的实施意见》（苏政发〔2018〕23号）"
NATIONAL = (
    "《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》"
    "（国办发〔2019〕35号）"
)
PROVINCIAL = (
    "《省政府办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的实施意见》"
    "（苏政办发〔2020〕10号）"
)
CITY = (
    "共青城市《关于贯彻落实〈江西省加快推进社会信用体系建设构建以信用为基础的新型监管机制的"
    "实施方案〉的通知》（共社信办字〔2020〕7号）"
)
WORK_POINTS = "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）"

# The article headings of the Measures as the seed writes them (003_1115abb0b5afdd75.txt).
ARTICLES = re.findall(
    "第[一二三四五六七八九十]+条",
    "第一条 第二条 第三条 第四条 第五条 第六条 第七条 第八条 第九条 第十条 第十一条 第十二条 "
    "第十三条 第十四条 第十五条 第十六条 第十七条 第十八条 第十九条 第二十条 第二十一条 "
    "第二十二条 第二十三条 第二十四条 第二十五条 第二十六条 第二十七条 第二十八条 第二十九条 "
    "第三十条 第三十一条 第三十二条 第三十三条 第三十四条 第三十五条 第三十六条 第三十七条 "
    "第三十八条 第三十九条 第四十条 第四十一条 第四十二条 第四十三条",
)


# --- numerals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 44))
def test_every_article_of_the_measures_is_numbered_as_the_seed_writes_it(n: int):
    assert f"第{chinese_numeral(n)}条" == ARTICLES[n - 1]
    assert cite(f"Measures art. {n}") == MEASURES + ARTICLES[n - 1]


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (24, "二十四"), (99, "九十九"),
     (100, "一百"), (101, "一百零一"), (110, "一百一十"), (113, "一百一十三"), (999, "九百九十九")],
)  # fmt: skip
def test_chinese_numeral(n: int, text: str):
    assert chinese_numeral(n) == text
    assert parse_chinese_numeral(text) == n


@given(st.integers(min_value=1, max_value=999))
def test_a_numeral_reads_back_as_its_number(n: int):
    text = chinese_numeral(n)
    assert parse_chinese_numeral(text) == n
    assert re.fullmatch("[一二三四五六七八九十百零]+", text)
    assert not text.startswith("一十")


@given(st.integers().filter(lambda n: not 1 <= n <= 999))
def test_no_numeral_outside_what_documents_number(n: int):
    with pytest.raises(ValueError):
        chinese_numeral(n)


@pytest.mark.parametrize("text", ["", "零", "一十", "二十零", "十十", "三2", "百", "一百十"])
def test_what_is_not_a_numeral_in_its_usual_form_is_refused(text: str):
    with pytest.raises(ValueError):
        parse_chinese_numeral(text)


# --- cite ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Measures art. 32", MEASURES + "第三十二条"),
        ("Measures art. 8", MEASURES + "第八条"),
        ("Measures art. 34 (三)", MEASURES + "第三十四条第（三）项"),
        ("Measures art. 34（二）", MEASURES + "第三十四条第（二）项"),
        ("Measures art. 9–13", MEASURES + "第九条至第十三条"),
        ("Measures art. 22, 36", MEASURES + "第二十二条、第三十六条"),
        ("Measures", MEASURES),
        ("000 §（十五）", PROVINCIAL + "第（十五）项"),
        ("000 §（一）, （五）", PROVINCIAL + "第（一）项、第（五）项"),
        ("002 §（十五）", NATIONAL + "第（十五）项"),
        ("002 §（六）–（七）", NATIONAL + "第（六）项至第（七）项"),
        ("001 §（十七）", CITY + "第（十七）项"),
        ("003 联合奖惩 §（二十一）", JOINT + "第（二十一）项"),
        ("003 联合奖惩 §（六）1", JOINT + "第（六）项第1目"),
        ("003 联合奖惩 §（三）–（七）", JOINT + "第（三）项至第（七）项"),
        ("003 联合奖惩 §（十八）、§（二十一）", JOINT + "第（十八）项、第（二十一）项"),
        ("003 联合奖惩 §（四）、§（六）2", JOINT + "第（四）项、第（六）项第2目"),
        ("003 政务诚信", INTEGRITY),
        ("003 政务诚信 §二（二）–（三）", INTEGRITY + "第二部分第（二）项至第（三）项"),
        ("004 §14", WORK_POINTS + "第14项"),
        ("004 §3, §9", WORK_POINTS + "第3项、第9项"),
    ],
)
def test_cite(tag: str, expected: str):
    assert cite(tag) == expected


@pytest.mark.parametrize(
    "tag", ["", "005 §（一）", "Measures art. x", "000 §十五", "000 §（十五", "Measures art. 8 9"]
)
def test_what_is_not_a_tag_is_refused(tag: str):
    with pytest.raises(ValueError):
        cite(tag)


def test_every_document_is_named_by_title_and_number():
    for document in DOCUMENTS.values():
        assert cite(document.tag) == document.name
        assert f"《{document.title}》（{document.number}）" in document.name


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Measures art. 32", "Jiangsu Public Credit Information Measures, art. 32"),
        ("Measures art. 9–13", "Jiangsu Public Credit Information Measures, arts. 9–13"),
        ("Measures art. 34 (三)", "Jiangsu Public Credit Information Measures, art. 34 (3)"),
        (
            "003 联合奖惩 §（六）1",
            "Jiangsu Implementing Opinions on Joint Rewards and Punishments"
            " (Su Zheng Fa [2018] No. 23), item (6) 1",
        ),
        (
            "000 §（十五）",
            "Jiangsu Implementing Opinions on a Credit-Based New Supervision Mechanism"
            " (Su Zheng Ban Fa [2020] No. 10), item (15)",
        ),
        (
            "004 §14",
            "Jiangsu 2022 Social Credit Work Points (Su Xin Yong Ban [2022] No. 8), point 14",
        ),
    ],
)
def test_cite_en(tag: str, expected: str):
    assert cite_en(tag) == expected


# --- tags left in a text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "反馈实施结果（苏政发〔2018〕23号 联合奖惩 §（十八）、§（二十一））",
            f"反馈实施结果（{JOINT}第（十八）项、第（二十一）项）",
        ),
        (
            f"{JOINT} 联合奖惩 §（三）–（七）；{MEASURES}第十七条",
            f"{JOINT}第（三）项至第（七）项；{MEASURES}第十七条",
        ),
        (f"{NATIONAL} §（十）（限制招标投标）", f"{NATIONAL}第（十）项（限制招标投标）"),
        (
            f"{JOINT}联合奖惩 §（四）（恶意欠薪）、§（六）2；",
            f"{JOINT}第（四）项（恶意欠薪）、第（六）项第2目；",
        ),
        (
            "（国办发〔2019〕35号 §（十一）；苏政办发〔2020〕10号 §（十一））",
            f"（{NATIONAL}第（十一）项；{PROVINCIAL}第（十一）项）",
        ),
        (
            "约谈（国办发〔2019〕35号 §（八））；整改不到位的约谈（§（九））",
            f"约谈（{NATIONAL}第（八）项）；整改不到位的约谈（{NATIONAL}第（九）项）",
        ),
        # A bare tag after the Measures, or with nothing before it, cannot be placed.
        (f"{MEASURES}第十七条（§（九））", f"{MEASURES}第十七条（§（九））"),
        ("（§（九））", "（§（九））"),
        ("没有标记的文字", "没有标记的文字"),
    ],
)
def test_cite_tags_in(text: str, expected: str):
    assert cite_tags_in(text) == expected


# --- no tag where a person reads -----------------------------------------------------------------

TAG = re.compile(r"§|Measures art|\b00[0-4] (?:§|联合奖惩|政务诚信)")


def _tags(text: str) -> list[str]:
    return [text[max(0, m.start() - 30) : m.end() + 15] for m in TAG.finditer(text)]


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.json")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_data_file_carries_a_file_tag(path: Path):
    assert _tags(path.read_text(encoding="utf-8")) == []


def test_no_template_shows_a_file_tag():
    """Outside comments, a template names a tag only through the ``cite`` filter."""
    found = {}
    for path in sorted((SRC / "web" / "templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"""(["'])[^"'{}]*\1\s*\|\s*cite(_en)?\b""", "", text)
        if _tags(text):
            found[str(path.relative_to(SRC))] = _tags(text)
    assert found == {}


def test_the_cite_filter_renders_in_the_pages_and_the_notice():
    from xinyong.reports.dual_publicity import _templates
    from xinyong.web.site import templates

    for env in (templates.env, _templates()):
        rendered = env.from_string('依据{{ "000 §（十五）" | cite }}').render()
        assert rendered == f"依据{PROVINCIAL}第（十五）项"


def _readable_literals(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that a person may read: not docstrings, not the API's
    ``description=`` (docs for developers), not the tag given to ``cite``/``cite_en``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        elif isinstance(node, ast.keyword) and node.arg == "description":
            skip.update(id(sub) for sub in ast.walk(node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("cite", "cite_en")
        ):
            skip.update(id(sub) for sub in ast.walk(node))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and TAG.search(node.value)
    ]


def test_no_string_a_person_reads_carries_a_file_tag():
    found = {
        f"{path.relative_to(SRC)}:{line}": value
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "core" / "citations.py"
        for line, value in _readable_literals(path)
    }
    assert found == {}


def test_the_literal_scan_finds_a_tag(tmp_path: Path):
    """The scan above can fail: a message with a tag is found, a docstring is not."""
    module = tmp_path / "sample.py"
    module.write_text(
        '"""Measures art. 8."""\n'
        'MESSAGE = "not in the catalog (Measures art. 8)"\n'
        'OK = cite("Measures art. 8")\n',
        encoding="utf-8",
    )
    assert _readable_literals(module) == [(2, "not in the catalog (Measures art. 8)")]
