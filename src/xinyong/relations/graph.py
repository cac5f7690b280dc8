"""The graph of organisations and persons (rustworkx), and the breadth-first search over it
from one subject or from every black-listed one at once.

Nodes are subjects, numbered densely by their ids in order (``ids``); an edge is one link,
(holder, of) with its role's number (rules.ROLES), kept beside the graph as columns, so a
path's edges say who is what of whom. rustworkx walks the graph (its layers from the sources);
each subject's step back towards its source is then chosen for all subjects at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import rustworkx as rx

from xinyong.relations.rules import ROLES


@dataclass(frozen=True)
class Edges:
    """Links as columns: holder and ``of`` subject ids, and the role's number."""

    holder: np.ndarray
    of: np.ndarray
    role: np.ndarray

    @classmethod
    def of_rows(cls, rows: Sequence[tuple[int, int, int]]) -> Edges:
        array = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return cls(array[:, 0], array[:, 1], array[:, 2])

    def __len__(self) -> int:
        return len(self.holder)


@dataclass(frozen=True)
class Reached:
    """A subject found by the search: its distance from the nearest source, that source, and
    the path from it (subject ids; edges as (holder, of, role))."""

    subject_id: int
    distance: int
    source: int
    nodes: tuple[int, ...]
    edges: tuple[tuple[int, int, str], ...]


class RelatedGraph:
    def __init__(self, edges: Edges) -> None:
        self.ids, inverse = np.unique(np.concatenate([edges.holder, edges.of]), return_inverse=True)
        n = len(edges)
        # Each edge's nodes and role, kept as columns: a path's edges are found by array work,
        # not by asking the graph for the edges between two nodes (a nominee who represents
        # thousands of companies makes that cost its degree each time).
        self.holder, self.of, self.role = inverse[:n], inverse[n:], edges.role
        # A multigraph: adding an edge never looks for one already between the two nodes.
        self.graph: rx.PyGraph = rx.PyGraph(multigraph=True)
        self.graph.add_nodes_from(range(len(self.ids)))
        self.graph.add_edges_from_no_data(
            list(zip(self.holder.tolist(), self.of.tolist(), strict=True))
        )

    def index_of(self, subject_ids: Sequence[int]) -> list[int]:
        """The nodes of those subjects that have any link (the others are alone)."""
        wanted = np.asarray(subject_ids, dtype=np.int64)
        at = np.searchsorted(self.ids, wanted)
        inside = at < len(self.ids)
        found = np.zeros(len(wanted), dtype=bool)
        found[inside] = self.ids[at[inside]] == wanted[inside]
        return at[found].tolist()

    def search(self, sources: Sequence[int], depth: int) -> list[Reached]:
        """Every subject within ``depth`` links of ``sources`` (subject ids), by the nearest
        source; a subject's parent on its path is, of its neighbours one link nearer, the
        lowest node, so a search is the same each time."""
        start = sorted(set(self.index_of(sources)))
        if not start:
            return []
        layer_of = np.full(len(self.ids), -1, dtype=np.int64)
        for distance, layer in enumerate(rx.graph_bfs_layers(self.graph, start)):
            if distance > depth:
                break
            layer_of[np.asarray(layer, dtype=np.int64)] = distance
        # Every edge between two consecutive layers leads from its nearer node to the other.
        lh, lo = layer_of[self.holder], layer_of[self.of]
        forward = (lh >= 0) & (lo == lh + 1)  # holder nearer
        backward = (lo >= 0) & (lh == lo + 1)  # of nearer
        steps = pl.DataFrame(
            {
                "child": np.concatenate([self.of[forward], self.holder[backward]]),
                "parent": np.concatenate([self.holder[forward], self.of[backward]]),
                "edge": np.concatenate([np.flatnonzero(forward), np.flatnonzero(backward)]),
            }
        )
        chosen = steps.sort("child", "parent", "edge").unique("child", keep="first")
        parent = np.full(len(self.ids), -1, dtype=np.int64)
        via = np.full(len(self.ids), -1, dtype=np.int64)
        children = chosen["child"].to_numpy()
        parent[children] = chosen["parent"].to_numpy()
        via[children] = chosen["edge"].to_numpy()
        return [
            self._reached(int(node), int(layer_of[node]), parent, via) for node in np.sort(children)
        ]

    def _reached(self, node: int, distance: int, parent: np.ndarray, via: np.ndarray) -> Reached:
        path, edges = [node], []
        while parent[path[-1]] >= 0:
            edge = int(via[path[-1]])
            edges.append(
                (
                    int(self.ids[self.holder[edge]]),
                    int(self.ids[self.of[edge]]),
                    ROLES[int(self.role[edge])],
                )
            )
            path.append(int(parent[path[-1]]))
        path.reverse()
        edges.reverse()
        nodes = tuple(int(self.ids[n]) for n in path)
        return Reached(nodes[-1], distance, nodes[0], nodes, tuple(edges))
