"""The parameters a calibration sets, and one point of them measured on the targets.

This is the part of a calibration that its worker processes run between pyabc's steps (the
spread, the point's candidates, the predictive draws) and that ``run --from-posterior``
reads, kept apart from ``calibration.py`` so that neither imports pyabc (four seconds a
process) for it. ``simulate`` is pyabc's model: parameters -> the targets' values.
"""

from __future__ import annotations

import copy
import functools
import math
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from stakhanov_sim.experiments import together
from stakhanov_sim.experiments.runner import (
    batch_size,
    batches,
    cpu_count,
    run_batch,
    run_with_baseline,
)
from stakhanov_sim.model.mechanisms import PER_RUN
from stakhanov_sim.scenarios.loading import set_dotted, validate
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.validation.targets import by_key

DB_FILE = "abc.db"
RECORD_FILE = "calibration.json"
POSTERIOR_FILE = "posterior.parquet"
MISSING = 1e6  # stands for an outcome a run could not measure: never accepted
NOISE_REPLICATES = 20  # runs of the scenario as given that measure each target's spread
# Spawn keys of the seeds of the runs outside the generations (which use generation + 1):
# the predictive draws, the point's candidates and the spread's runs, each its own stream.
PREDICTIVE_STREAM, POINT_STREAM, NOISE_STREAM = 1_000_003, 2_000_003, 3_000_017
SEED_BITS = 2**32 - 1


@dataclass(frozen=True)
class Calibrated:
    """A parameter the sources do not fix, with the range its prior spans and why."""

    key: str
    low: float
    high: float
    why: str


# fmt: off
CALIBRATED: list[Calibrated] = [
    Calibrated("production.base_output_tons", 4.0, 9.0, "median hewer's ordinary output: from below the press's 5-6 t to well above the 7 t norm"),
    Calibrated("records.special_conditions_multiplier", 3.0, 10.0, "a record's output over an ordinary shift: 102 t is 13-15 times a 7-7.6 t shift, and the effort multiplier is about 1.7"),
    Calibrated("recognition.title_threshold", 1.0, 1.6, "fulfilment earning the title: from meeting the norm (the shock worker's mark, which the title superseded) to well below the records"),
    Calibrated("recognition.broadcast", 0.0005, 0.01, "uptake of the methods from the press alone: from a trickle to most hewers within a year"),
    Calibrated("recognition.publicity", 0.02, 0.5, "uptake from workmates: from slow to within days"),
    Calibrated("production.campaign_effort", 0.0, 0.5, "storming effort at full intensity: none to half an ordinary shift"),
    Calibrated("social.quit_rate", 0.001, 0.004, "content miners' quits per shift: about 30% to 120% a year"),
    Calibrated("social.quit_resentment", 0.0, 3.0, "extra quitting of a fully resentful or sanctioned miner: none to four times the content rate"),
    Calibrated("records.helper_escalation", 0.5, 3.0, "timbermen added to the next record attempt: the sources give the records (102 t to 240 t in two weeks), not the crews"),
    Calibrated("methods.division_gain", 0.1, 0.6, "output gain of the division of labour without special conditions: the method's core (Siegelbaum 1988, ch. 2; Central Committee, Dec 1935), so a rise: from a tenth (an assumed floor) to more than half"),
    Calibrated("equipment.repair_per_engineer", 0.12, 0.3, "condition an engineer restores a shift: from a mine whose machines collapse under the campaign's pace to one that keeps up"),
    Calibrated("accidents.wear_risk", 0.0, 1.5, "extra accident risk on worn-out equipment: none to two and a half times the base rate"),
]
# fmt: on


def schema_range(key: str) -> tuple[float, float]:
    """The allowed range of a dotted parameter in the scenario schema."""
    section, name = key.split(".")
    field = Scenario.model_fields[section].annotation.model_fields[name]
    low, high = -math.inf, math.inf
    for bound in field.metadata:
        for name in ("ge", "gt"):
            low = getattr(bound, name, None) if getattr(bound, name, None) is not None else low
        for name in ("le", "lt"):
            high = getattr(bound, name, None) if getattr(bound, name, None) is not None else high
    return float(low), float(high)


def unit_of(key: str) -> str:
    """The unit of a dotted parameter, from the schema."""
    section, name = key.split(".")
    field = Scenario.model_fields[section].annotation.model_fields[name]
    return str((field.json_schema_extra or {}).get("unit", ""))


def measure_spread(
    base: dict, keys: tuple[str, ...], seed: int, replicates: int, executor: Executor
) -> dict[str, float]:
    """Each target's run-to-run standard deviation over ``replicates`` runs of ``base`` as given.

    For the historical scenario, the scenario as given is the shipped defaults. The seeds come
    from the calibration's seed, so a calibration measures the same spread on any executor;
    the runs go in batches (``runner.run_batch``), which change no run.
    """
    seeds = [
        int(s) for s in np.random.SeedSequence([seed, NOISE_STREAM]).generate_state(replicates)
    ]
    scenario = validate(copy.deepcopy(base), source="calibration")
    workers = cpu_count()
    parts = batches(replicates, workers, batch_size(scenario, replicates, workers))
    measured = executor.map(
        functools.partial(measure_runs, scenario, keys=keys), [[seeds[i] for i in p] for p in parts]
    )
    runs = [stats for part in measured for stats in part]
    values = {key: np.array([r[key] for r in runs], dtype=float) for key in keys}
    return {
        key: float(np.std(v[v != MISSING], ddof=1)) if (v != MISSING).sum() > 1 else 0.0
        for key, v in values.items()
    }


def scenario_at(base: dict, values: dict[str, float]) -> Scenario:
    """The base scenario with the calibrated parameters set to ``values``."""
    data = copy.deepcopy(base)
    for key, value in values.items():
        set_dotted(data, key, float(value), source="calibration")
    return validate(data, source="calibration")


def measure_run(scenario: Scenario, seed: int, keys: tuple[str, ...]) -> dict[str, float]:
    """One replicate of ``scenario``, measured on the targets named (a failed measure is MISSING)."""
    return measure_runs(scenario, [seed], keys)[0]


def measure_runs(
    scenario: Scenario,
    seeds: list[int],
    keys: tuple[str, ...],
    varying: list[dict[str, float]] | None = None,
) -> list[dict[str, float]]:
    """Replicates of ``scenario``, one per seed, run together (a batch) and each measured on
    the targets named (a failed measure is MISSING); each is what it would be alone.
    ``varying``: each replicate's values of calibrated parameters (``MineModel``).

    Targets travel to workers by name: their measures are closures, which pickle does not take.
    """
    targets = [by_key(key) for key in keys]
    numbers = list(range(len(seeds)))

    sequences = [np.random.SeedSequence(s) for s in seeds]
    if needs_baseline(keys):  # the same mine with no campaign events
        history, baseline = run_with_baseline(scenario, sequences, numbers, varying)
        runs = {"history": history, "baseline": baseline}
    else:
        runs = {"history": run_batch(scenario, sequences, numbers, varying=varying)}
    measured = []
    for rep in numbers:
        stats = {}
        for t in targets:
            value = t.measure(runs, rep)
            stats[t.key] = float(value) if np.isfinite(value) else MISSING
        measured.append(stats)
    return measured


def needs_baseline(keys: tuple[str, ...]) -> bool:
    """Whether a target named needs the same mine without the campaign."""
    return any("baseline" in by_key(key).needs for key in keys)


@dataclass(frozen=True)
class Particle:
    """A particle's runs to be measured: the base scenario (as data), the targets named,
    its calibrated parameters' values and one seed per run."""

    base: dict
    keys: tuple[str, ...]
    values: dict[str, float]
    seeds: tuple[int, ...]


def measure_particles(particles: list[Particle]) -> list[list[dict[str, float]]]:
    """Each particle's runs, each measured on its targets; the runs of all the particles are
    stepped together in batches (``MineModel(varying=...)``), and each is what it is alone.

    Particles of different scenarios or targets, or with a parameter outside
    ``mechanisms.PER_RUN`` (which a batch's runs cannot differ in), are run one by one.
    """
    first = particles[0]
    if any(
        p.base != first.base or p.keys != first.keys or not set(p.values) <= set(PER_RUN)
        for p in particles
    ):
        return [
            measure_runs(scenario_at(p.base, p.values), list(p.seeds), p.keys) for p in particles
        ]
    scenario = validate(copy.deepcopy(first.base), source="calibration")
    runs = [(p.values, seed) for p in particles for seed in p.seeds]
    twins = 2 if needs_baseline(first.keys) else 1  # a run's baseline shares its batch
    # All of this worker's runs in one batch where they fit, within its share of the memory
    # (``runner.batch_size`` for every core's worker at once, each with as many runs).
    workers = cpu_count()
    size = max(1, batch_size(scenario, len(runs) * twins * workers, workers) // twins)
    measured = []
    for start in range(0, len(runs), size):
        part = runs[start : start + size]
        measured += measure_runs(
            scenario, [seed for _, seed in part], first.keys, [values for values, _ in part]
        )
    out, at = [], 0
    for p in particles:
        out.append(measured[at : at + len(p.seeds)])
        at += len(p.seeds)
    return out


def measure_spread_out(
    particles: list[Particle], executor: Executor, groups: int
) -> list[list[dict[str, float]]]:
    """``measure_particles`` of ``particles`` in ``groups`` even groups on ``executor`` (one
    per worker, each group's runs stepped together); each particle's measured runs, in order."""
    parts = batches(len(particles), groups, len(particles))
    measured = executor.map(measure_particles, [[particles[i] for i in part] for part in parts])
    return [runs for part in measured for runs in part]


def simulate(base: dict, keys: tuple[str, ...], runs: int, parameters) -> dict[str, float]:
    """pyabc's model: parameters -> the targets' values, in one run or the mean of ``runs``
    runs (seeded from NumPy's stream). A mean with a target a run could not measure is
    MISSING. Inside a task of ``together.run_together`` (the calibration's sampler) the runs
    wait to be stepped with those of the worker's other tasks."""
    values = {key: float(parameters[key]) for key in parameters}
    if runs == 1:  # the one draw the shipped calibration made, so that it reproduces
        seeds = [int(np.random.randint(SEED_BITS))]  # noqa: NPY002 (pyabc draws from the global stream)
    else:
        seeds = [int(s) for s in np.random.randint(SEED_BITS, size=runs)]  # noqa: NPY002
    measured = together.wait(measure_particles, Particle(base, keys, values, tuple(seeds)))
    if runs == 1:
        return measured[0]
    return {
        key: MISSING if any(m[key] == MISSING for m in measured)
        else float(np.mean([m[key] for m in measured]))
        for key in keys
    }  # fmt: skip
