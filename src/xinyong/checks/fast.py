"""The check on PostgreSQL without threads.

The check is on the hot path of every approval in a province (000 §（十六）逢办必查). Run as a
plain endpoint, each call hops to the thread pool and back and its threads contend for the
interpreter lock; measured on the 2-core CI machine that costs more than the query itself
(docs/performance.md). So on PostgreSQL the small checks run on the event loop with psycopg's
async connections: the same statement (checks/service.lookup_sql), the same decision
(service.answer), and the log written by group commit on the loop — each request waits for
the commit that carries its rows, and one commit carries every check that arrived meanwhile.
Large batch checks, SQLite, and the rare refresh of the snapshot or of a cached token still
run in threads (checks/service.run_check)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from xinyong.checks.service import CheckRequest, Lookup, collect, lookup_params, lookup_sql
from xinyong.core.clock import local_date

# More subjects than this go to a thread: deciding 10,000 subjects takes tens of ms of CPU,
# which must not stall the other requests on this event loop.
FAST_LIMIT = 50

# The log of a whole batch of checks in one statement, so one round trip and one implicit
# commit (a single statement is atomic) — no BEGIN, no COMMIT.
INSERT_LOG = """
WITH new_checks AS (
    INSERT INTO checks (id, department_id, actor, scenario, purpose, at, subjects, found,
                        decisions)
    SELECT id, department_id, actor, scenario, purpose, at, subjects, found, decisions::jsonb
    FROM unnest(%(id)s::bigint[], %(department_id)s::int[], %(actor)s::text[],
                %(scenario)s::text[], %(purpose)s::text[], %(at)s::timestamptz[],
                %(subjects)s::int[], %(found)s::int[], %(decisions)s::text[])
         AS c(id, department_id, actor, scenario, purpose, at, subjects, found, decisions)
)
INSERT INTO check_hits (check_id, subject_id, measure_code, action, entry_id)
SELECT * FROM unnest(%(h_check)s::bigint[], %(h_subject)s::bigint[], %(h_measure)s::text[],
                     %(h_action)s::text[], %(h_entry)s::bigint[])
"""
CHECK_COLUMNS = (
    "id",
    "department_id",
    "actor",
    "scenario",
    "purpose",
    "at",
    "subjects",
    "found",
    "decisions",
)
HIT_COLUMNS = {
    "h_check": "check_id",
    "h_subject": "subject_id",
    "h_measure": "measure_code",
    "h_action": "action",
    "h_entry": "entry_id",
}


def log_params(batch: list[tuple[dict, list[dict]]]) -> dict[str, list]:
    params: dict[str, list] = {column: [] for column in CHECK_COLUMNS}
    params.update({name: [] for name in HIT_COLUMNS})
    for check, hits in batch:
        for column in CHECK_COLUMNS:
            value = check[column]
            params[column].append(orjson.dumps(value).decode() if column == "decisions" else value)
        for hit in hits:
            for name, column in HIT_COLUMNS.items():
                params[name].append(hit[column])
    return params


class FastChecks:
    def __init__(self, database_url: str, pool_size: int) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self.pool = AsyncConnectionPool(
            url.render_as_string(hide_password=False),
            min_size=2,
            max_size=max(2, pool_size),
            open=False,
            kwargs={"autocommit": True},
        )
        self._pending: list[tuple[dict, list[dict], asyncio.Future]] = []
        self._flushing = False
        self._task: asyncio.Task | None = None
        self._opened = False
        self._opening = asyncio.Lock()

    async def _open(self) -> None:
        # Opened at the first check, not at start-up: a process that never checks opens no
        # second pool.
        if not self._opened:
            async with self._opening:
                if not self._opened:
                    await self.pool.open()
                    self._opened = True

    async def close(self) -> None:
        if self._opened:
            await self.pool.close()

    def takes(self, req: CheckRequest) -> bool:
        return len(req.keys) <= FAST_LIMIT

    async def lookup(self, req: CheckRequest) -> Lookup:
        await self._open()
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                lookup_sql("postgresql", req.scenario),
                lookup_params("postgresql", req.keys, req.scenario, local_date(req.now), req.field),
            )
            return collect(await cursor.fetchall(), req.scenario)

    async def log(self, check_row: dict[str, Any], hit_rows: list[dict[str, Any]]) -> None:
        """Returns once the rows are committed; raises what the commit raised."""
        done = asyncio.get_running_loop().create_future()
        self._pending.append((check_row, hit_rows, done))
        if not self._flushing:
            self._flushing = True
            self._task = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    async with self.pool.connection() as conn:
                        await conn.execute(INSERT_LOG, log_params([(c, h) for c, h, _ in batch]))
                except BaseException as exc:  # every check of the batch fails with it
                    for _, _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                else:
                    for _, _, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self._flushing = False
