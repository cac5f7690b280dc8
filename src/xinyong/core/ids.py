"""Coordination-free 63-bit ids for the large tables, on leased node numbers (ADR 0014).

Records, subjects and their satellites are keyed by (subject_id, id) so that they can later be
distributed by subject (Citus-style); neither SQLite nor a distributed PostgreSQL gives a cheap
global sequence for such keys, so ids are made here: 41 bits of milliseconds since 2024-01-01,
10 bits of node number, 12 bits of counter.

Two live processes must never share a node number, yet there are only 1,024 and every
``xinyong tick``, ``import`` and ``token create`` is a process. So a process *leases* a number
in ``id_nodes`` (``NodeLease.claim``): it takes one whose lease has ended, or else the lowest
number no row holds, each by one atomic statement, so two claims never get the same one. The
lease runs on the database's clock (``CURRENT_TIMESTAMP``), never the process's, so skewed
hosts agree on when it ends. A thread renews it while the process lives; a clean exit
releases it; a killed process's number is free again when its lease runs out.

A number is reused, so its new holder must never repeat an id of an earlier holder, even if
its clock is behind theirs. Each lease row therefore carries ``ceiling_ms``: the highest
millisecond its holder may put into an id. The holder records it before using it (each
renewal moves it one lease length ahead of its clock; a release lowers it to the last
millisecond actually used), its generator refuses to go past it, and the next holder starts
strictly above it. No assumption about clock skew between hosts is needed for that; within a
process, a clock that goes backwards only holds the generator at its last millisecond.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import threading
import time
import weakref

from sqlalchemy import Engine, text

from xinyong.errors import XinyongError

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NODE_BITS = 10
COUNTER_BITS = 12
NODES = 1 << NODE_BITS
MAX_COUNTER = (1 << COUNTER_BITS) - 1
# How long dispose() and exit wait for the lease to be released; past that it simply expires.
RELEASE_WAIT_SECONDS = 10.0

log = logging.getLogger("xinyong.ids")


def clock_ms() -> int:
    """This process's clock in milliseconds since the ids' epoch."""
    return int(time.time() * 1000) - EPOCH_MS


class IdNodesExhausted(XinyongError):
    status = 503
    code = "id_nodes_exhausted"


class IdLeaseLost(XinyongError):
    status = 503
    code = "id_lease_lost"


_STOPPED = {
    "lost": (
        "本进程的 ID 节点号已被其他进程接管，为免 ID 重复已停止生成 ID，请重启本进程",
        "this process's id node number was taken over by another process; it makes no more "
        "ids rather than risk a duplicate: restart it",
    ),
    "released": (
        "本进程的 ID 节点号已释放，不再生成 ID",
        "this process's id node number was released; it makes no more ids",
    ),
    "forked": (
        "子进程不得使用父进程的 ID 节点号",
        "a forked child may not use its parent's id node number",
    ),
}


class _Span:
    """The milliseconds a leased node may use, shared by its generator and its lease: the lease
    must outlive a generator nobody holds any more, to release the node with the last
    millisecond used."""

    __slots__ = ("__weakref__", "ceiling_ms", "counter", "last_ms", "lock", "stopped")

    def __init__(self, after_ms: int, ceiling_ms: int) -> None:
        self.lock = threading.Lock()
        # As if after_ms's last counter value were used: the first id takes a later millisecond.
        self.last_ms = after_ms
        self.counter = MAX_COUNTER
        self.ceiling_ms = ceiling_ms
        self.stopped: str | None = None
        _spans.add(self)

    def allow(self, ms: int) -> None:
        """Raise unless ids in millisecond ``ms`` may be made (call holding the lock)."""
        if self.stopped is not None:
            message, message_en = _STOPPED[self.stopped]
            raise IdLeaseLost(message, message_en, reason=self.stopped)
        if ms > self.ceiling_ms:
            # The lease could not be renewed for a whole lease length (database unreachable,
            # or SQLite's write lock held that long): past the recorded ceiling a later holder
            # of this number could make the same ids.
            raise IdLeaseLost(
                "ID 节点租约未能按时续期，为免 ID 重复暂停生成 ID",
                "the id node lease could not be renewed in time; no ids are made until it is, "
                "rather than risk a duplicate",
                code="id_lease_expired",
            )

    def reach(self) -> int:
        """The highest millisecond usable now without waiting: the last one used, or the
        clock if that is later."""
        with self.lock:
            return max(self.last_ms, clock_ms())

    def raise_ceiling(self, ceiling_ms: int) -> None:
        """Allow milliseconds up to ``ceiling_ms``: call only once it is recorded."""
        with self.lock:
            self.ceiling_ms = max(self.ceiling_ms, ceiling_ms)

    def stop(self, reason: str) -> int:
        """Make no more ids; the last millisecond used (or the floor, if none was)."""
        with self.lock:
            self.stopped = self.stopped or reason
            return self.last_ms


# Every span of this process, stopped in a forked child: it would make its parent's ids.
_spans: weakref.WeakSet[_Span] = weakref.WeakSet()


def _forked() -> None:
    for span in list(_spans):
        span.stopped = "forked"


os.register_at_fork(after_in_child=_forked)


class IdGenerator:
    """Ids of one leased node: above ``after_ms`` (the previous holder's ceiling, or the clock
    when the lease was taken) and up to ``ceiling_ms`` (what the lease has recorded in
    ``id_nodes``; raised by each renewal)."""

    def __init__(self, node: int, *, after_ms: int, ceiling_ms: int) -> None:
        if not 0 <= node < NODES:
            raise ValueError(f"node number {node} outside 0..{NODES - 1}")
        self.node = node
        self.span = _Span(after_ms, ceiling_ms)
        # Set by NodeLease.claim. Kept alive by this generator, it releases the number once
        # the generator is collected.
        self.lease: NodeLease | None = None

    def next_id(self) -> int:
        span = self.span
        with span.lock:
            ms = clock_ms()
            if ms <= span.last_ms:
                # the same millisecond, or the clock went back: count on from the last id
                ms, counter = span.last_ms, span.counter + 1
                if counter > MAX_COUNTER:
                    # borrow the next millisecond rather than wait: ids stay unique and ordered
                    ms, counter = ms + 1, 0
            else:
                counter = 0
            span.allow(ms)
            span.last_ms, span.counter = ms, counter
            return (ms << (NODE_BITS + COUNTER_BITS)) | (self.node << COUNTER_BITS) | counter

    def take(self, n: int) -> list[int]:
        """n consecutive-ish ids in one lock acquisition (bulk loads)."""
        span = self.span
        with span.lock:
            now_ms = clock_ms()
            ms, counter = max(now_ms, span.last_ms), span.counter
            if now_ms > span.last_ms:
                counter = -1
            # the last id's millisecond, checked before any id is handed out
            span.allow(ms + (counter + n) // (MAX_COUNTER + 1))
            out: list[int] = []
            base_node = self.node << COUNTER_BITS
            shift = NODE_BITS + COUNTER_BITS
            for _ in range(n):
                counter += 1
                if counter > MAX_COUNTER:
                    ms += 1
                    counter = 0
                out.append((ms << shift) | base_node | counter)
            span.last_ms, span.counter = ms, counter
            return out


def _statements(dialect: str) -> dict[str, str]:
    """The lease's statements. Times are the database's: on PostgreSQL the transaction's
    start, on SQLite its 'now', both in UTC (SQLite keeps text that sorts as time)."""
    if dialect == "sqlite":
        now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        until = "strftime('%Y-%m-%d %H:%M:%f', 'now', :lease_modifier)"
        lock = ""
    else:
        now = "CURRENT_TIMESTAMP"
        until = "CURRENT_TIMESTAMP + make_interval(secs => :lease_seconds)"
        # two claims pass over each other's rows instead of queueing for the same one
        lock = "FOR UPDATE SKIP LOCKED"
    return {
        # A number whose lease ended (released, or its holder died), the longest ended first.
        # The outer condition is checked again on the row as it is when the update locks it,
        # so a row another claim took meanwhile is not taken twice.
        "reuse": f"""
            UPDATE id_nodes SET token = :token, hostname = :hostname, pid = :pid,
                claimed_at = {now}, leased_until = {until},
                ceiling_ms = CASE WHEN ceiling_ms > :now_ms THEN ceiling_ms ELSE :now_ms END
                    + :span_ms
            WHERE node = (SELECT node FROM id_nodes WHERE leased_until <= {now}
                          ORDER BY leased_until, node LIMIT 1 {lock})
              AND leased_until <= {now}
            RETURNING node, ceiling_ms""",
        # Else the lowest number no row holds; a concurrent claim of the same number finds
        # the primary key taken and inserts nothing.
        "new": f"""
            INSERT INTO id_nodes
                (node, token, hostname, pid, claimed_at, leased_until, ceiling_ms)
            SELECT free.node, :token, :hostname, :pid, {now}, {until}, :now_ms + :span_ms
            FROM (SELECT MIN(n) AS node FROM (
                    SELECT 0 AS n WHERE NOT EXISTS (SELECT 1 FROM id_nodes WHERE node = 0)
                    UNION ALL
                    SELECT a.node + 1 FROM id_nodes a WHERE a.node < {NODES - 1}
                      AND NOT EXISTS (SELECT 1 FROM id_nodes b WHERE b.node = a.node + 1)
                 ) AS gaps) AS free
            WHERE free.node IS NOT NULL
            ON CONFLICT (node) DO NOTHING
            RETURNING node, ceiling_ms""",
        "held": f"SELECT COUNT(*) FROM id_nodes WHERE leased_until > {now}",
        # Whatever its time, a lease is renewed only by its holder: a claim changes the token.
        "renew": f"""
            UPDATE id_nodes SET leased_until = {until},
                ceiling_ms = CASE WHEN ceiling_ms > :ceiling_ms THEN ceiling_ms
                    ELSE :ceiling_ms END
            WHERE node = :node AND token = :token
            RETURNING ceiling_ms""",
        "release": f"""
            UPDATE id_nodes SET leased_until = {now}, ceiling_ms = :ceiling_ms
            WHERE node = :node AND token = :token""",
    }


class NodeLease:
    """A process's lease of a node number, kept by a daemon thread for its generator.

    Renewed every quarter of its length (a failed renewal is retried every ``lease/60`` s);
    released by ``close()`` — ``Database.dispose()``, the collection of the generator, or the
    interpreter's exit. A renewal that finds the number taken over stops the generator."""

    def __init__(self, engine: Engine, *, seconds: int, node: int, token: str, span: _Span) -> None:
        self.engine = engine
        self.seconds = seconds
        self.node = node
        self.token = token
        self.pid = os.getpid()
        self.span = span
        self._sql = _statements(engine.dialect.name)
        self._closing = threading.Event()
        self._thread = threading.Thread(
            target=self._keep, name=f"xinyong-id-node-{node}", daemon=True
        )
        self._thread.start()
        _leases.add(self)

    @classmethod
    def claim(cls, engine: Engine, *, seconds: int) -> IdGenerator:
        """A generator on a node number leased for this process."""
        sql = _statements(engine.dialect.name)
        token = secrets.token_hex(16)
        params = {
            "token": token,
            "hostname": socket.gethostname()[:100],
            "pid": os.getpid(),
            "lease_seconds": seconds,
            "lease_modifier": f"+{seconds} seconds",
            "span_ms": seconds * 1000,
        }
        # Every failed attempt means another process took a number meanwhile, so this ends.
        for _ in range(NODES + 1):
            params["now_ms"] = clock_ms()
            with engine.begin() as conn:
                row = conn.execute(text(sql["reuse"]), params).first()
                if row is None:
                    row = conn.execute(text(sql["new"]), params).first()
                if row is None and conn.execute(text(sql["held"])).scalar_one() >= NODES:
                    raise IdNodesExhausted(
                        f"全部 {NODES} 个 ID 节点号均在租用中，无法再启动生成 ID 的进程；"
                        "请结束空闲进程，或等待已终止进程的租约到期",
                        f"all {NODES} id node numbers are leased, so no further process that "
                        "makes ids can start: end idle processes, or wait for the leases of "
                        "killed ones to run out",
                    )
            if row is not None:
                node, ceiling_ms = row
                # ceiling_ms = max(previous ceiling, clock) + span: this holder starts above
                # the part before the span
                generator = IdGenerator(
                    node, after_ms=ceiling_ms - params["span_ms"], ceiling_ms=ceiling_ms
                )
                generator.lease = cls(
                    engine, seconds=seconds, node=node, token=token, span=generator.span
                )
                # Released on the lease's own thread: a collection may come at any point, even
                # while this thread holds SQLite's write lock. Exit is _release_all's.
                weakref.finalize(generator, generator.lease.close, wait=False).atexit = False
                return generator
        raise IdNodesExhausted(
            "ID 节点号争用过多，未能租到",
            "no id node number could be leased: too many processes claimed at once",
        )

    def renew(self) -> None:
        """Extend the lease and the ceiling by one lease length from now; stop the generator
        if another process holds the number."""
        ceiling_ms = self.span.reach() + self.seconds * 1000
        with self.engine.begin() as conn:
            recorded = conn.execute(
                text(self._sql["renew"]),
                {
                    "node": self.node,
                    "token": self.token,
                    "ceiling_ms": ceiling_ms,
                    "lease_seconds": self.seconds,
                    "lease_modifier": f"+{self.seconds} seconds",
                },
            ).scalar_one_or_none()
        if recorded is None:
            self.span.stop("lost")
            log.error("标识节点 %d 已被其他进程接管，本进程不再生成标识", self.node)
            return
        self.span.raise_ceiling(recorded)

    def close(self, *, wait: bool = True) -> None:
        """Release the number (on the lease's thread, so that a caller holding SQLite's write
        lock is not blocked); with ``wait``, until that is done."""
        if self.pid != os.getpid():
            return  # a forked child's copy: the parent holds the number
        self._closing.set()
        if wait and threading.current_thread() is not self._thread:
            self._thread.join(RELEASE_WAIT_SECONDS)

    def _keep(self) -> None:
        every, retry = self.seconds / 4, max(self.seconds / 60, 0.05)
        delay = every
        while not self._closing.wait(delay):
            try:
                self.renew()
            except Exception:
                log.warning("标识节点 %d 续租失败，将重试", self.node, exc_info=True)
                delay = retry
                continue
            if self.span.stopped is not None:
                return
            delay = every
        last_ms = self.span.stop("released")
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    text(self._sql["release"]),
                    {"node": self.node, "token": self.token, "ceiling_ms": last_ms},
                )
        except Exception:
            log.warning("标识节点 %d 释放失败，待租期届满后自动失效", self.node)


# Leases whose thread still runs, released at exit (a lease's thread keeps it alive).
_leases: weakref.WeakSet[NodeLease] = weakref.WeakSet()


@atexit.register
def _release_all() -> None:
    for lease in list(_leases):
        lease.close()
