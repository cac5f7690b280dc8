"""The complaint pages of the department's and the authority's consoles: the lists with their
overdue marks, one complaint with the forms of the steps open, refusals beside their input,
the informant's contact shown only on asking with a purpose, the authority's counts and its
referral of a complaint on its own queue."""

from __future__ import annotations

from complaint_pages import conclude_form, log_in, post_form, text_of
from complaint_world import INFORMANT, STRANGER, ComplaintWorld, complaint_body
from sqlalchemy import select

from xinyong.models import AuditEntry, Role


def test_the_department_reads_the_informant_only_on_asking_with_a_purpose(
    cw: ComplaintWorld,
) -> None:
    cid = cw.complaint_id(cw.filed(informant=INFORMANT)["receipt_code"])
    client = log_in(cw, "amr-clerk", Role.provider, department="amr")
    base = f"/department/complaints/{cid}"
    page = client.get(base)
    assert "实名举报" in page.text and "查看举报人联系方式" in page.text
    for secret in INFORMANT.values():
        assert secret not in page.text
    bare = post_form(client, base, f"{base}/informant", {"purpose": ""})
    assert bare.status_code == 422 and 'id="err-purpose"' in bare.text
    assert INFORMANT["phone"] not in bare.text
    shown = post_form(client, base, f"{base}/informant", {"purpose": "电话核实"})
    assert shown.status_code == 200
    assert INFORMANT["phone"] in shown.text and INFORMANT["email"] in shown.text
    assert shown.headers["cache-control"] == "no-store"
    with cw.w.db.transaction() as session:
        read = session.execute(
            select(AuditEntry).where(AuditEntry.action == "complaint.informant_read")
        ).scalar_one()
        assert (read.actor, read.purpose, read.subject_id) == ("user:amr-clerk", "电话核实", None)
    # The page once more: the contact is not kept on it.
    assert INFORMANT["phone"] not in client.get(base).text


def test_steps_on_the_department_page_and_their_refusals(cw: ComplaintWorld) -> None:
    cid = cw.complaint_id(cw.filed()["receipt_code"])
    client = log_in(cw, "amr-clerk", Role.provider, department="amr")
    base = f"/department/complaints/{cid}"
    listing = client.get("/department/complaints")
    assert base in listing.text and "失信举报" in listing.text
    refused = post_form(client, base, f"{base}/steps", {"step": "not_accepted", "text": ""})
    assert refused.status_code == 422 and "请填写不予受理的理由" in refused.text
    post_form(client, base, f"{base}/steps", {"step": "accepted"})
    page = client.get(base)
    assert (
        "办结" in page.text
        and "行政处罚信息" in page.text
        and 'name="f_decision_number"' in page.text
    )
    # A record field at fault comes back beside its input, with what was typed.
    bad = post_form(client, base, f"{base}/steps", conclude_form(f_decided_on="2026-13-01"))
    assert bad.status_code == 422
    assert 'id="err-f_decided_on"' in bad.text and "宁市监罚〔2026〕88号" in bad.text
    no_outcome = post_form(client, base, f"{base}/steps", conclude_form(outcome=""))
    assert no_outcome.status_code == 422 and "请选择办结结论" in no_outcome.text
    replied = post_form(client, base, f"{base}/steps", {"step": "replied", "text": "正在核查"})
    assert replied.headers["location"].endswith("done=replied")
    # The extension needs its approval, said beside the input with what was typed.
    unapproved = post_form(
        client, base, f"{base}/steps", {"step": "extended", "text": "需调取银行流水"}
    )
    assert unapproved.status_code == 422 and 'id="err-approval"' in unapproved.text
    assert "需调取银行流水" in unapproved.text
    extended = post_form(
        client,
        base,
        f"{base}/steps",
        {"step": "extended", "text": "需调取银行流水", "approval": "张局长批准"},
    )
    assert extended.headers["location"].endswith("done=extended")
    page = text_of(client.get(base).text)
    assert "延长办理期限" in page and "2026-10-14" in page and "张局长批准" in page
    done = post_form(
        client,
        base,
        f"{base}/steps",
        {"step": "concluded", "outcome": "unsubstantiated", "text": "未发现违法行为"},
    )
    assert done.status_code == 303
    closed = text_of(client.get(base).text)
    assert "查无实据" in closed and "答复举报人" in closed and "未发现违法行为" in closed
    # Closed: no forms left.
    assert f'action="{base}/steps"' not in client.get(base).text
    # Another department's complaint is the 404 page.
    log_in(cw, "tax-clerk", Role.provider, department="tax")
    assert client.get(base).status_code == 404
    assert client.get("/department/complaints").text.count("/department/complaints/") == 0


def test_the_authority_sees_every_complaint_and_refers_its_own(cw: ComplaintWorld) -> None:
    mine = cw.complaint_id(
        cw.filed(complaint_body(subject={"credit_code": STRANGER}, sector="education"))[
            "receipt_code"
        ]
    )
    amr = cw.complaint_id(cw.filed()["receipt_code"])
    cw.w.pass_days(30)  # both past their acceptance
    client = log_in(cw, "cred-clerk", Role.authority, department="cred")
    page = client.get("/authority/complaints")
    text = text_of(page.text)
    assert (
        "各部门办理情况" in text
        and "公共信用信息工作机构" in text
        and "测试market_regulation" in text
    )
    assert "其中逾期 2 件" in text
    only_mine = client.get("/authority/complaints", params={"department": "platform"})
    assert f"/authority/complaints/{mine}" in only_mine.text
    assert f"/authority/complaints/{amr}" not in only_mine.text
    # Another department's complaint: seen, referable while received, not handled.
    other = client.get(f"/authority/complaints/{amr}")
    assert "转交主管部门" in other.text and 'value="accepted"' not in other.text
    # Its own: handled, and referred to the competent department.
    base = f"/authority/complaints/{mine}"
    assert 'value="accepted"' in client.get(base).text
    referred = post_form(client, base, f"{base}/steps", {"step": "referred", "department": "amr"})
    assert referred.status_code == 303
    assert "测试market_regulation" in text_of(client.get(base).text)
    tasks = client.get("/authority/tasks", params={"department": "amr"})
    assert f"/authority/complaints/{mine}" in tasks.text
