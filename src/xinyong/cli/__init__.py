"""The ``xinyong`` command: main (the command and its own subcommands), reference (the
reference data: catalog, lists, measures list, calendar, validity rules, the 双公示 report),
commitments (the commitment item list), evaluation (models, runs, explanations), common (the
one error path, consoles, database and clock)."""

from xinyong.cli.main import app as app
