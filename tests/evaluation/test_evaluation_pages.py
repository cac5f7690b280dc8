"""The evaluation on the consoles, as their users read it: the subject's grade with every point
traced (/me/evaluation), the authority's models, runs, distribution and ratios
(/authority/evaluation, and the card on its dashboard), a department's look-up inside a
procedure, purpose required and logged (/department/evaluation). A real run of the small model
(evaluation_world.py) on subjects pushed through the API."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from evaluation_world import grade_of, load, run, small

from authority.authority_pages import log_in as log_in_staff
from department_console.department_pages import log_in as log_in_department
from fixtures.demo import FULL, kept_demo
from fixtures.lists import ACME, BETA, World, make_world
from subject_console.subject_pages import log_in_subject, on_record
from xinyong.models import Role


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    on_record(w)
    return w


@pytest.fixture
def evaluated(world: World) -> World:
    load(world.db, world.clock, small())
    run(world.db, world.clock)
    return world


def _cells(html: str, row_id: str) -> list[str]:
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    ]


class TestSubjectConsole:
    def test_not_evaluated_yet_is_said(self, world: World) -> None:
        log_in_subject(world)
        page = world.client.get("/me/evaluation")
        assert page.status_code == 200
        assert "您尚未参加公共信用综合评价" in page.text
        assert 'href="/me/evaluation"' in world.client.get("/me").text

    def test_grade_points_rows_and_history(self, evaluated: World) -> None:
        w = evaluated
        stored = grade_of(w.db, ACME)
        log_in_subject(w)
        page = w.client.get("/me/evaluation")
        assert page.status_code == 200, page.text
        text = page.text
        assert f"{stored.grade.value}（" in text and f"{stored.score:.2f}" in text
        assert "测试模型（第 1 版）" in text
        # The penalty gave the points of 行政处罚, and it is linked to where /me shows it.
        penalty_id = w.record_id(ACME, "administrative_penalty")
        assert f'href="/me#r{penalty_id}"' in text
        assert f"行政处罚信息（记录编号 {penalty_id}" in text
        cells = _cells(text, "i-penalties")
        points = Decimal(cells[-2].replace("−", "-").replace("+", ""))
        assert points < 0
        # Base plus the indicators' points is the score, shown.
        assert stored.score == Decimal(1000) + points
        assert f"<strong>{stored.score:.2f}</strong>" in text
        assert "（首次评价）" in text
        assert 'href="/me/objections/new?evaluation=current"' in text
        home = w.client.get("/me").text
        assert re.search(
            rf'<dd id="me-grade"><a href="/me/evaluation">{stored.grade.value}（', home
        )
        # Another subject's rows are never on it.
        assert str(w.record_id(BETA, "administrative_penalty")) not in text

    def test_other_roles_are_refused(self, evaluated: World) -> None:
        log_in_staff(
            evaluated.client, evaluated.db, evaluated.clock, role=Role.authority, department="cred"
        )
        assert evaluated.client.get("/me/evaluation").status_code == 403


class TestAuthority:
    def test_dashboard_card_and_the_distribution_over_runs(self, evaluated: World) -> None:
        w = evaluated
        run(w.db, w.clock)  # a second full run: its drift against the first is nil
        log_in_staff(w.client, w.db, w.clock, role=Role.authority, department="cred")
        counts = {g: 0 for g in "ABCD"}
        for key in (ACME, BETA):
            counts[grade_of(w.db, key).grade.value] += 1
        dashboard = w.client.get("/authority")
        assert dashboard.status_code == 200
        assert "公共信用综合评价等级分布" in dashboard.text
        assert f"已评价 {sum(counts.values())} 户" in dashboard.text
        assert f"B（良） {counts['B']} 户" in dashboard.text
        page = w.client.get("/authority/evaluation")
        assert page.status_code == 200, page.text
        current = re.search(r'<table id="current-distribution">.*?</table>', page.text, re.S)
        assert current and f'<td class="num">{counts["B"]}</td>' in current.group(0)
        history = re.search(r'<table id="distribution-history">.*?</table>', page.text, re.S)
        assert history
        assert "首次评价，无可比" in history.group(0)
        assert "0.0000" in history.group(0) and "稳定" in history.group(0)
        assert 'id="chart-data-distribution"' in page.text
        assert "测试模型（第 1 版）" in page.text and "全量评价" in page.text
        # Graded supervision: the shipped rules, A → 3 %, D → 20 %.
        default = re.search(r'<tr id="sup-default">.*?</tr>', page.text, re.S)
        assert default and "3%" in default.group(0) and "20%" in default.group(0)

    def test_a_models_page(self, evaluated: World) -> None:
        w = evaluated
        log_in_staff(w.client, w.db, w.clock, role=Role.authority, department="cred")
        listing = w.client.get("/authority/evaluation").text
        href = re.search(r'href="(/authority/evaluation/models/\d+)"', listing)
        assert href
        page = w.client.get(href.group(1))
        assert page.status_code == 200, page.text
        assert "行政处罚信息（一般失信" not in page.text  # severities are not a filter here
        row = re.search(r'<tr id="i-penalties">.*?</tr>', page.text, re.S)
        assert row and "一般失信 −10" in row.group(0) and "严重失信 −40" in row.group(0)
        assert "不低于 −100 分" in row.group(0)
        assert "1010 至 +∞" in page.text and "−∞ 至 950" in page.text
        assert "列入严重失信主体名单的，等级不高于 D（差）" in page.text
        assert "现行" in page.text
        assert w.client.get("/authority/evaluation/models/999").status_code == 404

    def test_departments_and_subjects_are_refused(self, evaluated: World) -> None:
        log_in_subject(evaluated)
        assert evaluated.client.get("/authority/evaluation").status_code == 403


class TestDepartment:
    def test_purpose_required_and_the_read_logged(self, evaluated: World) -> None:
        w = evaluated
        log_in_department(w.client, w.db, w.clock, role=Role.user_department, department="finance")
        form = w.client.get("/department/evaluation")
        assert form.status_code == 200 and 'name="purpose"' in form.text
        refused = w.client.get("/department/evaluation", params={"subject": ACME})
        assert refused.status_code == 422
        assert "请说明用途" in refused.text and "合计（基础分加各项得分）" not in refused.text
        unknown = w.client.get(
            "/department/evaluation",
            params={"subject": "91320100MA1ZZZZZZZ", "purpose": "行政许可 2026-009"},
        )
        assert unknown.status_code in (404, 422) and "合计（基础分加各项得分）" not in unknown.text
        page = w.client.get(
            "/department/evaluation", params={"subject": ACME, "purpose": "行政许可 2026-009"}
        )
        assert page.status_code == 200, page.text
        stored = grade_of(w.db, ACME)
        assert f"{stored.score:.2f}" in page.text and "合计（基础分加各项得分）" in page.text
        assert "行政处罚信息（记录编号" in page.text
        assert 'id="own-field"' in page.text
        # The subject sees who read its evaluation, and why.
        w.client.cookies.clear()
        log_in_subject(w)
        queries = w.client.get("/me/queries").text
        assert "查阅信用评价" in queries and "行政许可 2026-009" in queries


def test_the_demo_is_evaluated_into_a_plausible_distribution_on_the_dashboard(
    client, db, clock
) -> None:  # type: ignore[no-untyped-def]
    """Acceptance (issue 16): the default model evaluates the demo data into a plausible
    distribution — most organisations good, some excellent, few poor — shown on the authority's
    dashboard."""
    result = kept_demo(client, db, clock, **FULL)
    log_in_staff(client, db, clock, role=Role.authority, department="js-credit_authority")
    card = re.search(
        r'<section class="panel" aria-labelledby="h-grades">.*?</section>',
        client.get("/authority").text,
        re.S,
    )
    assert card, "no grade card on the dashboard"
    shown = {g: int(n) for g, n in re.findall(r"([ABCD])（[优良中差]） (\d+) 户", card.group(0))}
    assert shown == {g: result.grades.get(g, 0) for g in "ABCD"}
    total = sum(shown.values())
    assert total > 200
    assert shown["B"] > shown["A"] > 0 and shown["B"] > shown["C"] > shown["D"] > 0
    assert 0.35 < shown["B"] / total < 0.75 and shown["D"] / total < 0.15
