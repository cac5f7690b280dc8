"""POST /api/v1/reports and GET /api/v1/reports/{number}: who gets a report, what it holds, the
query log, the formats and their signatures (issue 17 part 1)."""

from __future__ import annotations

import base64

from report_world import ACME, ACME_NAME, ReportWorld, entries, titles

from fixtures.lists import BETA, CITIZEN
from xinyong.credit_reports import rules, signing
from xinyong.credit_reports.verify import verify_json


class TestTheSubjectsOwnReport:
    def test_a_subject_gets_its_own_report_free_with_every_class_of_its_information(
        self, rw: ReportWorld
    ) -> None:
        own = rw.subject_token()
        [issued] = rw.issued(own)  # no `subjects`: its own
        assert issued["basis"] == "own" and issued["subject_name"] == ACME_NAME
        doc = rw.document(own, issued["number"])
        content = doc["content"]
        assert content["reader"]["basis_name"] == "信息主体本人查询"
        assert content["reader"]["purpose"] == "政府采购 NJ-2026-001"
        found = titles(content)
        # The penalty is an administrative act; the arrears (government-shared) and the
        # donation (authorised) are the subject's to see in its own report.
        assert found["administrative"] == ["行政处罚信息"]
        assert "欠缴社会保险费信息" in found["other"]
        assert found["honesty"] == ["慈善捐赠信息"]
        assert content["cover"]["flags"] == {
            "reward": True,
            "punishment": False,
            "supervision": False,
        }
        assert content["cover"]["counts"]["administrative"] == 1

    def test_the_digest_is_of_the_content_and_the_json_is_signed(self, rw: ReportWorld) -> None:
        own = rw.subject_token()
        [issued] = rw.issued(own)
        doc = rw.document(own, issued["number"])
        assert doc["sha256"] == issued["sha256"] == rules.digest(doc["content"])
        cert = signing.certificate_of(rw.db.settings.report_keys)
        raw = rw.client.get(f"/api/v1/reports/{issued['number']}", headers=own.headers).content
        assert verify_json(raw, cert).genuine
        # One character of the content changed: the digest and the signature no longer hold.
        forged = raw.decode().replace("罚款人民币五万元", "罚款人民币五千元").encode()
        verdict = verify_json(forged, cert)
        assert not verdict.genuine
        assert {c for c, _, _ in verdict.problems} == {"digest_mismatch", "bad_signature"}

    def test_the_same_report_fetched_twice_has_the_same_digest(self, rw: ReportWorld) -> None:
        own = rw.subject_token()
        [issued] = rw.issued(own)
        first = rw.document(own, issued["number"])
        second = rw.document(own, issued["number"])
        assert first["content"] == second["content"]
        assert base64.b64decode(first["signature"]["value"])

    def test_a_natural_person_has_its_own_report_with_its_id_number_masked(
        self, rw: ReportWorld
    ) -> None:
        own = rw.subject_token(CITIZEN)
        [issued] = rw.issued(own)
        content = rw.document(own, issued["number"])["content"]
        assert content["edition"] == "自然人公共信用信息报告"
        assert content["subject"]["key"] == CITIZEN[:6] + "********" + CITIZEN[-4:]
        assert CITIZEN not in str(content)
        assert titles(content)["black_list"] == ["失信被执行人信息"]


class TestWhoMayHaveOne:
    def test_a_department_reviews_an_organisation_with_a_purpose(self, rw: ReportWorld) -> None:
        [issued] = rw.issued(rw.user, ACME)
        assert issued["basis"] == "review"
        content = rw.document(rw.user, issued["number"])["content"]
        assert content["reader"]["name"] == "测试finance"
        # Government-shared yes, authorised-query no: the department holds no grant.
        found = titles(content)
        assert "欠缴社会保险费信息" in found["other"] and found["honesty"] == []

    def test_a_department_must_state_its_purpose(self, rw: ReportWorld) -> None:
        answer = rw.issue(rw.user, ACME, purpose="  ")
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "missing_purpose"

    def test_a_natural_persons_report_is_refused_to_a_department_without_authorisation(
        self, rw: ReportWorld
    ) -> None:
        answer = rw.issue(rw.user, CITIZEN)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "report_not_permitted"

    def test_another_subject_may_not_have_a_report_of_this_one(self, rw: ReportWorld) -> None:
        answer = rw.issue(rw.subject_token(BETA), ACME)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "report_not_permitted"

    def test_the_public_may_not_ask_for_reports(self, rw: ReportWorld) -> None:
        answer = rw.client.post("/api/v1/reports", json={"subjects": [ACME], "purpose": "x"})
        assert answer.status_code == 401

    def test_a_bank_needs_a_live_authorisation(self, rw: ReportWorld) -> None:
        refused = rw.issue(rw.bank, ACME, purpose="信易贷授信审查")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "report_not_permitted"
        granted = rw.client.post(
            "/api/v1/authorisations",
            json={
                "grantee": "bank",
                "items": ["charitable_donation"],
                "purpose": "信易贷授信审查",
                "ends_on": "2026-12-31",
            },
            headers=rw.subject_token().headers,
        )
        assert granted.status_code == 201, granted.text
        [issued] = rw.issued(rw.bank, ACME, purpose="信易贷授信审查")
        assert issued["basis"] == "authorised"
        content = rw.document(rw.bank, issued["number"])["content"]
        # What the grant covers is in it, marked as an authorised-query item.
        [donation] = entries(content, "honesty")
        assert donation["title"] == "慈善捐赠信息" and "授权查询" in donation["marks"]
        # The grant revoked: no report any more.
        revoked = rw.client.delete(
            f"/api/v1/authorisations/{granted.json()['id']}",
            headers=rw.subject_token().headers,
        )
        assert revoked.status_code == 200, revoked.text
        assert rw.issue(rw.bank, ACME, purpose="信易贷授信审查").status_code == 403

    def test_an_authorised_department_may_have_a_natural_persons_report(
        self, rw: ReportWorld
    ) -> None:
        granted = rw.client.post(
            "/api/v1/authorisations",
            json={
                "grantee": "finance",
                "items": ["criminal_judgment"],
                "purpose": "财政补助资格审核",
                "ends_on": "2026-12-31",
            },
            headers=rw.subject_token(CITIZEN).headers,
        )
        assert granted.status_code == 201, granted.text
        [issued] = rw.issued(rw.user, CITIZEN, purpose="财政补助资格审核")
        assert issued["basis"] == "authorised"

    def test_a_report_is_read_again_only_by_whom_it_was_issued_to(self, rw: ReportWorld) -> None:
        [issued] = rw.issued(rw.user, ACME)
        other = rw.client.get(f"/api/v1/reports/{issued['number']}", headers=rw.market.headers)
        assert other.status_code == 403
        assert other.json()["error"]["code"] == "report_not_permitted"
        subject = rw.client.get(
            f"/api/v1/reports/{issued['number']}", headers=rw.subject_token().headers
        )
        assert subject.status_code == 403

    def test_an_unknown_number_is_not_found(self, rw: ReportWorld) -> None:
        for number in ("XY-20260615-0000-0000-0000", "nonsense"):
            answer = rw.client.get(f"/api/v1/reports/{number}", headers=rw.user.headers)
            assert answer.status_code == 404
            assert answer.json()["error"]["code"] == "report_not_found"


class TestTheQueryLog:
    def test_every_report_issued_is_in_the_subjects_query_log(self, rw: ReportWorld) -> None:
        [issued] = rw.issued(rw.user, ACME)
        own = rw.subject_token()
        log = rw.client.get(f"/api/v1/subjects/{ACME}/queries", headers=own.headers).json()
        [entry] = [q for q in log if q["action"] == "report.issued"]
        assert entry["department"] == "finance"
        assert entry["purpose"] == "政府采购 NJ-2026-001"
        assert entry["detail"]["number"] == issued["number"]
        assert entry["detail"]["non_public_records"] == 1  # the arrears, government-shared
        # The subject's own report is logged too, as its own.
        rw.issued(own)
        mine = rw.client.get(f"/api/v1/subjects/{ACME}/queries", headers=own.headers).json()
        assert [q["who"] for q in mine if q["action"] == "report.issued"] == ["本人", "测试finance"]


class TestAsOf:
    def test_a_report_as_of_yesterday_leaves_out_a_record_that_arrived_today(
        self, rw: ReportWorld
    ) -> None:
        from fixtures.helpers import penalty

        rw.pass_days(1)
        rw.push(rw.market, penalty("p-today", ACME, ACME_NAME, severity="severe"))
        yesterday = rw.clock.now().date().fromordinal(rw.clock.now().date().toordinal() - 1)
        [then] = rw.issued(rw.user, ACME, as_of=yesterday.isoformat())
        [now] = rw.issued(rw.user, ACME)
        assert then["counts"]["administrative"] == 1
        assert now["counts"]["administrative"] == 2
        content = rw.document(rw.user, then["number"])["content"]
        assert content["as_of_day"] == yesterday.isoformat()
        assert "p-today" not in str(content)

    def test_a_report_as_of_tomorrow_is_refused(self, rw: ReportWorld) -> None:
        answer = rw.issue(rw.user, ACME, as_of="2026-06-16")
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "as_of_in_future"


class TestBatches:
    def test_over_a_thousand_subjects_is_refused_with_its_code(self, rw: ReportWorld) -> None:
        answer = rw.issue(rw.user, *[f"key-{i}" for i in range(1001)])
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "too_many_reports"

    def test_a_list_is_issued_whole_or_not_at_all(self, rw: ReportWorld) -> None:
        answer = rw.issue(rw.user, ACME, BETA, CITIZEN)
        assert answer.status_code == 403
        assert answer.json()["error"]["field"] == "subjects[2]"
        log = rw.client.get(
            f"/api/v1/subjects/{ACME}/queries", headers=rw.subject_token().headers
        ).json()
        assert not [q for q in log if q["action"] == "report.issued"]

    def test_a_list_is_fetched_as_one_zip_with_its_manifest(self, rw: ReportWorld) -> None:
        from report_world import zip_member, zip_names

        answer = rw.issue(rw.user, ACME, BETA, ACME)  # a repeat counts once
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert len(body["reports"]) == 2 and body["batch"]
        zipped = rw.client.get(
            f"/api/v1/reports/batches/{body['batch']}",
            params={"format": "json"},
            headers=rw.user.headers,
        )
        assert zipped.status_code == 200
        assert zipped.headers["content-type"] == "application/zip"
        numbers = sorted(r["number"] for r in body["reports"])
        assert sorted(zip_names(zipped.content)) == sorted(
            [f"{n}.json" for n in numbers] + ["manifest.csv"]
        )
        manifest = zip_member(zipped.content, "manifest.csv").decode("utf-8-sig")
        assert "报告编号" in manifest and ACME_NAME in manifest
        other = rw.client.get(f"/api/v1/reports/batches/{body['batch']}", headers=rw.market.headers)
        assert other.status_code == 403


class TestVerification:
    def test_anyone_verifies_a_number_and_sees_what_it_covered_not_its_content(
        self, rw: ReportWorld
    ) -> None:
        [issued] = rw.issued(rw.user, ACME)
        answer = rw.client.get(f"/api/v1/reports/{issued['number']}/verification")
        assert answer.status_code == 200
        body = answer.json()
        assert body["genuine"] is True and body["sha256"] == issued["sha256"]
        assert body["subject_name"] == "南京*****有限公司"
        assert body["subject_key"] == ACME[:6] + "********" + ACME[-4:]
        assert body["counts"]["administrative"] == 1
        assert body["certificate_fingerprint"]
        assert "罚款" not in answer.text and ACME not in answer.text

    def test_an_unknown_number_is_said_so(self, rw: ReportWorld) -> None:
        answer = rw.client.get("/api/v1/reports/XY-20260615-0000-0000-0000/verification")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "report_not_found"


class TestEvaluation:
    def test_the_grade_is_shown_once_the_subject_has_one(self, rw: ReportWorld) -> None:
        from decimal import Decimal

        from xinyong.models import EvaluationGrade, Grade

        [before] = rw.issued(rw.user, ACME)
        content = rw.document(rw.user, before["number"])["content"]
        assert entries(content, "evaluation") == []
        with rw.db.transaction() as session:
            session.add(
                EvaluationGrade(
                    subject_id=rw.subject_id(ACME),
                    model_id=1,
                    run_id=7,
                    score=Decimal("812.50"),
                    grade=Grade.B,
                    capped_by=None,
                    points={},
                    as_of=rw.clock.now().date(),
                    evaluated_at=rw.clock.now(),
                )
            )
        rw.pass_days(1)
        [after] = rw.issued(rw.user, ACME)
        [grade] = entries(rw.document(rw.user, after["number"])["content"], "evaluation")
        assert grade["fields"][:2] == [["信用等级", "B（良）"], ["评价得分", "812.50"]]

    def test_the_grade_held_at_the_reports_moment(self, rw: ReportWorld) -> None:
        """A real run of the small model (tests/evaluation/evaluation_world.py): the report as
        of the day of the first run gives that run's grade, though a later run lowered it."""
        from evaluation.evaluation_world import load, run, small
        from fixtures.helpers import org

        load(rw.db, rw.clock, small())
        run(rw.db, rw.clock)
        first_day = rw.clock.now().date()
        [first] = entries(
            rw.document(rw.user, rw.issued(rw.user, ACME)[0]["number"])["content"], "evaluation"
        )
        assert first["fields"][0] == ["信用等级", "B（良）"]
        assert ["评价模型", "测试模型（第 1 版）"] in first["fields"]
        assert ["评价时点", first_day.isoformat()] in first["fields"]
        rw.list_entry(rw.court, "court_judgment_defaulters", org(ACME), "black")
        rw.pass_days(1)
        run(rw.db, rw.clock)
        [now] = entries(
            rw.document(rw.user, rw.issued(rw.user, ACME)[0]["number"])["content"], "evaluation"
        )
        assert now["fields"][0] == ["信用等级", "D（差）"]
        [then_report] = rw.issued(rw.user, ACME, as_of=first_day.isoformat())
        [then] = entries(rw.document(rw.user, then_report["number"])["content"], "evaluation")
        assert then["fields"][0] == ["信用等级", "B（良）"]
        assert ["评价时点", first_day.isoformat()] in then["fields"]
        assert then["fields"][1] == first["fields"][1]  # the score of that run
