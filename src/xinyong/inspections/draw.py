"""The draw of 双随机、一公开, pure and vectorised, so that anyone holding the population
snapshot and the seed can make it again (docs/inspections.md § the draw, step by step).

Algorithm ``xinyong-draw/1``:

1. **The snapshot.** The population as UTF-8 text: the header line ``credit_code,class``, then
   one line ``<credit code>,<class code>`` per subject, ordered by credit code (byte order; the
   codes are ASCII), every line ending in ``\\n``. Its SHA-256 (hex) is the snapshot hash.
2. **The generator.** NumPy's PCG64 seeded with the recorded seed (a 128-bit integer, through
   NumPy's SeedSequence). Only its raw 64-bit outputs (``random_raw``) are used: the bit
   generator's stream is stable across NumPy versions (NEP 19), the ``Generator`` methods' are
   not promised to be.
3. **The subjects.** One raw output per snapshot line, in snapshot order: the line's key. In each
   stratum (the lines of one class; classes in code order) the ``n`` lines with the smallest keys
   are drawn — ties, vanishingly rare, by snapshot order — where ``n`` = ceil(size × ratio):
   rules.sample_size.
4. **The inspectors.** Then, for each department of the plan in order of its code, and for each
   drawn subject in snapshot order, ``k`` raw outputs r₀…r_{k-1} (k = 2). The subject's
   eligible inspectors E are the department's pool (ascending inspector ids) less those
   excluded for it (a declared conflict, or an assignment to it within the last year); the j-th
   inspector is the (r_j mod (|E| − j))-th of E not yet picked, counting from 0. The bias of
   the modulo is below |E| / 2⁶⁴.

Everything is array work over the whole population; only subjects that have exclusions are
handled one by one, and they are few.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import orjson
import polars as pl

from xinyong.inspections.rules import sample_size

ALGORITHM = "xinyong-draw/1"
HEADER = b"credit_code,class\n"
SEED_BITS = 128


class SnapshotError(ValueError):
    """A snapshot file that is not in the canonical form."""


@dataclass(frozen=True)
class Population:
    """The snapshot's lines: a frame of ``credit_code`` and ``class`` (String) ordered by
    credit code, and each line's class as an index into ``class_codes`` (sorted)."""

    frame: pl.DataFrame
    class_index: np.ndarray
    class_codes: tuple[str, ...]

    def __len__(self) -> int:
        return self.frame.height

    def codes(self, positions: np.ndarray) -> list[str]:
        """The credit codes at these positions."""
        return self.frame["credit_code"].gather(positions).to_list()


def population(
    codes: Sequence[str] | pl.Series,
    classes: Sequence[str] | pl.Series,
    subject_ids: Sequence[int] | pl.Series | None = None,
) -> Population:
    """Credit codes and their class codes, in any order, as a Population sorted by code (a
    frame read ``ORDER BY credit_code`` in byte order is not sorted again). ``subject_ids``,
    the platform's own, ride along in the frame; they are no part of the snapshot."""
    columns: dict = {"credit_code": codes, "class": classes}
    schema: dict = {"credit_code": pl.String, "class": pl.String}
    if subject_ids is not None:
        columns["subject_id"], schema["subject_id"] = subject_ids, pl.Int64
    frame = pl.DataFrame(columns, schema=schema)
    if not frame["credit_code"].is_sorted():
        frame = frame.sort("credit_code")
    class_codes = tuple(sorted(frame["class"].unique().to_list()))
    if not class_codes:
        return Population(frame, np.array([], dtype=np.int16), ())
    index = frame["class"].cast(pl.Enum(class_codes)).to_physical().to_numpy()
    return Population(frame, index.astype(np.int16), class_codes)


def snapshot_bytes(pop: Population) -> bytes:
    """The canonical serialisation (step 1)."""
    if not len(pop):
        return HEADER
    text = pop.frame.select(
        pl.concat_str([pl.col("credit_code"), pl.lit(","), pl.col("class")]).str.join("\n")
    ).item()
    return HEADER + (text + "\n").encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_snapshot(data: bytes) -> Population:
    """A snapshot file back into a Population; refused unless it is canonical — written again
    it must give the very same bytes (header, order, no repeated code, line ends) — so that a
    file whose hash matches is the population drawn from."""
    if data == HEADER:
        return population([], [])
    try:
        frame = pl.read_csv(
            data,
            schema={"credit_code": pl.String, "class": pl.String},
            has_header=True,
            quote_char=None,
        )
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"not a population snapshot: {exc}") from None
    pop = population(frame["credit_code"], frame["class"])
    if snapshot_bytes(pop) != data or pop.frame["credit_code"].n_unique() != len(pop):
        raise SnapshotError(
            "not a canonical population snapshot (header, credit code order, one line per "
            "code, each line ending in a line feed)"
        )
    return pop


def new_seed() -> int:
    """A fresh seed from the operating system's randomness: the platform's, never the
    caller's, so that nobody picks the seed that draws the subjects they want."""
    import secrets

    return secrets.randbits(SEED_BITS)


@dataclass(frozen=True)
class Drawn:
    """Positions (in snapshot order) of the subjects drawn, and each stratum's size and count."""

    positions: np.ndarray
    strata: dict[str, tuple[int, int]]


def draw_subjects(pop: Population, ratios_bp: Mapping[str, int], bitgen: np.random.PCG64) -> Drawn:
    """Step 3: the stratified draw. ``ratios_bp`` must name every class of the population."""
    keys = bitgen.random_raw(len(pop))
    chosen: list[np.ndarray] = []
    strata: dict[str, tuple[int, int]] = {}
    for index, code in enumerate(pop.class_codes):
        members = np.flatnonzero(pop.class_index == index)
        n = sample_size(len(members), ratios_bp[code])
        strata[code] = (len(members), n)
        if n:
            # The n smallest keys, ties by snapshot order: all below the n-th smallest key,
            # then as many of those equal to it as are wanted, in snapshot order. A partition,
            # not a sort: linear in the stratum.
            stratum = keys[members]
            kth = np.partition(stratum, n - 1)[n - 1]
            below = members[stratum < kth]
            equal = members[stratum == kth]
            chosen.append(np.concatenate([below, equal[: n - len(below)]]))
    positions = np.sort(np.concatenate(chosen)) if chosen else np.array([], dtype=np.int64)
    return Drawn(positions, strata)


@dataclass(frozen=True)
class Pool:
    """One department's part of the assignment: its code, its eligible inspectors (ascending
    ids), and for the drawn subjects that have any, the inspectors excluded (by position in
    the drawn list)."""

    department: str
    inspectors: np.ndarray
    excluded: Mapping[int, Sequence[int]]


# Pads the rows of blocked positions: above any position, so it never moves a rank.
_PAD = np.iinfo(np.int64).max


def _pick(
    raw: np.ndarray, sizes: np.ndarray | int, k: int, blocked: np.ndarray | None = None
) -> np.ndarray:
    """Rows of k distinct positions of the pool: the j-th is the (r_j mod (size − j))-th
    position neither blocked (excluded for the row; padded with _PAD) nor picked before
    (step 4); ``sizes``: the eligible of each row. A rank becomes a position by stepping over
    every taken position at or below it, in ascending order — column by column, for all rows
    at once."""
    rows = raw.shape[0]
    picks = np.empty((rows, k), dtype=np.int64)
    for j in range(k):
        width = np.asarray(sizes, dtype=np.uint64) - np.uint64(j)
        rank = (raw[:, j] % width).astype(np.int64)
        taken = [picks[:, :j]] + ([blocked] if blocked is not None else [])
        for column in np.sort(np.concatenate(taken, axis=1), axis=1).T:
            rank += rank >= column
        picks[:, j] = rank
    return picks


def _blocked(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """The rows with exclusions (ascending), and for each the positions in the pool of the
    inspectors excluded (ascending, padded with _PAD); ids not in the pool are ignored."""
    items = sorted(pool.excluded.items())
    if not items:
        return np.array([], dtype=np.int64), np.empty((0, 0), dtype=np.int64)
    lengths = [len(ids) for _, ids in items]
    rows = np.repeat(np.asarray([r for r, _ in items], dtype=np.int64), lengths)
    ids = np.concatenate([np.asarray(ids, dtype=np.int64) for _, ids in items])
    position = np.searchsorted(pool.inspectors, ids)
    inside = position < len(pool.inspectors)
    inside[inside] = pool.inspectors[position[inside]] == ids[inside]
    pairs = np.unique(np.stack([rows[inside], position[inside]], axis=1), axis=0)
    which = np.asarray([r for r, _ in items], dtype=np.int64)
    index = np.searchsorted(which, pairs[:, 0])
    starts = np.searchsorted(pairs[:, 0], which)
    column = np.arange(len(pairs)) - starts[index]
    width = int(column.max()) + 1 if len(pairs) else 0
    blocked = np.full((len(which), width), _PAD, dtype=np.int64)
    blocked[index, column] = pairs[:, 1]
    return which, blocked


def assign(
    drawn: int, pools: Sequence[Pool], bitgen: np.random.PCG64, k: int
) -> dict[str, np.ndarray]:
    """Step 4: for each department (in the order given: by code), a (drawn × k) array of the
    inspector ids assigned to each drawn subject. Every subject must have k eligible
    inspectors (the service refuses the draw before, naming those that do not)."""
    out: dict[str, np.ndarray] = {}
    for pool in pools:
        raw = bitgen.random_raw(drawn * k).reshape(drawn, k)
        size = len(pool.inspectors)
        picks = np.zeros((drawn, k), dtype=np.int64)
        rows, blocked = _blocked(pool)
        plain = np.ones(drawn, dtype=bool)
        plain[rows] = False
        if plain.any():
            if size < k:
                raise ValueError(f"{pool.department}: {size} inspectors, fewer than {k}")
            picks[plain] = _pick(raw[plain], size, k)
        if len(rows):
            sizes = size - (blocked != _PAD).sum(axis=1)
            if (sizes < k).any():
                row = int(rows[np.argmax(sizes < k)])
                raise ValueError(f"{pool.department}: row {row} has too few inspectors")
            picks[rows] = _pick(raw[rows], sizes, k, blocked)
        out[pool.department] = pool.inspectors[picks] if size else picks
    return out


def pool_document(pools: Sequence[Pool], drawn_codes: Sequence[str]) -> dict:
    """What the assignment read, kept with the draw: each department's eligible inspectors and
    the exclusions of the drawn subjects, by credit code."""
    return {
        "inspectors": {p.department: [int(i) for i in p.inspectors] for p in pools},
        "excluded": {
            p.department: {
                drawn_codes[row]: sorted(int(i) for i in ids) for row, ids in p.excluded.items()
            }
            for p in pools
        },
    }


def pool_sha256(document: dict) -> str:
    """SHA-256 of the pool document as JSON with sorted keys and no spaces."""
    return sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS))


def pools_from_document(document: dict, drawn_codes: Sequence[str]) -> list[Pool]:
    row_of = {code: row for row, code in enumerate(drawn_codes)}
    return [
        Pool(
            department,
            np.asarray(ids, dtype=np.int64),
            {row_of[c]: x for c, x in document["excluded"].get(department, {}).items()},
        )
        for department, ids in sorted(document["inspectors"].items())
    ]


@dataclass(frozen=True)
class Outcome:
    drawn: Drawn
    codes: list[str]
    assignments: dict[str, np.ndarray]


def run(
    pop: Population, ratios_bp: Mapping[str, int], seed: int, pool_doc: dict, k: int
) -> Outcome:
    """Steps 2–4 again, from a snapshot, the seed, the ratios and the pool document a draw
    kept (:func:`pool_document`): what reproducing a draw computes."""
    bitgen = np.random.PCG64(seed)
    drawn = draw_subjects(pop, ratios_bp, bitgen)
    codes = pop.codes(drawn.positions)
    pools = pools_from_document(pool_doc, codes)
    return Outcome(drawn, codes, assign(len(codes), pools, bitgen, k))
