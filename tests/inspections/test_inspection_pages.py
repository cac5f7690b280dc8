"""The pages of 双随机、一公开: the department's plans, pool, draw and results entry through its
forms, and the portal's published plans and results (一公开) — never an inspector's name."""

from __future__ import annotations

import json

from inspection_world import NANJING, InspectionWorld

from department_console.department_pages import csrf_of, log_in
from xinyong.models import Role


def _post(iw: InspectionWorld, page: str, action: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_of(iw.client.get(page).text)
    return iw.client.post(action, data={"csrf_token": token, **data}, **kwargs)


POOL = {
    "inspectors": [
        {"badge_number": f"JZ-{n}", "name": f"王检查{n}", "fields": ["market_regulation"]}
        for n in range(3)
    ]
}


class TestDepartmentPages:
    def test_a_plan_made_published_drawn_and_a_result_entered_through_the_forms(
        self, iw: InspectionWorld
    ) -> None:
        codes = iw.subjects(NANJING, 20)
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        imported = _post(
            iw,
            "/department/inspections/pool",
            "/department/inspections/pool",
            {"pool_json": json.dumps(POOL, ensure_ascii=False)},
        )
        assert imported.status_code == 200, imported.text
        assert "王检查2" in imported.text
        made = _post(
            iw,
            "/department/inspections",
            "/department/inspections",
            {
                "title": "页面制订的抽查计划",
                "items": "SJ-01|企业公示信息抽查|《企业信息公示暂行条例》第十四条",
                "regions": "3201",
                "ratio_ordinary": "10",
                "inspect_from": "2026-06-15",
                "inspect_until": "2026-07-31",
            },
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        plan_page = made.headers["location"].split("?")[0]
        plan_id = plan_page.rsplit("/", 1)[1]
        page = iw.client.get(plan_page)
        assert "向社会公开本计划" in page.text and "10%" in page.text
        assert _post(iw, plan_page, f"{plan_page}/publication", {}).status_code == 200
        drawn = _post(iw, plan_page, f"{plan_page}/draw", {})
        assert drawn.status_code == 200
        assert "已抽取并公开" in drawn.text and "王检查" in drawn.text
        code = next(c for c in codes if f'id="s-{c}"' in drawn.text)
        entered = _post(
            iw,
            plan_page,
            f"{plan_page}/results",
            {
                "subject": code,
                "decision_number": "宁市监查〔2026〕1号",
                "result": "未发现问题",
                "inspected_on": "2026-06-15",
                "decided_on": "2026-06-15",
                "authority_code": iw.result(code)["authority_code"],
            },
        )
        assert entered.status_code == 200
        assert "检查结果已录入并公示" in entered.text and "按期公示" in entered.text
        population = iw.client.get(f"{plan_page}/population")
        assert population.content.startswith(b"credit_code,class\n")
        # On the portal, for everyone: the plan, the draw and the result; no inspector.
        iw.client.cookies.clear()
        portal = iw.client.get(f"/inspections/{plan_id}")
        assert portal.status_code == 200
        assert "页面制订的抽查计划" in portal.text and code in portal.text
        assert "未发现问题" in portal.text and "宁市监查〔2026〕1号" in portal.text
        assert "王检查" not in portal.text and "JZ-" not in portal.text
        assert "页面制订的抽查计划" in iw.client.get("/inspections").text

    def test_a_bad_plan_form_is_told_beside_its_field(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        answer = _post(
            iw,
            "/department/inspections",
            "/department/inspections",
            {
                "title": "比例过高",
                "items": "SJ-01|企业公示信息抽查|依据",
                "ratio_high": "150",
                "inspect_from": "2026-06-15",
                "inspect_until": "2026-07-31",
            },
        )
        assert answer.status_code == 422
        assert "超过 100%" in answer.text
        lines = _post(
            iw,
            "/department/inspections",
            "/department/inspections",
            {"title": "x", "items": "只有一栏", "inspect_from": "2026-06-15"},
        )
        assert lines.status_code == 422 and "第 1 行" in lines.text

    def test_a_pool_too_small_names_the_subjects_on_the_plan_page(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 1)
        plan = iw.plan()
        iw.publish(plan["id"])
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        page = f"/department/inspections/{plan['id']}"
        answer = _post(iw, page, f"{page}/draw", {})
        assert answer.status_code == 409
        assert "共 3 户缺少无须回避的检查人员" in answer.text
        assert f"测试企业{NANJING}0" in answer.text

    def test_overdue_results_on_the_plans_page(self, iw: InspectionWorld) -> None:
        from datetime import datetime

        from xinyong.core.clock import SHANGHAI

        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 2)
        iw.drawn_plan(title="逾期计划")
        iw.w.clock.set(datetime(2026, 8, 31, 9, 0, tzinfo=SHANGHAI))
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        page = iw.client.get("/department/inspections")
        assert "逾期未公示" in page.text and "逾期计划" in page.text


class TestPortal:
    def test_a_draft_is_not_on_the_portal(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        draft = iw.plan(title="草稿中的计划")
        assert iw.client.get(f"/inspections/{draft['id']}").status_code == 404
        assert "草稿中的计划" not in iw.client.get("/inspections").text


class TestWords:
    def test_the_pages_show_no_codes_states_or_tags(self, iw: InspectionWorld) -> None:
        """What tests/web/test_leak_crawl.py looks for, on every page of this part, with a
        plan drawn and a result entered (that crawl's world has no plan)."""
        from web.test_leak_crawl import SECTOR, SNAKE, STATUS, TAGS, Page, offences, read

        codes = iw.subjects(NANJING, 20)
        iw.grade(codes[0], "D")
        iw.pool(iw.w.market, 3, conflicts={0: [codes[1]]})
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        iw.client.post(
            f"/api/v1/inspections/plans/{plan_id}/results",
            json={"results": [iw.result(code)]},
            headers=iw.w.market.headers,
        )
        iw.plan(title="草稿")
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        urls = [
            "/department/inspections",
            "/department/inspections/pool",
            f"/department/inspections/{plan_id}",
        ]
        pages = [Page("provider", u, read(iw.client.get(u).text)[0]) for u in urls]
        iw.client.cookies.clear()
        pages += [
            Page("public", u, read(iw.client.get(u).text)[0])
            for u in ("/inspections", f"/inspections/{plan_id}")
        ]
        assert all(p.text for p in pages)
        for pattern in (SNAKE, SECTOR, STATUS, TAGS):
            assert offences(pages, pattern) == []


class TestCheckPage:
    def test_the_check_page_shows_the_class_in_scenario_inspection(
        self, iw: InspectionWorld
    ) -> None:
        code = iw.subjects(NANJING, 1)[0]
        iw.grade(code, "C")
        log_in(iw.client, iw.w.db, iw.w.clock, role=Role.provider, department="amr")
        answer = _post(
            iw,
            "/department/check",
            "/department/check",
            {"scenario": "inspection", "subject": code, "purpose": "日常监督检查"},
        )
        assert answer.status_code == 200, answer.text
        assert (
            "分级分类监管：信用风险较高（C类），抽查比例 10%（公共信用综合评价 C 级）"
            in answer.text
        )
