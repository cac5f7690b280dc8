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
sometimes a principal and an actual controller) who is one of the person subjects — or, for an
agency (机关, 街道办事处), an individual business, a law firm or a branch, its principal (负责人)
only; persons often represent several organisations. Credit codes follow GB 32100-2015 (with a
GB 11714 organisation code), ID numbers GB 11643-1999, region codes GB/T 2260 (of today's
Jiangsu cities, core/regions.json; an ID number's code was in use when the card was issued);
about 1 % of ID numbers carry a region code created after the holder's birth year, as real
numbers do. The first organisation is always the showcase, 南京诚信示范科技有限公司
(91320100MA1XYW1240, :attr:`DemoGenerator.showcase`), with a full archive. Courts, licences and
honours fit their subject and issuer (tables.court_for, departments.LICENCE_HOLDERS, HONOURS).

Arrivals (arrivals.py): ``records(n, arrivals=True)`` adds the day each record's provider pushes
it, over the 24 months before ``today``; the decisions of the ten administrative acts mostly
within 7 working days before (``late_share`` of them later). The records are the same either
way; the loader loads them push by push, at their arrival.

This module plans and runs the stream; the parts it is made of: ``codes`` (credit codes and ID
numbers), ``tables`` (dates, regions, name parts), ``departments``, ``subjects`` (the run's
population), ``fields`` and ``texts`` (each field's values) and ``fill`` (the compiled fill
functions); ``names`` holds the word lists.
"""

from __future__ import annotations

import csv
import math
import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import orjson

from xinyong.demo import names as N
from xinyong.demo.arrivals import Arrivals
from xinyong.demo.codes import OrgCodes
from xinyong.demo.departments import DemoDepartment, Dept, build_departments
from xinyong.demo.fields import FieldMaker
from xinyong.demo.fill import Ctx, FieldPlan, compile_fill
from xinyong.demo.government import government_departments, is_government_item
from xinyong.demo.subjects import (
    KIND_FILTERS,
    ORG_KINDS,
    SHOWCASE_CODE,
    SHOWCASE_NAME,
    Population,
    Subject,
)
from xinyong.demo.tables import Tables

__all__ = ["DemoDepartment", "DemoGenerator", "write_csv", "write_jsonl"]

ARRIVAL_MONTHS = 24  # records arrive over the 24 months before the demo's today
SHOWCASE_RECORDS = 10  # records of the showcase organisation besides its registration
LATE_SHARE = 0.1  # of the records of the ten acts, published later than 7 working days

# Relative share of records per provider sector when an item has many sources.
_SECTOR_WEIGHTS = {
    "market_regulation": 10, "tax": 6, "emergency_management": 4, "ecology_environment": 4,
    "transport": 4, "housing_construction": 4, "public_security": 3, "human_resources": 3,
    "health": 3, "drug_administration": 2, "agriculture": 2, "natural_resources": 2,
    "culture_tourism": 2, "education": 2, "civil_affairs": 2, "court": 3,
}  # fmt: skip


class _Plan:
    """Everything the hot loop needs for one catalog item."""

    __slots__ = (
        "act", "code", "counter", "fields", "fill", "item", "kinds", "negative", "p_severe",
        "providers", "window",
    )  # fmt: skip

    def __init__(self, item: dict) -> None:
        self.item = item
        self.code: str = item["code"]
        self.counter = 0
        self.negative = item.get("category") == "negative"
        # one of the ten administrative acts: published within 7 working days (arrivals.py)
        self.act = bool(item.get("act_type"))
        self.window = 1460 if self.negative else 1095
        self.fields: list[FieldPlan] = []
        self.fill: Callable[[Ctx, Dept, str], dict] = lambda c, dept, day: {}
        self.kinds: tuple[str, ...] = ()
        self.providers: tuple[list[Dept], dict[str, list[Dept]]] = ([], {})
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
        months: int = ARRIVAL_MONTHS,
        late_share: float = LATE_SHARE,
    ) -> None:
        # Government integrity's items are the demo's government module's (demo/government.py):
        # its records of bodies and civil servants are made coherent there, not drawn here.
        self.items = [dict(item) for item in items if not is_government_item(item)]
        self.seed = seed
        self.today = today
        self.records_per_subject = float(records_per_subject)
        self.tables = Tables(today)
        self.arrivals = Arrivals(today, months=months, late_share=late_share)
        rng = random.Random(seed * 7919 + 17)
        self.codes = OrgCodes(rng)
        self.depts = build_departments(self.items, self.codes, rng)
        # The subjects' organisation codes start after the departments' (Population): counted
        # before government integrity's departments join, so that they join without moving
        # any subject's code.
        self.first_org_index = len(self.depts)
        self.depts += government_departments(items, self.depts, self.codes, seed)
        self.dept_by_code = {d.code: d for d, _r, _role in self.depts}

    # -- public API -------------------------------------------------------------------------

    @property
    def showcase(self) -> tuple[str, str]:
        """The credit code and name of the organisation every demo holds (its first), for
        examples such as the README's: ``91320100MA1XYW1240``, 南京诚信示范科技有限公司."""
        return SHOWCASE_CODE, SHOWCASE_NAME

    def departments(self) -> list[DemoDepartment]:
        """The demo departments: the authority, providers (provincial and city), users."""
        return [
            DemoDepartment(d.code, d.name, region, d.kind, role, d.credit_code)
            for d, region, role in self.depts
        ]

    def records(self, subjects: int, *, arrivals: bool = False) -> Iterator[dict]:
        """Records for ``subjects`` subjects (organisations and persons), deterministically.

        Each call starts afresh: the same generator yields the same stream every time. With
        ``arrivals``, each record also says on which day its provider pushes it
        (``arrives_on``, ISO date, within the ``months`` before today; arrivals.py): the same
        records either way.
        """
        return _Run(self, subjects, arrivals=arrivals).run()


# --- one run -------------------------------------------------------------------------------------


def _geometric_table(mean: float, size: int = 4096) -> tuple[int, ...]:
    """Quantiles of a geometric distribution on 0, 1, 2, … with the given mean."""
    if mean <= 0:
        return (0,)
    q = mean / (1 + mean)  # P(k) = (1 - q) q^k
    log_q = math.log(q)
    return tuple(int(math.log(1 - (i + 0.5) / size) / log_q) for i in range(size))


class _Run:
    def __init__(self, gen: DemoGenerator, subjects: int, *, arrivals: bool = False) -> None:
        self.g = gen
        self.subjects = max(0, int(subjects))
        self.with_arrivals = arrivals
        self.rng = random.Random(gen.seed)
        self.r = self.rng.random
        tables = gen.tables
        self.people = Population(tables, gen.codes, self.r, first_org_index=gen.first_org_index)
        self.fields = FieldMaker(tables, self.people, self.r)
        self.ctx = Ctx()
        self.dates = tables.dates
        self.base = tables.base_ord
        self.today = tables.today_ord
        self._build_plans()

    # -- plans ------------------------------------------------------------------------------

    def _build_plans(self) -> None:
        g = self.g
        depts = {
            d.kind: d
            for d, _r, role in g.depts
            if d.code.startswith("js-") and role in ("provider", "authority")
        }
        depts["credit_authority"] = g.dept_by_code["js-credit_authority"]
        city_depts: dict[tuple[str, str], Dept] = {}
        for d, region, _role in g.depts:
            if not d.code.startswith("js-") and d.kind in N.CITY_SECTORS:
                city_depts[(d.kind, region[:4])] = d
        self.plans: list[_Plan] = []
        self.reg_plans: list[_Plan] = []
        org_kinds = tuple(k for k, _s, _r in ORG_KINDS)
        tables = {"dates": g.tables.dates, "years": g.tables.years, "base": g.tables.base_ord}
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
                for words, allowed in KIND_FILTERS:
                    if any(w in text for w in words):
                        kinds = [k for k in kinds if k in allowed]
                        break
            if "person" in types:
                kinds.append("person")
            plan.kinds = tuple(kinds)
            plan.fields = [self.fields.field(item, f) for f in item.get("fields") or ()]
            plan.fill = compile_fill(plan.fields, self.r, tables)
            self.plans.append(plan)
            if item.get("registers_subject"):
                self.reg_plans.append(plan)
        # registration plan (and its providers) per organisation kind
        self.reg_for: dict[str, list[tuple[_Plan, tuple]]] = {}
        for kind, _share, sector in ORG_KINDS:
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
        self._plan_pushes(org_mean, person_mean)

    def _plan_pushes(self, org_mean: float, person_mean: float) -> None:
        """Each provider's push days (arrivals.py), from the records it may expect: the
        registrations of each organisation kind and the other records of each kind's pool,
        spread over the providers of their items."""
        n_persons = 1 if self.subjects == 1 else round(self.subjects * 0.15)
        n_orgs = self.subjects - n_persons
        expected: dict[str, float] = defaultdict(float)
        shares: dict[int, dict[str, float]] = {}

        def spread(providers: tuple, amount: float) -> None:
            share = shares.get(id(providers))
            if share is None:
                default, by_city = providers
                lists = [default, *by_city.values()]
                share = defaultdict(float)
                for lst in lists:
                    for d in lst:
                        share[d.code] += 1 / len(lst) / len(lists)
                shares[id(providers)] = share
            for code, part in share.items():
                expected[code] += amount * part

        for kind, kind_share, _sector in ORG_KINDS:
            regs = self.reg_for.get(kind) or []
            for _plan, table in regs:
                spread(table, n_orgs * kind_share / len(regs))
        for kind, count, mean in (
            *((k, n_orgs * share, org_mean) for k, share, _s in ORG_KINDS),
            ("person", n_persons, person_mean),
        ):
            plans, _cum, total = self.pools[kind]
            for plan in plans:
                spread(plan.providers, count * mean * self._weight(plan.item) / total)
        self.pushes = {
            d.code: self.g.arrivals.pushes(expected.get(d.code, 0.0), offset=i)
            for i, (d, _region, _role) in enumerate(self.g.depts)
        }

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

    def _provider_table(self, sources, depts, city_depts) -> tuple[list[Dept], dict]:
        default: list[Dept] = []
        by_city: dict[str, list[Dept]] = {}
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

    # -- the stream -------------------------------------------------------------------------

    def run(self) -> Iterator[dict]:
        total = self.subjects
        if total == 0:
            return
        people = self.people
        people.n_persons = 1 if total == 1 else max(1, round(total * 0.15))
        persons_left = people.n_persons
        r = self.r
        record = self._record_fn()
        for i in range(total):
            if r() * (total - i) < persons_left:
                persons_left -= 1
                s = people.person_subject()
                k_table = self.k_person
            else:
                s = people.org_subject()
                k_table = self.k_org
            regs = self.reg_for.get(s.kind)
            if regs:
                plan, providers = regs[int(r() * len(regs))] if len(regs) > 1 else regs[0]
                yield record(plan, s, providers)
            k = k_table[int(r() * len(k_table))]
            if s.key == SHOWCASE_CODE:  # the showcase has a full archive
                k = max(k, SHOWCASE_RECORDS)
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

    def _record_fn(self) -> Callable[[_Plan, Subject, tuple], dict]:
        """The function building one record (a closure: this runs millions of times)."""
        r = self.r
        c = self.ctx
        dates = self.dates
        base = self.base
        last = self.today - 1
        pushes = self.pushes
        act = self.g.arrivals.act_fn(r)
        other = self.g.arrivals.other_fn(r)
        with_arrivals = self.with_arrivals

        def record(plan: _Plan, s: Subject, providers: tuple) -> dict:
            plan.counter += 1
            n = plan.counter
            default, by_city = providers
            lst = by_city.get(s.city4, default) if by_city else default
            dept = lst[int(r() * len(lst))]
            if plan.act:
                day, arrival = act(pushes[dept.code], s.est)
            else:
                day = last - int(r() * plan.window)
                if day < s.est:
                    day = s.est if s.est <= last else last
                arrival = other(pushes[dept.code], day)
            c.A = arrival
            c.D = day
            c.dept = dept
            c.s = s
            c.n = n
            c.party = None
            c.court = None
            c.fine = 0
            day_text = dates[day - base]
            code = plan.code
            if plan.negative:
                u = r()
                p_severe = plan.p_severe
                c.severe = u < p_severe
                out = {
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
            else:
                out = {
                    "provider": dept.code,
                    "item": code,
                    "source_id": f"{code}-{n:09d}",
                    "subject": s.ref.copy(),
                    "fields": plan.fill(c, dept, day_text),
                }
            if with_arrivals:
                out["arrives_on"] = dates[arrival - base]
            return out

        return record

    # -- fields -----------------------------------------------------------------------------


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
