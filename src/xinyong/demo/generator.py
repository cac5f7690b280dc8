"""Deterministic demo data: departments, subjects and records for a catalog.

``DemoGenerator(items, seed=..., today=...)`` turns the items of a catalog (the dicts of the
catalog JSON file, see ``docs/catalog-format.md``) into

* :meth:`DemoGenerator.departments` — the credit authority, one provincial provider per sector
  named in any item's ``sources``, city-level market-regulation and tax providers (南京, 苏州,
  无锡) and a few user departments;
* :meth:`DemoGenerator.records` — a stream of record dicts in the shape the collection API takes,
  plus the ``provider`` department code.

The same items, seed, ``today`` and ``records_per_subject`` always give byte-identical output (one
``random.Random`` per run, no global random state, no set or hash ordering). The hot loop only
indexes precomputed tables; each catalog item gets a fill function compiled once from small
per-field expressions and closures, so a single process produces well over 60,000 records per
second.

Subjects: about 85 % organisations (enterprises 91…, individual businesses 92…, cooperatives
93…, public institutions 12…, agencies 11…, social organisations 51…/52…/53…, village collectives
N2…, law firms 31…, other Y1…) and 15 % natural persons. Every organisation first gets its
registration record (the item with ``registers_subject``), naming a legal representative (and
sometimes a principal and an actual controller) who is one of the person subjects; persons often
represent several organisations. Credit codes follow GB 32100-2015 (with a GB 11714 organisation
code), ID numbers GB 11643-1999, region codes GB/T 2260; about 1 % of ID numbers carry a region
code created after the holder's birth year, as real numbers do.
"""

from __future__ import annotations

import csv
import functools
import math
import random
import re
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from xinyong.demo import names as N

__all__ = ["DemoDepartment", "DemoGenerator", "write_csv", "write_jsonl"]

# --- identifiers ---------------------------------------------------------------------------------

_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ID_CHECK = "10X98765432"

# Check characters. GB 32100: check = (31 − Σ value_i · w_i mod 31) mod 31 with w_i = 3**i mod
# 31; as 34 ≡ 3 (mod 31) the sum is int() of the reversed code read in base 34 (each character
# translated to the base-34 digit of its value). GB 11643: "10X98765432"[Σ d_i · 2**(17−i) mod
# 11], and as 13 ≡ 2 (mod 11) that sum is 2 · int(first17, 13). The tests recompute both with
# the plain weights.
_BASE34 = str.maketrans(_CODE_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU")


def _credit_code(first17: str) -> str:
    return first17 + _CODE_ALPHABET[-int(first17[::-1].translate(_BASE34), 34) % 31]


def _id_number(first17: str) -> str:
    return first17 + _ID_CHECK[2 * int(first17, 13) % 11]


_ORG_VALUE = {c: int(c, 36) for c in _CODE_ALPHABET}  # GB 11714: A = 10 … Z = 35
_M_LETTERS = {"9": "A", "1": "B", "5": "J", "N": "K", "3": "C"}  # post-2015 codes by authority


class _Permutation:
    """A keyed bijection of ``range(side * side)`` (4-round Feistel network over the two halves,
    keyed quadratic round functions), so that counters 0, 1, 2, … become distinct,
    random-looking numbers without remembering the ones handed out."""

    __slots__ = ("keys", "side")

    def __init__(self, side: int, rng: random.Random) -> None:
        self.side = side
        self.keys = tuple(
            (int(rng.random() * side), int(rng.random() * side) | 1, int(rng.random() * side))
            for _ in range(4)
        )

    def __call__(self, x: int) -> tuple[int, int]:
        """The image of ``x`` as its two halves (high, low), each in ``range(side)``."""
        side = self.side
        left, right = divmod(x, side)
        for a, b, k in self.keys:
            left, right = right, (left + (right + a) * (right * b + k)) % side
        return left, right


@functools.cache
def _org_code_tables() -> tuple[tuple, ...]:
    """Chunks of organisation codes and their weighted sums (GB 11714 weights 3,7,9,10,5,8,4,2):
    4-digit strings for the 8-digit codes, 3-character strings for "M?" + 6 character codes."""
    digits4 = tuple(f"{i:04d}" for i in range(10_000))
    num_hi = tuple(3 * int(d[0]) + 7 * int(d[1]) + 9 * int(d[2]) + 10 * int(d[3]) for d in digits4)
    num_lo = tuple(5 * int(d[0]) + 8 * int(d[1]) + 4 * int(d[2]) + 2 * int(d[3]) for d in digits4)
    alpha3 = tuple(
        a + b + c for a in _CODE_ALPHABET for b in _CODE_ALPHABET for c in _CODE_ALPHABET
    )
    v = _ORG_VALUE
    m_hi = tuple(9 * v[t[0]] + 10 * v[t[1]] + 5 * v[t[2]] for t in alpha3)
    m_lo = tuple(8 * v[t[0]] + 4 * v[t[1]] + 2 * v[t[2]] for t in alpha3)
    return digits4, num_hi, num_lo, alpha3, m_hi, m_lo


# --- regions -------------------------------------------------------------------------------------


def _parse_regions() -> list[tuple[str, str, int, int]]:
    rows = []
    for chunk in N.REGION_TABLE.split():
        for entry in chunk.split(";"):
            code, name, start, end = entry.split(",")
            rows.append((code, name, int(start), int(end)))
    return rows


_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    county: str  # 江宁区 / 江阴市 / 南京市 (city level) / 江苏省 (province level)
    city: str  # 南京市; the province for province-level codes
    city_short: str  # 南京 / 江苏
    province: str
    address_prefix: str  # 江苏省南京市江宁区
    court: str  # 苏0115 — the court code used in case numbers


def _build_regions() -> tuple[dict[str, _Region], list[tuple[str, str, int, int]]]:
    rows = _parse_regions()
    latest: dict[str, str] = {}
    for code, name, _start, _end in rows:  # later rows of a code are its newer names
        latest[code] = name
    regions: dict[str, _Region] = {}
    for code, county in latest.items():
        province = latest.get(code[:2] + "0000", "")
        city = latest.get(code[:4] + "00", "")
        if code[:2] in _MUNICIPALITIES or city in ("", "市辖区") or code.endswith("0000"):
            city = province
        if code.endswith("0000"):
            county = province
        short = city[:-1] if city.endswith(("市", "省")) else city
        if code.endswith("0000"):
            prefix = province
        elif code[:2] in _MUNICIPALITIES:
            prefix = city if code.endswith("00") else city + county
        elif code.endswith("00"):
            prefix = province + city
        else:
            prefix = province + city + county
        if code[:2] != "32" or code == "320000":
            court = "苏01"
        elif code.endswith("00"):
            court = "苏" + code[2:4]
        else:
            court = "苏" + code[2:6]
        regions[code] = _Region(code, county, city, short, province, prefix, court)
    return regions, rows


# --- departments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDepartment:
    """A demo department. ``credit_code`` is the department's own (valid) credit code."""

    code: str
    name: str
    region_code: str
    kind: str
    role: str  # "authority" | "provider" | "user_department"
    credit_code: str = ""


class _Dept:
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
            f"{rng.choice(self.laws)}{rng.choice(_ARTICLES)}{rng.choice(_CLAUSES)}"
            for _ in range(64)
        )
        self.fact_tails = tuple(
            f"{rng.choice(self.violations)}，违反了{rng.choice(self.law_refs)}的规定。"
            for _ in range(64)
        )
        self.sentences = tuple(
            tuple(template.format(dept=name, subject="\0").split("\0"))
            for template in N.GENERIC_SENTENCES
        )


# Relative share of records per provider sector when an item has many sources.
_SECTOR_WEIGHTS = {
    "market_regulation": 10, "tax": 6, "emergency_management": 4, "ecology_environment": 4,
    "transport": 4, "housing_construction": 4, "public_security": 3, "human_resources": 3,
    "health": 3, "drug_administration": 2, "agriculture": 2, "natural_resources": 2,
    "culture_tourism": 2, "education": 2, "civil_affairs": 2, "court": 3,
}  # fmt: skip

# --- subjects ------------------------------------------------------------------------------------

# (kind, share of organisations, registering sector). Kind = credit-code characters 1–2.
_ORG_KINDS = (
    ("91", 0.717, "market_regulation"),
    ("92", 0.12, "market_regulation"),
    ("93", 0.03, "market_regulation"),
    ("12", 0.04, "org_establishment"),
    ("11", 0.02, "org_establishment"),
    ("51", 0.02, "civil_affairs"),
    ("52", 0.025, "civil_affairs"),
    ("53", 0.005, "civil_affairs"),
    ("N2", 0.015, "agriculture"),
    ("31", 0.005, "judicial_administration"),
    ("Y1", 0.003, "other"),
)
_ORG_KIND_TABLE = tuple(k for k, share, _sector in _ORG_KINDS for _ in range(round(share * 1000)))
assert len(_ORG_KIND_TABLE) == 1000
_MARKET = ("91", "92", "93")
_REFORM_ORD = date(2015, 10, 1).toordinal()  # unified credit codes from 1 October 2015

# Items whose code or name contains one of these words apply to these organisation kinds only.
_KIND_FILTERS = (
    (("政务", "government"), ("11",)),
    (("社会组织", "social_org"), ("51", "52", "53")),
    (("事业单位", "public_institution"), ("12",)),
    (("个体工商户", "individual_business"), ("92",)),
    (("合作社", "cooperative"), ("93",)),
    (("经营异常", "abnormal_operation", "食品安全", "产品质量"), _MARKET),
    (("股东", "shareholding", "纳税信用", "tax_credit"), ("91", "93")),
)

_ENTITY_FORMS = {
    "91": ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
           "有限责任公司（非自然人投资或控股的法人独资）", "有限责任公司（国有独资）"),
    "92": ("个体工商户",), "93": ("农民专业合作社",), "12": ("事业单位",), "11": ("机关",),
    "51": ("社会团体",), "52": ("民办非企业单位",), "53": ("基金会",),
    "N2": ("农村集体经济组织",), "31": ("律师事务所（普通合伙）",), "Y1": ("其他组织",),
    "person": ("自然人",),
}  # fmt: skip

# Enum values that suit a subject kind (matched as substrings).
_KIND_WORDS = {
    "91": ("有限责任公司", "企业法人", "企业", "公司", "用人单位"),
    "92": ("个体", "非法人组织", "用人单位"),
    "93": ("合作社", "企业法人", "用人单位"),
    "12": ("事业单位", "机关事业单位", "用人单位"),
    "11": ("机关", "机关事业单位", "用人单位"),
    "51": ("社会团体", "社会组织", "非法人组织", "用人单位"),
    "52": ("民办非企业", "社会服务机构", "社会组织", "用人单位"),
    "53": ("基金会", "社会组织", "用人单位"),
    "N2": ("集体经济", "农村", "非法人组织"),
    "31": ("律师", "非法人组织", "用人单位"),
    "Y1": ("其他",),
    "person": (
        "自然人",
        "个人",
        "法定代表人",
        "负责人",
        "人员",
        "执业资格",
        "职业资格",
        "从业资格",
    ),
}

# Enum values that are the usual case (weighted up).
_COMMON_VALUES = frozenset(
    ("罚款", "警告", "正常", "存续", "在业", "有效", "合格", "未发现问题", "已履约", "无需整改",
     "双随机抽查", "日常检查", "全部未履行", "普通", "登记", "自然人", "现场检查", "行业自律型")
)  # fmt: skip

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
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


_ARTICLES = tuple(f"第{_cn_number(i)}条" for i in range(1, 160))
_CLAUSES = ("", "", "第一款", "第二款", "第一款第（一）项", "第一款第（二）项")


_MAIN_DATE_WORDS = ("决定", "认定", "确定", "列入", "批复", "判决", "立案", "发证", "授予")


def _main_date_field(item: dict) -> str | None:
    """The field holding a record's main date (its decision date) when the item names none:
    the first required date field whose label says 决定/认定/列入…, else the first required date
    field (not 成立日期 / 出生日期)."""
    dated = [
        f
        for f in item.get("fields") or ()
        if f.get("type") == "date"
        and f.get("required")
        and not any(w in f.get("label", "") for w in ("成立", "出生"))
    ]
    for f in dated:
        if any(w in f.get("label", "") for w in _MAIN_DATE_WORDS):
            return f["name"]
    return dated[0]["name"] if dated else None


def _fine(c: _Ctx, r: Callable[[], float]) -> int:
    """The record's fine in yuan (a multiple of 100), drawn once per record."""
    if not c.fine:
        c.fine = 100 * (2 + int(r() * r() * r() * 5000))
    return c.fine


def _occurred_before(n: int) -> int:
    """Days between an accident and the decision on it (same for every field of a record)."""
    return 5 + n * 7 % 116


class _Subject:
    __slots__ = (
        "born", "city4", "est", "is_org", "key", "kind", "name", "origin", "ref", "region",
        "reps", "sex",
    )  # fmt: skip

    def __init__(self) -> None:
        self.reps: dict[str, tuple[str, str]] = {}


class _Ctx:
    """Per-record values shared by the field closures (one instance, reused)."""

    __slots__ = ("D", "dept", "fine", "n", "party", "s", "severe")

    def __init__(self) -> None:
        self.D = 0
        self.fine = 0
        self.dept: Any = None
        self.n = 0
        self.party: Any = None
        self.s: Any = None
        self.severe = False


FieldFn = Callable[[_Ctx], Any]
# (name, value function or inline expression, inclusion probability, fallback, max length)
_FieldPlan = tuple[str, "FieldFn | _Inline", float, "FieldFn | None", int]


class _Inline:
    """A field value written as a Python expression, compiled into the item's fill function
    instead of being called (see :func:`_compile_fill`).

    The expression may use ``c`` (the :class:`_Ctx`), ``dept``, ``day`` (the decision date
    text), ``r``, ``dates``, ``years``, ``base``, ``bisect`` and constants passed as keywords and
    written ``$name``. ``sure`` means it never evaluates to None.
    """

    __slots__ = ("expr", "names", "sure")

    def __init__(self, expr: str, *, sure: bool = False, **names: Any) -> None:
        self.expr = expr
        self.names = names
        self.sure = sure

    def render(self, suffix: str, namespace: dict[str, Any]) -> str:
        for key, value in self.names.items():
            namespace[f"{key}_{suffix}"] = value
        return re.sub(r"\$(\w+)", lambda m: f"{m.group(1)}_{suffix}", self.expr)


# a random licence of the providing department (an expression for _Inline)
_LICENCE = "(x := c.dept.licences)[int(r() * len(x))]"
_DEPT_NAME = _Inline("dept.name", sure=True)  # the providing department's name
_DEPT_CODE = _Inline("dept.credit_code", sure=True)  # … and its credit code
_DECISION_DAY = _Inline("day", sure=True)  # the record's decision date


class _Plan:
    """Everything the hot loop needs for one catalog item."""

    __slots__ = (
        "code", "counter", "fields", "fill", "item", "kinds", "negative", "p_severe",
        "providers", "window",
    )  # fmt: skip

    def __init__(self, item: dict) -> None:
        self.item = item
        self.code: str = item["code"]
        self.counter = 0
        self.negative = item.get("category") == "negative"
        self.window = 1460 if self.negative else 1095
        self.fields: list[_FieldPlan] = []
        self.fill: Callable[[_Ctx, _Dept, str], dict] = lambda c, dept, day: {}
        self.kinds: tuple[str, ...] = ()
        self.providers: tuple[list[_Dept], dict[str, list[_Dept]]] = ([], {})
        text = item["code"] + item.get("name", "")
        heavy = ("失信被执行人", "重大税收违法", "联合惩戒", "刑事")
        self.p_severe = 0.35 if any(w in text for w in heavy) else 0.07


# --- the generator -------------------------------------------------------------------------------


class DemoGenerator:
    """Deterministic demo departments and records for the given catalog items."""

    def __init__(
        self,
        items: list[dict],
        *,
        seed: int = 1,
        today: date,
        records_per_subject: float = 5.0,
    ) -> None:
        self.items = [dict(item) for item in items]
        self.seed = seed
        self.today = today
        self.records_per_subject = float(records_per_subject)
        self._today_ord = today.toordinal()
        self._base_ord = date(1950, 1, 1).toordinal()
        last = date(today.year + 32, 12, 31).toordinal()  # licences, trademarks, 营业期限
        self._dates = tuple(
            date.fromordinal(o).isoformat() for o in range(self._base_ord, last + 1)
        )
        self._years = tuple(d[:4] for d in self._dates)
        # Chinese dates (2024年8月1日) for the last five years only: facts before a decision
        self._cn_base = self._today_ord - 5 * 366
        self._cn_dates = tuple(
            f"{d[:4]}年{int(d[5:7])}月{int(d[8:])}日"
            for d in self._dates[self._cn_base - self._base_ord : self._today_ord - self._base_ord]
        )
        self._streets = tuple(f"{road}{n}号" for road in N.ROADS for n in range(1, 301))
        self._regions, self._region_rows = _build_regions()
        self._build_region_pools()
        self._build_name_tables()
        self._build_departments()

    # -- static tables ----------------------------------------------------------------------

    def _build_region_pools(self) -> None:
        rows = self._region_rows
        current = [
            (code, name)
            for code, name, _start, end in rows
            if end == 9999 and not code.endswith("0000") and name != "市辖区"
        ]
        js_counties: list[str] = []
        for code, _name in current:
            if code[:2] == "32" and not code.endswith("00"):
                weight = 3 if code[:4] in ("3201", "3205", "3202") else 1
                js_counties.extend([code] * weight)
        self._js_counties = tuple(js_counties)
        self._current_codes = frozenset(code for code, _name in current)
        self._js_cities = tuple(c for c, _n in current if c[:2] == "32" and c.endswith("00"))
        self._other_counties = tuple(
            c for c, _n in current if c[:2] != "32" and not c.endswith("00")
        )
        # ID-number regions per birth year: codes valid in that year (GB/T 2260 history), and
        # for the ~1 % "newer than the birth" numbers, current codes created after it.
        usable = [
            row
            for row in rows
            if not row[0].endswith("00") and row[1] not in ("市辖区",) and row[0][2:4] != "90"
        ]
        self._id_regions: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
        for year in range(1950, 2005):
            js, other, newer = [], [], []
            for code, _name, start, end in usable:
                if start <= year <= end:
                    (js if code[:2] == "32" else other).append(code)
                elif start > year and end == 9999 and code[:2] == "32":
                    newer.append(code)
            self._id_regions[year] = (
                tuple(dict.fromkeys(js)),
                tuple(dict.fromkeys(other)),
                tuple(dict.fromkeys(newer)),
            )
        self._birth_first = date(1950, 1, 1).toordinal()
        self._birth_span = date(2004, 12, 31).toordinal() - self._birth_first + 1

    def _build_name_tables(self) -> None:
        cum, total = [], 0
        for _surname, weight in N.SURNAMES:
            total += weight
            cum.append(total)
        self._surnames = tuple(s for s, _w in N.SURNAMES)
        self._surname_cum = tuple(cum)
        self._surname_total = total
        self._zihao = tuple(a + b for a in N.ZIHAO_FIRST for b in N.ZIHAO_SECOND if a != b)

    def _build_departments(self) -> None:
        rng = random.Random(self.seed * 7919 + 17)
        self._code_tables = _org_code_tables()
        self._perm_num = _Permutation(10_000, rng)  # 8-digit organisation codes
        self._perm_m = _Permutation(31**3, rng)  # "M?" + 6 characters organisation codes
        sectors: list[str] = []
        for item in self.items:
            for sector in item.get("sources") or ():
                if sector not in sectors:
                    sectors.append(sector)
        self._sectors = sectors
        depts: list[tuple[_Dept, str, str]] = []  # (dept, region, role)

        def add(code: str, name: str, kind: str, abbr: str, region: str, role: str, auth: str):
            credit = self._make_credit_code(auth, region, old=True, index=len(depts))
            depts.append((_Dept(code, name, kind, abbr, credit, rng), region, role))

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
        self._depts = depts
        self._dept_by_code = {d.code: d for d, _r, _role in depts}

    def _make_credit_code(self, kind: str, region: str, *, old: bool, index: int) -> str:
        """The credit code with the ``index``-th organisation code of its style: 8 digits for
        organisations registered before the 2015 reform, "M" + authority letter + 6 characters
        after it. Distinct indices give distinct organisation codes, hence distinct codes."""
        digits4, num_hi, num_lo, alpha3, m_hi, m_lo = self._code_tables
        if old:
            hi, lo = self._perm_num(index)
            body = digits4[hi] + digits4[lo]
            total = num_hi[hi] + num_lo[lo]
        else:
            hi, lo = self._perm_m(index)
            letter = _M_LETTERS.get(kind[0], "G")
            body = "M" + letter + alpha3[hi] + alpha3[lo]
            total = 66 + 7 * _ORG_VALUE[letter] + m_hi[hi] + m_lo[lo]  # 66 = 3 * value("M")
        check = 11 - total % 11
        org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        return _credit_code(kind + region + org)

    # -- public API -------------------------------------------------------------------------

    def departments(self) -> list[DemoDepartment]:
        """The demo departments: the authority, providers (provincial and city), users."""
        return [
            DemoDepartment(d.code, d.name, region, d.kind, role, d.credit_code)
            for d, region, role in self._depts
        ]

    def records(self, subjects: int) -> Iterator[dict]:
        """Records for ``subjects`` subjects (organisations and persons), deterministically.

        Each call starts afresh: the same generator yields the same stream every time.
        """
        return _Run(self, subjects).run()


# --- one run -------------------------------------------------------------------------------------


@functools.cache
def _amount_table(lo: float, hi: float, size: int = 4096) -> tuple[str, ...]:
    """Log-uniform amounts between lo and hi as strings with 2 decimals (quantiles)."""
    log_lo, log_span = math.log(lo * 100), math.log(hi / lo)
    out = []
    for i in range(size):
        cents = int(math.exp(log_lo + (i + 0.5) / size * log_span))
        out.append(f"{cents // 100}.{cents % 100:02d}")
    return tuple(out)


def _compile_fill(
    fields: list[_FieldPlan], r: Callable[[], float], tables: dict[str, Any]
) -> Callable[[_Ctx, _Dept, str], dict]:
    """One straight-line function filling an item's fields, in catalog order.

    For each field: an optional one only if ``r() < p``; the value is the inline expression or
    ``fn(c)``; None omits the field (a required one takes its fallback); strings are cut to the
    field's max_length. Straight-line code instead of a loop over closures matters at millions
    of records.
    """
    namespace: dict[str, Any] = {"r": r, "bisect": bisect, **tables}
    lines = ["def fill(c, dept, day):", "    fields = {}"]
    for i, (name, fn, p, fallback, cut) in enumerate(fields):
        key = repr(name)
        indent = "    "
        if p < 1.0:
            lines.append(f"    if r() < {p!r}:")
            indent = "        "
        if isinstance(fn, _Inline):
            expr, sure = fn.render(str(i), namespace), fn.sure
        else:
            namespace[f"f{i}"] = fn
            expr, sure = f"f{i}(c)", False
        tail = f"[:{cut}]" if cut else ""
        if sure:
            lines.append(f"{indent}fields[{key}] = ({expr}){tail}")
            continue
        lines.append(f"{indent}v = {expr}")
        if fallback is not None:
            namespace[f"fb{i}"] = fallback
            lines.append(f"{indent}fields[{key}] = (fb{i}(c) if v is None else v){tail}")
        else:
            lines.append(f"{indent}if v is not None:")
            lines.append(f"{indent}    fields[{key}] = v{tail}")
    lines.append("    return fields")
    exec("\n".join(lines), namespace)  # the source is built above from the field list
    return namespace["fill"]


def _geometric_table(mean: float, size: int = 4096) -> tuple[int, ...]:
    """Quantiles of a geometric distribution on 0, 1, 2, … with the given mean."""
    if mean <= 0:
        return (0,)
    q = mean / (1 + mean)  # P(k) = (1 - q) q^k
    log_q = math.log(q)
    return tuple(int(math.log(1 - (i + 0.5) / size) / log_q) for i in range(size))


class _Run:
    def __init__(self, gen: DemoGenerator, subjects: int) -> None:
        self.g = gen
        self.subjects = max(0, int(subjects))
        self.rng = random.Random(gen.seed)
        self.r = self.rng.random
        self.num_index = len(gen._depts)  # departments have the first 8-digit codes
        self.m_index = 0
        self.persons: list[tuple[str, str]] = []  # (id_number, name)
        self.person_bodies: set[str] = set()
        self.emitted_persons = 0
        self.recent_orgs: list[tuple[str, str]] = []
        self.recent_i = 0
        self.org_count = 0
        self.est_span = gen._today_ord - 30 - date(1985, 1, 1).toordinal()
        self.ctx = _Ctx()
        self.dates = gen._dates
        self.base = gen._base_ord
        self.today = gen._today_ord
        self._build_plans()

    # -- plans ------------------------------------------------------------------------------

    def _build_plans(self) -> None:
        g = self.g
        depts = {
            d.kind: d
            for d, _r, role in g._depts
            if d.code.startswith("js-") and role in ("provider", "authority")
        }
        depts["credit_authority"] = g._dept_by_code["js-credit_authority"]
        city_depts: dict[tuple[str, str], _Dept] = {}
        for d, region, _role in g._depts:
            if not d.code.startswith("js-") and d.kind in N.CITY_SECTORS:
                city_depts[(d.kind, region[:4])] = d
        self.plans: list[_Plan] = []
        self.reg_plans: list[_Plan] = []
        org_kinds = tuple(k for k, _s, _r in _ORG_KINDS)
        tables = {"dates": g._dates, "years": g._years, "base": g._base_ord}
        for item in g.items:
            sources = [s for s in item.get("sources") or () if s in depts]
            types = item.get("subject_types") or ()
            if not sources or not types:
                continue
            plan = _Plan(item)
            plan.providers = self._provider_table(sources, depts, city_depts)
            kinds: list[str] = []
            if "organisation" in types:
                kinds.extend(org_kinds)
                text = item["code"] + item.get("name", "")
                for words, allowed in _KIND_FILTERS:
                    if any(w in text for w in words):
                        kinds = [k for k in kinds if k in allowed]
                        break
            if "person" in types:
                kinds.append("person")
            plan.kinds = tuple(kinds)
            plan.fields = [self._field(item, f) for f in item.get("fields") or ()]
            plan.fill = _compile_fill(plan.fields, self.r, tables)
            self.plans.append(plan)
            if item.get("registers_subject"):
                self.reg_plans.append(plan)
        # registration plan (and its providers) per organisation kind
        self.reg_for: dict[str, list[tuple[_Plan, tuple]]] = {}
        for kind, _share, sector in _ORG_KINDS:
            options = [p for p in self.reg_plans if kind in p.kinds]
            preferred = [p for p in options if sector in p.item.get("sources", ())]
            chosen = []
            for p in preferred or options:
                srcs = [sector] if sector in p.item.get("sources", ()) else None
                table = self._provider_table(srcs, depts, city_depts) if srcs else p.providers
                chosen.append((p, table))
            self.reg_for[kind] = chosen
        if any("person" in p.kinds for p in self.reg_plans):
            self.reg_for["person"] = [
                (p, p.providers) for p in self.reg_plans if "person" in p.kinds
            ]
        # a person's basic-information item (e.g. person_basic): once, as the first record
        self.person_basic = [
            p
            for p in self.plans
            if p.item.get("category") == "basic"
            and list(p.item.get("subject_types") or ()) == ["person"]
            and not p.item.get("registers_subject")
        ]
        # weighted pools of the other items per subject kind
        self.pools: dict[str, tuple[list[_Plan], list[float], float]] = {}
        for kind in (*org_kinds, "person"):
            plans, cum, total = [], [], 0.0
            for p in self.plans:
                if p.item.get("registers_subject") or kind not in p.kinds or p in self.person_basic:
                    continue
                total += self._weight(p.item)
                plans.append(p)
                cum.append(total)
            self.pools[kind] = (plans, cum, total)
        # items not yet generated; each subject first takes those it may (rarest kinds first),
        # so that every item appears early (by 200 subjects)
        self.queue = sorted(
            (p for p in self.plans if not p.item.get("registers_subject")),
            key=lambda p: len(p.kinds),
        )
        # records per subject: organisations 1 (registration) + k, persons k
        rps = self.g.records_per_subject
        has_person_items = bool(self.pools["person"][0] or self.person_basic)
        person_mean = max(1.0, 0.4 * rps) if has_person_items else 0.0
        person_mean = min(person_mean, rps / 0.15) if rps > 0 else 0.0
        org_mean = max(0.0, (rps - 0.15 * person_mean) / 0.85 - 1.0)
        self.k_org = _geometric_table(org_mean)
        self.k_person = _geometric_table(person_mean)

    @staticmethod
    def _weight(item: dict) -> float:
        """Relative frequency of an item: licences and penalties common, negative items rare."""
        act = item.get("act_type")
        acts = {
            "licensing": 10.0, "penalty": 8.0, "inspection": 5.0, "confirmation": 2.5,
            "levy": 2.0, "reward": 1.5, "compulsion": 1.5, "payment": 1.0,
            "adjudication": 0.5, "compensation": 0.5,
        }  # fmt: skip
        if act in acts:
            return acts[act]
        category = item.get("category")
        if category == "basic":
            return 3.0
        if category == "negative":
            return 0.35
        return 1.5

    def _provider_table(self, sources, depts, city_depts) -> tuple[list[_Dept], dict]:
        default: list[_Dept] = []
        by_city: dict[str, list[_Dept]] = {}
        cities = [region[:4] for _p, _c, region, _a in N.CITIES]
        for sector in sources:
            weight = _SECTOR_WEIGHTS.get(sector, 1) * 10
            default.extend([depts[sector]] * weight)
            for city in cities:
                lst = by_city.setdefault(city, [])
                city_dept = city_depts.get((sector, city))
                if city_dept is None:
                    lst.extend([depts[sector]] * weight)
                else:
                    lst.extend([city_dept] * (weight * 7 // 10))
                    lst.extend([depts[sector]] * (weight - weight * 7 // 10))
        by_city = {c: lst for c, lst in by_city.items() if lst != default}
        return default, by_city

    # -- subjects ---------------------------------------------------------------------------

    def _person_name(self, male: bool) -> str:
        r = self.r
        g = self.g
        surname = g._surnames[bisect(g._surname_cum, r() * g._surname_total)]
        pool = N.GIVEN_MALE if male else N.GIVEN_FEMALE
        second = pool[int(r() * len(pool))]
        u = r()
        if u < 0.28:
            return surname + second
        if u < 0.6:
            return surname + N.GIVEN_FIRST[int(r() * len(N.GIVEN_FIRST))] + second
        return surname + pool[int(r() * len(pool))] + second

    def _new_person(self) -> tuple[str, str]:
        r = self.r
        g = self.g
        birth = g._birth_first + int(r() * g._birth_span)
        born = self.dates[birth - self.base]
        year = int(born[:4])
        js, other, newer = g._id_regions[year]
        u = r()
        if u < 0.01 and newer:
            region = newer[int(r() * len(newer))]
        elif u < 0.81 or not other:
            region = js[int(r() * len(js))]
        else:
            region = other[int(r() * len(other))]
        seq = int(r() * 1000)
        prefix = region + born.replace("-", "")
        body = f"{prefix}{seq:03d}"
        tries = 0
        while body in self.person_bodies:  # unique ID numbers: next sequence number
            tries += 1
            if tries == 1000:  # all taken for this region and day (never in practice)
                return self._new_person()
            seq = (seq + 1) % 1000
            body = f"{prefix}{seq:03d}"
        self.person_bodies.add(body)
        person = (_id_number(body), self._person_name(seq % 2 == 1))
        self.persons.append(person)
        return person

    def _person_subject(self) -> _Subject:
        if self.emitted_persons < len(self.persons):
            id_number, name = self.persons[self.emitted_persons]
        else:
            id_number, name = self._new_person()
        self.emitted_persons += 1
        s = _Subject()
        s.is_org = False
        s.kind = "person"
        s.key = id_number
        s.name = name
        g = self.g
        s.origin = g._regions.get(id_number[:6]) or g._regions["320100"]
        if id_number[:6] in g._current_codes:
            s.region = s.origin
        else:  # a historical code: the person lives somewhere in Jiangsu today
            s.region = g._regions[g._js_counties[int(self.r() * len(g._js_counties))]]
        s.city4 = s.region.code[:4]
        s.born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        s.sex = int(id_number[16]) % 2
        s.est = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])).toordinal()
        s.est += 18 * 365
        s.ref = {"id_number": id_number, "name": name}
        return s

    def _pick_rep(self) -> tuple[str, str]:
        """A person for an organisation: any of the run's persons, created (in order) on demand;
        those not yet met as subjects become subjects later."""
        index = int(self.r() * self.n_persons)
        while len(self.persons) <= index:
            self._new_person()
        return self.persons[index]

    def _org_subject(self) -> _Subject:
        r = self.r
        g = self.g
        if self.org_count < len(_ORG_KINDS):  # the first organisations cover every kind
            kind = _ORG_KINDS[self.org_count][0]
        else:
            kind = _ORG_KIND_TABLE[int(r() * 1000)]
        self.org_count += 1
        # region of the registering authority
        u = r()
        if kind in ("11", "12", "N2") or u < 0.78:
            region = g._js_counties[int(r() * len(g._js_counties))]
        elif u < 0.88:
            region = g._js_cities[int(r() * len(g._js_cities))]
        elif u < 0.92 or kind != "91":
            if kind in ("92", "93"):  # registered locally
                region = g._js_counties[int(r() * len(g._js_counties))]
            else:
                region = "320000"
        else:
            region = g._other_counties[int(r() * len(g._other_counties))]
        reg = g._regions[region]
        u = r()
        est = self.today - 30 - int((u * u if kind in _MARKET else u) * self.est_span)
        old = est < _REFORM_ORD or kind == "11"
        if old:
            code = g._make_credit_code(kind, region, old=True, index=self.num_index)
            self.num_index += 1
        else:
            code = g._make_credit_code(kind, region, old=False, index=self.m_index)
            self.m_index += 1
        s = _Subject()
        s.is_org = True
        s.kind = kind
        s.key = code
        s.region = reg
        s.city4 = region[:4]
        s.est = est
        rep = self._pick_rep()
        s.reps["legal_representative"] = rep
        if r() < 0.3:
            s.reps["principal"] = rep if r() < 0.3 else self._pick_rep()
        if kind in ("91", "93") and r() < 0.25:
            s.reps["actual_controller"] = rep if r() < 0.5 else self._pick_rep()
        s.name = self._org_name(kind, reg, rep)
        s.ref = {"credit_code": code, "name": s.name}
        recent = self.recent_orgs
        if len(recent) < 1024:
            recent.append((code, s.name))
        else:
            recent[self.recent_i % 1024] = (code, s.name)
            self.recent_i += 1
        return s

    def _org_name(self, kind: str, reg: _Region, rep: tuple[str, str]) -> str:
        r = self.r
        zihao = self.g._zihao[int(r() * len(self.g._zihao))]

        def pick(seq):
            return seq[int(r() * len(seq))]

        city, short, county = reg.city, reg.city_short, reg.county
        local = county if county.endswith(("市", "县")) else city
        if kind == "91":
            industry = pick(N.INDUSTRIES)
            u = r()
            if u < 0.45:
                return f"{short}{zihao}{industry}有限公司"
            if u < 0.63:
                return f"{local}{zihao}{industry}有限公司"
            if u < 0.70:
                return f"{city}{zihao}{industry}股份有限公司"
            if u < 0.80:
                province = "江苏" if reg.code[:2] == "32" else short
                return f"{province}{zihao}{industry}{'集团' if r() < 0.3 else ''}有限公司"
            if u < 0.94 or county == city:
                return f"{zihao}（{short}）{industry}有限公司"
            return f"{short}{zihao}{industry}有限公司{county}分公司"
        if kind == "92":
            if r() < 0.25:
                return f"{county}{rep[1][0]}记{pick(N.SHOP_TYPES)}"
            return f"{county}{zihao}{pick(N.SHOP_TYPES)}"
        if kind == "93":
            prefix = local if r() < 0.6 else ""
            return f"{prefix}{zihao}{pick(N.COOP_TYPES)}合作社"
        if kind == "11":
            u = r()
            if u < 0.8:
                return f"{county}{pick(N.AGENCIES)}"
            if u < 0.9:
                return f"{county}{pick(N.TOWNS)}镇人民政府"
            return f"{county}{pick(N.TOWNS)}街道办事处"
        if kind == "51":
            return f"{city if r() < 0.6 else county}{pick(N.ASSOCIATIONS)}"
        if kind == "N2":
            if r() < 0.7:
                return f"{county}{pick(N.TOWNS)}镇{pick(N.VILLAGES)}村股份经济合作社"
            return f"{county}{pick(N.TOWNS)}街道{pick(N.VILLAGES)}社区股份经济合作社"
        if kind == "31":
            return f"{'江苏' if r() < 0.5 else short}{zihao}律师事务所"
        patterns = {
            "12": N.INSTITUTION_PATTERNS,
            "52": N.NON_ENTERPRISE_PATTERNS,
            "53": N.FOUNDATION_PATTERNS,
        }.get(kind, N.OTHER_ORG_PATTERNS)
        return pick(patterns).format(
            county=county,
            city=city,
            zihao=zihao,
            town=pick(N.TOWNS),
            n=_cn_number(1 + int(r() * 9)),
        )

    # -- the stream -------------------------------------------------------------------------

    def run(self) -> Iterator[dict]:
        total = self.subjects
        if total == 0:
            return
        self.n_persons = 1 if total == 1 else max(1, round(total * 0.15))
        persons_left = self.n_persons
        r = self.r
        record = self._record_fn()
        for i in range(total):
            if r() * (total - i) < persons_left:
                persons_left -= 1
                s = self._person_subject()
                k_table = self.k_person
            else:
                s = self._org_subject()
                k_table = self.k_org
            regs = self.reg_for.get(s.kind)
            if regs:
                plan, providers = regs[int(r() * len(regs))] if len(regs) > 1 else regs[0]
                yield record(plan, s, providers)
            k = k_table[int(r() * len(k_table))]
            if k and not s.is_org and self.person_basic and r() < 0.8:
                plan = self.person_basic[int(r() * len(self.person_basic))]
                if plan in self.queue:
                    self.queue.remove(plan)
                yield record(plan, s, plan.providers)
                k -= 1
            plans, cum, weight = self.pools[s.kind]
            if not plans:
                continue
            if self.queue:
                forced = [p for p in self.queue if s.kind in p.kinds][: max(k, 1)]
                for p in forced:
                    self.queue.remove(p)
                    yield record(p, s, p.providers)
                k -= len(forced)
            for _ in range(k):
                plan = plans[bisect(cum, r() * weight)]
                yield record(plan, s, plan.providers)

    def _record_fn(self) -> Callable[[_Plan, _Subject, tuple], dict]:
        """The function building one record (a closure: this runs millions of times)."""
        r = self.r
        c = self.ctx
        dates = self.dates
        base = self.base
        last = self.today - 1

        def record(plan: _Plan, s: _Subject, providers: tuple) -> dict:
            plan.counter += 1
            n = plan.counter
            day = last - int(r() * plan.window)
            if day < s.est:
                day = s.est if s.est <= last else last
            default, by_city = providers
            lst = by_city.get(s.city4, default) if by_city else default
            dept = lst[int(r() * len(lst))]
            c.D = day
            c.dept = dept
            c.s = s
            c.n = n
            c.party = None
            c.fine = 0
            day_text = dates[day - base]
            code = plan.code
            if plan.negative:
                u = r()
                p_severe = plan.p_severe
                c.severe = u < p_severe
                return {
                    "provider": dept.code,
                    "item": code,
                    "source_id": f"{code}-{n:09d}",
                    "subject": s.ref.copy(),
                    "fields": plan.fill(c, dept, day_text),
                    "severity": (
                        "severe" if u < p_severe else "serious" if u < p_severe + 0.2 else "general"
                    ),
                    "determined_on": day_text,
                }
            return {
                "provider": dept.code,
                "item": code,
                "source_id": f"{code}-{n:09d}",
                "subject": s.ref.copy(),
                "fields": plan.fill(c, dept, day_text),
            }

        return record

    # -- fields -----------------------------------------------------------------------------

    def _field(self, item: dict, field: dict) -> _FieldPlan:
        name = field["name"]
        fn, p = self._field_fn(item, field)
        cut = 0
        if field.get("type") in ("string", "text"):
            cut = field.get("max_length") or 0
        if field.get("required"):
            return name, fn, 1.0, self._fallback(field), cut
        return name, fn, p, None, cut

    def _fallback(self, field: dict) -> FieldFn:
        kind = field.get("type")
        dates, base = self.dates, self.base
        if kind == "date":
            return lambda c: dates[c.D - base]
        if kind == "id_number":
            return lambda c: c.s.key if not c.s.is_org else c.s.reps["legal_representative"][0]
        if kind == "credit_code":
            return lambda c: c.dept.credit_code
        if kind in ("decimal", "integer"):
            return lambda c: "1.00" if kind == "decimal" else 1
        if kind == "enum" and field.get("values"):
            first = field["values"][0]
            return lambda c: first
        return lambda c: c.s.name

    def _field_fn(self, item: dict, field: dict) -> tuple[FieldFn | _Inline, float]:
        r = self.r
        dates, base = self.dates, self.base
        name = field["name"]
        label = field.get("label", "")
        ftype = field.get("type", "string")
        text = f"{name} {label}"

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        def pick(seq):
            return seq[int(r() * len(seq))]

        links = {
            link.get(key): link["role"]
            for link in item.get("links") or ()
            for key in ("name_field", "id_field")
            if link.get(key)
        }
        p_opt = 0.3 if has("remark", "备注", "removal", "移出", "removed") else 0.7

        # persons linked to an organisation (registration links, legal representative fields)
        if name in links:
            role = links[name]
            idx = 0 if ftype == "id_number" else 1

            expr = "(x[$idx] if (x := c.s.reps.get($role)) is not None else None)"
            return _Inline(expr, idx=idx, role=role), 1.0
        if ftype == "string" and has("法定代表人", "负责人姓名") and not has("财务"):
            expr = "c.s.reps['legal_representative'][1] if c.s.is_org else None"
            return _Inline(expr), 1.0

        party = self._party_group(item, field)

        if ftype == "enum":
            return self._enum_fn(field, text, party), p_opt
        if ftype == "date":
            return self._date_fn(item, field, text), p_opt
        if ftype == "decimal":
            return self._decimal_fn(text), p_opt
        if ftype == "integer":
            if has("年度", "year"):
                return (lambda c: int(dates[c.D - base][:4]) - 1), p_opt
            if has("死亡", "重伤", "deaths", "injur"):
                return (lambda c: int(r() * r() * 4)), p_opt
            if has("分类", "class"):
                return (lambda c: 1 + int(r() * 45)), p_opt
            if has("人数", "workers", "persons"):
                return (lambda c: 1 + int(r() * r() * 120)), p_opt
            return (lambda c: 1 + int(r() * 100)), p_opt
        if ftype == "credit_code":
            if party is not None:
                return (lambda c: self._party(c, party)[1]), 1.0
            return _DEPT_CODE, 0.85
        if ftype == "id_number":
            if party is not None:
                return (lambda c: self._party(c, party)[2]), 1.0

            def some_person(c):
                if not c.s.is_org:
                    return c.s.key
                return c.s.reps["legal_representative"][0]

            return some_person, p_opt
        return self._string_fn(item, field, text, party, has, pick), p_opt

    # party groups: fields sharing a prefix with a name field and a code/id field, e.g.
    # shareholder_name / shareholder_credit_code / shareholder_id_number / shareholder_type
    _PARTY_LABELS = (
        "股东",
        "相对方",
        "受赠单位",
        "组织单位",
        "执业（注册）单位",
        "工作单位",
        "当事人",
    )

    def _party_group(self, item: dict, field: dict) -> str | None:
        label = field.get("label", "")
        name = field["name"]
        fields = item.get("fields") or ()
        if any(w in label for w in ("机关", "部门", "数据来源", "受诺", "法院", "征收机构", "授予",
                                    "认定单位", "检查单位", "约谈单位", "登记机关")):  # fmt: skip
            return None
        if field.get("type") in ("credit_code", "id_number", "enum"):
            stem = name.rsplit("_", 1)[0]
            for suffix in ("_credit", "_id"):
                stem = stem.removesuffix(suffix)
            for other in fields:
                if (
                    other is not field
                    and other.get("type") == "string"
                    and (other["name"] == stem or other["name"].startswith(stem + "_"))
                    and any(w in other.get("label", "") for w in self._PARTY_LABELS)
                ):
                    has_id = any(
                        f.get("type") == "id_number" and f["name"].startswith(stem) for f in fields
                    )
                    return "any" if has_id else "org"
            return None
        if field.get("type") == "string" and any(w in label for w in self._PARTY_LABELS):
            stem = name.rsplit("_", 1)[0] if name.endswith("_name") else name
            has_id = any(
                f.get("type") == "id_number" and f["name"].startswith(stem) for f in fields
            )
            return "any" if has_id else "org"
        return None

    def _party(self, c: _Ctx, mode: str) -> tuple[bool, str | None, str | None, str]:
        """(is_org, credit_code or None, id_number or None, name) of the record's other party."""
        if c.party is not None:
            return c.party
        r = self.r
        if mode == "any" and self.persons and r() < 0.6:
            id_number, name = self.persons[int(r() * len(self.persons))]
            c.party = (False, None, id_number, name)
        elif self.recent_orgs:
            code, name = self.recent_orgs[int(r() * len(self.recent_orgs))]
            if code == c.s.key and len(self.recent_orgs) > 1:
                code, name = self.recent_orgs[0]
            c.party = (True, code, None, name)
        else:
            c.party = (True, c.dept.credit_code, None, c.dept.name)
        return c.party

    def _enum_fn(self, field: dict, text: str, party: str | None) -> FieldFn | _Inline:
        r = self.r
        values = tuple(field.get("values") or ())
        if not values:
            return lambda c: None
        # earlier values are more common (weights 1, 1/1.5, 1/2, …); usual outcomes much more so
        cum, total = [], 0.0
        for i, value in enumerate(values):
            common = value in _COMMON_VALUES or value.startswith("一般")
            total += (6.0 if common else 1.0) / (1 + 0.5 * i)
            cum.append(total)
        if "主刑" in text or "principal_penalty" in text:
            return lambda c: None if c.s.is_org else values[bisect(cum, r() * total)]
        if "性别" in text or "gender" in text:
            male = next((v for v in values if v == "男"), values[0])
            female = next((v for v in values if v == "女"), values[-1])
            return lambda c: (male if c.s.sex else female) if not c.s.is_org else values[-1]

        cum = tuple(cum)

        def weighted(c):
            return values[bisect(cum, r() * total)]

        inline = _Inline(
            "$values[bisect($cum, r() * $total)]", sure=True, values=values, cum=cum, total=total
        )

        # values that suit the subject's (or the party's) kind, e.g. 股东类型, 列入主体身份
        by_kind: dict[str, tuple[str, ...]] = {}
        for kind, words in _KIND_WORDS.items():
            matched = tuple(v for v in values if any(w in v for w in words))
            if matched and len(matched) < len(values):
                by_kind[kind] = matched
        if len(by_kind) >= 2:
            if party is not None:

                def party_kind(c):
                    is_org = self._party(c, party)[0]
                    options = by_kind.get("91" if is_org else "person")
                    return options[0] if options else weighted(c)

                return party_kind

            def subject_kind(c):
                options = by_kind.get(c.s.kind)
                return options[int(r() * len(options))] if options else weighted(c)

            return subject_kind
        return inline

    def _date_fn(self, item: dict, field: dict, text: str) -> FieldFn | _Inline:
        r = self.r
        dates, base, today = self.dates, self.base, self.today
        name = field["name"]

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        def offset(lo: int, hi: int, cap: bool = True) -> FieldFn:
            span = hi - lo + 1

            def fn(c):
                o = c.D + lo + int(r() * span)
                if cap and o >= today:
                    o = today - 1
                return dates[o - base]

            return fn

        if name == item.get("decision_date_field") or name == _main_date_field(item):
            return _DECISION_DAY
        if has("成立", "established"):
            return _Inline("dates[c.s.est - base]", sure=True)
        if has("出生", "born", "birth"):
            return lambda c: c.s.born if not c.s.is_org else None
        if has("营业期限自", "operating_from"):
            return _Inline("dates[c.s.est - base] if c.s.kind in $m else None", m=_MARKET)
        if has("营业期限至", "operating_to"):
            return lambda c: (
                dates[c.s.est - base + 365 * 30 + 7] if c.s.kind in ("91", "93") else None
            )
        if has(
            "公示截止", "有效期", "penalty_valid", "纳入期限", "listed_until"
        ) and self._negative(item):
            return lambda c: dates[c.D - base + (1095 if c.severe else 365)]
        if has("欠缴期间至", "arrears_to"):
            return offset(30, 365)
        if has("认缴出资日期", "subscribed_due"):
            return offset(365, 3650, cap=False)
        if has("专用权", "商标"):
            return lambda c: dates[c.D - base + 3652]
        if has("自", "起始", "开始", "_from", "started"):
            return _DECISION_DAY
        if has("至", "截止", "until", "valid_to", "_to", "期限", "deadline", "ended"):
            if has("限期", "整改", "deadline", "履约"):
                return offset(15, 90, cap=False)
            if has("ended", "结束"):
                return offset(0, 3)
            if has("不得", "禁入", "限制", "barred", "restricted", "ban"):
                return offset(365, 1095, cap=False)
            return _Inline("dates[c.D - base + 365 * (1 + int(r() * 5)) - 1]", sure=True)
        if has("发生", "occurred", "申请", "applied", "承诺日期", "committed", "立案", "filed"):
            if has("承诺", "committed"):
                return offset(-365, -30)
            if has("发生", "occurred"):
                return lambda c: dates[c.D - base - _occurred_before(c.n)]
            return offset(-120, -5)
        if has("公布", "公告", "公示", "发布", "published", "announced"):
            return offset(0, 7)
        if has("生效", "effective"):
            return offset(10, 15)
        if has("核查", "verified", "移出", "removed", "实缴", "paid"):
            return offset(30, 300)
        if has("检查", "inspected"):
            return offset(-5, 0)
        return _DECISION_DAY

    @staticmethod
    def _negative(item: dict) -> bool:
        return item.get("category") == "negative"

    def _decimal_fn(self, text: str) -> FieldFn | _Inline:
        r = self.r

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        if "万元" in text and has("罚款金额", "fine_amount"):
            return lambda c: f"{(f := _fine(c, r)) // 10000}.{f // 100 % 100:02d}"
        if has("比例", "%", "ratio", "percent"):
            lo, hi = 0.5, 100.0
        elif has("小时", "hours"):
            lo, hi = 1.0, 300.0
        elif "万元" in text:
            if has("罚款", "罚金", "滞纳金", "fine", "late_fee"):
                lo, hi = 0.02, 50.0
            elif has("注册资本", "出资", "capital", "subscribed", "paid"):
                lo, hi = 10.0, 5000.0
            elif has("奖", "给付", "捐赠", "reward", "payment", "donation"):
                lo, hi = 0.05, 20.0
            else:
                lo, hi = 0.1, 500.0
        else:
            lo, hi = 1.0, 10000.0
        table = _amount_table(lo, hi)
        if has("注册资本", "capital"):
            return _Inline(
                "($table[int(r() * $size)] if c.s.kind in ('91', '93')"
                " and not c.s.name.endswith('分公司') else None)",
                table=table,
                size=len(table),
            )
        return _Inline("$table[int(r() * $size)]", sure=True, table=table, size=len(table))

    def _string_fn(self, item, field, text, party, has, pick) -> FieldFn | _Inline:
        r = self.r
        dates, base = self.dates, self.base
        name = field["name"]
        label = field.get("label", "")
        item_text = item["code"] + item.get("name", "")
        spread = sum(map(ord, item["code"])) * 31  # so items do not share number sequences
        regions = self.g._regions
        js_counties = self.g._js_counties

        years = self.g._years

        def year(c):
            return years[c.D - base]

        streets = self.g._streets
        n_streets = len(streets)

        def address(c):
            reg = c.s.region
            if reg.code.endswith("00"):
                reg = regions[js_counties[int(r() * len(js_counties))]]
            return reg.address_prefix + streets[int(r() * n_streets)]

        def amount_yuan():
            return 100 * (5 + int(r() * r() * 2000))

        if name == "name" or (label in ("名称", "姓名")):
            return _Inline("c.s.name", sure=True)
        if party is not None:
            return lambda c: self._party(c, party)[3]
        if field.get("type") == "text":
            return self._text_fn(item, field, text, has, pick, amount_yuan, year)
        if has("被约谈人姓名", "interviewee_name"):
            return lambda c: c.s.reps["legal_representative"][1] if c.s.is_org else c.s.name
        if has("出入境", "护照", "passport"):
            return lambda c: f"E{int(r() * 10**8):08d}"
        if has("案号", "case_number"):
            word = "刑初" if has("刑") or "criminal" in item_text or "刑事" in item_text else "执"

            def case_number(c):
                serial = (c.n * 7919 + spread) % 9973 + 1
                return f"（{years[c.D - base]}）{c.s.region.court}{word}{serial}号"

            return case_number
        if has("执行依据文号"):
            return lambda c: f"（{int(year(c)) - 1}）{c.s.region.court}民初{(c.n * 7) % 9973 + 1}号"
        if has("文号", "文书号", "decision_number", "document_number", "order_number"):
            word = "决"
            for key, w in (
                ("处罚", "处罚"), ("许可", "许可"), ("强制", "强制"), ("确认", "确认"),
                ("征收", "征收"), ("给付", "给付"), ("裁决", "裁决"), ("补偿", "补偿"),
                ("奖励", "奖励"), ("检查", "检查"), ("列入", "列入"), ("批复", "批复"),
                ("认定", "认定"), ("处理", "处理"), ("责令", "责令"), ("表彰", "发"),
            ):  # fmt: skip
                if key in label:
                    word = w
                    break
            return _Inline(
                'f"{dept.abbr}{$word}〔{years[c.D - base]}〕{(c.n * 7919 + $spread) % 9973 + 1}号"',
                sure=True,
                word=word,
                spread=spread,
            )
        if has("执行法院", "审判法院", "court", "作出执行依据单位"):

            def court(c):
                reg = c.s.region
                if reg.code[:2] != "32" or reg.code.endswith("00"):
                    return f"{reg.city if reg.code[:2] == '32' else '南京市'}中级人民法院"
                if reg.county.endswith("区"):
                    return f"{reg.city}{reg.county}人民法院"
                return f"{reg.county}人民法院"

            return court
        if has("机关", "部门", "数据来源", "受诺", "征收机构", "授予", "认定单位", "检查单位",
               "约谈单位", "authority", "data_source"):  # fmt: skip
            return _DEPT_NAME
        if has("违法行为类型", "violation_type"):
            return _Inline("(x := c.dept.violations)[int(r() * len(x))]", sure=True)
        if has("证照名称"):
            return lambda c: (
                f"{pick(c.dept.licences)}（{c.s.region.code}{years[c.D - base]}{c.n:06d}）"
            )
        if has("编号", "号码", "注册号", "number"):
            letters = "".join(part[0] for part in name.split("_")).upper()[:3] or "NO"
            if has("商标"):
                return lambda c: str(10_000_000 + c.n * 37 % 89_999_999)
            return _Inline(
                'f"{$letters}{c.s.region.code}{years[c.D - base]}{c.n:07d}"',
                sure=True,
                letters=letters,
            )
        if has("文书名称"):
            act = label.split("决定")[0] or "行政"
            return lambda c: f"准予{act}决定书" if "许可" in act else f"{act}决定书"
        if has("证书名称", "资质资格名称", "证照名称", "certificate_name", "qualification_name"):
            personal = has("资质资格")
            by_sector, default = N.PERSON_QUALIFICATIONS, N.DEFAULT_QUALIFICATIONS

            def licence(c):
                if personal and not c.s.is_org:
                    return pick(by_sector.get(c.dept.kind, default))
                return pick(c.dept.licences)

            return licence
        if has("事故名称", "事件名称"):
            if "环境" in item_text or "environment" in item_text:
                kinds = N.ENVIRONMENT_EVENTS
            elif "食品" in item_text or "food" in item_text:
                kinds = N.FOOD_ACCIDENTS
            elif "产品" in item_text or "product" in item_text:
                kinds = N.PRODUCT_ACCIDENTS
            else:
                kinds = N.ACCIDENTS

            def accident(c):
                day = dates[c.D - base - _occurred_before(c.n)]
                return f"{c.s.name}“{int(day[5:7])}·{int(day[8:])}”{pick(kinds)}"

            return accident
        if has("奖励名称", "表彰", "荣誉"):
            return lambda c: pick(N.REWARDS) if c.s.is_org else pick(N.PERSON_HONOURS)
        if has("事项", "征收项目", "matter", "levy_item", "inspection_item"):
            if has("检查"):
                return _Inline('f"{' + _LICENCE + '}事中事后监管检查"', sure=True)
            if has("征收"):
                return lambda c: pick(N.TAX_TYPES) if c.dept.kind == "tax" else pick(N.LEVY_ITEMS)
            return _Inline('f"{' + _LICENCE + '}办理"', sure=True)
        if has("活动", "项目", "考试", "project", "exam", "activity"):
            if has("考试", "exam"):
                return lambda c: pick(N.EXAMS)
            if has("志愿", "activity"):
                return lambda c: f"{c.s.region.county}{pick(N.VOLUNTEER_ACTIVITIES)}"
            return lambda c: f"{c.s.region.county}{pick(self.g._zihao)}{pick(N.PROJECTS)}"
        if has("产品名称", "食品名称", "product", "food"):
            return lambda c: pick(N.PRODUCTS)
        if has("商标名称", "trademark"):
            return lambda c: pick(self.g._zihao)
        if has("评价", "evaluation_name"):
            return lambda c: f"{years[c.D - base]}年度{pick(N.EVALUATIONS)}"
        if has("罪名", "charge"):
            return lambda c: pick(N.CHARGES)
        if has("附加刑"):
            return lambda c: pick(("罚金", "没收财产", "剥夺政治权利一年", "罚金、没收违法所得"))
        if has("类型", "entity_form"):
            forms = _ENTITY_FORMS

            def entity_form(c):
                options = forms.get(c.s.kind, ("其他组织",))
                if "股份有限公司" in c.s.name:
                    return "股份有限公司（非上市、自然人投资或控股）"
                if c.s.name.endswith("分公司"):
                    return "有限责任公司分公司（自然人投资或控股）"
                return options[0] if r() < 0.6 else options[int(r() * len(options))]

            return entity_form
        if has("民族", "ethnic"):
            return lambda c: "汉族" if r() < 0.95 else pick(N.ETHNICITIES)
        if has("出生地", "birthplace"):
            return lambda c: None if c.s.is_org else c.s.origin.address_prefix
        if has("地址", "住所", "场所", "address"):
            if has("居住", "residence"):

                def residence(c):
                    reg = regions[js_counties[int(r() * len(js_counties))]]
                    return reg.address_prefix + streets[int(r() * n_streets)]

                return residence
            return address
        if has("学历", "education"):
            return lambda c: pick(N.EDUCATION_LEVELS)
        if has("职务", "position"):
            return lambda c: pick(N.POSITIONS) if c.s.is_org else None
        if has("姓名", "_name"):

            def some_person_name(c):
                if self.persons:
                    return self.persons[int(r() * len(self.persons))][1]
                return c.s.name

            return some_person_name
        if has("币种", "currency"):
            return _Inline(
                "(('人民币' if r() < 0.97 else '美元') if c.s.kind in ('91', '93') else None)"
            )
        if has("等级", "级别", "grade"):
            if has("信用"):
                return lambda c: pick(("A级", "B级", "AAA级", "AA级", "良好", "较好"))
            return lambda c: pick(("一级", "二级", "三级", "甲级", "乙级")) if c.s.is_org else None
        if has("税种", "tax_type"):
            return lambda c: pick(N.TAX_TYPES)
        if has("服务类别", "category"):
            return lambda c: pick(N.VOLUNTEER_CATEGORIES)
        if has("平台", "platform"):
            return lambda c: pick(("志愿江苏", "全国志愿服务信息系统"))
        if has("出资方式", "method"):
            return lambda c: pick(("货币", "货币", "货币", "实物", "知识产权", "土地使用权"))
        if has("污染物", "pollutant"):
            return lambda c: pick(N.POLLUTANTS)
        if has("行业", "领域", "field", "industry"):
            return lambda c: f"{N.SECTOR_FIELDS.get(c.dept.kind, '综合')}领域"
        if has("移出", "removal"):
            return lambda c: pick(N.REMOVAL_REASONS)
        phrases = N.GENERIC_PHRASES
        return _Inline("$p[int(r() * $n)]", sure=True, p=phrases, n=len(phrases))

    def _text_fn(self, item, field, text, has, pick, amount_yuan, year) -> FieldFn | _Inline:
        r = self.r
        base = self.base
        years = self.g._years
        cn_dates = self.g._cn_dates
        cn_base = self.g._cn_base

        if has("影响范围", "后果", "consequence", "affected"):
            return lambda c: f"{c.s.region.county}{pick(N.VILLAGES)}周边区域"
        if has("等级说明", "grade_description"):
            return lambda c: (
                f"该主体{years[c.D - base]}年度信用状况{pick(('良好', '较好', '一般'))}"
            )
        if has("范围", "scope"):
            if has("经营", "business"):
                return lambda c: pick(N.BUSINESS_SCOPES) if c.s.kind in _MARKET else None
            return _Inline(
                'f"{' + _LICENCE + '}相关业务（{c.s.region.province}范围内）"',
                sure=True,
            )
        if has("依据", "basis"):
            return lambda c: f"依据{(refs := c.dept.law_refs)[int(r() * len(refs))]}的规定"
        if has("失信", "dishonest"):
            return lambda c: pick(N.COURT_CASES)
        if has("责任认定", "responsibility"):
            shares = ("主要", "全部", "次要", "重要")
            return lambda c: f"经调查认定，{c.s.name}对该起事故负有{pick(shares)}责任。"
        if has(
            "事实", "事由", "理由", "原因", "情形", "虚假材料", "facts", "reason", "false_material"
        ):
            if has("奖励", "表彰", "reward"):
                return lambda c: (
                    f"{c.s.name}在{years[c.D - base]}年度{pick(N.REWARD_REASONS)}，成绩突出。"
                )

            def facts(c):
                tails = c.dept.fact_tails
                return (
                    f"经查，{c.s.name}于{cn_dates[c.D - cn_base - 10 - int(r() * 60)]}"
                    f"{tails[int(r() * 64)]}"
                )

            return facts
        if has("义务", "obligation"):
            return lambda c: f"支付欠款人民币{amount_yuan()}元及相应利息，并承担案件受理费。"
        if has("当事人", "parties"):
            return lambda c: f"申请人：{c.s.name}；被申请人：{self._party(c, 'org')[3]}"
        if has("许可内容"):
            return _Inline(
                'f"准予{' + _LICENCE + '}，许可范围：{$scopes[int(r() * $n)]}"',
                sure=True,
                scopes=N.LICENCE_SCOPES,
                n=len(N.LICENCE_SCOPES),
            )
        if has("处罚内容", "处理结果", "handling_result", "penalty_content"):

            def punishment(c):
                u = r()
                if u < 0.45:
                    return f"罚款人民币{_fine(c, r)}元"
                if u < 0.65:
                    return f"警告，并处罚款人民币{_fine(c, r)}元"
                if u < 0.8:
                    return f"没收违法所得人民币{amount_yuan()}元，并处罚款人民币{_fine(c, r)}元"
                if u < 0.9:
                    return "责令改正，给予警告"
                return f"责令停产停业整顿{1 + int(r() * 6)}个月"

            return punishment
        if has("强制内容"):

            def compulsion(c):
                u = r()
                if u < 0.3:
                    return f"冻结{c.s.name}银行存款人民币{amount_yuan()}元"
                if u < 0.6:
                    return f"查封{c.s.name}涉案场所及设施"
                if u < 0.8:
                    return f"扣押{c.s.name}涉案财物一批"
                return f"加处罚款人民币{amount_yuan()}元"

            return compulsion
        if has("判决结果", "sentence"):

            def sentence_text(c):
                if c.s.is_org:
                    return (
                        f"被告单位{c.s.name}犯{pick(N.CHARGES)}，判处罚金人民币{amount_yuan()}元。"
                    )
                years = _cn_number(1 + int(r() * 8))
                return f"被告人{c.s.name}犯{pick(N.CHARGES)}，判处有期徒刑{years}年。"

            return sentence_text
        if has("裁决结果"):
            return lambda c: pick(N.ADJUDICATIONS)
        if has("给付内容", "补偿内容"):
            word = "给付" if "给付" in text else "补偿"
            return lambda c: f"依法{word}{c.s.name}人民币{amount_yuan()}元"
        if has("确认内容"):
            return lambda c: f"确认{c.s.name}符合{pick(c.dept.licences)}相关条件"
        if has("发现问题", "说明", "findings", "description"):
            return lambda c: pick(c.dept.violations) if r() < 0.5 else "未发现问题"
        if has("要求", "requirement"):
            return lambda c: (
                f"限期{_cn_number(7 * (1 + int(r() * 4)))}日内完成整改并提交书面整改报告"
            )
        if has("抵押物", "collateral"):
            return lambda c: pick(N.COLLATERALS)
        if has("商品", "服务", "goods"):
            return lambda c: pick(N.GOODS)
        if has("承诺内容", "commitment"):
            return lambda c: f"{c.s.name}承诺所提交材料真实有效，如有虚假愿意承担相应法律责任。"
        if has("用途", "purpose"):
            uses = ("教育事业", "扶贫济困", "养老服务", "抗灾救灾", "医疗救助")
            return lambda c: f"用于{c.s.region.county}{pick(uses)}"

        size = len(N.GENERIC_SENTENCES)

        def sentence(c):
            parts = c.dept.sentences[int(r() * size)]
            return parts[0] if len(parts) == 1 else c.s.name.join(parts)

        return sentence


# --- writers -------------------------------------------------------------------------------------


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    """Write records as JSON lines (UTF-8, orjson); returns the number written."""
    count = 0
    dumps = orjson.dumps
    option = orjson.OPT_APPEND_NEWLINE
    with open(path, "wb", buffering=1 << 20) as out:
        write = out.write
        for record in records:
            write(dumps(record, option=option))
            count += 1
    return count


CSV_HEAD = ("source_id", "credit_code", "id_number", "name", "severity", "determined_on")


def write_csv(
    records: Iterable[dict], path: str | Path, *, item: dict, encoding: str = "utf-8"
) -> int:
    """Write the records of one catalog item as CSV (header: ``CSV_HEAD`` then the item's field
    names); records of other items are skipped. Returns the number of rows written."""
    code = item["code"]
    names = [f["name"] for f in item.get("fields") or ()]
    count = 0
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*CSV_HEAD, *names])
        for record in records:
            if record.get("item") != code:
                continue
            subject = record.get("subject") or {}
            fields = record.get("fields") or {}
            row = [
                record.get("source_id", ""),
                subject.get("credit_code", ""),
                subject.get("id_number", ""),
                subject.get("name", ""),
                record.get("severity", ""),
                record.get("determined_on", ""),
            ]
            for name in names:
                value = fields.get(name)
                row.append("" if value is None else value)
            writer.writerow(row)
            count += 1
    return count
