"""Whole-graph aggregates computed when the server loads a store version, not on every call.

A canned query whose header says `#+ precompute: true` is run, for every combination of its
parameters' enumerations (or defaults), in the background as soon as this server process sees
a store version (at start-up and after each rebuild), and its rows are kept for that version.
A call with one of those parameter sets gets them at once; one that arrives while they are
being computed waits for them a while (half the time limit), then runs live; any other call
runs live.

Why here and not in `citykg build`: at 1M triples these queries take seconds, which would
double a bulk import's time, and they would have to be redone by every writer (`build`,
`link`); a server computes them once per version it serves, off the request path.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import threading

from citykg.api.canned import CannedQuery
from citykg.api.deps import BackendHolder

log = logging.getLogger("citykg.api")
KEEP = 5000  # rows kept per call: pages past them run live (memory stays small)


def combinations(query: CannedQuery) -> list[dict[str, str]]:
    """{query variable: SPARQL term} for each precomputed call of the query."""
    choices = [[(p.var, p.term(v)) for v in (p.enum or [p.default])] for p in query.params]
    return [dict(combo) for combo in itertools.product(*choices)]


def lower_priority() -> None:
    """Let requests go first (nice 10: a tenth of the CPU a request thread gets when both
    want it), but never starve: calls wait for these results only briefly, then run live."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


def _key(name: str, terms: dict[str, str]) -> str:
    return name + json.dumps(terms, sort_keys=True, ensure_ascii=False)


class Precomputed:
    def __init__(self, queries: list[CannedQuery]):
        self.queries = [q for q in queries if q.precompute]
        self._version: str | None = None
        self._rows: dict[str, list[dict]] = {}  # filled call by call as they are computed
        self._done = False
        self._changed = threading.Condition()

    def ensure(self, holder: BackendHolder) -> str:
        """Start computing for the holder's current version if that is new; the version."""
        version = holder.version
        if not self.queries:
            return version
        with self._changed:
            if version == self._version:
                return version
            self._version, self._rows, self._done = version, {}, False
        threading.Thread(target=self._compute, args=(holder.backend, version), daemon=True,
                         name="citykg-precompute").start()
        return version

    def rows(self, holder: BackendHolder, query: CannedQuery, terms: dict[str, str],
             wait: float) -> list[dict] | None:
        """The kept rows of this call (waiting up to `wait` s for them), or None."""
        if not query.precompute:
            return None
        version, key = self.ensure(holder), _key(query.name, terms)
        with self._changed:
            self._changed.wait_for(lambda: version != self._version or key in self._rows
                                   or self._done, wait)
            return self._rows.get(key) if version == self._version else None

    @staticmethod
    def page(rows: list[dict], page: int, size: int) -> list[dict] | None:
        """Rows of a page (and one more, to tell if there are more), if kept."""
        end = page * size + 1
        if len(rows) > KEEP and end > len(rows):  # not all kept; the page reaches past them
            return None
        return rows[(page - 1) * size:end]

    def watch(self, holder: BackendHolder, every: float) -> None:
        """Compute for each new version as soon as it appears (run in a daemon thread)."""
        while True:
            try:
                self.ensure(holder)
            except Exception as exc:  # noqa: BLE001 - a store being rebuilt: look again later
                log.debug("precompute: %s", exc)
            threading.Event().wait(every)

    def _compute(self, backend, version: str) -> None:
        lower_priority()
        try:
            for query in self.queries:
                for terms in combinations(query):
                    rows = backend.select(query.page(terms, 1, KEEP))  # KEEP + 1 at most
                    with self._changed:
                        if version != self._version:
                            return
                        self._rows[_key(query.name, terms)] = rows
                        self._changed.notify_all()
        except Exception as exc:  # noqa: BLE001 - calls then run live, as without this
            log.warning("precomputing canned queries failed: %s", exc)
        finally:
            with self._changed:
                if version == self._version:
                    self._done = True
                    self._changed.notify_all()
