"""/search (issue 5 §1): organisations by any part of their name from one character, or by
credit code; a person by whole name only while a public list publishes them; never by ID
number; any string at all answered with a page."""

from __future__ import annotations

import pytest
from portal_world import (
    assert_no_id_number,
    count_text,
    insert_organisations,
    list_subject,
    registration,
    result_keys,
    result_names,
)

from fixtures.helpers import credit_code, penalty
from fixtures.lists import CITIZEN, MANAGER, make_world, person

HUAXIN = credit_code("91320100MA1H2X3A4")
HUAXIN_SHORT = credit_code("91320100MA1H2X3B4")
HUAXIN_TECH = credit_code("91320100MA1H2X3C4")
HENGDA = credit_code("91320500MA1H2X3D4")
ODD = credit_code("91320500MA1H2X3E4")


@pytest.fixture
def world(client, db, clock):  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    w.push(
        w.market,
        registration("r-1", HUAXIN_TECH, "南京华信科技有限公司"),
        registration("r-2", HUAXIN_SHORT, "南京华信"),
        registration("r-3", HUAXIN, "华信"),
        registration("r-4", HENGDA, "苏州恒达贸易有限公司"),
        registration("r-5", ODD, "百分%之_百\\商贸有限公司😀"),
    )
    return w


def names(client, q: str, **params) -> list[str]:  # type: ignore[no-untyped-def]
    answer = client.get("/search", params={"q": q, **params})
    assert answer.status_code == 200, answer.text[:500]
    return result_names(answer.text)


def test_one_character_finds_every_name_holding_it_exact_then_shorter_first(world) -> None:  # type: ignore[no-untyped-def]
    assert names(world.client, "华") == ["华信", "南京华信", "南京华信科技有限公司"]
    assert names(world.client, "恒") == ["苏州恒达贸易有限公司"]
    assert names(world.client, "司") == [
        "南京华信科技有限公司",
        "苏州恒达贸易有限公司",
        "百分%之_百\\商贸有限公司😀",
    ]


def test_two_characters_and_more(world) -> None:  # type: ignore[no-untyped-def]
    assert names(world.client, "华信") == ["华信", "南京华信", "南京华信科技有限公司"]
    assert names(world.client, "恒达") == ["苏州恒达贸易有限公司"]
    assert names(world.client, "华信科技") == ["南京华信科技有限公司"]
    assert names(world.client, "南京华信科技有限公司") == ["南京华信科技有限公司"]
    # Every pair present, but not in this order: not a match.
    assert names(world.client, "信华") == []
    assert names(world.client, "科技华信") == []
    assert names(world.client, "有限公司南京") == []


def test_the_match_is_highlighted_and_links_to_the_subject_page(world) -> None:  # type: ignore[no-untyped-def]
    page = world.client.get("/search", params={"q": "恒达"}).text
    assert "苏州<mark>恒达</mark>贸易有限公司" in page
    assert result_keys(page) == [HENGDA]


def test_a_credit_code_finds_exactly_that_organisation(world) -> None:  # type: ignore[no-untyped-def]
    assert names(world.client, HENGDA) == ["苏州恒达贸易有限公司"]
    assert names(world.client, HENGDA.lower()) == ["苏州恒达贸易有限公司"]
    assert names(world.client, f" {HENGDA[:9]} {HENGDA[9:]} ") == ["苏州恒达贸易有限公司"]
    unknown = world.client.get("/search", params={"q": credit_code("91320100MA1YYYYY9")})
    assert "没有找到" in unknown.text and result_names(unknown.text) == []


ODD_STRINGS = [
    ("%", ["百分%之_百\\商贸有限公司😀"]),
    ("_", ["百分%之_百\\商贸有限公司😀"]),
    ("\\", ["百分%之_百\\商贸有限公司😀"]),
    ("%之_", ["百分%之_百\\商贸有限公司😀"]),
    ("😀", ["百分%之_百\\商贸有限公司😀"]),
    ("司😀", ["百分%之_百\\商贸有限公司😀"]),
    ("%%", []),
    ("__", []),
    ('"', []),
    ("'", []),
    ("' OR 1=1 --", []),
    ('"华信" OR "恒达"', []),
    ("华信*", []),
    ("NEAR(华 信)", []),
    ("<script>alert(1)</script>", []),
    ("\x00华\x07", ["华信", "南京华信", "南京华信科技有限公司"]),
    ("\u3000华信\u3000", ["华信", "南京华信", "南京华信科技有限公司"]),
    ("华\u200b信", ["华信", "南京华信", "南京华信科技有限公司"]),
    ("", []),
    ("   ", []),
]


def test_any_string_is_answered_with_a_page(world) -> None:  # type: ignore[no-untyped-def]
    for q, found in ODD_STRINGS:
        answer = world.client.get("/search", params={"q": q})
        assert answer.status_code == 200, q
        assert "<html" in answer.text
        assert "<script>alert" not in answer.text  # escaped, never markup
        assert result_names(answer.text) == found, q


def test_a_very_long_string_is_cut_and_answered(world) -> None:  # type: ignore[no-untyped-def]
    # 10,000 characters (the test client's addresses stop at 64 KiB: CJK characters take 9
    # bytes there, so they are fewer).
    for q in ("x" * 10_000, "南京华信科技有限公司" + "%" * 9_990, "华" * 7_000, "😀" * 5_000):
        answer = world.client.get("/search", params={"q": q})
        assert answer.status_code == 200
        assert "已按前 100 个字查询" in answer.text
        assert result_names(answer.text) == []


def test_a_bad_page_number_is_the_first_page(world) -> None:  # type: ignore[no-untyped-def]
    for page in ("abc", "-1", "0", "99999999999999999999", "1.5", "２"):
        answer = world.client.get("/search", params={"q": "华", "page": page})
        assert answer.status_code == 200
        assert result_names(answer.text) == ["华信", "南京华信", "南京华信科技有限公司"]


def test_a_renamed_organisation_is_found_by_its_new_name(world) -> None:  # type: ignore[no-untyped-def]
    assert names(world.client, "恒达") == ["苏州恒达贸易有限公司"]  # indexed under the old
    world.push(world.market, registration("r-4b", HENGDA, "苏州永盛贸易有限公司"))
    assert names(world.client, "永盛") == ["苏州永盛贸易有限公司"]
    assert names(world.client, "恒达") == []
    assert names(world.client, "贸易") == ["苏州永盛贸易有限公司"]


def test_more_than_a_thousand_matches_read_1000_plus_exact_first(world, db) -> None:  # type: ignore[no-untyped-def]
    insert_organisations(db, [f"测试{n:04d}号有限公司" for n in range(1100)] + ["测试"])
    answer = world.client.get("/search", params={"q": "测试"})
    assert count_text(answer.text) == "1000+"
    found = result_names(answer.text)
    assert found[0] == "测试"
    assert len(found) == 20
    assert all(len(n) == len("测试0000号有限公司") for n in found[1:])
    last = world.client.get("/search", params={"q": "测试", "page": "50"})
    assert len(result_names(last.text)) == 20
    beyond = world.client.get("/search", params={"q": "测试", "page": "51"})
    assert result_names(beyond.text) == result_names(last.text)  # the last page there is
    few = world.client.get("/search", params={"q": "0999号"})
    assert count_text(few.text) == "1" and result_names(few.text) == ["测试0999号有限公司"]


def test_an_id_number_is_never_searched_nor_echoed(world) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(world.court, "court_judgment_defaulters", person(CITIZEN, "赵公示"), "p1")
    assert names(world.client, "赵公示") == ["赵公示"]  # listed: public by name
    for q in (CITIZEN, CITIZEN.lower(), f"{CITIZEN[:6]} {CITIZEN[6:]}", CITIZEN[:17], CITIZEN[:15]):
        answer = world.client.get("/search", params={"q": q})
        assert answer.status_code == 200
        assert "不提供按身份证号码查询" in answer.text
        assert result_names(answer.text) == []
        assert_no_id_number(answer.text, CITIZEN)


def test_a_person_is_found_by_whole_name_only_while_publicly_listed(world) -> None:  # type: ignore[no-untyped-def]
    # A public record of a person (a penalty) does not make the person searchable.
    world.push(
        world.market,
        penalty("pp-1", HUAXIN, subject=person(CITIZEN, "钱不列")),
    )
    assert names(world.client, "钱不列") == []
    entry = world.list_entry(
        world.court, "court_judgment_defaulters", person(CITIZEN, "钱不列"), "1"
    )
    page = world.client.get("/search", params={"q": "钱不列"}).text
    assert result_names(page) == ["钱不列"]
    assert result_keys(page)[0].startswith("p")
    assert CITIZEN[:6] + "********" + CITIZEN[14:] in page  # masked
    assert_no_id_number(page, CITIZEN)
    # Never by a character or part of the name.
    assert names(world.client, "钱") == []
    assert names(world.client, "不列") == []
    # Off the list, off the search.
    exit_ = world.step(
        world.court, entry, "exit", {"reason": "revocation", "explanation": "认定有误"}
    )
    assert exit_.status_code == 200, exit_.text
    assert names(world.client, "钱不列") == []


def test_a_person_on_a_shared_list_is_not_searchable(world) -> None:  # type: ignore[no-untyped-def]
    # Watch lists are shared between departments, not published (003 联合奖惩 §（二十））.
    world.list_entry(world.market, "food_drug_watch", person(MANAGER, "孙关注"), "w1")
    assert names(world.client, "孙关注") == []


def test_a_person_whose_listing_expired_is_not_searchable(world) -> None:  # type: ignore[no-untyped-def]
    list_subject(
        world, world.court, "court_judgment_defaulters", person(CITIZEN, "周期满"), "e1",
        listed_until="2026-07-01",
    )  # fmt: skip
    assert names(world.client, "周期满") == ["周期满"]
    world.pass_days(30)  # past listed_until: out of force before the daily job runs
    assert names(world.client, "周期满") == []


def test_searching_shows_public_list_badges(world) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(
        world.court,
        "court_judgment_defaulters",
        {"credit_code": HENGDA, "name": "苏州恒达贸易有限公司"},
        "b1",
    )
    page = world.client.get("/search", params={"q": "恒达"}).text
    assert "失信被执行人名单" in page
    assert_no_id_number(page)


def test_the_daily_jobs_bring_the_search_table_up_to_date(world, db, clock) -> None:  # type: ignore[no-untyped-def]
    """docs/portal.md, ADR 0012: names collected since are indexed by the scheduled jobs, not
    by the next visitor's search nor (on PostgreSQL) by the collection itself."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    ctx = CollectionContext(db)
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == 5
    world.push(world.market, registration("r-6", credit_code("91320500MA1H2X3F4"), "无锡新华"))
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == 1
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == 0
    assert names(world.client, "新华") == ["无锡新华"]


def test_the_jobs_index_a_backlog_a_chunk_per_transaction(world, db, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A bulk load's names are indexed in short transactions, so that requests waiting for
    SQLite's write lock get it in between; every name is indexed once, and found."""
    import xinyong.jobs
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    monkeypatch.setattr(xinyong.jobs, "SEARCH_CHUNK", 7)
    monkeypatch.setattr(xinyong.jobs, "SEARCH_PAUSE_S", 0)
    ctx = CollectionContext(db)
    run_jobs(db, clock, ctx)
    insert_organisations(db, [f"常州批量{i:02d}科技有限公司" for i in range(30)])
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == 30
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == 0
    assert len(names(world.client, "批量")) == 20  # a page of the 30
    if db.dialect == "postgresql":
        # The emptied queue was vacuumed: the search's scan of it reads no dead rows.
        with db.engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_relation_size('subject_search_queue')")
            assert size.scalar() == 0


QUERIES = ("华", "信", "华信", "南京华信", "恒达", "贸易有限", "司", "%之_", "百\\商", "😀", "永盛")


def test_a_search_finds_the_same_before_and_after_the_jobs_index(world, db, clock) -> None:  # type: ignore[no-untyped-def]
    """Between collection and the jobs, PostgreSQL's search reads the queued names as they
    are (ADR 0012); SQLite's indexes them itself. Either way nothing is missed or stale — a
    rename included, whether the old name was indexed or not."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    ctx = CollectionContext(db)
    before = {q: names(world.client, q) for q in QUERIES}
    run_jobs(db, clock, ctx)
    assert {q: names(world.client, q) for q in QUERIES} == before
    assert before["华"] == ["华信", "南京华信", "南京华信科技有限公司"]
    # Renamed after its old name was indexed: found by the new one only, before the jobs and
    # after.
    world.push(world.market, registration("r-4b", HENGDA, "苏州永盛贸易有限公司"))
    pending = {q: names(world.client, q) for q in QUERIES}
    assert pending["恒达"] == [] and pending["永盛"] == ["苏州永盛贸易有限公司"]
    # PostgreSQL queued the rename; SQLite's search applied it already.
    assert run_jobs(db, clock, ctx)["search_names_indexed"] == (db.dialect == "postgresql")
    assert {q: names(world.client, q) for q in QUERIES} == pending


def _wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_a_code_with_a_wrong_check_character_is_said_to_be_invalid(world) -> None:  # type: ignore[no-untyped-def]
    """Issue 14: a credit code or ID number with a wrong check character was answered "没有
    找到"; it is invalid, and the page says so (core/identifiers, GB 32100-2015)."""
    for q in (_wrong_check(HENGDA), _wrong_check(HENGDA).lower(), f" {_wrong_check(HENGDA)} "):
        answer = world.client.get("/search", params={"q": q})
        assert answer.status_code == 200
        assert "统一社会信用代码校验位不正确" in answer.text, q
        assert "没有找到" not in answer.text and result_names(answer.text) == []
        assert f'value="{_wrong_check(HENGDA)}"' in answer.text  # kept in the form to correct
    # A character no code uses, or a character too few: invalid too, said precisely.
    typo = world.client.get("/search", params={"q": HENGDA[:10] + "O" + HENGDA[11:]}).text
    assert "统一社会信用代码无效：第 11 位字符“O”不允许" in typo and "没有找到" not in typo
    short = world.client.get("/search", params={"q": HENGDA[:17]}).text
    assert "统一社会信用代码无效：应为 18 位，实为 17 位" in short
    # An all-digit credit code that fails as an ID number too is not echoed.
    digits = world.client.get("/search", params={"q": "123456789012345670"}).text
    assert "统一社会信用代码校验位不正确" in digits and 'value="123456789012345670"' not in digits
    # A name is still a name, and a valid code nobody holds is still "没有找到".
    assert names(world.client, "南京华信科技有限公司") == ["南京华信科技有限公司"]
    unknown = world.client.get("/search", params={"q": credit_code("91320100MA1YYYYY9")}).text
    assert "没有找到" in unknown and "不正确" not in unknown


def test_an_id_number_with_a_wrong_check_character_is_said_to_be_invalid(world) -> None:  # type: ignore[no-untyped-def]
    wrong = _wrong_check(CITIZEN)
    answer = world.client.get("/search", params={"q": wrong})
    assert answer.status_code == 200
    assert "身份证号码校验位不正确" in answer.text
    assert "不提供按身份证号码查询" in answer.text  # and still never searched
    assert "没有找到" not in answer.text
    assert wrong not in answer.text and CITIZEN not in answer.text
    # A valid one is refused as before, without a word on its validity.
    valid = world.client.get("/search", params={"q": CITIZEN}).text
    assert "不提供按身份证号码查询" in valid and "不正确" not in valid
