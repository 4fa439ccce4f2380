"""``stakhanov-sim compare``: scenarios side by side, with a table of outcomes and their spread.

Two tiny ensembles (the campaign and the same mine without it, on a small mine into 1937)
are compared through the command line; the table must hold every outcome for every
scenario, a zero difference for the reference, and differences that are the gaps between
the scenarios' means. Bad run directories end with exit status 2 and one clear message.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import BASELINE, HISTORY
from stakhanov_sim import run
from stakhanov_sim.cli import main
from stakhanov_sim.experiments.compare import (
    COMPARED_OUTCOMES,
    SUMMARY_COLUMNS,
    mean_interval,
    summarise,
    welch_difference,
)
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.figures.plots import COMPARED

END = "1937-02-28"  # into 1937, so the outcomes of 1937 exist
REPLICATES = 2
PAIRS = 8  # replicates of each run whose paired differences are judged


@pytest.fixture(scope="module")
def run_dirs(tmp_path_factory, small_scenario):
    """Saved two-replicate runs: the campaign (reference) and the no-campaign baseline."""
    root = tmp_path_factory.mktemp("runs")
    dirs = []
    for name, path in (("history", HISTORY), ("baseline", BASELINE)):
        results = run(small_scenario(path, END), replicates=REPLICATES, seed=11, workers=1)
        dirs.append(results.save(root / name))
    return dirs


@pytest.fixture(scope="module")
def compared(run_dirs, tmp_path_factory):
    """The output directory of ``stakhanov-sim compare`` on the two runs."""
    out = tmp_path_factory.mktemp("compare")
    assert main(["compare", *map(str, run_dirs), "-o", str(out)]) == 0
    return out


@pytest.mark.slow
def test_compare_writes_figures_and_both_tables(compared):
    expected = {"compare_overview.png", *(f"compare_{c}.png" for c in COMPARED)}
    assert expected <= {p.name for p in compared.iterdir()}
    table = pd.read_csv(compared / "summary.csv")
    assert list(table.columns) == SUMMARY_COLUMNS
    assert len(table) == len(COMPARED_OUTCOMES) * 2
    assert list(dict.fromkeys(table["scenario"])) == ["history_1935_37", "baseline_no_campaign"]
    assert set(table["outcome"]) == {o.name for o in COMPARED_OUTCOMES}
    assert (table["replicates"] == REPLICATES).all()
    markdown = (compared / "summary.md").read_text()
    assert "Welch" in markdown and "history_1935_37" in markdown
    assert all(o.meaning in markdown for o in COMPARED_OUTCOMES)


@pytest.mark.slow
def test_differences_are_from_the_first_run(compared):
    table = pd.read_csv(compared / "summary.csv").set_index(["outcome", "scenario"])
    reference = table.xs("history_1935_37", level="scenario")
    assert (reference[["diff", "diff_ci_low", "diff_ci_high"]] == 0).all().all()
    assert reference.loc["output_1937_relative", "mean"] == pytest.approx(1.0)
    other = table.xs("baseline_no_campaign", level="scenario")
    gap = other["mean"] - reference["mean"]
    assert np.allclose(other["diff"], gap, equal_nan=True)
    assert (
        other.loc["peak_share_stakhanovites", "mean"]
        < reference.loc["peak_share_stakhanovites", "mean"]
    )
    assert (other["diff_ci_low"] <= other["diff"]).all()
    assert (other["diff"] <= other["diff_ci_high"]).all()


def test_paired_differences_of_runs_with_the_same_seeds_are_narrower(small_scenario):
    """Common random numbers: the history against no norm revision, same seed, same replicates.

    Up to the revision the two runs are the same, and after it every mechanism draws the
    same numbers, so the paired interval of the difference leaves out the shared luck. Eight
    pairs: with four, an interval's width (a t-interval on 3 degrees of freedom) is itself too
    noisy to judge one outcome by (resentment's paired width was 1.03 of its unpaired at four
    pairs on seed 3, and 0.5 at eight).
    """
    ends = "1937-03-31"
    history = small_scenario(HISTORY, ends)
    events = [e for e in history.campaign.events if e.kind != "norm_revision"]
    never = history.model_copy(
        update={"campaign": history.campaign.model_copy(update={"events": events})}
    )
    runs = {
        "history": run(history, replicates=PAIRS, seed=3, workers=1),
        "no revision": run(never, replicates=PAIRS, seed=3, workers=1),
        "other seed": run(never, replicates=PAIRS, seed=4, workers=1),
    }
    table = summarise(runs).set_index(["outcome", "scenario"])
    paired = table.xs("no revision", level="scenario")
    width = paired["diff_ci_high"] - paired["diff_ci_low"]
    paired_width = paired["paired_ci_high"] - paired["paired_ci_low"]
    judged = ["output_1937_tons", "wage_gini_1936_37", "resentment_1936_37", "turnover_per_year"]
    assert (paired_width[judged] < width[judged]).all(), pd.DataFrame(
        {"unpaired": width, "paired": paired_width}
    )
    # and much narrower: at the calibrated defaults of Dec 2026 the paired intervals were
    # 0.39-0.60 of the unpaired ones (a mean of 0.51)
    assert (paired_width[judged] / width[judged]).mean() < 2 / 3
    other = table.xs("other seed", level="scenario")
    assert other["paired_diff"].isna().all(), "different seeds cannot be paired"


def test_welch_interval_matches_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(5, 1, 6), rng.normal(4, 3, 9)
    diff, low, high = welch_difference(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert diff == pytest.approx(a.mean() - b.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))


def test_mean_interval_covers_the_mean_and_needs_two_values():
    mean, low, high = mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    assert low < mean == 2.5 < high
    assert np.isnan(mean_interval(np.array([7.0]))[1])


def test_runs_that_stop_before_1937_get_no_1937_outcomes(small_scenario):
    short = run(small_scenario(HISTORY, "1936-03-31"), replicates=2, seed=5, workers=1)
    table = summarise({"a": short, "b": short}).set_index(["outcome", "scenario"])
    assert np.isnan(table.loc[("output_1937_tons", "b"), "mean"])
    assert table.loc[("peak_share_stakhanovites", "b"), "diff"] == pytest.approx(0.0)


@pytest.mark.slow
def test_a_corrupted_run_directory_exits_2(run_dirs, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(run_dirs[1], broken)
    (broken / "model.parquet").write_bytes(b"not parquet at all")
    status = main(["compare", str(run_dirs[0]), str(broken), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert "model.parquet" in err and "Traceback" not in err


def test_a_partial_or_missing_run_directory_exits_2(tmp_path, capsys):
    partial = tmp_path / "partial"
    partial.mkdir()
    Results(model=pd.DataFrame(), agents=pd.DataFrame(), events=pd.DataFrame(), manifest={}).save(
        partial
    )
    (partial / "manifest.json").unlink()
    out = tmp_path / "out"  # not tmp_path itself: compare refuses a folder holding other files
    assert main(["compare", str(partial), str(tmp_path / "nowhere"), "-o", str(out)]) == 2
    assert "manifest.json: missing" in capsys.readouterr().err


def test_compare_needs_two_runs(tmp_path, capsys):
    assert main(["compare", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "at least two" in capsys.readouterr().err
