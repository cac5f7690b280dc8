"""The department's related-party page: the organisations flagged near a black-listed
subject with the path, and one subject's related parties looked up with a purpose; a look-up
without a purpose is refused beside the form (tests/fixtures/relations.py's world)."""

from __future__ import annotations

from department_pages import log_in

from fixtures.lists import BETA, World
from fixtures.relations import ACME_NAME, BETA_NAME, FLAG_PATH, relate
from xinyong.models import Role


def test_the_flags_and_a_look_up_show_the_paths(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    relate(world)
    assert (
        client.post("/api/v1/related-party-scans", headers=world.authority.headers).status_code
        == 201
    )
    log_in(client, db, clock, role=Role.user_department, department="finance")
    page = client.get("/department/relations")
    assert page.status_code == 200
    assert FLAG_PATH in page.text and "标记组织 1 家" in page.text
    looked = client.get("/department/relations", params={"key": BETA, "purpose": "政府采购审查"})
    assert looked.status_code == 200
    assert f"{BETA_NAME} 两层以内的关联主体（3 个）" in looked.text
    assert f"{ACME_NAME}（黑名单）的法定代表人" in looked.text
    refused = client.get("/department/relations", params={"key": BETA, "purpose": " "})
    assert refused.status_code == 422 and "请说明查询用途" in refused.text


def test_the_public_is_sent_to_log_in(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/department/relations", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]
