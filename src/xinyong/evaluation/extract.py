"""The evaluation's input tables, read by DuckDB straight from the platform's database —
SQLite or PostgreSQL, through the extensions shipped as Python packages — or from a Parquet
extract; and that extract written for Spark (docs/adr/0016).

The extensions are never downloaded: ``INSTALL '<file>'`` copies the file the package ships
into an extension directory under ``XINYONG_VAR_DIR`` (by the extension's canonical name,
``postgres_scanner`` / ``sqlite_scanner``, under which alone it loads), and autoloading from
the internet is switched off. An intranet host needs nothing but the wheels.

The tables, whatever they are read from (the engine's only inputs):

    in_subjects      subject_id, kind
    in_records       subject_id, record_id, item_code, severity, standing (each its
                     place in its enum, :func:`place`), determined_on, expires_on,
                     received_on, item (its number among the model's items),
                     under_objection, and each field the model reads as its rules ask of it:
                     f_<field> (text), d_<field> (date), filled_<field> (boolean),
                     c_<n> (the value's place among a rule's values)
    in_entries       subject_id, entry_id, list_code, kind, state, confirmed_on, listed_until,
                     rectified
    in_commitments   subject_id, commitment_id, type, state, signed_on, closed_on
    in_declarations  subject_id, declaration_id, category, state, verified_on

Only what the model needs is read: records of the items it names, with the fields it names
(``Needs``), each typed as what the rules ask of it. A field a rule compares with its listed
values becomes that value's place in the list, a small integer, and one only asked whether it
is filled a boolean; standing and severity become their places in their enums. The scoring
then compares integers where it compared text: reading and comparing the records' text
columns was the largest part of its cost (docs/performance.md § Evaluation). (DuckDB compares
an enum with a text literal as text, casting each row's value.) Days are Asia/Shanghai's (UTC+8
all year since 1991)."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import ModuleType

import duckdb
from sqlalchemy.engine import make_url

from xinyong.models.record import Severity, Standing

INPUTS = ("subjects", "records", "entries", "commitments", "declarations")
# Organisations by the kinds a model for organisations applies to; government agencies are
# evaluated by the government-integrity evaluation instead (003 政务诚信 §（五））.
KINDS = {
    "organisation": ("legal_person", "non_legal_person_org"),
    "natural_person": ("natural_person",),
}


@dataclass(frozen=True)
class FieldNeed:
    """A field some items' records are read with, as each use asks: as text (``f_<name>``),
    as a date (``d_<name>``), whether it is filled (``filled_<name>``: neither missing nor
    empty). A field read only for :class:`ChoiceNeed` columns has none of the three."""

    name: str
    items: tuple[str, ...]
    is_date: bool
    text: bool = False
    filled: bool = False


@dataclass(frozen=True)
class ChoiceNeed:
    """A field's value as its place among a rule's ``values`` (``column``, 1 for the first;
    0 for any other value and for none): what a condition or a points table asks of it."""

    column: str
    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Needs:
    """What a model reads of the archive: its subjects' kind, the items, their fields."""

    applies_to: str
    items: tuple[str, ...]
    fields: tuple[FieldNeed, ...]
    # Repaired records of any item count for rectification done.
    repaired: bool = False
    choices: tuple[ChoiceNeed, ...] = ()


def _extension_module(name: str) -> ModuleType:
    if name == "postgres":
        import duckdb_extension_postgres

        return duckdb_extension_postgres
    import duckdb_extension_sqlite

    return duckdb_extension_sqlite


# Where this process's connections install and load the shipped extensions: the first
# directory used. DuckDB never unloads an extension it loaded, and the same extension installed
# under a second directory is another file, mapped again (postgres 40 MB, sqlite 34 MB): a
# process opening DuckDB under a new var directory each time (the tests: one a test) grew by
# that much a run.
_extension_directory: Path | None = None
_extension_lock = threading.Lock()


def _extensions_under(var_dir: Path) -> Path:
    global _extension_directory
    with _extension_lock:
        if _extension_directory is None or not _extension_directory.is_dir():
            _extension_directory = Path(var_dir) / "duckdb" / "extensions"
            _extension_directory.mkdir(parents=True, exist_ok=True)
        return _extension_directory


def connect(var_dir: Path, *, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills under ``var_dir`` and loads extensions only from the
    shipped packages (installed once per process, under the first ``var_dir``)."""
    base = Path(var_dir) / "duckdb"
    base.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "extension_directory": str(_extensions_under(var_dir)),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "temp_directory": str(base / "tmp"),
        # Nothing here reads a table in the order it was written: what needs an order asks
        # for it (the explanation's rows, an industry evaluation's latest). Without the
        # promise the threads write a table's rows each as they come.
        "preserve_insertion_order": False,
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    return duckdb.connect(config=config)


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """``postgres`` or ``sqlite``, from the file its package ships for this DuckDB."""
    module = _extension_module(name)
    assert module.__file__ is not None  # a regular package
    version = duckdb.sql("PRAGMA version").fetchone()[0]  # type: ignore[index]  # one row
    shipped = Path(module.__file__).parent / "extensions" / version / f"{name}.duckdb_extension"
    con.execute(f"INSTALL '{shipped}'")
    con.execute(f"LOAD {name}")


def _enum(kind: type[StrEnum]) -> str:
    """The DuckDB enum of ``kind``'s values, in their declared order. The stored columns hold
    no other value (models/record.py, ``str_enum``): a cast to it never fails."""
    return f"ENUM({_quoted([member.value for member in kind])})"


def place(member: StrEnum) -> int:
    """What the input tables hold of a standing or a severity: its place in its enum's
    declared order, as the cast through :func:`_enum` numbers it."""
    return list(type(member)).index(member)


def _placed(column: str, kind: type[StrEnum]) -> str:
    return f"CAST(enum_code(CAST({column} AS {_enum(kind)})) AS SMALLINT) AS {column}"


def _quoted(values: Collection[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"


def _ids(subject_ids: Collection[int] | None) -> str:
    if subject_ids is None:
        return ""
    return f" AND subject_id IN ({', '.join(str(int(s)) for s in subject_ids) or 'NULL'})"


def read_database(
    con: duckdb.DuckDBPyConnection,
    database_url: str,
    needs: Needs,
    *,
    subject_ids: Collection[int] | None = None,
) -> None:
    """Make the input tables from the platform's database (read only), narrowed to
    ``subject_ids`` when given (an explanation reads one subject).

    PostgreSQL is read through DuckDB's postgres extension. SQLite never is: that extension
    carries a second copy of the SQLite library, and two copies in one process drop each
    other's POSIX locks when either closes the file (https://sqlite.org/howtocorrupt.html
    §2.2.1), so a WAL database shared with the server's own connections and other processes
    can be corrupted. The queries run instead on Python's own SQLite, in one read
    transaction, into a snapshot file of their rows only, which DuckDB then reads."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        queries = _queries("sqlite", needs, _ids(subject_ids))
        with tempfile.TemporaryDirectory(dir=_temp_directory(con)) as folder:
            snapshot = Path(folder) / "inputs.db"
            _snapshot_sqlite(str(url.database), snapshot, queries)
            load_extension(con, "sqlite")
            # The snapshot's columns have only the affinities CREATE TABLE … AS gives them:
            # read as text, typed by input_tables.
            con.execute("SET sqlite_all_varchar = true")
            con.execute(f"ATTACH '{snapshot}' AS src (TYPE sqlite, READ_ONLY)")
            try:
                source = {name: _native("sqlite", f"SELECT * FROM {name}") for name in queries}
                input_tables(con, needs, source)
            finally:
                con.execute("DETACH src")
        return
    load_extension(con, "postgres")
    con.execute(f"ATTACH '{_libpq(database_url)}' AS src (TYPE postgres, READ_ONLY)")
    try:
        queries = _queries("postgresql", needs, _ids(subject_ids))
        input_tables(con, needs, {name: _native("postgresql", q) for name, q in queries.items()})
    finally:
        con.execute("DETACH src")


def _temp_directory(con: duckdb.DuckDBPyConnection) -> str:
    setting = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert setting is not None  # a setting's one row
    folder = setting[0]
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(folder)


def _snapshot_sqlite(database: str, snapshot: Path, queries: dict[str, str]) -> None:
    """Each query's rows as a table of ``snapshot``, read in one transaction of Python's
    SQLite (a consistent moment of the archive, beside the server's writer in WAL mode)."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    try:
        source.execute(f"ATTACH DATABASE '{snapshot}' AS snap")
        # A scratch file read once and deleted: no journal, no syncing.
        source.execute("PRAGMA snap.journal_mode=OFF")
        source.execute("PRAGMA snap.synchronous=OFF")
        source.execute("BEGIN")
        for name, query in queries.items():
            source.execute(f"CREATE TABLE snap.{name} AS {query}")
        source.execute("COMMIT")
        source.execute("DETACH DATABASE snap")
    finally:
        source.close()


def _libpq(database_url: str) -> str:
    """A SQLAlchemy URL as libpq's key=value string."""
    url = make_url(database_url)
    parts = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))


def _local_day(column: str, dialect: str) -> str:
    """The Asia/Shanghai day of a stored UTC time, in the database's own SQL: SQLite keeps
    it as naive text (models/base.py), PostgreSQL as timestamptz."""
    if dialect == "sqlite":
        return f"date({column}, '+8 hours')"
    return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS date)"


def _json_text(field: str, dialect: str) -> str:
    if dialect == "sqlite":
        return f"json_extract(fields, '$.{field}')"
    return f"fields->>'{field}'"


def _native(dialect: str, query: str) -> str:
    """A query the database runs itself (its filters, its JSON): DuckDB's extensions push
    no filter into SQLite and no JSON extraction into PostgreSQL, so the rows that cross are
    only those wanted, with only the fields wanted."""
    function = "sqlite_query" if dialect == "sqlite" else "postgres_query"
    return f"{function}('src', '{query.replace(chr(39), chr(39) * 2)}')"


def _queries(dialect: str, needs: Needs, narrow: str) -> dict[str, str]:
    """The inputs' queries in the database's own SQL, by name: the subjects the model applies
    to; the records of its items with the fields it reads, each taken out of the JSON by the
    database for those items only; the open objections on records; entries, commitments and
    declarations."""
    kinds = _quoted(KINDS[needs.applies_to])
    agency = " AND NOT is_government_agency" if needs.applies_to == "organisation" else ""
    items = f"(item_code IN ({_quoted(needs.items)})"
    items += " OR standing = 'repaired')" if needs.repaired else ")"
    fields = "".join(
        f", CASE WHEN item_code IN ({_quoted(f.items)}) THEN {_json_text(f.name, dialect)} "
        f"END AS f_{f.name}"
        for f in needs.fields
    )
    return {
        "subjects": "SELECT id, kind FROM subjects WHERE kind IN "
        f"({kinds}){agency}{narrow.replace('subject_id', 'id')}",
        "records": "SELECT subject_id, id, item_code, severity, standing, determined_on, "
        f"expires_on, {_local_day('received_at', dialect)} AS received_on{fields} "
        f"FROM records WHERE {items}{narrow}",
        "objections": "SELECT DISTINCT subject_id, target_id FROM objections "
        f"WHERE target_type = 'record' AND state <> 'closed'{narrow}",
        "entries": "SELECT subject_id, id, list_code, kind, state, "
        f"{_local_day('confirmed_at', dialect)} AS confirmed_on, listed_until, "
        f"rectified_at IS NOT NULL AS rectified FROM list_entries WHERE true{narrow}",
        "commitments": "SELECT subject_id, id, type, state, "
        f"{_local_day('signed_at', dialect)} AS signed_on, "
        f"{_local_day('closed_at', dialect)} AS closed_on FROM commitments WHERE true{narrow}",
        "declarations": "SELECT subject_id, id, category, state, "
        f"{_local_day('verified_at', dialect)} AS verified_on FROM declarations "
        f"WHERE true{narrow}",
    }


def input_tables(con: duckdb.DuckDBPyConnection, needs: Needs, source: dict[str, str]) -> None:
    """The input tables from each query's rows (``source``: name → what DuckDB reads them
    from, rows of the shape :func:`_queries` gives), typed here: SQLite's query results come
    as text, and each field becomes what the model's rules ask of it (``needs``)."""
    con.execute(
        "CREATE OR REPLACE TABLE in_subjects AS SELECT CAST(id AS BIGINT) AS subject_id, "
        f"CAST(kind AS VARCHAR) AS kind FROM {source['subjects']}"
    )
    typed = "".join(f", CAST(f_{f.name} AS VARCHAR) AS f_{f.name}" for f in needs.fields if f.text)
    typed += "".join(
        f", COALESCE(CAST(f_{f.name} AS VARCHAR) <> '', false) AS filled_{f.name}"
        for f in needs.fields
        if f.filled
    )
    for choice in needs.choices:
        places = " ".join(
            f"WHEN {_quoted([value])} THEN {n}" for n, value in enumerate(choice.values, 1)
        )
        typed += (
            f", CAST(CASE CAST(f_{choice.field} AS VARCHAR) {places} ELSE 0 END AS SMALLINT) "
            f"AS {choice.column}"
        )
    # The item by its number in needs.items (engine.item_numbers): what the engine looks up.
    number = " ".join(f"WHEN '{code}' THEN {n}" for n, code in enumerate(needs.items))
    typed += f", CAST(CASE item_code {number} END AS SMALLINT) AS item"
    dates = "".join(
        f", TRY_CAST(f_{f.name} AS DATE) AS d_{f.name}" for f in needs.fields if f.is_date
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_records AS SELECT CAST(r.subject_id AS BIGINT) AS "
        "subject_id, CAST(r.id AS BIGINT) AS record_id, CAST(item_code AS VARCHAR) AS "
        f"item_code, {_placed('severity', Severity)}, {_placed('standing', Standing)}, "
        "CAST(determined_on AS DATE) AS "
        "determined_on, CAST(expires_on AS DATE) AS "
        f"expires_on, CAST(received_on AS DATE) AS received_on{typed}, o.target_id IS NOT NULL "
        f"AS under_objection{dates} FROM {source['records']} r "
        f"LEFT JOIN {source['objections']} o "
        "ON CAST(o.subject_id AS BIGINT) = CAST(r.subject_id AS BIGINT) "
        "AND CAST(o.target_id AS BIGINT) = CAST(r.id AS BIGINT)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_entries AS SELECT CAST(subject_id AS BIGINT) AS subject_id, "
        "CAST(id AS BIGINT) AS entry_id, CAST(list_code AS VARCHAR) AS list_code, "
        "CAST(kind AS VARCHAR) AS kind, CAST(state AS VARCHAR) AS state, "
        "CAST(confirmed_on AS DATE) AS confirmed_on, CAST(listed_until AS DATE) AS "
        "listed_until, CAST(CAST(rectified AS INTEGER) AS BOOLEAN) AS rectified "
        f"FROM {source['entries']}"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_commitments AS SELECT CAST(subject_id AS BIGINT) AS "
        "subject_id, CAST(id AS BIGINT) AS commitment_id, CAST(type AS VARCHAR) AS type, "
        "CAST(state AS VARCHAR) AS state, CAST(signed_on AS DATE) AS signed_on, "
        f"CAST(closed_on AS DATE) AS closed_on FROM {source['commitments']}"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_declarations AS SELECT CAST(subject_id AS BIGINT) AS "
        "subject_id, CAST(id AS BIGINT) AS declaration_id, CAST(category AS VARCHAR) AS "
        "category, CAST(state AS VARCHAR) AS state, CAST(verified_on AS DATE) AS verified_on "
        f"FROM {source['declarations']}"
    )


def write_extract(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The input tables as Parquet files in ``folder`` (one per table), for Spark or for a
    later run read from the extract."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        con.execute(f"COPY in_{name} TO '{folder / name}.parquet' (FORMAT parquet)")


def read_extract(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The input tables from an extract written by :func:`write_extract`."""
    for name in INPUTS:
        path = folder / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(2, "no such extract file", str(path))
        con.execute(f"CREATE OR REPLACE VIEW in_{name} AS SELECT * FROM read_parquet('{path}')")
