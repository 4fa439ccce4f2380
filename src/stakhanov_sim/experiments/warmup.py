"""The forkserver's warm-up: the model's compiled kernels loaded once, before workers fork.

Every pool (``runner.worker_pool``) starts fresh worker processes, forked from one
forkserver per command. A fresh worker loaded each compiled kernel from Numba's disk cache
at its first call: about 0.43 s of a worker's start (0.25 s at the first call, most of it
Numba's own start, then some 4 ms for each of 42 more; benchmarks/README.md, round 18),
paid again by every
pool a process starts (a sweep's, each of a calibration's generations, a notebook's
ensembles). The forkserver imports this module before it forks anyone: a small batch of
two runs steps through the first shifts of the shipped history, so the kernels are in the
forkserver's memory and every worker forked from it has them. The first pool of a process
pays the load once, in the forkserver, where its workers each paid it at the same time: no
faster there, but no slower. A kernel the warm-up does not reach is loaded at its first
call, as before.

Importing this module anywhere else does nothing: it acts only in a forkserver started by
``worker_pool`` (``lifeline.in_forkserver``).
"""

from __future__ import annotations

import contextlib

from stakhanov_sim.experiments import lifeline

SHIFTS = 30  # enough for all but a handful of the kernels (those of 1936-37's events)


def load_kernels() -> None:
    """Step a small batch of the shipped history for ``SHIFTS`` shifts and make its tables,
    so the kernels a batch calls are loaded (compiled first, on a machine's first run)."""
    from stakhanov_sim.model.mine import MineModel
    from stakhanov_sim.scenarios import load_scenario

    small = load_scenario("history_1935_37", {"mine.sections": 1})
    model = MineModel(small, rng=[1, 2], replicate=[0, 1], mesa_agents=False)
    for _ in range(SHIFTS):
        model.step()
    model.results()


if lifeline.in_forkserver():
    # Any failure leaves the forkserver as it was: each worker then loads its own kernels.
    with contextlib.suppress(Exception):
        load_kernels()
