"""Workmates: the social network over which example, comparison and resentment travel.

Miners know a few workmates in their own section (the work group of Roy 1952 and the
Hawthorne Bank Wiring Room) and a few people elsewhere in the mine. Links join job slots:
a newcomer hired into a slot takes over his predecessor's workmates at the face.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from stakhanov_sim.compiled import kernel
from stakhanov_sim.workforce import Workforce


class Network:
    """An undirected graph over job slots: each slot's workmates, in compressed rows.

    Attributes:
        indptr, indices: slot ``i``'s workmates are ``indices[indptr[i]:indptr[i + 1]]``
            (SciPy's CSR layout; links are mutual, so rows are also columns).
        degree: workmates of each slot; inverse_degree: 1 / degree (0 for a slot with none).
        edges: number of links.
    """

    def __init__(self, edges_from: np.ndarray, edges_to: np.ndarray, size: int) -> None:
        keep = edges_from != edges_to
        rows = np.concatenate([edges_from[keep], edges_to[keep]])
        cols = np.concatenate([edges_to[keep], edges_from[keep]])
        adjacency = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
        adjacency.sum_duplicates()  # a link named twice counts once
        adjacency.sort_indices()
        self.indptr, self.indices = adjacency.indptr, adjacency.indices
        self.degree = np.diff(self.indptr).astype(float)
        self.inverse_degree = np.divide(1.0, self.degree, out=np.zeros(size), where=self.degree > 0)
        self.edges = adjacency.nnz // 2

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Each slot's mean of ``values`` over its workmates (0 for a slot with none)."""
        out = np.empty(self.indptr.size - 1)
        _mean(self.indptr, self.indices, self.inverse_degree, values.astype(float, copy=False), out)
        return out


@kernel
def _mean(indptr, indices, inverse_degree, values, out):
    """Sum over each slot's workmates, times 1 / degree (only the links are stored)."""
    for i in range(out.size):
        total = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            total += values[indices[k]]
        out[i] = total * inverse_degree[i]


class Tally:
    """Each slot's share of workmates with a flag (say, who has adopted the new methods).

    The same as ``network.mean(flags)``, but kept up to date from the flags that changed
    since the last call instead of summing every slot's workmates again: only a few dozen
    miners take up the methods, earn a title or quit in a shift.
    """

    def __init__(self, network: Network, flags: np.ndarray) -> None:
        self.indptr, self.indices = network.indptr, network.indices
        self.inverse_degree = network.inverse_degree
        self.last = flags.copy()
        self.count = np.zeros(flags.size)
        _recount(self.indptr, self.indices, np.flatnonzero(flags), flags, self.count)

    def share(self, flags: np.ndarray, rows: int | None = None) -> np.ndarray:
        """Share of each slot's workmates flagged now (of the first ``rows`` slots only)."""
        changed = np.flatnonzero(flags != self.last)
        if changed.size:
            _recount(self.indptr, self.indices, changed, flags, self.count)
            self.last[changed] = flags[changed]
        rows = self.count.size if rows is None else rows
        return self.count[:rows] * self.inverse_degree[:rows]


@kernel
def _recount(indptr, indices, changed, flags, count):
    """Add (or take away) each changed slot from its workmates' counts (links are mutual)."""
    for j in changed:
        delta = 1.0 if flags[j] else -1.0
        for k in range(indptr[j], indptr[j + 1]):
            count[indices[k]] += delta


def build(workforce: Workforce, within: int, across: int, rng: np.random.Generator) -> Network:
    """Random links: ``within`` to workmates in the same section, ``across`` to anyone."""
    w = workforce
    slots = np.arange(w.size)
    members = np.hstack([w.by_section(slots, trade) for trade in range(3)])
    frm = np.repeat(slots, within)
    to = members[w.section[frm], rng.integers(0, members.shape[1], frm.size)]
    frm_x = np.repeat(slots, across)
    to_x = rng.integers(0, w.size, frm_x.size)
    return Network(np.concatenate([frm, frm_x]), np.concatenate([to, to_x]), w.size)
