"""Bad input to the commitment endpoints: a 4xx with a stable code, and nothing stored."""

from __future__ import annotations

import pytest
from commitment_world import NOTICE, CommitmentWorld, error
from sqlalchemy import func, select

from fixtures.lists import ACME, BETA, CITIZEN
from xinyong.models import AuditEntry, Change, Commitment, Record


def counts(cw: CommitmentWorld) -> tuple[int, int, int, int]:
    with cw.w.db.transaction() as session:
        return (
            session.execute(select(func.count()).select_from(Commitment)).scalar_one(),
            session.execute(
                select(func.count()).select_from(Change).where(Change.topic == "commitment")
            ).scalar_one(),
            session.execute(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.like("commitment.%"))
            ).scalar_one(),
            session.execute(
                select(func.count())
                .select_from(Record)
                .where(Record.item_code == "broken_commitment")
            ).scalar_one(),
        )


def refused(cw: CommitmentWorld, answer, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    body = error(answer)
    assert body["code"] == code
    assert body["message"] and body["message_en"]
    return body


class TestSigning:
    def test_an_item_that_does_not_apply_to_the_subject_kind(self, cw: CommitmentWorld) -> None:
        before = counts(cw)
        # Enterprise registration is for organisations; CITIZEN is a natural person.
        answer = cw.sign(cw.citizen)
        body = refused(cw, answer, 422, "item_not_applicable")
        assert body["field"] == "item"
        answer = cw.sign(cw.w.market, subject=CITIZEN)
        refused(cw, answer, 422, "item_not_applicable")
        assert counts(cw) == before
        # An item for every kind of subject: the citizen may sign it.
        assert cw.sign(cw.citizen, item=NOTICE).status_code == 201

    def test_a_template_version_that_is_not_current(self, cw: CommitmentWorld) -> None:
        before = counts(cw)
        for version in (2, 0):
            answer = cw.sign(template_version=version)
            assert answer.status_code in (409, 422), answer.text
        body = refused(cw, cw.sign(template_version=2), 409, "template_not_current")
        assert body["detail"]["current"] == 1
        assert counts(cw) == before

    def test_a_second_pending_commitment_for_the_same_acceptance(self, cw: CommitmentWorld) -> None:
        first = cw.signed()
        before = counts(cw)
        body = refused(cw, cw.sign(), 409, "commitment_pending")
        assert body["detail"]["commitment_id"] == first["id"]
        # On paper, by the department, the same.
        refused(cw, cw.sign(cw.w.market, subject=ACME), 409, "commitment_pending")
        assert counts(cw) == before
        # Another acceptance is another commitment.
        assert cw.sign(reference="受理-002").status_code == 201

    @pytest.mark.parametrize(
        ("over", "status", "code"),
        [
            ({"item": "no_such_item"}, 422, "unknown_commitment_item"),
            ({"department": None}, 422, "missing_department"),
            ({"department": "nowhere"}, 422, "unknown_department"),
            ({"department": "tax"}, 422, "department_not_accepting"),
            ({"confirmed": False}, 422, "not_confirmed"),
            ({"subject": BETA}, 404, "subject_not_found"),
            ({"evidence_file_id": "123456789"}, 422, "unknown_file"),
        ],
    )
    def test_online_refusals(self, cw: CommitmentWorld, over, status, code) -> None:  # type: ignore[no-untyped-def]
        before = counts(cw)
        refused(cw, cw.sign(**over), status, code)
        assert counts(cw) == before

    def test_a_subject_signs_for_itself_only(self, cw: CommitmentWorld) -> None:
        refused(cw, cw.sign(subject=CITIZEN), 403, "not_your_subject")

    def test_a_department_records_for_itself_only(self, cw: CommitmentWorld) -> None:
        before = counts(cw)
        # The tax department does not accept enterprise registration.
        refused(cw, cw.sign(cw.w.tax, subject=ACME), 403, "not_accepting_department")
        refused(
            cw, cw.sign(cw.w.tax, subject=ACME, department="amr"), 403, "not_accepting_department"
        )
        refused(cw, cw.sign(cw.w.market), 422, "missing_subject")
        assert counts(cw) == before


class TestSteps:
    def test_out_of_order(self, cw: CommitmentWorld) -> None:
        online = cw.signed()
        # Not accepted: no fulfilment yet.
        body = refused(cw, cw.fulfil(online["id"], "fulfilled"), 409, "invalid_state")
        assert body["detail"]["reason"] == "not_accepted"
        paper = cw.paper(reference="受理-002")
        # Accepted: no withdrawal, no second acceptance.
        body = refused(
            cw, cw.step(cw.acme, paper["id"], "withdrawal", {"reason": "x"}), 409, "invalid_state"
        )
        assert body["detail"]["reason"] == "already_accepted"
        refused(cw, cw.step(cw.w.market, paper["id"], "acceptance"), 409, "invalid_state")
        assert cw.fulfil(paper["id"], "fulfilled").status_code == 200
        before = counts(cw)
        for outcome in ("fulfilled", "breached", "false"):
            body = refused(cw, cw.fulfil(paper["id"], outcome), 409, "invalid_state")
            assert body["detail"] == {"state": "fulfilled", "reason": "invalid_state"}
        assert counts(cw) == before

    def test_by_someone_who_may_not(self, cw: CommitmentWorld) -> None:
        c = cw.signed()
        before = counts(cw)
        # Another department: 403 with the domain's code.
        for action, body in (
            ("acceptance", None),
            ("fulfilment", {"outcome": "fulfilled", "note": "x"}),
        ):
            refused(cw, cw.step(cw.w.tax, c["id"], action, body), 403, "not_accepting_department")
        refused(
            cw,
            cw.step(cw.w.authority, c["id"], "fulfilment", {"outcome": "false", "note": "x"}),
            403,
            "not_accepting_department",
        )
        # The department may not withdraw the subject's commitment; the subject may not
        # determine its own fulfilment (the door: 403 forbidden).
        refused(cw, cw.step(cw.w.market, c["id"], "withdrawal", {"reason": "x"}), 403, "forbidden")
        refused(cw, cw.fulfil(c["id"], "fulfilled", caller=cw.acme), 403, "forbidden")
        # Another subject does not learn it exists.
        refused(
            cw,
            cw.step(cw.citizen, c["id"], "withdrawal", {"reason": "x"}),
            404,
            "unknown_commitment",
        )
        refused(
            cw,
            cw.client.get(f"/api/v1/commitments/{c['id']}", headers=cw.citizen.headers),
            404,
            "unknown_commitment",
        )
        refused(
            cw,
            cw.client.get(f"/api/v1/commitments/{c['id']}", headers=cw.w.tax.headers),
            404,
            "unknown_commitment",
        )
        assert counts(cw) == before

    def test_a_breach_needs_its_decision_number(self, cw: CommitmentWorld) -> None:
        c = cw.paper(item=NOTICE)
        before = counts(cw)
        answer = cw.step(cw.w.market, c["id"], "fulfilment", {"outcome": "false", "note": "x"})
        refused(cw, answer, 422, "missing_decision_number")
        assert counts(cw) == before

    def test_an_unknown_commitment(self, cw: CommitmentWorld) -> None:
        refused(cw, cw.fulfil("987654321", "fulfilled"), 404, "unknown_commitment")


def test_publishing_a_list_whose_breach_item_is_not_negative(cw: CommitmentWorld) -> None:
    items = cw.client.get("/api/v1/commitment-items").json()
    for item in items:
        del item["version"], item["template_version"]
    items[0]["breach"]["item"] = "commitment"
    answer = cw.client.post(
        "/api/v1/commitment-items", json={"items": items}, headers=cw.w.authority.headers
    )
    refused(cw, answer, 422, "unknown_breach_item")
    answer = cw.client.post(
        "/api/v1/commitment-items", json={"items": items}, headers=cw.w.market.headers
    )
    refused(cw, answer, 403, "forbidden")


def test_the_openapi_document_lists_the_endpoints_with_their_callers(api_document: dict) -> None:
    doc = api_document
    paths = doc["paths"]
    expect = {
        ("/api/v1/commitment-items", "get"): {
            "public",
            "subject",
            "provider",
            "user_department",
            "authority",
        },
        ("/api/v1/commitment-items", "post"): {"authority"},
        ("/api/v1/commitments", "post"): {"subject", "provider", "user_department", "authority"},
        ("/api/v1/commitments", "get"): {"subject", "provider", "user_department", "authority"},
        ("/api/v1/commitments/{commitment_id}", "get"): {
            "subject",
            "provider",
            "user_department",
            "authority",
        },
        ("/api/v1/commitments/{commitment_id}/acceptance", "post"): {
            "provider",
            "user_department",
            "authority",
        },
        ("/api/v1/commitments/{commitment_id}/fulfilment", "post"): {
            "provider",
            "user_department",
            "authority",
        },
        ("/api/v1/commitments/{commitment_id}/withdrawal", "post"): {"subject"},
    }
    for (path, method), callers in expect.items():
        operation = paths[path][method]
        assert set(operation["x-callers"]) == callers, (path, method)
    sign = paths["/api/v1/commitments"]["post"]["responses"]
    for status, code in (
        ("409", "template_not_current"),
        ("409", "commitment_pending"),
        ("422", "item_not_applicable"),
    ):
        assert f"`{code}`" in sign[status]["description"]
    assert (
        "`invalid_state`"
        in paths["/api/v1/commitments/{commitment_id}/fulfilment"]["post"]["responses"]["409"][
            "description"
        ]
    )
