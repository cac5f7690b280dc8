"""How text a person reads cites the policy seeds (/work/shared/docs/domain.md "How people cite
them"; issue 14).

Code comments and docs cite a seed by its file tag — ``Measures art. 32``, ``000 §（十五）``,
``003 联合奖惩 §（六）1``. A page, a document, a CSV or an error message names the document by
title and issuing number, then the article or item:

    cite("Measures art. 32")
    == "《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）第三十二条"

One place for the mapping:

- ``DOCUMENTS``: each tag (``002``, ``000``, ``001``, ``003 政务诚信``, ``003 联合奖惩``,
  ``Measures``, ``004``) with its title, issuing number and how its parts are named.
- ``cite(tag)``: the Chinese citation; ``cite_en(tag)``: the English one, for ``message_en``.
- ``cite_tags_in(text)``: a text that still carries tags (``（苏政发〔2018〕23号 联合奖惩
  §（十八））``) with each run of tags written out; for the stored lists and measures of an
  installation published before the tags were written out.
- ``chinese_numeral`` / ``parse_chinese_numeral``: 32 ⇄ 三十二.

The forms of a tag's parts:

==========================  ==============================================
``§（十五）``                第（十五）项
``§（六）1``                 第（六）项第1目
``§（三）–（七）``           第（三）项至第（七）项
``§（十八）、§（二十一）``   第（十八）项、第（二十一）项
``§二（二）–（三）``         第二部分第（二）项至第（三）项 (003 政务诚信)
``art. 32``                  第三十二条
``art. 34 (三)``             第三十四条第（三）项
``art. 9–13``                第九条至第十三条
``art. 22, 36``              第二十二条、第三十六条
``§14`` (004)                第14项 (its items are numbered 1., 2., …)
==========================  ==============================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "DOCUMENTS",
    "Document",
    "chinese_numeral",
    "cite",
    "cite_en",
    "cite_tags_in",
    "cite_tags_in_values",
    "parse_chinese_numeral",
]

# --- Chinese numerals ----------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"
_NUMERAL = "[一二三四五六七八九十百零]+"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 20 → 二十, 32 → 三十二, 105 → 一百零五, 110 → 一百一十
    (1–999, as articles and items are numbered)."""
    if not 1 <= n <= 999:
        raise ValueError(f"no Chinese numeral for {n} here (1–999)")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    text = ""
    if hundreds:
        text += _DIGITS[hundreds] + "百"
        if tens == 0 and units:
            return text + "零" + _DIGITS[units]
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def parse_chinese_numeral(text: str) -> int:
    """The inverse of ``chinese_numeral``: 三十二 → 32, 十五 → 15, 一百零五 → 105."""
    value = _NUMERALS.get(text)
    if value is None:
        raise ValueError(f"not a Chinese numeral (1–999, in its usual form): {text!r}")
    return value


_NUMERALS = {chinese_numeral(n): n for n in range(1, 1000)}


# --- the documents -------------------------------------------------------------------------------

Parts = Literal["items", "chapter_items", "articles", "points"]


@dataclass(frozen=True)
class Document:
    tag: str
    title: str  # without 《》
    number: str  # the issuing number, 苏政发〔2018〕23号
    parts: Parts  # items （一）; chapters 一、 with items （一）; articles 第一条; points 1.
    title_en: str
    number_en: str
    issuer: str = ""  # printed before the title when the title does not name it

    @property
    def name(self) -> str:
        """《title》（number）, as the first words of a citation."""
        return f"{self.issuer}《{self.title}》（{self.number}）"

    @property
    def name_en(self) -> str:
        return f"{self.title_en} ({self.number_en})" if self.number_en else self.title_en


_JOINT = "江苏省关于建立完善守信联合激励和失信联合惩戒制度的实施意见"
DOCUMENTS: dict[str, Document] = {
    document.tag: document
    for document in (
        Document(
            "002",
            "国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见",
            "国办发〔2019〕35号",
            "items",
            "State Council General Office Guiding Opinions on a Credit-Based New Supervision"
            " Mechanism",
            "Guo Ban Fa [2019] No. 35",
        ),
        Document(
            "000",
            "省政府办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的实施意见",
            "苏政办发〔2020〕10号",
            "items",
            "Jiangsu Implementing Opinions on a Credit-Based New Supervision Mechanism",
            "Su Zheng Ban Fa [2020] No. 10",
        ),
        Document(
            "001",
            "关于贯彻落实〈江西省加快推进社会信用体系建设构建以信用为基础的新型监管机制的实施方案〉的通知",
            "共社信办字〔2020〕7号",
            "items",
            "Gongqingcheng Notice on the Jiangxi Plan for a Credit-Based New Supervision Mechanism",
            "Gong She Xin Ban Zi [2020] No. 7",
            issuer="共青城市",
        ),
        Document(
            "003 政务诚信",
            "江苏省关于加强政务诚信建设的实施意见",
            "苏政发〔2018〕23号",
            "chapter_items",
            "Jiangsu Implementing Opinions on Government Integrity",
            "Su Zheng Fa [2018] No. 23",
        ),
        Document(
            "003 联合奖惩",
            _JOINT,
            "苏政发〔2018〕23号",
            "items",
            "Jiangsu Implementing Opinions on Joint Rewards and Punishments",
            "Su Zheng Fa [2018] No. 23",
        ),
        Document(
            "Measures",
            "江苏省公共信用信息管理办法（试行）",
            "苏政发〔2018〕23号",
            "articles",
            "Jiangsu Public Credit Information Measures",
            "",
        ),
        Document(
            "004",
            "2022年江苏省社会信用体系建设工作要点",
            "苏信用办〔2022〕8号",
            "points",
            "Jiangsu 2022 Social Credit Work Points",
            "Su Xin Yong Ban [2022] No. 8",
        ),
    )
}

# Longest first: "003 联合奖惩" before "003".
_TAGS = sorted(DOCUMENTS, key=len, reverse=True)


# --- parsing a tag -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One reference: an item (with its chapter, its numbered sub-item) or an article (with its
    item), possibly a range up to ``until``."""

    number: int
    chapter: int | None = None
    sub: int | None = None  # （六）1: the 1
    item: int | None = None  # art. 34 (三): the （三）
    until: _Part | None = None


_DASH = r"\s*[–—-]\s*"
_SEP = re.compile(r"\s*(?:、|,|，|;|；)\s*")
_ITEM = re.compile(rf"§?\s*(?:(?P<chapter>{_NUMERAL}))?\s*[（(](?P<n>{_NUMERAL})[）)](?P<sub>\d+)?")
_ARTICLE = re.compile(rf"(?:arts?\.\s*)?(?P<n>\d+)(?:\s*[（(](?P<item>{_NUMERAL})[）)])?")
_POINT = re.compile(r"§?\s*(?P<n>\d+)")


def _split(document: Document, text: str) -> tuple[str, str]:
    """The first part of ``text`` and the rest, for the parts of ``document``."""
    pattern = {"articles": _ARTICLE, "points": _POINT}.get(document.parts, _ITEM)
    found = pattern.match(text)
    if found is None:
        raise ValueError(f"cannot read {text!r} as a part of {document.tag}")
    return found.group(), text[found.end() :]


def _part(document: Document, text: str) -> _Part:
    if document.parts == "articles":
        found = _ARTICLE.fullmatch(text)
        assert found is not None
        item = found["item"]
        return _Part(int(found["n"]), item=parse_chinese_numeral(item) if item else None)
    if document.parts == "points":
        found = _POINT.fullmatch(text)
        assert found is not None
        return _Part(int(found["n"]))
    found = _ITEM.fullmatch(text)
    assert found is not None
    chapter = found["chapter"]
    if chapter and document.parts != "chapter_items":
        raise ValueError(f"{document.tag} has no chapters to name: {text!r}")
    return _Part(
        parse_chinese_numeral(found["n"]),
        chapter=parse_chinese_numeral(chapter) if chapter else None,
        sub=int(found["sub"]) if found["sub"] else None,
    )


def _parse(tag: str) -> tuple[Document, list[_Part]]:
    text = " ".join(tag.split())
    for key in _TAGS:
        if text == key or text.startswith(key + " ") or text.startswith(key + "§"):
            document, rest = DOCUMENTS[key], text[len(key) :].strip()
            break
    else:
        raise ValueError(f"not a seed tag: {tag!r}")
    parts: list[_Part] = []
    while rest:
        head, rest = _split(document, rest)
        part = _part(document, head)
        dash = re.match(_DASH, rest)
        if dash:
            head, rest = _split(document, rest[dash.end() :])
            until = _part(document, head)
            if until.chapter is None and part.chapter is not None:
                until = _Part(until.number, part.chapter, until.sub, until.item)
            part = _Part(part.number, part.chapter, part.sub, part.item, until)
        parts.append(part)
        sep = _SEP.match(rest)
        if sep:
            rest = rest[sep.end() :]
        elif rest:
            raise ValueError(f"cannot read {rest!r} in {tag!r}")
    return document, parts


# --- writing it out ------------------------------------------------------------------------------


def _zh(document: Document, part: _Part, chapter_said: int | None) -> str:
    if document.parts == "articles":
        text = f"第{chinese_numeral(part.number)}条"
        return text + (f"第（{chinese_numeral(part.item)}）项" if part.item else "")
    if document.parts == "points":
        return f"第{part.number}项"
    text = ""
    if part.chapter is not None and part.chapter != chapter_said:
        text = f"第{chinese_numeral(part.chapter)}部分"
    text += f"第（{chinese_numeral(part.number)}）项"
    return text + (f"第{part.sub}目" if part.sub else "")


def _parts_zh(document: Document, parts: list[_Part]) -> str:
    out: list[str] = []
    for part in parts:
        text = _zh(document, part, None)
        if part.until is not None:
            text += "至" + _zh(document, part.until, part.chapter)
        out.append(text)
    return "、".join(out)


def cite(tag: str) -> str:
    """The citation a person reads for a seed tag: ``000 §（十五）`` →
    《省政府办公厅关于…的实施意见》（苏政办发〔2020〕10号）第（十五）项. A tag of the document
    alone (``003 政务诚信``) names the document. Not a tag: ``ValueError``."""
    document, parts = _parse(tag)
    return document.name + _parts_zh(document, parts)


def _en(document: Document, part: _Part) -> str:
    if document.parts == "articles":
        return str(part.number) + (f" ({part.item})" if part.item else "")
    if document.parts == "points":
        return str(part.number)
    text = f"{part.chapter}." if part.chapter is not None else ""
    return text + f"({part.number})" + (f" {part.sub}" if part.sub else "")


def cite_en(tag: str) -> str:
    """The English citation, for ``message_en``: ``Measures art. 32`` → Jiangsu Public Credit
    Information Measures, art. 32; ``000 §（十五）`` → Jiangsu Implementing Opinions on … (Su
    Zheng Ban Fa [2020] No. 10), item (15)."""
    document, parts = _parse(tag)
    if not parts:
        return document.name_en
    many = len(parts) > 1 or parts[0].until is not None
    word = {"articles": "art.", "points": "point", "items": "item", "chapter_items": "item"}[
        document.parts
    ]
    if many:
        word = {"art.": "arts.", "point": "points", "item": "items"}[word]
    texts = [
        _en(document, p) + ("–" + _en(document, p.until) if p.until is not None else "")
        for p in parts
    ]
    return f"{document.name_en}, {word} {', '.join(texts)}"


# --- tags left inside a text ---------------------------------------------------------------------

_REF = rf"§\s*（{_NUMERAL}）\d*(?:{_DASH}§?（{_NUMERAL}）\d*)?"
_RUN = rf"{_REF}(?:\s*、\s*{_REF})*"
_BY_NUMBER = {d.number: d for d in DOCUMENTS.values() if d.number != "苏政发〔2018〕23号"}
_BY_TITLE = {d.title: d for d in DOCUMENTS.values()}
_NUMBERS = "|".join(re.escape(n) for n in [*_BY_NUMBER, "苏政发〔2018〕23号"])
_IN_TEXT = re.compile(
    rf"(?:《(?P<title>[^》]+)》（(?P<tnumber>[^）]+)）|(?P<number>{_NUMBERS}))?"
    rf"\s*(?P<marker>联合奖惩|政务诚信)?\s*(?P<run>{_RUN})"
)
_MENTION = re.compile(
    rf"《(?P<title>[^》]+)》|(?P<number>{_NUMBERS})\s*(?P<marker>联合奖惩|政务诚信)?"
)


def _by_number(number: str, marker: str | None) -> Document | None:
    if number == "苏政发〔2018〕23号":
        return DOCUMENTS.get(f"003 {marker}") if marker else None
    return _BY_NUMBER.get(number)


def _last_mentioned(text: str) -> Document | None:
    """The seed document last named in ``text``, if its parts are items （N）, as a bare §（N）
    is; None when the last one named is the Measures or cannot be told (苏政发〔2018〕23号 alone
    is three documents)."""
    last: Document | None = None
    for mention in _MENTION.finditer(text):
        if mention["title"] is not None:
            if mention["title"] in _BY_TITLE:
                last = _BY_TITLE[mention["title"]]
        elif not mention["marker"] and text[: mention.start()].endswith("》（"):
            continue  # the number of the title just named
        else:
            last = _by_number(mention["number"], mention["marker"])
    return last if last is not None and last.parts in ("items", "chapter_items") else None


def cite_tags_in(text: str) -> str:
    """``text`` with each run of item tags written out as a citation:

    - ``《…实施意见》（苏政发〔2018〕23号） 联合奖惩 §（三）–（七）``
      → ``《…实施意见》（苏政发〔2018〕23号）第（三）项至第（七）项``;
    - ``（国办发〔2019〕35号 §（八））``
      → ``（《国务院办公厅…指导意见》（国办发〔2019〕35号）第（八）项）``;
    - a bare ``（§（九））`` cites the document last named before it (only its parts after
      ``、``, as a list going on).

    What it cannot place is left as it is."""

    def write(found: re.Match[str]) -> str:
        run = re.sub(r"\s+", "", found["run"])
        if found["title"] is not None:
            document = _BY_TITLE.get(found["title"])
            if document is None:
                return found.group()
        elif found["number"] is not None:
            document = _by_number(found["number"], found["marker"])
        else:
            before = text[: found.start()]
            document = _last_mentioned(before)
            if document is not None and before.endswith("、"):
                # 第（四）项（…）、§（六）2: the list goes on in the same document.
                return _parts_zh(*_parse(f"{document.tag} {run}"))
        if document is None:
            return found.group()
        return cite(f"{document.tag} {run}")

    return _IN_TEXT.sub(write, text)


def cite_tags_in_values(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a stored list or measure spec) with ``cite_tags_in`` applied to each of its
    text values."""
    return {key: cite_tags_in(v) if isinstance(v, str) else v for key, v in data.items()}
