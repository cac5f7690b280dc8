"""A generator's lookup tables, built once: the dates it writes, the regions (GB/T 2260 with
their history) and the parts of names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources

from xinyong.demo import names as N


def _parse_regions() -> list[tuple[str, str, int, int]]:
    rows = []
    for chunk in N.REGION_TABLE.split():
        for entry in chunk.split(";"):
            code, name, start, end = entry.split(",")
            rows.append((code, name, int(start), int(end)))
    return rows


_MUNICIPALITIES = ("11", "12", "31", "50")
# The first resident identity cards (居民身份证) were issued from 1984–1985.
ISSUE_YEAR = 1985
# Jiangsu's prefecture-level cities of today (GB/T 2260; core/regions.json "cities").
JIANGSU_CITIES = frozenset(
    json.loads(resources.files("xinyong.core").joinpath("regions.json").read_text("utf-8"))[
        "cities"
    ]
)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    county: str  # 江宁区 / 江阴市 / 南京市 (city level) / 江苏省 (province level)
    city: str  # 南京市; the province for province-level codes
    city_short: str  # 南京 / 江苏
    province: str
    address_prefix: str  # 江苏省南京市江宁区


def _build_regions() -> tuple[dict[str, Region], list[tuple[str, str, int, int]]]:
    rows = _parse_regions()
    latest: dict[str, str] = {}
    for code, name, _start, _end in rows:  # later rows of a code are its newer names
        latest[code] = name
    regions: dict[str, Region] = {}
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
        regions[code] = Region(code, county, city, short, province, prefix)
    return regions, rows


class Tables:
    """Dates as text from 1950 to 32 years after ``today``, regions and their pools, name parts.
    Hot loops index these instead of formatting or choosing anew."""

    def __init__(self, today: date) -> None:
        self.today_ord = today.toordinal()
        self.base_ord = date(1950, 1, 1).toordinal()
        last = date(today.year + 32, 12, 31).toordinal()  # licences, trademarks, 营业期限
        self.dates = tuple(date.fromordinal(o).isoformat() for o in range(self.base_ord, last + 1))
        self.years = tuple(d[:4] for d in self.dates)
        # Chinese dates (2024年8月1日) for the last five years only: facts before a decision
        self.cn_base = self.today_ord - 5 * 366
        self.cn_dates = tuple(
            f"{d[:4]}年{int(d[5:7])}月{int(d[8:])}日"
            for d in self.dates[self.cn_base - self.base_ord : self.today_ord - self.base_ord]
        )
        self.streets = tuple(f"{road}{n}号" for road in N.ROADS for n in range(1, 301))
        self.regions, region_rows = _build_regions()
        self._build_region_pools(region_rows)
        self._build_name_tables()
        self._build_courts()

    def _build_courts(self) -> None:
        """The courts of Jiangsu (《人民法院组织法》): the high court, an intermediate court per
        city, a basic court per county, county-level city and district, each as (name, its code
        in case numbers: 苏 / 苏01 / 苏0102)."""
        self.high_court = ("江苏省高级人民法院", "苏")
        self.intermediate_courts = {
            code[:4]: (f"{self.regions[code].county}中级人民法院", "苏" + code[2:4])
            for code in sorted(JIANGSU_CITIES)
        }
        self.basic_courts: dict[str, tuple[str, str]] = {}
        for code in dict.fromkeys(self.js_counties):
            reg = self.regions[code]
            name = reg.county if reg.county.endswith(("市", "县")) else reg.city + reg.county
            self.basic_courts[code] = (f"{name}人民法院", "苏" + code[2:6])
        self.basic_court_list = tuple(self.basic_courts.values())
        self.courts = frozenset(
            name
            for name, _code in (
                self.high_court,
                *self.intermediate_courts.values(),
                *self.basic_court_list,
            )
        )

    def court_for(self, region: Region, u: float) -> tuple[str, str]:
        """The court of a case about a subject of ``region`` (``u`` uniform in [0, 1)): mostly
        the basic court of its county, else its city's intermediate court; for a subject
        registered at province level or elsewhere, a court of Jiangsu (the high court too)."""
        basic = self.basic_courts.get(region.code)
        if basic is not None:
            return basic if u < 0.8 else self.intermediate_courts[region.code[:4]]
        city = self.intermediate_courts.get(region.code[:4])
        if city is not None:
            return city
        if u < 0.5:
            return self.intermediate_courts["3201"]
        if u < 0.85:
            return self.basic_court_list[int(u * 1_000_003) % len(self.basic_court_list)]
        return self.high_court

    def _build_region_pools(self, rows: list[tuple[str, str, int, int]]) -> None:
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
        self.js_counties = tuple(js_counties)
        self.current_codes = frozenset(code for code, _name in current)
        self.js_cities = tuple(c for c, _n in current if c[:2] == "32" and c.endswith("00"))
        self.other_counties = tuple(
            c for c, _n in current if c[:2] != "32" and not c.endswith("00")
        )
        # ID-number regions per birth year. Numbers were first issued in 1984 (居民身份证试行
        # from 1984, 18 digits from 1999), with the code of the registered residence then: a
        # code valid in the birth year and still in use at issue (1985 or the birth year, the
        # later), under a city of today's table (regions.json) — never a prefecture abolished
        # before 1985 (淮阴地区 3222xx, 扬州地区 3227xx). For the ~1 % "newer than the birth"
        # numbers: current codes created after it.
        usable = [
            row
            for row in rows
            if not row[0].endswith("00")
            and row[1] not in ("市辖区",)
            and row[0][2:4] != "90"
            and row[0][:4] + "00" in self.regions
            and (row[0][:2] != "32" or row[0][:4] + "00" in JIANGSU_CITIES)
        ]
        self.id_regions: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
        for year in range(1950, 2005):
            js: list[str] = []
            other: list[str] = []
            newer: list[str] = []
            issued = max(year, ISSUE_YEAR)
            for code, _name, start, end in usable:
                if start <= year and issued <= end:
                    (js if code[:2] == "32" else other).append(code)
                elif start > year and end == 9999 and code[:2] == "32":
                    newer.append(code)
            self.id_regions[year] = (
                tuple(dict.fromkeys(js)),
                tuple(dict.fromkeys(other)),
                tuple(dict.fromkeys(newer)),
            )
        self.birth_first = date(1950, 1, 1).toordinal()
        self.birth_span = date(2004, 12, 31).toordinal() - self.birth_first + 1

    def _build_name_tables(self) -> None:
        cum, total = [], 0
        for _surname, weight in N.SURNAMES:
            total += weight
            cum.append(total)
        self.surnames = tuple(s for s, _w in N.SURNAMES)
        self.surname_cum = tuple(cum)
        self.surname_total = total
        self.zihao = tuple(a + b for a in N.ZIHAO_FIRST for b in N.ZIHAO_SECOND if a != b)
