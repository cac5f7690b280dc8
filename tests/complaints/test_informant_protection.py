"""The informant's identity never reaches the subject (003 联合奖惩 §（十五）: 严格保护举报人合法
权益): a named complaint about ACME handled end to end — its informant's contact read by the
department with a purpose — and then every page of the subject console and every API read a
subject may make, its query log and its credit report included, walked as ACME: the
informant's name, phone, e-mail and address appear nowhere, nor that anyone was named."""

from __future__ import annotations

import re

import pytest
from complaint_pages import log_in, post_form
from complaint_world import INFORMANT, PDF, PENALTY_FIELDS, ComplaintWorld
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.routing import Mount

from fixtures.lists import ACME
from xinyong.credit_reports import signing
from xinyong.models import AuditEntry, Complaint, EvidenceFile, Role

SECRETS = [INFORMANT["name"], INFORMANT["phone"], INFORMANT["email"], "举报路", "whistle"]
# Words that would tell the subject someone was named.
TELLING = ["实名", "举报人", "informant"]


def routes(app) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    """(method, path, openapi_extra) of every route, descending into included routers."""

    def walk(found, prefix=""):  # type: ignore[no-untyped-def]
        out = []
        for route in found:
            if isinstance(route, Mount):
                continue
            if isinstance(route, APIRoute):
                for method in route.methods - {"HEAD", "OPTIONS"}:
                    out.append((method, prefix + route.path, route.openapi_extra or {}))
            elif hasattr(route, "original_router"):
                out += walk(route.original_router.routes, prefix + route.include_context.prefix)
        return out

    return walk(app.routes)


def handled_named_complaint(cw: ComplaintWorld) -> tuple[str, str, int]:
    """A named complaint about ACME with an attachment, its informant read by the department,
    accepted, replied to and found substantiated: (receipt code, complaint id, file id)."""
    code = cw.filed(informant=INFORMANT, files=[("现场照片.pdf", PDF, "application/pdf")])[
        "receipt_code"
    ]
    cid = cw.complaint_id(code)
    read = cw.client.get(
        f"/api/v1/complaints/{cid}/informant",
        params={"purpose": "电话联系举报人核实购买时间"},
        headers=cw.w.market.headers,
    )
    assert read.status_code == 200 and read.json()["phone"] == INFORMANT["phone"]
    cw.stepped(cid, "accepted", text="已受理")
    cw.stepped(cid, "replied", text="已联系核实")
    cw.stepped(
        cid,
        "substantiated",
        text="举报属实，已立案处罚",
        record={
            "item": "administrative_penalty",
            "fields": PENALTY_FIELDS,
            "severity": "general",
            "determined_on": "2026-06-15",
        },
    )
    with cw.w.db.transaction() as session:
        file_id = session.execute(select(EvidenceFile.id)).scalar_one()
    return code, cid, file_id


def assert_clean(where: str, body: str, *, telling: bool = True) -> None:
    """Nothing of the informant; ``telling``: nor a word saying someone was named (the
    portal's complaint pages explain named and anonymous complaints to everyone)."""
    for secret in SECRETS + (TELLING if telling else []):
        assert secret not in body, f"{where} shows {secret!r}"


@pytest.fixture
def keys(db, clock):  # type: ignore[no-untyped-def]
    return signing.generate(
        db.settings.report_keys,
        db.settings.master_key,
        issuer="江苏省公共信用信息中心",
        now=clock.now(),
    )


def test_no_page_or_read_of_the_subject_shows_the_informant(cw: ComplaintWorld, app, keys) -> None:  # type: ignore[no-untyped-def]
    code, cid, file_id = handled_named_complaint(cw)
    client = cw.client
    # The subject's own credit report, issued now (it holds the new penalty).
    issued = client.post("/api/v1/reports", json={}, headers=cw.acme.headers)
    assert issued.status_code == 201, issued.text
    number = issued.json()["reports"][0]["number"]
    with cw.w.db.transaction() as session:
        record_id = session.execute(select(Complaint.record_id)).scalar_one()
    values = {
        "key": ACME,
        "record_id": str(record_id),
        "file_id": str(file_id),
        "complaint_id": cid,
        "number": number,
        "fmt": "json",
    }

    def fill(path: str) -> str:
        return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), path)

    walked = 0
    # Every API read a subject may make, with the subject's token.
    for method, path, extra in routes(app):
        if method != "GET" or "subject" not in extra.get("x-callers", ()):
            continue
        answer = client.get(fill(path), headers=cw.acme.headers)
        assert answer.status_code < 500, path
        assert_clean(f"GET {path}", answer.text)
        walked += 1
    report = client.get(f"/api/v1/reports/{number}", headers=cw.acme.headers)
    assert report.status_code == 200 and "宁市监罚〔2026〕88号" in report.text
    assert_clean("the credit report", report.text)
    queries = client.get(f"/api/v1/subjects/{ACME}/queries", headers=cw.acme.headers)
    assert queries.status_code == 200
    assert_clean("the query log", queries.text)
    # Nothing of the complaint is the subject's to read.
    for path in (
        f"/api/v1/complaints/{cid}",
        f"/api/v1/complaints/{cid}/informant?purpose=x",
        f"/api/v1/complaints/{cid}/files/{file_id}",
        "/api/v1/complaints",
    ):
        assert client.get(path, headers=cw.acme.headers).status_code == 403, path
    assert client.get(f"/api/v1/evidence/{file_id}", headers=cw.acme.headers).status_code == 404

    # Every page of the subject console (and every other page it may open), logged in as ACME.
    log_in(cw, "acme", Role.subject, subject_id=cw.acme_id)
    for method, path, extra in routes(app):
        if method != "GET" or "subject" not in extra.get("x-audience", ()):
            continue
        answer = client.get(fill(path))
        assert answer.status_code < 500, path
        assert_clean(f"page {path}", answer.text, telling=not path.startswith("/complaints"))
        walked += 1
    assert walked > 40
    me = client.get("/me").text
    assert "宁市监罚〔2026〕88号" in me and "来源：举报核实" in me
    assert client.get(f"/me/evidence/{file_id}").status_code == 404
    assert client.get(f"/me/reports/{number}.json").status_code == 200
    # The subject may file a complaint too, and follow one by its code: never more than its
    # progress and replies.
    seen = post_form(client, "/complaints/receipt", "/complaints/receipt", {"receipt_code": code})
    assert "已查实并依法处理" in seen.text
    assert_clean("the receipt page", seen.text, telling=False)


def test_the_informants_contact_is_read_by_the_handler_alone_each_read_logged(
    cw: ComplaintWorld,
) -> None:
    code = cw.filed(informant=INFORMANT)["receipt_code"]
    cid = cw.complaint_id(code)
    url = f"/api/v1/complaints/{cid}/informant"
    # Without a purpose: refused.
    bare = cw.client.get(url, headers=cw.w.market.headers)
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "missing_purpose"
    # The authority sees the complaint but does not handle it: its informant is not its read.
    one = cw.get(cid, cw.w.authority).json()
    assert one["named"] is True and INFORMANT["phone"] not in str(one)
    assert (
        cw.client.get(url, params={"purpose": "抽查"}, headers=cw.w.authority.headers).status_code
        == 403
    )
    # Another department does not even see it.
    assert cw.client.get(url, params={"purpose": "x"}, headers=cw.w.tax.headers).status_code == 404
    read = cw.client.get(url, params={"purpose": "联系核实"}, headers=cw.w.market.headers)
    assert read.json() == {**INFORMANT}
    with cw.w.db.transaction() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "complaint.informant_read")
        ).scalar_one()
        assert entry.subject_id is None and entry.purpose == "联系核实"
        assert entry.target_id == cid and entry.actor.startswith("provider:amr")
        # At rest the contact is encrypted; no step, audit entry or change holds it.
        stored = session.execute(select(Complaint)).scalar_one()
        assert stored.informant and INFORMANT["phone"] not in stored.informant
        for row in session.execute(select(AuditEntry)).scalars():
            assert INFORMANT["phone"] not in str(row.detail) and INFORMANT["name"] not in str(
                row.detail
            )
    # Closed, the contact is no longer read.
    cw.stepped(cid, "not_accepted", text="不属于本部门职责")
    closed = cw.client.get(url, params={"purpose": "x"}, headers=cw.w.market.headers)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "complaint_closed"
    # An anonymous complaint has none.
    other = cw.complaint_id(cw.filed()["receipt_code"])
    none = cw.client.get(
        f"/api/v1/complaints/{other}/informant",
        params={"purpose": "x"},
        headers=cw.w.market.headers,
    )
    assert none.status_code == 404 and none.json()["error"]["code"] == "anonymous_complaint"
