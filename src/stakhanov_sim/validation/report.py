"""``stakhanov-sim validate``: run the ensembles, judge the targets, write the report.

Two ensembles share one seed: the historical scenario and the same mine with no campaign
(its timeline emptied). The report has three sections computed from the table of targets:
calibration fit, held-out validation and consistency checks (``validation/judge.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import shorten

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from stakhanov_sim.experiments.results import Results, atomic_write
from stakhanov_sim.experiments.runner import run, run_and_baseline
from stakhanov_sim.figures.plots import ensemble_band
from stakhanov_sim.scenarios.loading import load_scenario
from stakhanov_sim.validation import judge
from stakhanov_sim.validation.targets import TARGETS, by_key, ensembles_needed

COLOURS = {"history": "#0072B2", "baseline": "#E69F00"}  # Okabe-Ito
TARGET_COLOUR = "#009E73"
MONTH_SHIFTS = 25
RECORD_TICKS = (10, 12, 15, 20, 30, 40, 50, 70, 100, 150, 200, 300)  # norms, labelled
CLAIM_WIDTH = 50  # characters of a pattern's claim that fit beside its verdict


def run_ensembles(
    config: str | Path,
    replicates: int,
    workers: int | None = None,
    overrides: dict | None = None,
    batch: int | None = None,
) -> dict[str, Results]:
    """The ensembles the patterns are measured on (``batch``: ``runner.run``'s). The
    no-campaign baseline, when needed, is ``runner.without_campaign`` of the history, each
    replicate stepped with its history twin of the same seed (``runner.run_and_baseline``)."""
    scenario = load_scenario(config, dict(overrides or {}))
    needed = ensembles_needed(TARGETS)
    if "baseline" not in needed:
        return {"history": run(scenario, replicates, workers=workers, progress=True, batch=batch)}
    history, baseline = run_and_baseline(
        scenario, replicates, workers=workers, progress=True, batch=batch
    )
    return {name: {"history": history, "baseline": baseline}[name] for name in needed}


def validate(
    config: str | Path,
    replicates: int,
    out: str | Path,
    workers: int | None = None,
    overrides: dict | None = None,
    batch: int | None = None,
) -> pd.DataFrame:
    """Run, judge and write ``validation.md``, ``validation.csv`` and ``validation.png``
    (``batch``: replicates run together, ``runner.run``).

    At least ``judge.STABILITY[1]`` replicates are run, so that a verdict that changes
    between 10 and 40 replicates is caught; the means reported use the first ``replicates``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ran = max(replicates, judge.STABILITY[1])
    runs = run_ensembles(config, ran, workers, overrides, batch)
    table = judge.judge(judge.measure(runs, ran), replicates)
    figure = plot_validation(runs, table, out / "validation.png")
    text = report_markdown(table, replicates, figure.name, dt.datetime.now())
    atomic_write(out / "validation.md", lambda p: Path(p).write_text(text))
    atomic_write(out / "validation.csv", lambda p: table.to_csv(p, index=False))
    return table


def plot_validation(runs: dict[str, Results], table: pd.DataFrame, path: Path) -> Path:
    """Four panels: output against baseline and plan, the Stakhanovite share, records, verdicts."""
    fig = Figure(figsize=(12, 8.5), layout="constrained")
    FigureCanvasAgg(fig)  # a canvas that can measure text (``_columns``); PNG is Agg's anyway
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
    share = by_key("share_august_1936")
    _band(
        ax,
        runs,
        "share_stakhanovites",
        "share of hewers",
        f"Stakhanovite share (target: {share.band} in Aug 1936)",
        baseline=False,
    )
    ax.fill_between(
        pd.to_datetime(["1936-08-01", "1936-08-31"]),
        share.low,
        share.high,
        color=TARGET_COLOUR,
        alpha=0.3,
        label="target, Aug 1936",
    )
    ax.legend(loc="upper left")
    _records(axes[1, 0], runs)
    verdicts = _verdicts(axes[1, 1], table)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 0]):
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    fig.suptitle(
        "Validation: does one parameter set reproduce the historical patterns?", fontweight="bold"
    )
    _columns(axes[1, 1], verdicts)  # last: measured on the figure as it will be saved
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
    record = by_key("staged_record")
    ax.axhspan(
        record.low,
        record.high,
        color=TARGET_COLOUR,
        alpha=0.25,
        label=f"staged record target: {record.band} norms",
    )
    ax.set(
        title="Records: best single-shift fulfilment",
        ylabel="norms fulfilled (output / norm)",
        xlabel="date",
        yscale="log",
    )
    low, high = ax.get_ylim()  # labelled ticks down to the target's band, on the log scale
    ax.set_yticks([t for t in RECORD_TICKS if low <= t <= high])
    ax.set_ylim(low, high)
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.legend(loc="center right", fontsize=8)


VERDICT_COLOURS = {
    judge.PASS: "#009E73",
    judge.HOLDS: "#009E73",
    judge.FAIL: "#D55E00",
    judge.BROKEN: "#D55E00",
    judge.WEAK: "#E69F00",
    judge.NOT_MODELLED: "#999999",
}


def _verdicts(ax, table: pd.DataFrame) -> list[list]:
    """The verdicts, grouped by kind as in the report; each target's texts (name, claim,
    value, verdict), to be put in columns by ``_columns`` once the figure is laid out."""
    ax.axis("off")
    ax.set_title("Targets by kind: verdict of the ensemble mean")
    lines = []
    for kind in judge.KINDS:
        lines.append((kind.upper(), None, ""))
        rows = table[table["kind"] == kind]
        lines += [(r.target, r, r.verdict) for r in rows.itertuples()]
    y = np.linspace(0.97, 0.02, len(lines))
    drawn = []
    for yi, (name, row, mark) in zip(y, lines, strict=True):
        texts = [ax.text(0.0, yi, name, fontsize=7, fontweight="bold", transform=ax.transAxes)]
        if row is not None:
            value = "" if np.isnan(row.mean) else f"{row.mean:.3g}"
            texts += [
                ax.text(0.0, yi, shorten(row.claim, CLAIM_WIDTH), fontsize=7, transform=ax.transAxes),
                ax.text(0.0, yi, value, fontsize=7, transform=ax.transAxes),
                ax.text(0.0, yi, mark, fontsize=7, color=VERDICT_COLOURS[mark], transform=ax.transAxes),
            ]  # fmt: skip
        drawn.append(texts)
    return [texts for texts in drawn if len(texts) > 1]


def _columns(ax, rows: list[list], gap: float = 0.02) -> None:
    """Set each column's x where the widest text of the column before it ends, plus ``gap``
    (a share of the axes' width), measured on the figure as laid out."""
    ax.figure.draw_without_rendering()  # the constrained layout sets the axes' final width
    renderer = ax.figure.canvas.get_renderer()
    width = ax.get_window_extent(renderer).width
    x = 0.0
    for column in range(len(rows[0])):
        for texts in rows:
            texts[column].set_x(x)
        widest = max(texts[column].get_window_extent(renderer).width for texts in rows)
        x += widest / width + gap


def report_markdown(table: pd.DataFrame, replicates: int, figure: str | None, when) -> str:
    """validation.md: the summary, then the three sections, with how they were made."""
    few, many = judge.STABILITY
    lines = [
        "# Validation against the historical record",
        "",
        judge.summary(table),
        "",
        f"{replicates} replicates per ensemble (history and the no-campaign baseline); made {when:%Y-%m-%d %H:%M}. "
        f"Each value is the mean over replicates with its {judge.CONFIDENCE:.0%} Student-t interval; the verdict is the mean's. "
        f'"weak": the verdict from the first {few} replicates differs from the verdict from the first {many}. '
        "Only a failed held-out validation target makes `validate` exit non-zero.",
        "",
        judge.sections_markdown(table),
    ]
    if figure:
        lines += [f"![Validation figure]({figure})"]
    return "\n".join(lines) + "\n"
