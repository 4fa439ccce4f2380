"""Figures of a run or an ensemble, and of several scenarios side by side.

Plots read results; they never run a model. Series are drawn against the calendar under a
strip labelling the campaign's policy events, so a reader sees what followed the record, the
conference, the norm revision and the purges. An ensemble is drawn as its mean with a shaded
95% band (Student t, as in the tables: with 3-5 replicates 1.96 standard errors would be far
too narrow): one seed's path is one draw among many, and its wiggles are not findings. The
CLI's figures and the notebooks' share one look (``STYLE``, ``use_style``). Figures
are ``Figure`` objects saved through Agg (no pyplot, no global state, nothing left open), in
the Okabe-Ito palette with varied line styles, so colour-blind readers and greyscale prints
can tell the lines apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from scipy import stats

from stakhanov_sim.experiments.results import atomic_write

if TYPE_CHECKING:
    from stakhanov_sim.experiments.results import Results

ROLLING_SHIFTS = 20  # about a month of working shifts: shift-by-shift output is too noisy
CONFIDENCE = 0.95  # two-sided, with Student's t on (replicates - 1) degrees of freedom
DPI = 150
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
LINE_STYLES = ("-", "--", "-.", (0, (6, 1.5, 1, 1.5, 1, 1.5)), (0, (10, 3)), (0, (3, 1, 1, 1)))
REFERENCE_STYLE = ":"  # kept out of LINE_STYLES: a dotted line is always a reference (plan)
REFERENCE_COLOUR = "#000000"
LINE_WIDTH = 1.6
BAND_ALPHA = 0.22
LEGEND_FONT_SIZE = 7.5
LEGEND_FRAME_ALPHA = 0.85  # a legend over a line must not hide it entirely
GRID_STYLE = {"color": "0.9", "linewidth": 0.6}
HEADROOM = 0.1  # share of the y range left free above the data, so legends sit clear of it
POLICY_EVENT = "policy"
POLICY_COLOUR = "0.4"
POLICY_LINE_WIDTH = 0.7
POLICY_FONT_SIZE = 7
CHAR_WIDTH_EM = 0.6  # a generous mean glyph width, to keep packed labels apart
POINTS_PER_INCH = 72
AXES_MARGIN_IN = 1.3  # figure width an axes loses to its tick labels and y label
STRIP_ROW_IN = 0.17  # height of one row of policy labels
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1}  # hides lines behind a label
PANEL_SIZE_IN = (8.0, 2.6)  # width and height of one panel of a theme figure
TITLE_HEIGHT_IN = 0.5
OVERVIEW_PANEL_SIZE_IN = (5.5, 2.5)  # two columns of three: about a landscape page
OVERVIEW_COLUMNS = 2
OVERVIEW_FILE = "overview.png"
STYLE = {  # the one look of every figure, CLI and notebooks alike (``use_style``)
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "font.size": 9,
    "axes.titlesize": "medium",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.grid": True,
    "grid.color": GRID_STYLE["color"],
    "grid.linewidth": GRID_STYLE["linewidth"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO[:6]), linestyle=list(LINE_STYLES)),
    "lines.linewidth": LINE_WIDTH,
    "legend.fontsize": LEGEND_FONT_SIZE,
    "legend.framealpha": LEGEND_FRAME_ALPHA,
    "figure.constrained_layout.use": True,
}
COMPARE_OVERVIEW_FILE = "compare_overview.png"


def use_style() -> None:
    """Give pyplot (the notebooks' figures) the look of the CLI's figures."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)


@dataclass(frozen=True)
class Series:
    """One column of the model table and its name in a legend."""

    column: str
    label: str


@dataclass(frozen=True)
class Panel:
    """One axes of series sharing a unit.

    ``rolling`` smooths each replicate over the window ("mean" for noisy flows, "max" to keep
    records visible; ``None`` for stocks such as norms and head counts, whose steps matter);
    ``cumulative`` turns counts of incidents into running totals.
    """

    title: str
    unit: str
    series: tuple[Series, ...]
    rolling: str | None = "mean"
    cumulative: bool = False


S = Series
OUTPUT = Panel("Coal output against the plan", "tons per shift",
               (S("output_tons", "Output"), S("plan_tons", "Plan")))  # fmt: skip
NORM = Panel("Mean hewer norm", "tons per shift", (S("norm_tons", "Mean norm"),), rolling=None)
MEETING_NORM = Panel("Hewers meeting their norm", "share of hewers",
                     (S("share_meeting_norm", "Meeting the norm"),))  # fmt: skip
STAKHANOVITES = Panel("Stakhanovites", "miners", (S("n_stakhanovites", "Stakhanovites"),),
                      rolling=None)  # fmt: skip
STAKHANOVITE_SHARE = Panel("Share of Stakhanovites", "share of hewers",
                           (S("share_stakhanovites", "Stakhanovites"),), rolling=None)  # fmt: skip
BEST_FULFILMENT = Panel("Best single-shift fulfilment", "norms (output / norm)",
                        (S("max_fulfilment", "Best hewer"),), rolling="max")  # fmt: skip
WAGES = Panel("Mean wage", "rubles per shift",
              (S("mean_wage_stakhanovite", "Stakhanovites"), S("mean_wage_other", "Other miners"),
               S("mean_wage_rubles", "All miners")))  # fmt: skip
GINI = Panel("Wage inequality", "Gini coefficient (0-1)", (S("wage_gini", "Wage Gini"),))
RESENTMENT = Panel("Mean resentment", "resentment (0-1)", (S("mean_resentment", "Resentment"),))
SANCTIONS = Panel("Sanctions against rate-busters", "incidents per shift",
                  (S("sanctions", "Sanctions"),))  # fmt: skip
SHORTAGES = Panel("Supply shortfall and equipment downtime", "share (0-1)",
                  (S("supply_shortfall", "Supply shortfall (share of need)"),
                   S("equipment_downtime", "Equipment downtime (share of time)")))  # fmt: skip
SUPPLY = Panel("Supply shortfall", "share of need unmet (0-1)",
               (S("supply_shortfall", "Shortfall"),))  # fmt: skip
FOOT_DRAGGING = Panel("Foremen's foot-dragging", "acts since the start (cumulative)",
                      (S("sabotage_acts", "Foot-dragging (refused records and favours)"),),
                      rolling=None, cumulative=True)  # fmt: skip
BLAME = Panel("Blame: managers accused and removed", "people since the start (cumulative)",
              (S("accusations", "Accused of sabotage or wrecking"),
               S("staff_replaced", "Removed and replaced")), rolling=None, cumulative=True)  # fmt: skip
HEWER_WAGES = Panel("Hewers' mean wage", "rubles per shift",
                    (S("mean_wage_hewer", "All hewers"),
                     S("mean_wage_ordinary_hewer", "Hewers without the title")))  # fmt: skip
NEW_METHODS = Panel("Hewers working the new way", "share of hewers",
                    (S("share_new_methods", "New methods"),), rolling=None)  # fmt: skip
REPORTED = Panel("Reported and real output", "tons per shift",
                 (S("output_tons", "Cut (real)"), S("reported_output_tons", "Reported to the trust"),
                  S("plan_tons", "Plan")))  # fmt: skip
ACCIDENTS = Panel("Accidents at the face", "miners since the start (cumulative)",
                  (S("accidents", "Injured or killed"), S("fatal_accidents", "Killed")),
                  rolling=None, cumulative=True)  # fmt: skip
BLAME_SOURCES = Panel("Where accusations came from", "people accused since the start (cumulative)",
                      (S("accusations_from_above", "From above (missed plan)"),
                       S("accusations_after_accidents", "After a fatal accident (trial)"),
                       S("accusations_from_below", "From below (denounced)")),
                      rolling=None, cumulative=True)  # fmt: skip
ARRESTS = Panel("Ordinary miners arrested in the mass operations", "miners since the start (cumulative)",
                (S("arrests", "Arrested (Order 00447)"),), rolling=None, cumulative=True)  # fmt: skip

THEMES: dict[str, tuple[str, tuple[Panel, ...]]] = {
    "output_vs_plan": ("Output against the plan", (OUTPUT,)),
    "norms": ("Output norms", (NORM, MEETING_NORM)),
    "stakhanovites": ("The Stakhanovites", (STAKHANOVITES, STAKHANOVITE_SHARE, BEST_FULFILMENT)),
    "wages": ("Wages and their inequality", (WAGES, HEWER_WAGES, GINI)),
    "rise_and_fall": ("The rise and the fall: new methods and reported output",
                      (NEW_METHODS, REPORTED)),
    "accidents": ("Accidents at the face", (ACCIDENTS,)),
    "blame": ("Blame: from above, after accidents, from below; and the arrests",
              (BLAME, BLAME_SOURCES, ARRESTS)),
    "resentment": ("Resentment and sanctions", (RESENTMENT, SANCTIONS)),
    "management": ("Supplies, equipment, foot-dragging and blame",
                   (SHORTAGES, FOOT_DRAGGING, BLAME)),
}  # fmt: skip
OVERVIEW = (OUTPUT, NORM, STAKHANOVITE_SHARE, WAGES, RESENTMENT, SHORTAGES, SANCTIONS, BLAME)
COMPARED = {p.series[0].column: p for p in (OUTPUT, STAKHANOVITE_SHARE, GINI, RESENTMENT,
                                             SANCTIONS, SUPPLY)}  # fmt: skip


@dataclass(frozen=True)
class Curve:
    """A line ready to draw: the ensemble band (``ensemble_band``) and how it looks."""

    band: pd.DataFrame
    label: str
    colour: str
    style: object


CurveMaker = Callable[[Panel, int], list[Curve]]


def shift_dates(model: pd.DataFrame) -> pd.Series:
    """The calendar position of each shift, indexed by shift number.

    Several shifts of one working day share a date; they are spread evenly over that day so
    a line drawn against dates never doubles back on itself.
    """
    days = pd.to_datetime(model.groupby("shift")["date"].first()).sort_index()
    nth = days.groupby(days).cumcount()
    per_day = days.groupby(days).transform("size")
    return days + pd.to_timedelta(nth / per_day, unit="D")


def ensemble_band(
    model: pd.DataFrame,
    column: str,
    window: int = 1,
    cumulative: bool = False,
    rolling: str = "mean",
) -> pd.DataFrame:
    """Mean across replicates of one model column, with a 95% confidence band of that mean.

    Each replicate is first turned into a running total (``cumulative``) and smoothed with a
    centred rolling ``rolling`` ("mean" or "max") over ``window`` shifts; then the band is
    mean ± t(0.975, n - 1) standard errors across the n replicates holding a value (Student
    t, as in the tables). With one replicate (or where fewer than two
    hold a value, as for the Stakhanovites' wage before the first title) the band is NaN and
    only the mean is drawn.

    Returns:
        One row per shift: ``date``, ``mean``, ``lo``, ``hi`` and ``runs`` (replicates with a
        value).
    """
    wide = model.pivot(index="shift", columns="replicate", values=column).astype(float)
    if cumulative:
        wide = wide.cumsum()
    if window > 1:  # smoothed, but left undefined where the value is (no Stakhanovites yet)
        rolled = getattr(wide.rolling(window, center=True, min_periods=1), rolling)()
        wide = rolled.where(wide.notna())
    runs = wide.notna().sum(axis=1)
    mean = wide.mean(axis=1)
    enough = runs.where(runs > 1)
    t_quantile = stats.t.ppf(0.5 + CONFIDENCE / 2, enough - 1)
    half_width = t_quantile * wide.std(axis=1) / np.sqrt(enough)
    band = {"mean": mean, "lo": mean - half_width, "hi": mean + half_width, "runs": runs}
    dates = shift_dates(model).reindex(wide.index)
    return pd.DataFrame({"date": dates, **band}).reset_index(drop=True)


def policy_events(events: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """The historical policy events within the model's dates, once each (by date and label)."""
    if events is None or events.empty or "event" not in events.columns:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "label": []})
    rows = events.loc[events["event"] == POLICY_EVENT]
    rows = pd.DataFrame({"date": pd.to_datetime(rows["date"]), "label": rows["detail"].astype(str)})
    dates = pd.to_datetime(model["date"])
    rows = rows[rows["date"].between(dates.min(), dates.max())]
    return rows.drop_duplicates().sort_values("date").reset_index(drop=True)


def plot_all(results: Results, outdir: str | Path, smooth_shifts: int | None = None) -> list[Path]:
    """Write the overview dashboard and one figure per theme into ``outdir``.

    Args:
        results: a run or an ensemble (replicates are averaged, with a 95% band).
        outdir: folder for the PNG files; created if missing.
        smooth_shifts: rolling window in shifts for noisy series (output, wages,
            resentment); ``None`` means about a month (``ROLLING_SHIFTS``), 1 means none.

    Returns:
        The paths written: ``overview.png`` first, then one per key of ``THEMES``.
    """
    out = _prepare(outdir, [results])
    window = ROLLING_SHIFTS if smooth_shifts is None else smooth_shifts
    curves = partial(_series_curves, results.model)
    policy = policy_events(results.events, results.model)
    overview = _figure(curves, policy, "Overview of the mine", OVERVIEW, window, OVERVIEW_COLUMNS)
    paths = [_save(overview, out / OVERVIEW_FILE)]
    for stem, (title, panels) in THEMES.items():
        figure = _figure(curves, policy, title, panels, window)
        paths.append(_save(figure, out / f"{stem}.png"))
    return paths


def plot_compare(
    named_results: dict[str, Results], outdir: str | Path, smooth_shifts: int | None = None
) -> list[Path]:
    """Draw several scenarios on shared axes, one colour and line style per scenario.

    Scenario ``i`` in the order of ``named_results`` has the same colour in every figure, so
    a reader learns the key once. The plan is dotted; if it is the same in all scenarios it is
    drawn once, in black.

    Args:
        named_results: scenario name -> its results (each a run or an ensemble).
        outdir: folder for the PNG files; created if missing.
        smooth_shifts: as in :func:`plot_all`.

    Returns:
        ``compare_overview.png``, then ``compare_<column>.png`` for each key of ``COMPARED``.
    """
    out = _prepare(outdir, named_results.values())
    window = ROLLING_SHIFTS if smooth_shifts is None else smooth_shifts
    curves = partial(_scenario_curves, named_results)
    frames = [policy_events(r.events, r.model) for r in named_results.values()]
    policy = pd.concat(frames).drop_duplicates().sort_values("date").reset_index(drop=True)
    title = "Scenarios compared: " + ", ".join(named_results)
    panels = tuple(COMPARED.values())
    overview = _figure(curves, policy, title, panels, window, OVERVIEW_COLUMNS, True)
    paths = [_save(overview, out / COMPARE_OVERVIEW_FILE)]
    for column, panel in COMPARED.items():
        title = f"{panel.title}: " + ", ".join(named_results)
        figure = _figure(curves, policy, title, (panel,), window)
        paths.append(_save(figure, out / f"compare_{column}.png"))
    return paths


def _prepare(outdir: str | Path, runs: Iterable[Results]) -> Path:
    if any(results.model.empty for results in runs):
        raise ValueError("results.model has no rows: there is nothing to plot")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _save(figure: Figure, path: Path) -> Path:
    """Write the PNG under a temporary name, then rename: no half-drawn figure on disk."""
    atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=DPI, format="png"))
    return path


def _figure(
    curves: CurveMaker,
    policy: pd.DataFrame,
    title: str,
    panels: tuple[Panel, ...],
    window: int,
    columns: int = 1,
    shared_legend: bool = False,
) -> Figure:
    """Panels on one date axis (per column) under a strip of policy labels.

    One column makes a theme figure; more make a one-page dashboard of small panels. With
    ``shared_legend`` (scenarios: the same key in every panel) one legend below serves all.
    """
    with rc_context(STYLE):
        return _draw_figure(curves, policy, title, panels, window, columns, shared_legend)


def _draw_figure(
    curves: CurveMaker,
    policy: pd.DataFrame,
    title: str,
    panels: tuple[Panel, ...],
    window: int,
    columns: int,
    shared_legend: bool,
) -> Figure:
    rows = -(-len(panels) // columns)
    panel_width, panel_height = PANEL_SIZE_IN if columns == 1 else OVERVIEW_PANEL_SIZE_IN
    figure = Figure(layout="constrained")
    grid = figure.subplots(rows + 1, columns, sharex=True, squeeze=False)
    axes = grid[1:].ravel()
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, panel, curves(panel, window), window, policy, not shared_legend)
    for ax in grid[-1]:
        ax.set_xlabel("date")
    if len(panels) == 1:
        axes[0].set_title("", loc="left")  # the figure's title says it
    label_width = panel_width - AXES_MARGIN_IN
    strip_height = max(_draw_policy_strip(s, policy, label_width) for s in grid[0]) * STRIP_ROW_IN
    grid[0, 0].get_gridspec().set_height_ratios([strip_height] + [panel_height] * rows)
    height = strip_height + panel_height * rows + TITLE_HEIGHT_IN
    figure.set_size_inches(panel_width * columns, height)
    if shared_legend:
        handles, labels = _legend_entries(axes[0], curves(panels[0], window))
        figure.legend(handles, labels, loc="outside lower center", ncols=len(labels),
                      fontsize=LEGEND_FONT_SIZE)  # fmt: skip
    figure.suptitle(title, fontweight="bold")
    return figure


def _series_curves(model: pd.DataFrame, panel: Panel, window: int) -> list[Curve]:
    """One curve per series of the panel, for one run or ensemble."""
    return [
        Curve(_band(model, panel, s.column, window), s.label, *_look(i))
        for i, s in enumerate(panel.series)
    ]


def _scenario_curves(runs: dict[str, Results], panel: Panel, window: int) -> list[Curve]:
    """One curve per scenario for the panel's first series; later series are references."""
    main, *references = panel.series
    curves = [
        Curve(_band(r.model, panel, main.column, window), name, *_look(i))
        for i, (name, r) in enumerate(runs.items())
    ]
    for series in references:
        curves += _reference_curves(runs, panel, series, window)
    return curves


def _reference_curves(
    runs: dict[str, Results], panel: Panel, series: Series, window: int
) -> list[Curve]:
    """Dotted references (the plan) per scenario, or one black line when all agree."""
    bands = {name: _band(r.model, panel, series.column, window) for name, r in runs.items()}
    first = next(iter(bands.values()))
    if all(
        first["date"].equals(b["date"]) and first["mean"].equals(b["mean"]) for b in bands.values()
    ):
        return [Curve(first, f"{series.label} (all scenarios)", REFERENCE_COLOUR, REFERENCE_STYLE)]
    return [
        Curve(band, f"{name}: {series.label}", _look(i)[0], REFERENCE_STYLE)
        for i, (name, band) in enumerate(bands.items())
    ]


def _band(model: pd.DataFrame, panel: Panel, column: str, window: int) -> pd.DataFrame:
    smooth = window if panel.rolling else 1
    return ensemble_band(model, column, smooth, panel.cumulative, panel.rolling or "mean")


def _look(index: int) -> tuple[str, object]:
    """Colour and line style of the ``index``-th line: both vary, for greyscale prints."""
    return OKABE_ITO[index % len(OKABE_ITO)], LINE_STYLES[index % len(LINE_STYLES)]


def _draw_panel(
    ax: Axes, panel: Panel, curves: list[Curve], window: int, policy: pd.DataFrame, legend: bool
) -> None:
    """Draw the curves, policy event lines, axis labels with units and (maybe) a legend."""
    for curve in curves:
        _draw_curve(ax, curve)
    if len(policy):  # one collection for all events' lines: a line each cost a tenth of a figure
        ax.vlines(policy["date"].to_numpy(), 0, 1, transform=ax.get_xaxis_transform(),
                  colors=POLICY_COLOUR, linewidth=POLICY_LINE_WIDTH, zorder=1)  # fmt: skip
    ax.set_title(panel.title, loc="left", fontsize="medium")
    smoothed = panel.rolling and window > 1
    ax.set_ylabel(
        f"{panel.unit}\n({window}-shift rolling {panel.rolling})" if smoothed else panel.unit
    )
    ax.set_ylim(0, ax.get_ylim()[1] * (1 + HEADROOM))
    ax.grid(True, **GRID_STYLE)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if legend:
        handles, labels = _legend_entries(ax, curves)
        ax.legend(handles, labels, fontsize=LEGEND_FONT_SIZE, loc="best",
                  framealpha=LEGEND_FRAME_ALPHA)  # fmt: skip


def _draw_curve(ax: Axes, curve: Curve) -> None:
    band = curve.band
    dates = band["date"].to_numpy()
    ax.plot(dates, band["mean"].to_numpy(), color=curve.colour, linestyle=curve.style,
            linewidth=LINE_WIDTH, label=curve.label)  # fmt: skip
    if band["lo"].notna().any():
        ax.fill_between(dates, band["lo"].to_numpy(), band["hi"].to_numpy(),
                        color=curve.colour, alpha=BAND_ALPHA, linewidth=0)  # fmt: skip


def _legend_entries(ax: Axes, curves: list[Curve]) -> tuple[list, list[str]]:
    """The lines' entries plus, for ensembles, one saying what the shading is."""
    handles, labels = ax.get_legend_handles_labels()
    runs = sorted({int(c.band["runs"].max()) for c in curves if c.band["lo"].notna().any()})
    if runs:
        count = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]}-{runs[-1]}"
        handles.append(Patch(facecolor="0.5", alpha=BAND_ALPHA))
        labels.append(f"95% CI of the mean (Student t), {count} runs")
    return handles, labels


def _draw_policy_strip(strip: Axes, policy: pd.DataFrame, axes_width_in: float) -> int:
    """Label the policy events above the panels, packed into as few rows as never overlap.

    Returns:
        The number of label rows used (at least one, so the layout never collapses).
    """
    strip.set_axis_off()
    start, end = strip.get_xlim()  # shared with the panels, already fitted to the data
    days_per_point = (end - start) / (axes_width_in * POINTS_PER_INCH)
    taken: list[list[tuple[float, float]]] = []
    placed = []
    for date, label in policy[["date", "label"]].itertuples(index=False):
        x = strip.convert_xunits(date)
        width = (len(label) + 2) * POLICY_FONT_SIZE * CHAR_WIDTH_EM * days_per_point
        left = x + width > end  # no room to the right: write it to the left of its line
        span = (x - width, x) if left else (x, x + width)
        row = next((r for r, spans in enumerate(taken) if not _overlaps(span, spans)), None)
        if row is None:
            row = len(taken)
            taken.append([])
        taken[row].append(span)
        placed.append((date, label, row, left))
    for date, label, row, left in placed:
        strip.vlines(date, 0, row + 1, color=POLICY_COLOUR, linewidth=POLICY_LINE_WIDTH)
        strip.text(date, row + 1, f" {label} ", ha="right" if left else "left", va="top",
                   fontsize=POLICY_FONT_SIZE, color=POLICY_COLOUR,
                   bbox=LABEL_BOX)  # fmt: skip
    strip.set_ylim(0, max(len(taken), 1))
    return max(len(taken), 1)


def _overlaps(span: tuple[float, float], spans: list[tuple[float, float]]) -> bool:
    return any(span[0] < other[1] and other[0] < span[1] for other in spans)
