"""Tests of the figures: every file is written, for ensembles, one run and scenarios.

The results here are synthetic, made up only as input for the plotting code: plausible
magnitudes, a few replicates, policy events and a Stakhanovite wage that is undefined (NaN)
before the first title, as it is in a real run.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from stakhanov_sim.experiments.results import EVENT_COLUMNS, FILE_MODE, MODEL_COLUMNS, Results
from stakhanov_sim.figures.plots import COMPARED, THEMES, ensemble_band, plot_all, plot_compare

START = pd.Timestamp("1935-08-01")
FIRST_TITLE = pd.Timestamp("1935-09-01")
POLICY = {
    "1935-08-31": "Stakhanov's record",
    "1935-11-14": "All-Union Conference",
    "1936-01-10": "Stakhanovite ten-days",
    "1936-02-01": "Norm revision",
    "1937-06-01": "Purge wave",
}


def synthetic_results(replicates=3, shifts=120, shifts_per_day=2, seed=0) -> Results:
    """A made-up ensemble with the columns of the model and event tables."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(START, periods=shifts // shifts_per_day + 1)
    dates = np.repeat(days, shifts_per_day)[:shifts]
    rows = [_replicate(r, dates, rng) for r in range(replicates)]
    model = pd.concat(rows, ignore_index=True)[MODEL_COLUMNS]
    events = pd.DataFrame(
        [
            (r, 0, pd.Timestamp(date), "policy", -1, -1, label)
            for r in range(replicates)
            for date, label in POLICY.items()
        ],
        columns=EVENT_COLUMNS,
    )
    agents = pd.DataFrame(columns=["replicate", "shift"])
    return Results(model=model, agents=agents, events=events)


def _replicate(replicate, dates, rng) -> pd.DataFrame:
    n = len(dates)
    campaign = np.clip((dates - FIRST_TITLE).days.to_numpy() / 200, 0, 1)
    noise = rng.normal(0, 1, n)
    stakhanovite_wage = np.where(dates >= FIRST_TITLE, 25 + 5 * campaign, np.nan)
    return pd.DataFrame(
        {
            "replicate": replicate,
            "shift": np.arange(n),
            "date": dates,
            "output_tons": 600 + 80 * campaign + 40 * noise,
            "plan_tons": 650.0 + 100 * campaign,
            "norm_tons": 7.0 + 2.0 * (dates >= pd.Timestamp("1936-02-01")),
            "share_meeting_norm": np.clip(0.7 - 0.2 * campaign + 0.05 * noise, 0, 1),
            "n_stakhanovites": np.round(40 * campaign),
            "share_stakhanovites": 0.4 * campaign,
            "max_fulfilment": 1.5 + 10 * rng.random(n) * campaign,
            "records_set": rng.poisson(0.1, n),
            "mean_wage_rubles": 12 + 3 * campaign + noise,
            "wage_gini": 0.15 + 0.1 * campaign,
            "mean_wage_stakhanovite": stakhanovite_wage,
            "mean_wage_other": 11 + noise,
            "mean_resentment": 0.1 + 0.3 * campaign,
            "sanctions": rng.poisson(0.5 * campaign),
            "supply_shortfall": np.clip(0.1 + 0.2 * campaign + 0.05 * noise, 0, 1),
            "equipment_downtime": np.clip(0.05 + 0.1 * campaign, 0, 1),
            "sabotage_acts": rng.poisson(0.05, n),
            "accusations": rng.poisson(0.05 * campaign),
            "staff_replaced": rng.poisson(0.03 * campaign),
            "quits": rng.poisson(1.0, n),
            "share_new_methods": 0.8 * campaign,
            "mean_wage_hewer": 21 + 4 * campaign + noise,
            "mean_wage_ordinary_hewer": 20 + noise,
            "reported_output_tons": 620 + 90 * campaign + 40 * noise,
            "accidents": rng.poisson(0.05, n),
            "fatal_accidents": rng.poisson(0.003, n),
            "arrests": rng.poisson(0.01 * campaign),
            "accusations_from_above": rng.poisson(0.03 * campaign),
            "accusations_after_accidents": rng.poisson(0.01 * campaign),
            "accusations_from_below": rng.poisson(0.01 * campaign),
        }
    )


def _assert_pngs(paths, outdir, names):
    assert sorted(p.name for p in paths) == sorted(names)
    for path in paths:
        assert path.parent == outdir
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


THEME_FILES = ["overview.png"] + [f"{stem}.png" for stem in THEMES]


def test_plot_all_writes_overview_and_one_png_per_theme(tmp_path):
    outdir = tmp_path / "figures" / "new"  # does not exist yet
    paths = plot_all(synthetic_results(), outdir)
    _assert_pngs(paths, outdir, THEME_FILES)


def test_plot_all_single_replicate_without_smoothing(tmp_path):
    paths = plot_all(synthetic_results(replicates=1, shifts_per_day=1), tmp_path, 1)
    _assert_pngs(paths, tmp_path, THEME_FILES)


def test_plot_all_survives_a_column_that_is_all_nan(tmp_path):
    results = synthetic_results()
    results.model["mean_wage_stakhanovite"] = np.nan
    results.events = results.events.iloc[0:0]  # and no policy events at all
    _assert_pngs(plot_all(results, tmp_path), tmp_path, THEME_FILES)


def test_plot_compare_writes_overview_and_one_png_per_series(tmp_path):
    scenarios = {
        "historical": synthetic_results(seed=1),
        "ample supplies": synthetic_results(seed=2),
        "single run": synthetic_results(replicates=1, seed=3),
    }
    scenarios["ample supplies"].model["plan_tons"] += 50  # plans differ: drawn per scenario
    scenarios["single run"].events = scenarios["single run"].events.iloc[0:0]
    paths = plot_compare(scenarios, tmp_path)
    names = ["compare_overview.png"] + [f"compare_{column}.png" for column in COMPARED]
    _assert_pngs(paths, tmp_path, names)


def test_ensemble_band_is_mean_plus_minus_student_t_standard_errors():
    model = synthetic_results(replicates=4).model
    band = ensemble_band(model, "output_tons")
    wide = model.pivot(index="shift", columns="replicate", values="output_tons")
    se = wide.std(axis=1).to_numpy() / 2.0  # sqrt(4 replicates)
    assert band["mean"].to_numpy() == pytest.approx(wide.mean(axis=1).to_numpy())
    t_3 = 3.182446  # t(0.975, 3 degrees of freedom), from a printed table
    assert (band["hi"] - band["mean"]).to_numpy() == pytest.approx(t_3 * se, rel=1e-6)
    assert band["date"].is_monotonic_increasing and band["date"].is_unique


def test_ensemble_band_of_one_replicate_has_no_band():
    band = ensemble_band(synthetic_results(replicates=1).model, "wage_gini", window=20)
    assert band["mean"].notna().all() and band["lo"].isna().all()


def test_figures_are_written_with_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        paths = plot_all(synthetic_results(replicates=1), tmp_path)
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in paths} == {oct(FILE_MODE)}
    assert 0o666 & ~old == FILE_MODE  # not mkstemp's 0600


def test_plotting_an_empty_model_says_so(tmp_path):
    results = synthetic_results()
    results.model = results.model.iloc[0:0]
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_all(results, tmp_path)
