"""The graph's search and how a path reads (relations/graph.py, relations/rules.py), without a
database: distances, the nearest source, ties to the lowest node, and the path's sentence."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from xinyong.relations.graph import Edges, RelatedGraph
from xinyong.relations.rules import describe_path, role_number

REP, CONTROLLER, SHARES = (
    role_number("legal_representative"),
    role_number("actual_controller"),
    role_number("shareholder"),
)
NAMES = {1: "张三", 2: "李四", 10: "甲公司", 11: "乙公司", 12: "丙公司", 13: "丁公司"}


def graph() -> RelatedGraph:
    # 张三 represents 甲 and 乙; 李四 controls 乙 and 丙; 甲 holds shares of 丁.
    return RelatedGraph(
        Edges.of_rows(
            [(1, 10, REP), (1, 11, REP), (2, 11, CONTROLLER), (2, 12, CONTROLLER), (10, 13, SHARES)]
        )
    )


def test_two_links_from_a_source_and_no_further() -> None:
    reached = {r.subject_id: r for r in graph().search([10], 2)}
    assert {s: r.distance for s, r in reached.items()} == {1: 1, 13: 1, 11: 2}
    assert reached[11].nodes == (10, 1, 11)
    assert describe_path(reached[11].edges, NAMES, {10: "黑名单"}) == (
        "张三是甲公司（黑名单）的法定代表人，也是乙公司的法定代表人"
    )
    assert (
        describe_path(reached[13].edges, NAMES, {10: "黑名单"}) == "甲公司（黑名单）是丁公司的股东"
    )


def test_the_nearest_source_wins_and_ties_go_to_the_lowest() -> None:
    reached = {r.subject_id: r for r in graph().search([10, 12], 2)}
    assert reached[11].distance == 2 and reached[11].source == 10  # 张三 (1) before 李四 (2)
    assert reached[2].source == 12 and reached[2].distance == 1


def test_a_subject_without_links_reaches_nothing() -> None:
    assert graph().search([99], 2) == []


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(31, 60)), min_size=1, max_size=60))
def test_every_reached_path_is_a_chain_of_links_as_long_as_its_distance(pairs) -> None:  # type: ignore[no-untyped-def]
    links = {(a, b) for a, b in pairs}
    g = RelatedGraph(Edges.of_rows([(a, b, REP) for a, b in sorted(links)]))
    source = pairs[0][0]
    for r in g.search([source], 2):
        assert r.source == source and 1 <= r.distance <= 2
        assert len(r.edges) == r.distance == len(r.nodes) - 1
        for (a, b), (holder, of, _) in zip(itertools.pairwise(r.nodes), r.edges, strict=True):
            assert (holder, of) in links and {holder, of} == {a, b}
