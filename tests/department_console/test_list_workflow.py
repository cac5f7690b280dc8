"""A list entry through its workflow from the console: proposal on a list the department
identifies, objections decided, confirmation after the notice, rectification and interview —
each step the service's, each refusal (409, 422) shown on the page."""

from __future__ import annotations

import re

import pytest
from department_pages import csrf_of, log_in, log_in_again

from fixtures.lists import BETA, GAMMA, World, org
from xinyong.models import Role


@pytest.fixture
def tax(client, db, clock, world: World):  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="tax")
    return client


def entry_id_of(location: str) -> str:
    found = re.search(r"/department/lists/entries/(\d+)", location)
    assert found, location
    return found.group(1)


def act(client, entry_id: str, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    page = client.get(f"/department/lists/entries/{entry_id}")
    assert page.status_code == 200
    return client.post(
        f"/department/lists/entries/{entry_id}/{action}",
        data={"csrf_token": csrf_of(page.text), **(data or {})},
        follow_redirects=False,
    )


def test_a_red_entry_from_proposal_to_listing(tax, world: World) -> None:  # type: ignore[no-untyped-def]
    rid = world.basis(world.tax, "tax_credit_a", org(BETA, "南京贝塔贸易有限公司"), "a-1")
    lookup = tax.get("/department/lists", params={"list": "tax_a_grade", "subject": BETA})
    assert lookup.status_code == 200
    assert f'name="basis_records" value="{rid}"' in lookup.text

    proposed = tax.post(
        "/department/lists/tax_a_grade/entries",
        data={
            "csrf_token": csrf_of(lookup.text),
            "subject": BETA,
            "basis_records": [str(rid)],
            "reason": "2025 年度纳税信用评价为 A 级",
        },
        follow_redirects=False,
    )
    assert proposed.status_code == 303, proposed.text
    entry_id = entry_id_of(proposed.headers["location"])
    page = tax.get(proposed.headers["location"])
    assert "已提出列入" in page.text and "公示（告知）中" in page.text
    assert "南京贝塔贸易有限公司" in page.text and "交叉比对" in page.text

    early = act(tax, entry_id, "confirm")
    assert early.status_code == 409
    assert "期满后方可确认" in early.text and 'role="alert"' in early.text

    unclear = act(tax, entry_id, "exit", {"reason": "revocation", "explanation": "  "})
    assert unclear.status_code == 422
    assert "不能为空" in unclear.text

    listing = tax.get("/department/lists", params={"state": "notice"})
    assert f"/department/lists/entries/{entry_id}" in listing.text

    world.pass_days(12)  # past the 7 working days of public notice
    log_in_again(tax, "tax-provider")  # the session ended meanwhile
    confirmed = act(tax, entry_id, "confirm")
    assert confirmed.status_code == 303
    assert "已列入" in tax.get(confirmed.headers["location"]).text
    listed = world.client.get(f"/api/v1/list-entries/{entry_id}").json()
    assert listed["state"] == "listed"


def test_a_black_entry_with_a_statement_rectification_and_interview(tax, world: World) -> None:  # type: ignore[no-untyped-def]
    rid = world.basis(world.tax, "major_tax_violation", org(GAMMA, "南京伽马有限公司"), "v-1")
    form = tax.get("/department/lists", params={"list": "major_tax_violators", "subject": GAMMA})
    proposed = tax.post(
        "/department/lists/major_tax_violators/entries",
        data={
            "csrf_token": csrf_of(form.text),
            "subject": GAMMA,
            "basis_text": str(rid),
            "reason": "虚开增值税专用发票",
        },
        follow_redirects=False,
    )
    assert proposed.status_code == 303, proposed.text
    entry_id = entry_id_of(proposed.headers["location"])
    statement = world.client.post(
        f"/api/v1/list-entries/{entry_id}/objections",
        json={"statement": "发票系善意取得"},
        headers=world.market.headers,
    )
    assert statement.status_code == 201
    objection_id = statement.json()["id"]
    page = tax.get(f"/department/lists/entries/{entry_id}")
    assert "发票系善意取得" in page.text
    assert f"/objections/{objection_id}/decision" in page.text

    undecided = act(tax, entry_id, f"objections/{objection_id}/decision", {"reason": "核实"})
    assert undecided.status_code == 422 and "请选择" in undecided.text
    decided = act(
        tax,
        entry_id,
        f"objections/{objection_id}/decision",
        {"upheld": "no", "reason": "经核实不成立"},
    )
    assert decided.status_code == 303
    assert "异议不成立" in tax.get(decided.headers["location"]).text
    twice = act(
        tax, entry_id, f"objections/{objection_id}/decision", {"upheld": "yes", "reason": "再议"}
    )
    assert twice.status_code == 409 and "该异议已处理" in twice.text

    world.pass_days(10)
    log_in_again(tax, "tax-provider")
    assert act(tax, entry_id, "confirm").status_code == 303
    page = tax.get(f"/department/lists/entries/{entry_id}")
    assert "记录整改" in page.text and "记录约谈" in page.text

    interview = {
        "interview_type": "警示约谈",
        "interviewed_on": "2026-08-01",
        "interviewee_name": "王某",
        "content": "限期补缴税款",
    }
    too_soon = act(tax, entry_id, "interviews", interview)
    assert too_soon.status_code == 409 and "未逾期或已整改" in too_soon.text
    bad_date = act(tax, entry_id, "interviews", {**interview, "interviewed_on": "2026-13-40"})
    assert bad_date.status_code == 422 and "应为日期" in bad_date.text

    world.pass_days(33)  # past the deadline: 30 days end on Saturday 07-25, moved to Monday 07-27
    log_in_again(tax, "tax-provider")
    held = act(
        tax,
        entry_id,
        "interviews",
        {**interview, "interviewed_on": world.clock.now().date().isoformat()},
    )
    assert held.status_code == 303
    page = tax.get(held.headers["location"])
    assert "已记录约谈" in page.text and "约谈" in page.text


def test_proposal_errors_are_shown_beside_the_form(tax, world: World) -> None:  # type: ignore[no-untyped-def]
    form = tax.get("/department/lists")
    token = csrf_of(form.text)
    cases = [
        ({"subject": BETA, "basis_text": "abc", "reason": "x"}, 422, "依据信息编号应为数字"),
        ({"subject": BETA, "basis_text": "", "reason": "x"}, 422, "至少需要一项"),
        ({"subject": BETA, "basis_text": "12345", "reason": "x"}, 404, "未找到该信息主体"),
        ({"subject": "not-a-code", "basis_text": "1", "reason": "x"}, 422, "统一社会信用代码"),
    ]
    for data, status, message in cases:
        answer = tax.post(
            "/department/lists/tax_a_grade/entries", data={"csrf_token": token, **data}
        )
        assert answer.status_code == status, (data, answer.text[:300])
        assert message in answer.text, data
    # A list the department does not identify.
    other = tax.post(
        "/department/lists/court_judgment_defaulters/entries",
        data={"csrf_token": token, "subject": BETA, "basis_text": "1", "reason": "x"},
    )
    assert other.status_code == 403 and "只有" in other.text
    # Nor may it open another department's entry.
    assert tax.get("/department/lists/entries/1").status_code == 404


def test_any_filter_value_is_a_page(tax, world: World) -> None:  # type: ignore[no-untyped-def]
    """Filters that make no sense find nothing; they are never an error page."""
    for params in ({"list": "x" * 500, "subject": BETA}, {"state": "'%_😀", "before": "-1"}):
        answer = tax.get("/department/lists", params=params)
        assert answer.status_code == 200, (params, answer.text[:300])
        assert "名单" in answer.text
