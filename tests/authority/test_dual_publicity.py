"""双公示 timeliness (000 §（十五）: published within 7 working days of the decision), counted on
the official working-day calendar, per department and month of arrival; its CLI notice and its
API (docs/dual-publicity.md)."""

from __future__ import annotations

import csv
import io

from authority_pages import act_record, arrive, at, sender

from fixtures.lists import ACME, BETA, GAMMA, org

LICENCE = "administrative_licensing"
PENALTY = "administrative_penalty"


def report(client, world, month: str, **params):  # type: ignore[no-untyped-def]
    answer = client.get(
        "/api/v1/reports/dual-publicity",
        params={"month": month, **params},
        headers=world.authority.headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def by_department(body: dict) -> dict[str, dict]:
    return {d["department"]: d for d in body["departments"]}


def test_working_days_cross_the_national_day_holiday_with_its_make_up_saturday(
    client, clock, world
) -> None:  # type: ignore[no-untyped-def]
    send_market = sender(client, clock, world.market)
    # Decided Wednesday 30 September 2026. 1–7 October are the National Day holiday;
    # Saturday 10 October is a make-up working day. Working days after the decision:
    # 8, 9, 10 (Sat), 12 → 4 by 12 October; 13, 14, 15 → 7 by 15 October; 16 → 8.
    # Counting Monday–Friday alone would make 12 October the 8th day, i.e. late.
    send_market(at("2026-10-12"), act_record(LICENCE, "l-4", org(ACME), "2026-09-30"))
    send_market(at("2026-10-15"), act_record(LICENCE, "l-7", org(BETA), "2026-09-30"))
    send_market(at("2026-10-16"), act_record(LICENCE, "l-8", org(GAMMA), "2026-09-30"))
    body = report(client, world, "2026-10")
    amr = by_department(body)["amr"]
    assert (amr["total"], amr["on_time"], amr["late"], amr["undated"]) == (3, 2, 1, 0)
    assert amr["share"] == round(2 / 3, 4)
    [late] = body["late_records"]
    assert late["decided_on"] == "2026-09-30" and late["arrived_on"] == "2026-10-16"
    assert late["working_days"] == 8
    assert late["item"] == LICENCE and late["item_name"] == "行政许可信息"
    assert late["subject_name"] == "南京测试科技有限公司" and late["department"] == "amr"
    assert (body["limit_working_days"], body["attribution"]) == (7, "arrival")


def test_the_arrival_day_is_the_date_in_shanghai_and_decides_the_month(
    client, clock, world
) -> None:  # type: ignore[no-untyped-def]
    send_market = sender(client, clock, world.market)
    # 00:30 on 16 October in Shanghai is still 15 October in UTC: the local date counts (8).
    send_market(at("2026-10-16", 0, 30), act_record(PENALTY, "p-1", org(ACME), "2026-09-30"))
    # 23:30 on 31 October belongs to October, 00:10 on 1 November to November.
    send_market(at("2026-10-31", 23, 30), act_record(PENALTY, "p-2", org(BETA), "2026-10-30"))
    send_market(at("2026-11-01", 0, 10), act_record(PENALTY, "p-3", org(GAMMA), "2026-10-30"))
    october = report(client, world, "2026-10")
    assert (october["total"], october["on_time"], october["late"]) == (2, 1, 1)
    assert october["late_records"][0]["working_days"] == 8
    november = report(client, world, "2026-11")
    assert (november["total"], november["on_time"], november["late"]) == (1, 1, 0)


def test_shares_per_department_and_only_the_ten_acts_count(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    when = at("2026-06-15")
    arrive(
        client, clock, world.market, when,
        act_record(LICENCE, "a-1", org(ACME), "2026-06-12"),  # 1 working day
        act_record(PENALTY, "a-2", org(BETA), "2026-06-05"),  # 6: on time
        act_record(PENALTY, "a-3", org(GAMMA), "2026-06-03"),  # 8: late
        act_record(LICENCE, "a-4", org(ACME, "另一名称"), "2026-05-29"),  # 11: late
    )  # fmt: skip
    arrive(client, clock, world.tax, when, act_record(LICENCE, "t-1", org(ACME), "2026-06-10"))
    # Not one of the ten acts: a tax A-grade record is not in the notice.
    world.push(world.tax, _tax_a(ACME))
    body = report(client, world, "2026-06")
    depts = by_department(body)
    assert (depts["amr"]["total"], depts["amr"]["on_time"], depts["amr"]["late"]) == (4, 2, 2)
    assert depts["amr"]["share"] == 0.5
    assert (depts["tax"]["total"], depts["tax"]["late"], depts["tax"]["share"]) == (1, 0, 1.0)
    assert (body["total"], body["on_time"], body["late"], body["share"]) == (5, 3, 2, 0.6)
    # By department, arrival day and record id (ids grow in order of collection).
    assert [(r["decided_on"], r["working_days"]) for r in body["late_records"]] == [
        ("2026-06-03", 8),
        ("2026-05-29", 11),
    ]
    # Paging the late list: the total stays, the page moves.
    page = report(client, world, "2026-06", limit=1, offset=1)
    assert page["late_total"] == 2 and len(page["late_records"]) == 1
    assert page["late_records"][0]["record_id"] == body["late_records"][1]["record_id"]


def _tax_a(code: str) -> dict:
    from fixtures.helpers import catalog_record

    return catalog_record("tax_credit_a", "tax-a-1", org(code))


def test_the_api_is_the_authoritys_and_answers_its_errors(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/reports/dual-publicity"
    assert (
        client.get(url, params={"month": "2026-06"}, headers=world.market.headers).status_code
        == 403
    )
    assert client.get(url, params={"month": "2026-06"}).status_code == 401
    bad = client.get(url, params={"month": "2026-13"}, headers=world.authority.headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_month"
    # 2027 is not in the calendar until the authority loads it: never a guess.
    unknown = client.get(url, params={"month": "2027-01"}, headers=world.authority.headers)
    assert unknown.status_code == 409
    assert unknown.json()["error"]["code"] == "calendar_year_unknown"
    assert unknown.json()["error"]["detail"]["year"] == 2027
    empty = report(client, world, "2026-06")
    assert (empty["total"], empty["share"], empty["departments"]) == (0, None, [])


def test_the_cli_writes_both_csvs_and_the_printable_page(
    run, client, clock, world, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    send_market = sender(client, clock, world.market)
    send_market(at("2026-10-12"), act_record(LICENCE, "c-1", org(ACME), "2026-09-30"))
    eight_days = act_record(PENALTY, "c-2", org(BETA, "迟报测试有限公司"), "2026-09-30")
    send_market(at("2026-10-16"), eight_days)
    out = tmp_path / "notice"
    result = run("report", "dual-publicity", "--month", "2026-10", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "50.00%" in result.output and "合计" in result.output
    departments = (out / "dual-publicity-2026-10-departments.csv").read_bytes()
    assert departments.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheet programs read UTF-8
    rows = list(csv.reader(io.StringIO(departments.decode("utf-8-sig"))))
    # Chinese headers; the department's code only in the last column.
    assert rows[0] == ["部门名称", "报送总数", "按时", "迟报", "无决定日期", "按时率", "部门代码"]
    assert rows[1][-1] == "amr" and rows[1][1:-1] == ["2", "1", "1", "0", "50.00%"]
    assert rows[-1][0] == "合计"
    late = list(
        csv.reader(io.StringIO((out / "dual-publicity-2026-10-late.csv").read_text("utf-8-sig")))
    )
    assert len(late) == 2
    assert late[0] == [
        *("记录编号", "部门名称", "事项名称", "主体名称", "决定日期", "报送日期", "工作日数"),
        "事项代码",
    ]
    assert late[1][3:] == ["迟报测试有限公司", "2026-09-30", "2026-10-16", "8", PENALTY]
    page = (out / "dual-publicity-2026-10.html").read_text("utf-8")
    assert "2026年10月双公示信息报送及时性通报" in page
    assert "@media print" in page and "迟报测试有限公司" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_the_cli_says_when_the_calendar_does_not_know_the_year(run, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("report", "dual-publicity", "--month", "2027-03", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "calendar_year_unknown" in result.output and "2027" in result.output
    assert not list(tmp_path.glob("dual-publicity-*"))
    bad = run("report", "dual-publicity", "--month", "March", "--out", str(tmp_path))
    assert bad.exit_code == 1 and "invalid_month" in bad.output
