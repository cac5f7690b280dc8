"""Coordination-free 63-bit ids for the large tables.

Records, subjects and their satellites are keyed by (subject_id, id) so that they can later be
distributed by subject (Citus-style); neither SQLite nor a distributed PostgreSQL gives a cheap
global sequence for such keys, so ids are made here: 41 bits of milliseconds since 2024-01-01,
10 bits of node number, 12 bits of counter. The node number is registered in the database
(``id_nodes``) when a process first needs ids, so two processes never share one.
"""

from __future__ import annotations

import threading
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NODE_BITS = 10
COUNTER_BITS = 12
MAX_COUNTER = (1 << COUNTER_BITS) - 1


class IdGenerator:
    def __init__(self, node: int) -> None:
        self.node = node % (1 << NODE_BITS)
        self._last_ms = 0
        self._counter = 0
        self._lock = threading.Lock()

    def next_id(self) -> int:
        with self._lock:
            ms = int(time.time() * 1000) - EPOCH_MS
            if ms <= self._last_ms:
                ms = self._last_ms
                self._counter += 1
                if self._counter > MAX_COUNTER:
                    # borrow the next millisecond rather than wait: ids stay unique and ordered
                    ms += 1
                    self._counter = 0
            else:
                self._counter = 0
            self._last_ms = ms
            return (ms << (NODE_BITS + COUNTER_BITS)) | (self.node << COUNTER_BITS) | self._counter

    def take(self, n: int) -> list[int]:
        """n consecutive-ish ids in one lock acquisition (bulk loads)."""
        with self._lock:
            now_ms = int(time.time() * 1000) - EPOCH_MS
            out: list[int] = []
            ms, counter = max(now_ms, self._last_ms), self._counter
            if now_ms > self._last_ms:
                counter = -1
            base_node = self.node << COUNTER_BITS
            shift = NODE_BITS + COUNTER_BITS
            for _ in range(n):
                counter += 1
                if counter > MAX_COUNTER:
                    ms += 1
                    counter = 0
                out.append((ms << shift) | base_node | counter)
            self._last_ms, self._counter = ms, counter
            return out
