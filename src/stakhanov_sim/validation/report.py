"""``stakhanov-sim validate``: run the ensembles, score the patterns, write the report.

Three ensembles share one seed: the historical scenario, the same mine with no campaign
(its timeline emptied), and the historical campaign without special conditions for records.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import shorten

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from stakhanov_sim.experiments.results import Results, atomic_write
from stakhanov_sim.experiments.runner import run
from stakhanov_sim.figures.plots import ensemble_band
from stakhanov_sim.scenarios.loading import load_scenario
from stakhanov_sim.scenarios.schema import NO_SPECIAL_CONDITIONS
from stakhanov_sim.validation.targets import evaluate, report_markdown

NO_CAMPAIGN = {"campaign.events": []}
COLOURS = {"history": "#0072B2", "baseline": "#E69F00"}  # Okabe-Ito
TARGET_COLOUR = "#009E73"
MONTH_SHIFTS = 25
CLAIM_WIDTH = 64  # characters of a pattern's claim that fit beside its verdict


def run_ensembles(
    config: str | Path, replicates: int, workers: int | None = None, overrides: dict | None = None
) -> dict[str, Results]:
    """The three ensembles the patterns are measured on."""
    base = dict(overrides or {})
    scenarios = {
        "history": load_scenario(config, base),
        "baseline": load_scenario(config, {**base, **NO_CAMPAIGN}),
        "no_special_conditions": load_scenario(config, {**base, **NO_SPECIAL_CONDITIONS}),
    }
    return {
        name: run(s, replicates=replicates, workers=workers, progress=True)
        for name, s in scenarios.items()
    }


def validate(
    config: str | Path,
    replicates: int,
    out: str | Path,
    workers: int | None = None,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Run, score and write ``validation.md``, ``validation.csv`` and ``validation.png``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = run_ensembles(config, replicates, workers, overrides)
    table = evaluate(runs, replicates)
    figure = plot_validation(runs, table, out / "validation.png")
    text = report_markdown(table, replicates, figure.name, dt.datetime.now())
    atomic_write(out / "validation.md", lambda p: Path(p).write_text(text))
    atomic_write(out / "validation.csv", lambda p: table.to_csv(p, index=False))
    return table


def plot_validation(runs: dict[str, Results], table: pd.DataFrame, path: Path) -> Path:
    """Four panels: output against baseline and plan, the Stakhanovite share, records, verdicts."""
    fig = Figure(figsize=(12, 8.5), layout="constrained")
    axes = fig.subplots(2, 2)
    _band(
        axes[0, 0],
        runs,
        "output_tons",
        "coal output (tons per shift, monthly mean)",
        "Output: campaign against no campaign",
    )
    plan = ensemble_band(runs["history"].model, "plan_tons", MONTH_SHIFTS)
    axes[0, 0].plot(plan["date"], plan["mean"], color="black", ls=":", label="plan")
    axes[0, 0].legend(loc="lower left")
    ax = axes[0, 1]
    _band(
        ax,
        runs,
        "share_stakhanovites",
        "share of hewers",
        "Stakhanovite share (target: 30-45% in Aug 1936)",
        baseline=False,
    )
    ax.fill_between(
        pd.to_datetime(["1936-08-01", "1936-08-31"]),
        0.30,
        0.45,
        color=TARGET_COLOUR,
        alpha=0.3,
        label="target, Aug 1936",
    )
    ax.legend(loc="upper left")
    _records(axes[1, 0], runs)
    _verdicts(axes[1, 1], table)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 0]):
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    fig.suptitle(
        "Validation: does one parameter set reproduce the historical patterns?", fontweight="bold"
    )
    atomic_write(path, lambda p: fig.savefig(p, dpi=130, format="png"))
    return path


def _band(ax, runs, column, ylabel, title, baseline=True) -> None:
    names = ["history", "baseline"] if baseline else ["history"]
    for name in names:
        band = ensemble_band(runs[name].model, column, MONTH_SHIFTS)
        ax.plot(
            band["date"],
            band["mean"],
            color=COLOURS[name],
            ls="-" if name == "history" else "--",
            label=f"{name} (mean)",
        )
        ax.fill_between(
            band["date"],
            band["lo"],
            band["hi"],
            color=COLOURS[name],
            alpha=0.25,
            label=f"{name} (95% band)",
        )
    ax.set(title=title, ylabel=ylabel, xlabel="date")


def _records(ax, runs) -> None:
    model = runs["history"].model
    monthly = (
        model.set_index("date")
        .groupby("replicate")["max_fulfilment"]
        .resample("MS")
        .max()
        .groupby(level=1)
    )
    best = monthly.mean()
    ax.plot(
        best.index,
        best.to_numpy(),
        color=COLOURS["history"],
        marker="o",
        ms=3,
        label="history: best shift of the month (mean over replicates)",
    )
    nosc = (
        runs["no_special_conditions"]
        .model.set_index("date")
        .groupby("replicate")["max_fulfilment"]
        .resample("MS")
        .max()
        .groupby(level=1)
        .mean()
    )
    ax.plot(
        nosc.index, nosc.to_numpy(), color="#D55E00", ls="-.", label="without special conditions"
    )
    ax.axhspan(10, 15, color=TARGET_COLOUR, alpha=0.25, label="target for a record: 10-15 norms")
    ax.axhline(3, color="#D55E00", lw=0.8, ls=":", label="3 norms")
    ax.set(
        title="Records: best single-shift fulfilment",
        ylabel="norms fulfilled (output / norm)",
        xlabel="date",
        yscale="log",
    )
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.legend(loc="center right", fontsize=8)


def _verdict(row) -> tuple[str, str]:
    """Word and colour for a pattern: pass, pass* (its interval crosses the target), FAIL."""
    if not row.passed:
        return "FAIL", "#D55E00"
    return ("pass", "#009E73") if row.robust else ("pass*", "#E69F00")


def _verdicts(ax, table: pd.DataFrame) -> None:
    ax.axis("off")
    ax.set_title(
        f"Patterns: {int(table['passed'].sum())} of {len(table)} pass (*: interval crosses the target)"
    )
    y = np.linspace(0.95, 0.03, len(table))
    for yi, row in zip(y, table.itertuples(), strict=True):
        mark, colour = _verdict(row)
        ax.text(0.0, yi, f"{row.pattern}", fontsize=8, fontweight="bold", transform=ax.transAxes)
        ax.text(
            0.06,
            yi,
            shorten(row.claim, CLAIM_WIDTH),
            fontsize=8,
            transform=ax.transAxes,
        )
        ax.text(0.80, yi, f"{row.measured:.3g}", fontsize=8, transform=ax.transAxes)
        ax.text(0.92, yi, mark, fontsize=8, color=colour, fontweight="bold", transform=ax.transAxes)
