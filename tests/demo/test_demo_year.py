"""A loaded demo reads like a real year (issue 14): the authority's dashboard has records in each
of its 12 months, the 双公示 notice finds most decisions published within 7 working days, the
batches arrived over two years, and the showcase organisation's archive is open to anyone."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select

from fixtures.demo import FULL, kept_demo
from xinyong.core.clock import local_date
from xinyong.models import Batch, Department


def _log_in(client, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_the_demo_reads_like_a_real_year(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    result = kept_demo(client, db, clock, **FULL)
    assert result.rejected == 0
    today = clock.now().date()

    # The dashboard's chart of records collected per month: none of its 12 months is empty.
    # The authority's people work under their own names (issue 14): any of them reads this.
    username, account = next(
        (u, a) for u, a in result.accounts.items() if u.startswith("js-credit_authority.")
    )
    _log_in(client, username, account["password"])
    page = client.get("/authority").text
    found = re.search(
        r'<script type="application/json" id="chart-data-collected">(.*?)</script>', page, re.S
    )
    assert found, "the dashboard has no chart of records collected"
    chart = json.loads(found.group(1))
    months = chart["xAxis"]["data"]
    totals = [sum(series["data"][i] for series in chart["series"]) for i in range(len(months))]
    assert len(months) == 12 and months[-1] == today.strftime("%Y-%m")
    assert all(total > 0 for total in totals), dict(zip(months, totals, strict=True))

    # The 双公示 notice of each of those months: between 80 % and 99 % on time in all.
    token = result.tokens["js-credit_authority"]["token"]
    on_time = late = 0
    for month in months:
        report = client.get(
            "/api/v1/reports/dual-publicity",
            params={"month": month, "limit": 0},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        on_time += report["on_time"]
        late += report["late"]
        assert report["total"] > 0, month
    assert 0.8 <= on_time / (on_time + late) <= 0.99, (on_time, late)

    # The batches: one per provider and push, received over the 24 months before today, none
    # later than now, and never before their department existed.
    with db.transaction() as session:
        rows = session.execute(
            select(Batch.received_at, Department.created_at).join(
                Department, Department.id == Batch.provider_id
            )
        ).all()
    arrivals = [local_date(received) for received, _created in rows]
    assert min(arrivals) >= date(today.year - 2, today.month, today.day)
    assert max(received for received, _created in rows) <= clock.now()
    assert all(received >= created for received, created in rows)
    assert len({(a.year, a.month) for a in arrivals}) >= 24
    assert result.accepted / len(rows) > 3  # pushes, not one batch per record

    # The showcase organisation (the README's example) is there for anyone to read.
    code, name = result.showcase
    archive = client.get(f"/api/v1/subjects/{code}/archive")
    assert archive.status_code == 200
    assert name in archive.text
