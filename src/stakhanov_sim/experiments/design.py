"""Experimental designs: the points of parameter space a sweep visits.

``grid`` enumerates every combination (small, exhaustive questions); ``lhs`` (Latin
hypercube) spreads a fixed budget evenly over every lever at once; ``sobol`` and ``morris``
are SALib's samples, laid out the way SALib's analyses expect them. Every design is drawn
from the sweep's seed, so the same file always visits the same points.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.stats import qmc

from stakhanov_sim.experiments.sweepfile import Parameter, SweepSpec, is_integer

MORRIS_LEVELS = 4  # grid levels of a Morris trajectory: SALib's default, fine for screening


def salib_problem(parameters: dict[str, Parameter]) -> dict:
    """The SALib problem: names and {low, high} bounds of the ranged parameters."""
    return {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [[p.low, p.high] for p in parameters.values()],
    }


def design_seed(seed: int) -> int:
    """A sampling seed derived from the sweep seed, apart from the runs' own streams."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0])


def raw_sample(spec: SweepSpec, seed: int) -> np.ndarray:
    """The design as drawn, one row per point, before integer parameters are rounded.

    SALib's analyses read this matrix (Morris needs the exact steps it took).
    """
    params = spec.parameters
    rng_seed = design_seed(seed)
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            salib_problem(params), spec.samples, calc_second_order=False, seed=rng_seed
        )
    if spec.design == "morris":
        from SALib.sample import morris

        return morris.sample(
            salib_problem(params), spec.samples, num_levels=MORRIS_LEVELS, seed=rng_seed
        )
    if spec.design == "lhs":
        unit = qmc.LatinHypercube(d=len(params), rng=np.random.default_rng(rng_seed))
        return _scale(unit.random(spec.samples), params)
    return _grid(params)


def points(spec: SweepSpec, seed: int) -> pd.DataFrame:
    """The design as run: one row per point, one column per parameter, index ``point``."""
    raw = raw_sample(spec, seed)
    table = pd.DataFrame(
        {key: _as_values(raw[:, j], key, p) for j, (key, p) in enumerate(spec.parameters.items())}
    )
    table.index.name = "point"
    return table


def _scale(unit: np.ndarray, params: dict[str, Parameter]) -> np.ndarray:
    """Map a unit-cube sample onto the ranges, or onto positions in a list of values."""
    columns = []
    for j, p in enumerate(params.values()):
        u = unit[:, j]
        if p.is_range:
            columns.append(p.low + u * (p.high - p.low))
        else:
            columns.append(np.minimum(np.floor(u * len(p.values)), len(p.values) - 1))
    return np.column_stack(columns)


def _grid(params: dict[str, Parameter]) -> np.ndarray:
    """Every combination, the first parameter varying slowest (range levels evenly spaced)."""
    axes = [
        np.linspace(p.low, p.high, p.levels) if p.is_range else np.arange(len(p.values))
        for p in params.values()
    ]
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(params))


def _as_values(column: np.ndarray, key: str, p: Parameter) -> pd.Series:
    """Raw design values as the scenario takes them: rounded integers, or listed values."""
    if not p.is_range:
        return pd.Series([p.values[int(i)] for i in column])
    if is_integer(key):
        return pd.Series(np.rint(column).astype(np.int64))
    return pd.Series(column.astype(np.float64))
