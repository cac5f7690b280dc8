"""/me: the subject's identity and whole archive — every disclosure class, only to itself —
with each record's standing, the marks and the links to object or repair (issue 5 § 2)."""

from __future__ import annotations

import re

from subject_pages import log_in_subject, record_ids, subject_token, text_of

from fixtures.lists import ACME, BETA, World


def test_the_subject_sees_its_whole_archive_by_category(world: World) -> None:
    log_in_subject(world)
    page = world.client.get("/me")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = text_of(page.text)
    assert ACME in text and "南京艾克米科技有限公司" in text
    # Every disclosure class: the public penalty, the government-shared arrears and the
    # authorised donation, each with its class and standing, in its category.
    assert "负面信息（2）" in text and "正面信息（1）" in text
    assert "行政处罚信息 社会公开 有效" in text
    assert "欠缴社会保险费信息 政府共享 有效" in text
    assert "慈善捐赠信息 授权查询 有效" in text
    ids = record_ids(world, ACME)
    # Negative records in force may be objected to and repaired; a positive one objected to.
    for item in ("administrative_penalty", "social_insurance_arrears"):
        assert f'href="/me/repairs/new?record={ids[item]}"' in page.text
        assert f'href="/me/objections/new?record={ids[item]}"' in page.text
    assert f'href="/me/objections/new?record={ids["charitable_donation"]}"' in page.text
    assert f'href="/me/repairs/new?record={ids["charitable_donation"]}"' not in page.text
    # Another subject's information is not in it.
    assert "p-2" not in text and BETA not in text


def test_the_shared_and_authorised_records_are_the_subjects_alone(world: World) -> None:
    # The public's archive of the same subject has the penalty only.
    public = world.client.get(f"/api/v1/subjects/{ACME}/archive").json()
    items = {r["item"] for rs in public["categories"].values() for r in rs}
    assert items == {"administrative_penalty"}
    # Another subject's console shows its own archive, none of ACME's.
    log_in_subject(world, BETA, "beta")
    text = text_of(world.client.get("/me").text)
    assert "南京贝塔贸易有限公司" in text
    assert "欠缴社会保险费信息" not in text and "慈善捐赠信息" not in text
    assert ACME not in text


def test_an_objection_marks_the_record_on_the_console(world: World) -> None:
    ids = record_ids(world, ACME)
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(ids["administrative_penalty"])},
            "ground": "wrong_or_incomplete",
            "statement": "处罚决定已被撤销。",
        },
        headers=subject_token(world, ACME).headers,
    )
    assert filed.status_code == 201, filed.text
    log_in_subject(world)
    page = world.client.get("/me")
    assert "异议处理中" in page.text
    assert f'href="/me/objections/{filed.json()["id"]}"' in page.text
    # The record stays in force meanwhile (Measures art. 32): it may still be repaired.
    assert f'href="/me/repairs/new?record={ids["administrative_penalty"]}"' in page.text


def test_the_subjects_own_reading_is_in_its_query_log_as_its_own(world: World) -> None:
    log_in_subject(world)
    world.client.get("/me")
    others = text_of(world.client.get("/me/queries").text)
    assert "暂无其他单位查询您的非公开信息" in others
    mine = text_of(world.client.get("/me/queries?mine=1").text)
    assert "本人 查阅信用档案" in mine and "本人查询" in mine


def test_other_readers_stay_in_the_log_however_often_the_subject_reads_itself(
    world: World,
) -> None:
    """004 §14: every query of its non-public information, whoever's — the subject's own
    reads never push a department's out of the page, and older reads are a page back."""
    own = subject_token(world, ACME)
    for _ in range(120):  # more than a page of the subject's own reads, through its token
        world.client.get(f"/api/v1/subjects/{ACME}/archive", headers=own.headers)
    purposes = [f"行政许可审查 2026-{n:03d}" for n in range(105)]
    for purpose in purposes:  # more than a page of a department's reads, oldest first
        read = world.client.get(
            f"/api/v1/subjects/{ACME}/archive",
            params={"purpose": purpose},
            headers=world.user.headers,
        )
        assert read.status_code == 200, read.text
    for _ in range(120):
        world.client.get(f"/api/v1/subjects/{ACME}/archive", headers=own.headers)
    log_in_subject(world)
    first = world.client.get("/me/queries")
    text = text_of(first.text)
    assert purposes[-1] in text and purposes[5] in text and purposes[4] not in text
    assert "本人 查阅信用档案" not in text and "包括本人查询（240 次）" in text
    older = re.search(r'href="(/me/queries\?before=\d+)"', first.text)
    assert older is not None
    text = text_of(world.client.get(older.group(1)).text)
    assert purposes[0] in text and purposes[4] in text and purposes[5] not in text
    api = world.client.get(
        f"/api/v1/subjects/{ACME}/queries",
        params={"others_only": "true", "limit": 1000},
        headers=own.headers,
    ).json()
    assert [q["purpose"] for q in api] == purposes[::-1]
