"""Running scenarios: one run or an ensemble of replicates, in parallel, reproducibly.

Each replicate gets its own independent random stream spawned from one seed
(``numpy.random.SeedSequence.spawn``), so an ensemble gives the same tables whatever the
number of worker processes. Replicates run in batches (``model.runs``): a batch's runs are
stepped together, so each pass of each kernel serves all of them, and a run's tables are
the same whatever batch it ran in. Each worker gets whole batches, and hands their tables
back through files (``handover``).
"""

from __future__ import annotations

import contextlib
import copy
import importlib.machinery
import os
import platform
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import context, forkserver
from pathlib import Path

import mesa
import numpy as np
from tqdm.auto import tqdm

from stakhanov_sim.experiments import budget, handover, lifeline
from stakhanov_sim.experiments.memory import small_pages
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.model.mine import MineModel
from stakhanov_sim.scenarios.schema import Scenario

PROGRESS_DELAY_S = 1.0  # show a progress bar only for runs longer than this
# Runs stepped together. A default mine's shift costs about 0.3 ms of fixed Python work and
# 0.05 ms of arithmetic; a batch shares the fixed part. Measured (benchmarks/README.md,
# rounds 5 and 6): a run in a batch of 32 costs about what it costs in one of 64, and a mine
# of 24,320 miners spends under a tenth of its shift on the fixed part, so a batch gains
# little past 64 runs or some 25,000 miners while its memory keeps growing.
MAX_BATCH = 64
BATCH_MINERS = 25_000
MEMORY_SHARE = 0.5  # assumption: half the memory available, for all the workers' batches


def replicate_seeds(seed: int, replicates: int) -> list[np.random.SeedSequence]:
    """Independent child streams of one seed, one per replicate."""
    return np.random.SeedSequence(seed).spawn(replicates)


def run_replicate(
    scenario: Scenario, seed_seq: np.random.SeedSequence, replicate: int, progress: bool = False
) -> Results:
    """Run one replicate to the end of the calendar and return its tables."""
    return run_batch(scenario, [seed_seq], [replicate], progress)


def run_batch(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    replicates: list[int],
    progress: bool = False,
    varying: list[dict[str, float]] | None = None,
) -> Results:
    """Run one batch of replicates together to the end of the calendar; their tables, one
    replicate after another (each the same as run alone).

    Only the tables leave this function, so the model makes no Mesa agents (``mesa_agents``:
    the same tables, without Mesa's bookkeeping for every hire and departure). ``varying``:
    each run's values of the parameters a batch's runs may differ in (``MineModel``).
    """
    model, parts = stepped((scenario, seeds, replicates, False, varying), progress)
    return model.results(*parts[0])


def run_with_agents(
    scenario: Scenario, seed_seq: np.random.SeedSequence, replicate: int
) -> Results:
    """One replicate as a whole Mesa model, an agent for every miner, foreman and engineer:
    the way ensembles ran their replicates before the batches (``benchmarks/bench.py`` keeps
    it as the reference of their speed). The tables are those of ``run_replicate``."""
    model = MineModel(scenario, rng=[seed_seq], replicate=[replicate])
    return _to_the_end(model, progress=False).results()


def run_with_baseline(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    replicates: list[int],
    varying: list[dict[str, float]] | None = None,
) -> tuple[Results, Results]:
    """Each replicate of ``scenario`` and of its no-campaign baseline (the same mine and seed
    without campaign events), all stepped in one batch: the history's tables and the
    baseline's, each run's the same as alone (a batch's runs may follow different timelines,
    ``mechanisms.policy``). A calibration measures every particle on both, so this halves the
    batches it steps. ``varying``: each replicate's values of the parameters a batch's runs
    may differ in (``MineModel``), its twin's the same."""
    model, parts = stepped((scenario, seeds, replicates, True, varying))
    history, baseline = (model.results(runs, numbers) for runs, numbers in parts)
    return history, baseline


@small_pages()
def stepped(job: tuple, progress: bool = False) -> tuple[MineModel, list[tuple[range, list[int]]]]:
    """A job's batch stepped to the end of the calendar, and its parts: which of its runs
    are the history's (and which the baseline's), with their replicate numbers.

    ``job`` is (scenario, seeds, replicates, baseline) and, optionally, each replicate's
    values of the parameters a batch's runs may differ in (``MineModel(varying=...)``). With
    ``baseline`` each replicate has a twin on the same seed without campaign events.
    """
    scenario, seeds, replicates, baseline, *rest = job
    varying = rest[0] if rest else None
    n, numbers = len(seeds), list(replicates)
    if not baseline:
        model = MineModel(
            scenario, rng=list(seeds), replicate=numbers, mesa_agents=False, varying=varying
        )
        return _to_the_end(model, progress), [(range(n), numbers)]
    twins = copy.deepcopy(list(seeds))  # a SeedSequence counts its spawns: one for each run
    model = MineModel(
        scenario,
        rng=list(seeds) + twins,
        replicate=list(range(2 * n)),
        mesa_agents=False,
        timelines=[scenario.campaign.events] * n + [without_campaign(scenario).campaign.events] * n,
        varying=None if varying is None else list(varying) * 2,
    )
    return _to_the_end(model, progress), [(range(n), numbers), (range(n, 2 * n), numbers)]


def _to_the_end(model: MineModel, progress: bool) -> MineModel:
    """Step ``model`` to the end of its calendar (with a progress bar if asked)."""
    # No tqdm at all without a bar: even a disabled one makes a process-shared lock, which
    # a worker ended by Ctrl-C leaves behind ("leaked semaphore objects" at exit).
    bar = (
        tqdm(total=model.n_shifts, unit="shift", delay=PROGRESS_DELAY_S, leave=False)
        if progress
        else None
    )
    while model.running:
        model.step()
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return model


def batch_size(scenario: Scenario, runs: int, workers: int, available: float | None = None) -> int:
    """Runs per batch: enough to keep every worker busy, at most ``MAX_BATCH`` and
    ``BATCH_MINERS`` miners (beyond which a batch gains nothing), and within
    ``MEMORY_SHARE`` of the memory available for all the workers' batches at once."""
    per_run = budget.run_estimate(scenario, 1, 1).bytes
    memory = budget.available_bytes() if available is None else available
    by_memory = int(memory * MEMORY_SHARE // (max(workers, 1) * per_run))
    by_size = BATCH_MINERS // max(budget.miners(scenario), 1)
    per_worker = -(-runs // max(workers, 1))
    return max(1, min(MAX_BATCH, by_size, by_memory, per_worker))


def batches(runs: int, workers: int, size: int) -> list[range]:
    """``runs`` runs, in order, cut into batches of at most ``size``, as even as can be and
    a multiple of ``workers`` in number where there are enough runs (so no worker idles
    at the end while another finishes a long batch)."""
    per_worker = -(-runs // max(workers, 1))
    count = min(runs, max(workers, 1) * -(-per_worker // max(size, 1)))
    edges = np.linspace(0, runs, count + 1).round().astype(int)
    return [range(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def default_workers(replicates: int) -> int:
    """All cores, but no more processes than replicates."""
    return max(1, min(cpu_count(), replicates))


def cpu_count() -> int:
    """Cores this process may use (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(
    scenario: Scenario,
    replicates: int = 1,
    seed: int | None = None,
    workers: int | None = None,
    progress: bool = False,
    batch: int | None = None,
) -> Results:
    """Run a scenario ``replicates`` times and return the joined tables with a manifest.

    Args:
        scenario: the validated scenario (see ``load_scenario``).
        replicates: independent runs, numbered 0..n-1 in the ``replicate`` column.
        seed: overrides ``scenario.seed``; the same seed gives identical tables.
        workers: processes to use (default: all cores, at most one per replicate).
        progress: draw a progress bar for runs longer than a second.
        batch: runs stepped together (default: ``batch_size``, from the memory available);
            the tables are the same whatever it is.
    """
    return _ensemble(scenario, replicates, seed, workers, progress, batch, baseline=False)[0]


def run_and_baseline(
    scenario: Scenario,
    replicates: int = 1,
    seed: int | None = None,
    workers: int | None = None,
    progress: bool = False,
    batch: int | None = None,
) -> tuple[Results, Results]:
    """``run`` for ``scenario`` and for its no-campaign baseline (the same scenario without
    campaign events), with the same seeds: each replicate steps with its baseline twin in one
    batch (``run_with_baseline``), so the two ensembles share their batches and workers. Each
    ensemble's tables and manifest are those ``run`` gives it (``batch`` counts replicates:
    a batch steps twice as many runs)."""
    return _ensemble(scenario, replicates, seed, workers, progress, batch, baseline=True)


def without_campaign(scenario: Scenario) -> Scenario:
    """The no-campaign baseline of ``scenario``: the same mine without campaign events."""
    return scenario.model_copy(
        update={"campaign": scenario.campaign.model_copy(update={"events": []})}
    )


def _ensemble(
    scenario: Scenario,
    replicates: int,
    seed: int | None,
    workers: int | None,
    progress: bool,
    batch: int | None,
    baseline: bool,
) -> tuple[Results, ...]:
    """The ensemble of ``scenario`` (and of its baseline, when ``baseline``), with manifests."""
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, got {replicates}")
    seed = scenario.seed if seed is None else seed
    seeds = replicate_seeds(seed, replicates)
    workers = default_workers(replicates) if workers is None else max(1, min(workers, replicates))
    runs = 2 * replicates if baseline else replicates
    budget.check(  # before a single agent is made
        budget.run_estimate(scenario, runs, workers),
        f"scenario '{scenario.name}'",
        budget.RUN_ALLOWED,
    )
    started = time.perf_counter()
    if batch is None:  # a replicate and its twin are two runs in memory
        size = max(1, batch_size(scenario, runs, workers) // (2 if baseline else 1))
    else:
        size = max(1, batch)
    jobs = [(scenario, [seeds[i] for i in part], list(part), baseline)
            for part in batches(replicates, workers, size)]  # fmt: skip
    if workers == 1 or len(jobs) == 1:
        parts = [_run_job(job, progress) for job in jobs]
        with small_pages():
            joined = [Results.concat([part[k] for part in parts]) for k in range(len(parts[0]))]
    else:
        joined = run_parallel(jobs, workers, progress)
    seconds = time.perf_counter() - started
    scenarios = (scenario, without_campaign(scenario)) if baseline else (scenario,)
    ensembles = []
    for results, of in zip(joined, scenarios, strict=True):
        results.manifest = manifest(of, seed, replicates, workers, seconds)
        results.manifest["batch"] = size
        ensembles.append(results)
    return tuple(ensembles)


@small_pages()
def _run_job(job: tuple, progress: bool = False) -> tuple[Results, ...]:
    """One batch of an ensemble (``stepped``): the replicates' tables (and their
    baselines')."""
    model, parts = stepped(job, progress)
    return tuple(model.results(runs, numbers) for runs, numbers in parts)


def run_parallel(jobs: list, workers: int, progress: bool = False) -> tuple[Results, ...]:
    """The jobs' tables (``_run_job``), the jobs spread over ``workers`` processes: each part
    (a history, a baseline) of every job, joined in the jobs' order, as ``Results.concat``
    joins them. The tables come back through files (``handover``). The jobs are of one
    kind (all with a baseline, or none)."""
    pool = worker_pool(workers)
    with handover.folder() as into:
        try:
            names = [f"batch{k}" for k in range(len(jobs))]
            stream = pool.map(_run_job_handed_over, jobs, [into] * len(jobs), names)
            bar = tqdm(
                stream, total=len(jobs), unit="batch", delay=PROGRESS_DELAY_S, disable=not progress
            )
            parts = [handover.take(handed) for handed in bar]
        except BaseException:  # Ctrl-C or a failed replicate: stop now, not after the others
            stop_pool(pool)
            raise
        pool.shutdown()
    return handover.joined(parts, threads=workers)


def _run_job_handed_over(job: tuple, into: Path, name: str):
    """``_run_job`` in a worker, its tables left in ``into`` for the command."""
    return handover.give(*stepped(job), into, name)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A forkserver pool whose workers ignore Ctrl-C: the parent alone handles it.

    At a terminal Ctrl-C reaches the whole process group; workers that took it would each
    print a traceback. The forkserver is started with SIGINT ignored so every worker inherits
    that from its first instruction (an initializer would come too late for one interrupted
    while importing); the initializer covers a forkserver started elsewhere.
    """
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            # Workers fork from a server that has imported the model once, instead of each
            # importing NumPy, pandas, SciPy and Mesa again (a second or more apiece), and
            # loaded its compiled kernels once (``warmup``).
            forkserver.set_forkserver_preload(
                ["stakhanov_sim.experiments.runner", "stakhanov_sim.experiments.warmup"]
            )
            with lifeline.tying_children():  # the forkserver dies with this process
                forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_WorkerContext(),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


@contextlib.contextmanager
def script_left_alone() -> Iterator[None]:
    """While workers are started: tell them to leave the script that started them alone.

    A process started by ``multiprocessing`` runs the parent's script again (as
    ``__mp_main__``) before its first task, so a script calling ``run(...)`` at top level,
    without ``if __name__ == "__main__":``, started workers that started workers and broke
    the pool with two tracebacks; a script read from stdin could not be run again at all.
    Workers here run only this package's functions on this package's data, so they need
    nothing from the script: a ``__main__`` whose spec is named ``__main__`` is what
    ``multiprocessing`` leaves alone (as it does for ``python -m``). Dask's local workers
    are started the same way (``sweep.open_executor``).
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


class _Worker(context.ForkServerProcess):
    """A pool worker, forked by the forkserver without running the user's script again."""

    @staticmethod
    def _Popen(process_obj):
        with script_left_alone():
            return context.ForkServerProcess._Popen(process_obj)


class _WorkerContext(context.ForkServerContext):
    """The forkserver start method, with workers that leave the script alone (``_Worker``)."""

    Process = _Worker


def _start_worker(command_pid: int) -> None:
    """Ignore Ctrl-C (the command handles it) and die with the command, however it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lifeline.tie_worker(command_pid)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Drop queued replicates and end the running ones at once (they ignore Ctrl-C)."""
    processes = list((pool._processes or {}).values())  # no public handle on the workers
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def manifest(scenario: Scenario, seed: int, replicates: int, workers: int, seconds: float) -> dict:
    """What is needed to reproduce and judge a run: config, seeds, versions, timings."""
    from stakhanov_sim import __version__

    return {
        "scenario": scenario.model_dump(mode="json"),
        "seed": seed,
        "replicates": replicates,
        "replicate_seeds": [
            {"entropy": seed, "spawn_key": list(s.spawn_key)}
            for s in replicate_seeds(seed, replicates)
        ],
        "workers": workers,
        "versions": {
            "stakhanov_sim": __version__,
            "mesa": mesa.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "timings": {"run_seconds": round(seconds, 3)},
    }
