"""Every count on the authority's dashboard links to the items behind it: the batches of a
department (and each batch's refused rows), its checks, and the tasks of the queue."""

from __future__ import annotations

import re

from console_steps import assert_all_chinese

from fixtures.helpers import penalty, push
from fixtures.lists import ACME, World


def test_collection_and_checks_counts_open_their_batches_and_checks(
    authority, world: World
) -> None:  # type: ignore[no-untyped-def]
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    bad = penalty("p-2", ACME, "南京艾克米科技有限公司")
    del bad["fields"]["penalty_content"]
    answer = push(world.client, world.market, [bad])
    assert answer.status_code == 200 and answer.json()["rejected"]
    assert world.check("bidding", ACME).status_code in (200, 201)

    home = authority.get("/authority").text
    month = re.search(r'href="/authority/batches\?department=amr&month=(\d{4}-\d{2})">1<', home)
    assert month, "the month's count links to the month's batches"
    assert 'href="/authority/checks?department=finance"' in home

    batches = authority.get(f"/authority/batches?department=amr&month={month.group(1)}")
    assert batches.status_code == 200
    ids = re.findall(r'href="/authority/batches/(\d+)"', batches.text)
    assert len(set(ids)) == 2
    assert_all_chinese(batches.text)
    refused = [i for i in set(ids) if f'/authority/batches/{i}#errors"' in batches.text]
    assert len(refused) == 1
    batch = authority.get(f"/authority/batches/{refused[0]}")
    assert batch.status_code == 200 and "退回的记录" in batch.text and "处罚内容" in batch.text
    assert_all_chinese(batch.text)

    checks = authority.get("/authority/checks?department=finance")
    assert (
        checks.status_code == 200
        and "招标投标" in checks.text
        and "行政许可 2026-001" in checks.text
    )
    assert_all_chinese(checks.text)
    assert authority.get("/authority/batches?department=nowhere").status_code == 404
    assert authority.get("/authority/batches/1").status_code == 404


def test_the_pages_behind_the_counts_are_the_authoritys(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    from authority_pages import log_in

    from xinyong.models import Role

    log_in(client, db, clock, role=Role.user_department, department="finance")
    for path in ("/authority/batches?department=amr", "/authority/checks?department=finance"):
        assert client.get(path).status_code == 403, path
