"""The commitment pages, on both databases: the subject signs online (the whole text shown,
confirmed, stored as shown) and withdraws; the department accepts, determines fulfilment and a
breach with its decision number, records a paper commitment with its scan and a 容缺受理; the
authority's item list, template versions and statistics; the portal's 信用承诺专栏 and the
subject's page; who may see what."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date, timedelta

from commitment_world import MISSING, NOTICE, PDF, CommitmentWorld
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import catalog_record
from fixtures.lists import ACME, BETA, CITIZEN, org
from xinyong.commitments import service as commitment_service
from xinyong.core.auth import SYSTEM
from xinyong.departments.service import get_department
from xinyong.models import Commitment, EvidenceFile, Role
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.tasks.service import open_task
from xinyong.web import accounts

PASSWORD = "a long enough secret"
GIF = b"GIF89a" + b"\x00" * 32


def account(cw: CommitmentWorld, username: str, role: Role, *, dept: str | None = None) -> None:
    with cw.w.db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{username} 经办人",
            password=PASSWORD,
            role=role,
            department=get_department(session, dept) if dept else None,
            subject_id=cw.acme_id if role is Role.subject else None,
            actor="test",
            now=cw.w.clock.now(),
        )


def log_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    form = client.get("/login").text
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no form with a CSRF token"
    return found.group(1)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def text_of(page: str) -> str:
    found = re.search(
        r'<div class="document-body commitment-text" id="commitment-text">(.*?)</div>', page, re.S
    )
    assert found
    return html.unescape(found.group(1))


def commitment_ids(cw: CommitmentWorld) -> list[int]:
    with cw.w.db.transaction() as session:
        return list(session.execute(select(Commitment.id).order_by(Commitment.id)).scalars())


# ---- The subject


def test_the_subject_reads_the_whole_text_confirms_and_signs(cw: CommitmentWorld) -> None:
    account(cw, "acme", Role.subject)
    client = cw.client
    log_in(client, "acme")
    listing = client.get("/me/commitments")
    assert listing.status_code == 200
    assert "本页供信息主体本人使用" in listing.text
    assert f"/me/commitments/new?item={MISSING}" in listing.text
    form = client.get("/me/commitments/new", params={"item": MISSING, "reference": "受理-9"})
    assert form.status_code == 200
    shown = text_of(form.text)
    assert "南京测试科技有限公司" in shown and "2026年6月30日" in shown and "受理-9" in shown
    assert "{" not in shown

    base = {
        "csrf_token": csrf_of(form.text),
        "item": MISSING,
        "department": "amr",
        "reference": "受理-9",
        "template_version": hidden(form.text, "template_version"),
        "text_sha256": hidden(form.text, "text_sha256"),
    }
    # Not confirmed: the form again, nothing stored.
    unconfirmed = client.post("/me/commitments/new", data=base)
    assert unconfirmed.status_code == 422
    assert "请阅读承诺书全文后勾选确认" in unconfirmed.text
    assert commitment_ids(cw) == []
    # A text other than the one shown (another day, a newer version): shown again.
    stale = client.post(
        "/me/commitments/new", data={**base, "text_sha256": "0" * 64, "confirmed": "yes"}
    )
    assert stale.status_code == 409 and "承诺书内容已更新" in stale.text
    assert commitment_ids(cw) == []

    # 容缺受理: the documents missing must be named.
    unnamed = client.post("/me/commitments/new", data={**base, "confirmed": "yes"})
    assert unnamed.status_code == 422 and "所缺材料" in unnamed.text
    assert commitment_ids(cw) == []

    signed = client.post(
        "/me/commitments/new",
        data={**base, "confirmed": "yes", "missing": "住所使用证明\n\n法定代表人身份证明"},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    page = client.get(signed.headers["location"])
    assert "承诺已签署" in page.text and "履约中" in page.text and "待受理" in page.text
    # Stored exactly as shown, with its digest.
    assert text_of(page.text) == shown
    assert hashlib.sha256(shown.encode()).hexdigest() in page.text
    assert "作出承诺" in page.text  # the timeline
    again = client.get("/me/commitments", params={"state": "pending"})
    assert "南京测试科技有限公司" not in again.text or "履约中" in again.text
    assert signed.headers["location"].split("?")[0] in again.text


def test_the_subject_withdraws_before_acceptance_only(cw: CommitmentWorld) -> None:
    account(cw, "acme", Role.subject)
    c = cw.signed()
    log_in(cw.client, "acme")
    page = cw.client.get(f"/me/commitments/{c['id']}")
    assert "撤回承诺" in page.text
    empty = cw.client.post(
        f"/me/commitments/{c['id']}/withdrawal", data={"csrf_token": csrf_of(page.text)}
    )
    assert empty.status_code == 422
    done = cw.client.post(
        f"/me/commitments/{c['id']}/withdrawal",
        data={"csrf_token": csrf_of(page.text), "reason": "业务不再办理"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = cw.client.get(done.headers["location"])
    assert "已撤回" in after.text and "撤回理由" in after.text
    assert 'action="/me/commitments/' not in after.text

    accepted = cw.signed(reference="受理-2")
    cw.step(cw.w.market, accepted["id"], "acceptance")
    late = cw.client.post(
        f"/me/commitments/{accepted['id']}/withdrawal",
        data={"csrf_token": csrf_of(page.text), "reason": "不办了"},
    )
    assert late.status_code == 409 and "承诺已受理，不能撤回" in late.text


def test_another_subjects_commitment_is_not_found(cw: CommitmentWorld) -> None:
    account(cw, "acme", Role.subject)
    other = cw.signed(cw.citizen, item=NOTICE)
    log_in(cw.client, "acme")
    assert cw.client.get(f"/me/commitments/{other['id']}").status_code == 404
    page = cw.client.get("/me/commitments")
    refused = cw.client.post(
        f"/me/commitments/{other['id']}/withdrawal",
        data={"csrf_token": csrf_of(page.text), "reason": "x"},
    )
    assert refused.status_code == 404
    assert cw.client.get("/me/commitments/new", params={"item": "nope"}).status_code == 404


# ---- The department


def test_the_department_accepts_and_determines_a_breach_with_evidence(
    cw: CommitmentWorld,
) -> None:
    account(cw, "shichang", Role.provider, dept="amr")
    c = cw.signed()
    log_in(cw.client, "shichang")
    listing = cw.client.get("/department/commitments")
    assert listing.status_code == 200 and f"/department/commitments/{c['id']}" in listing.text
    assert "待受理" in listing.text and "本页供承诺受理部门" in listing.text
    page = cw.client.get(f"/department/commitments/{c['id']}")
    accepted = cw.client.post(
        f"/department/commitments/{c['id']}/acceptance",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    page = cw.client.get(accepted.headers["location"])
    assert "承诺已受理" in page.text and "认定履约情况" in page.text
    token = csrf_of(page.text)
    # Not yet due: a breach is refused, beside the form.
    early = cw.client.post(
        f"/department/commitments/{c['id']}/fulfilment",
        data={
            "csrf_token": token,
            "outcome": "breached",
            "note": "未补齐",
            "decision_number": "苏1号",
        },
    )
    assert early.status_code == 409 and "履约期限尚未届满" in early.text
    # No decision number for a breach.
    cw.move_to(_after(c["due_on"]))
    log_in(cw.client, "shichang")  # a web session lasts hours, not days
    page = cw.client.get(f"/department/commitments/{c['id']}")
    assert "履约期限已届满，待核查" in page.text
    token = csrf_of(page.text)
    missing = cw.client.post(
        f"/department/commitments/{c['id']}/fulfilment",
        data={"csrf_token": token, "outcome": "breached", "note": "未补齐"},
    )
    assert missing.status_code == 422 and "认定文书号" in missing.text
    bad_file = cw.client.post(
        f"/department/commitments/{c['id']}/fulfilment",
        data={
            "csrf_token": token,
            "outcome": "breached",
            "note": "未补齐",
            "decision_number": "苏1号",
        },
        files={"file": ("核查.gif", GIF, "image/gif")},
    )
    assert bad_file.status_code == 415
    done = cw.client.post(
        f"/department/commitments/{c['id']}/fulfilment",
        data={
            "csrf_token": token,
            "outcome": "breached",
            "note": "未补齐",
            "decision_number": "苏1号",
        },
        files={"file": ("核查.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = cw.client.get(done.headers["location"])
    assert "未履约" in page.text and "苏1号" in page.text and "已记入信用记录" in page.text
    file_link = re.search(r'href="(/department/commitments/files/\d+)"', page.text)
    assert file_link
    assert cw.client.get(file_link.group(1)).content == PDF
    with cw.w.db.transaction() as session:
        files = session.execute(select(EvidenceFile.procedure)).scalars().all()
    assert files == ["commitment"]


def _after(due: str) -> date:
    return date.fromisoformat(due) + timedelta(days=1)


def test_the_department_records_a_paper_commitment_with_its_scan(cw: CommitmentWorld) -> None:
    account(cw, "shichang", Role.provider, dept="amr")
    log_in(cw.client, "shichang")
    form = cw.client.get("/department/commitments/paper")
    token = csrf_of(form.text)
    # 容缺受理 has a form of its own (the documents missing, the eligibility check).
    assert f'value="{MISSING}"' not in form.text
    data = {"csrf_token": token, "item": NOTICE, "subject": ACME, "reference": "纸质-1"}
    no_scan = cw.client.post("/department/commitments/paper", data=data)
    assert no_scan.status_code == 422 and "扫描件" in no_scan.text
    unknown = cw.client.post(
        "/department/commitments/paper",
        data={**data, "subject": "91320100MA1QQQQQ1X"},
        files={"file": ("承诺书.pdf", PDF, "application/pdf")},
    )
    assert unknown.status_code in (404, 422)
    assert commitment_ids(cw) == []
    with cw.w.db.transaction() as session:
        assert session.execute(select(EvidenceFile.id)).first() is None
    done = cw.client.post(
        "/department/commitments/paper",
        data=data,
        files={"file": ("承诺书.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = cw.client.get(done.headers["location"])
    assert "承诺已记录并受理" in page.text and "书面承诺" in page.text
    assert "承诺书扫描件" in page.text and "纸质-1" in page.text
    # Another department's commitment is not found.
    other = cw.signed(cw.citizen, item=NOTICE, department="amr")
    account(cw, "shuiwu", Role.provider, dept="tax")
    log_in(cw.client, "shuiwu")
    assert cw.client.get(f"/department/commitments/{other['id']}").status_code == 404


def test_the_missing_documents_form(cw: CommitmentWorld) -> None:
    """容缺受理: the item of type missing_documents, the subject, the reference and the list of
    documents missing; a subject that is not eligible is refused with the reasons and their
    basis, nothing stored."""
    account(cw, "shichang", Role.provider, dept="amr")
    log_in(cw.client, "shichang")
    form = cw.client.get("/department/commitments/missing-documents")
    assert form.status_code == 200 and MISSING in form.text
    assert NOTICE not in form.text  # items of other types are not offered
    token = csrf_of(form.text)
    data = {"csrf_token": token, "item": MISSING, "subject": ACME, "reference": "容缺-1"}
    empty = cw.client.post("/department/commitments/missing-documents", data=data)
    assert empty.status_code == 422 and "所缺材料" in empty.text
    done = cw.client.post(
        "/department/commitments/missing-documents",
        data={**data, "missing_documents": "法定代表人身份证明\n\n住所使用证明"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "容缺-1" in cw.client.get(done.headers["location"]).text
    stored = cw.client.get(
        f"/api/v1/commitments/{done.headers['location'].rsplit('/', 1)[1].split('?')[0]}",
        headers=cw.w.market.headers,
    ).json()
    assert stored["missing_documents"] == ["法定代表人身份证明", "住所使用证明"]
    # A general penalty a year ago: not 连续3年无不良信用记录.
    cw.w.push(
        cw.w.market,
        catalog_record(
            "administrative_penalty",
            "penalty-page",
            org(BETA),
            severity="general",
            determined_on=(cw.w.clock.today() - timedelta(days=365)).isoformat(),
        ),
    )
    refused = cw.client.post(
        "/department/commitments/missing-documents",
        data={**data, "subject": BETA, "missing_documents": "住所使用证明"},
    )
    assert refused.status_code == 409
    page = html.unescape(refused.text)
    assert 'id="refusal-reasons"' in page and "依据：" in page
    assert "《" in page  # the basis by its title, never a seed tag


def test_the_task_queue_links_a_commitment_task_to_its_page(cw: CommitmentWorld) -> None:
    c = cw.paper()
    with cw.w.db.transaction() as session:
        dept = get_department(session, "amr")
        ctx = CollectionContext(cw.w.db)
        step = Step(ctx, SYSTEM, cw.w.clock.now())
        open_task(
            session,
            step,
            kind="commitment_verification",
            procedure="commitment",
            procedure_id=int(c["id"]),
            subject_id=cw.acme_id,
            department_id=dept.id,
            title="告知承诺核查",
            due_on=cw.today() + timedelta(days=10),
        )
    account(cw, "shichang", Role.provider, dept="amr")
    log_in(cw.client, "shichang")
    assert f'href="/department/commitments/{c["id"]}"' in cw.client.get("/department/tasks").text


# ---- The authority and the portal


def test_the_authority_reads_items_texts_and_statistics(cw: CommitmentWorld) -> None:
    account(cw, "xinyong", Role.authority, dept="cred")
    # All signed first: once breached, the subject is no longer eligible for 容缺受理.
    breached = cw.paper()
    cw.paper(reference="受理-3")  # accepted at once: pending, overdue after its deadline
    cw.signed(reference="受理-4")  # not yet accepted: never overdue
    cw.move_to(_after(breached["due_on"]))
    cw.fulfil(breached["id"], "breached")
    log_in(cw.client, "xinyong")
    page = cw.client.get("/authority/commitments")
    assert page.status_code == 200 and "本页仅供信用管理部门使用" in page.text
    with cw.w.db.transaction() as session:
        stats = commitment_service.statistics(session, cw.today())
    row = next(r for r in stats.by_item if r.key == MISSING)
    assert (row.signed, row.breached, row.pending, row.fulfilled) == (3, 1, 2, 0)
    assert row.overdue == 1
    (dept,) = [r for r in stats.by_department if r.key == "amr"]
    assert dept.signed == 3 and stats.total.signed == 3
    item = cw.client.get(f"/authority/commitments/items/{MISSING}")
    assert "第 1 版（现行）" in item.text and "〔承诺主体名称〕" in item.text
    assert "{subject_name}" not in item.text
    assert cw.client.get("/authority/commitments/items/nope").status_code == 404
    download = cw.client.get("/authority/commitments/download")
    assert len(download.json()["items"]) == 15
    # Republish with one text changed: a new template version.
    body = download.json()
    body["items"][0]["template"] += "\n（修订）"
    published = cw.client.post(
        "/authority/commitments",
        data={"csrf_token": csrf_of(page.text), "items_json": json.dumps(body)},
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text
    code = body["items"][0]["code"]
    assert "第 2 版（现行）" in cw.client.get(f"/authority/commitments/items/{code}").text
    bad = cw.client.post(
        "/authority/commitments",
        data={"csrf_token": csrf_of(page.text), "items_json": '{"items": []}'},
    )
    assert bad.status_code == 422


def test_the_portal_column_shows_accepted_commitments_of_organisations(
    cw: CommitmentWorld,
) -> None:
    paper = cw.paper()
    cw.signed(reference="未受理")  # online, not yet accepted: not public
    cw.signed(cw.citizen, item=NOTICE)
    person = cw.signed(cw.citizen, item=NOTICE, reference="2")
    cw.step(cw.w.market, person["id"], "acceptance")
    column = cw.client.get("/commitments")
    assert column.status_code == 200 and "本页向社会公开" in column.text
    assert column.text.count("<tr>") == 2  # the head and ACME's paper commitment
    assert "容缺受理型" in column.text and "履约中" in column.text
    assert paper["department_name"] in column.text
    assert CITIZEN not in column.text and CITIZEN[-4:] not in column.text
    assert cw.client.get("/commitments", params={"q": ACME}).text.count("<tr>") == 2
    assert cw.client.get("/commitments", params={"q": "测试科技"}).text.count("<tr>") == 2
    assert "没有找到" in cw.client.get("/commitments", params={"q": "无此公司"}).text
    subject = cw.client.get(f"/subjects/{ACME}")
    assert "信用承诺" in subject.text and "容缺受理型" in subject.text


def test_a_department_uploads_the_scan_through_the_api_and_reads_it_back(
    cw: CommitmentWorld,
) -> None:
    """POST /api/v1/evidence by a department, for the subject it names: the scan of the paper
    commitment it records; it reads the file back while the commitment is made to it, another
    department does not."""
    market = cw.w.market
    unnamed = cw.client.post(
        "/api/v1/evidence", files={"file": ("承诺书.pdf", PDF)}, headers=market.headers
    )
    assert unnamed.status_code == 422 and unnamed.json()["error"]["code"] == "missing_subject"
    uploaded = cw.client.post(
        "/api/v1/evidence",
        files={"file": ("承诺书.pdf", PDF)},
        data={"subject": ACME},
        headers=market.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["id"]
    # Not yet attached to anything: the department does not read it.
    assert cw.client.get(f"/api/v1/evidence/{file_id}", headers=market.headers).status_code == 404
    c = cw.paper(evidence_file_id=file_id)
    assert c["evidence_file_id"] == file_id
    read = cw.client.get(f"/api/v1/evidence/{file_id}", headers=market.headers)
    assert read.status_code == 200 and read.content == PDF
    assert cw.client.get(f"/api/v1/evidence/{file_id}", headers=cw.w.tax.headers).status_code == 404
    assert cw.client.get(f"/api/v1/evidence/{file_id}", headers=cw.acme.headers).status_code == 200
