"""The quarterly list sent as a notice (004 §5): once the quarter is over, once, to each body's
superior and the discipline and personnel departments, who acknowledge it; by the scheduled
job or on demand."""

from __future__ import annotations

import json

from government_world import BUREAU, DISTRICT, GovernmentWorld

from fixtures.helpers import catalog_record, org


def test_the_notice_is_sent_once_the_quarter_is_over_and_acknowledged(gw: GovernmentWorld) -> None:
    gw.push(gw.establishment, _profile())
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "qn-1")
    gw.sync()
    send = lambda: gw.client.post(  # noqa: E731
        "/api/v1/government/quarterly-notices",
        params={"quarter": "2026-Q2"},
        headers=gw.authority.headers,
    )
    early = send()
    assert early.status_code == 409 and early.json()["error"]["code"] == "quarter_not_closed"
    gw.clock.advance(days=17)  # 2 July
    sent = send()
    assert sent.status_code == 201, sent.text
    notice_id = sent.json()["notice"]
    assert send().json()["error"]["code"] == "notice_exists"
    notice = gw.client.get(f"/api/v1/notices/{notice_id}", headers=gw.authority.headers).json()
    assert notice["title"] == "2026年第2季度政务失信情况通报"
    assert {r["department"] for r in notice["recipients"]} == {"district", "jw", "zz"}
    html = notice["body_html"]
    assert "南京市江宁区住房和城乡建设局" in html and "拖欠 50.0000 万元" in html
    assert "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）第5项" in html
    assert "§" not in html and "政务诚信 二" not in html  # no file tags: titles and numbers
    pdf = gw.client.get(f"/api/v1/notices/{notice_id}/pdf", headers=gw.authority.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ack = gw.client.post(
        f"/api/v1/notices/{notice_id}/acknowledgement", headers=gw.discipline.headers
    )
    assert ack.status_code == 200, ack.text
    other = gw.client.post(f"/api/v1/notices/{notice_id}/acknowledgement", headers=gw.tax.headers)
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "notice_not_addressed"


def test_the_job_sends_last_quarters_notice_once(gw: GovernmentWorld, run) -> None:  # type: ignore[no-untyped-def]
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "qn-2")
    gw.sync()
    july = {"XINYONG_FIXED_TODAY": "2026-07-06"}
    first = json.loads(run("tick", "--json", **july).output)
    assert first["government_quarterly_notices"] == 1
    assert json.loads(run("tick", "--json", **july).output)["government_quarterly_notices"] == 0
    listed = gw.client.get("/api/v1/notices", headers=gw.authority.headers).json()
    kinds = [n["kind"] for n in (listed["notices"] if isinstance(listed, dict) else listed)]
    assert "government_failures_quarterly" in kinds


def test_an_empty_quarter_sends_nothing(gw: GovernmentWorld, run) -> None:  # type: ignore[no-untyped-def]
    ticked = json.loads(run("tick", "--json", XINYONG_FIXED_TODAY="2026-07-06").output)
    assert ticked["government_quarterly_notices"] == 0


def _profile() -> dict:
    record = catalog_record(
        "government_body_profile", "p-q", org(BUREAU, "南京市江宁区住房和城乡建设局")
    )
    record["fields"].update(
        {
            "level": "县（市、区）级",
            "region_code": "320115",
            "superior_name": "南京市江宁区人民政府",
            "superior_credit_code": DISTRICT,
        }
    )
    return record
