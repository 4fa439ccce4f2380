"""Benchmarks: what a worker-shift costs, against Mesa's own empty loop, from 1k to 1M miners.

Users run thousands of runs for sensitivity analysis, and the Donbas had hundreds of
thousands of miners, so the model must cost less per worker-shift than Mesa's
``AgentSet.shuffle_do`` of an *empty* ``step()`` (DESIGN.md, "Scale and performance
architecture"). This script measures, each size in a fresh subprocess (so peak memory is that
size's own):

- the full model, with its data collection, per worker-shift (one miner's job slot worked for
  one shift), timing steps only; construction is reported separately;
- in the same process, Mesa's ``shuffle_do("step")`` over as many plain ``mesa.Agent``
  subclasses with an empty ``step()``, and the ratio of the two;

then the default scenario's and the basin scenario's wall time, the ensemble throughput with
1 and 2 worker processes, the runs per second of 200 default runs against batch size and
workers (process pool and a local Dask cluster; batch 1 is the path of before the batches),
the time from a fresh ``.venv`` to the first results, a single default-size run's cost per
worker-shift against the large mine's (10k miners) in one process (optionally for an older
tree too, alternating), a calibration particle's cost in one batch against two, a worker's particles together against one by one, the ceiling of issue 17's throughput ratio (``ceiling.py``), and writes ``results.md`` and two figures (see ``bench_report.py``). Costs are CPU time of the benchmark process (``time.process_time``):
on a shared machine wall time also counts other people's work; wall time is reported too.

Usage: ``make bench`` or ``python benchmarks/bench.py [--sizes 1000 10000] [--skip ensemble]``;
``--only single --reference-src OLD/src`` compares the single run with an older checkout's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CONFIG = ROOT / "configs" / "history_1935_37.yaml"
BASIN_CONFIG = ROOT / "configs" / "donbas_basin.yaml"
SIZES = (1_000, 10_000, 100_000, 1_000_000)
# A short calendar with the campaign on (Stakhanov's record, the press campaign), so that
# every mechanism works; the same window at every size keeps the costs comparable.
WINDOW = (dt.date(1935, 8, 29), dt.date(1935, 10, 15))
MESA_AGENT_STEPS = 3_000_000  # agent-steps of the empty loop timed per size (in 5 blocks)
MIN_TIMED_S = 1.0  # CPU seconds of shifts timed per size (and at least 3 runs) ...
TIMED_RUNS = 15  # ... in at most this many runs
ONE_RUN_ENOUGH = 4  # a first run this many times min_seconds is measured alone
SCENARIO_REPEATS = 3  # runs of the default scenario; the first includes warming up
# 4 runs of a 15,200-miner mine (a few seconds each, so that starting the worker processes
# does not swamp the comparison), each setting timed twice, best kept (the machine is shared).
ENSEMBLE = {"replicates": 4, "sections": 400, "tries": 2}
SINGLE_ROUNDS = 7  # default-size runs and large-mine runs, alternating, in one process
PARTICLE_ROUNDS = 5  # calibration particles each way, alternating, in one process
PARTICLES_TOGETHER = 32  # a worker's particles in one batch (64 runs with their baselines)
PARTICLE_SEED = 14  # the particles' parameter points and seeds
LARGE_MINE = 10_000  # miners of the large mine a single default-size run is compared with
# Issue 17: 200 replicates of the default mine on 2 workers: the pool's path when the issue
# was filed (one task per run, Mesa agents), one run per task without agents (batch 1), and
# batches of 8, 32, 64 and 100; one worker at 64; a local Dask cluster of 2 (a one-point
# sweep) at batch 1 and 64. The whole list twice, in this order, each setting's faster try
# kept: the reference and the batches alike, so a passing load does not decide their ratio.
THROUGHPUT = {"replicates": 200, "workers": 2, "tries": 2,
              "settings": (("agents", 2, 1), ("pool", 2, 1), ("pool", 2, 8), ("pool", 2, 32),
                           ("pool", 2, 64), ("pool", 2, 100), ("pool", 1, 64), ("dask", 2, 1),
                           ("dask", 2, 64))}  # fmt: skip
# Issue 17's ceiling: a batch of 100 default runs stepped, against the reference path's task
# (a run with Mesa agents, its tables pickled) four times, alternating, three rounds.
CEILING = {"batch": 100, "rounds": 3, "reference_runs": 4}
PARTS = (
    "sizes", "default", "basin", "ensemble", "single", "throughput", "fresh", "particle",
    "ceiling",
)  # fmt: skip


class EmptyAgent(mesa.Agent):
    """A Mesa agent that does nothing: the floor of any agent-by-agent model."""

    def step(self) -> None:
        pass


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scaled_scenario(miners: int, window: tuple[dt.date, dt.date] = WINDOW):
    """The historical scenario with about ``miners`` job slots over a short calendar.

    The mine grows by sections (``mine.sections``), hewers per section fixed, so the size of
    a section, and with it every per-section mechanism, stays the same.
    """
    from stakhanov_sim import Scenario, load_scenario

    base = load_scenario(DEFAULT_CONFIG)
    data = base.model_dump()
    data["mine"]["sections"] = max(1, round(miners / base.miners_per_section))
    data["calendar"]["start"], data["calendar"]["end"] = window
    data["campaign"]["events"] = [
        e for e in data["campaign"]["events"] if window[0] <= e["date"] <= window[1]
    ]
    return Scenario.model_validate(data)


def time_model(scenario, min_seconds: float = MIN_TIMED_S, max_runs: int = TIMED_RUNS) -> dict:
    """Construct the model and time its shifts (CPU and wall) until the calendar ends.

    A small mine's 40 shifts take a few hundredths of a second, where one hiccup of a shared
    machine shows, so the run is repeated (a fresh model with the same seed each time) until
    ``min_seconds`` of shifts and at least three runs, or ``max_runs`` runs; the median run
    is reported. Construction is timed on the first run.
    """
    from stakhanov_sim import MineModel

    runs: list[tuple[float, float]] = []
    while len(runs) < max_runs and (len(runs) < 3 or sum(r[0] for r in runs) < min_seconds):
        cpu, wall = time.process_time(), time.perf_counter()
        model = MineModel(scenario)
        if not runs:
            construct = time.process_time() - cpu, time.perf_counter() - wall
        cpu, wall = time.process_time(), time.perf_counter()
        while model.running:
            model.step()
        runs.append((time.process_time() - cpu, time.perf_counter() - wall))
        if runs[0][0] > ONE_RUN_ENOUGH * min_seconds:  # a big mine: one run is long enough
            break
    step_cpu = statistics.median(r[0] for r in runs)
    step_wall = statistics.median(r[1] for r in runs)
    worker_shifts = model.workforce.size * model.n_shifts
    return {
        "miners": model.workforce.size,
        "sections": model.workforce.sections,
        "shifts": model.n_shifts,
        "runs": len(runs),
        "construct_s": construct[1],
        "construct_cpu_s": construct[0],
        "steps_cpu_s": step_cpu,
        "steps_wall_s": step_wall,
        "model_us": step_cpu / worker_shifts * 1e6,
        "model_wall_us": step_wall / worker_shifts * 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def time_mesa_empty(n: int, agent_steps: int = MESA_AGENT_STEPS, blocks: int = 5) -> dict:
    """CPU cost per agent of Mesa's ``AgentSet.shuffle_do("step")`` over ``n`` empty agents.

    The sweeps are timed in ``blocks`` blocks and the median block is reported, as for the
    model.
    """
    model = mesa.Model(rng=0)
    for _ in range(n):
        EmptyAgent(model)
    agents = model.agents
    agents.shuffle_do("step")  # warm up
    sweeps = max(1, agent_steps // (n * blocks))
    cpus, walls = [], []
    for _ in range(blocks):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(sweeps):
            agents.shuffle_do("step")
        cpus.append((time.process_time() - cpu) / (sweeps * n) * 1e6)
        walls.append((time.perf_counter() - wall) / (sweeps * n) * 1e6)
    return {"mesa_us": statistics.median(cpus), "mesa_wall_us": statistics.median(walls)}


def warm_up(window: tuple[dt.date, dt.date] = WINDOW) -> float:
    """CPU seconds of a first, tiny run: loading (or, the first time, compiling) the kernels.

    A fresh process pays this once, whatever the size of the mine; it is reported apart from
    the cost per worker-shift, which is that of a process already running.
    """
    from stakhanov_sim import MineModel

    cpu = time.process_time()
    model = MineModel(scaled_scenario(100, window))
    while model.running:
        model.step()
    return time.process_time() - cpu


def measure_size(
    miners: int, window: tuple[dt.date, dt.date] = WINDOW, agent_steps: int = MESA_AGENT_STEPS
) -> dict:
    """One row of the scaling table: the model, then Mesa's empty loop, in this process."""
    first_use = warm_up(window)
    row = time_model(scaled_scenario(miners, window))
    row["first_use_cpu_s"] = first_use
    gc.collect()
    row.update(time_mesa_empty(row["miners"], agent_steps))
    row["ratio"] = row["model_us"] / row["mesa_us"]
    return row


def measure_scenario(path: Path, repeats: int = 1, overrides: dict | None = None) -> dict:
    """Wall and CPU time of ``stakhanov_sim.run`` on a scenario file, and peak memory."""
    from stakhanov_sim import load_scenario, run

    scenario = load_scenario(path, overrides)
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        results = run(scenario, workers=1)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    m = scenario.mine
    return {
        "scenario": scenario.name,
        "miners": m.mines * m.sections * scenario.miners_per_section,
        "mines": m.mines,
        "shifts": int(results.model["shift"].nunique()),
        "wall_s": walls,
        "cpu_s": cpus,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_ensemble(
    replicates: int, sections: int, tries: int = 1, workers_list=(1, 2)
) -> list[dict]:
    """Throughput (runs per second) of ``runner.run`` with 1 and with 2 worker processes.

    The settings alternate (1, 2, 1, 2, ...) so a burst of other work on the machine hits
    both alike; each keeps its fastest try.
    """
    from stakhanov_sim import load_scenario, run

    scenario = load_scenario(DEFAULT_CONFIG, {"mine.sections": sections})
    best: dict[int, dict] = {}
    for _ in range(tries):
        for workers in workers_list:
            load = os.getloadavg()[0]
            wall = time.perf_counter()
            results = run(scenario, replicates=replicates, workers=workers)
            wall = time.perf_counter() - wall
            assert results.replicates == replicates
            if workers not in best or wall < best[workers]["wall_s"]:
                best[workers] = {
                    "workers": workers,
                    "replicates": replicates,
                    "miners": sections * scenario.miners_per_section,
                    "wall_s": wall,
                    "runs_per_s": replicates / wall,
                    "load_before": load,
                }
    return [best[w] for w in workers_list]


def measure_throughput(
    replicates: int,
    workers: int,
    settings,
    config: Path = DEFAULT_CONFIG,
    overrides=None,
    tries: int = 1,
) -> list[dict]:
    """Runs per second of ``replicates`` default runs for each (executor, workers, batch):
    the faster of ``tries`` tries, each try a pass through all the settings in order.

    ``pool``: ``stakhanov_sim.run`` on its process pool (batch 1: one run per task, without
    Mesa agents); ``agents``: the pool's path when issue 17 was filed, kept as its reference
    (``one_run_per_task_with_agents``); ``dask``: a sweep of one point and ``replicates``
    replicates (``run_sweep``) on a local Dask cluster, its start included. Wall time of the
    whole call, so starting the workers counts, as it does for a user.
    """
    import tempfile

    import yaml

    from stakhanov_sim import load_scenario, run
    from stakhanov_sim.experiments.sweep import load_sweep, open_executor, run_sweep

    scenario = load_scenario(config, overrides or {})
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"base": str(config), "overrides": overrides or {}, "design": "grid",
                "replicates": replicates,
                "parameters": {"supply.timber_per_shift": {"values": [1.0]}},
                "outcomes": ["mean_output_tons"], "seed": 1}  # fmt: skip
        sweep_file = Path(tmp) / "one_point.yaml"
        sweep_file.write_text(yaml.safe_dump(spec))
        sweep = load_sweep(sweep_file)
        best: dict[int, dict] = {}
        for attempt in range(tries):
            for k, (executor, n, size) in enumerate(settings):
                load = os.getloadavg()[0]
                wall = time.perf_counter()
                if executor == "pool":
                    results = run(scenario, replicates=replicates, workers=n, batch=size)
                    assert results.replicates == replicates
                elif executor == "agents":
                    results = one_run_per_task_with_agents(scenario, replicates, n)
                    assert results.replicates == replicates
                else:
                    with open_executor(dask_local=n) as dask:
                        out = Path(tmp) / f"sweep{attempt}-{k}"
                        report = run_sweep(sweep, out, dask, False, batch=size)
                    assert report.computed == replicates
                wall = time.perf_counter() - wall
                print(f"    {executor} x{n}, batch {size}: {replicates / wall:.1f} runs/s",
                      flush=True)  # fmt: skip
                if k not in best or wall < best[k]["wall_s"]:
                    best[k] = {"executor": executor, "workers": n, "batch": size,
                               "replicates": replicates, "wall_s": wall,
                               "runs_per_s": replicates / wall, "load_before": load,
                               "tries": tries}  # fmt: skip
        rows = [best[k] for k in range(len(settings))]
    return rows


def one_run_per_task_with_agents(scenario, replicates: int, workers: int):
    """``replicates`` runs the way ``stakhanov_sim.run`` ran them when issue 17 was filed: one
    task per replicate on the process pool, each a whole ``MineModel`` with its Mesa agents
    (``runner.run_with_agents``), its tables pickled back. The same seeds and tables as
    ``run`` (tested in tests/test_benchmarks_smoke.py)."""
    from stakhanov_sim.experiments.results import Results
    from stakhanov_sim.experiments.runner import replicate_seeds, run_with_agents, worker_pool

    seeds = replicate_seeds(scenario.seed, replicates)
    pool = worker_pool(workers)
    try:
        parts = list(pool.map(run_with_agents, [scenario] * replicates, seeds, range(replicates)))
    finally:
        pool.shutdown()
    return Results.concat(parts)


def measure_fresh(python: str = sys.executable) -> dict:
    """Wall time from nothing to the first results on a fresh virtual environment: make a
    ``.venv``, install this checkout into it (pip's cache as the machine has it), and
    ``stakhanov-sim run history_1935_37`` (the first run compiles the kernels)."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    try:
        venv = tmp / ".venv"
        steps = {}
        for name, command in (
            ("venv", [python, "-m", "venv", str(venv)]),
            ("install", [str(venv / "bin" / "pip"), "install", "-q", str(ROOT)]),
            (
                "first run",
                [
                    str(venv / "bin" / "stakhanov-sim"),
                    "run",
                    "history_1935_37",
                    "-o",
                    str(tmp / "run"),
                ],
            ),  # fmt: skip
        ):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=tmp)
            steps[name] = time.perf_counter() - start
        return {"steps_s": steps, "total_s": sum(steps.values())}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def steps_cpu(scenario) -> tuple[float, int, int]:
    """CPU seconds of one run's shifts (construction apart), its miners and its shifts."""
    from stakhanov_sim import MineModel

    model = MineModel(scenario)
    cpu = time.process_time()
    while model.running:
        model.step()
    return time.process_time() - cpu, model.workforce.size, model.n_shifts


def measure_single(rounds: int = SINGLE_ROUNDS, default=None, large=None) -> dict:
    """A single default-size run's cost per worker-shift against the large mine's (issue 17).

    In this process, a default run (``history_1935_37`` as shipped: 380 miners, 729 shifts)
    and a large-mine run (``LARGE_MINE`` miners, the scaling table's short calendar)
    alternate ``rounds`` times, so a burst of other work hits both alike; medians are
    reported. What a default shift costs beyond the large mine's rate for its miners is its
    fixed cost: Python calls, data collection and bookkeeping, whatever the mine's size.
    """
    import stakhanov_sim
    from stakhanov_sim import load_scenario

    default = load_scenario(DEFAULT_CONFIG) if default is None else default
    large = scaled_scenario(LARGE_MINE) if large is None else large
    warm_up()
    load = os.getloadavg()[0]
    small_us, large_us = [], []
    for _ in range(rounds):
        cpu, miners, shifts = steps_cpu(default)
        small_us.append(cpu / (miners * shifts) * 1e6)
        cpu, large_miners, large_shifts = steps_cpu(large)
        large_us.append(cpu / (large_miners * large_shifts) * 1e6)
    single, big = statistics.median(small_us), statistics.median(large_us)
    return {
        "package": str(Path(stakhanov_sim.__file__).parent),
        "miners": miners,
        "shifts": shifts,
        "large_miners": large_miners,
        "large_shifts": large_shifts,
        "single_us": single,
        "large_us": big,
        "ratio": single / big,
        "run_cpu_s": single * miners * shifts / 1e6,
        "fixed_us_per_shift": (single - big) * miners,
        "single_us_each": small_us,
        "large_us_each": large_us,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }


def measure_particle(rounds: int = PARTICLE_ROUNDS, scenario=None) -> dict:
    """One calibration particle (issue 14): the history and its no-campaign baseline, measured
    on every calibration target, as one batch of two runs (``runner.run_with_baseline``, what
    ``calibrate`` does) and as two batches of one (the path of before), alternating ``rounds``
    times in this process with the same seeds; CPU time, medians. Both give the same numbers
    (checked here, and value for value in tests/test_batch.py)."""
    from stakhanov_sim import load_scenario
    from stakhanov_sim.experiments import calibrated, runner
    from stakhanov_sim.validation.targets import CALIBRATION, by_key, of_kind

    scenario = load_scenario(DEFAULT_CONFIG) if scenario is None else scenario
    keys = tuple(t.key for t in of_kind(CALIBRATION))
    quiet = runner.without_campaign(scenario)

    def apart(seed: int) -> dict[str, float]:
        runs = {
            name: runner.run_batch(s, [np.random.SeedSequence(seed)], [0])
            for name, s in (("history", scenario), ("baseline", quiet))
        }
        return {key: float(by_key(key).measure(runs, 0)) for key in keys}

    calibrated.measure_run(scenario, 1, keys)  # compile and warm
    load = os.getloadavg()[0]
    together_s, apart_s = [], []
    for seed in range(2, 2 + rounds):
        cpu = time.process_time()
        one = calibrated.measure_run(scenario, seed, keys)
        together_s.append(time.process_time() - cpu)
        cpu = time.process_time()
        two = apart(seed)
        apart_s.append(time.process_time() - cpu)
        assert all(one[k] == two[k] or not np.isfinite(two[k]) for k in keys), (one, two)
    together, separate = statistics.median(together_s), statistics.median(apart_s)
    return {"together_s": together, "apart_s": separate, "speedup": separate / together,
            "together_s_each": together_s, "apart_s_each": apart_s,
            "load_before": load, "load_after": os.getloadavg()[0]}  # fmt: skip


def measure_particles_together(count: int = PARTICLES_TOGETHER, scenario=None) -> dict:
    """A calibration worker's particles (issue 14): ``count`` parameter points drawn from the
    calibration's priors, each measured on one run and its baseline, stepped in one batch
    (``calibrated.measure_particles``, what a group of ``calibrate``'s tasks does) and one
    by one (the path of before), in this process with the same seeds; CPU time. Both give the
    same numbers (checked here, and run for run in tests/test_batch.py)."""
    from stakhanov_sim import load_scenario
    from stakhanov_sim.experiments import calibrated
    from stakhanov_sim.validation.targets import CALIBRATION, of_kind

    scenario = load_scenario(DEFAULT_CONFIG) if scenario is None else scenario
    keys = tuple(t.key for t in of_kind(CALIBRATION))
    base = scenario.model_dump(mode="json")
    rng = np.random.default_rng(PARTICLE_SEED)
    particles = [
        calibrated.Particle(
            base, keys, {c.key: float(rng.uniform(c.low, c.high)) for c in calibrated.CALIBRATED},
            (int(rng.integers(calibrated.SEED_BITS)),),
        )
        for _ in range(count)
    ]  # fmt: skip
    calibrated.measure_particles(particles[:2])  # compile and warm
    load = os.getloadavg()[0]
    cpu = time.process_time()
    together = calibrated.measure_particles(particles)
    together_s = time.process_time() - cpu
    cpu = time.process_time()
    alone = [calibrated.measure_particles([p])[0] for p in particles]
    alone_s = time.process_time() - cpu
    assert together == alone
    return {"particles": count, "together_s": together_s / count, "alone_s": alone_s / count,
            "speedup": alone_s / together_s, "load_before": load,
            "load_after": os.getloadavg()[0]}  # fmt: skip


def measure_ceiling(scenario=None) -> dict:
    """The most issue 17's batches could gain over its reference path per worker, if
    nothing but their stepping cost anything (``ceiling.py``), with the load around it."""
    import ceiling

    from stakhanov_sim import load_scenario

    scenario = load_scenario(DEFAULT_CONFIG) if scenario is None else scenario
    load = os.getloadavg()[0]
    result = ceiling.measure(scenario, **CEILING)
    return result | {"load_before": load, "load_after": os.getloadavg()[0]}


def measure_single_against(reference_src: Path, repeats: int = 3) -> dict:
    """``measure_single`` for this tree and for an older one, alternating subprocesses.

    ``reference_src`` is the ``src`` directory of another checkout (say ``git archive
    <commit> src | tar -x -C /tmp/before``), imported first through ``PYTHONPATH``. Each
    tree is measured ``repeats`` times, in turns, so both meet the same machine.
    """
    rows: dict[str, list[dict]] = {"reference": [], "this tree": []}
    for _ in range(repeats):
        rows["reference"].append(_in_subprocess("single", env_path=reference_src))
        rows["this tree"].append(_in_subprocess("single"))
    return {"reference_src": str(reference_src), "runs": rows}


def _in_subprocess(*args: str, env_path: Path | None = None) -> dict:
    """Run one measurement in a fresh Python, so its peak memory is its own.

    ``env_path``: a directory put first on the child's ``PYTHONPATH`` (another tree).
    """
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(env_path), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(args: list[str]) -> None:
    kind, value = args[0], (args[1:] or [""])[0]
    if kind == "size":
        result = measure_size(int(value), (WINDOW[0], dt.date.fromisoformat(args[2])))
    elif kind == "single":
        result = measure_single()
    elif kind == "particle":
        result = measure_particle()
    elif kind == "particles":
        result = measure_particles_together()
    elif kind == "ceiling":
        result = measure_ceiling()
    else:
        repeats = SCENARIO_REPEATS if kind == "default" else 1
        result = measure_scenario(Path(value), repeats)
    print(json.dumps(result))


def run_benchmarks(
    sizes,
    skip=(),
    in_process: bool = False,
    window=WINDOW,
    agent_steps=MESA_AGENT_STEPS,
    reference_src: Path | None = None,
    ab_repeats: int = 3,
) -> dict:
    """All measurements, as plain data for the report."""
    measured: dict = {"started": dt.datetime.now().isoformat(timespec="seconds")}
    measured["load_before"] = os.getloadavg()
    if "sizes" not in skip:
        measured["sizes"] = [
            measure_size(n, window, agent_steps)
            if in_process
            else _in_subprocess("size", str(n), window[1].isoformat())
            for n in sizes
        ]
        for row in measured["sizes"]:
            print(f"  {row['miners']:>9,} miners: {row['model_us']:.3f} us per worker-shift, "
                  f"Mesa empty {row['mesa_us']:.3f} us, ratio {row['ratio']:.2f}", flush=True)  # fmt: skip
    for part, path in (("default", DEFAULT_CONFIG), ("basin", BASIN_CONFIG)):
        if part not in skip:
            measured[part] = _in_subprocess(part, str(path))
            print(f"  {part}: {measured[part]['wall_s']} s wall", flush=True)
    if "ensemble" not in skip:
        measured["ensemble"] = measure_ensemble(**ENSEMBLE)
        print(f"  ensemble: {[round(r['runs_per_s'], 3) for r in measured['ensemble']]} runs/s")
    if "throughput" not in skip:
        print("  throughput (200 default runs):", flush=True)
        measured["throughput"] = measure_throughput(**THROUGHPUT)
    if "fresh" not in skip:
        measured["fresh"] = measure_fresh()
        print(f"  fresh .venv to first results: {measured['fresh']['total_s']:.0f} s", flush=True)
    if "single" not in skip:
        measured["single"] = measure_single() if in_process else _in_subprocess("single")
        s = measured["single"]
        print(f"  single default run: {s['single_us']:.3f} us per worker-shift, large mine "
              f"{s['large_us']:.3f} us, ratio {s['ratio']:.2f}", flush=True)  # fmt: skip
        if reference_src is not None:
            measured["single_against"] = measure_single_against(reference_src, ab_repeats)
    if "particle" not in skip:
        measured["particle"] = _in_subprocess("particle")
        c = measured["particle"]
        print(f"  calibration particle: {c['together_s']:.2f} s in one batch, "
              f"{c['apart_s']:.2f} s apart", flush=True)  # fmt: skip
        measured["particles"] = _in_subprocess("particles")
        c = measured["particles"]
        print(f"  {c['particles']} particles together: {c['together_s']:.2f} s each, "
              f"{c['alone_s']:.2f} s one by one", flush=True)  # fmt: skip
    if "ceiling" not in skip:
        measured["ceiling"] = _in_subprocess("ceiling")
        print(f"  ceiling of issue 17's ratio: {measured['ceiling']['ceiling']:.1f}x", flush=True)
    measured["load_after"] = os.getloadavg()
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="miners")
    parser.add_argument("--skip", nargs="*", default=[], choices=PARTS, help="parts to skip")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="the only parts to measure")
    parser.add_argument(
        "--reference-src",
        type=Path,
        help="src/ of an older checkout: the single run measured for it too",
    )
    parser.add_argument("--ab-repeats", type=int, default=3,
                        help="turns of each tree with --reference-src")  # fmt: skip
    parser.add_argument("--out", type=Path, default=HERE, help="directory for the report")
    parser.add_argument("--in-process", action="store_true", help="no subprocess per size")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=WINDOW[1],
                        help="last day of the short calendar of the scaling runs")  # fmt: skip
    parser.add_argument("--mesa-agent-steps", type=int, default=MESA_AGENT_STEPS,
                        help="agent-steps of Mesa's empty loop timed per size (in-process runs)")  # fmt: skip
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    sys.path.insert(0, str(HERE))
    import bench_report

    window = (WINDOW[0], args.end)
    skip = set(PARTS) - set(args.only) if args.only else set(args.skip)
    measured = run_benchmarks(
        args.sizes,
        skip,
        args.in_process,
        window,
        args.mesa_agent_steps,
        args.reference_src,
        args.ab_repeats,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(measured, indent=1))
    bench_report.write(measured, args.out)
    print(f"wrote {args.out / 'results.md'} and {args.out / bench_report.FIGURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
