"""The check page (逢办必查): one subject, a pasted list or a CSV of keys; the decision and every
measure with its action, reason, legal basis and `via`; feedback per measure; never a full ID
number on the page."""

from __future__ import annotations

import re

import pytest
from department_pages import csrf_of, log_in
from sqlalchemy import select

from fixtures.helpers import catalog_record
from fixtures.lists import ACME, BETA, CITIZEN, LEGAL_REP, World, org
from xinyong.models import Check, CheckFeedback, Role

ACME_NAME = "南京艾克米科技有限公司"


@pytest.fixture
def listed(world: World) -> World:
    """ACME on the court's black list; its legal representative linked by registration."""
    registration = catalog_record("org_registration", "reg-1", org(ACME, ACME_NAME))
    registration["fields"].update(
        {"legal_representative_name": "李法人", "legal_representative_id_number": LEGAL_REP}
    )
    world.push(world.market, registration)
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME, ACME_NAME), "c1")
    return world


def run_check(client, **data):  # type: ignore[no-untyped-def]
    form = client.get("/department/check")
    assert form.status_code == 200
    files = data.pop("files", None)
    return client.post(
        "/department/check",
        data={"csrf_token": csrf_of(form.text), "purpose": "政府采购 2026-001", **data},
        files=files,
    )


def test_a_listed_subject_is_intercepted_with_its_measures(client, db, clock, listed) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    answer = run_check(client, scenario="government_procurement", subject=ACME)
    assert answer.status_code == 200, answer.text
    text = answer.text
    assert '<span class="decision intercept">自动拦截</span>' in text
    assert "南京艾克米科技有限公司" in text and "失信被执行人名单" in text
    assert "该主体列入“失信被执行人名单”" in text  # the reason
    assert "政府采购" in text and "法" in text  # the legal basis column is filled
    assert text.count('action="/department/checks/') >= 1  # a feedback form per measure
    with db.transaction() as session:
        check = session.execute(select(Check)).scalar_one()
    assert check.purpose == "政府采购 2026-001" and check.decisions == {"intercept": 1}
    assert f'href="/department/checks/{check.id}"' in text


def test_feedback_is_saved_and_a_missing_reason_is_asked_for(client, db, clock, listed) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="amr")
    page = run_check(client, scenario="government_procurement", subject=ACME).text
    form = re.search(
        r'<form method="post" action="(/department/checks/\d+/feedback)".*?'
        r'name="subject" value="(\d+)".*?name="measure" value="([a-z_]+)"',
        page,
        flags=re.S,
    )
    assert form, "the result carries a feedback form"
    action, subject_id, measure = form.groups()
    token = csrf_of(page)
    no_reason = client.post(
        action,
        data={"csrf_token": token, "subject": subject_id, "measure": measure, "applied": "no"},
    )
    assert no_reason.status_code == 422
    assert "未实施措施应说明原因" in no_reason.text
    nothing = client.post(
        action, data={"csrf_token": token, "subject": subject_id, "measure": measure}
    )
    assert nothing.status_code == 422 and "请选择是否已实施" in nothing.text
    stranger = client.post(
        action,
        data={"csrf_token": token, "subject": subject_id, "measure": "no_such", "applied": "yes"},
    )
    assert stranger.status_code == 422 and "该查询没有对此主体给出此措施" in stranger.text

    saved = client.post(
        action,
        data={
            "csrf_token": token,
            "subject": subject_id,
            "measure": measure,
            "applied": "no",
            "reason": "已中标，合同履行中",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    record = client.get(saved.headers["location"])
    assert "反馈已记录" in record.text and "已中标，合同履行中" in record.text
    with db.transaction() as session:
        rows = session.execute(select(CheckFeedback)).scalars().all()
    assert [(r.measure_code, r.applied, r.reason) for r in rows] == [
        (measure, False, "已中标，合同履行中")
    ]


def test_a_pasted_list_and_a_csv_of_keys(client, db, clock, listed) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    pasted = run_check(
        client, scenario="government_procurement", subjects=f"{BETA}\n\n{ACME}\n{CITIZEN}\n"
    )
    assert pasted.status_code == 200
    text = pasted.text
    assert text.index("南京艾克米科技有限公司") < text.index(BETA)  # intercepts first
    assert "平台中没有该主体" in text
    assert CITIZEN not in text and CITIZEN[:6] + "********" + CITIZEN[-4:] in text
    csv_file = f"统一社会信用代码\n{ACME}\n{BETA}\n".encode("gb18030")
    uploaded = run_check(
        client, scenario="bidding", files={"file": ("keys.csv", csv_file, "text/csv")}
    )
    assert uploaded.status_code == 200
    assert (
        "核查主体" in uploaded.text
        and '<span class="decision intercept">自动拦截</span>' in uploaded.text
    )


def test_a_person_reached_through_an_organisation_is_shown_masked(
    client, db, clock, listed
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    answer = run_check(client, scenario="high_consumption", subject=LEGAL_REP)
    assert answer.status_code == 200
    text = answer.text
    assert '<span class="decision intercept">自动拦截</span>' in text
    assert f"<dt>经由</dt><dd>{ACME_NAME}（{ACME}）的法定代表人</dd>" in text
    assert "李法人" in text
    assert LEGAL_REP not in text  # never a full ID number …
    assert LEGAL_REP[:6] + "********" + LEGAL_REP[-4:] in text  # … masked
    check_id = re.search(r"/department/checks/(\d+)", text).group(1)  # type: ignore[union-attr]
    record = client.get(f"/department/checks/{check_id}")
    assert record.status_code == 200 and LEGAL_REP not in record.text
    assert "经由关联组织" in record.text


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"scenario": "government_procurement"}, 422, "请填写或上传至少一个"),
        ({"scenario": "no_such", "subject": ACME}, 422, "未知的业务场景"),
        ({"scenario": "bidding", "subject": ACME, "purpose": "  "}, 422, "请说明查询用途"),
        ({"scenario": "bidding", "subjects": f"{ACME}\nnot-a-key"}, 422, "第 2 个主体标识无效"),
    ],
)
def test_bad_input_re_renders_the_form(
    client, db, clock, world: World, data, status, message
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    answer = run_check(client, **data)
    assert answer.status_code == status
    assert message in answer.text
    assert 'name="scenario"' in answer.text  # the form again
    assert ACME in answer.text or "subject" not in data  # what was typed is kept


def test_too_many_subjects(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    answer = run_check(client, scenario="bidding", subjects="\n".join([ACME] * 10_001))
    assert answer.status_code == 413
    assert "一次最多查 10000 个主体" in answer.text


def test_another_departments_check_is_not_found(client, db, clock, listed) -> None:  # type: ignore[no-untyped-def]
    assert listed.check("government_procurement", ACME).status_code == 200  # finance, by API
    with db.transaction() as session:
        check_id = session.execute(select(Check.id)).scalar_one()
    log_in(client, db, clock, role=Role.provider, department="amr")
    assert client.get(f"/department/checks/{check_id}").status_code == 404


def _recent_section(html: str) -> str:
    start = html.index('id="h-recent"')
    return html[start : html.index("</table>", start)]


def test_the_check_just_made_is_among_the_recent_checks_of_its_answer(
    client, db, clock, listed
) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: right after the first check its own answer page said "尚无核查记录": the
    recent checks were read before the check was run and logged."""
    log_in(client, db, clock, role=Role.user_department, department="finance")
    answer = run_check(client, scenario="government_procurement", subject=ACME)
    assert answer.status_code == 200, answer.text
    with db.transaction() as session:
        check_id = session.execute(select(Check.id)).scalar_one()
    recent = _recent_section(answer.text)
    assert "尚无核查记录" not in recent
    assert f'href="/department/checks/{check_id}"' in recent
    # A second check comes first, the first one still listed.
    second = run_check(client, scenario="government_procurement", subject=BETA)
    recent = _recent_section(second.text)
    links = re.findall(r'href="/department/checks/(\d+)"', recent)
    assert len(links) == 2 and links[1] == str(check_id)
    # The form page and the overview say the same.
    for page in ("/department/check", "/department"):
        html = client.get(page).text
        assert "尚无核查记录" not in html and f'href="/department/checks/{check_id}"' in html
