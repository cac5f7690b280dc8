"""The declaration pages of the department and authority consoles, on both databases: a
declaration the platform cannot confirm reaches the competent department's queue and its task
links to it; the department reads the findings, downloads the attachment (another department
cannot) and verifies it; not 认可 and 虚假 need their reason (虚假 its decision number too) and
虚假 writes the 失信 record; overdue marked; a user department competent for a contract reads
its attachment; the authority filters every declaration and verifies those on its own queue."""

from __future__ import annotations

import re
from datetime import date

from declaration_pages import log_in, log_in_again, post_form, text_of
from declaration_world import CONTRACT, HONOUR, PDF, DeclarationWorld, qualification

from xinyong.models import Role

UNKNOWN = qualification(licence_number="JY99999999999")


def first_file(html: str, base: str) -> str:
    found = re.search(rf'href="({re.escape(base)}/\d+)"', html)
    assert found, "no attachment link"
    return found.group(1)


def test_the_department_verifies_on_its_console(dw: DeclarationWorld) -> None:
    d = dw.declared(fields=UNKNOWN)
    assert d["state"] == "pending"
    client = log_in(dw, "wang.amr", Role.provider, department="amr")

    queue = client.get("/department/declarations")
    assert queue.status_code == 200
    text = text_of(queue.text)
    assert "自主申报核验" in text and "南京测试科技有限公司" in text and "2026-06-30" in text
    assert "待核验" in text and "资质证照" in text
    # The task queue links the task to the declaration's page.
    tasks = client.get("/department/tasks?kind=declaration_verification").text
    assert f'href="/department/declarations/{d["id"]}"' in tasks

    path = f"/department/declarations/{d['id']}"
    page = client.get(path)
    text = text_of(page.text)
    assert "平台归集的信息中未找到相符的记录" in text
    assert "JY99999999999" in text and "证照编号" in text and "王法人" in text
    assert "转主管部门核验" in text and "核验期限 2026-06-30" in text
    assert "核验属实" in text and "不予认可" in text and "虚假申报" in text
    assert "以本部门名义记入一条失信信息" in text
    download = client.get(first_file(page.text, f"{path}/files"))
    assert download.status_code == 200 and download.content == PDF

    done = post_form(client, path, f"{path}/verification", {"outcome": "verified", "reason": ""})
    assert done.status_code == 303, done.text
    after = text_of(client.get(done.headers["location"]).text)
    assert "核验结论已提交" in after and "已核验" in after and "主管部门核验" in after
    assert "核验通过" in after and "经核验属实" in after
    # Verified: only a finding of falsehood is open now.
    assert 'value="verified"' not in client.get(path).text
    assert 'value="false"' in client.get(path).text
    assert "共 0 件" in text_of(client.get("/department/declarations").text)
    # On the portal: verified by the department, by name.
    client.cookies.clear()
    portal = text_of(client.get(f"/subjects/{d['subject']}").text)
    assert "核验：测试market_regulation" in portal


def test_another_department_sees_nothing_of_it(dw: DeclarationWorld) -> None:
    d = dw.declared(fields=UNKNOWN)
    file_id = d["attachments"][0]["id"]
    client = log_in(dw, "li.tax", Role.provider, department="tax")
    path = f"/department/declarations/{d['id']}"
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/files/{file_id}").status_code == 404
    assert "共 0 件" in text_of(client.get("/department/declarations?state=all").text)
    answer = post_form(
        client, "/department/declarations", f"{path}/verification", {"outcome": "verified"}
    )
    assert answer.status_code == 404
    # Nor through the API's evidence files.
    assert dw.client.get(f"/api/v1/evidence/{file_id}", headers=dw.w.tax.headers).status_code == 404


def test_rejection_and_falsehood_need_their_reasons_and_falsehood_writes_a_record(
    dw: DeclarationWorld,
) -> None:
    d = dw.declared(fields=UNKNOWN)
    client = log_in(dw, "wang.amr", Role.provider, department="amr")
    path = f"/department/declarations/{d['id']}"
    action = f"{path}/verification"
    nothing = post_form(client, path, action, {})
    assert nothing.status_code == 422 and "请选择核验结论" in nothing.text
    bare = post_form(client, path, action, {"outcome": "rejected", "reason": " "})
    assert bare.status_code == 422 and "请写明理由" in bare.text
    false = post_form(client, path, action, {"outcome": "false", "reason": ""})
    assert false.status_code == 422
    assert "请写明认定虚假的事实和理由" in false.text and "认定文书号" in false.text
    assert 'id="verify-decision_number-error"' in false.text
    assert "待核验" in text_of(client.get(path).text)

    found = post_form(
        client,
        path,
        action,
        {"outcome": "false", "reason": "许可证系伪造", "decision_number": "宁市监信认〔2026〕9号"},
    )
    assert found.status_code == 303, found.text
    text = text_of(client.get(path).text)
    assert "虚假申报" in text and "许可证系伪造" in text and "宁市监信认〔2026〕9号" in text
    assert "违背信用承诺（虚假承诺），记录编号" in text
    assert "已以本部门名义记入失信信息" in text_of(client.get(found.headers["location"]).text)
    # Closed: no form.
    assert 'name="outcome"' not in client.get(path).text


def test_overdue_declarations_are_marked_and_filtered(dw: DeclarationWorld) -> None:
    d = dw.declared(fields=UNKNOWN)
    dw.declared("contract", CONTRACT)
    dw.move_to(date(2026, 7, 1))
    client = log_in(dw, "wang.amr", Role.provider, department="amr")
    listed = client.get("/department/declarations?overdue=yes")
    text = text_of(listed.text)
    assert "共 2 件" in text and "逾期" in text and 'class="overdue"' in listed.text
    assert "共 1 件" in text_of(client.get("/department/declarations?category=contract").text)
    assert "逾期" in text_of(client.get(f"/department/declarations/{d['id']}").text)


def test_a_user_department_competent_for_a_contract_reads_its_attachment(
    dw: DeclarationWorld,
) -> None:
    d = dw.declared("contract", CONTRACT, department="finance")
    assert d["department"] == "finance"
    file_id = d["attachments"][0]["id"]
    client = log_in(dw, "zhao.finance", Role.user_department, department="finance")
    path = f"/department/declarations/{d['id']}"
    page = client.get(path)
    assert page.status_code == 200 and "该类信息须由主管部门核验" in text_of(page.text)
    assert client.get(f"{path}/files/{file_id}").content == PDF
    # The market regulator, competent for contracts but not the one named, cannot.
    client.cookies.clear()
    market = dw.client.get(f"/api/v1/evidence/{file_id}", headers=dw.w.market.headers)
    assert market.status_code == 404


def test_the_authority_filters_all_and_verifies_its_own_queue(dw: DeclarationWorld) -> None:
    honour = dw.declared("honour", HONOUR)  # no development-reform department: its own queue
    assert honour["department"] is None and honour["state"] == "pending"
    licence = dw.declared(fields=UNKNOWN)
    client = log_in(dw, "li.credit", Role.authority, department="cred")

    everything = text_of(client.get("/authority/declarations").text)
    assert "共 2 件" in everything and "信用管理部门（本部门核验）" in everything
    own = text_of(client.get("/authority/declarations?department=platform").text)
    assert "共 1 件" in own and "表彰奖励" in own
    assert "共 1 件" in text_of(client.get("/authority/declarations?department=amr").text)
    assert "共 1 件" in text_of(client.get("/authority/declarations?category=honour").text)
    assert "共 0 件" in text_of(client.get("/authority/declarations?state=verified").text)
    assert client.get("/authority/declarations?state=x&department=nope&page=0").status_code == 200
    dw.move_to(date(2026, 7, 1))
    client = log_in_again(dw, "li.credit")  # a session ends after its hours
    assert "共 2 件" in text_of(client.get("/authority/declarations?overdue=yes").text)
    tasks = client.get("/authority/tasks").text
    assert f'href="/authority/declarations/{honour["id"]}"' in tasks

    # A department's declaration: read here, verified on its console.
    theirs = client.get(f"/authority/declarations/{licence['id']}")
    assert theirs.status_code == 200 and 'name="outcome"' not in theirs.text
    assert "该申报由主管部门核验" in text_of(theirs.text)
    refused = post_form(
        client,
        f"/authority/declarations/{licence['id']}",
        f"/authority/declarations/{licence['id']}/verification",
        {"outcome": "verified"},
    )
    assert refused.status_code == 409 and "请在其部门工作台办理" in refused.text

    path = f"/authority/declarations/{honour['id']}"
    page = client.get(path)
    assert 'name="outcome"' in page.text
    assert client.get(first_file(page.text, "/authority/evidence")).content == PDF
    verified = {"outcome": "verified", "reason": "经查证属实"}
    done = post_form(client, path, f"{path}/verification", verified)
    assert done.status_code == 303, done.text
    text = text_of(client.get(path).text)
    assert "已核验" in text and "经查证属实" in text
    assert "共 1 件" in text_of(client.get("/authority/declarations?state=verified").text)
