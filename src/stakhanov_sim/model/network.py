"""Workmates: the social network over which example, comparison and resentment travel.

Miners know a few workmates in their own section (the work group of Roy 1952 and the
Hawthorne Bank Wiring Room) and a few people elsewhere in the mine. Links join job slots:
a newcomer hired into a slot takes over his predecessor's workmates at the face.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import Runs
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce


class Network:
    """An undirected graph over job slots: each slot's workmates, in compressed rows.

    Attributes:
        indptr, indices: slot ``i``'s workmates are ``indices[indptr[i]:indptr[i + 1]]``
            (SciPy's CSR layout; links are mutual, so rows are also columns).
        inverse_degree: 1 / the number of each slot's workmates (0 for a slot with none).
        edges: number of links.
    """

    def __init__(self, edges_from: np.ndarray, edges_to: np.ndarray, size: int) -> None:
        keep = edges_from != edges_to
        rows = np.concatenate([edges_from[keep], edges_to[keep]])
        cols = np.concatenate([edges_to[keep], edges_from[keep]])
        adjacency = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
        adjacency.sum_duplicates()  # a link named twice counts once
        adjacency.sort_indices()
        # Unsigned, so that compiled kernels need not check each index for a negative value
        # (NumPy's wrap-around indexing): the mean takes a third less time.
        index = np.uint32 if adjacency.nnz < 2**32 else np.uint64
        self.indptr, self.indices = adjacency.indptr.astype(index), adjacency.indices.astype(index)
        degree = np.diff(self.indptr).astype(float)
        self.inverse_degree = np.divide(1.0, degree, out=np.zeros(size), where=degree > 0)
        self.edges = adjacency.nnz // 2

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Each slot's mean of ``values`` over its workmates (0 for a slot with none)."""
        out = np.empty(self.indptr.size - 1)
        _mean(self.indptr, self.indices, self.inverse_degree, values.astype(float, copy=False), out)
        return out


@kernel
def _mean(indptr, indices, inverse_degree, values, out):
    """Sum over each slot's workmates, times 1 / degree (only the links are stored).

    Alternate workmates go to two partial sums, so that each addition need not wait for the
    one before it (a fixed order: the same sums on every machine).
    """
    for i in range(out.size):
        even = odd = 0.0
        k, end = indptr[i], indptr[i + 1]
        while k + 1 < end:
            even += values[indices[k]]
            odd += values[indices[k + 1]]
            k += 2
        if k < end:
            even += values[indices[k]]
        out[i] = (even + odd) * inverse_degree[i]


class Tally:
    """Each slot's share of workmates with a flag (say, who has adopted the new methods).

    ``count * network.inverse_degree`` is ``network.mean(flags)``, kept up to date from the flags
    that changed since the last update instead of summing every slot's workmates again:
    only a few dozen miners take up the methods, earn a title or quit in a shift.
    """

    def __init__(self, network: Network, flags: np.ndarray) -> None:
        self.network = network
        self.last = np.zeros_like(flags)
        self.count = np.zeros(flags.size)
        self.update(flags)

    def update(self, flags: np.ndarray) -> None:
        """Bring ``count`` (flagged workmates of each slot) up to date with ``flags``."""
        _recount(self.network.indptr, self.network.indices, flags, self.last, self.count)


@kernel
def _recount(indptr, indices, flags, last, count):
    """Add (or take away) each slot whose flag changed from its workmates' counts.

    Links are mutual, so a slot's row lists the workmates whose counts it is part of.
    """
    for j in range(flags.size):
        if flags[j] != last[j]:
            last[j] = flags[j]
            delta = 1.0 if flags[j] else -1.0
            for k in range(indptr[j], indptr[j + 1]):
                count[indices[k]] += delta


def build(workforce: Workforce, runs: Runs, within: int, across: int, stream: Stream) -> Network:
    """Random links: ``within`` to workmates in the same section, ``across`` to anyone in the
    same run's mine, each run's drawn from its own stream as if it were alone."""
    if runs.count == 1:
        return Network(*_links(workforce, within, across, stream[0]), workforce.size)
    alone = Workforce(runs.sections, *(n // runs.sections for n in runs.trade_slots))
    ends = []
    for run in range(runs.count):
        links = _links(alone, within, across, stream[run])
        ends.append([runs.batch_slots(run, end) for end in links])
    return Network(*(np.concatenate(end) for end in zip(*ends, strict=True)), workforce.size)


def _links(w: Workforce, within: int, across: int, rng: np.random.Generator):
    """Both ends of one run's links, in its own slot numbers."""
    slots = np.arange(w.size)
    members = np.hstack([w.by_section(slots, trade) for trade in range(3)])
    frm = np.repeat(slots, within)
    to = members[w.section[frm], rng.integers(0, members.shape[1], frm.size)]
    frm_x = np.repeat(slots, across)
    to_x = rng.integers(0, w.size, frm_x.size)
    return np.concatenate([frm, frm_x]), np.concatenate([to, to_x])
