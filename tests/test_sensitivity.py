"""Sensitivity analysis: SALib's designs and indices wired to the sweep engine."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from stakhanov_sim import ConfigError
from stakhanov_sim.experiments.sensitivity import analyse, load_analysis, run_sensitivity
from test_sweep import TINY_OUTCOMES, write_sweep

RANGES = {
    "supply.timber_per_shift": {"low": 0.6, "high": 1.4},
    "records.special_conditions_multiplier": {"low": 2.0, "high": 10.0},
}


def _fake_runs(sweep, outcome) -> pd.DataFrame:
    """A runs table whose outcome is a known function of the design (no model needed)."""
    design = sweep.design.reset_index()
    rows = design.loc[design.index.repeat(sweep.spec.replicates)].reset_index(drop=True)
    rows["replicate"] = rows.groupby("point").cumcount()
    for name in sweep.spec.outcomes:
        rows[name] = outcome(rows)
    return rows


def test_morris_on_the_model_gives_indices_for_each_parameter(tmp_path):
    path = write_sweep(tmp_path, parameters=RANGES, samples=2, replicates=1)
    sweep = load_analysis(path, "morris")
    assert len(sweep.design) == 2 * (len(RANGES) + 1)  # trajectories x (parameters + 1)
    with ThreadPoolExecutor(2) as executor:
        report = run_sensitivity(sweep, tmp_path / "out", executor, progress=False)
    indices = report.indices
    assert set(indices["outcome"]) == set(TINY_OUTCOMES)
    for _, group in indices.groupby("outcome"):
        assert sorted(group["parameter"]) == sorted(RANGES)
    assert (indices["mu_star"] >= 0).all() and np.isfinite(indices["mu_star"]).all()
    names = {p.name for p in report.files}
    assert {"indices.csv", "indices.md", "morris_mean_output_tons.png"} <= names
    assert pd.read_csv(tmp_path / "out" / "indices.csv").shape == indices.shape


def test_sobol_finds_the_lever_that_drives_the_outcome(tmp_path):
    sweep = load_analysis(write_sweep(tmp_path, parameters=RANGES, samples=64), "sobol")
    runs = _fake_runs(sweep, lambda r: 3.0 * r["supply.timber_per_shift"] ** 2)
    indices = analyse(sweep, runs).set_index(["outcome", "parameter"])
    driver = indices.loc[("mean_output_tons", "supply.timber_per_shift")]
    idle = indices.loc[("mean_output_tons", "records.special_conditions_multiplier")]
    assert driver["ST"] > 0.9 and driver["S1"] > 0.8
    assert abs(idle["ST"]) < 0.05


def test_morris_ranks_a_steep_lever_above_an_idle_one(tmp_path):
    sweep = load_analysis(write_sweep(tmp_path, parameters=RANGES, samples=8), "morris")
    runs = _fake_runs(sweep, lambda r: r["records.special_conditions_multiplier"])
    indices = analyse(sweep, runs).set_index("parameter")
    by_lever = indices[indices["outcome"] == "mean_wage_gini"]["mu_star"]
    assert by_lever["records.special_conditions_multiplier"] > 1.0
    assert by_lever["supply.timber_per_shift"] == pytest.approx(0.0, abs=1e-12)


def test_an_outcome_that_never_varies_is_reported_not_crashed(tmp_path):
    sweep = load_analysis(write_sweep(tmp_path, parameters=RANGES, samples=8), "sobol")
    indices = analyse(sweep, _fake_runs(sweep, lambda r: 0.0 * r["point"] + 5.0))
    assert (indices[["S1", "ST"]] == 0).all().all()
    assert indices["note"].str.contains("did not vary").all()


def test_listed_values_cannot_be_analysed(tmp_path):
    path = write_sweep(tmp_path, samples=8)  # the default parameters include {values}
    with pytest.raises(ConfigError, match="design 'sobol' needs \\{low, high\\}"):
        load_analysis(path, "sobol")
