"""Live charts of the classroom app, as ECharts options built from the model table.

Each chart is one question a class asks while the mine runs: is the mine making its plan,
how many Stakhanovites are there, who earns what, are the others turning on them, is the
mine short of props and wagons, whom does the trust blame. The options are plain data for
ECharts (served offline by ``solara-assets``), which redraws a canvas in a few
milliseconds: fast enough to draw every shift while the run plays. The x axis spans the
whole calendar from the start, so the lines grow left to right and the axis never jumps;
dotted vertical lines mark the campaign's policy events. Okabe-Ito colours with distinct
dash patterns, as in the printed figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets
from solara.components.echarts import EchartsWidget

from stakhanov_sim.figures.plots import OKABE_ITO, REFERENCE_COLOUR

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY = OKABE_ITO[:6]
DATE_FORMAT = "%-d %b %Y"
DIGITS = 3  # values are rounded before they go to the browser: less to send every shift
CHART_HEIGHT_PX = 228
WHAT_IF_HEIGHT_PX = 205  # the What if? tab also holds the table of differences
POLICY_GREY = "#888888"


class LiveChartWidget(EchartsWidget):
    """Solara's ECharts widget, given its option as one JSON string.

    A string is sent as it is and compared in one go; a nested option would be walked value
    by value by the renderer on every shift, which cost more than drawing the chart.
    """

    template_file = (__file__, "live_chart.vue")
    spec = traitlets.Unicode("{}").tag(sync=True)


def LiveChart(option: dict[str, Any], height_px: int = CHART_HEIGHT_PX):
    """One chart, as tall as given and as wide as its column.

    A plain function, not a component: a component's arguments are walked by the renderer,
    and the option's long lists would be walked on every shift.
    """
    return LiveChartWidget.element(
        spec=json.dumps(option, separators=(",", ":")),
        attributes={"style": f"height: {height_px}px; width: 100%;"},
    )


@dataclass(frozen=True)
class Line:
    """One series: its legend name, values (one per shift worked), colour and dash."""

    name: str
    values: Any
    colour: str
    dash: str = "solid"  # "solid", "dashed" or "dotted"
    area: bool = False
    right: bool = False  # on a second y axis, at the right


def date_labels(model: MineModel) -> list[str]:
    """The calendar of the run as axis labels, one per shift."""
    return [day.strftime(DATE_FORMAT) for day in model.dates]


def policy_marks(model: MineModel, labels: list[str]) -> list[tuple[str, str]]:
    """``(axis label, event label)`` for each policy event of the scenario, by date."""
    marks = []
    for event in model.config.campaign.events:
        shift = next((i for i, day in enumerate(model.dates) if day >= event.date), None)
        if shift is not None:
            marks.append((labels[shift], event.label or event.kind))
    return marks


def column(model: MineModel, name: str, scale: float = 1.0, cumulative: bool = False) -> list:
    """One column of the model table so far, rounded, NaN as ``None`` (a gap in the line)."""
    values = np.asarray(model.datacollector.model_vars[name], dtype=float) * scale
    if cumulative:
        values = np.cumsum(np.nan_to_num(values))
    rounded = np.round(values, DIGITS)
    return [None if v != v else v for v in rounded.tolist()]


def chart(
    title: str,
    unit: str,
    labels: list[str],
    lines: list[Line],
    marks: list[tuple[str, str]],
    shown: int,
    y_max: float | None = None,
    right_unit: str | None = None,
) -> dict[str, Any]:
    """An ECharts line chart over the whole calendar; marks shown up to shift ``shown``.

    Lines marked ``right`` go on a second y axis labelled ``right_unit``.
    """
    series = []
    for line in lines:
        series.append(
            {
                "type": "line",
                "name": line.name,
                "data": line.values,
                "showSymbol": False,
                "color": line.colour,
                "lineStyle": {"width": 2.2, "type": line.dash},
                "yAxisIndex": 1 if line.right else 0,
                **({"areaStyle": {"opacity": 0.35}} if line.area else {}),
            }
        )
    seen = set(labels[:shown])
    if series:
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "label": {"show": False},
            "lineStyle": {"color": POLICY_GREY, "type": "dotted", "width": 1},
            "data": [{"xAxis": at, "name": name} for at, name in marks if at in seen],
        }
    y_axes = [_y_axis(unit, y_max)]
    if right_unit is not None:
        y_axes.append({**_y_axis(right_unit, None), "splitLine": {"show": False}})
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "top": 0, "textStyle": {"fontSize": 14}},
        "legend": {"top": 20, "left": 0, "itemWidth": 22, "textStyle": {"fontSize": 12}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 58, "right": 58 if right_unit else 14, "top": 46, "bottom": 26},
        "xAxis": {
            "type": "category",
            "data": labels,
            "boundaryGap": False,
            "axisLabel": {"fontSize": 11},
        },  # fmt: skip
        "yAxis": y_axes,
        "series": series,
    }


def _y_axis(unit: str, y_max: float | None) -> dict[str, Any]:
    axis = {"type": "value", "name": unit, "nameLocation": "middle", "nameGap": 44, "min": 0}
    if y_max is not None:
        axis["max"] = y_max
    return {**axis, "axisLabel": {"fontSize": 11}, "nameTextStyle": {"fontSize": 12}}


def mine_charts(
    model: MineModel, labels: list[str], marks: list, first: int = 6
) -> list[dict[str, Any]]:
    """The ``first`` of six charts of one run: output, Stakhanovites, wages, backlash,
    supply, blame."""
    n = len(model.datacollector.model_vars["shift"])
    makers = _mine_chart_makers(model)[:first]
    return [chart(title, unit, labels, lines(), marks, n, y_max, right) for title, unit, lines, y_max, right in makers]  # fmt: skip


def _mine_chart_makers(model: MineModel) -> list[tuple]:
    """``(title, unit, lines maker, y_max, right unit)`` of each chart: lines are built
    only if the chart is drawn."""

    return [
        ("Coal output against the plan", "tons per shift", lambda: [
            Line("output", column(model, "output_tons"), BLUE),
            Line("plan", column(model, "plan_tons"), REFERENCE_COLOUR, "dashed"),
        ], None, None),
        ("Stakhanovites", "% of hewers", lambda: [
            Line("Stakhanovites", column(model, "share_stakhanovites", 100), ORANGE, area=True),
        ], None, None),
        ("Wages by group", "rubles per shift", lambda: [
            Line("Stakhanovites", column(model, "mean_wage_stakhanovite"), ORANGE),
            Line("other miners", column(model, "mean_wage_other"), BLUE, "dashed"),
        ], None, None),
        ("Resentment and sanctions", "mean resentment (0-1)", lambda: [
            Line("mean resentment", column(model, "mean_resentment"), VERMILLION),
            Line("sanctions since the start (right)", column(model, "sanctions", cumulative=True),
                 BLUE, "dashed", right=True),
        ], None, "sanctions (count)"),
        ("Supply shortfall and downtime", "% (of need / of time)", lambda: [
            Line("supply shortfall", column(model, "supply_shortfall", 100), GREEN),
            Line("equipment downtime", column(model, "equipment_downtime", 100), PURPLE, "dashed"),
        ], None, None),
        ("Blame: accusations and removals", "count since the start", lambda: [
            Line("accusations", column(model, "accusations", cumulative=True), PURPLE),
            Line("staff replaced", column(model, "staff_replaced", cumulative=True), SKY, "dashed"),
        ], None, None),
    ]  # fmt: skip


WHAT_IF = (  # (title, unit, column, scale, cumulative)
    ("Coal cut since the start", "thousand tons", "output_tons", 1e-3, True),
    ("Stakhanovites", "% of hewers", "share_stakhanovites", 100, False),
    ("Other miners' wage", "rubles per shift", "mean_wage_other", 1, False),
    ("Mean resentment", "resentment (0-1)", "mean_resentment", 1, False),
    ("Accusations since the start", "count", "accusations", 1, True),
)
AS_IS, CHANGED = "as in the scenario", "with your changes"


def what_if_charts(
    as_is: MineModel, changed: MineModel, labels: list[str], marks: list
) -> list[dict[str, Any]]:
    """Each outcome in both runs on one axis, then the difference in coal cut so far."""
    n = len(changed.datacollector.model_vars["shift"])
    charts = [
        chart(title, unit, labels, [
            Line(AS_IS, column(as_is, name, scale, cum), BLUE),
            Line(CHANGED, column(changed, name, scale, cum), VERMILLION, "dashed"),
        ], marks, n)
        for title, unit, name, scale, cum in WHAT_IF
    ]  # fmt: skip
    gap = np.subtract(
        np.asarray(column(changed, "output_tons", 1e-3, True), dtype=float),
        np.asarray(column(as_is, "output_tons", 1e-3, True), dtype=float),
    )
    difference = Line("your changes minus the scenario", np.round(gap, DIGITS).tolist(), GREEN, area=True)  # fmt: skip
    option = chart("Difference in coal cut", "thousand tons", labels, [difference], marks, n)
    option["yAxis"][0].pop("min")  # the difference may be negative
    charts.append(option)
    return charts


def difference_rows(as_is: MineModel, changed: MineModel) -> list[tuple[str, str, str, str]]:
    """Totals and latest values so far in both runs: ``(what, as is, changed, difference)``."""
    rows = []
    for what, name, how in (
        ("coal cut (t)", "output_tons", "sum"),
        ("Stakhanovites (% of hewers, now)", "share_stakhanovites", "last%"),
        ("other miners' wage (rubles, now)", "mean_wage_other", "last"),
        ("sanctions", "sanctions", "sum"),
        ("accusations", "accusations", "sum"),
        ("miners who quit", "quits", "sum"),
    ):
        a, b = _summary(as_is, name, how), _summary(changed, name, how)
        rows.append((what, f"{a:,.1f}", f"{b:,.1f}", f"{b - a:+,.1f}"))
    return rows


def _summary(model: MineModel, name: str, how: str) -> float:
    values = np.asarray(model.datacollector.model_vars[name], dtype=float)
    if values.size == 0:
        return 0.0
    if how == "sum":
        return float(np.nansum(values))
    last = float(np.nan_to_num(values[-1]))
    return 100 * last if how == "last%" else last
