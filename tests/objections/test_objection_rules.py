"""What an objection may not be (issue 4 § bad input): another subject's information (403;
a record id not among its own is 403 too, an unknown entry 404), a second open objection, an
agent without authorisation, a target that is no longer in use; and who may see which
objection."""

from __future__ import annotations

import pytest
from objection_world import PDF, Ow, make_ow

from fixtures.lists import ACME, BETA


@pytest.fixture
def ow_records(client, db, clock) -> tuple[Ow, int, int]:
    return make_ow(client, db, clock)


def error(answer) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return answer.status_code, answer.json()["error"]["code"]


def test_an_objection_against_another_subjects_record_is_403(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, _, beta_record = ow_records
    assert error(ow.file(ow.acme, record=beta_record)) == (403, "not_your_subject")
    # Nor may a subject file in another subject's name.
    assert error(ow.file(ow.acme, record=beta_record, subject=BETA)) == (403, "not_your_subject")
    # The authority's filing names the subject, and the target must be that subject's.
    assert error(ow.file(ow.authority, record=beta_record)) == (422, "missing_subject")
    assert error(ow.file(ow.authority, record=beta_record, subject=ACME)) == (
        403,
        "not_your_subject",
    )
    assert ow.file(ow.authority, record=beta_record, subject=BETA).status_code == 201


def test_unknown_targets_are_refused_without_telling_whose_they_are(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, _, _ = ow_records
    # A record id that is not among the subject's records: 403, exactly as for another
    # subject's record, so that the answer tells nothing of other subjects' archives.
    assert error(ow.file(ow.acme, record=123)) == (403, "not_your_subject")
    assert error(ow.file(ow.acme, entry="123")) == (404, "unknown_entry")
    both = ow.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": "1", "list_entry": "2"},
            "ground": "wrong_or_incomplete",
            "statement": "x",
        },
        headers=ow.acme.headers,
    )
    assert both.status_code == 422


def test_one_open_objection_per_target(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    first = ow.filed(ow.acme, record=record)
    second = ow.file(ow.acme, record=record, ground="forbidden_data")
    assert error(second) == (409, "objection_open")
    assert second.json()["error"]["detail"]["objection_id"] == first["id"]
    # Once decided, the target may be objected to again.
    ow.decide(first, "rejected")
    assert ow.file(ow.acme, record=record).status_code == 201


def test_an_agent_files_only_with_the_subjects_authorisation(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    plain = ow.evidence(ow.authority, subject=ACME)
    refused = ow.file(
        ow.authority, record=record, subject=ACME, agent_name="江苏某律师事务所", evidence=[plain]
    )
    assert error(refused) == (422, "missing_authorisation")
    letter = ow.evidence(ow.authority, "authorisation", subject=ACME)
    filed = ow.filed(
        ow.authority,
        record=record,
        subject=ACME,
        agent_name="江苏某律师事务所",
        evidence=[plain, letter],
    )
    assert filed["agent_name"] == "江苏某律师事务所"
    assert sorted(e["kind"] for e in filed["evidence"]) == ["authorisation", "evidence"]
    # The subject sees what was filed for it.
    assert ow.get(ow.acme, filed).json()["agent_name"] == "江苏某律师事务所"


def test_evidence_must_be_pdf_jpeg_or_png_and_at_most_20_mb(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, _, _ = ow_records
    assert error(ow.upload(ow.acme, b"GIF89a" + b"\x00" * 20)) == (415, "unsupported_file_type")
    too_big = PDF + b"\x00" * (20 * 1024 * 1024 + 1 - len(PDF))
    assert error(ow.upload(ow.acme, too_big)) == (413, "file_too_large")
    # A file another subject uploaded is not this subject's evidence.
    theirs = ow.evidence(ow.beta)
    ow_records_record = ow_records[1]
    answer = ow.file(ow.acme, record=ow_records_record, evidence=[theirs])
    assert error(answer) == (422, "unknown_file")


def test_an_expired_record_only_for_use_past_its_validity(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, _, _ = ow_records
    # A general failure determined 2025-01-10 counted for one year (Measures art. 30).
    old = ow.penalty(ACME, "p-old", determined_on="2025-01-10")
    assert ow.archive_records(ACME, ow.acme)[str(old)]["standing"] == "expired"
    assert error(ow.file(ow.acme, record=old)) == (409, "target_expired")
    assert ow.file(ow.acme, record=old, ground="past_validity").status_code == 201


def test_steps_out_of_order_are_409(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record)
    premature = ow.act(ow.authority, filed, "correction", {"action": "revoke"})
    assert error(premature) == (409, "invalid_state")
    ow.done(ow.authority, filed, "referral")
    assert error(ow.act(ow.authority, filed, "referral")) == (409, "invalid_state")
    pending = ow.act(ow.authority, filed, "decision", {"outcome": "rejected", "reason": "x"})
    assert error(pending) == (409, "verification_pending")
    ow.done(ow.w.market, filed, "verification", {"found_wrong": False, "opinion": "无误"})
    again = ow.act(ow.w.market, filed, "verification", {"found_wrong": False, "opinion": "无误"})
    assert error(again) == (409, "invalid_state")
    ow.decide(filed, "upheld")
    twice = ow.act(ow.authority, filed, "decision", {"outcome": "rejected", "reason": "x"})
    assert error(twice) == (409, "already_decided")
    # A correction names the target itself, and carries the corrected fields.
    other = ow.act(ow.authority, filed, "correction", {"action": "revoke", "record_id": "9"})
    assert error(other) == (422, "invalid_record")
    assert error(ow.act(ow.authority, filed, "correction", {"action": "correct"})) == (
        422,
        "missing_fields",
    )
    bad = ow.act(
        ow.authority,
        filed,
        "correction",
        {"action": "correct", "fields": {"decided_on": "2099-01-01"}},
    )
    assert error(bad) == (422, "future_date")
    assert bad.json()["error"]["field"] == "fields.decided_on"


def test_nobody_learns_of_another_subjects_objection(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record)
    assert ow.get(ow.acme, filed).status_code == 200
    assert error(ow.get(ow.beta, filed)) == (404, "unknown_objection")
    assert error(ow.get(ow.w.market, filed)) == (404, "unknown_objection")  # not referred
    assert ow.client.get("/api/v1/objections", headers=ow.beta.headers).json()["total"] == 0
    # Even when it names the subject.
    named = ow.client.get("/api/v1/objections", params={"subject": ACME}, headers=ow.beta.headers)
    assert named.json()["total"] == 0
    every = ow.client.get(
        "/api/v1/objections", params={"state": "review"}, headers=ow.authority.headers
    ).json()
    assert [o["id"] for o in every["objections"]] == [filed["id"]]
    # The public sees the mark, never the objection.
    assert ow.archive_records(ACME)[str(record)]["under_objection"] is True
    assert ow.get(ow.w.user, filed).status_code == 403
