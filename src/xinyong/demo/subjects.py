"""The demo's subjects: organisations of every kind (GB 32100 registration authorities and
kinds) and natural persons, with their names, regions and representatives."""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Callable, Sequence
from datetime import date

from xinyong.demo import names as N
from xinyong.demo.codes import OrgCodes, credit_code_with, id_number_of
from xinyong.demo.departments import cn_number
from xinyong.demo.fill import Ctx
from xinyong.demo.tables import Region, Tables

# (kind, share of organisations, registering sector). Kind = credit-code characters 1–2.
ORG_KINDS = (
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
_ORG_KIND_TABLE = tuple(k for k, share, _sector in ORG_KINDS for _ in range(round(share * 1000)))
assert len(_ORG_KIND_TABLE) == 1000
MARKET = ("91", "92", "93")
# Kinds with a 负责人 (the registration's ``principal``) and no 法定代表人: agencies (机关,
# 街道办事处 and 镇人民政府 included: their head is 负责人 here, and a natural person is never
# their legal representative), individual businesses (their 经营者), law firms (律师事务所负责人)
# and other unincorporated organisations; branches (分公司) likewise.
PRINCIPAL_ONLY = frozenset(("11", "92", "31", "Y1"))
_REFORM_ORD = date(2015, 10, 1).toordinal()  # unified credit codes from 1 October 2015

# The showcase organisation every demo has, its first (README's example): a valid credit code of
# a company registered in Nanjing after the 2015 reform ("MA…" organisation code).
SHOWCASE_NAME = "南京诚信示范科技有限公司"
SHOWCASE_CODE = credit_code_with("91", "320100", "MA1XYW12")  # 91320100MA1XYW1240
SHOWCASE_EST = date(2016, 3, 18)

# Items whose code or name contains one of these words apply to these organisation kinds only.
KIND_FILTERS = (
    (("政务", "government"), ("11",)),
    (("社会组织", "social_org"), ("51", "52", "53")),
    (("事业单位", "public_institution"), ("12",)),
    (("个体工商户", "individual_business"), ("92",)),
    (("合作社", "cooperative"), ("93",)),
    (("经营异常", "abnormal_operation", "食品安全", "产品质量"), MARKET),
    (("股东", "shareholding", "纳税信用", "tax_credit"), ("91", "93")),
)


class Subject:
    """A subject as the hot loop uses it; ``key`` is its credit code or ID number."""

    __slots__ = (
        "born", "city4", "est", "head", "is_org", "key", "kind", "name", "origin", "ref",
        "region", "reps", "sex",
    )  # fmt: skip
    born: str  # a person's birth date
    city4: str  # the first 4 characters of its region code
    est: int  # the ordinal of its establishment (a person's 18th birthday): no record before
    head: tuple[str, str]  # an organisation's 法定代表人, else its 负责人: (id_number, name)
    is_org: bool
    key: str
    kind: str  # the credit code's characters 1–2, or "person"
    name: str
    origin: Region  # a person's region of birth (ID number)
    ref: dict[str, str]  # the record's ``subject``
    region: Region
    sex: int  # 1 male, 0 female

    def __init__(self) -> None:
        self.reps: dict[str, tuple[str, str]] = {}


class Population:
    """The subjects of one run, made on demand and in order: persons (each ID number once) and
    organisations (each credit code once), and the persons and organisations already made that
    a record may name as its other party."""

    def __init__(
        self, tables: Tables, codes: OrgCodes, r: Callable[[], float], *, first_org_index: int
    ) -> None:
        self.t = tables
        self.codes = codes
        self.r = r
        self.num_index = first_org_index  # departments have the first 8-digit codes
        self.m_index = 0
        self.persons: list[tuple[str, str]] = []  # (id_number, name)
        self.person_bodies: set[str] = set()
        self.emitted_persons = 0
        self.n_persons = 0  # persons among the run's subjects, set when the run starts
        self.recent_orgs: list[tuple[str, str]] = []
        self.recent_i = 0
        self.org_count = 0
        self.est_span = tables.today_ord - 30 - date(1985, 1, 1).toordinal()
        self.dates = tables.dates
        self.base = tables.base_ord
        self.today = tables.today_ord

    def person_name(self, male: bool) -> str:
        r = self.r
        t = self.t
        surname = t.surnames[bisect(t.surname_cum, r() * t.surname_total)]
        pool = N.GIVEN_MALE if male else N.GIVEN_FEMALE
        second = pool[int(r() * len(pool))]
        u = r()
        if u < 0.28:
            return surname + second
        if u < 0.6:
            return surname + N.GIVEN_FIRST[int(r() * len(N.GIVEN_FIRST))] + second
        return surname + pool[int(r() * len(pool))] + second

    def new_person(self) -> tuple[str, str]:
        r = self.r
        t = self.t
        birth = t.birth_first + int(r() * t.birth_span)
        born = self.dates[birth - self.base]
        year = int(born[:4])
        js, other, newer = t.id_regions[year]
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
                return self.new_person()
            seq = (seq + 1) % 1000
            body = f"{prefix}{seq:03d}"
        self.person_bodies.add(body)
        person = (id_number_of(body), self.person_name(seq % 2 == 1))
        self.persons.append(person)
        return person

    def person_subject(self) -> Subject:
        if self.emitted_persons < len(self.persons):
            id_number, name = self.persons[self.emitted_persons]
        else:
            id_number, name = self.new_person()
        self.emitted_persons += 1
        s = Subject()
        s.is_org = False
        s.kind = "person"
        s.key = id_number
        s.name = name
        t = self.t
        s.origin = t.regions.get(id_number[:6]) or t.regions["320100"]
        if id_number[:6] in t.current_codes:
            s.region = s.origin
        else:  # a historical code: the person lives somewhere in Jiangsu today
            s.region = t.regions[t.js_counties[int(self.r() * len(t.js_counties))]]
        s.city4 = s.region.code[:4]
        s.born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
        s.sex = int(id_number[16]) % 2
        s.est = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])).toordinal()
        s.est += 18 * 365
        s.ref = {"id_number": id_number, "name": name}
        return s

    def pick_rep(self) -> tuple[str, str]:
        """A person for an organisation: any of the run's persons, created (in order) on demand;
        those not yet met as subjects become subjects later."""
        index = int(self.r() * self.n_persons)
        while len(self.persons) <= index:
            self.new_person()
        return self.persons[index]

    def showcase(self) -> Subject:
        """The showcase organisation (``SHOWCASE_CODE``, ``SHOWCASE_NAME``): a company of
        Nanjing established in 2016, with a legal representative of the run's persons."""
        t = self.t
        s = Subject()
        s.is_org = True
        s.kind = "91"
        s.key = SHOWCASE_CODE
        s.region = t.regions["320100"]
        s.city4 = "3201"
        s.est = min(SHOWCASE_EST.toordinal(), self.today - 30)
        s.name = SHOWCASE_NAME
        self._roles(s, self.pick_rep())
        s.ref = {"credit_code": s.key, "name": s.name}
        self.recent_orgs.append((s.key, s.name))
        return s

    def org_subject(self) -> Subject:
        r = self.r
        t = self.t
        if self.org_count == 0:  # the first organisation: the showcase
            self.org_count += 1
            return self.showcase()
        if self.org_count < len(ORG_KINDS):  # the first organisations cover every kind
            kind = ORG_KINDS[self.org_count][0]
        else:
            kind = _ORG_KIND_TABLE[int(r() * 1000)]
        self.org_count += 1
        # region of the registering authority
        u = r()
        if kind in ("11", "12", "N2") or u < 0.78:
            region = t.js_counties[int(r() * len(t.js_counties))]
        elif u < 0.88:
            region = t.js_cities[int(r() * len(t.js_cities))]
        elif u < 0.92 or kind != "91":
            if kind in ("92", "93"):  # registered locally
                region = t.js_counties[int(r() * len(t.js_counties))]
            else:
                region = "320000"
        else:
            region = t.other_counties[int(r() * len(t.other_counties))]
        reg = t.regions[region]
        u = r()
        # businesses: more young than old ones, their number falling linearly with the age (as
        # many founded in each recent month: no crowd of the last weeks); others: uniform
        age = 1 - math.sqrt(1 - u) if kind in MARKET else u
        est = self.today - 30 - int(age * self.est_span)
        old = est < _REFORM_ORD or kind == "11"
        code = SHOWCASE_CODE
        while code == SHOWCASE_CODE:  # the showcase's code is taken (never in practice)
            if old:
                code = self.codes.credit_code(kind, region, old=True, index=self.num_index)
                self.num_index += 1
            else:
                code = self.codes.credit_code(kind, region, old=False, index=self.m_index)
                self.m_index += 1
        s = Subject()
        s.is_org = True
        s.kind = kind
        s.key = code
        s.region = reg
        s.city4 = region[:4]
        s.est = est
        rep = self.pick_rep()
        s.name = self.org_name(kind, reg, rep)
        self._roles(s, rep)
        s.ref = {"credit_code": code, "name": s.name}
        recent = self.recent_orgs
        if len(recent) < 1024:
            recent.append((code, s.name))
        else:
            recent[self.recent_i % 1024] = (code, s.name)
            self.recent_i += 1
        return s

    def _roles(self, s: Subject, rep: tuple[str, str]) -> None:
        """The persons who answer for ``s`` (``PRINCIPAL_ONLY``: who has a 法定代表人)."""
        r = self.r
        if s.kind in PRINCIPAL_ONLY or s.name.endswith("分公司"):
            s.reps["principal"] = rep
            s.head = rep
            return
        s.reps["legal_representative"] = rep
        s.head = rep
        if r() < 0.3:
            s.reps["principal"] = rep if r() < 0.3 else self.pick_rep()
        if s.kind in ("91", "93") and r() < 0.25:
            s.reps["actual_controller"] = rep if r() < 0.5 else self.pick_rep()

    def org_name(self, kind: str, reg: Region, rep: tuple[str, str]) -> str:
        r = self.r
        zihao = self.t.zihao[int(r() * len(self.t.zihao))]

        def pick(seq: Sequence[str]) -> str:
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
            n=cn_number(1 + int(r() * 9)),
        )

    def party(self, c: Ctx, mode: str) -> tuple[bool, str | None, str | None, str]:
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
