"""Comparing scenarios: side-by-side figures and a table of key outcomes with their spread.

One seed answers nothing, so every number here is a mean over replicates with a 95%
confidence interval, and every scenario is set against the first one given (usually the
historical run) by the difference of means with its own 95% interval. Outcomes are computed
per replicate first, so the intervals reflect run-to-run spread, not shift-to-shift noise.

Runs made with the same seed and number of replicates share their random numbers replicate
by replicate (each mechanism has its own stream, ``model.streams``): their difference is
then also given paired, replicate by replicate, whose interval leaves out the luck the two
runs share and is much narrower.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from stakhanov_sim.experiments import outcomes
from stakhanov_sim.experiments.outcomes import (
    CONFIDENCE,
    FINAL_YEAR,
    OUTCOMES,
    Outcome,
    mean_interval,
    paired_difference,
    welch_difference,
)
from stakhanov_sim.experiments.results import Results, ResultsError, atomic_write

SUMMARY_CSV = "summary.csv"
SUMMARY_MD = "summary.md"
SUMMARY_COLUMNS = [
    "outcome", "label", "unit", "scenario", "replicates", "mean", "ci_low", "ci_high",
    "diff", "diff_ci_low", "diff_ci_high", "paired_diff", "paired_ci_low", "paired_ci_high",
]  # fmt: skip
KEY_OUTCOMES = (
    "output_1937_tons", "plan_fulfilment_1937", "peak_share_stakhanovites", "wage_gini_1936_37",
    "resentment_1936_37", "sanctions_per_1000_miners_year", "accusations", "turnover_per_year",
)  # fmt: skip
RELATIVE = Outcome(
    "output_1937_relative", "x first scenario's mean",
    f"Output {FINAL_YEAR} relative to the first scenario", outcomes.output_final_year,
    (FINAL_YEAR,),
)  # fmt: skip
COMPARED_OUTCOMES = (OUTCOMES[KEY_OUTCOMES[0]], RELATIVE, *(OUTCOMES[k] for k in KEY_OUTCOMES[1:]))


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
    names = [o.name for o in COMPARED_OUTCOMES if o is not RELATIVE]
    rows = {
        rep: {**outcomes.summarise(frame, names), RELATIVE.name: np.nan}
        for rep, frame in results.model.groupby("replicate")
    }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=[o.name for o in COMPARED_OUTCOMES]
    )
    table[RELATIVE.name] = table[KEY_OUTCOMES[0]]
    return table


def same_seeds(a: Results, b: Results) -> bool:
    """Whether two runs used the same seed and replicates (so replicates can be paired)."""
    keys = ("seed", "replicates")
    return all(
        a.manifest.get(k) is not None and a.manifest.get(k) == b.manifest.get(k) for k in keys
    )


def summarise(runs: dict[str, Results]) -> pd.DataFrame:
    """The summary table: one row per outcome and scenario, the first scenario the reference.

    The first scenario's difference from itself is exactly zero (no interval is needed);
    paired differences are NaN for a run whose seeds differ from the reference's.
    """
    per_run = {name: replicate_outcomes(r) for name, r in runs.items()}
    reference_name, reference = next(iter(per_run.items()))
    scale = reference[RELATIVE.name].mean()
    for frame in per_run.values():
        frame[RELATIVE.name] = frame[RELATIVE.name] / scale if scale else np.nan
    rows = []
    for outcome in COMPARED_OUTCOMES:
        for i, (name, frame) in enumerate(per_run.items()):
            values = frame[outcome.name].to_numpy(dtype=float)
            base = reference[outcome.name].to_numpy(dtype=float)
            paired = same_seeds(runs[name], runs[reference_name]) and len(values) == len(base)
            if i == 0:
                diff = paired_diff = (0.0, 0.0, 0.0)
            else:
                diff = welch_difference(values, base)
                paired_diff = paired_difference(values, base) if paired else (np.nan,) * 3
            level = mean_interval(values)
            rows.append(
                (outcome.name, outcome.meaning, outcome.unit, name, len(frame), *level, *diff,
                 *paired_diff)
            )  # fmt: skip
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
        "(unequal variances). Runs with the reference's seed and replicates also get the "
        "paired difference (replicate by replicate, same random numbers) with its Student t "
        "interval, which leaves out the luck both runs share. `*` marks a difference whose "
        "interval excludes zero; n/a means the runs' seeds differ.",
        "",
    ]
    for _outcome, rows in table.groupby("outcome", sort=False):
        first = rows.iloc[0]
        lines += [f"## {first['label']} ({first['unit']})", ""]
        lines += [
            "| scenario | replicates | mean (95% CI) | difference (95% CI) "
            "| paired difference (95% CI) |"
        ]
        lines += ["|---|---:|---:|---:|---:|"]
        for i, row in enumerate(rows.itertuples()):
            level = _with_interval(row.mean, row.ci_low, row.ci_high)
            diff = (
                "reference" if i == 0 else _difference(row.diff, row.diff_ci_low, row.diff_ci_high)
            )
            paired = (
                "reference"
                if i == 0
                else _difference(row.paired_diff, row.paired_ci_low, row.paired_ci_high)
            )
            lines.append(f"| {row.scenario} | {row.replicates} | {level} | {diff} | {paired} |")
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


def _difference(diff: float, low: float, high: float) -> str:
    text = _with_interval(diff, low, high)
    return f"{text} *" if low > 0 or high < 0 else text


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
