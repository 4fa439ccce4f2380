"""Live charts of the classroom app, drawn from the model's DataCollector after every step.

Each chart is one question a class asks while the mine runs: is the mine making its plan,
how many Stakhanovites are there, who earns what, are the others turning on them, is the
mine running short of props and wagons. They read ``model.datacollector`` under the column
names of ``results.MODEL_COLUMNS`` and are drawn large enough to read on a projector, in
the project's colour-blind-safe palette with distinct line styles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import solara
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from stakhanov_sim.figures.plots import OKABE_ITO, REFERENCE_COLOUR

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

BLUE, VERMILLION, GREEN, ORANGE = OKABE_ITO[:4]
FIGURE_SIZE_IN = (7.2, 3.9)
FIGURE_DPI = 100
PROJECTOR_STYLE = {  # read from the back of a classroom
    "font.size": 13,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "legend.fontsize": 12,
    "lines.linewidth": 2.4,
    "axes.grid": True,
    "grid.color": "0.88",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
POLICY_LINE = {"color": "0.55", "linestyle": ":", "linewidth": 1.2}
MIN_SPAN = pd.Timedelta(days=30)  # the calendar axis starts a month wide, then grows with the run
WAITING_TEXT = "Press Step or Play to work the shifts"


def model_table(model: MineModel) -> pd.DataFrame:
    """The shifts worked so far (one row each), indexed by date."""
    table = model.datacollector.get_model_vars_dataframe()
    if table.empty:
        return table
    return table.set_index(pd.to_datetime(table["date"]))


def policy_dates(model: MineModel) -> list[pd.Timestamp]:
    """Dates of the policy events that have taken effect so far."""
    return [
        pd.Timestamp(model.dates[shift])
        for shift, event, *_ in model.events.rows
        if event == "policy" and shift < len(model.dates)
    ]


def _figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=FIGURE_DPI, layout="constrained")
    ax = figure.add_subplot()
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("date (one point per working shift)")
    return figure, ax


def _finish(
    ax: Axes, model: MineModel, table: pd.DataFrame, legend_loc: str = "upper left"
) -> None:
    """Calendar axis, policy-event lines, legend; a hint while nothing has been worked."""
    if table.empty:
        ax.text(
            0.5, 0.5, WAITING_TEXT, transform=ax.transAxes, ha="center", va="center", color="0.35"
        )
        ax.set_xticks([])
        return
    start = pd.Timestamp(model.dates[0])
    ax.set_xlim(start, max(table.index[-1], start + MIN_SPAN))
    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    for date in policy_dates(model):
        ax.axvline(date, **POLICY_LINE)
    ax.plot([], [], label="policy event", **POLICY_LINE)
    ax.legend(loc=legend_loc, framealpha=0.85)


def draw_output(model: MineModel) -> Figure:
    """Coal cut each shift against the trust's plan."""
    table = model_table(model)
    figure, ax = _figure("Coal output against the plan", "tons per shift")
    if not table.empty:
        ax.plot(table.index, table["output_tons"], color=BLUE, label="output")
        ax.plot(table.index, table["plan_tons"], color=REFERENCE_COLOUR, linestyle=(0, (2, 1.5)), label="plan")  # fmt: skip
        ax.set_ylim(bottom=0)
    _finish(ax, model, table, "lower left")
    return figure


def draw_stakhanovites(model: MineModel) -> Figure:
    """The movement's size: the share of hewers holding the Stakhanovite title."""
    table = model_table(model)
    figure, ax = _figure("Stakhanovites", "% of hewers")
    if not table.empty:
        ax.plot(
            table.index, 100 * table["share_stakhanovites"], color=ORANGE, label="Stakhanovites"
        )
        ax.set_ylim(0, max(10.0, 110 * float(table["share_stakhanovites"].max())))
    _finish(ax, model, table)
    return figure


def draw_wages(model: MineModel) -> Figure:
    """What the title paid: Stakhanovites' mean wage against everyone else's."""
    table = model_table(model)
    figure, ax = _figure("Wages by group", "rubles per shift (mean)")
    if not table.empty:
        ax.plot(table.index, table["mean_wage_stakhanovite"], color=ORANGE, label="Stakhanovites")
        ax.plot(
            table.index, table["mean_wage_other"], color=BLUE, linestyle="--", label="other miners"
        )
        ax.set_ylim(bottom=0)
    _finish(ax, model, table)
    return figure


def draw_resentment(model: MineModel) -> Figure:
    """The backlash: mean resentment (left axis) and sanctions against rate-busters (right)."""
    table = model_table(model)
    figure, ax = _figure("Resentment and sanctions", "mean resentment (0-1)")
    if not table.empty:
        ax.plot(table.index, table["mean_resentment"], color=VERMILLION, label="mean resentment")
        ax.set_ylim(0, max(0.2, 1.15 * float(table["mean_resentment"].max())))
        counts = ax.twinx()
        counts.fill_between(table.index, 0, table["sanctions"], step="mid", color=BLUE, alpha=0.55, linewidth=0)  # fmt: skip
        counts.set_ylabel("sanctions per shift")
        counts.set_ylim(0, max(3.0, 1.3 * float(np.nanmax(table["sanctions"]))))
        counts.grid(False)
        counts.spines["right"].set_visible(True)
        ax.fill_between([], [], color=BLUE, alpha=0.55, linewidth=0, label="sanctions (right axis)")
    _finish(ax, model, table)
    return figure


def draw_supply(model: MineModel) -> Figure:
    """Shortages: the share of what the faces needed that supplies did not cover."""
    table = model_table(model)
    figure, ax = _figure("Supply shortfall", "% of need not delivered")
    if not table.empty:
        ax.plot(table.index, 100 * table["supply_shortfall"], color=GREEN, label="supply shortfall")
        ax.set_ylim(0, max(10.0, 110 * float(table["supply_shortfall"].max())))
    _finish(ax, model, table)
    return figure


@solara.component
def LiveFigure(model: MineModel, draw: Callable[[MineModel], Figure]):
    """``draw(model)`` as a picture, drawn again after every step or reset."""
    update_counter.get()
    with rc_context(PROJECTOR_STYLE):
        figure = draw(model)
    solara.FigureMatplotlib(
        figure, format="png", dependencies=[model, model.steps, update_counter.value]
    )


@solara.component
def OutputChart(model: MineModel):
    LiveFigure(model, draw_output)


@solara.component
def StakhanoviteChart(model: MineModel):
    LiveFigure(model, draw_stakhanovites)


@solara.component
def WageChart(model: MineModel):
    LiveFigure(model, draw_wages)


@solara.component
def ResentmentChart(model: MineModel):
    LiveFigure(model, draw_resentment)


@solara.component
def SupplyChart(model: MineModel):
    LiveFigure(model, draw_supply)


CHARTS = (OutputChart, StakhanoviteChart, WageChart, ResentmentChart, SupplyChart)
