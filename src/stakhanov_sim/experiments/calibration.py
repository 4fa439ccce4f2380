"""Likelihood-free calibration (ABC-SMC, pyabc) of the parameters the sources leave open.

The calibrated parameters are one table (``CALIBRATED``), each with a uniform prior over a
range inside the schema's allowed range; the data are the calibration targets of
``validation/targets.py`` (held-out validation targets are never used here). A particle's
distance is the Euclidean norm of its distances from the targets' band centres, each in
units of the target's whole uncertainty: the band's half-width (what the sources leave open)
and the run-to-run spread of one run (what chance leaves open), measured before the first
generation by running the scenario as given ``noise_replicates`` times. This is history
matching's implausibility (Andrianakis et al. 2015): without the spread, a target one run
measures badly (a mine's few fatal accidents, one record shift) dominated the distance with
noise, and the calibration's acceptance became a lottery.

Reproducible: every generation starts from NumPy's global stream seeded by (seed,
generation), and ``SeededMappingSampler`` hands each mapped task a seed drawn from it, so the
proposals and the model runs depend on neither the executor nor the order tasks finish in.
(pyabc's own multicore and mapping samplers reseed workers from the operating system, so
they are not reproducible.) Resumable: pyabc's History lives in ``DIR/abc.db`` (SQLite); a
restarted calibration loads it (``ABCSMC.load``) and goes on from the last whole generation,
through the same code path as a run never stopped, so it gives the same sample.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
import random
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pyabc
from pyabc.sampler import MappingSampler

from stakhanov_sim.experiments.results import Results, atomic_write
from stakhanov_sim.experiments.runner import batch_size, batches, cpu_count, run_batch
from stakhanov_sim.scenarios.loading import set_dotted, validate
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.validation.targets import CALIBRATION, Target, by_key, of_kind

DB_FILE = "abc.db"
RECORD_FILE = "calibration.json"
POSTERIOR_FILE = "posterior.parquet"
MISSING = 1e6  # stands for an outcome a run could not measure: never accepted
MIN_ACCEPTANCE_RATE = 0.01  # a generation that would need more draws per particle stops
NOISE_REPLICATES = 20  # runs of the scenario as given that measure each target's spread
# Spawn keys of the seeds of the runs outside the generations (which use generation + 1):
# the predictive draws, the point's candidates and the spread's runs, each its own stream.
PREDICTIVE_STREAM, POINT_STREAM, NOISE_STREAM = 1_000_003, 2_000_003, 3_000_017
SEED_BITS = 2**32 - 1


class CalibrationError(Exception):
    """A calibration that cannot start or go on, told to the user."""


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
    Calibrated("recognition.title_threshold", 1.05, 1.6, "fulfilment earning the title: above the norm, below the records"),
    Calibrated("recognition.broadcast", 0.0005, 0.01, "uptake of the methods from the press alone: from a trickle to most hewers within a year"),
    Calibrated("recognition.publicity", 0.02, 0.5, "uptake from workmates: from slow to within days"),
    Calibrated("production.campaign_effort", 0.0, 0.5, "storming effort at full intensity: none to half an ordinary shift"),
    Calibrated("social.quit_rate", 0.001, 0.004, "content miners' quits per shift: about 30% to 120% a year"),
    Calibrated("social.quit_resentment", 0.0, 3.0, "extra quitting of a fully resentful or sanctioned miner: none to four times the content rate"),
    Calibrated("records.helper_escalation", 0.5, 3.0, "timbermen added to the next record attempt: the sources give the records (102 t to 240 t in two weeks), not the crews"),
    Calibrated("methods.division_gain", 0.0, 0.6, "output gain of the division of labour without special conditions: none to more than half"),
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


def prior(parameters: list[Calibrated] = CALIBRATED) -> pyabc.Distribution:
    """Uniform priors over each parameter's range."""
    return pyabc.Distribution(
        **{p.key: pyabc.RV("uniform", p.low, p.high - p.low) for p in parameters}
    )


def observed(targets: list[Target]) -> dict[str, float]:
    """The data: each target's band centre."""
    return {t.key: (t.low + t.high) / 2 for t in targets}


def uncertainty(target: Target, spread: float = 0.0, runs: int = 1) -> float:
    """A target's whole uncertainty for a mean of ``runs`` runs: band half-width and chance.

    ``spread`` is the standard deviation of one run's value; the two add in quadrature.
    """
    half_width = (target.high - target.low) / 2
    return math.sqrt(half_width**2 + spread**2 / runs)


def weights(
    targets: list[Target], spread: dict[str, float] | None = None, runs: int = 1
) -> dict[str, float]:
    """Each target's weight in the distance: one over its whole uncertainty for a mean of
    ``runs`` runs."""
    spread = spread or {}
    return {t.key: 1 / uncertainty(t, spread.get(t.key, 0.0), runs) for t in targets}


def distance(
    targets: list[Target], spread: dict[str, float] | None = None, runs: int = 1
) -> pyabc.PNormDistance:
    """Euclidean distance with each target in units of its whole uncertainty (for a mean of
    ``runs`` runs)."""
    return pyabc.PNormDistance(p=2, fixed_weights=weights(targets, spread, runs))


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
    scenario: Scenario, seeds: list[int], keys: tuple[str, ...]
) -> list[dict[str, float]]:
    """Replicates of ``scenario``, one per seed, run together (a batch) and each measured on
    the targets named (a failed measure is MISSING); each is what it would be alone.

    Targets travel to workers by name: their measures are closures, which pickle does not take.
    """
    targets = [by_key(key) for key in keys]
    numbers = list(range(len(seeds)))

    def ensemble(scenario: Scenario) -> Results:
        return run_batch(scenario, [np.random.SeedSequence(s) for s in seeds], numbers)

    runs = {"history": ensemble(scenario)}
    if any("baseline" in t.needs for t in targets):  # the same mine with no campaign events
        quiet = scenario.campaign.model_copy(update={"events": []})
        runs["baseline"] = ensemble(scenario.model_copy(update={"campaign": quiet}))
    measured = []
    for rep in numbers:
        stats = {}
        for t in targets:
            value = t.measure(runs, rep)
            stats[t.key] = float(value) if np.isfinite(value) else MISSING
        measured.append(stats)
    return measured


def simulate(base: dict, keys: tuple[str, ...], runs: int, parameters) -> dict[str, float]:
    """pyabc's model: parameters -> the targets' values, in one run or the mean of ``runs``
    runs stepped together (a batch; seeded from NumPy's stream). A mean with a target a run
    could not measure is MISSING."""
    values = {key: parameters[key] for key in parameters}
    scenario = scenario_at(base, values)
    if runs == 1:  # the one draw the shipped calibration made, so that it reproduces
        seed = int(np.random.randint(SEED_BITS))  # noqa: NPY002 (pyabc draws from the global stream)
        return measure_run(scenario, seed, keys)
    seeds = [int(s) for s in np.random.randint(SEED_BITS, size=runs)]  # noqa: NPY002
    measured = measure_runs(scenario, seeds, keys)
    return {
        key: MISSING if any(m[key] == MISSING for m in measured)
        else float(np.mean([m[key] for m in measured]))
        for key in keys
    }  # fmt: skip


class SeededMappingSampler(MappingSampler):
    """pyabc's MappingSampler, but each task seeded from the calling process's stream.

    The seeds are drawn in the main process in task order, and ``map`` returns results in
    task order, so a generation is the same on any executor. Each task samples until it has
    one accepted particle or reaches its share of the generation's evaluation limit.
    """

    def map_function(self, simulate_one, arguments):
        seed, most = arguments
        simulate_one = self.unpickle(simulate_one)
        np.random.seed(seed)  # noqa: NPY002 (pyabc draws from the global stream)
        random.seed(seed)
        sample = self._create_empty_sample()
        evaluations = 0
        while evaluations < most:
            particle = simulate_one()
            evaluations += 1
            sample.append(particle)
            if particle.accepted:
                break
        return sample, evaluations

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, **_):  # noqa: ARG002
        most = math.inf if not np.isfinite(max_eval) else max(1, math.ceil(max_eval / n))
        seeds = np.random.randint(SEED_BITS, size=n)  # noqa: NPY002 (pyabc draws from the global stream)
        task = functools.partial(self.map_function, self.pickle(simulate_one))
        results = list(self.map_(task, [(int(s), most) for s in seeds]))
        self.nr_evaluations_ = sum(evaluations for _, evaluations in results)
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
        if sample.n_accepted < n:
            sample.ok = False
        return sample


@dataclass(frozen=True)
class Setup:
    """What decides a calibration's sample (all but the budget, which may grow on resume)."""

    config: str
    base: dict
    seed: int
    population: int
    parameters: tuple[Calibrated, ...] = tuple(CALIBRATED)
    targets: tuple[str, ...] = tuple(t.key for t in of_kind(CALIBRATION))
    noise_replicates: int = NOISE_REPLICATES
    spread: tuple[tuple[str, float], ...] = ()  # measured by ``with_spread``
    runs_per_particle: int = 1  # runs whose mean a particle's distance is measured on

    def _targets(self) -> list[Target]:
        return [t for t in of_kind(CALIBRATION) if t.key in self.targets]

    def abc_model(self) -> Callable[[dict], dict[str, float]]:
        """pyabc's model: parameters -> the calibration targets' values in one run."""
        return functools.partial(simulate, self.base, self.targets, self.runs_per_particle)

    def abc_prior(self) -> pyabc.Distribution:
        """Uniform over each calibrated parameter's range."""
        return prior(list(self.parameters))

    def abc_distance(self) -> pyabc.PNormDistance:
        """Distance from the band centres in units of each target's whole uncertainty (for
        a mean of ``runs_per_particle`` runs)."""
        return distance(self._targets(), dict(self.spread), self.runs_per_particle)

    def abc_observed(self) -> dict[str, float]:
        """The band centres."""
        return observed(self._targets())

    def fingerprint(self) -> str:
        """A digest of the setup, with the targets' bands."""
        content = asdict(self) | {
            "bands": [(t.key, t.low, t.high) for t in of_kind(CALIBRATION)],
        }
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def with_spread(setup: Setup, out: Path, executor: Executor) -> Setup:
    """``setup`` with each target's run-to-run spread: as stored by the calibration in ``out``
    (a resumed one), or measured now."""
    record = out / RECORD_FILE
    if record.exists():
        stored = json.loads(record.read_text()).get("spread")
        if stored:
            return replace(setup, spread=tuple((key, float(sd)) for key, sd in stored))
    else:  # ``start`` would refuse it: say so before the runs
        refuse_occupied(out)
    spread = measure_spread(setup.base, setup.targets, setup.seed, setup.noise_replicates, executor)
    return replace(setup, spread=tuple(spread.items()))


def refuse_occupied(out: Path) -> None:
    """Refuse an output directory that holds files but no calibration."""
    if out.exists() and any(out.iterdir()):
        raise CalibrationError(f"output {out}: already holds files; choose a new or empty -o DIR")


def _abc(problem: Setup, executor: Executor) -> pyabc.ABCSMC:
    return pyabc.ABCSMC(
        problem.abc_model(),
        problem.abc_prior(),
        problem.abc_distance(),
        population_size=problem.population,
        sampler=SeededMappingSampler(map_=executor.map),
    )


def start(problem: Setup, out: Path) -> int:
    """A new calibration in ``out``, or the one already there (resume): its History id.

    ``problem`` is a ``Setup``, or anything with its ``abc_*`` methods, ``seed``,
    ``population`` and ``fingerprint`` (the tests calibrate a toy problem with it).

    Raises:
        CalibrationError: when ``out`` holds something else, or a different calibration.
    """
    record = out / RECORD_FILE
    if record.exists() and (out / DB_FILE).exists():
        stored = json.loads(record.read_text())
        if stored.get("fingerprint") != problem.fingerprint():
            raise CalibrationError(
                f"output {out}: holds a different calibration (scenario, seed, population, parameters or targets changed); choose another -o DIR"
            )
        return int(stored["abc_id"])
    refuse_occupied(out)
    out.mkdir(parents=True, exist_ok=True)
    history = pyabc.ABCSMC(
        problem.abc_model(),
        problem.abc_prior(),
        problem.abc_distance(),
        sampler=pyabc.SingleCoreSampler(),  # samples nothing: only opens the History
    ).new(f"sqlite:///{out / DB_FILE}", problem.abc_observed())
    text = json.dumps(
        {"fingerprint": problem.fingerprint(), "abc_id": history.id} | asdict(problem),
        indent=2,
        default=str,
    )
    atomic_write(record, lambda p: Path(p).write_text(text))
    return int(history.id)


def generation_seed(seed: int, generation: int) -> int:
    """The seed NumPy's global stream gets before a generation (the same on resume)."""
    return int(np.random.SeedSequence([seed, generation + 1]).generate_state(1)[0])


def run_generations(
    problem: Setup,
    out: Path,
    executor: Executor,
    budget: int,
    on_generation: Callable[[pyabc.History, int], None] | None = None,
) -> pyabc.History:
    """Run whole generations until the simulations reach ``budget`` or acceptance collapses.

    Each generation is run by an ABCSMC freshly loaded from the History, exactly as after an
    interruption (pyabc caches the first generation's calibration sample in the object, so
    reusing one object would differ from a resumed run).
    """
    abc_id = start(problem, out)
    db = f"sqlite:///{out / DB_FILE}"
    while True:
        abc = _abc(problem, executor)
        history = abc.load(db, abc_id)
        t = history.max_t + 1
        if history.total_nr_simulations >= budget:
            return history
        np.random.seed(generation_seed(problem.seed, t))  # noqa: NPY002 (pyabc draws from the global stream)
        abc.run(max_nr_populations=1, min_acceptance_rate=MIN_ACCEPTANCE_RATE)
        if history.max_t < t:  # the generation could not fill its population
            return history
        if on_generation is not None:
            on_generation(history, t)
