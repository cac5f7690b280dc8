"""Signing reads the item list from a per-process snapshot (items.published_items): a list
published after it was taken — through this process's API or by another process on the same
database — is what the next signing uses."""

from __future__ import annotations

from commitment_world import MISSING, CommitmentWorld, error

from xinyong.commitments.items import default_commitment_items, publish_commitment_items
from xinyong.commitments.schemas import CommitmentItemsIn
from xinyong.db import Database


def revised(**changes: str) -> dict:
    data = default_commitment_items().model_dump(mode="json")
    for item in data["items"]:
        if item["code"] in changes:
            item["template"] += changes[item["code"]]
    return data


def test_a_new_text_published_through_the_api_is_current_at_once(cw: CommitmentWorld) -> None:
    assert cw.sign(reference="1").status_code == 201  # the snapshot is taken
    answer = cw.client.post(
        "/api/v1/commitment-items",
        json=revised(**{MISSING: "（第二版）"}),
        headers=cw.w.authority.headers,
    )
    assert answer.status_code == 200, answer.text
    refused = cw.sign(reference="2")
    assert refused.status_code == 409 and error(refused)["detail"]["current"] == 2
    signed = cw.signed(reference="2", template_version=2)
    assert signed["text"].endswith("（第二版）")


def test_a_list_published_by_another_process_is_seen(cw: CommitmentWorld) -> None:
    assert cw.sign(reference="1").status_code == 201
    other = Database(cw.w.db.settings)  # another process's platform: its own snapshot
    data = revised()
    data["items"] = [i for i in data["items"] if i["code"] != MISSING]

    with other.transaction() as session:
        publish_commitment_items(
            session, CommitmentItemsIn.model_validate(data), actor="t", now=cw.w.clock.now()
        )
    other.dispose()
    answer = cw.sign(reference="2")
    assert answer.status_code == 422 and error(answer)["code"] == "unknown_commitment_item"
