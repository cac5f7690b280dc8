"""Bad input (issue 4 § bad input): a repair for a record that is expired, already repaired or
not negative → 409 with the reason; another subject's record → 403; evidence that does not
prove the ways claimed → 422."""

from __future__ import annotations

from repair_world import RepairWorld, error
from sqlalchemy import select

from fixtures.lists import ACME, BETA, org
from xinyong.core.auth import SYSTEM
from xinyong.models import Record, Standing
from xinyong.records.service import CollectionContext
from xinyong.records.standing import change_standing, get_record
from xinyong.rights.step import Step

FILE_1 = {"file_id": "1", "kind": "evidence"}


def refused(rw: RepairWorld, target: dict, reason: str, caller=None) -> None:  # type: ignore[no-untyped-def]
    caller = caller or rw.acme
    answer = rw.apply(rw.body(target, caller=caller), caller)
    assert answer.status_code == 409, answer.text
    assert (error(answer)["code"], error(answer)["detail"]["reason"]) == (
        "repair_not_allowed",
        reason,
    )
    assert error(answer)["message"] and error(answer)["message_en"]


def test_an_expired_record_is_not_repaired(rw: RepairWorld) -> None:
    # Severe, determined 2023-01-10: it counted until 2026-01-09 (Measures art. 30).
    old = rw.push(rw.w.court, "court_judgment_defaulter", "old", determined_on="2023-01-10")
    refused(rw, {"record": str(old)}, "expired")


def test_a_positive_or_basic_record_is_not_negative(rw: RepairWorld) -> None:
    for caller, item in ((rw.w.tax, "tax_credit_a"), (rw.w.market, "administrative_licensing")):
        record = rw.push(caller, item, "not-negative")
        refused(rw, {"record": str(record)}, "not_negative")


def test_a_revoked_or_corrected_record_is_not_repaired(rw: RepairWorld) -> None:
    other = rw.push(rw.w.court, "court_judgment_defaulter", "2")
    # The objection procedure changes a record's standing through this shared service.
    with rw.w.db.transaction() as session:
        step = Step(CollectionContext(rw.w.db), SYSTEM, rw.w.clock.now())
        for record_id, standing in ((rw.record, Standing.revoked), (other, Standing.corrected)):
            subject_id = session.execute(
                select(Record.subject_id).where(Record.id == record_id)
            ).scalar_one()
            change_standing(
                session,
                step,
                get_record(session, subject_id, record_id, for_update=True),
                standing,
                procedure="objection",
                reason="异议核实有误",
            )
    refused(rw, {"record": str(rw.record)}, "revoked")
    refused(rw, {"record": str(other)}, "corrected")


def test_list_entries_not_in_force_are_refused_with_their_reason(rw: RepairWorld) -> None:
    rw.w.step(rw.w.court, rw.entry, "exit", {"reason": "repair", "explanation": "已履行"})
    refused(rw, {"list_entry": rw.entry}, "already_repaired")
    # A black candidate in prior notice is not listed yet.
    basis = rw.push(rw.w.tax, "major_tax_violation", "v")
    candidate = rw.w.propose(rw.w.tax, "major_tax_violators", ACME, [basis]).json()
    assert candidate["state"] == "notice"
    refused(rw, {"list_entry": candidate["id"]}, "not_listed")
    revoked = rw.w.list_entry(rw.w.market, "food_drug_watch", org(ACME), "w")
    rw.w.step(rw.w.authority, revoked, "exit", {"reason": "revocation", "explanation": "误列"})
    refused(rw, {"list_entry": revoked}, "revoked")
    # A red list is no failure to repair.
    red = rw.w.list_entry(rw.w.tax, "tax_a_grade", org(BETA, "南京乙公司"), "r")
    refused(rw, {"list_entry": red}, "not_negative", caller=rw.beta)


def test_one_open_repair_per_target(rw: RepairWorld) -> None:
    first = rw.applied()
    again = rw.apply(rw.body({"record": str(rw.record)}))
    assert (again.status_code, error(again)["code"]) == (409, "repair_open")
    assert error(again)["detail"]["repair_id"] == first["id"]
    # The entry is another target: it may be repaired at the same time.
    assert rw.apply(rw.body({"list_entry": rw.entry})).status_code == 201


def test_another_subject_s_record_or_entry_is_403(rw: RepairWorld) -> None:
    betas = rw.push(rw.w.court, "court_judgment_defaulter", "b", key=BETA)
    answer = rw.apply(rw.body({"record": str(betas)}))
    assert (answer.status_code, error(answer)["code"]) == (403, "not_your_subject")
    # ACME's token cannot act for BETA either.
    named = rw.apply(rw.body({"record": str(betas)}, evidence=[], subject=BETA))
    assert (named.status_code, error(named)["code"]) == (403, "not_your_subject")
    # Nor can BETA repair ACME's entry.
    entry = rw.apply(rw.body({"list_entry": rw.entry}, caller=rw.beta), rw.beta)
    assert (entry.status_code, error(entry)["code"]) == (403, "not_your_subject")
    # A record id not among the subject's own is refused alike, whether it exists or not; an
    # entry that does not exist is 404.
    unknown = rw.apply(rw.body({"record": "12345"}))
    assert (unknown.status_code, error(unknown)["code"]) == (403, "not_your_subject")
    nowhere = rw.apply(rw.body({"list_entry": "12345"}))
    assert (nowhere.status_code, error(nowhere)["code"]) == (404, "unknown_entry")


def test_each_way_needs_its_evidence(rw: RepairWorld) -> None:
    file_id = rw.upload(rw.acme)
    body = rw.body(
        {"record": str(rw.record)},
        ways=("commitment", "training", "credit_report"),
        evidence=[{"file_id": file_id, "kind": "training"}],
    )
    answer = rw.apply(body)
    assert (answer.status_code, error(answer)["code"]) == (422, "missing_way_evidence")
    assert error(answer)["detail"]["ways"] == ["credit_report"]


def test_an_agent_needs_the_letter_of_authorisation(rw: RepairWorld) -> None:
    body = rw.body({"record": str(rw.record)}, agent_name="江苏某律师事务所 王律师")
    answer = rw.apply(body)
    assert (answer.status_code, error(answer)["code"]) == (422, "missing_authorisation")
    letter = {"file_id": rw.upload(rw.acme), "kind": "authorisation"}
    filed = rw.apply({**body, "evidence": [*body["evidence"], letter]})
    assert filed.status_code == 201, filed.text
    assert filed.json()["steps"][0]["detail"]["agent_name"] == "江苏某律师事务所 王律师"


MALFORMED: list[tuple[dict, str, str | None]] = [
    ({"evidence": [FILE_1 | {"kind": "photo"}]}, "unknown_evidence_kind", "evidence[0].kind"),
    ({"evidence": [FILE_1]}, "unknown_file", "evidence[0].file_id"),
    ({"target": {"record": "1", "list_entry": "2"}}, "invalid_request", None),
    ({"target": {}}, "invalid_request", None),
    ({"ways": ["commitment", "commitment"]}, "invalid_request", None),
    ({"ways": ["apology"]}, "invalid_request", None),
    ({"corrected_on": "2026-02-30"}, "invalid_request", None),
]


def test_malformed_applications_are_422(rw: RepairWorld) -> None:
    body = rw.body({"record": str(rw.record)})
    for change, code, field in MALFORMED:
        answer = rw.apply({**body, **change})
        assert (answer.status_code, error(answer)["code"]) == (422, code), answer.text
        if field:
            assert error(answer)["field"] == field
    assert rw.apply(body).status_code == 201


def test_a_file_is_used_once(rw: RepairWorld) -> None:
    first = rw.applied()
    used = first["evidence"][0]["id"]
    answer = rw.apply(
        rw.body(
            {"list_entry": rw.entry},
            evidence=[{"file_id": used, "kind": "evidence"}],
            ways=("commitment",),
        )
    )
    assert (answer.status_code, error(answer)["code"]) == (409, "file_in_use")
