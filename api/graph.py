"""The relation graph between cities (agreements, twinnings, aid; both directions), held in
memory for shortest-path queries, rebuilt when the store version changes."""
from __future__ import annotations

from collections import defaultdict

from citykg import sparql
from citykg.api.relations import RELATION_TYPES

MAX_PATHS = 25


class RelationGraph:
    def __init__(self, backend, version: str):
        self.version = version
        self.edges: dict[str, dict[str, str]] = defaultdict(dict)
        for r in backend.select(sparql.text("relation-edges")):
            a, b, kind = r["a"].value, r["b"].value, r["kind"].value
            for x, y in ((a, b), (b, a)):
                old = self.edges[x].get(y)
                if old is None or RELATION_TYPES.index(kind) < RELATION_TYPES.index(old):
                    self.edges[x][y] = kind

    def shortest(self, start: str, goal: str, max_hops: int) -> list[list[tuple[str, str | None]]]:
        """Every shortest chain start → goal of at most `max_hops` relations (up to 25), as
        lists of (city, relation that leads to it)."""
        if start == goal:
            return [[(start, None)]]
        parents: dict[str, list[str]] = {start: []}
        frontier = [start]
        for _ in range(max_hops):
            found: dict[str, list[str]] = {}
            for node in frontier:
                for nxt in self.edges.get(node, {}):
                    if nxt not in parents:
                        found.setdefault(nxt, []).append(node)
            parents.update(found)
            if goal in found or not found:
                break
            frontier = list(found)
        if goal not in parents:
            return []
        return [self._typed(p) for p in self._unwind(goal, parents)]

    def _unwind(self, node: str, parents: dict[str, list[str]]) -> list[list[str]]:
        if not parents[node]:
            return [[node]]
        out: list[list[str]] = []
        for parent in sorted(parents[node]):
            for path in self._unwind(parent, parents):
                out.append([*path, node])
                if len(out) >= MAX_PATHS:
                    return out
        return out

    def _typed(self, path: list[str]) -> list[tuple[str, str | None]]:
        return [(path[0], None)] + [(b, self.edges[a][b]) for a, b in zip(path, path[1:], strict=False)]
