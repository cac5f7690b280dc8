"""A training deployment: `xinyong serve` with XINYONG_FIXED_TODAY answers as of that day —
the archive's date, a record's arrival and its validity — and every page says the date is
fixed (issue 13). A real server process, on the test's database."""

from __future__ import annotations

from datetime import datetime

import pytest

from fixtures.helpers import credit_code, make_caller, penalty
from fixtures.server import serving
from xinyong.core.clock import SHANGHAI
from xinyong.models import Role

COMPANY = credit_code("91320100MA1XYW12Q")
FIXED = "2026-07-01"
BANNER = f"培训演示环境：系统日期固定为 {FIXED}"


@pytest.mark.slow
def test_the_server_answers_as_of_the_fixed_day(db, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    provider = make_caller(db, clock, role=Role.provider)
    # A general failure determined on 2025-08-01 is in force until 2026-08-01 (Measures art.
    # 30): on the fixed day, not by the real clock (past 2026-12).
    record = penalty("1", COMPANY, determined_on="2025-08-01")
    with serving(db, tmp_path, XINYONG_FIXED_TODAY=FIXED) as server:
        answer = server.post(
            "/api/v1/records/batches",
            json={"channel": "same_level", "records": [record]},
            headers=provider.headers,
        )
        assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text
        archive = server.get(f"/api/v1/subjects/{COMPANY}/archive").json()
        home = server.get("/")
    assert archive["as_of"] == FIXED
    (stored,) = [r for records in archive["categories"].values() for r in records]
    # Stored in UTC: the fixed day is Asia/Shanghai's (before 08:00 there, UTC's day before).
    received = datetime.fromisoformat(stored["received_at"]).astimezone(SHANGHAI)
    assert received.date().isoformat() == FIXED and stored["standing"] == "active"
    assert BANNER in home.text


def test_no_banner_on_the_real_clock(client) -> None:  # type: ignore[no-untyped-def]
    assert "培训演示环境" not in client.get("/").text
