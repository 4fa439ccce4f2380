"""Global sensitivity analysis with SALib: which levers move which outcomes, and how much.

Sobol indices split an outcome's variance among the levers: S1 is what a lever does alone,
ST what it does alone and in concert with the others (ST well above S1 means the lever
matters through interactions). Morris screening is the cheap first look: mu* is the mean
size of a lever's effect over one step of its range, sigma its spread (large sigma: the
effect depends on the other levers, or is not linear). Both run through the sweep engine,
so an analysis stopped half way resumes like any sweep. Replicates of one point are
averaged first: the indices are about the levers, not about one seed's luck.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from stakhanov_sim.experiments.design import MORRIS_LEVELS, design_seed, raw_sample, salib_problem
from stakhanov_sim.experiments.outcomes import OUTCOMES, all_finite, label
from stakhanov_sim.experiments.results import atomic_write
from stakhanov_sim.experiments.sweep import Sweep, SweepReport, load_runs, load_sweep, run_sweep
from stakhanov_sim.figures.plots import DPI, OKABE_ITO

Method = Literal["sobol", "morris"]
METHODS: tuple[Method, ...] = ("sobol", "morris")
RESAMPLES = 200  # bootstrap resamples behind each confidence interval
CONF_LEVEL = 0.95
INDEX_COLUMNS = {
    "sobol": ["S1", "S1_conf", "ST", "ST_conf"],
    "morris": ["mu", "mu_star", "mu_star_conf", "sigma"],
}
BAR_HEIGHT = 0.38
FIGURE_WIDTH_IN = 7.5
ROW_HEIGHT_IN = 0.55
FIGURE_MARGIN_IN = 1.8  # title, axis label and the legend below the axes
INDICES_CSV = "indices.csv"
INDICES_MD = "indices.md"
FIGURES = "figures"


@dataclass(frozen=True)
class SensitivityReport:
    """What a sensitivity analysis wrote, and the sweep behind it."""

    sweep: SweepReport
    indices: pd.DataFrame
    files: list[Path]


def load_analysis(path: str | os.PathLike, method: Method) -> Sweep:
    """The sweep file with its design replaced by the method's own sample (SALib's)."""
    return load_sweep(path, design=method)


def run_sensitivity(
    sweep: Sweep,
    out: str | os.PathLike,
    executor: Executor,
    progress: bool = True,
    batch: int | None = None,
) -> SensitivityReport:
    """Run (or resume) the method's sample, then analyse and write tables and figures
    (``batch``: a point's replicates run together, ``sweep.run_sweep``)."""
    out = Path(out)
    sweep_report = run_sweep(sweep, out, executor, progress, batch)
    indices = analyse(sweep, load_runs(out, sweep.spec.outcomes))  # files checked first
    files = write_tables(indices, sweep, out)
    files += [
        plot_indices(indices[indices["outcome"] == name], sweep, out / FIGURES)
        for name in sweep.spec.outcomes
    ]
    return SensitivityReport(sweep_report, indices, files)


def analyse(sweep: Sweep, runs: pd.DataFrame) -> pd.DataFrame:
    """Indices of every parameter for every outcome: one row per (outcome, parameter)."""
    method = sweep.spec.design
    problem = salib_problem(sweep.spec.parameters)
    by_point = runs.groupby("point")[list(sweep.spec.outcomes)].mean().sort_index()
    if len(by_point) != len(sweep.design):
        raise ValueError(f"{len(by_point)} of {len(sweep.design)} points finished")
    frames = []
    for name in sweep.spec.outcomes:
        y = by_point[name].to_numpy(dtype=float)
        values = _indices(method, problem, raw_sample(sweep.spec, sweep.seed), y, sweep.seed)
        frame = pd.DataFrame(values, index=problem["names"]).rename_axis("parameter")
        frames.append(frame.reset_index().assign(outcome=name, note=_note(y)))
    table = pd.concat(frames, ignore_index=True)
    return table[["outcome", "parameter", *INDEX_COLUMNS[method], "note"]]


def _note(y: np.ndarray) -> str:
    if not all_finite(y):
        return "outcome undefined for some points; not analysed"
    return "outcome did not vary; every index is zero" if np.ptp(y) == 0 else ""


def _indices(method: Method, problem: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
    """SALib's indices, or zeros/NaN when the outcome cannot be analysed (no variance)."""
    columns = INDEX_COLUMNS[method]
    if not all_finite(y):
        return {c: np.full(problem["num_vars"], np.nan) for c in columns}
    if np.ptp(y) == 0:  # SALib would divide by a zero variance
        return {c: np.zeros(problem["num_vars"]) for c in columns}
    common = {"num_resamples": RESAMPLES, "conf_level": CONF_LEVEL, "seed": design_seed(seed)}
    if method == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=False, **common)
    else:
        from SALib.analyze import morris

        result = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, **common)
    return {c: np.asarray(result[c], dtype=float) for c in columns}


def write_tables(indices: pd.DataFrame, sweep: Sweep, out: Path) -> list[Path]:
    """indices.csv (for programs) and indices.md (for people)."""
    csv_path, md_path = out / INDICES_CSV, out / INDICES_MD
    atomic_write(csv_path, lambda tmp: indices.to_csv(tmp, index=False))
    atomic_write(md_path, lambda tmp: Path(tmp).write_text(_markdown(indices, sweep)))
    return [csv_path, md_path]


def _markdown(indices: pd.DataFrame, sweep: Sweep) -> str:
    method = sweep.spec.design
    spec = sweep.spec
    lines = [
        f"# {method.capitalize()} sensitivity indices",
        "",
        f"Sweep file `{sweep.path}`: {len(sweep.design)} points x {spec.replicates} replicates"
        f" = {sweep.n_runs} runs, seed {sweep.seed}; replicates averaged per point;"
        f" {CONF_LEVEL:.0%} confidence intervals from {RESAMPLES} bootstrap resamples.",
        "",
        _method_note(method),
    ]
    for name, group in indices.groupby("outcome", sort=False):
        lines += ["", f"## {label(name)}", ""]
        columns = ["parameter", *INDEX_COLUMNS[method]]
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for row in group.itertuples(index=False):
            cells = [row.parameter] + [f"{getattr(row, c):.3g}" for c in columns[1:]]
            lines.append("| " + " | ".join(cells) + " |")
        if note := group["note"].iloc[0]:
            lines += ["", f"Note: {note}."]
    return "\n".join(lines) + "\n"


def _method_note(method: Method) -> str:
    if method == "sobol":
        return (
            "S1: share of the outcome's variance due to the parameter alone; ST: alone and"
            " through interactions. ST well above S1 means the parameter acts in concert."
            " Small samples give noisy estimates (indices may stray outside 0..1 and the"
            " intervals overlap): double `samples` until the ranking is stable."
        )
    return (
        "mu*: mean absolute elementary effect, the change in the outcome (in its unit)"
        " across the parameter's whole range, as SALib scales it; mu: the same with its sign;"
        " sigma: spread of the effects (non-linearity or interaction)."
    )


def plot_indices(indices: pd.DataFrame, sweep: Sweep, outdir: Path) -> Path:
    """Horizontal bars per parameter: S1 and ST (Sobol) or mu* and sigma (Morris)."""
    method = sweep.spec.design
    outcome = indices["outcome"].iloc[0]
    n = len(indices)
    figure = Figure(
        figsize=(FIGURE_WIDTH_IN, FIGURE_MARGIN_IN + ROW_HEIGHT_IN * n), layout="constrained"
    )
    ax = figure.add_subplot()
    rows = np.arange(n)
    bars = _bars(method, outcome)
    for k, (column, conf, legend, colour) in enumerate(bars):
        error = indices[conf].to_numpy() if conf else None
        ax.barh(
            rows + (k - 0.5) * BAR_HEIGHT,
            indices[column].to_numpy(),
            height=BAR_HEIGHT,
            xerr=error,
            color=colour,
            hatch="" if k == 0 else "//",
            edgecolor="white",
            error_kw={"ecolor": "black", "capsize": 3, "linewidth": 1},
            label=legend,
        )
    ax.set_yticks(rows, indices["parameter"].tolist())
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(_x_label(method, outcome))
    ax.set_ylabel("parameter (scenario key)")
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    ax.set_title(_title(method, outcome, sweep), fontsize=10)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{method}_{outcome}.png"
    atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=DPI, format="png"))
    return path


def _bars(method: Method, outcome: str) -> list[tuple[str, str | None, str, str]]:
    """(column, its confidence column, legend text, colour) of each bar series."""
    ci = f"{CONF_LEVEL:.0%} CI"
    if method == "sobol":
        return [
            ("S1", "S1_conf", f"S1, first order (alone), {ci}", OKABE_ITO[0]),
            ("ST", "ST_conf", f"ST, total order (with interactions), {ci}", OKABE_ITO[1]),
        ]
    return [
        ("mu_star", "mu_star_conf", f"mu*, mean |elementary effect|, {ci}", OKABE_ITO[0]),
        ("sigma", None, "sigma, spread of elementary effects", OKABE_ITO[1]),
    ]


def _x_label(method: Method, outcome: str) -> str:
    if method == "sobol":
        return "sensitivity index (share of variance, 0..1)"
    return f"change in {outcome}\n({OUTCOMES[outcome].unit}) over a parameter's whole range"


def _title(method: Method, outcome: str, sweep: Sweep) -> str:
    kind = "Sobol indices" if method == "sobol" else "Morris screening"
    return (
        f"{kind} for {outcome}\n{len(sweep.design)} points x {sweep.spec.replicates}"
        f" replicates ({sweep.path.name})"
    )
