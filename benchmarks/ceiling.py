"""How far batches can outrun the issue's reference path: the ceiling of issue 17's ratio.

Issue 17 asks 200 default runs on 2 workers to go at least 10 times the runs per second of
the process pool's path when the issue was filed (``bench.one_run_per_task_with_agents``:
one task per run, each a whole ``MineModel`` with its Mesa agents, its tables pickled back).
Per worker, that path costs a run's stepping with agents plus its tables; a batch costs its
runs' stepping without agents plus their tables. Whatever the pool, the handover and the
start of the workers cost, a batch can gain no more over the reference than

    ceiling = (reference task's CPU per run) / (a batch's stepping CPU per run)

so when the ceiling is under 10, no saving outside the stepping can meet the issue's 10x:
only less work per worker-shift in the kernels can.

In one process, ``--rounds`` times over, alternating so that a burst of other work on the
machine hits both alike: a reference task (``runner.run_with_agents`` and the pickling of
its tables) for each of ``--reference-runs`` seeds, and one batch of ``--batch`` runs
stepped (``runner.stepped``, in ordinary pages as a worker steps it) and its tables made.
CPU time, medians over the rounds.

Usage: ``.venv/bin/python benchmarks/ceiling.py [--batch 100] [--rounds 3]
[--reference-runs 4] [--config F] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import time
from pathlib import Path

from bench_report import THROUGHPUT_TARGET as TARGET  # issue 17's ratio

from stakhanov_sim import load_scenario
from stakhanov_sim.experiments import runner
from stakhanov_sim.experiments.memory import small_pages

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"


def reference_cpu(scenario, seeds) -> float:
    """CPU seconds per run of the reference path's tasks: a run with Mesa agents, its
    tables pickled as the pool sends them back."""
    start = time.process_time()
    for replicate, seed in enumerate(seeds):
        pickle.dumps(runner.run_with_agents(scenario, seed, replicate))
    return (time.process_time() - start) / len(seeds)


def batch_cpu(scenario, seeds) -> tuple[float, float]:
    """CPU seconds per run of one batch: its stepping (the model built and stepped), and
    the making of its tables."""
    replicates = list(range(len(seeds)))
    with small_pages():
        start = time.process_time()
        model, parts = runner.stepped((scenario, seeds, replicates, False))
        stepped = time.process_time()
        model.results(*parts[0])
        done = time.process_time()
    return (stepped - start) / len(seeds), (done - stepped) / len(seeds)


def measure(scenario, batch: int = 100, rounds: int = 3, reference_runs: int = 4) -> dict:
    """The medians of ``rounds`` alternating measurements, and the ratios they bound."""
    seeds = runner.replicate_seeds(scenario.seed, max(batch, reference_runs))
    # Load the kernels of both paths (a run with agents calls some with other types than a
    # batch does), or the first round's reference would pay for its loading.
    runner.run_with_agents(scenario, seeds[0], 0)
    runner.run_batch(scenario, seeds[:1], [0])
    reference, stepping, tables = [], [], []
    for _ in range(rounds):
        reference.append(reference_cpu(scenario, seeds[:reference_runs]))
        step_s, table_s = batch_cpu(scenario, seeds[:batch])
        stepping.append(step_s)
        tables.append(table_s)
    ref, step, table = (statistics.median(x) for x in (reference, stepping, tables))
    return {
        "batch": batch,
        "rounds": rounds,
        "reference_runs": reference_runs,
        "reference_s": ref,
        "stepping_s": step,
        "tables_s": table,
        "ceiling": ref / step,
        "in_process": ref / (step + table),
        "target": TARGET,
        "stepping_for_target_s": ref / TARGET,
        "reference_s_each": reference,
        "stepping_s_each": stepping,
        "tables_s_each": tables,
    }


def report(m: dict) -> str:
    """The measurement in a few lines."""
    cut = 1 - m["stepping_for_target_s"] / m["stepping_s"]
    lines = [
        f"reference task (run with Mesa agents, tables pickled): {m['reference_s'] * 1e3:.1f} ms "
        f"CPU a run",
        f"batch of {m['batch']}: stepping {m['stepping_s'] * 1e3:.1f} ms, tables "
        f"{m['tables_s'] * 1e3:.1f} ms CPU a run",
        f"ceiling of the ratio (nothing but the stepping): {m['ceiling']:.1f}x; with the "
        f"tables: {m['in_process']:.1f}x (medians of {m['rounds']} rounds)",
    ]
    if m["ceiling"] < m["target"]:
        lines.append(
            f"{m['target']:g}x needs a batch's stepping at {m['stepping_for_target_s'] * 1e3:.1f} "
            f"ms a run or less: {cut:.0%} less than now, whatever else is saved"
        )
    else:
        lines.append(f"{m['target']:g}x is within the ceiling")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference-runs", type=int, default=4)
    parser.add_argument("--config", type=Path, default=CONFIG, help="scenario file")
    parser.add_argument("--json", type=Path, help="also write the measurement here")
    args = parser.parse_args(argv)
    measured = measure(load_scenario(args.config), args.batch, args.rounds, args.reference_runs)
    print(report(measured))
    if args.json is not None:
        args.json.write_text(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
