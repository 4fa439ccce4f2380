"""Memory before work: what a run or a sweep would need, from its sizes, against the machine.

Each size passes its own range, but ``mine.mines`` x ``mine.sections`` x
``mine.hewers_per_section`` (or a sweep's points x replicates) can still multiply to
terabytes. The estimate is made from the sizes alone, before anything is allocated, and an
impossible one is refused naming the keys and the estimate. The per-item costs are measured
and rounded up, since the check is meant to stop the impossible, not to police the merely
large: a model and its tables took about 0.8 kB per miner at 38,000 and 114,000 miners
(resident memory after a run; tests/test_output_safety.py checks the estimate stays above it
and within ten times it) and at a million (peak RSS in ``benchmarks/results.md``); a sweep
about 29 kB per point and 0.6 kB per run (``load_sweep`` and ``Sweep.tasks``, 2,000 points).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from stakhanov_sim.scenarios.schema import Scenario

BYTES_PER_MINER = 2_000  # agents, network links and per-shift arrays
BYTES_PER_MODEL_ROW = 400  # one shift's row of the model table, in the run and in the parent
BYTES_PER_AGENT_ROW = 400  # one sampled agent's row of the agent table
BYTES_PER_SWEEP_POINT = 60_000  # one validated scenario per point, held for the whole sweep
BYTES_PER_SWEEP_RUN = 3_000  # one task (its seed, its future) per run
WORKING_SHARE = 0.85  # shifts per calendar day under the six-day week, rounded up
GB = 1e9
RUN_ALLOWED = "fewer miners (mine.mines, mine.sections, mine.hewers_per_section), a shorter calendar, fewer --replicates or --workers"


class MemoryBudgetError(Exception):
    """Work that would need more memory than the machine has; names the keys and estimate."""


@dataclass(frozen=True)
class Estimate:
    """Bytes a piece of work would need, and how the number was made, in words."""

    bytes: float
    reasoning: str


def available_bytes() -> float:
    """Memory the machine can give now (MemAvailable), or its physical memory when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def miners(scenario: Scenario) -> int:
    """Workers of every trade in every section of every mine."""
    return scenario.mine.mines * scenario.mine.sections * scenario.miners_per_section


def shifts(scenario: Scenario) -> int:
    """Shifts in the calendar, rounded up (every working day is one shift)."""
    days = (scenario.calendar.end - scenario.calendar.start).days + 1
    return math.ceil(days * WORKING_SHARE)


def run_estimate(scenario: Scenario, replicates: int, workers: int) -> Estimate:
    """Models alive at once (one per worker) plus the joined tables of every replicate."""
    n_miners, n_shifts = miners(scenario), shifts(scenario)
    alive = max(1, min(workers, replicates))
    model = n_miners * BYTES_PER_MINER
    snapshots = math.ceil(n_shifts / scenario.output.agent_sample_every)
    sampled = min(n_miners, scenario.output.agent_sample_max)
    tables = replicates * (
        n_shifts * BYTES_PER_MODEL_ROW + snapshots * sampled * BYTES_PER_AGENT_ROW
    )
    m = scenario.mine
    reasoning = (
        f"mine.mines {m.mines} x mine.sections {m.sections} x {scenario.miners_per_section} miners"
        f" per section (mine.hewers_per_section {m.hewers_per_section} and support trades)"
        f" = {n_miners:,} miners, about {model / GB:.3g} GB per model x {alive} at once;"
        f" tables of {replicates} replicate(s) x {n_shifts:,} shifts"
        f" (calendar.start {scenario.calendar.start} to calendar.end {scenario.calendar.end})"
        f" with {sampled:,} agents every {scenario.output.agent_sample_every} shifts"
        f" (output.agent_sample_max, output.agent_sample_every), about {tables / GB:.3g} GB"
    )
    return Estimate(alive * model + tables, reasoning)


def sweep_estimate(n_points: int, replicates: int, base: Scenario, workers: int) -> Estimate:
    """Every point's scenario and every run's task, plus the models the workers run at once."""
    runs = n_points * replicates
    held = n_points * BYTES_PER_SWEEP_POINT + runs * BYTES_PER_SWEEP_RUN
    one = run_estimate(base, 1, 1)
    alive = max(1, min(workers, runs))
    reasoning = (
        f"{n_points:,} points x replicates {replicates:,} = {runs:,} runs, about"
        f" {held / GB:.3g} GB to hold; each run: {one.reasoning}; {alive} at once"
    )
    return Estimate(held + alive * one.bytes, reasoning)


def check(estimate: Estimate, what: str, allowed: str) -> None:
    """Refuse work whose estimate exceeds the memory available now.

    Raises:
        MemoryBudgetError: naming what, the estimate with its reasoning, and what is allowed.
    """
    available = available_bytes()
    if estimate.bytes > available:
        raise MemoryBudgetError(
            f"{what} would need about {_size(estimate.bytes)} of memory, more than the"
            f" {_size(available)} available ({estimate.reasoning}); allowed: {allowed}"
        )


def _size(n: float) -> str:
    if n >= 1e12:
        return f"{n / 1e12:,.3g} TB"
    return f"{n / GB:,.3g} GB" if n >= 1e8 else f"{n / 1e6:,.3g} MB"
