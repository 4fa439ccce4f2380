"""Runs in one set of arrays: a batch of independent runs of one scenario, stepped together.

An ensemble's replicates differ only in their random numbers, so they can share every pass
of every kernel: the runs' sections are stacked, run after run, along the section axis, and
each mechanism works on all of them at once. What is the mine's as a whole (the campaign,
the plan, the mine's tallies) is an array with one element per run, and what belongs to a
mine of the basin an array with one element per mine of every run. A run alone is a batch
of one, so there is one code path, and a run's tables are the same alone or in a batch of
any size (``tests/test_batch.py``).

Slots keep the workforce's layout by trade (``model.workforce``): all hewers of all runs,
section by section, then all timbermen, then all haulers. A run's slots are therefore not
contiguous; ``Runs`` knows where each run's slots lie, so that a number drawn for a run's
own slot ``k`` (its stream draws as if the run were alone) lands in the batch's slot that
holds it.

The runs of a batch may also differ in the parameters a calibration varies and in the
levers sweeps vary (``mechanisms.PER_RUN``): those parameters' records hold one value per
run (``varying``), so a calibration's particles or a sweep's points step together too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stakhanov_sim.model.compiled import kernel


@dataclass(frozen=True)
class Runs:
    """How ``count`` runs of the same shape share the batch's arrays.

    Attributes:
        count: runs in the batch.
        sections, mines, engineers: each run's (all runs have the same mine).
        trade_slots: each run's slots of each trade (hewers, timbermen, haulers).
        slot_order: for each batch slot, ``run * slots + k`` where it holds the run's slot
            ``k``: a ``(runs, slots)`` array of draws, raveled, read at ``slot_order`` gives
            them in the batch's order.
        run_major: the batch's slots run after run, each run's in its own order (an array
            over the batch's slots read at ``run_major`` gives each run's as it would alone).
    """

    count: int
    sections: int
    mines: int
    engineers: int
    trade_slots: tuple[int, int, int]
    slot_order: np.ndarray = field(repr=False)
    run_major: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "run_major", np.argsort(self.slot_order))  # (frozen)

    @property
    def slots(self) -> int:
        """Each run's job slots."""
        return sum(self.trade_slots)

    @property
    def hewer_slots(self) -> int:
        """Each run's hewer slots."""
        return self.trade_slots[0]

    def batch_slots(self, run: int, local: np.ndarray) -> np.ndarray:
        """The batch's slots that hold run ``run``'s slots ``local``."""
        return self.run_major[run * self.slots + np.asarray(local)]

    def count_by_run(self, w, slots: np.ndarray) -> np.ndarray:
        """How many of ``slots`` (of workforce ``w``) fall in each run."""
        if self.count == 1:
            return np.array([slots.size])
        return np.bincount(w.run[slots], minlength=self.count)

    def by_run(self, values: np.ndarray) -> np.ndarray:
        """A per-section array as ``(runs, sections)``."""
        return values.reshape(self.count, -1)

    def slot_sums(self, values: np.ndarray) -> np.ndarray:
        """Each run's sum of an array over the slots, added as the run alone would add it
        (NumPy's pairwise sum over its slots in its own order)."""
        if self.count == 1:
            return np.array([np.add.reduce(values)])
        return np.add.reduce(values[self.run_major].reshape(self.count, -1), axis=1)


def varying(value: float) -> np.ndarray:
    """A parameter that may differ between a batch's runs (``mechanisms.PER_RUN``), for one
    run: an array of one value, which ``mechanisms.parameters`` joins with the other runs'.
    A kernel reads a section's as ``values[run_of_section[s]]``, a slot's as ``values[run[k]]``.
    """
    return np.array([float(value)])


@kernel
def alike(values: np.ndarray) -> bool:
    """Whether every run has the same value (as in an ensemble): a kernel may then read it
    once for all, in a loop the compiler can vectorise."""
    for i in range(1, values.size):  # noqa: SIM110 (a compiled kernel: no generators)
        if values[i] != values[0]:
            return False
    return True


def grown(rates: np.ndarray, years: float) -> float | np.ndarray:
    """``(1 + rate) ** years`` for each run's rate (``varying``), with Python's own power as
    for a run alone; one number when every run has the same rate (``alike``)."""
    if alike(rates):
        return (1.0 + float(rates[0])) ** years
    return np.array([(1.0 + rate) ** years for rate in rates.tolist()])


def of(workforce, mines: int, engineers: int) -> Runs:
    """The runs of ``workforce`` (``Workforce.runs`` of them, laid out by its ``run`` and
    ``local_slot``), each with ``mines`` mines and ``engineers`` engineers."""
    count = workforce.runs
    slots = (workforce.n_hewer_slots, *(stop - start for start, stop, _ in workforce.blocks[1:]))
    per_run = tuple(n // count for n in slots)
    order = workforce.run * sum(per_run) + workforce.local_slot
    return Runs(count, workforce.sections // count, mines, engineers // count, per_run, order)
