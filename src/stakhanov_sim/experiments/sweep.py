"""Sweeps: many points of parameter space, many replicates each, resumable, on any executor.

A sweep runs through a ``concurrent.futures.Executor``: a local process pool, or a Dask
cluster (``distributed.Client.get_executor``), so a sweep that outgrows one machine runs on
a cluster unchanged. Each run's seed is spawned from the sweep's seed by its place in the
design (point, replicate), so the results are the same whatever the executor and whatever
order the runs finish in.

Output directory::

    OUT/sweep.json       what was swept (spec, base scenario, fingerprint)
    OUT/design.parquet   one row per point: the parameter values run
    OUT/runs/            one Parquet file per finished run (a Parquet dataset)

Each run's summary row is written, the moment it arrives, to a temporary name and then
renamed: a sweep stopped at any instant leaves only whole files, and started again it skips
every run whose file is whole (readable, one row, the expected columns) and redoes the rest.
The directory itself (its lock, its replacement by another sweep) is ``sweepdir``'s.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from stakhanov_sim.experiments import budget
from stakhanov_sim.experiments.design import points
from stakhanov_sim.experiments.outcomes import summarise, uncovered
from stakhanov_sim.experiments.results import atomic_write
from stakhanov_sim.experiments.runner import (
    batch_size,
    batches,
    cpu_count,
    script_left_alone,
    stepped,
    stop_pool,
    worker_pool,
)
from stakhanov_sim.experiments.sweepdir import (
    SweepError,
    load_runs,
    prepare_sweep_dir,
    verified_runs,
)
from stakhanov_sim.experiments.sweepfile import Design, SweepSpec, base_scenario, read_spec
from stakhanov_sim.model.mechanisms import PER_RUN
from stakhanov_sim.model.mine import per_run_values
from stakhanov_sim.scenarios.loading import ConfigError, set_dotted, validate
from stakhanov_sim.scenarios.schema import Scenario

SCHEDULER_TIMEOUT_S = 20  # a scheduler that accepts but never answers is not waited on

__all__ = ["Sweep", "SweepError", "load_runs", "load_sweep", "prepare_sweep_dir", "run_sweep"]


@dataclass(frozen=True)
class RunTask:
    """Everything one worker needs for one run; small enough to ship to a cluster."""

    run_id: str
    point: int
    replicate: int
    scenario: Scenario
    seed: np.random.SeedSequence
    outcomes: tuple[str, ...]


def execute(tasks: list[RunTask]) -> list[dict[str, Any]]:
    """Run a batch of tasks together (``runner.stepped``) and return their summary rows
    (runs on a worker); each row is the one its run gives alone. The tasks share a shape
    (``shape``): they are replicates of one point, or of points that differ only in
    parameters a batch's runs may differ in (``mechanisms.PER_RUN``), which each run gets.
    """
    first = tasks[0]
    varying = (
        None
        if all(task.scenario is first.scenario for task in tasks)
        else [per_run_values(task.scenario) for task in tasks]
    )
    numbers = list(range(len(tasks)))  # a batch's runs, as points may share replicate numbers
    # A sweep summarises each run's model table: the agent and event tables are not made.
    batch, parts = stepped((first.scenario, [task.seed for task in tasks], numbers, False, varying))
    model = batch.model_table(*parts[0])
    rows = []
    for task, (_, table) in zip(tasks, model.groupby("replicate", sort=False), strict=True):
        row = {"run_id": task.run_id, "point": task.point, "replicate": task.replicate}
        table = table.assign(replicate=task.replicate).reset_index(drop=True)
        rows.append(row | summarise(table, list(task.outcomes)))
    return rows


def shape(scenario: Scenario) -> str:
    """What runs stepped in one batch must share: the whole scenario but ``PER_RUN``."""
    data = scenario.model_dump(mode="json")
    for key in PER_RUN:
        group, name = key.split(".")
        data[group].pop(name)
    return json.dumps(data, sort_keys=True)


def in_batches(tasks: list[RunTask], size: int) -> list[list[RunTask]]:
    """Tasks cut into batches of at most ``size``, in order: the runs of points of one
    ``shape`` (a point's replicates, and points that differ only in ``PER_RUN``) into as few
    as hold them, as even as can be (``runner.batches``)."""
    by_shape: dict[str, list[RunTask]] = {}
    shapes: dict[int, str] = {}
    for task in tasks:
        if id(task.scenario) not in shapes:
            shapes[id(task.scenario)] = shape(task.scenario)
        by_shape.setdefault(shapes[id(task.scenario)], []).append(task)
    return [
        [theirs[i] for i in part]
        for theirs in by_shape.values()
        for part in batches(len(theirs), 1, size)
    ]


@dataclass
class Sweep:
    """A checked sweep: its spec, its design and one validated scenario per point."""

    path: Path
    spec: SweepSpec
    seed: int
    base: Scenario
    design: pd.DataFrame
    scenarios: list[Scenario]

    @property
    def n_runs(self) -> int:
        """Points times replicates."""
        return len(self.scenarios) * self.spec.replicates

    def tasks(self) -> list[RunTask]:
        """Every run, in design order, each with its own spawned random stream."""
        replicates = self.spec.replicates
        seeds = np.random.SeedSequence(self.seed).spawn(self.n_runs)
        return [
            RunTask(
                run_id(point, rep),
                point,
                rep,
                scenario,
                seeds[point * replicates + rep],
                tuple(self.spec.outcomes),
            )
            for point, scenario in enumerate(self.scenarios)
            for rep in range(replicates)
        ]

    def fingerprint(self) -> str:
        """A digest of everything that decides the results: spec, seed, base and design."""
        content = {
            "spec": self.spec.model_dump(mode="json"),
            "seed": self.seed,
            "base": self.base.model_dump(mode="json"),
            "design": self.design.to_dict(orient="list"),
        }
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def run_id(point: int, replicate: int) -> str:
    """The name of a run's file: sortable, and the same on every machine."""
    return f"p{point:06d}-r{replicate:04d}"


def load_sweep(path: str | os.PathLike, design: Design | None = None) -> Sweep:
    """Read a sweep file and build, and check, the scenario of every point before any run.

    Args:
        path: the sweep YAML file.
        design: replaces the file's design (sensitivity analysis chooses its own).

    Raises:
        ConfigError: naming the file, the key, the value and what is allowed.
    """
    path = Path(path)
    spec = read_spec(path, design)
    base = base_scenario(spec, path)
    seed = base.seed if spec.seed is None else spec.seed
    base_data = base.model_dump()
    _check_ranges(spec, base_data, path)
    n_points = design_size(spec)
    budget.check(
        budget.sweep_estimate(n_points, spec.replicates, base, workers=1),
        f"{path}: the sweep",
        "fewer points (samples, levels, values) or replicates, or a smaller base scenario",
    )
    table = points(spec, seed)
    scenarios = [
        _point_scenario(base_data, _native(row), path, f"point {i}")
        for i, row in enumerate(table.to_dict(orient="records"))
    ]
    for i, scenario in enumerate(scenarios):
        if missing := uncovered(spec.outcomes, scenario):
            raise ConfigError(
                f"{path}: key 'outcomes' = {missing}: point {i} ends on {scenario.calendar.end}, before the year it measures; allowed: outcomes within the calendar, or a longer calendar.end"
            )
    return Sweep(path, spec, seed, base, table, scenarios)


def design_size(spec: SweepSpec) -> int:
    """Points the design will have, counted from the spec alone (nothing drawn yet)."""
    if spec.design == "grid":
        return math.prod(
            p.levels if p.is_range else len(p.values) for p in spec.parameters.values()
        )
    n_vars = len(spec.parameters)
    per_sample = {"lhs": 1, "sobol": n_vars + 2, "morris": n_vars + 1}[spec.design]
    return spec.samples * per_sample


def _check_ranges(spec: SweepSpec, base_data: dict, path: Path) -> None:
    """Try each range's ends alone, so a bad bound is reported as the bound, not a point."""
    for key, p in spec.parameters.items():
        ends = {"low": p.low, "high": p.high} if p.is_range else {}
        for which, value in ends.items():
            _point_scenario(base_data, {key: value}, path, f"key 'parameters.{key}.{which}'")


def _point_scenario(base_data: dict, assignments: dict, path: Path, where: str) -> Scenario:
    data = copy.deepcopy(base_data)
    for key, value in assignments.items():
        set_dotted(data, key, value, source=f"{path} ({where})")
    try:
        return validate(data, source=f"{path} ({where})")
    except ConfigError as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in assignments.items())
        raise ConfigError(f"{path}: {where} ({shown}) gives an invalid scenario:\n{exc}") from None


def _native(row: dict) -> dict:
    """NumPy scalars to Python ones, as a YAML file would have given them."""
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in row.items()}


@contextmanager
def open_executor(
    workers: int | None = None, scheduler: str | None = None, dask_local: int | None = None
) -> Iterator[Executor]:
    """The executor runs go to: a Dask cluster at ``scheduler``, a local Dask cluster of
    ``dask_local`` worker processes, or (default) a local pool of ``workers`` processes."""
    if scheduler is not None or dask_local is not None:
        with _dask_executor(scheduler, dask_local) as executor:
            yield executor
        return
    pool = worker_pool(workers or cpu_count())
    try:
        yield pool
    except BaseException:  # Ctrl-C or a failed run: stop now, not after the queued runs
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def parallelism(executor: Executor) -> int:
    """How many runs ``executor`` works on at once: a pool's processes, a Dask cluster's
    threads (the machine's cores when it cannot tell)."""
    pool = getattr(executor, "_max_workers", None)  # concurrent.futures' executors
    if pool:
        return int(pool)
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 (a cluster that cannot say: fall back to the cores)
            pass
    return cpu_count()


LOOPBACK_ANY_PORT = "127.0.0.1:0"


@contextmanager
def _dask_executor(scheduler: str | None, dask_local: int | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError(
            "Dask is not installed; pip install 'stakhanov-sim[distributed]' (or use --workers)"
        ) from None
    cluster = None
    if dask_local is not None:
        with script_left_alone():  # (the workers start before the cluster returns)
            cluster = LocalCluster(
                n_workers=dask_local,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # Any free port on loopback: with None the scheduler still tries 8787 for its
                # HTTP routes and, with another cluster there, leaks the socket it tried.
                dashboard_address=LOOPBACK_ANY_PORT,
            )
    try:
        client = _connect(Client, cluster if cluster is not None else scheduler)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        if cluster is not None:
            cluster.close()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SweepError(
            f"--scheduler {scheduler}: cannot connect within {SCHEDULER_TIMEOUT_S} s ({reason}); allowed: the address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786"
        ) from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(client_type, address):
    """A Dask client, or TimeoutError after ``SCHEDULER_TIMEOUT_S``: a scheduler that accepts
    the connection but never answers would otherwise hold ``Client()`` for ever."""
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_type(address, timeout=SCHEDULER_TIMEOUT_S)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=connect, daemon=True, name="dask-connect")
    thread.start()
    thread.join(SCHEDULER_TIMEOUT_S + 5)
    if thread.is_alive():  # left behind as a daemon: it ends with the process
        raise TimeoutError("no answer")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["client"]


@dataclass(frozen=True)
class SweepReport:
    """What a call to ``run_sweep`` did: runs in the sweep, found done, computed now."""

    total: int
    skipped: int
    computed: int
    seconds: float


def run_sweep(
    sweep: Sweep,
    out: str | os.PathLike,
    executor: Executor,
    progress: bool = True,
    batch: int | None = None,
) -> SweepReport:
    """Run every run of ``sweep`` not already in ``out``, writing each row as it arrives.

    Runs go in batches of ``batch`` (default: ``runner.batch_size`` for the base scenario),
    a point's replicates together and with those of points that differ only in parameters a
    batch's runs may differ in (``in_batches``); the rows are the same whatever the batches.

    Returns:
        a ``SweepReport``.
    """
    out = Path(out)
    runs = prepare_sweep_dir(sweep, out)
    done, _damaged = verified_runs(runs, sweep.spec.outcomes)  # damaged files are redone
    todo = [task for task in sweep.tasks() if task.run_id not in done]
    started = time.perf_counter()
    skipped = sweep.n_runs - len(todo)
    if batch is None:  # within memory for every core's batch at once
        batch = batch_size(sweep.base, sweep.n_runs, cpu_count())
    with tqdm(total=sweep.n_runs, initial=skipped, unit="run", disable=not progress) as bar:
        futures = [executor.submit(execute, part) for part in in_batches(todo, max(1, batch))]
        try:
            for future in as_completed(futures):
                for row in future.result():
                    _write_run(runs, row)
                    bar.update()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return SweepReport(sweep.n_runs, skipped, len(todo), time.perf_counter() - started)


def _write_run(runs: Path, row: dict[str, Any]) -> None:
    frame = pd.DataFrame([row])
    atomic_write(runs / f"{row['run_id']}.parquet", lambda p: frame.to_parquet(p, index=False))
