"""Plans, the draw and its publication through the API (双随机、一公开): who may do what, what
each caller sees, joint plans."""

from __future__ import annotations

from collections import Counter

from inspection_world import NANJING, WUXI, InspectionWorld, error

from fixtures.helpers import make_caller
from xinyong.models import Role


class TestPlanLifecycle:
    def test_plan_is_drafted_published_and_drawn_by_its_lead(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 30)
        iw.subjects(WUXI, 10)
        iw.pool(iw.w.market, 4)
        plan = iw.plan()
        assert plan["state"] == "draft"
        assert plan["lead_department"] == "amr"
        assert [c["code"] for c in plan["classes"]] == ["low", "ordinary", "elevated", "high"]
        assert plan["results_due_on"] is not None
        published = iw.publish(plan["id"])
        assert published["state"] == "published"
        draw = iw.draw(plan["id"])
        assert draw.status_code == 201, draw.text
        body = draw.json()
        # 30 subjects of 南京, none graded: all in the ungraded class (ordinary, 5 %) → ceil(1.5).
        assert body["population"] == 30
        assert body["drawn"] == 2
        assert [(s["class_code"], s["size"], s["drawn"]) for s in body["strata"]] == [
            ("ordinary", 30, 2)
        ]
        assert len(body["seed"]) >= 1 and len(body["snapshot_sha256"]) == 64
        for subject in body["subjects"]:
            assert subject["credit_code"].startswith("913201")
            assert len(subject["inspectors"]) == 2
            assert len({i["badge_number"] for i in subject["inspectors"]}) == 2

    def test_grades_class_the_population_and_each_class_is_drawn_at_its_ratio(
        self, iw: InspectionWorld
    ) -> None:
        codes = iw.subjects(NANJING, 40)
        for code in codes[:10]:
            iw.grade(code, "D")  # high, 20 % → 2
        for code in codes[10:20]:
            iw.grade(code, "A")  # low, 3 % → ceil(0.3) = 1
        iw.field_grade(codes[20], "market_regulation", "D")  # the field's grade counts: high
        iw.pool(iw.w.market, 4)
        _, body = iw.drawn_plan()
        strata = {s["class_code"]: (s["size"], s["drawn"]) for s in body["strata"]}
        assert strata == {"high": (11, 3), "low": (10, 1), "ordinary": (19, 1)}
        drawn = Counter(s["class_code"] for s in body["subjects"])
        assert drawn == {"high": 3, "low": 1, "ordinary": 1}

    def test_plan_ratios_override_the_graded_supervision(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        _, body = iw.drawn_plan(ratios={"ordinary": "50"})
        assert body["drawn"] == 10

    def test_population_filter_by_grade_and_kind_of_subject(self, iw: InspectionWorld) -> None:
        codes = iw.subjects(NANJING, 12)
        for code in codes[:5]:
            iw.grade(code, "C")
        iw.pool(iw.w.market, 3)
        _, body = iw.drawn_plan(
            population={"regions": ["3201"], "grades": ["C"], "registering_authorities": ["9"]},
            ratios={"elevated": "100"},
        )
        assert body["population"] == 5
        assert sorted(s["credit_code"] for s in body["subjects"]) == sorted(codes[:5])

    def test_draw_is_made_once(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        iw.pool(iw.w.market, 2)
        plan_id, _ = iw.drawn_plan()
        again = iw.draw(plan_id)
        assert again.status_code == 409
        assert error(again)["code"] == "invalid_plan_state"

    def test_an_unpublished_plan_is_not_drawn(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        iw.pool(iw.w.market, 2)
        plan = iw.plan()
        answer = iw.draw(plan["id"])
        assert answer.status_code == 409
        assert error(answer)["code"] == "invalid_plan_state"

    def test_only_the_lead_publishes_and_draws(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        plan = iw.plan(departments=["tax"], items=_joint_items())
        answer = iw.client.post(
            f"/api/v1/inspections/plans/{plan['id']}/publication", headers=iw.w.tax.headers
        )
        assert answer.status_code == 403
        assert error(answer)["code"] == "not_lead_department"


def _joint_items() -> list[dict]:
    return [
        {"code": "SJ-01", "name": "企业公示信息抽查", "basis": "《企业信息公示暂行条例》第十四条"},
        {
            "code": "SW-01",
            "name": "发票使用情况检查",
            "department": "tax",
            "basis": "《中华人民共和国发票管理办法》第三十五条",
        },
    ]


class TestJointPlan:
    def test_a_joint_plan_shares_one_draw_with_inspectors_of_each_department(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        iw.pool(iw.w.tax, 3)
        plan_id, body = iw.drawn_plan(departments=["tax"], items=_joint_items())
        assert body["drawn"] == 1
        subject = body["subjects"][0]
        assert subject["departments"] == ["amr", "tax"]
        by_department = Counter(i["department"] for i in subject["inspectors"])
        assert by_department == {"amr": 2, "tax": 2}
        # The partner sees the plan and the inspectors; it enters its own result.
        seen = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/draw", headers=iw.w.tax.headers)
        assert seen.json()["subjects"][0]["inspectors"] is not None

    def test_every_department_of_a_joint_plan_has_an_item(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        answer = iw.client.post(
            "/api/v1/inspections/plans",
            json=iw.plan_body(departments=["tax"]),
            headers=iw.w.market.headers,
        )
        assert answer.status_code == 422
        assert error(answer)["code"] == "department_without_items"

    def test_an_unknown_partner_is_refused(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        answer = iw.client.post(
            "/api/v1/inspections/plans",
            json=iw.plan_body(departments=["nobody"]),
            headers=iw.w.market.headers,
        )
        assert answer.status_code == 422
        assert error(answer)["code"] == "unknown_department"
        assert error(answer)["field"] == "departments[0]"


class TestWhoSeesWhat:
    def test_public_sees_published_plans_and_draws_without_inspectors_or_classes(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 10)
        iw.pool(iw.w.market, 2)
        draft = iw.plan(title="草稿计划")
        plan_id, _ = iw.drawn_plan()
        listed = iw.client.get("/api/v1/inspections/plans").json()
        assert [p["id"] for p in listed] == [plan_id]
        assert iw.client.get(f"/api/v1/inspections/plans/{draft['id']}").status_code == 404
        draw = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/draw").json()
        assert draw["pool_sha256"] is None
        assert all(s["inspectors"] is None and s["class_code"] is None for s in draw["subjects"])
        assert all(s["departments"] == ["amr"] for s in draw["subjects"])
        population = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/population")
        assert population.status_code == 401

    def test_another_department_does_not_see_a_draft(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 5)
        draft = iw.plan()
        answer = iw.client.get(f"/api/v1/inspections/plans/{draft['id']}", headers=iw.w.tax.headers)
        assert answer.status_code == 404
        assert error(answer)["code"] == "unknown_plan"
        mine = iw.client.get(
            "/api/v1/inspections/plans", params={"mine": "true"}, headers=iw.w.market.headers
        )
        assert [p["id"] for p in mine.json()] == [draft["id"]]

    def test_a_subject_cannot_make_plans(self, iw: InspectionWorld) -> None:
        code = iw.subjects(NANJING, 1)[0]
        subject = make_caller(
            iw.w.db, iw.w.clock, role=Role.subject, subject_id=iw.subject_id(code)
        )
        answer = iw.client.post(
            "/api/v1/inspections/plans", json=iw.plan_body(), headers=subject.headers
        )
        assert answer.status_code == 403
