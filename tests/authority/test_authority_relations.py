"""The authority's related-party page (issue 17 part 2 § 2), on both databases: no scan yet,
then a scan from the page's button (CSRF as every form), the flagged organisation with its
path, a subject's related parties with a purpose, and the read of the flags in the audit log
with the console's purpose (tests/fixtures/relations.py's world)."""

from __future__ import annotations

from authority_pages import csrf_of, log_in
from sqlalchemy import select

from fixtures.lists import BETA, World
from fixtures.relations import BETA_NAME, FLAG_PATH, relate
from xinyong.models import AuditEntry, Role


def test_scan_from_the_page_and_read_the_paths(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    relate(world)  # the black listing passes days: log in after it
    log_in(client, db, clock, role=Role.authority, department="cred")
    authority = client
    before = authority.get("/authority/relations")
    assert before.status_code == 200 and "尚未进行关联关系扫描" in before.text
    forged = authority.post("/authority/relations/scan", data={"csrf_token": "x"})
    assert forged.status_code == 403
    scanned = authority.post(
        "/authority/relations/scan",
        data={"csrf_token": csrf_of(before.text)},
        follow_redirects=False,
    )
    assert scanned.status_code == 303 and scanned.headers["location"].endswith("done=scanned")
    page = authority.get(scanned.headers["location"])
    assert "已完成关联关系扫描" in page.text
    assert FLAG_PATH in page.text and "标记组织 1 家" in page.text
    looked = authority.get("/authority/relations", params={"key": BETA, "purpose": "专项检查"})
    assert f"{BETA_NAME} 两层以内的关联主体（3 个）" in looked.text
    with world.db.transaction() as session:
        purposes = session.execute(
            select(AuditEntry.purpose).where(AuditEntry.action == "related_party_flags.read")
        ).scalars()
        assert "关联风险排查（管理工作台）" in set(purposes)


def test_departments_and_the_public_do_not_reach_it(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/authority/relations", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]
    assert client.post("/authority/relations/scan", follow_redirects=False).status_code in (
        302,
        303,
        401,
        403,
    )
