"""Commitments in the subject's archive, through the API on both databases: the public ones
with the national portal's fields (承诺类型, 承诺事由, 做出承诺日期, 承诺受理单位, 承诺履约状态)
for everyone, the others for the subject, its accepting department and the authority only;
the fulfilled ones as positive facts (守信); withdrawn ones never; as of a past day in their
state then. And the service functions the portal, reports and evaluation call."""

from __future__ import annotations

from datetime import date

from commitment_world import MISSING, NOTICE, CommitmentWorld

from fixtures.helpers import Caller
from fixtures.lists import ACME
from xinyong.commitments.public import fulfilled_commitments, public_commitments


def archive(cw: CommitmentWorld, caller: Caller | None = None, **params: str) -> dict:
    answer = cw.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "信用核查", **params},
        headers=caller.headers if caller else {},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["commitments"]


def ids(facts: list[dict]) -> list[str]:
    return [f["id"] for f in facts]


def unpublish(cw: CommitmentWorld, code: str) -> None:
    """The authority republishes the list with ``code``'s commitments no longer published."""
    items = cw.client.get("/api/v1/commitment-items").json()
    for item in items:
        del item["version"], item["template_version"]
        if item["code"] == code:
            item["published"] = False
    answer = cw.client.post(
        "/api/v1/commitment-items", json={"items": items}, headers=cw.w.authority.headers
    )
    assert answer.status_code == 200 and answer.json()["revised"] == [code], answer.text


def test_the_archive_lists_commitments_and_the_fulfilled_ones_as_positive_facts(
    cw: CommitmentWorld,
) -> None:
    notice = cw.paper(item=NOTICE, reference="食经许-001")
    missing = cw.paper(reference="登记-001")
    withdrawn = cw.signed(reference="登记-002")
    assert (
        cw.step(cw.acme, withdrawn["id"], "withdrawal", {"reason": "不再办理"}).status_code == 200
    )
    unpublish(cw, MISSING)
    cw.move_to(date(2026, 6, 18))
    assert cw.fulfil(notice["id"], "fulfilled", note="经现场核查属实").status_code == 200

    public = archive(cw)
    assert ids(public["signed"]) == [notice["id"]]
    (fact,) = public["fulfilled"]
    assert fact == {
        "id": notice["id"],
        "item": NOTICE,
        "item_name": "仅销售预包装食品备案告知承诺",
        "type": "approval_substitute",
        "type_name": "审批替代型（告知承诺）",
        "matter": "食品经营许可（仅销售预包装食品）",
        "signed_on": "2026-06-15",
        "department": "amr",
        "department_name": "测试market_regulation",
        "state": "fulfilled",
        "state_name": "已履约",
        "fulfilled_on": "2026-06-18",
        "public": True,
    }
    # The subject, its accepting department and the authority also see the one not public;
    # another department does not. A withdrawn commitment was never made: no one sees it.
    for caller in (cw.acme, cw.w.market, cw.w.authority):
        seen = archive(cw, caller)
        assert ids(seen["signed"]) == [notice["id"], missing["id"]], caller
        assert ids(seen["fulfilled"]) == [notice["id"]]
        assert [f["public"] for f in seen["signed"]] == [True, False]
        assert seen["signed"][1]["state_name"] == "履约中"
    assert ids(archive(cw, cw.w.tax)["signed"]) == [notice["id"]]

    # The service functions other parts call.
    with cw.w.db.transaction() as session:
        assert ids([f.model_dump() for f in public_commitments(session, cw.acme_id)]) == [
            notice["id"]
        ]
        assert [f.id for f in fulfilled_commitments(session, cw.acme_id)] == [notice["id"]]


def test_as_of_a_past_day_each_commitment_in_its_state_then(cw: CommitmentWorld) -> None:
    cw.move_to(date(2026, 6, 16))
    notice = cw.paper(item=NOTICE)
    cw.move_to(date(2026, 6, 18))
    assert cw.fulfil(notice["id"], "fulfilled").status_code == 200
    cw.move_to(date(2026, 6, 22))

    before = archive(cw, as_of="2026-06-15")
    assert before == {"signed": [], "fulfilled": []}
    signed = archive(cw, as_of="2026-06-17")
    assert [(f["id"], f["state"], f["fulfilled_on"]) for f in signed["signed"]] == [
        (notice["id"], "pending", None)
    ]
    assert signed["fulfilled"] == []
    kept = archive(cw, as_of="2026-06-18")
    assert ids(kept["fulfilled"]) == [notice["id"]]


def test_a_false_or_broken_commitment_is_no_positive_fact(cw: CommitmentWorld) -> None:
    false = cw.paper(item=NOTICE)
    assert cw.fulfil(false["id"], "false").status_code == 200
    seen = archive(cw, cw.acme)
    assert [(f["state"], f["state_name"]) for f in seen["signed"]] == [("false", "虚假承诺")]
    assert seen["fulfilled"] == []
    with cw.w.db.transaction() as session:
        assert fulfilled_commitments(session, cw.acme_id, public_only=False) == []
