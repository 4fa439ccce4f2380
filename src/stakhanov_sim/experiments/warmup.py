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
``worker_pool`` (``lifeline.in_forkserver``). ``compile_all``, which ``make`` calls after
installing, compiles every kernel into the disk cache.
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


def compile_all() -> None:
    """Compile every kernel for the argument types the commands pass, into the disk cache.

    A small mine of the shipped history runs its whole calendar as one model with Mesa
    agents (``MineModel`` stepped by hand, as the app and the notebooks do) and as an
    ensemble of two (a batch, as ``run``, sweeps and calibration step them): a batch calls
    kernels with other types than a single run does (nine more signatures in the cache).
    ``make`` runs this once after installing, so that processes started together (``make
    test``'s workers and the commands they start) read the cache rather than write it at the
    same time: Numba's cache is not safe to write from several processes at once
    (numba/numba#4807), the likely cause of a test's command crashing once (a segmentation
    fault) in a suite run on a fresh checkout.
    """
    from stakhanov_sim.experiments.runner import run
    from stakhanov_sim.model.mine import MineModel
    from stakhanov_sim.scenarios import load_scenario

    small = load_scenario("history_1935_37", {"mine.sections": 2, "mine.hewers_per_section": 8})
    model = MineModel(small)
    for _ in range(model.n_shifts):
        model.step()
    model.results()
    run(small, replicates=2, workers=1)


if lifeline.in_forkserver():
    # Any failure leaves the forkserver as it was: each worker then loads its own kernels.
    with contextlib.suppress(Exception):
        load_kernels()
