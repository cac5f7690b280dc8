"""政务失信 cases through the API (003 政务诚信 二（三）–（六）; 004 §5): opened with their records,
explained, rectified or paid (清欠), excluded by 容错纠错 with its decision, interviewed when
late; honours refused while a case is open."""

from __future__ import annotations

from datetime import date

from government_world import BUREAU, DISTRICT, HOSPITAL, OFFICIAL, GovernmentWorld
from sqlalchemy import select

from fixtures.helpers import catalog_record, org, person
from xinyong.models import AuditEntry

PDF = b"%PDF-1.4\n%decision\n"


def test_a_failure_opens_a_case_with_its_deadlines_and_tasks(gw: GovernmentWorld) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-1")
    assert gw.sync() == 1
    assert gw.sync() == 0  # one case per record, however often the job runs
    [case] = gw.cases()
    assert case["state"] == "open" and case["state_name"] == "待说明整改"
    assert case["failure_kind"] == "违约毁约"
    assert case["region_code"] == "320115"
    # 10 and 60 working days from 2026-06-15 (a Monday; 端午 19 June is a holiday).
    assert case["explain_by"] == "2026-06-30"
    assert date.fromisoformat(case["rectify_by"]) > date(2026, 9, 1)
    tasks = gw.client.get("/api/v1/tasks", headers=gw.authority.headers).json()
    kinds = sorted(t["kind"] for t in tasks["tasks"] if t["procedure_id"] == case["id"])
    assert kinds == ["government_explanation", "government_rectification"]


def test_honours_are_refused_while_a_case_is_not_cleared(gw: GovernmentWorld) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-2")
    assert gw.check("honours", BUREAU).json()["results"][0]["decision"] == "clear"
    gw.sync()
    answer = gw.check("honours", BUREAU).json()["results"][0]
    assert answer["decision"] == "intercept"
    assert answer["measures"][0]["measure"] == "government_failure_honours"
    assert answer["entries"][0]["list_name"] == "政务失信记录（未清理）"
    promotion = gw.check("government_honours_and_promotion", BUREAU).json()["results"][0]
    assert promotion["decision"] == "intercept"
    # Cleared, the refusal ends at once.
    [case] = gw.cases()
    gw.act(gw.subject_caller(BUREAU), case["id"], "rectification", {"rectification": "已整改"})
    assert gw.act(gw.authority, case["id"], "rectification-confirmation").status_code == 200
    assert gw.check("honours", BUREAU).json()["results"][0]["decision"] == "clear"


def test_the_body_explains_and_reports_and_the_authority_confirms(gw: GovernmentWorld) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-3")
    gw.sync()
    [case] = gw.cases()
    body = gw.subject_caller(BUREAU)
    # Confirming before any report is refused.
    early = gw.act(gw.authority, case["id"], "rectification-confirmation")
    assert (
        early.status_code == 409 and early.json()["error"]["code"] == "rectification_not_reported"
    )
    explained = gw.act(body, case["id"], "explanation", {"explanation": "因资金调度延误。"})
    assert explained.status_code == 200, explained.text
    assert explained.json()["state"] == "explained"
    again = gw.act(body, case["id"], "explanation", {"explanation": "再次说明"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_explained"
    # Another body may neither act on the case nor see it.
    gw.push(gw.establishment, _profile(HOSPITAL, "南京市江宁区人民医院"))
    other = gw.subject_caller(HOSPITAL)
    assert gw.act(other, case["id"], "explanation", {"explanation": "x"}).status_code == 403
    assert (
        gw.client.get(f"/api/v1/government/cases/{case['id']}", headers=other.headers).status_code
        == 404
    )
    assert gw.cases(other) == []
    # The providing department reads it; another department does not.
    assert [c["id"] for c in gw.cases(gw.court)] == [case["id"]]
    assert gw.cases(gw.tax) == []
    gw.act(body, case["id"], "rectification", {"rectification": "已全额支付并建立台账。"})
    done = gw.act(gw.authority, case["id"], "rectification-confirmation").json()
    assert done["state"] == "cleared" and done["cleared_as"] == "rectified"
    late = gw.act(body, case["id"], "rectification", {"rectification": "补充"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "case_closed"


def test_an_unpaid_bill_clears_when_paid_in_full(gw: GovernmentWorld) -> None:
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "b-1", owed="50")
    gw.sync()
    [case] = gw.cases()
    assert case["amount_owed"] == "50.0000" and case["amount_paid"] == "0.0000"
    body = gw.subject_caller(BUREAU)
    confirm = gw.act(gw.authority, case["id"], "rectification-confirmation")
    assert confirm.json()["error"]["code"] == "cleared_by_payment"
    future = gw.act(body, case["id"], "payments", {"amount": "1", "paid_on": "2026-06-16"})
    assert future.status_code == 422 and future.json()["error"]["code"] == "future_payment"
    part = gw.act(body, case["id"], "payments", {"amount": "20", "paid_on": "2026-06-10"})
    assert part.status_code == 201, part.text
    assert part.json()["state"] == "open" and part.json()["amount_paid"] == "20.0000"
    rest = gw.act(gw.authority, case["id"], "payments", {"amount": "30", "paid_on": "2026-06-15"})
    out = rest.json()
    assert out["state"] == "cleared" and out["cleared_as"] == "paid"
    assert [p["amount"] for p in out["payments"]] == ["20.0000", "30.0000"]
    # The body's record on the portal shows the bill paid.
    page = gw.client.get(f"/subjects/{BUREAU}")
    assert page.status_code == 200
    assert "账款已清偿" in page.text and "50" in page.text


def test_payments_only_for_unpaid_bills(gw: GovernmentWorld) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-4")
    gw.sync()
    [case] = gw.cases()
    answer = gw.act(gw.authority, case["id"], "payments", {"amount": "1", "paid_on": "2026-06-10"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_unpaid_bills"


def _exclude(gw: GovernmentWorld, caller, case_id: str, **form: object):  # type: ignore[no-untyped-def]
    files = form.pop("files", {"document": ("decision.pdf", PDF, "application/pdf")})
    return gw.client.post(
        f"/api/v1/government/cases/{case_id}/exclusion",
        data={"reason": "主动挽回损失，符合容错纠错情形", **form},
        files=files,
        headers=caller.headers,
    )


def test_a_tolerance_exclusion_needs_its_decision_and_then_counts_nowhere(
    gw: GovernmentWorld,
) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-5")
    gw.sync()
    [case] = gw.cases()
    no_number = _exclude(gw, gw.authority, case["id"])
    assert no_number.status_code == 422
    assert no_number.json()["error"]["code"] == "tolerance_decision_required"
    assert no_number.json()["error"]["field"] == "decision_number"
    no_document = _exclude(
        gw, gw.authority, case["id"], decision_number="宁容〔2026〕1号", files={}
    )
    assert no_document.status_code == 422 and no_document.json()["error"]["field"] == "document"
    # Only the authority or the department that provided the record decides it.
    assert _exclude(gw, gw.tax, case["id"], decision_number="x").status_code == 403
    done = _exclude(gw, gw.court, case["id"], decision_number="宁容〔2026〕1号")
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "excluded"
    assert done.json()["exclusion_decision"] == "宁容〔2026〕1号"
    # The record left the archive's use through a revision: the public no longer sees it.
    archive = gw.client.get(f"/api/v1/subjects/{BUREAU}/archive").json()
    items = [r["item"] for recs in archive["categories"].values() for r in recs]
    assert "government_failure" not in items
    assert gw.check("honours", BUREAU).json()["results"][0]["decision"] == "clear"
    quarterly = gw.client.get(
        "/api/v1/government/quarterly-list",
        params={"quarter": "2026-Q2"},
        headers=gw.authority.headers,
    ).json()
    assert quarterly["bodies"] == []
    # The exclusion itself is audited, with the document's digest.
    with gw.db.transaction() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "government_failure.excluded")
        ).scalar_one()
    assert entry.detail["decision_number"] == "宁容〔2026〕1号"
    assert len(entry.detail["sha256"]) == 64
    assert entry.actor.startswith("provider:court")


def test_an_interview_only_once_the_case_is_late(gw: GovernmentWorld) -> None:
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "g-6")
    gw.sync()
    [case] = gw.cases()
    body = {"interviewed_on": "2026-07-01", "interviewee": "王局长", "notes": "督促书面说明。"}
    on_time = gw.act(gw.authority, case["id"], "interviews", body)
    assert on_time.status_code == 409 and on_time.json()["error"]["code"] == "case_not_overdue"
    last = date.fromisoformat(case["explain_by"])
    gw.clock.advance(days=(last - gw.clock.today()).days)
    assert gw.act(gw.authority, case["id"], "interviews", body).status_code == 409  # its last day
    assert gw.cases(overdue=False)[0]["id"] == case["id"]
    gw.clock.advance(days=1)
    assert gw.cases(overdue=True)[0]["overdue"] is True
    late = gw.act(gw.authority, case["id"], "interviews", body)
    assert late.status_code == 201, late.text
    assert late.json()["interviews"] == 1


def test_the_quarterly_list_names_bodies_cases_and_recipients(gw: GovernmentWorld) -> None:
    gw.push(gw.establishment, _profile(BUREAU, "南京市江宁区住房和城乡建设局"))
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "q-1")
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "q-2")
    gw.sync()
    answer = gw.client.get(
        "/api/v1/government/quarterly-list",
        params={"quarter": "2026-Q2"},
        headers=gw.authority.headers,
    )
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["first_day"] == "2026-04-01" and out["last_day"] == "2026-06-30"
    [bureau] = out["bodies"]
    assert bureau["credit_code"] == BUREAU and bureau["kind"] == "机关"
    assert bureau["records_in_quarter"] == 2 and len(bureau["uncleared"]) == 2
    assert bureau["superior_credit_code"] == DISTRICT
    assert {r["department"]: r["why"] for r in out["recipients"]} == {
        "district": "上级主管机关",
        "jw": "追究相关责任人责任（纪检监察）",
        "zz": "追究相关责任人责任（组织人事）",
    }
    assert "苏信用办〔2022〕8号" in out["basis"]
    # The quarter before: nothing decided then.
    before = gw.client.get(
        "/api/v1/government/quarterly-list",
        params={"quarter": "2026-Q1"},
        headers=gw.authority.headers,
    ).json()
    assert before["bodies"] == []
    bad = gw.client.get(
        "/api/v1/government/quarterly-list",
        params={"quarter": "2026-Q5"},
        headers=gw.authority.headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_quarter"


def _profile(code: str, name: str) -> dict:
    record = catalog_record("government_body_profile", f"p-{code}", org(code, name))
    record["fields"].update(
        {
            "level": "县（市、区）级",
            "region_code": "320115",
            "superior_name": "南京市江宁区人民政府",
            "superior_credit_code": DISTRICT,
        }
    )
    return record


def test_a_civil_servant_with_a_failure_is_refused_promotion(gw: GovernmentWorld) -> None:
    gw.push(
        gw.personnel,
        _staff(OFFICIAL, "王公务", BUREAU, "南京市江宁区住房和城乡建设局"),
    )
    gw.failure(
        gw.discipline,
        person(OFFICIAL, "王公务"),
        "cs-1",
        kind="其他失信",
        basis_kind="纪律处分",
        body_name="南京市江宁区住房和城乡建设局",
        body_credit_code=BUREAU,
    )
    gw.sync()
    [case] = gw.cases()
    assert case["region_code"] == "320115"  # the body's, by the code the record names
    answer = gw.check("government_honours_and_promotion", OFFICIAL).json()["results"][0]
    assert answer["decision"] == "intercept"
    assert answer["subject"]["id_number"] != OFFICIAL  # masked, as checks always answer
    listed = gw.client.get(
        "/api/v1/government/quarterly-list",
        params={"quarter": "2026-Q2"},
        headers=gw.authority.headers,
    ).json()
    assert listed["bodies"] == [] and [p["name"] for p in listed["persons"]] == ["王公务"]


def _staff(number: str, name: str, body: str, body_name: str) -> dict:
    record = catalog_record("civil_servant_staff", f"s-{number}", person(number, name))
    record["fields"].update(
        {
            "body_name": body_name,
            "body_credit_code": body,
            "position": "科长",
            "appointed_on": "2020-01-01",
            "status": "在职",
        }
    )
    return record
