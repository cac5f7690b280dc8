"""The database fixtures (fixtures/database.py): each test finds the defaults exactly as
``ensure_defaults`` publishes them on an empty database, whatever the test before it wrote,
and ids go on as they did when ``ensure_defaults`` ran before every test."""

from __future__ import annotations

from sqlalchemy import func, select

from fixtures.database import DefaultRows, empty_database, give_defaults, kept_world
from fixtures.helpers import make_caller, org, penalty
from fixtures.lists import ACME, World, make_world
from xinyong.core import audit
from xinyong.core.clock import FixedClock
from xinyong.db import Database
from xinyong.defaults import ensure_defaults
from xinyong.feeds.changes import head
from xinyong.models import AuditEntry, Base, CatalogItem, Department, Role


def _state(db: Database) -> tuple[dict[str, int], int, list[str], int]:
    """Rows per table, the change feed's head, the catalog's item codes, audit entries checked."""
    with db.transaction() as session:
        counts = {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }
        codes = sorted(session.execute(select(CatalogItem.code)).scalars())
        verified = audit.verify(session)
        assert verified.ok, verified.findings
        return {k: n for k, n in counts.items() if n}, head(session), codes, verified.checked


def _last_ids(db: Database) -> tuple[int, int]:
    """The highest audit entry id (the chain's own count) and department id (a sequence)."""
    with db.transaction() as session:
        return (
            session.execute(select(func.max(AuditEntry.id))).scalar_one(),
            session.execute(select(func.coalesce(func.max(Department.id), 0))).scalar_one(),
        )


def test_the_defaults_given_are_those_ensure_defaults_publishes(
    db: Database, clock: FixedClock
) -> None:
    given = _state(db)
    empty_database(db)
    assert _state(db)[0] == {"audit_head": 1, "change_head": 1}
    with db.transaction() as session:
        ensure_defaults(session, now=clock.now())
    assert _state(db) == given
    counts, feed_head, codes, audited = given
    assert "catalog_versions" in counts and feed_head > 0 and codes and audited > 0


def test_what_a_test_wrote_is_gone_for_the_next(db: Database, clock: FixedClock) -> None:
    with db.engine.connect() as conn:
        before = DefaultRows.read(conn)
    given = _state(db)
    make_caller(db, clock, role=Role.provider)  # a department, a token, audit entries, changes
    assert _state(db) != given
    give_defaults(db, clock.now())
    with db.engine.connect() as conn:
        assert DefaultRows.read(conn) == before
    # The feed's head is back where a fresh ensure_defaults leaves it, as it always was: the
    # caches keyed by it (checks' snapshot, tokens) belong to each test's app.
    assert _state(db) == given


def test_ids_go_on_after_the_defaults_are_given_again(db: Database, clock: FixedClock) -> None:
    """No row made after the defaults were given again takes a kept row's id (the audit chain
    goes on from the kept entries, as from a fresh ensure_defaults); on PostgreSQL a sequence
    never gives the id of a row a test made and that was deleted (they are never reset)."""
    kept_audit, _ = _last_ids(db)
    make_caller(db, clock, role=Role.provider, code="first")
    _, first = _last_ids(db)
    give_defaults(db, clock.now())
    assert _last_ids(db)[0] == kept_audit
    make_caller(db, clock, role=Role.provider, code="second")
    audit_after, second = _last_ids(db)
    assert audit_after > kept_audit
    if db.dialect == "postgresql":
        assert second > first
    else:  # SQLite rowids: one past the highest present, as after any DELETE
        assert second == first == 1


def _listed_world(client, db: Database, clock: FixedClock) -> World:  # type: ignore[no-untyped-def]
    """A world whose build moves the clock on (a listing waits out its notice period)."""
    w = make_world(client, db, clock)
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    return w


def test_a_kept_world_is_given_again_as_it_was_built(
    client, db: Database, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    """kept_world: built once, then given by inserts, the world reads the same (rows, change
    feed, audit chain), the clock stands where the build left it, and its callers' tokens and
    the app's caches work on it as on the world built."""
    start, lease = clock.now(), frozenset({"id_nodes"})  # the app's, kept as it is
    with db.engine.connect() as conn:
        defaults = DefaultRows.read(conn, skip=lease)
    built = kept_world(_listed_world, client, db, clock)
    state, moved = _state(db), clock.now()
    assert moved > start
    with db.engine.begin() as conn:  # as the next test finds it
        defaults.restore(conn, keep=lease)
    clock.set(start)
    given = kept_world(_listed_world, client, db, clock)
    assert _state(db) == state and clock.now() == moved
    assert given is not built and given.client is client and given.db is db
    assert given.court == built.court
    # The check snapshot the app warmed before the rows came catches up by the change feed: the
    # listing is found, as on the world built.
    answer = given.check("bidding", ACME)
    assert answer.status_code == 200, answer.text
    result = answer.json()["results"][0]
    assert (result["found"], result["decision"]) != (False, "clear"), result
    given.push(given.market, penalty("p-1", ACME))


def test_a_world_whose_build_evaluates_is_kept(
    client, db: Database, clock: FixedClock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The process's first evaluation installs DuckDB's extensions under its test's directory
    (evaluation/extract.py), where every later one loads them from: files of the process, not
    of the world, so a world whose build evaluates (the demo, tests/fixtures/demo.py) is kept
    all the same and not built again."""
    from xinyong.evaluation import extract

    monkeypatch.setattr(extract, "_extension_directory", None)  # as at a process's first run
    builds: list[int] = []

    def evaluating(client, db: Database, clock: FixedClock) -> int:  # type: ignore[no-untyped-def]
        builds.append(1)
        con = extract.connect(db.settings.var_dir)
        extract.load_extension(con, "sqlite")
        con.close()
        return len(builds)

    start = clock.now()
    with db.engine.connect() as conn:
        defaults = DefaultRows.read(conn, skip=frozenset({"id_nodes"}))
    assert kept_world(evaluating, client, db, clock) == 1
    assert any((db.settings.var_dir / "duckdb" / "extensions").rglob("*.duckdb_extension"))
    with db.engine.begin() as conn:  # as the next test finds it
        defaults.restore(conn, keep=frozenset({"id_nodes"}))
    clock.set(start)
    assert kept_world(evaluating, client, db, clock) == 1 and builds == [1]
