"""The draw's algorithm (inspections/draw.py), without a database: the snapshot's canonical
form and its refusals, stratified counts (Hypothesis), the inspectors picked, and the same
result from the same seed."""

from __future__ import annotations

import hashlib
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.inspections import draw, rules

CLASSES = ("elevated", "high", "low", "ordinary")


def _codes(n: int) -> list[str]:
    return [f"91320100MA{i:07d}X" for i in range(n)]


class TestSnapshot:
    def test_the_canonical_bytes(self) -> None:
        pop = draw.population(["B", "A"], ["low", "high"])
        assert draw.snapshot_bytes(pop) == b"credit_code,class\nA,high\nB,low\n"
        assert (
            draw.sha256(draw.snapshot_bytes(pop))
            == hashlib.sha256(b"credit_code,class\nA,high\nB,low\n").hexdigest()
        )

    def test_an_empty_population(self) -> None:
        pop = draw.population([], [])
        assert draw.snapshot_bytes(pop) == b"credit_code,class\n"
        assert len(draw.parse_snapshot(b"credit_code,class\n")) == 0

    @pytest.mark.parametrize(
        "data",
        [
            b"credit_code,class\nB,low\nA,high\n",  # not in order
            b"credit_code,class\nA,high\nA,low\n",  # a code twice
            b"credit_code,class\nA,high\nB,low",  # last line end missing
            b"code,class\nA,high\n",  # header
            b"credit_code,class\r\nA,high\r\n",  # line ends
            b"credit_code,class\nA,high,x\n",  # a third column
        ],
    )
    def test_a_snapshot_not_in_canonical_form_is_refused(self, data: bytes) -> None:
        with pytest.raises(draw.SnapshotError):
            draw.parse_snapshot(data)

    @given(
        st.dictionaries(
            st.text(string.digits + string.ascii_uppercase, min_size=18, max_size=18),
            st.sampled_from(CLASSES),
            max_size=50,
        )
    )
    def test_parse_gives_back_what_was_written(self, lines: dict[str, str]) -> None:
        pop = draw.population(list(lines), list(lines.values()))
        again = draw.parse_snapshot(draw.snapshot_bytes(pop))
        assert again.frame.equals(pop.frame)


@st.composite
def populations(draw_: st.DrawFn) -> tuple[draw.Population, dict[str, int]]:
    sizes = draw_(st.lists(st.integers(0, 300), min_size=4, max_size=4))
    ratios = draw_(st.lists(st.integers(0, 10_000), min_size=4, max_size=4))
    classes = [c for c, n in zip(CLASSES, sizes, strict=True) for _ in range(n)]
    order = draw_(st.permutations(range(len(classes))))
    codes = _codes(len(classes))
    pop = draw.population(codes, [classes[i] for i in order])
    return pop, dict(zip(CLASSES, ratios, strict=True))


class TestStrata:
    @settings(max_examples=200, deadline=None)
    @given(populations(), st.integers(0, 2**128 - 1))
    def test_each_stratum_gives_its_rounded_up_share(
        self, case: tuple[draw.Population, dict[str, int]], seed: int
    ) -> None:
        pop, ratios = case
        drawn = draw.draw_subjects(pop, ratios, np.random.PCG64(seed))
        labels = pop.frame["class"].to_numpy()[drawn.positions]
        for code in pop.class_codes:
            size = int((pop.frame["class"] == code).sum())
            n = rules.sample_size(size, ratios[code])
            assert drawn.strata[code] == (size, n)
            assert int((labels == code).sum()) == n
        assert len(set(drawn.positions.tolist())) == len(drawn.positions)
        assert list(drawn.positions) == sorted(drawn.positions)

    def test_the_same_seed_draws_the_same_subjects_and_another_seed_others(self) -> None:
        pop = draw.population(_codes(1000), ["ordinary"] * 1000)
        first = draw.draw_subjects(pop, {"ordinary": 500}, np.random.PCG64(7)).positions
        again = draw.draw_subjects(pop, {"ordinary": 500}, np.random.PCG64(7)).positions
        other = draw.draw_subjects(pop, {"ordinary": 500}, np.random.PCG64(8)).positions
        assert first.tolist() == again.tolist()
        assert first.tolist() != other.tolist()

    def test_every_subject_is_equally_likely(self) -> None:
        """Over many seeds each of 20 subjects is drawn about as often (5 of 20 each time)."""
        pop = draw.population(_codes(20), ["ordinary"] * 20)
        counts = np.zeros(20)
        for seed in range(4000):
            counts[
                draw.draw_subjects(pop, {"ordinary": 2500}, np.random.PCG64(seed)).positions
            ] += 1
        # 1,000 expected each; a binomial's sd is about 27: 6 sd either side.
        assert counts.min() > 840 and counts.max() < 1160


class TestInspectors:
    @settings(max_examples=100, deadline=None)
    @given(
        st.integers(2, 40),
        st.integers(1, 60),
        st.integers(0, 2**64 - 1),
        st.data(),
    )
    def test_two_distinct_eligible_inspectors_each(
        self, size: int, subjects: int, seed: int, data: st.DataObject
    ) -> None:
        inspectors = np.arange(100, 100 + size, dtype=np.int64)
        excluded = {}
        for row in range(subjects):
            if data.draw(st.booleans()):
                excluded[row] = data.draw(
                    st.lists(st.sampled_from(inspectors.tolist()), max_size=size - 2, unique=True)
                )
        pool = draw.Pool("amr", inspectors, excluded)
        picks = draw.assign(subjects, [pool], np.random.PCG64(seed), 2)["amr"]
        assert picks.shape == (subjects, 2)
        for row, (a, b) in enumerate(picks.tolist()):
            assert a != b
            assert {a, b} <= set(inspectors.tolist()) - set(excluded.get(row, []))

    def test_each_inspector_is_equally_likely(self) -> None:
        pool = draw.Pool("amr", np.arange(10, dtype=np.int64), {})
        picks = draw.assign(20_000, [pool], np.random.PCG64(3), 2)["amr"]
        counts = np.bincount(picks.ravel(), minlength=10)
        # 4,000 expected each.
        assert counts.min() > 3700 and counts.max() < 4300

    def test_the_run_reproduces_from_the_pool_document(self) -> None:
        pop = draw.population(_codes(300), [CLASSES[i % 4] for i in range(300)])
        ratios = {"elevated": 1000, "high": 2000, "low": 300, "ordinary": 500}
        bitgen = np.random.PCG64(2**100 + 17)
        drawn = draw.draw_subjects(pop, ratios, bitgen)
        codes = pop.codes(drawn.positions)
        pools = [
            draw.Pool("amr", np.arange(1, 9, dtype=np.int64), {0: [1, 2, 3]}),
            draw.Pool("tax", np.arange(20, 24, dtype=np.int64), {2: [20, 21]}),
        ]
        assigned = draw.assign(len(codes), pools, bitgen, 2)
        document = draw.pool_document(pools, codes)
        again = draw.run(
            draw.parse_snapshot(draw.snapshot_bytes(pop)), ratios, 2**100 + 17, document, 2
        )
        assert again.codes == codes
        for department in ("amr", "tax"):
            assert again.assignments[department].tolist() == assigned[department].tolist()
        assert set(assigned["amr"][0].tolist()).isdisjoint({1, 2, 3})
        assert set(assigned["tax"][2].tolist()) == {22, 23}


class _Keys:
    """A stand-in generator whose raw outputs are given: to make ties."""

    def __init__(self, keys: list[int]) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)

    def random_raw(self, n: int) -> np.ndarray:
        out, self.keys = self.keys[:n], self.keys[n:]
        return out


class TestTies:
    def test_equal_keys_go_by_snapshot_order(self) -> None:
        pop = draw.population(_codes(5), ["ordinary"] * 5)
        # Keys 5, 1, 1, 1, 7 and 40 % of 5 = 2: the first two of the three 1s.
        drawn = draw.draw_subjects(pop, {"ordinary": 4000}, _Keys([5, 1, 1, 1, 7]))  # type: ignore[arg-type]
        assert drawn.positions.tolist() == [1, 2]

    def test_keys_below_the_nth_come_before_ties(self) -> None:
        pop = draw.population(_codes(5), ["ordinary"] * 5)
        drawn = draw.draw_subjects(pop, {"ordinary": 6000}, _Keys([3, 3, 9, 3, 0]))  # type: ignore[arg-type]
        assert drawn.positions.tolist() == [0, 1, 4]
