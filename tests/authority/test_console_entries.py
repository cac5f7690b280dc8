"""A wrongful listing revoked from the authority console (the same service as POST
/api/v1/list-entries/{id}/exit with reason revocation): it leaves its list at once, its
measures stop, the exit notice is published and the subject receives the written apology and
clarification (003 联合奖惩 §（二十四））."""

from __future__ import annotations

from authority_pages import log_in
from console_steps import assert_all_chinese, post

from fixtures.lists import BETA, World, org
from xinyong.models import Role


def test_a_wrongful_listing_is_revoked_with_its_remedy(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    entry = world.list_entry(world.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "b")
    # Logged in after the entry's notice period has passed (a session does not last that long).
    log_in(client, db, clock, role=Role.authority, department="cred")
    authority = client
    assert world.check("bidding", BETA).json()["results"][0]["decision"] == "intercept"

    listing = authority.get("/authority/entries")
    assert f'href="/authority/entries/{entry}"' in listing.text and "南京乙公司" in listing.text
    assert_all_chinese(listing.text)
    only = authority.get("/authority/entries?list=court_judgment_defaulters&state=listed")
    assert f'href="/authority/entries/{entry}"' in only.text
    assert (
        f"/authority/entries/{entry}" not in authority.get("/authority/entries?state=exited").text
    )

    page = f"/authority/entries/{entry}"
    shown = authority.get(page)
    assert "认定有误，予以撤销" in shown.text and "已列入" in shown.text
    assert_all_chinese(shown.text)
    empty = post(authority, page, f"{page}/revocation", {"explanation": "  "})
    assert empty.status_code == 422 and "不能为空" in empty.text
    revoked = post(authority, page, f"{page}/revocation", {"explanation": "判决已撤销，认定有误"})
    assert revoked.status_code == 303
    after = authority.get(revoked.headers["location"])
    assert "已撤销：条目已移出名单" in after.text
    assert "已退出" in after.text and "认定有误，予以撤销" in after.text
    assert "致歉及澄清函" in after.text and "判决已撤销，认定有误" in after.text
    assert "退出公告" in after.text  # the exit notice among the steps
    assert "撤销该条目" not in after.text  # no longer live
    assert_all_chinese(after.text)

    assert world.check("bidding", BETA).json()["results"][0]["decision"] == "clear"
    body = world.client.get(f"/api/v1/list-entries/{entry}", headers=world.authority.headers)
    assert body.json()["state"] == "exited" and body.json()["exit_reason"] == "revocation"
    twice = post(
        authority, f"/authority/entries/{entry}", f"{page}/revocation", {"explanation": "再撤"}
    )
    assert twice.status_code == 409 and "该条目已不在名单中" in twice.text
