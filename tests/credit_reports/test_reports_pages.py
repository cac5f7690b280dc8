"""The pages: the subject's console issues and downloads its own report (/me/reports), and anyone
verifies a number (/verify/{number}) and sees what it covered, never its content (issue 17
part 1 § 3–4)."""

from __future__ import annotations

from report_world import ACME, ACME_NAME, ReportWorld

from subject_console.subject_pages import log_in_subject, post_page_form, text_of
from xinyong.credit_reports import signing
from xinyong.credit_reports.verify import verify_file


def test_the_subject_issues_its_own_report_on_its_console_and_downloads_it(
    rw: ReportWorld,
) -> None:
    log_in_subject(rw, ACME, "acme")
    page = rw.client.get("/me/reports")
    assert page.status_code == 200
    assert 'href="/me/reports" aria-current="page"' in page.text
    assert "尚未出具信用报告" in text_of(page.text)
    answer = post_page_form(rw.client, "/me/reports", "/me/reports", {"as_of": ""})
    assert answer.status_code == 303
    number = answer.headers["location"].split("issued=")[1]
    listed = text_of(rw.client.get(answer.headers["location"]).text)
    assert f"信用报告已出具（报告编号 {number}）" in listed
    pdf = rw.client.get(f"/me/reports/{number}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    cert = signing.certificate_of(rw.db.settings.report_keys)
    assert verify_file(pdf.content, cert).genuine
    data = rw.client.get(f"/me/reports/{number}.json")
    assert data.status_code == 200 and verify_file(data.content, cert).genuine
    # Its issue is in its query log, as its own.
    queries = text_of(rw.client.get("/me/queries?mine=1").text)
    assert f"出具信用报告 报告编号 {number}" in queries


def test_a_date_ahead_is_refused_on_the_form(rw: ReportWorld) -> None:
    log_in_subject(rw, ACME, "acme")
    answer = post_page_form(rw.client, "/me/reports", "/me/reports", {"as_of": "2026-07-01"})
    assert answer.status_code == 422
    assert "只能截至已经过去的时点" in text_of(answer.text)


def test_another_subjects_report_is_not_downloadable(rw: ReportWorld) -> None:
    [issued] = rw.issued(rw.user, ACME)
    log_in_subject(rw, ACME, "acme")
    # Issued to the department, not to the subject: not the subject's to download.
    answer = rw.client.get(f"/me/reports/{issued['number']}.pdf")
    assert answer.status_code == 403


def test_anyone_verifies_a_report_by_its_number(rw: ReportWorld) -> None:
    [issued] = rw.issued(rw.user, ACME)
    page = rw.client.get(f"/verify/{issued['number']}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "真实有效" in text and issued["number"] in text
    assert "南京*****有限公司" in text
    assert issued["sha256"][:32] in text
    assert "行政管理信息 1" in text
    # What it covered, never what it says.
    assert ACME_NAME not in text and "罚款" not in text and ACME not in text
    assert "Measures" not in text


def test_an_unknown_number_is_said_not_to_be_ours(rw: ReportWorld) -> None:
    page = rw.client.get("/verify/XY-20260615-0000-0000-0000")
    assert page.status_code == 404
    assert "本平台没有出具编号为 XY-20260615-0000-0000-0000 的信用报告" in text_of(page.text)
    form = rw.client.get("/verify", params={"number": "XY-1"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == "/verify/XY-1"
