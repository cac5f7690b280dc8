"""The check (逢办必查: automatic compare, prompt, intercept — 000 §（十六）; 003 联合奖惩
§（十八）, （二十一）; Measures art. 28–29) and the feedback that closes the loop.

A check answers, for each subject a department names inside one of its procedures: is the
subject in the platform, which list entries are in force, and which measures apply in that
scenario — reached directly, or, for a person, through an organisation it represents (Measures
art. 29) — with one overall decision: intercept over prompt over facilitate over clear."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from xinyong.checks import rules
from xinyong.checks.log import CheckLog
from xinyong.checks.snapshot import ActiveEntry, Snapshot, SnapshotCache
from xinyong.commitments import eligibility
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import (
    IdentifierError,
    subject_key_kind,
    validate_credit_code,
    validate_id_number,
)
from xinyong.core.ids import IdGenerator
from xinyong.core.labels import LINKED_ROLES
from xinyong.errors import InvalidRequest, NotFound
from xinyong.inspections import supervision
from xinyong.inspections.repository import CHECK_SUPERVISION_COLUMNS
from xinyong.measures.schemas import SCENARIOS
from xinyong.models import (
    Check,
    CheckFeedback,
    CheckHit,
    Department,
    SubjectKind,
)


@dataclass(frozen=True)
class Key:
    """One subject key as given, with the lookups it may match (an all-digit credit code can
    also pass as an ID number; subjects/service.find_subject)."""

    given: str
    credit_code: str | None
    id_hash: str | None


def parse_keys(values: list[Any], cipher: IdCipher, today: date) -> list[Key]:
    keys = []
    for index, value in enumerate(values):
        text = value.strip() if isinstance(value, str) else ""
        code = id_hash = None
        problems: dict[str, IdentifierError] = {}
        try:
            code = validate_credit_code(text)
        except IdentifierError as exc:
            problems["credit_code"] = exc
        try:
            id_hash = cipher.lookup_hash(validate_id_number(text, today=today))
        except IdentifierError as exc:
            problems["id_number"] = exc
        if code is None and id_hash is None:
            # Say why it fails as the kind it looks like.
            problem = problems[subject_key_kind(text) or "credit_code"]
            raise InvalidRequest(
                f"第 {index + 1} 个主体标识无效：{problem.message}",
                f"subjects[{index}]: {problem.message_en}",
                field=f"subjects[{index}]",
                code="invalid_subject_key",
                reason=problem.code,
            )
        keys.append(Key(text, code, id_hash))
    return keys


@dataclass
class Found:
    id: int
    kind: SubjectKind
    credit_code: str | None
    id_hash: str | None
    id_masked: str | None
    name: str
    # Organisations a person stands for (legal representative, principal, actual controller,
    # responsible person: not a shareholder, Measures art. 29), from live links: (organisation
    # id, role).
    links: list[tuple[int, str]] = field(default_factory=list)
    # The decision date of its latest negative record within the lookback of 容缺受理's
    # eligibility; read only in the scenario that answers it (ELIGIBILITY_SCENARIO).
    latest_negative: date | None = None
    # Its public grade and its grade for the checking department's field; read only in the
    # scenarios that answer the supervision class (SUPERVISION_SCENARIO) and the minimum
    # grade of 容缺受理 (ELIGIBILITY_SCENARIO).
    public_grade: str | None = None
    field_grade: str | None = None


# The lookup is the one statement on the check's hot path: written out, so no SQL is built
# per call (building it with SQLAlchemy costs more than running it), and with one text for
# any number of keys, so that PostgreSQL plans it once per connection (psycopg prepares it).
_LOOKUP = """
SELECT h.seq, s.id, s.kind, s.credit_code, s.id_hash, s.id_masked, s.name,
       l.subject_id, l.role
FROM change_head h
LEFT JOIN {subjects} s ON ({on})
LEFT JOIN subject_links l
       ON l.person_id = s.id AND l.ended_at IS NULL AND s.kind = 'natural_person'
          AND l.role <> 'shareholder'
WHERE h.id = 1
"""
# SQLite: the keys come as JSON arrays, walked first (CROSS JOIN fixes the order) so that each
# is an equality lookup in the unique index; with `IN (SELECT … json_each …)` its planner may
# scan the table instead, misled by the statistics of a mostly-NULL column.
_SQLITE_SUBJECTS = """(
    SELECT s.* FROM json_each(:codes) AS k CROSS JOIN subjects AS s ON s.credit_code = k.value
    UNION
    SELECT s.* FROM json_each(:hashes) AS k CROSS JOIN subjects AS s ON s.id_hash = k.value
)"""
LOOKUP_SQL = {
    "postgresql": _LOOKUP.format(
        subjects="subjects", on="s.credit_code = ANY(%(codes)s) OR s.id_hash = ANY(%(hashes)s)"
    ),
    "sqlite": _LOOKUP.format(subjects=_SQLITE_SUBJECTS, on="1 = 1"),
}

# The scenario whose answer says whether each subject may be accepted with documents missing
# (容缺受理, 003 联合奖惩 §（八））: licensing is where it is granted.
ELIGIBILITY_SCENARIO = "administrative_licensing"
# In that scenario only, the lookup also reads each subject's latest negative record
# (active or past its validity; commitments/eligibility.py) determined since the lookback's
# first day, its public grade and its combined grade for the checking department's field
# (the minimum grade): columns of the same statement, so still one round trip, found through
# primary keys — the records' (subject_id, id), the grades' — never a scan.
_LATEST_NEGATIVE = """,
       (SELECT MAX(r.determined_on) FROM records r
        WHERE r.subject_id = s.id AND r.category = 'negative'
          AND r.standing IN ('active', 'expired')
          AND r.determined_on >= {since} AND r.determined_on <= {today}) AS latest_negative,
       (SELECT g.grade FROM evaluation_grades g WHERE g.subject_id = s.id) AS public_grade,
       (SELECT f.combined_grade FROM evaluation_field_grades f
        WHERE f.subject_id = s.id AND f.field = {field}) AS field_grade
FROM change_head h"""
ELIGIBILITY_LOOKUP_SQL = {
    "postgresql": LOOKUP_SQL["postgresql"].replace(
        "\nFROM change_head h",
        _LATEST_NEGATIVE.format(
            since="%(since)s::date", today="%(today)s::date", field="%(field)s"
        ),
        1,
    ),
    "sqlite": LOOKUP_SQL["sqlite"].replace(
        "\nFROM change_head h",
        _LATEST_NEGATIVE.format(since=":since", today=":today", field=":field"),
        1,
    ),
}


# The scenario whose answer gives each subject's supervision class in the checking
# department's field, with its inspection ratio and frequency (分级分类监管, 002 §（七））: the
# lookup also reads the subject's grades and the graded supervision rules in force, three
# columns of the same statement (inspections/repository.CHECK_SUPERVISION_COLUMNS).
SUPERVISION_SCENARIO = "inspection"
SUPERVISION_LOOKUP_SQL = {
    "postgresql": LOOKUP_SQL["postgresql"].replace(
        "\nFROM change_head h",
        CHECK_SUPERVISION_COLUMNS.format(field="%(field)s", today="%(today)s::date"),
        1,
    ),
    "sqlite": LOOKUP_SQL["sqlite"].replace(
        "\nFROM change_head h", CHECK_SUPERVISION_COLUMNS.format(field=":field", today=":today"), 1
    ),
}


@dataclass
class Lookup:
    by_code: dict[str, Found]
    by_hash: dict[str, Found]
    # The change feed's head, read in the same statement as the subjects: the snapshot used
    # to decide is at least as new as the subjects read (checks/snapshot.py).
    head: int
    # In the supervision scenario: the row of the graded supervision rules in force (None:
    # the shipped rules).
    supervision_id: int | None = None

    def find(self, key: Key) -> Found | None:
        return (self.by_code.get(key.credit_code) if key.credit_code else None) or (
            self.by_hash.get(key.id_hash) if key.id_hash else None
        )


def lookup_sql(dialect: str, scenario: str | None = None) -> str:
    """The lookup statement: with each subject's latest negative record in the scenario that
    answers 容缺受理's eligibility, else the plain one."""
    if scenario == ELIGIBILITY_SCENARIO:
        return ELIGIBILITY_LOOKUP_SQL[dialect]
    if scenario == SUPERVISION_SCENARIO:
        return SUPERVISION_LOOKUP_SQL[dialect]
    return LOOKUP_SQL[dialect]


def lookup_params(
    dialect: str,
    keys: list[Key],
    scenario: str | None = None,
    today: date | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    codes = sorted({k.credit_code for k in keys if k.credit_code})
    hashes = sorted({k.id_hash for k in keys if k.id_hash})
    params: dict[str, Any]
    if dialect == "sqlite":
        params = {"codes": orjson.dumps(codes).decode(), "hashes": orjson.dumps(hashes).decode()}
    else:
        params = {"codes": codes, "hashes": hashes}
    # SQLite keeps dates as ISO text; psycopg adapts date objects.
    as_sql: Callable[[date], Any] = date.isoformat if dialect == "sqlite" else lambda d: d
    if scenario == ELIGIBILITY_SCENARIO:
        assert today is not None  # the period is counted back from the check's day
        years = eligibility.default_eligibility().lookback_years
        since = eligibility.negative_since(today, years) if years else today
        params.update(since=as_sql(since), today=as_sql(today), field=field or "")
    elif scenario == SUPERVISION_SCENARIO:
        assert today is not None  # the rules in force on the check's day
        params.update(field=field or "", today=as_sql(today))
    return params


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def collect(rows: Iterable[tuple], scenario: str | None = None) -> Lookup:
    """The lookup's rows: one per subject, or per link of a person; the head on every row
    (and, in the eligibility scenario, the subject's latest negative record last; in the
    supervision scenario its grades and the rules' row)."""
    result = Lookup({}, {}, 0)
    found: dict[int, Found] = {}
    for row in rows:
        seq, sid, kind, code, id_hash, masked, name, org, role = row[:9]
        result.head = seq
        if scenario == SUPERVISION_SCENARIO:
            result.supervision_id = row[11]
        if sid is None:
            continue
        subject = found.get(sid)
        if subject is None:
            subject = found[sid] = Found(sid, SubjectKind(kind), code, id_hash, masked, name)
            if scenario == ELIGIBILITY_SCENARIO:
                subject.latest_negative = _as_date(row[9])
                subject.public_grade, subject.field_grade = row[10], row[11]
            elif scenario == SUPERVISION_SCENARIO:
                subject.public_grade, subject.field_grade = row[9], row[10]
            if code:
                result.by_code[code] = subject
            if id_hash:
                result.by_hash[id_hash] = subject
        if org is not None:
            subject.links.append((org, str(role)))
    return result


def lookup(
    conn: Connection | Session,
    keys: list[Key],
    *,
    scenario: str | None = None,
    today: date | None = None,
    field: str | None = None,
) -> Lookup:
    """The subjects named, the organisations the persons among them stand for, and the change
    feed's head — one statement, one round trip; in the eligibility scenario with each
    subject's latest negative record (``today``: the day the period counts back from); in the
    supervision scenario with its grades (``field``: the checking department's)."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    dialect = connection.dialect.name
    return collect(
        connection.exec_driver_sql(
            lookup_sql(dialect, scenario), lookup_params(dialect, keys, scenario, today, field)
        ),
        scenario,
    )


def _entry_out(snap: Snapshot, entry: ActiveEntry) -> dict[str, Any]:
    info = snap.lists.get(entry.list_code)
    return {
        "entry_id": str(entry.entry_id),
        "list": entry.list_code,
        "list_name": info.name if info else entry.list_code,
        "kind": entry.kind,
        "field": info.field if info else None,
        "listed_until": entry.listed_until.isoformat() if entry.listed_until else None,
    }


def decide(
    snap: Snapshot,
    scenario: str,
    subject: Found,
    today: date,
    classes: Callable[[Found | None], dict[str, Any]] | None = None,
    field: str | None = None,
) -> tuple[dict[str, Any], list[tuple[str, str, int]]]:
    """One subject's answer, and its hits (measure, action, entry) for the log; ``field``:
    the checking department's field of supervision (its kind)."""
    measures = snap.by_scenario.get(scenario, ())
    own = snap.entries_in_force(subject.id, today)
    out_measures: list[dict[str, Any]] = []
    hits: dict[str, tuple[str, int]] = {}

    def reach(entry: ActiveEntry, target: str, via: dict | None) -> None:
        info = snap.lists.get(entry.list_code)
        list_name = info.name if info else entry.list_code
        for spec in measures:
            if not rules.reaches(spec, entry.list_code, entry.kind, target):
                continue
            action = spec.scenarios[scenario]
            until = f"，列入期限至 {entry.listed_until}" if entry.listed_until else ""
            if via is None:
                reason = f"该主体列入“{list_name}”{until}"
            else:
                reason = (
                    f"该主体为{via['organisation_name']}的{LINKED_ROLES[target]}，"
                    f"该组织列入“{list_name}”{until}"
                )
            out_measures.append(
                {
                    "measure": spec.code,
                    "name": spec.name,
                    "kind": spec.kind,
                    "type": spec.type,
                    "action": action,
                    "content": spec.content,
                    "reason": reason,
                    "legal_basis": spec.legal_basis,
                    "entry_id": str(entry.entry_id),
                    "list": entry.list_code,
                    "via": via,
                }
            )
            known = hits.get(spec.code)
            if rules.stronger(action, known[0] if known else None):
                hits[spec.code] = (action, entry.entry_id)

    for entry in own:
        reach(entry, "subject", None)
    reached_entries = []
    for org_id, role in subject.links:
        for entry in snap.entries_in_force(org_id, today):
            code, name = snap.names.get(org_id, (None, ""))
            via = {
                "organisation": code,
                "organisation_name": name,
                "role": role,
            }
            reached_entries.append({**_entry_out(snap, entry), "via": via})
            reach(entry, role, via)
    decision = rules.decision(m["action"] for m in out_measures)
    extra: dict[str, Any] = {}
    if scenario == ELIGIBILITY_SCENARIO:
        extra["missing_documents_eligibility"] = missing_documents_eligibility(
            snap, own, subject, today, field
        )
    if classes is not None:
        extra["supervision"] = classes(subject)
    monitoring = [
        {"entry_id": str(m.entry_id), "list": m.list_code, "until": m.until.isoformat()}
        for m in snap.monitored.get(subject.id, ())
        if rules.monitored(m.until, today)
    ]
    answer = {
        "found": True,
        "subject": {
            "kind": subject.kind.value,
            "credit_code": subject.credit_code,
            "id_number": subject.id_masked,
            "name": subject.name,
        },
        "decision": decision,
        "entries": [_entry_out(snap, e) for e in own],
        "related_entries": reached_entries,
        "measures": out_measures,
        "monitoring": monitoring,
        **extra,
    }
    return answer, [(code, action, entry_id) for code, (action, entry_id) in hits.items()]


def missing_documents_eligibility(
    snap: Snapshot,
    own: Iterable[ActiveEntry],
    subject: Found | None,
    today: date,
    field: str | None,
) -> dict[str, Any]:
    """Whether the subject may be accepted with documents missing (容缺受理), with the reasons
    and their basis (commitments/eligibility.py): from its own entries in force, its latest
    negative record and its grade (for the checking department's ``field`` where combined)."""
    lists: dict[str, list[str]] = {}
    for entry in own:
        info = snap.lists.get(entry.list_code)
        lists.setdefault(entry.kind, []).append(info.name if info else entry.list_code)
    facts = eligibility.Facts(lists_in_force=lists)
    if subject is not None:  # else not in the platform: no entry, record nor grade here
        facts = eligibility.Facts(
            lists_in_force=lists,
            latest_negative=subject.latest_negative,
            public_grade=subject.public_grade,
            field_grades={field: subject.field_grade} if field and subject.field_grade else {},
        )
    return eligibility.evaluate(eligibility.default_eligibility(), facts, today, field).out()


@dataclass
class CheckContext:
    """What checks need of the process: ids, the cipher, the snapshot, the log writer."""

    ids: IdGenerator
    cipher: IdCipher
    cache: SnapshotCache
    log: CheckLog
    sessions: Callable[[], Session]
    # The graded supervision versions the checks of scenario `inspection` read.
    supervision: supervision.SupervisionCache = field(default_factory=supervision.SupervisionCache)


def validate_request(scenario: Any, subjects: Any, purpose: Any) -> tuple[str, list, str]:
    """What a check must say (checks/rules.py), in the order its errors are reported."""
    scenario = rules.require_scenario(scenario)
    purpose = rules.require_purpose(purpose)
    return scenario, rules.require_subjects(subjects), purpose


@dataclass
class CheckRequest:
    scenario: str
    keys: list[Key]
    purpose: str
    now: datetime
    # The checking department's sector: the field whose supervision class is answered.
    field: str | None = None


def prepare(
    ctx: CheckContext,
    *,
    scenario: Any,
    subjects: Any,
    purpose: Any,
    now: datetime,
    field: str | None = None,
) -> CheckRequest:
    scenario, subjects, purpose = validate_request(scenario, subjects, purpose)
    keys = parse_keys(subjects, ctx.cipher, local_date(now))
    return CheckRequest(scenario, keys, purpose, now, field)


def supervision_classes(
    ctx: CheckContext, req: CheckRequest, found: Lookup
) -> Callable[[Found | None], dict[str, Any]] | None:
    """In the supervision scenario, each subject's class in the checking department's field
    (a subject not in the platform: as one without a grade); else None."""
    if req.scenario != SUPERVISION_SCENARIO:
        return None
    version = ctx.supervision.get(found.supervision_id, ctx.sessions)

    def of(subject: Found | None) -> dict[str, Any]:
        grades = (subject.public_grade, subject.field_grade) if subject else (None, None)
        return supervision.class_out(version, req.field, *grades).model_dump(mode="json")

    return of


def answer(
    ctx: CheckContext, snap: Snapshot, principal: Principal, req: CheckRequest, found: Lookup
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The answer, and the log rows it must be committed with (the check and its hits)."""
    today = local_date(req.now)
    check_id = ctx.ids.next_id()
    results = []
    hit_rows: list[dict] = []
    decisions: Counter[str] = Counter()
    seen: set[int] = set()
    found_count = 0
    classes = supervision_classes(ctx, req, found)
    for key in req.keys:
        subject = found.find(key)
        if subject is None:
            missing: dict[str, Any] = {}
            if req.scenario == ELIGIBILITY_SCENARIO:
                # Not in the platform: no entry, no negative record here.
                missing["missing_documents_eligibility"] = missing_documents_eligibility(
                    snap, (), None, today, req.field
                )
            if classes is not None:
                missing["supervision"] = classes(None)
            results.append({"key": key.given, "found": False, "decision": "clear", **missing})
            decisions["clear"] += 1
            continue
        found_count += 1
        one, hits = decide(snap, req.scenario, subject, today, classes, req.field)
        results.append({"key": key.given, **one})
        decisions[one["decision"]] += 1
        if subject.id not in seen:
            seen.add(subject.id)
            hit_rows.extend(
                {
                    "check_id": check_id,
                    "subject_id": subject.id,
                    "measure_code": code,
                    "action": action,
                    "entry_id": eid,
                }
                for code, action, eid in hits
            )
    check_row = {
        "id": check_id,
        "department_id": principal.department_id,
        "actor": principal.actor,
        "scenario": req.scenario,
        "purpose": req.purpose,
        "at": req.now,
        "subjects": len(req.keys),
        "found": found_count,
        "decisions": dict(decisions),
    }
    body = {
        "check_id": str(check_id),
        "scenario": req.scenario,
        "scenario_name": SCENARIOS[req.scenario],
        "checked_at": req.now.isoformat(),
        "decisions": dict(decisions),
        "results": results,
    }
    return body, check_row, hit_rows


def run_check(
    conn: Connection,
    ctx: CheckContext,
    principal: Principal,
    req: CheckRequest,
    *,
    on_head: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The check: one read statement (subjects, their links, the feed's head), the decision
    from the process's snapshot, and the log entry committed before the answer is returned.
    ``on_head`` sees the head first (the endpoint re-validates a cached token with it).
    checks/fast.py runs the same steps without threads on PostgreSQL."""
    found = lookup(
        conn, req.keys, scenario=req.scenario, today=local_date(req.now), field=req.field
    )
    if on_head is not None:
        on_head(found.head)
    snap = ctx.cache.current(found.head, ctx.sessions)
    body, check_row, hit_rows = answer(ctx, snap, principal, req, found)
    ctx.log.write(check_row, hit_rows)
    return body


# --- feedback -----------------------------------------------------------------------------------


def give_feedback(
    session: Session,
    principal: Principal,
    check_id: int,
    items: list[dict[str, Any]],
    *,
    cipher: IdCipher,
    now: datetime,
) -> dict[str, Any]:
    """实施 → 反馈 (003 联合奖惩 §（二十一））: per subject and measure, applied or why not.
    Feedback already given for a subject and measure is kept; a repeat is reported, not
    applied twice."""
    check = session.get(Check, check_id)
    if check is None:
        raise NotFound("查询记录不存在", "no such check", field="check_id", code="unknown_check")
    rules.require_own_check(check.department_id, principal.department_id)
    today = local_date(now)
    hits = {
        (h.subject_id, h.measure_code): h
        for h in session.execute(select(CheckHit).where(CheckHit.check_id == check_id)).scalars()
    }
    subject_ids = {sid for sid, _ in hits}
    given = {
        (f.subject_id, f.measure_code)
        for f in session.execute(
            select(CheckFeedback).where(CheckFeedback.check_id == check_id)
        ).scalars()
    }
    keys = parse_keys([i.get("subject") for i in items], cipher, today)
    found_keys = lookup(session, keys)
    recorded, repeated = 0, 0
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        found = found_keys.find(key)
        measure = item.get("measure")
        if (
            found is None
            or found.id not in subject_ids
            or not isinstance(measure, str)
            or (found.id, measure) not in hits
        ):
            raise InvalidRequest(
                "该查询没有对此主体给出此措施",
                "the check named no such measure for this subject",
                field=f"items[{index}]",
                code="not_in_check",
            )
        applied, reason = rules.require_feedback(item.get("applied"), item.get("reason"), index)
        if (found.id, measure) in given:
            repeated += 1
            continue
        given.add((found.id, measure))
        session.add(
            CheckFeedback(
                check_id=check_id,
                subject_id=found.id,
                measure_code=measure,
                department_id=principal.department_id,
                applied=applied,
                reason=reason,
                at=now,
            )
        )
        recorded += 1
    return {"check_id": str(check_id), "recorded": recorded, "repeated": repeated}


def feedback_rates(session: Session) -> dict[str, Any]:
    """For the authority: per department and per measure, how many measures checks showed,
    how many got feedback, how many were applied (003 联合奖惩 §（二十一）, （二十七））."""
    hit_q = (
        select(Check.department_id, CheckHit.measure_code, func.count())
        .join(Check, Check.id == CheckHit.check_id)
        .group_by(Check.department_id, CheckHit.measure_code)
    )
    fb_q = select(
        CheckFeedback.department_id,
        CheckFeedback.measure_code,
        CheckFeedback.applied,
        func.count(),
    ).group_by(CheckFeedback.department_id, CheckFeedback.measure_code, CheckFeedback.applied)
    depts = {d.id: d for d in session.execute(select(Department)).scalars()}
    by_dept: dict[int, Counter] = {}
    by_measure: dict[str, Counter] = {}
    for dept, measure, n in session.execute(hit_q):
        by_dept.setdefault(dept, Counter())["shown"] += n
        by_measure.setdefault(measure, Counter())["shown"] += n
    for dept, measure, was_applied, n in session.execute(fb_q):
        for counter in (
            by_dept.setdefault(dept, Counter()),
            by_measure.setdefault(measure, Counter()),
        ):
            counter["answered"] += n
            counter["applied" if was_applied else "not_applied"] += n

    def rate(c: Counter) -> dict[str, Any]:
        shown = c["shown"]
        return {
            "shown": shown,
            "answered": c["answered"],
            "applied": c["applied"],
            "not_applied": c["not_applied"],
            "feedback_rate": round(c["answered"] / shown, 4) if shown else None,
        }

    return {
        "departments": [
            {
                "department": depts[d].code if d in depts else str(d),
                "name": depts[d].name if d in depts else None,
                **rate(c),
            }
            for d, c in sorted(by_dept.items())
        ],
        "measures": [{"measure": m, **rate(c)} for m, c in sorted(by_measure.items())],
    }
