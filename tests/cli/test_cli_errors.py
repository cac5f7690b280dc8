"""Every refusal of the `xinyong` command is one line, in Chinese and English, with a non-zero
exit and no traceback (issue 13): one error path in cli.py for the services' refusals, a wrong
command line, the settings, a file and the database."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from xinyong.cli.common import parse_as_of
from xinyong.core.clock import SHANGHAI
from xinyong.errors import InvalidRequest
from xinyong.models import Role

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\([^()]*[A-Za-z]{3,}")  # the English message, in brackets
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)


def assert_one_bilingual_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert CHINESE.search(lines[0]) and ENGLISH.search(lines[0]), lines[0]
    return lines[0]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "f.csv").write_text("source_id\n1\n", encoding="utf-8")
    (tmp_path / "f.txt").write_text("1\n", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    return {
        "csv": str(tmp_path / "f.csv"),
        "txt": str(tmp_path / "f.txt"),
        "json": str(tmp_path / "broken.json"),
    }


DEPARTMENT = ["department", "create", "--name", "南京市税务局", "--region", "320100"]

REFUSED = {
    # The five of issue 13.
    "unknown provider": (["import", "{csv}", "--provider", "nope"], "department_not_found"),
    "unknown file type": (["import", "{txt}", "--provider", "nj-scjg"], "unsupported_file"),
    "public token": (["token", "create", "--role", "public", "--name", "x"], "invalid_usage"),
    "duplicate department": ([*DEPARTMENT, "--code", "nj-scjg", "--kind", "tax"], "exists"),
    "unknown kind": ([*DEPARTMENT, "--code", "nj-sw", "--kind", "foo"], "invalid_kind"),
    "no such catalog version": (["catalog", "publish", "9"], "not_found"),
    # Found since: a missing file, a missing option, a file not in its format, no subject,
    # a token without its department, a date the jobs cannot run as.
    "missing file": (["import", "nothing.csv", "--provider", "nj-scjg"], "invalid_usage"),
    "missing option": (["department", "create", "--code", "x"], "invalid_usage"),
    "no such command": (["nothing"], "invalid_usage"),
    "catalog file": (["catalog", "load", "{json}"], "invalid_request"),
    "lists file": (["lists", "load", "{json}"], "invalid_request"),
    "measures file": (["measures", "load", "{json}"], "invalid_request"),
    "token without department": (
        ["token", "create", "--role", "provider", "--name", "x"],
        "missing_field",
    ),
    "token of no subject": (
        ["token", "create", "--role", "subject", "--name", "x", "--subject", "123"],
        "invalid_credit_code",
    ),
    "negative demo": (["demo", "--subjects", "-5"], "invalid_usage"),
    "tick in the future": (["tick", "--at", "2999-01-01"], "date_in_future"),
    "tick on no date": (["tick", "--at", "2026-02-30"], "invalid_date"),
}


@pytest.mark.parametrize("args, code", REFUSED.values(), ids=REFUSED.keys())
def test_a_refusal_is_one_line_in_chinese_and_english(run, provider, files, args, code) -> None:  # type: ignore[no-untyped-def]
    line = assert_one_bilingual_line(run(*(a.format_map(files) for a in args)))
    assert code in line.split()[0]


def test_a_wrong_setting_is_one_line(run) -> None:  # type: ignore[no-untyped-def]
    line = assert_one_bilingual_line(run("department", "list", XINYONG_PORT="eighty"))
    assert line.startswith("invalid_setting") and "XINYONG_PORT" in line


def test_a_database_without_tables_is_one_line(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    line = assert_one_bilingual_line(run("department", "list", XINYONG_DATABASE_URL=empty))
    assert line.startswith("database_unavailable") and "xinyong db upgrade" in line


def test_the_public_is_not_offered_a_token_or_an_account(run) -> None:  # type: ignore[no-untyped-def]
    from typing import get_args

    from xinyong.cli.main import HolderRole

    offered = set(get_args(get_args(HolderRole)[0]))
    assert offered == {r.value for r in Role} - {Role.public.value}
    assert "public" not in run("token", "create", "--help").output


class TestAsOf:
    """What `xinyong tick --at` accepts."""

    def test_a_date_is_the_start_of_that_day_in_shanghai(self) -> None:
        assert parse_as_of("2026-06-01", NOW) == datetime(2026, 6, 1, tzinfo=SHANGHAI)
        assert parse_as_of(" 2026-06-15 ", NOW).date() == date(2026, 6, 15)  # today: its start

    def test_a_time_without_an_offset_is_shanghai_time(self) -> None:
        late = datetime(2026, 6, 14, 23, 30, tzinfo=SHANGHAI)
        assert parse_as_of("2026-06-14T23:30", NOW) == late
        assert parse_as_of("2026-06-15T01:00+00:00", NOW) == NOW - timedelta(hours=1)

    @pytest.mark.parametrize("text", ["2026-06-16", "2026-06-15T10:01", "2026-06-15T02:01Z"])
    def test_later_than_now_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidRequest) as refused:
            parse_as_of(text, NOW)
        assert refused.value.code == "date_in_future"

    @pytest.mark.parametrize("text", ["", "yesterday", "2026-6-1", "2026-06-31", "15/06/2026"])
    def test_anything_else_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidRequest) as refused:
            parse_as_of(text, NOW)
        assert refused.value.code == "invalid_date"
