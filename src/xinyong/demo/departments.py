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


# Who may hold each licence or certificate (subject kinds: credit-code characters 1–2, or
# "person"): a 民办非企业单位登记证书 only a 民办非企业单位, a business licence only a business…
# Licences not named here are for businesses (91 companies, 92 individual businesses, 93
# cooperatives).
_BUSINESS = ("91", "92", "93")
_ORGS = ("91", "92", "93", "12", "11", "51", "52", "53", "N2", "31", "Y1")
LICENCE_HOLDERS: dict[str, tuple[str, ...]] = {
    "企业投资项目核准": ("91", "93", "12"),
    "固定资产投资项目节能审查意见": ("91", "12"),
    "信用承诺书备案": _ORGS,
    "食品经营许可证": (*_BUSINESS, "12"),
    "工业产品生产许可证": ("91",),
    "特种设备使用登记证": (*_BUSINESS, "12"),
    "增值税专用发票最高开票限额审批": ("91", "93"),
    "执行裁定书": (*_ORGS, "person"),
    "检察建议书": _ORGS,
    "公章刻制业特种行业许可证": ("91", "92"),
    "旅馆业特种行业许可证": ("91", "92"),
    "社会团体法人登记证书": ("51",),
    "民办非企业单位登记证书": ("52",),
    "基金会法人登记证书": ("53",),
    "养老机构备案": ("52", "12", "91"),
    "事业单位法人证书": ("12",),
    "人力资源服务许可证": ("91",),
    "劳务派遣经营许可证": ("91",),
    "安全生产许可证": ("91",),
    "危险化学品经营许可证": ("91", "92"),
    "排污许可证": ("91", "93", "12"),
    "危险废物经营许可证": ("91",),
    "建设项目环境影响评价文件批复": ("91", "93", "12"),
    "建筑业企业资质证书": ("91",),
    "建筑工程施工许可证": ("91", "12"),
    "商品房预售许可证": ("91",),
    "道路运输经营许可证": ("91", "92"),
    "道路运输证": ("91", "92"),
    "水路运输许可证": ("91",),
    "建设用地规划许可证": ("91", "12", "11"),
    "采矿许可证": ("91",),
    "不动产权证书": (*_ORGS, "person"),
    "种子生产经营许可证": ("91", "93"),
    "动物防疫条件合格证": (*_BUSINESS, "N2"),
    "取水许可证": ("91", "93", "12", "N2"),
    "河道管理范围内建设项目许可": ("91", "12", "11", "N2"),
    "医疗机构执业许可证": ("12", "52", "91", "92"),
    "放射诊疗许可证": ("12", "52", "91"),
    "药品经营许可证": ("91", "92"),
    "第二类医疗器械经营备案凭证": ("91", "92"),
    "化妆品生产许可证": ("91",),
    "民办学校办学许可证": ("52",),
    "高新技术企业证书": ("91",),
    "技术合同认定登记证明": ("91", "12"),
    "政府采购代理机构备案": ("91",),
    "律师事务所执业许可证": ("31",),
    "司法鉴定许可证": ("91", "12"),
    "拍卖经营许可证": ("91",),
    "旅行社业务经营许可证": ("91",),
    "网络文化经营许可证": ("91",),
    "涉外调查许可证": ("91",),
    "定点医药机构协议": ("12", "52", "91", "92"),
    "无线电台执照": ("91", "12", "11"),
    "民用爆炸物品生产许可证": ("91",),
    "金融许可证": ("91",),
    "保险兼业代理业务许可证": ("91",),
    "专利代理机构执业许可证": ("91",),
    "审计决定书": _ORGS,
    "备案证明": (*_ORGS, "person"),
}
SUBJECT_KINDS = (*_ORGS, "person")
_ANY_LICENCE = ("备案证明",)  # what a department records for a subject none of its licences suit


def licences_by_kind(licences: tuple[str, ...], sector: str) -> dict[str, tuple[str, ...]]:
    """The department's licences each subject kind may hold (a person: the sector's personal
    qualifications too)."""
    out: dict[str, tuple[str, ...]] = {}
    for kind in SUBJECT_KINDS:
        fit = tuple(name for name in licences if kind in LICENCE_HOLDERS.get(name, _BUSINESS))
        if kind == "person":
            fit = (*fit, *N.PERSON_QUALIFICATIONS.get(sector, ()))
        out[kind] = fit or _ANY_LICENCE
    return out


def honour_fits(honour: str, kind: str) -> bool:
    """Whether an organisation of ``kind`` may receive ``honour``: a business's honours
    (企业, 质量, 消费, 工厂, 纳税) go to businesses, a cooperative's to cooperatives."""
    if "合作社" in honour:
        return kind == "93"
    if any(w in honour for w in ("企业", "质量", "消费", "工厂", "纳税", "服务业")):
        return kind in _BUSINESS
    if "社会组织" in honour:
        return kind in ("51", "52", "53")
    return True


def level_of(region: str) -> tuple[str, str]:
    """A department's level and area by its region code: (省级, 江苏省), (市级, 南京市) or
    (县级, 江宁区)."""
    if region.endswith("0000"):
        return "省级", N.PROVINCE
    if region.endswith("00"):
        return "市级", next((c for _p, c, code, _a in N.CITIES if code == region), "")
    return "县级", ""


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
        "abbr", "area", "code", "credit_code", "fact_tails", "honours", "kind", "law_refs",
        "laws", "level", "lic", "licences", "name", "sentences", "violations",
    )  # fmt: skip

    def __init__(
        self,
        code: str,
        name: str,
        kind: str,
        abbr: str,
        credit_code: str,
        rng: random.Random,
        region: str = "320000",
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
        # the licences each subject kind may hold (LICENCE_HOLDERS)
        self.lic = licences_by_kind(self.licences, kind)
        # its level (省级 / 市级) and area (江苏省 / 南京市); its honours are of that level
        self.level, self.area = level_of(region)
        org, person = N.HONOURS.get(kind, N.DEFAULT_HONOURS)
        self.honours = {
            holder: tuple(
                f"{self.area}{h}"
                for h in (
                    person
                    if holder == "person"
                    else [h for h in org if honour_fits(h, holder)] or N.DEFAULT_HONOURS[0]
                )
            )
            for holder in SUBJECT_KINDS
        }
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
        depts.append((Dept(code, name, kind, abbr, credit, rng, region), region, role))

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
