"""The acceptance test of issue 18 part 4: an anonymous complaint handled end to end — filed on
the portal's page as a user would, routed to the competent department, accepted, found
substantiated with the department's record pushed, followed by the informant with the
receipt code — without the informant's identity reaching the subject."""

from __future__ import annotations

from complaint_pages import (
    conclude_form,
    log_in,
    log_out,
    portal_form,
    post_form,
    receipt_code_of,
    text_of,
)
from complaint_world import PDF, ComplaintWorld
from sqlalchemy import select

from xinyong.models import Complaint, EvidenceFile, Record, Role


def test_an_anonymous_complaint_handled_end_to_end(cw: ComplaintWorld) -> None:
    client = log_out(cw)
    # A visitor files on the portal, anonymously, with a photo of the receipt.
    page = client.get("/complaints/new")
    assert page.status_code == 200 and "失信举报" in page.text and 'name="website"' in page.text
    filed = post_form(
        client,
        "/complaints/new",
        "/complaints/new",
        portal_form(),
        files=[("files", ("小票.pdf", PDF, "application/pdf"))],
    )
    assert filed.status_code == 201, text_of(filed.text)[:500]
    code = receipt_code_of(filed.text)
    assert "测试market_regulation" in filed.text and "2026-07-07" in filed.text
    with cw.w.db.transaction() as session:
        stored = session.execute(select(Complaint)).scalar_one()
        assert stored.informant is None and stored.department_id is not None
        assert code.replace("-", "") not in str(stored.receipt_hash)
        (upload,) = session.execute(select(EvidenceFile)).scalars()
        assert upload.uploaded_by == "public" and upload.subject_id == 0

    # Routed: the market regulator's console lists it, due in 15 working days.
    log_in(cw, "amr-clerk", Role.provider, department="amr")
    listing = client.get("/department/complaints")
    assert str(stored.id) in listing.text and "2026-07-07" in listing.text
    tasks = client.get("/department/tasks")
    assert "失信举报受理" in tasks.text and f"/department/complaints/{stored.id}" in tasks.text
    base = f"/department/complaints/{stored.id}"
    one = client.get(base)
    assert "匿名举报" in one.text and "查看举报人联系方式" not in one.text
    assert client.get(f"{base}/files/{upload.id}").content == PDF

    # Accepted, then concluded as substantiated with the department's penalty record.
    accepted = post_form(client, base, f"{base}/steps", {"step": "accepted", "text": "已受理"})
    assert accepted.status_code == 303 and accepted.headers["location"].endswith("done=accepted")
    done = post_form(client, base, f"{base}/steps", conclude_form())
    assert done.status_code == 303, text_of(done.text)[:800]
    closed = client.get(base)
    assert "查证属实" in closed.text and f"complaint:{stored.id}" in closed.text
    with cw.w.db.transaction() as session:
        complaint = session.get(Complaint, stored.id)
        assert complaint is not None and complaint.record_id is not None
        record = session.execute(
            select(Record).where(Record.id == complaint.record_id)
        ).scalar_one()
        assert record.subject_id == cw.acme_id and record.source_id == f"complaint:{stored.id}"

    # The informant follows it with the receipt code.
    client = log_out(cw)
    followed = post_form(
        client, "/complaints/receipt", "/complaints/receipt", {"receipt_code": code.lower()}
    )
    assert followed.status_code == 200
    shown = text_of(followed.text)
    assert "已查实并依法处理" in shown and "经核查，举报属实，已依法处罚" in shown
    assert "amr-clerk" not in shown  # never who handled it

    # The subject sees its new record, marked as from a verified complaint, and nothing else.
    log_in(cw, "acme", Role.subject, subject_id=cw.acme_id)
    archive = client.get("/me")
    assert "宁市监罚〔2026〕88号" in archive.text and "来源：举报核实" in archive.text
    for page_path in ("/me", "/me/queries", "/me/queries?mine=1", "/me/evaluation"):
        text = client.get(page_path).text
        assert code not in text and "匿名" not in text and "举报人" not in text, page_path
    assert client.get(f"/me/evidence/{upload.id}").status_code == 404
