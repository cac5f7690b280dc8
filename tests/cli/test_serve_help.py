"""`xinyong serve --help` names each option's default value and the variable that sets it
(issue 14: it printed "default: XINYONG_HOST" in place of the value)."""

from __future__ import annotations

from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.settings import Settings


def test_serve_help_shows_the_default_values_and_their_variables() -> None:
    done = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    lines = {line.split()[1]: line for line in done.output.splitlines() if "--" in line}
    defaults = Settings.model_fields
    assert f"[default: {defaults['host'].default}]" in lines["--host"]
    assert "[env var: XINYONG_HOST]" in lines["--host"]
    assert f"[default: {defaults['port'].default}]" in lines["--port"]
    assert "[env var: XINYONG_PORT]" in lines["--port"]
    assert "default: XINYONG_" not in done.output
