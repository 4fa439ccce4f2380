"""Workmates: the social network over which example, comparison and resentment travel.

Miners know a few workmates in their own section (the work group of Roy 1952 and the
Hawthorne Bank Wiring Room) and a few people elsewhere in the mine. Links join job slots:
a newcomer hired into a slot takes over his predecessor's workmates at the face.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from stakhanov_sim.workforce import Workforce


class Network:
    """An undirected graph over job slots, stored as a row-normalised sparse matrix."""

    def __init__(self, edges_from: np.ndarray, edges_to: np.ndarray, size: int) -> None:
        keep = edges_from != edges_to
        rows = np.concatenate([edges_from[keep], edges_to[keep]])
        cols = np.concatenate([edges_to[keep], edges_from[keep]])
        adjacency = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
        adjacency.data[:] = 1.0  # duplicate links count once
        self.degree = np.asarray(adjacency.sum(axis=1)).ravel()
        scale = np.divide(1.0, self.degree, out=np.zeros(size), where=self.degree > 0)
        self.mean_operator = sparse.diags(scale) @ adjacency
        self.edges = adjacency.nnz // 2
        self._first_rows: dict[int, sparse.csr_matrix] = {}

    def mean(self, values: np.ndarray, rows: int | None = None) -> np.ndarray:
        """Each slot's mean of ``values`` over its workmates (0 for a slot with none).

        Args:
            values: one value per slot.
            rows: only the first ``rows`` slots' means (the hewers' are the first): half the
                work when only hewers need them, with the same sums.
        """
        operator = self.mean_operator
        if rows is not None and rows < operator.shape[0]:
            if rows not in self._first_rows:
                self._first_rows[rows] = operator[:rows]
            operator = self._first_rows[rows]
        return operator @ values.astype(float, copy=False)


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
