"""/subjects/{key} (issue 5 §1): identity and the public, active records by category, entries
on public lists, masked numbers only; a natural person only while publicly listed; the same page
for everyone, logged in or not."""

from __future__ import annotations

import re

import pytest
from portal_world import assert_no_id_number, log_in_as, registration
from sqlalchemy import select

from fixtures.helpers import catalog_record, credit_code, make_caller, penalty
from fixtures.lists import CITIZEN, LEGAL_REP, make_world, person
from xinyong.departments.service import get_department
from xinyong.models import Record, Role, Standing, Subject
from xinyong.records.standing import change_standing
from xinyong.rights.step import Step

ACME = credit_code("91320100MA1P2G3A4")
OTHER = credit_code("91320100MA1P2G3B4")
NAME = "南京页面测试科技有限公司"


@pytest.fixture
def world(client, db, clock):  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    hr = make_caller(db, clock, role=Role.provider, kind="human_resources", code="hr")
    subject = {"credit_code": ACME, "name": "南京页面测试科技有限公司"}
    reg = registration("reg-1", ACME, "南京页面测试科技有限公司")
    reg["fields"].update(
        legal_representative_name="李法人", legal_representative_id_number=LEGAL_REP
    )
    w.push(w.market, reg)
    w.push(
        w.market,
        penalty("pub-1", ACME, NAME),  # public, active
        # public but past its validity: determined 2024-01-10, one year (general)
        numbered("old-1", "宁市监处罚〔2024〕旧1号", decided_on="2024-01-10"),
        numbered("rev-1", "宁市监处罚〔2026〕撤1号"),
        numbered("rep-1", "宁市监处罚〔2026〕修1号"),
    )
    w.push(
        hr,
        catalog_record(
            "social_insurance_arrears", "gov-1", subject, determined_on="2026-05-01"
        ),  # government-shared
    )
    w.push(
        w.court,
        catalog_record("criminal_judgment", "auth-1", subject),  # authorised query
    )
    # One revoked (an objection upheld), one repaired: their standing changes.
    app = w.client.app
    with w.db.transaction() as session:
        step = Step(app.state.collection, _authority(session), w.clock.now())
        for source, standing in (("rev-1", Standing.revoked), ("rep-1", Standing.repaired)):
            record = session.execute(select(Record).where(Record.source_id == source)).scalar_one()
            change_standing(session, step, record, standing, procedure="test", reason="测试")
    return w


def numbered(source: str, number: str, decided_on: str = "2026-05-10") -> dict:
    """A penalty of ACME with its own decision number and date."""
    record = penalty(source, ACME, NAME, determined_on=decided_on)
    record["fields"].update(decision_number=number, decided_on=decided_on)
    return record


def _authority(session):  # type: ignore[no-untyped-def]
    from xinyong.core.auth import Principal

    dept = get_department(session, "cred")
    return Principal(role=Role.authority, department_id=dept.id, department_code="cred", name="t")


def page(client, key: str):  # type: ignore[no-untyped-def]
    answer = client.get(f"/subjects/{key}")
    return answer


def test_an_organisation_page_shows_public_active_records_only(world) -> None:  # type: ignore[no-untyped-def]
    answer = page(world.client, ACME)
    assert answer.status_code == 200
    html = answer.text
    assert "南京页面测试科技有限公司" in html
    assert ACME in html
    assert "工商" in html and "企业" in html  # registering authority, entity type
    assert "江苏省南京市" in html
    assert "李法人" in html
    assert "行政处罚信息" in html and "宁市监处罚〔2026〕pub-1号" in html
    assert "基础信息" in html and "负面信息" in html
    # Never: government-shared or authorised items, expired, revoked or repaired records.
    assert "欠缴社会保险费" not in html
    assert "刑事犯罪判决" not in html
    assert "宁市监处罚〔2024〕旧1号" not in html
    assert "宁市监处罚〔2026〕撤1号" not in html
    assert "宁市监处罚〔2026〕修1号" not in html
    # Masked numbers only: the registration's legal representative.
    assert LEGAL_REP[:6] + "********" + LEGAL_REP[14:] in html
    assert_no_id_number(html, LEGAL_REP)


def test_a_logged_in_department_sees_the_public_page(world, db, clock) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        dept = get_department(session, "hr")
    log_in_as(world.client, db, clock, Role.provider, dept)
    html = page(world.client, ACME).text
    assert "退出（provider）" in html  # logged in indeed
    assert "欠缴社会保险费" not in html  # its own government-shared record: not here
    assert "宁市监处罚〔2026〕pub-1号" in html
    assert_no_id_number(html, LEGAL_REP)


def test_unknown_or_unreadable_keys_are_the_same_404(world) -> None:  # type: ignore[no-untyped-def]
    texts = set()
    for key in (
        credit_code("91320100MA1YYYYY9"),  # valid, unknown
        "not-a-key",
        ACME[:-1] + ("0" if ACME[-1] != "0" else "1"),  # wrong check character
        LEGAL_REP,  # an ID number: never a key of a public page
        "p1",
        "p" + "9" * 30,
        "%00",
        "😀",
    ):
        answer = page(world.client, key)
        assert answer.status_code == 404, key
        assert_no_id_number(answer.text, LEGAL_REP)
        texts.add(re.sub(r'name="csrf_token" value="[^"]*"', "", answer.text))
    assert len(texts) == 1  # no hint which


def test_a_person_has_a_page_only_while_a_public_list_names_them(world) -> None:  # type: ignore[no-untyped-def]
    world.push(world.market, penalty("pp-1", ACME, subject=person(CITIZEN, "吴公开")))
    with world.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.name == "吴公开")).scalar_one()
    assert page(world.client, f"p{sid}").status_code == 404
    assert page(world.client, CITIZEN).status_code == 404
    entry = world.list_entry(
        world.court, "court_judgment_defaulters", person(CITIZEN, "吴公开"), "1"
    )
    answer = page(world.client, f"p{sid}")
    assert answer.status_code == 200
    html = answer.text
    assert "吴公开" in html and "失信被执行人名单" in html and "已列入" in html
    assert CITIZEN[:6] + "********" + CITIZEN[14:] in html
    assert "宁市监处罚〔2026〕pp-1号" in html  # its public penalty
    assert_no_id_number(html, CITIZEN, LEGAL_REP)
    assert page(world.client, CITIZEN).status_code == 404  # still never by number
    world.step(world.court, entry, "exit", {"reason": "revocation", "explanation": "认定有误"})
    assert page(world.client, f"p{sid}").status_code == 404


def test_list_entries_in_force_and_red_notices_show_exits_do_not(world) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(
        world.court,
        "court_judgment_defaulters",
        {"credit_code": ACME, "name": "南京页面测试科技有限公司"},
        "b",
    )
    html = page(world.client, ACME).text
    assert "信用名单" in html and "失信被执行人名单" in html
    other = {"credit_code": OTHER, "name": "南京红名单候选有限公司"}
    rid = world.basis(world.tax, "tax_credit_a", other, "red-1")
    answer = world.propose(world.tax, "tax_a_grade", OTHER, [rid])
    assert answer.status_code == 201, answer.text
    red = page(world.client, OTHER).text
    assert "公示中" in red and "纳税信用A级纳税人名单" in red
    world.step(
        world.tax, answer.json()["id"], "exit", {"reason": "revocation", "explanation": "撤回"}
    )
    assert "纳税信用A级纳税人名单" not in page(world.client, OTHER).text


def test_a_record_under_objection_is_marked_and_still_shown(world, db, clock) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
        rid = session.execute(select(Record.id).where(Record.source_id == "pub-1")).scalar_one()
    own = make_caller(db, clock, role=Role.subject, subject_id=sid)
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(rid)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额有误",
        },
        headers=own.headers,
    )
    assert filed.status_code == 201, filed.text
    html = page(world.client, ACME).text
    assert "宁市监处罚〔2026〕pub-1号" in html
    assert "异议处理中" in html
