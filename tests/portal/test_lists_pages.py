"""/lists and /lists/{code} (003 联合奖惩 §（三）–（六）, （十七）, （二十））: what the public sees
of each list — red candidates in public notice (a black candidate's prior notice goes to the
subject alone), listed subjects, exit notices, corrections and credit-repair notices; nothing of
a list shared between departments only."""

from __future__ import annotations

import pytest
from portal_world import assert_no_id_number, propose, result_names

from fixtures.helpers import credit_code
from fixtures.lists import CITIZEN, MANAGER, make_world, person

RED = credit_code("91320100MA1L2T3A4")
BLACK = credit_code("91320100MA1L2T3B4")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def org(code: str, name: str) -> dict:
    return {"credit_code": code, "name": name}


@pytest.fixture
def world(client, db, clock):  # type: ignore[no-untyped-def]
    return make_world(client, db, clock)


def section(client, code: str, name: str = "") -> str:  # type: ignore[no-untyped-def]
    answer = client.get(f"/lists/{code}", params={"section": name} if name else None)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_the_lists_page_shows_every_list_and_hides_shared_entries(world) -> None:  # type: ignore[no-untyped-def]
    html = world.client.get("/lists").text
    for name in ("纳税信用A级纳税人名单", "失信被执行人名单", "食品药品领域重点关注对象名单"):
        assert name in html
    assert "不公开" in html  # the watch lists' counts
    assert "信用修复公示" in html


def test_a_red_candidate_in_notice_is_published_a_black_one_in_prior_notice_is_not(world) -> None:  # type: ignore[no-untyped-def]
    red = propose(world, world.tax, "tax_a_grade", org(RED, "南京红榜候选有限公司"), "r")
    assert red["state"] == "notice"
    black = propose(
        world, world.court, "court_judgment_defaulters", org(BLACK, "南京黑榜候选有限公司"), "b"
    )
    assert black["state"] == "notice"  # prior notice (事前告知) to the subject
    notice = section(world.client, "tax_a_grade")  # the red list opens on its notice
    assert "南京红榜候选有限公司" in notice and "公示期至" in notice
    for name in ("", "listed", "exits", "corrections", "repairs", "notice"):
        assert "南京黑榜候选有限公司" not in section(
            world.client, "court_judgment_defaulters", name
        )
    # Nor on the subject's own page or in the search's badges.
    assert "失信被执行人名单" not in world.client.get(f"/subjects/{BLACK}").text
    found = world.client.get("/search", params={"q": "黑榜候选"}).text
    assert result_names(found) == ["南京黑榜候选有限公司"]
    assert "失信被执行人名单" not in found


def test_listed_exits_corrections_and_repairs(world) -> None:  # type: ignore[no-untyped-def]
    listed = world.list_entry(
        world.court, "court_judgment_defaulters", org(BLACK, "南京黑榜有限公司"), "1"
    )
    wrong = world.list_entry(
        world.court, "court_judgment_defaulters", person(CITIZEN, "冯错列"), "2"
    )
    html = section(world.client, "court_judgment_defaulters", "listed")
    assert "南京黑榜有限公司" in html and "冯错列" in html
    assert CITIZEN[:6] + "********" + CITIZEN[14:] in html
    assert_no_id_number(html, CITIZEN)
    assert f'href="/subjects/{BLACK}"' in html
    # Revoked as listed in error: an exit notice, under corrections too.
    answer = world.step(
        world.court, wrong, "exit", {"reason": "revocation", "explanation": "认定有误"}
    )
    assert answer.status_code == 200, answer.text
    corrections = section(world.client, "court_judgment_defaulters", "corrections")
    assert "冯错列" in corrections and "经核实认定有误，予以撤销" in corrections
    assert 'href="/subjects/p' not in corrections  # a person off the list has no page
    assert_no_id_number(corrections, CITIZEN)
    assert "冯错列" not in section(world.client, "court_judgment_defaulters", "listed")
    # Left after repair: an exit notice, under credit-repair notices too.
    answer = world.step(world.court, listed, "exit", {"reason": "repair", "explanation": "已修复"})
    assert answer.status_code == 200, answer.text
    repairs = section(world.client, "court_judgment_defaulters", "repairs")
    assert "南京黑榜有限公司" in repairs and "完成信用修复" in repairs
    exits = section(world.client, "court_judgment_defaulters", "exits")
    assert "南京黑榜有限公司" in exits and "冯错列" in exits
    assert "南京黑榜有限公司" not in section(world.client, "court_judgment_defaulters", "listed")


def test_a_repair_in_public_notice_is_published(world, db, clock) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from fixtures.helpers import make_caller
    from xinyong.models import Role, Subject

    entry = world.list_entry(
        world.court, "court_judgment_defaulters", org(BLACK, "南京修复中有限公司"), "1"
    )
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == BLACK)).scalar_one()
    own = make_caller(db, clock, role=Role.subject, subject_id=sid)
    files = []
    for kind in ("evidence", "rectification"):
        up = world.client.post(
            "/api/v1/evidence", files={"file": ("证明.pdf", PDF)}, headers=own.headers
        )
        assert up.status_code == 201, up.text
        files.append({"file_id": up.json()["id"], "kind": kind})
    applied = world.client.post(
        "/api/v1/repairs",
        json={
            "target": {"list_entry": entry},
            "ways": ["commitment", "rectification"],
            "corrected_on": "2026-05-20",
            "correction": "已全部履行判决确定的义务。",
            "commitment": "本单位承诺今后诚信经营。",
            "credit_management": "已建立信用管理制度。",
            "evidence": files,
        },
        headers=own.headers,
    )
    assert applied.status_code == 201, applied.text
    opinion = world.client.post(
        f"/api/v1/repairs/{applied.json()['id']}/opinion",
        json={"positive": True, "text": "经核实，同意信用修复。"},
        headers=world.court.headers,
    )
    assert opinion.status_code == 200, opinion.text
    for html in (
        world.client.get("/lists").text,
        section(world.client, "court_judgment_defaulters", "repairs"),
    ):
        assert "南京修复中有限公司" in html and "经核实，同意信用修复。" in html


def test_a_shared_list_publishes_no_entries(world) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(world.market, "food_drug_watch", person(MANAGER, "卫关注"), "w")
    html = section(world.client, "food_drug_watch")
    assert "不向社会公开名单条目" in html
    assert "卫关注" not in html
    assert_no_id_number(html, MANAGER)
    for name in ("listed", "exits", "notice"):
        assert "卫关注" not in section(world.client, "food_drug_watch", name)


def test_an_unknown_list_is_404(world) -> None:  # type: ignore[no-untyped-def]
    for code in ("no_such_list", "x" * 500, "%27"):
        answer = world.client.get(f"/lists/{code}")
        assert answer.status_code == 404
        assert "未找到" in answer.text


def _current_tab(html: str) -> str:
    import re

    found = re.findall(r'<a href="/lists/[^"?]+\?section=(\w+)" aria-current="page"', html)
    assert len(found) == 1, found
    return found[0]


def test_a_list_opens_on_the_tab_that_has_entries(world) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: the red list opened on its empty 公示 tab ("暂无") while ten subjects stood
    listed. It opens on the entries in force; an explicit tab is still a plain link."""
    from portal_world import org_code

    names = [f"南京守信{i}号有限公司" for i in range(10)]
    for i, name in enumerate(names):
        world.list_entry(world.tax, "tax_a_grade", org(org_code(i), name), f"t{i}")
    html = section(world.client, "tax_a_grade")
    assert _current_tab(html) == "listed"
    assert "暂无" not in html
    for name in names:
        assert name in html
    # Every tab is a link that works without JavaScript, the notice tab included.
    for key in ("listed", "notice", "exits", "corrections", "repairs"):
        assert f'href="/lists/tax_a_grade?section={key}"' in html
    notice = section(world.client, "tax_a_grade", "notice")
    assert _current_tab(notice) == "notice" and "暂无" in notice
    assert names[0] not in notice


def test_a_list_with_only_exits_opens_on_its_exit_notices(world) -> None:  # type: ignore[no-untyped-def]
    entry = world.list_entry(
        world.court, "court_judgment_defaulters", org(BLACK, "南京已退出有限公司"), "1"
    )
    answer = world.step(
        world.court, entry, "exit", {"reason": "revocation", "explanation": "认定有误"}
    )
    assert answer.status_code == 200, answer.text
    html = section(world.client, "court_judgment_defaulters")
    assert _current_tab(html) == "exits"
    assert "南京已退出有限公司" in html
    # Nothing at all: the entries in force, empty.
    empty = section(world.client, "major_tax_violators")
    assert _current_tab(empty) == "listed" and "暂无" in empty
