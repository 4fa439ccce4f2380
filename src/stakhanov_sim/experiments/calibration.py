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

from stakhanov_sim.experiments import together
from stakhanov_sim.experiments.calibrated import (
    CALIBRATED,
    DB_FILE,
    NOISE_REPLICATES,
    RECORD_FILE,
    SEED_BITS,
    Calibrated,
    measure_spread,
    simulate,
)
from stakhanov_sim.experiments.results import atomic_write
from stakhanov_sim.experiments.runner import batches, cpu_count
from stakhanov_sim.experiments.sweep import parallelism
from stakhanov_sim.validation.targets import CALIBRATION, Target, of_kind

MIN_ACCEPTANCE_RATE = 0.01  # a generation that would need more draws per particle stops
# A task may draw up to this many times its share of that limit (judged on the total). With a
# population of 120 the share is 100 draws, and at an acceptance rate of 5% one task in 170
# needs more: a cap at the share failed about half such generations, far below the limit
# (generation 7 of the run behind the defaults was lost so, after 16 minutes of draws).
TASK_SLACK = 10
# The proposal kernel: a normal with twice the last generation's weighted covariance, the
# adaptive ABC-SMC kernel of Beaumont et al. (2009). pyabc's default shrinks the covariance
# by Silverman's rule (0.59 of it for 12 parameters and 20 effective particles), too narrow a
# kernel here: the weights fell on a handful of particles (an effective sample size of 7-26
# of 120 after the first generation, against 71-95 with this kernel).
KERNEL_SCALE = 2.0


def whole_covariance(n_samples: int, dimension: int) -> float:  # noqa: ARG001 (pyabc's signature)
    """pyabc's bandwidth selector that keeps the whole weighted covariance (factor 1)."""
    return 1.0


def transition(scale: float = KERNEL_SCALE) -> pyabc.MultivariateNormalTransition:
    """The proposal kernel: a normal with ``scale`` times the weighted covariance."""
    return pyabc.MultivariateNormalTransition(scaling=scale, bandwidth_selector=whole_covariance)


class CalibrationError(Exception):
    """A calibration that cannot start or go on, told to the user."""


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


class SeededMappingSampler(MappingSampler):
    """pyabc's MappingSampler, but each task seeded from the calling process's stream, and a
    worker's tasks stepped together.

    The seeds are drawn in the main process in task order, and ``map`` returns results in
    task order, so a generation is the same on any executor. Each task samples until it has
    one accepted particle, or until ``TASK_SLACK`` times its share of the generation's
    evaluation limit; the limit itself is judged on the generation's total.

    The tasks go to the executor in ``groups`` (by default one per core): a group's tasks run
    as coroutines whose particles' runs are stepped in one batch (``together``), which gives
    each task what it gives alone, so the sample does not depend on ``groups``.
    """

    def __init__(self, map_, groups: int | None = None):
        super().__init__(map_=map_)
        self.groups = groups

    def map_function(self, simulate_one, arguments):
        """A group of tasks, stepped together: each task's sample and number of evaluations."""
        return together.run_together(
            [functools.partial(self._task, simulate_one, seed, most) for seed, most in arguments]
        )

    def _task(self, simulate_one, seed, most):
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
        most = (
            math.inf if not np.isfinite(max_eval) else max(1, math.ceil(TASK_SLACK * max_eval / n))
        )
        seeds = np.random.randint(SEED_BITS, size=n)  # noqa: NPY002 (pyabc draws from the global stream)
        task = functools.partial(self.map_function, self.pickle(simulate_one))
        tasks = [(int(s), most) for s in seeds]
        groups = [[tasks[i] for i in part] for part in batches(n, self.groups or cpu_count(), n)]
        results = [result for group in self.map_(task, groups) for result in group]
        self.nr_evaluations_ = sum(evaluations for _, evaluations in results)
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
        if sample.n_accepted < n or self.nr_evaluations_ > max_eval:
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
    kernel_scale: float = KERNEL_SCALE  # the proposal's covariance over the population's

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

    def abc_transition(self) -> pyabc.MultivariateNormalTransition:
        """The proposal kernel: ``kernel_scale`` times the population's weighted covariance."""
        return transition(self.kernel_scale)

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
        transitions=problem.abc_transition(),
        population_size=problem.population,
        sampler=SeededMappingSampler(map_=executor.map, groups=parallelism(executor)),
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
    settled: Callable[[pyabc.History], bool] | None = None,
) -> pyabc.History:
    """Run whole generations until the simulations reach ``budget``, acceptance collapses, or
    ``settled`` says the History has converged (checked on the stored History before each
    generation, so a resumed calibration stops where one never stopped would).

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
        if settled is not None and t > 0 and settled(history):
            return history
        np.random.seed(generation_seed(problem.seed, t))  # noqa: NPY002 (pyabc draws from the global stream)
        abc.run(max_nr_populations=1, min_acceptance_rate=MIN_ACCEPTANCE_RATE)
        if history.max_t < t:  # the generation could not fill its population
            return history
        if on_generation is not None:
            on_generation(history, t)
