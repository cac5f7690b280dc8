"""The demo's government integrity (政务诚信, docs/government.md): records of government bodies
and civil servants, 政务失信 with unpaid bills, and local debt indicators."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from xinyong.core.auth import SYSTEM, Principal
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.core.clock import Clock, local_date, start_of_day
from xinyong.core.identifiers import division_name, id_number_check_char
from xinyong.db import Database
from xinyong.demo import names as N
from xinyong.demo.codes import OrgCodes
from xinyong.demo.departments import Dept
from xinyong.government import debt, regional, rules, service
from xinyong.government.schemas import DebtRowIn, DebtRowsIn, ExclusionIn, ExplanationIn, PaymentIn
from xinyong.models import Channel, Department, GovernmentFailureCase, Role, Subject
from xinyong.records.service import CollectionContext, Collector
from xinyong.rights.step import Step

# The catalog items of government integrity (003 政务诚信 §二（三））: made here, coherently, for
# the demo's bodies (credit codes 11…/12…) and their staff — never drawn for any subject by the
# generator's item pools.
GOVERNMENT_PREFIXES = ("government_", "civil_servant_")
# Organisation-code indices of the departments added here: the top of the 8-digit codes'
# range, which the subjects' indices (counted up from the departments') never reach.
_CODE_INDEX_TOP = 10_000 * 10_000 - 1


def is_government_item(item: dict) -> bool:
    return str(item.get("code", "")).startswith(GOVERNMENT_PREFIXES)


def government_departments(
    items: list[dict], depts: list[tuple[Dept, str, str]], codes: OrgCodes, seed: int
) -> list[tuple[Dept, str, str]]:
    """The provincial departments of the sectors government integrity's items name and the
    other items do not (纪检监察, 组织人事, 审计 …), after all the others: (dept, region, role)."""
    have = {d.kind for d, _region, _role in depts}
    wanted: list[str] = []
    for item in items:
        if is_government_item(item):
            for sector in item.get("sources") or ():
                if sector not in have and sector not in wanted:
                    wanted.append(sector)
    rng = random.Random(seed * 7919 + 29)
    out = []
    for index, sector in enumerate(wanted):
        info = N.SECTORS.get(sector, N.DEFAULT_SECTOR)
        credit = codes.credit_code("11", "320000", old=True, index=_CODE_INDEX_TOP - index)
        dept = Dept(f"js-{sector}", info["name"], sector, info["abbr"], credit, rng, "320000")
        out.append((dept, "320000", "provider"))
    return out


# --- the demo's records, cases and figures ------------------------------------------------------

# Civil servants per body (for the first bodies), and the share of bodies with a 政务失信 record.
STAFF_PER_BODY = 3
FAILING_SHARE = 0.12
# Debt ratios (债务率, %) of the demo's counties: most under the yellow line of the shipped
# policy (100), one over it, one over the red (120) — the acceptance wants a yellow warning.
OVER_YELLOW = "108.5"
OVER_RED = "126.0"
LAWFUL_ADMINISTRATION = ("行政复议被纠错", "行政诉讼败诉", "行政机关负责人出庭应诉")
_FAILURE_DECISIONS = {
    "拖欠企业账款": ("问责处理", "finance", "清欠工作领导小组办公室"),
    "拒不执行法院生效判决": ("司法判决", "court", "人民法院"),
    "违约毁约": ("司法判决", "court", "人民法院"),
}
_MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class GovernmentDemo:
    bodies: int = 0
    civil_servants: int = 0
    failures: int = 0
    cases: int = 0
    debt_rows: int = 0
    regions_ranked: int = 0


def _level(region: str) -> str:
    if region.endswith("0000"):
        return "省级"
    return "设区市级" if region.endswith("00") else "县（市、区）级"


def _local(region: str) -> str:
    """The region's name without the province (南京市江宁区), or 江苏省 itself."""
    return (division_name(region) or "江苏省").removeprefix("江苏省") or "江苏省"


def _superior(region: str) -> str:
    return f"{_local(region)}人民政府"


def _person(rng: random.Random, region: str, index: int) -> tuple[str, str]:
    """A civil servant's ID number (born 1965–1995, in the body's region) and name."""
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(30 * 365))
    body = f"{region}{born:%Y%m%d}{index % 1000:03d}"
    surname = rng.choice([s for s, _w in N.SURNAMES[:60]])
    given = "".join(rng.choice(N.GIVEN_MALE + N.GIVEN_FEMALE) for _ in range(rng.choice((1, 2))))
    return body + id_number_check_char(body), surname + given


def government_demo(
    db: Database, ctx: CollectionContext, clock: Clock, *, seed: int
) -> GovernmentDemo:
    """Government integrity for the demo's bodies, through the real collection and procedures:
    profiles, staff and their records, commitments kept and broken, 政务失信 (unpaid bills
    among them) with their cases — one bill paid, one being paid, one failure excluded by
    容错纠错 —, debt indicators of the counties with one over the yellow line, and a regional
    evaluation of the year."""
    rng = random.Random(seed * 104_729 + 3)
    now = clock.now()
    today = local_date(now)
    out = GovernmentDemo()
    with db.transaction() as session:
        bodies = session.execute(
            select(Subject.credit_code, Subject.name, Subject.region_code)
            .where(func.substr(Subject.credit_code, 1, 2).in_(["11", "12"]))
            .order_by(Subject.id)
        ).all()
        departments = {
            d.kind: d
            for d in session.execute(select(Department)).scalars()
            if d.code.startswith("js-")
        }
    if not bodies:
        return out
    pushes: dict[str, list[dict]] = defaultdict(list)
    failures: dict[date, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    out.bodies = len(bodies)
    failing = max(6, round(len(bodies) * FAILING_SHARE))
    for index, (code, name, region) in enumerate(bodies):
        region = region or "320000"
        subject = {"credit_code": code, "name": name}
        pushes["org_establishment"].append(
            _record(
                "government_body_profile",
                f"gbp-{code}",
                subject,
                today,
                level=_level(region),
                region_code=region,
                superior_name=_superior(region),
                functions=f"{name}依法履行本部门职责。",
            )
        )
        for n in range(2):
            committed = today - timedelta(days=rng.randrange(30, 330))
            kept = rng.random() > 0.15
            pushes["development_reform"].append(
                _record(
                    "government_service_commitment",
                    f"gsc-{code}-{n}",
                    subject,
                    committed,
                    commitment_kind=rng.choice(("服务质量承诺", "期限承诺", "保障承诺")),
                    content=f"{name}承诺政务服务事项按时办结、办事指南公开。",
                    committed_on=committed.isoformat(),
                    due_on=(committed + timedelta(days=90)).isoformat(),
                    fulfilment="已履行" if kept else "未履行",
                )
            )
        if index < 30:  # the bodies' 依法行政, 政务公开 and 满意度 of last year
            last_year = today.year - 1
            pushes["judicial_administration"].append(
                _record(
                    "government_lawful_administration",
                    f"gla-{code}",
                    subject,
                    today,
                    indicator=rng.choice(
                        ("行政复议被纠错", "行政诉讼败诉", "行政机关负责人出庭应诉")
                    ),
                    period=f"{last_year}年",
                    count=rng.randrange(0, 4),
                )
            )
            pushes["credit_authority"].append(
                _record(
                    "government_transparency",
                    f"gtr-{code}",
                    subject,
                    today,
                    period=f"{last_year}年",
                    disclosed_count=rng.randrange(40, 400),
                    requests_answered=rng.randrange(0, 30),
                    requests_overdue=0 if rng.random() > 0.2 else 1,
                    assessment=rng.choice(("优秀", "良好", "良好", "合格")),
                )
            )
            pushes["credit_authority"].append(
                _record(
                    "government_satisfaction",
                    f"gsa-{code}",
                    subject,
                    today,
                    year=last_year,
                    survey=rng.choice(("第三方测评", "政务服务“好差评”")),
                    score=f"{rng.uniform(82, 99):.1f}",
                )
            )
        if index < failing:
            kind = ("拖欠企业账款", "拒不执行法院生效判决", "违约毁约")[index % 3]
            basis, sector, decider = _FAILURE_DECISIONS[kind]
            decided = today - timedelta(days=rng.randrange(20, 300))
            extra = {}
            if kind == "拖欠企业账款":
                extra = {
                    "creditor_name": "南京市诚信建材有限公司",
                    "amount_owed": str(rng.randrange(20, 400)),
                    "payment_due_on": (decided - timedelta(days=180)).isoformat(),
                }
            arrival = min(today, decided + timedelta(days=3))
            failures[arrival][sector].append(
                _record(
                    "government_failure",
                    f"gf-{code}",
                    subject,
                    decided,
                    severity="general",
                    failure_kind=kind,
                    basis_kind=basis,
                    decision_number=f"苏政信〔{decided.year}〕{index + 1}号",
                    decided_on=decided.isoformat(),
                    deciding_authority=f"{_local(region)}{decider}",
                    facts=f"{name}{kind}，经认定属实。",
                    **extra,
                )
            )
            out.failures += 1
        if index < 20:
            for n in range(STAFF_PER_BODY):
                number, person_name = _person(rng, region, index * STAFF_PER_BODY + n)
                person = {"id_number": number, "name": person_name}
                appointed = today - timedelta(days=rng.randrange(200, 3000))
                pushes["organisation_personnel"].append(
                    _record(
                        "civil_servant_staff",
                        f"cs-{number}",
                        person,
                        appointed,
                        body_name=name,
                        body_credit_code=code,
                        position=rng.choice(("科员", "副科长", "科长", "副局长", "局长")),
                        appointed_on=appointed.isoformat(),
                        status="在职",
                    )
                )
                pushes["organisation_personnel"].append(
                    _record(
                        "civil_servant_annual_review",
                        f"car-{number}-{today.year - 1}",
                        person,
                        today,
                        year=today.year - 1,
                        body_name=name,
                        result="不称职"
                        if n == 2 and index == 1
                        else rng.choice(("优秀", "称职", "称职")),
                    )
                )
                pushes["organisation_personnel"].append(
                    _record(
                        "civil_servant_performance",
                        f"cp-{number}",
                        person,
                        today,
                        matter="依法履职、规范服务",
                        period=f"{today.year - 1}年",
                        evaluation=rng.choice(("好", "较好", "较好", "一般")),
                        body_name=name,
                    )
                )
                pushes["discipline_inspection"].append(
                    _record(
                        "civil_servant_integrity",
                        f"ci-{number}",
                        person,
                        today,
                        period=f"{today.year - 1}年",
                        conclusion="无不良记录",
                        issued_on=(today - timedelta(days=30)).isoformat(),
                    )
                )
                if n == 0 and index % 5 == 0:
                    pushes["organisation_personnel"].append(
                        _record(
                            "civil_servant_honour",
                            f"ch-{number}",
                            person,
                            today,
                            honour_name="优秀公务员",
                            conferring_authority="江苏省人力资源和社会保障厅",
                            conferred_on=(today - timedelta(days=200)).isoformat(),
                            body_name=name,
                        )
                    )
                out.civil_servants += 1
                if n == 2 and index == 1:  # one sanctioned civil servant
                    decided = today - timedelta(days=60)
                    pushes["discipline_inspection"].append(
                        _record(
                            "civil_servant_violation",
                            f"csv-{number}",
                            person,
                            decided,
                            severity="serious",
                            sanction_kind="政务处分",
                            sanction="警告",
                            decision_number=f"苏纪政处〔{decided.year}〕3号",
                            decided_on=decided.isoformat(),
                            deciding_authority="江苏省监察委员会",
                            facts="违规收受礼品礼金。",
                            body_name=name,
                        )
                    )
    for sector, records in pushes.items():
        _push(db, ctx, departments.get(sector), records, now)
    # The failures arrive as they were decided, a few days after, and the daily job opens
    # their cases on the day they arrive: the older ones are overdue by now.
    for arrival in sorted(failures):
        at = min(now, start_of_day(arrival) + timedelta(hours=10))
        for sector, records in failures[arrival].items():
            _push(db, ctx, departments.get(sector), records, at)
        with db.transaction() as session:
            try:
                with session.begin_nested():
                    out.cases += service.sync_cases(session, Step(ctx, SYSTEM, at))
            except UnknownCalendarYear:
                pass  # as the job does: the case waits for the calendar
    _work_the_cases(db, ctx, now)
    out.debt_rows = _debt(
        db, ctx, now, sorted({r or "320000" for _c, _n, r in bodies}), rng, departments
    )
    with db.transaction() as session:
        row = regional.run(session, Step(ctx, SYSTEM, now), today.year)
        out.regions_ranked = len(row.results["cities"]) + len(row.results["counties"])
    return out


def _push(
    db: Database, ctx: CollectionContext, dept: Department | None, records: list[dict], at: datetime
) -> None:
    """The records as their department's push at ``at``."""
    if dept is None or not records:
        return
    with db.transaction() as session:
        collector = Collector(
            session, ctx, provider=dept, channel=Channel.same_level, via="api", actor="demo", now=at
        )
        collector.feed(enumerate(records))
        collector.finish()


def _record(
    item: str,
    source_id: str,
    subject: dict,
    on: date,
    *,
    severity: str | None = None,
    **fields: object,
) -> dict:
    record: dict = {"item": item, "source_id": source_id, "subject": subject, "fields": fields}
    if severity:
        record["severity"] = severity
        record["determined_on"] = on.isoformat()
    return record


def _work_the_cases(db: Database, ctx: CollectionContext, now: datetime) -> None:
    """One unpaid bill paid in full, one being paid, one failure excluded by 容错纠错, one
    explained: as the bodies and the authority would, through the procedures."""
    authority = Principal(role=Role.authority, name="demo")
    step = Step(ctx, authority, now)
    with db.transaction() as session:
        cases = list(
            session.execute(
                select(GovernmentFailureCase).order_by(GovernmentFailureCase.id)
            ).scalars()
        )
        bills = [c for c in cases if c.failure_kind == "拖欠企业账款"]
        others = [c for c in cases if c.failure_kind != "拖欠企业账款"]
        paid_on = local_date(now) - timedelta(days=3)
        if bills:
            service.record_payment(
                session,
                step,
                bills[0].id,
                PaymentIn(amount=bills[0].amount_owed or Decimal(1), paid_on=paid_on),
            )
        if len(bills) > 1:
            half = ((bills[1].amount_owed or Decimal(2)) / 2).quantize(Decimal("0.0001"))
            service.record_payment(
                session, step, bills[1].id, PaymentIn(amount=half, paid_on=paid_on, note="首期清偿")
            )
        if others:
            service.explain(
                session,
                step,
                others[0].id,
                ExplanationIn(explanation="因财政资金拨付流程延误，已制定整改方案。"),
            )
        if len(others) > 1:
            service.exclude(
                session,
                step,
                others[1].id,
                ExclusionIn(
                    decision_number="苏容错〔2026〕1号",
                    reason="主动挽回损失、消除不良影响，符合容错纠错情形。",
                ),
                document=("容错纠错认定决定书.pdf", _MINIMAL_PDF),
            )


def _debt(
    db: Database,
    ctx: CollectionContext,
    now: datetime,
    regions: list[str],
    rng: random.Random,
    departments: dict,
) -> int:
    """The finance department's debt indicators of last year for the bodies' counties."""
    finance = departments.get("finance")
    counties = [r for r in regions if rules.region_level(r) == "county" and division_name(r)]
    if finance is None or not counties:
        return 0
    rows = []
    for index, region in enumerate(counties):
        ratio = (
            OVER_YELLOW if index == 0 else OVER_RED if index == 1 else f"{rng.uniform(45, 95):.1f}"
        )
        rows.append(
            DebtRowIn(
                region_code=region,
                year=local_date(now).year - 1,
                indicator="debt_ratio",
                value=Decimal(ratio),
            )
        )
        rows.append(
            DebtRowIn(
                region_code=region,
                year=local_date(now).year - 1,
                indicator="debt_service_ratio",
                value=Decimal(f"{rng.uniform(3, 12):.1f}"),
            )
        )
    principal = Principal(
        role=Role.provider,
        department_id=finance.id,
        department_code=finance.code,
        department_kind="finance",
        name="demo",
    )
    with db.transaction() as session:
        return debt.load(session, Step(ctx, principal, now), DebtRowsIn(rows=rows))
