"""The demo's departments: the credit authority, the providers named by the catalog's items
(provincial, and city-level ones for the sectors of ``names.CITY_SECTORS``) and a few user
departments, each with the phrases its records quote."""

from __future__ import annotations

import random
from dataclasses import dataclass

from xinyong.demo import names as N
from xinyong.demo.codes import OrgCodes

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1–999 in Chinese numerals as used for article numbers (第一百二十四条)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _CN_DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    if ones:
        out += _CN_DIGITS[ones]
    return out


ARTICLES = tuple(f"第{cn_number(i)}条" for i in range(1, 160))
CLAUSES = ("", "", "第一款", "第二款", "第一款第（一）项", "第一款第（二）项")


@dataclass(frozen=True)
class DemoDepartment:
    """A demo department. ``credit_code`` is the department's own (valid) credit code."""

    code: str
    name: str
    region_code: str
    kind: str
    role: str  # "authority" | "provider" | "user_department"
    credit_code: str = ""


class Dept:
    """A department as the hot loop uses it: its names and its precomputed phrases."""

    __slots__ = (
        "abbr", "code", "credit_code", "fact_tails", "kind", "law_refs", "laws", "licences",
        "name", "sentences", "violations",
    )  # fmt: skip

    def __init__(
        self, code: str, name: str, kind: str, abbr: str, credit_code: str, rng: random.Random
    ) -> None:
        sector = N.SECTORS.get(kind, N.DEFAULT_SECTOR)
        self.code = code
        self.name = name
        self.kind = kind
        self.abbr = abbr
        self.credit_code = credit_code
        self.violations: tuple[str, ...] = sector["violations"]
        self.laws: tuple[str, ...] = sector["laws"]
        self.licences: tuple[str, ...] = sector["licences"]
        # precomputed phrases: "《…法》第十二条第一款" and "<violation>，违反了<law ref>的规定。"
        self.law_refs = tuple(
            f"{rng.choice(self.laws)}{rng.choice(ARTICLES)}{rng.choice(CLAUSES)}" for _ in range(64)
        )
        self.fact_tails = tuple(
            f"{rng.choice(self.violations)}，违反了{rng.choice(self.law_refs)}的规定。"
            for _ in range(64)
        )
        self.sentences = tuple(
            tuple(template.format(dept=name, subject="\0").split("\0"))
            for template in N.GENERIC_SENTENCES
        )


def build_departments(
    items: list[dict], codes: OrgCodes, rng: random.Random
) -> list[tuple[Dept, str, str]]:
    """(department, region code, role) of every demo department, in a fixed order: the
    authority, the provincial providers in the order the items name their sectors, the city
    providers, the user departments."""
    sectors: list[str] = []
    for item in items:
        for sector in item.get("sources") or ():
            if sector not in sectors:
                sectors.append(sector)
    depts: list[tuple[Dept, str, str]] = []  # (dept, region, role)

    def add(code: str, name: str, kind: str, abbr: str, region: str, role: str, auth: str) -> None:
        credit = codes.credit_code(auth, region, old=True, index=len(depts))
        depts.append((Dept(code, name, kind, abbr, credit, rng), region, role))

    add("js-credit_authority", "江苏省发展和改革委员会（省信用办）", "credit_authority",
        N.SECTORS["credit_authority"]["abbr"], "320000", "authority", "11")  # fmt: skip
    for sector in sectors:
        if sector == "credit_authority":
            continue
        info = N.SECTORS.get(sector)
        name = info["name"] if info else f"江苏省{sector}主管部门"
        abbr = info["abbr"] if info else "苏"
        add(f"js-{sector}", name, sector, abbr, "320000", "provider", "11")
    for sector, (pattern, abbr) in N.CITY_SECTORS.items():
        if sector not in sectors:
            continue
        for prefix, city, region, city_abbr in N.CITIES:
            add(f"{prefix}-{sector}", pattern.format(city=city), sector, city_abbr + abbr,
                region, "provider", "11")  # fmt: skip
    add("js-trading_center", "江苏省公共资源交易中心", "other", "苏交易", "320000",
        "user_department", "12")  # fmt: skip
    if "finance" not in sectors:  # otherwise 江苏省财政厅 is already there (as provider)
        add("js-finance", "江苏省财政厅", "finance", "苏财", "320000", "user_department", "11")
    add("js-icbc", "中国工商银行江苏省分行", "banking", "工行", "320000",
        "user_department", "91")  # fmt: skip
    return depts
