"""Ensembles that draw parameters from a calibration's posterior (``run --from-posterior``).

Each replicate gets its own parameter set, drawn by weight from the calibration's accepted
sample, and its own random stream: the spread of such an ensemble shows what the sources
leave open as well as chance, where an ordinary ensemble shows chance alone.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from stakhanov_sim.experiments.calibrated import POSTERIOR_FILE, RECORD_FILE, scenario_at
from stakhanov_sim.experiments.results import Results, ResultsError
from stakhanov_sim.experiments.runner import (
    _run_job,
    batch_size,
    batches,
    default_workers,
    manifest,
    replicate_seeds,
    run_parallel,
)
from stakhanov_sim.model.mechanisms import PER_RUN
from stakhanov_sim.scenarios.schema import Scenario

DRAW_STREAM = 2  # the posterior draws' stream, apart from the replicates' own


def read_posterior(directory: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The accepted sample of a calibration directory and the names of its parameters."""
    directory = Path(directory)
    try:
        record = json.loads((directory / RECORD_FILE).read_text())
        particles = pd.read_parquet(directory / POSTERIOR_FILE)
    except (OSError, ValueError) as exc:
        raise ResultsError(
            f"--from-posterior {directory}: not a finished calibration ({exc}); allowed: a directory written by 'stakhanov-sim calibrate'"
        ) from None
    keys = [p["key"] for p in record["parameters"]]
    return particles, keys


def draw(
    base: Scenario, directory: str | Path, replicates: int, seed: int
) -> tuple[list[Scenario], pd.DataFrame]:
    """``replicates`` scenarios: the base with parameters drawn by weight from the posterior."""
    particles, keys = read_posterior(directory)
    rng = np.random.default_rng(np.random.SeedSequence([seed, DRAW_STREAM]))
    weights = particles["weight"].to_numpy()
    rows = rng.choice(len(particles), size=replicates, p=weights / weights.sum())
    drawn = particles.loc[rows, keys].reset_index(drop=True)
    data = base.model_dump(mode="json")
    scenarios = [scenario_at(data, row) for row in drawn.to_dict(orient="records")]
    return scenarios, drawn


def run_from_posterior(
    base: Scenario,
    directory: str | Path,
    replicates: int,
    seed: int | None = None,
    workers: int | None = None,
) -> Results:
    """Run one replicate per posterior draw; the manifest lists each replicate's parameters.

    The draws differ only in the calibrated parameters, which a batch's runs may differ in
    (``mechanisms.PER_RUN``), so the replicates run in batches as an ensemble's do, each with
    its own draw (a calibration of other parameters runs each replicate alone).
    """
    seed = base.seed if seed is None else seed
    scenarios, drawn = draw(base, directory, replicates, seed)
    seeds = replicate_seeds(seed, replicates)
    workers = default_workers(replicates) if workers is None else max(1, workers)
    values = drawn.astype(float).to_dict(orient="records")
    if set(drawn.columns) <= set(PER_RUN):
        size = batch_size(base, replicates, workers)
        jobs = [(base, [seeds[i] for i in part], list(part), False, [values[i] for i in part])
                for part in batches(replicates, workers, size)]  # fmt: skip
    else:
        jobs = [(s, [seeds[i]], [i], False) for i, s in enumerate(scenarios)]
    started = time.perf_counter()
    if workers == 1 or replicates == 1:
        results = Results.concat([_run_job(job)[0] for job in jobs])
    else:
        results = run_parallel(jobs, workers)[0]
    results.manifest = manifest(base, seed, replicates, workers, time.perf_counter() - started)
    results.manifest["posterior"] = {
        "directory": str(directory),
        "parameters": drawn.assign(replicate=range(replicates)).to_dict(orient="records"),
    }
    return results
