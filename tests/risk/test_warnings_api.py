"""Risk warnings through the API (issue 17 part 2 § 1, 3): the default rules over records pushed
by providers, each warning once, to its audience, with why; the rules as data; bad rules."""

from __future__ import annotations

from risk_world import RiskWorld
from sqlalchemy import func, select

from fixtures.lists import ACME, BETA, GAMMA, LEGAL_REP, org
from xinyong.models import Change, OutboxMessage, RiskWarning, Task

# The clock of the tests: 2026-06-15 (a Monday), 10:00 in Shanghai.


def _licence(rw: RiskWorld, key: str, source: str, valid_to: str) -> None:
    rw.record(
        rw.market,
        "administrative_licensing",
        org(key),
        source,
        valid_to=valid_to,
        licence_number=f"许可{source}",
    )


def test_a_licence_expiring_within_30_days_warns_the_subject_once_with_why(rw: RiskWorld) -> None:
    _licence(rw, ACME, "lic-30", "2026-07-15")  # the 30th day: warned
    _licence(rw, ACME, "lic-31", "2026-07-16")  # the 31st: not yet
    _licence(rw, ACME, "lic-old", "2026-06-14")  # expired yesterday: not a warning of this rule
    result = rw.sweep()
    assert result is not None and result.by_rule["licence_expiring"] == 1
    acme = rw.subject_caller(ACME)
    [warning] = rw.warnings(acme)
    assert warning["rule"] == "licence_expiring" and warning["audience"] == "subject"
    assert warning["due_on"] == "2026-07-15"
    reason = warning["reason"]
    assert "行政许可信息的「有效期至」为 2026-07-15，即将届满（还有 30 日）" in reason["text"]
    assert reason["basis"].startswith(
        "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）"
    )
    assert reason["records"][0]["fields"]["licence_number"] == "许可lic-30"
    # Again today, and tomorrow: the same fact is never warned twice.
    assert rw.sweep().found == 0  # type: ignore[union-attr]
    rw.pass_days(1)
    assert rw.sweep().by_rule["licence_expiring"] == 1  # type: ignore[union-attr]  # lic-31 now
    assert len(rw.warnings(acme)) == 2
    # One change on the feed per warning; a subject's warning is no task of a department.
    with rw.db.transaction() as session:
        changes = session.execute(
            select(func.count()).where(Change.topic == "risk", Change.event == "risk_warning")
        ).scalar_one()
        tasks = session.execute(
            select(func.count()).where(Task.kind == "risk_warning")
        ).scalar_one()
    assert (changes, tasks) == (2, 0)


def test_a_rectification_deadline_is_warned_in_5_working_days_and_again_once_passed(
    rw: RiskWorld,
) -> None:
    # 2026-06-15 is a Monday: the 5th working day after it is Tuesday 06-23 (06-19 is the
    # Dragon Boat holiday in 2026 — the calendar decides, not the weekday count).
    horizon = _working_days_ahead(rw, 5)
    assert horizon == "2026-06-23"
    rw.record(
        rw.market,
        "inspection_result",
        org(ACME),
        "ins-1",
        result=_failed(rw),
        rectification_deadline_on=horizon,
        rectification_status="整改中",
    )
    rw.record(
        rw.market,
        "inspection_result",
        org(ACME),
        "ins-done",
        result=_failed(rw),
        rectification_deadline_on=horizon,
        rectification_status="已整改",
    )
    assert rw.sweep().by_rule["rectification_due"] == 1  # type: ignore[union-attr]
    acme = rw.subject_caller(ACME)
    [due] = rw.warnings(acme)
    assert "即将届满（还有 5 个工作日）" in due["reason"]["text"]
    rw.pass_days(8)  # the deadline's own day: still due, nothing new
    assert rw.sweep().by_rule["rectification_due"] == 0  # type: ignore[union-attr]
    rw.pass_days(1)  # the day after: overdue
    assert rw.sweep().by_rule["rectification_due"] == 1  # type: ignore[union-attr]
    overdue = rw.warnings(acme)[0]
    assert (
        overdue["reason"]["dates"]["phase"] == "overdue" and "已逾期" in overdue["reason"]["text"]
    )


def _working_days_ahead(rw: RiskWorld, n: int) -> str:
    from xinyong.core.calendar import calendar_for

    with rw.db.transaction() as session:
        return calendar_for(session).add_working_days(rw.clock.now().date(), n).isoformat()


def _failed(rw: RiskWorld) -> str:
    from xinyong.catalog.service import default_catalog

    item = next(i for i in default_catalog().items if i.code == "inspection_result")
    values = next(f.values for f in item.fields if f.name == "result")
    assert values
    return next((v for v in values if "不合格" in v or "问题" in v), values[-1])


def test_a_third_penalty_in_12_months_goes_to_the_supervising_department_as_a_task(
    rw: RiskWorld,
) -> None:
    for n, day in enumerate(("2025-06-15", "2025-12-01", "2026-06-01")):
        rw.record(
            rw.market,
            "administrative_penalty",
            org(ACME),
            f"p-{n}",
            _over={"determined_on": day},
            decided_on=day,
        )
    # 2025-06-15 is 12 months ago today: out of the window, so only two count.
    assert rw.sweep().by_rule["third_penalty"] == 0  # type: ignore[union-attr]
    rw.record(
        rw.market,
        "administrative_penalty",
        org(ACME),
        "p-3",
        _over={"determined_on": "2026-06-10"},
        decided_on="2026-06-10",
    )
    assert rw.sweep().by_rule["third_penalty"] == 1  # type: ignore[union-attr]
    [warning] = rw.warnings(rw.market)
    assert warning["audience"] == "department" and warning["department"] == "amr"
    assert "近 12 个月）内有 3 条行政处罚信息" in warning["reason"]["text"]
    assert len(warning["reason"]["records"]) == 3
    # Not the subject's to read, nor another department's; the authority reads all.
    assert rw.warnings(rw.subject_caller(ACME)) == []
    assert rw.warnings(rw.tax) == []
    assert (
        rw.client.get(f"/api/v1/warnings/{warning['id']}", headers=rw.tax.headers).status_code
        == 404
    )
    assert [w["id"] for w in rw.warnings(rw.authority)] == [warning["id"]]
    one = rw.client.get(f"/api/v1/warnings/{warning['id']}", headers=rw.market.headers)
    assert one.status_code == 200 and one.json()["reason"] == warning["reason"]
    # Each read of a department's or the authority's is in the subject's query log, newest
    # first, with its purpose: amr's of the one, the authority's and amr's of the list.
    log = rw.client.get(
        f"/api/v1/subjects/{ACME}/queries", headers=rw.subject_caller(ACME).headers
    ).json()
    reads = [(r["department"], r["purpose"]) for r in log if r["action"] == "warning.read"]
    assert [d for d, _ in reads] == ["amr", "cred", "amr"]
    assert {p for _, p in reads} == {"风险预警核查处置"}
    tasks = rw.client.get(
        "/api/v1/tasks", params={"kind": "risk_warning"}, headers=rw.market.headers
    )
    assert tasks.status_code == 200, tasks.text
    assert [t["title"] for t in tasks.json()["tasks"]] == [
        "12个月内第三次受到行政处罚：南京测试科技有限公司"
    ]


def test_a_large_fine_warns_the_department(rw: RiskWorld) -> None:
    rw.record(
        rw.market,
        "administrative_penalty",
        org(ACME),
        "big",
        fine_amount="50.01",
        _over={"determined_on": "2026-06-14"},
        decided_on="2026-06-14",
    )
    rw.record(
        rw.market,
        "administrative_penalty",
        org(BETA, "南京乙公司"),
        "small",
        fine_amount="50.00",
        _over={"determined_on": "2026-06-14"},
        decided_on="2026-06-14",
    )
    assert rw.sweep().by_rule["large_fine"] == 1  # type: ignore[union-attr]
    [warning] = rw.warnings(rw.market)
    assert "「罚款金额（万元）」为 50.01，超过 50" in warning["reason"]["text"]


def test_a_new_negative_record_of_an_organisation_linked_to_a_black_listed_one_names_its_path(
    rw: RiskWorld,
) -> None:
    # 张三 is the legal representative of ACME and of BETA; BETA is black-listed.
    for key, name, source in (
        (ACME, "南京测试科技有限公司", "reg-a"),
        (BETA, "南京乙公司", "reg-b"),
    ):
        rw.record(
            rw.market,
            "org_registration",
            org(key, name),
            source,
            legal_representative_name="张三",
            legal_representative_id_number=LEGAL_REP,
        )
    rw.list_entry(rw.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "b")
    rw.sweep()  # BETA's own records are not about a link to another black-listed one
    today = rw.clock.now().date().isoformat()  # the listing took its notice period
    rw.record(
        rw.market,
        "administrative_penalty",
        org(ACME),
        "p-linked",
        _over={"determined_on": today},
        decided_on=today,
    )
    rw.record(
        rw.market,
        "administrative_penalty",
        org(GAMMA, "南京丙公司"),
        "p-other",
        _over={"determined_on": today},
        decided_on=today,
    )
    result = rw.sweep()
    assert result is not None and result.by_rule["linked_black_list"] == 1
    [warning] = [w for w in rw.warnings(rw.market) if w["rule"] == "linked_black_list"]
    assert warning["subject"] == ACME
    [path] = warning["reason"]["path"]
    assert (
        path["text"] == "张三 是本单位的法定代表人，也是南京乙公司（失信被执行人名单）的法定代表人"
    )
    assert path["organisation"] == BETA


def test_the_subjects_address_gets_a_message_in_the_outbox_once(rw: RiskWorld) -> None:
    _licence(rw, ACME, "lic", "2026-07-01")
    rw.add_contact(ACME, "email", "acme@example.org")
    rw.sweep()
    rw.sweep()
    with rw.db.transaction() as session:
        messages = session.execute(select(OutboxMessage)).scalars().all()
        assert [(m.recipient, m.status) for m in messages] == [("acme@example.org", "pending")]
        assert "/me/warnings" in messages[0].body and messages[0].title.startswith("【风险预警】")


def test_rules_are_data_published_in_versions(rw: RiskWorld) -> None:
    rules = rw.client.get("/api/v1/risk/rules").json()
    assert {r["code"] for r in rules} == {
        "licence_expiring",
        "rectification_due",
        "third_penalty",
        "large_fine",
        "grade_drop",
        "linked_black_list",
    }
    licence = next(r for r in rules if r["code"] == "licence_expiring")
    changed = {
        **{k: licence[k] for k in ("code", "title", "audience", "severity", "basis")},
        "condition": {**licence["condition"], "within": 60},
    }
    answer = rw.client.post("/api/v1/risk/rules", json=changed, headers=rw.authority.headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 2
    _licence(rw, ACME, "lic-45", "2026-07-30")
    assert rw.sweep().by_rule["licence_expiring"] == 1  # type: ignore[union-attr]
    # A department may not add one.
    assert (
        rw.client.post("/api/v1/risk/rules", json=changed, headers=rw.market.headers).status_code
        == 403
    )
    versions = rw.client.get("/api/v1/risk/rules", params={"all_versions": True}).json()
    assert [r["version"] for r in versions if r["code"] == "licence_expiring"] == [1, 2]


def test_a_rule_over_an_unknown_item_or_field_is_refused(rw: RiskWorld) -> None:
    base = {
        "code": "custom",
        "title": "自定义",
        "audience": "subject",
        "severity": "notice",
        "basis": {"title": "2022年江苏省社会信用体系建设工作要点", "number": "苏信用办〔2022〕8号"},
    }
    cases = {
        "unknown_item": {
            "kind": "date_due",
            "item": "no_such_item",
            "field": "valid_to",
            "within": 5,
        },
        "unknown_field": {
            "kind": "date_due",
            "item": "administrative_licensing",
            "field": "nope",
            "within": 5,
        },
    }
    for code, condition in cases.items():
        answer = rw.client.post(
            "/api/v1/risk/rules",
            json={**base, "condition": condition},
            headers=rw.authority.headers,
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == code
    # A field of the wrong type is as unknown to the condition: a text is no amount.
    wrong = {
        "kind": "amount_over",
        "item": "administrative_penalty",
        "field": "violation_facts",
        "threshold": "1",
    }
    answer = rw.client.post(
        "/api/v1/risk/rules", json={**base, "condition": wrong}, headers=rw.authority.headers
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "unknown_field"
    with rw.db.transaction() as session:
        assert session.execute(select(func.count()).select_from(RiskWarning)).scalar_one() == 0


def test_a_grade_falling_by_two_bands_warns_the_authority(rw: RiskWorld) -> None:
    from evaluation.evaluation_world import load, run, small

    for key in (ACME, BETA):
        _licence(rw, key, f"lic-{key}", "2027-06-30")
    load(rw.db, rw.clock, small())
    run(rw.db, rw.clock)  # both B
    rw.list_entry(rw.court, "court_judgment_defaulters", org(ACME), "black")
    run(rw.db, rw.clock)  # ACME B → D (capped by the black list)
    assert rw.sweep().by_rule["grade_drop"] == 1  # type: ignore[union-attr]
    [warning] = [w for w in rw.warnings(rw.authority) if w["rule"] == "grade_drop"]
    assert warning["subject"] == ACME and warning["audience"] == "authority"
    assert "公共信用综合评价等级由 B（良） 降为 D（差）" in warning["reason"]["text"]
    assert warning["reason"]["grades"] == {"from": "B", "to": "D"}
    tasks = rw.client.get(
        "/api/v1/tasks",
        params={"kind": "risk_warning", "department": "platform"},
        headers=rw.authority.headers,
    )
    assert [t["kind"] for t in tasks.json()["tasks"]] == ["risk_warning"]
    # The departments do not read the authority's warnings.
    assert [w for w in rw.warnings(rw.market) if w["rule"] == "grade_drop"] == []


def test_a_contact_must_be_an_address_of_its_channel(rw: RiskWorld) -> None:
    _licence(rw, ACME, "lic", "2027-01-01")
    acme = rw.subject_caller(ACME)
    for channel, address in (("email", "not-an-address"), ("sms", "138-0000")):
        answer = rw.client.post(
            "/api/v1/risk/contacts",
            json={"channel": channel, "address": address},
            headers=acme.headers,
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == "invalid_request"
    # The public has no warnings and no address for them.
    answer = rw.client.post(
        "/api/v1/risk/contacts", json={"channel": "sms", "address": "13800000000"}
    )
    assert answer.status_code == 401
