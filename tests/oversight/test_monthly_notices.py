"""The monthly notices (004 §25; docs/oversight.md § the monthly notices): sent by the scheduled
job on its first run after the month — once, whatever the number of runs —, or on demand; each
an HTML document and a PDF citing the rules by document title, naming the departments that are
late and what they owe, addressed to them to acknowledge."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_collection_report import act

from fixtures.lists import ACME, BETA, World
from fixtures.oversight import arrive, at
from xinyong.jobs import run_jobs
from xinyong.records.service import CollectionContext

TAGS = ("Measures", "art.", "§", "000 ", "003 ", "004 ")


def july(client, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    """amr pushes in July, one licence late for 双公示; finance checks a listed subject on
    1 July and never feeds back."""
    world.list_entry(world.court, "court_judgment_defaulters", {"credit_code": ACME,
                     "name": "南京测试科技有限公司"}, "acme")  # fmt: skip
    arrive(client, clock, world.market, at("2026-07-06"),
           act("administrative_penalty", "p-1", ACME, "2026-07-03"),
           act("administrative_licensing", "l-1", BETA, "2026-06-10"))  # fmt: skip
    clock.set(at("2026-07-08"))
    answer = world.check("government_procurement", ACME)
    assert answer.status_code == 200, answer.text


def notices(client, world: World, period: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/notices", headers=world.authority.headers).json()
    return {n["kind"]: n for n in body["notices"] if n["period"] == period}


def document(client, world: World, notice: dict) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/notices/{notice['id']}", headers=world.authority.headers).json()[
        "body_html"
    ]


def test_the_job_sends_the_months_notices_once_to_the_departments_late(
    client, db, clock, world, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    july(client, clock, world)
    ctx = CollectionContext(db)
    # In July the job sends June's notices (the list's basis record arrived in June), once.
    assert run_jobs(db, clock, ctx, as_of=at("2026-07-31", 23, 59))["oversight_notices"] == 3
    assert run_jobs(db, clock, ctx, as_of=at("2026-07-31", 23, 59))["oversight_notices"] == 0
    assert notices(client, world, "2026-07") == {}
    assert run_jobs(db, clock, ctx, as_of=at("2026-08-01", 0, 30))["oversight_notices"] == 3
    assert run_jobs(db, clock, ctx, as_of=at("2026-08-01", 1, 0))["oversight_notices"] == 0
    sent = notices(client, world, "2026-07")
    assert set(sent) == {"collection_monthly", "dual_publicity_monthly", "use_monthly"}
    recipients = {k: [r["department"] for r in n["recipients"]] for k, n in sent.items()}
    assert recipients["collection_monthly"] == ["tax", "court", "amr"]
    assert recipients["dual_publicity_monthly"] == ["amr"]
    assert recipients["use_monthly"] == ["finance"]
    assert all(n["period"] == "2026-07" for n in sent.values())

    collection = document(client, world, sent["collection_monthly"])
    assert "2026年7月公共信用信息归集情况通报" in collection
    assert "《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）第十六条" in collection
    assert "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）第25项" in collection
    assert "测试market_regulation（逾期" in collection and "行政许可信息" in collection
    dual = document(client, world, sent["dual_publicity_monthly"])
    assert "测试market_regulation：迟报" in dual and "7 个工作日" in dual
    # The late licence itself, by its record number, decision and arrival — no subject named.
    assert "<td>行政许可信息</td><td>2026-06-10</td><td>2026-07-06</td>" in dual
    assert "南京" not in dual.split("三、存在迟报的部门")[1]
    use = document(client, world, sent["use_monthly"])
    assert "测试finance：逾期未反馈联合奖惩措施" in use
    for html in (collection, dual, use):
        assert not [tag for tag in TAGS if tag in html], "a file tag in a notice"
    pdf = client.get(
        f"/api/v1/notices/{sent['use_monthly']['id']}/pdf", headers=world.user.headers
    ).content
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "use.pdf").write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "use.pdf"), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert "逾期未反馈" in text and "测试finance" in text


def test_on_demand_the_notices_already_sent_are_answered_again(client, clock, world) -> None:  # type: ignore[no-untyped-def]
    july(client, clock, world)
    url = "/api/v1/oversight/notices"
    clock.set(at("2026-07-31", 12))
    running = client.post(url, params={"month": "2026-07"}, headers=world.authority.headers)
    assert (running.status_code, running.json()["error"]["code"]) == (409, "month_not_closed")
    clock.set(at("2026-08-03"))
    first = client.post(url, params={"month": "2026-07"}, headers=world.authority.headers)
    assert first.status_code == 200, first.text
    again = client.post(url, params={"month": "2026-07"}, headers=world.authority.headers)
    assert [n["id"] for n in again.json()] == [n["id"] for n in first.json()]
    assert [n["kind"] for n in first.json()] == [
        "collection_monthly",
        "dual_publicity_monthly",
        "use_monthly",
    ]
    assert (
        client.post(url, params={"month": "2026-07"}, headers=world.market.headers).status_code
        == 403
    )
    # The late department acknowledges its notice; another is refused.
    use = first.json()[2]
    done = client.post(f"/api/v1/notices/{use['id']}/acknowledgement", headers=world.user.headers)
    assert done.status_code == 200
    refused = client.post(
        f"/api/v1/notices/{use['id']}/acknowledgement", headers=world.market.headers
    )
    assert refused.json()["error"]["code"] == "notice_not_addressed"


@pytest.mark.parametrize("when", ["2027-02-01"])
def test_a_month_of_a_year_not_loaded_waits(client, db, clock, world, when: str) -> None:  # type: ignore[no-untyped-def]
    arrive(client, clock, world.market, at("2027-01-05"),
           act("administrative_penalty", "p-1", ACME, "2027-01-04"))  # fmt: skip
    assert run_jobs(db, clock, CollectionContext(db), as_of=at(when))["oversight_notices"] == 0
    assert notices(client, world, "2027-01") == {}
