"""Comparing scenarios: side-by-side figures and a table of key outcomes with their spread.

One seed answers nothing, so every number here is a mean over replicates with a 95%
confidence interval, and every scenario is set against the first one given (usually the
historical run) by the difference of means with its own 95% interval. Outcomes are computed
per replicate first, so the intervals reflect run-to-run spread, not shift-to-shift noise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stakhanov_sim.experiments import outcomes
from stakhanov_sim.experiments.outcomes import (
    CONFIDENCE,
    FINAL_YEAR,
    mean_interval,
    welch_difference,
)
from stakhanov_sim.experiments.results import Results, ResultsError, atomic_write

CAMPAIGN_YEARS = (FINAL_YEAR - 1, FINAL_YEAR)  # the campaign's two full calendar years
SUMMARY_CSV = "summary.csv"
SUMMARY_MD = "summary.md"
SUMMARY_COLUMNS = [
    "outcome", "label", "unit", "scenario", "replicates", "mean", "ci_low", "ci_high",
    "diff", "diff_ci_low", "diff_ci_high",
]  # fmt: skip


@dataclass(frozen=True)
class KeyOutcome:
    """A key outcome: one number per replicate, computed from its model table.

    ``years`` are the calendar years the run must reach for the number to exist; a run
    that stops short gets NaN (shown as n/a) rather than a number from another period.
    """

    key: str
    label: str
    unit: str
    compute: Callable[[pd.DataFrame], float]
    years: tuple[int, ...] = ()


def _campaign_years_mean(column: str) -> Callable[[pd.DataFrame], float]:
    def mean(model: pd.DataFrame) -> float:
        years = pd.to_datetime(model["date"]).dt.year
        return float(model.loc[years.between(*CAMPAIGN_YEARS), column].mean())

    return mean


CAMPAIGN = "{}-{}".format(*CAMPAIGN_YEARS)
OUTCOMES = (
    KeyOutcome("output_1937_tons", f"Mean output per shift, {FINAL_YEAR}", "tons per shift",
               outcomes.output_final_year, (FINAL_YEAR,)),
    KeyOutcome("output_1937_relative", f"Output {FINAL_YEAR} relative to the first scenario",
               "x first scenario's mean", outcomes.output_final_year, (FINAL_YEAR,)),
    KeyOutcome("plan_fulfilment_1937", f"Plan fulfilment, {FINAL_YEAR}", "output / plan",
               outcomes.plan_fulfilment_final_year, (FINAL_YEAR,)),
    KeyOutcome("peak_share_stakhanovites", "Peak share of Stakhanovites", "share of hewers",
               outcomes.peak_share_stakhanovites),
    KeyOutcome("wage_gini_1936_37", f"Mean wage Gini, {CAMPAIGN}", "0-1",
               _campaign_years_mean("wage_gini"), CAMPAIGN_YEARS),
    KeyOutcome("resentment_1936_37", f"Mean resentment, {CAMPAIGN}", "0-1",
               _campaign_years_mean("mean_resentment"), CAMPAIGN_YEARS),
    KeyOutcome("sanctions_per_1000_miners_year", "Sanctions per 1,000 miners a year",
               "incidents per 1,000 miners per year", outcomes.sanctions_rate),
    KeyOutcome("accusations_total", "Accusations of foremen and engineers, whole run",
               "accusations", outcomes.accusations),
    KeyOutcome("turnover_per_year", "Turnover (quits a year / mean headcount)",
               "share per year", outcomes.turnover_rate),
)  # fmt: skip
RELATIVE = "output_1937_relative"


def scenario_name(results: Results, run_dir: str | os.PathLike) -> str:
    """The scenario's name from the manifest, or the run directory's name."""
    scenario = results.manifest.get("scenario")
    name = scenario.get("name") if isinstance(scenario, dict) else None
    return str(name) if name else Path(run_dir).name


def load_runs(run_dirs: Sequence[str | os.PathLike]) -> dict[str, Results]:
    """Load run directories in order, keyed by scenario name (made unique with the dir name).

    Raises:
        ResultsError: a directory missing, partial, corrupted or with an empty model table.
    """
    runs: dict[str, Results] = {}
    for run_dir in run_dirs:
        results = Results.load(run_dir)
        model_path = Path(run_dir) / "model.parquet"
        if results.model.empty:
            raise ResultsError(f"{model_path}: has no rows; the run directory is incomplete")
        if "headcount" not in results.model.columns:
            raise ResultsError(
                f"{model_path}: lacks the 'headcount' column needed for rates per miner"
            )
        name = scenario_name(results, run_dir)
        if name in runs:
            name = f"{name} ({Path(run_dir).name})"
        if name in runs:
            name = f"{name} [{len(runs)}]"
        runs[name] = results
    return runs


def replicate_outcomes(results: Results) -> pd.DataFrame:
    """One row per replicate, one column per outcome (the relative one still in tons)."""
    rows = {rep: _outcome_row(frame) for rep, frame in results.model.groupby("replicate")}
    return pd.DataFrame.from_dict(rows, orient="index", columns=[o.key for o in OUTCOMES])


def _outcome_row(model: pd.DataFrame) -> dict[str, float]:
    covered = set(pd.to_datetime(model["date"]).dt.year)
    return {o.key: o.compute(model) if covered.issuperset(o.years) else np.nan for o in OUTCOMES}


def summarise(runs: dict[str, Results]) -> pd.DataFrame:
    """The summary table: one row per outcome and scenario, the first scenario the reference.

    The first scenario's difference from itself is exactly zero (no interval is needed).
    """
    per_run = {name: replicate_outcomes(r) for name, r in runs.items()}
    reference = next(iter(per_run.values()))
    scale = reference[RELATIVE].mean()
    for frame in per_run.values():
        frame[RELATIVE] = frame[RELATIVE] / scale if scale else np.nan
    rows = []
    for outcome in OUTCOMES:
        for i, (name, frame) in enumerate(per_run.items()):
            values = frame[outcome.key].to_numpy(dtype=float)
            base = reference[outcome.key].to_numpy(dtype=float)
            diff = (0.0, 0.0, 0.0) if i == 0 else welch_difference(values, base)
            level = mean_interval(values)
            rows.append((outcome.key, outcome.label, outcome.unit, name, len(frame), *level, *diff))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def to_markdown(table: pd.DataFrame) -> str:
    """The summary as Markdown: one small table per outcome, scenarios as rows."""
    names = list(dict.fromkeys(table["scenario"]))
    lines = [
        "# Scenarios compared",
        "",
        f"Reference (first run): **{names[0]}**. Each value is the mean over replicates with "
        f"its {CONFIDENCE:.0%} confidence interval (Student t over replicate-level values); "
        f"differences are from the reference, with a {CONFIDENCE:.0%} Welch interval "
        "(unequal variances). `*` marks a difference whose interval excludes zero.",
        "",
    ]
    for _outcome, rows in table.groupby("outcome", sort=False):
        first = rows.iloc[0]
        lines += [f"## {first['label']} ({first['unit']})", ""]
        lines += ["| scenario | replicates | mean (95% CI) | difference (95% CI) |"]
        lines += ["|---|---:|---:|---:|"]
        for i, row in enumerate(rows.itertuples()):
            level = _with_interval(row.mean, row.ci_low, row.ci_high)
            diff = "reference" if i == 0 else _difference(row)
            lines.append(f"| {row.scenario} | {row.replicates} | {level} | {diff} |")
        lines.append("")
    return "\n".join(lines)


def _number(value: float) -> str:
    if np.isnan(value):
        return "n/a"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _with_interval(value: float, low: float, high: float) -> str:
    if np.isnan(low):
        return _number(value)
    return f"{_number(value)} ({_number(low)} to {_number(high)})"


def _difference(row) -> str:
    text = _with_interval(row.diff, row.diff_ci_low, row.diff_ci_high)
    excludes_zero = row.diff_ci_low > 0 or row.diff_ci_high < 0
    return f"{text} *" if excludes_zero else text


def compare(run_dirs: Sequence[str | os.PathLike], outdir: str | os.PathLike) -> list[Path]:
    """Load runs, draw them side by side and write ``summary.csv`` and ``summary.md``.

    Returns:
        The figures written, then the CSV and the Markdown summary.
    """
    from stakhanov_sim.figures import plots

    runs = load_runs(run_dirs)
    out = Path(outdir)
    figures = plots.plot_compare(runs, out)
    table = summarise(runs)
    csv_path, md_path = out / SUMMARY_CSV, out / SUMMARY_MD
    atomic_write(csv_path, lambda tmp: table.to_csv(tmp, index=False))
    atomic_write(md_path, lambda tmp: Path(tmp).write_text(to_markdown(table)))
    return [*figures, csv_path, md_path]
