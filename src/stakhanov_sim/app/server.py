"""The classroom app: the mine run live in a browser, on a projector, with no YAML to edit.

A Solara page (``stakhanov-sim app`` or ``make app``). The left column holds the scenario
picker and the levers a class argues about; they start where the picked scenario sets them
and a moved lever is marked as changed. Reset builds the run from them; Step and Play work
the shifts, every shift drawn (Render Interval: shifts worked between pictures). Tabs: the
mine and its events, the charts, "What if?" (the scenario as it is and with the moved levers,
same seed, in lockstep, with the differences drawn) and About. Charts are ECharts canvases
and the mine is SVG, both redrawn in milliseconds; the play loop is a coroutine that works
a few shifts, yields to the server and sleeps, so other classes' pages stay responsive.
"""

from __future__ import annotations

import asyncio
import time

import solara
import solara.lab

from stakhanov_sim.app.charts import (
    AS_IS,
    CHANGED,
    WHAT_IF_HEIGHT_PX,
    LiveChart,
    difference_rows,
    mine_charts,
    what_if_charts,
)
from stakhanov_sim.app.levers import (
    AS_IN_PRESET,
    DEFAULT_PRESET,
    LIVE_MINERS,
    NO_REVISION,
    REVISION_DATES,
    Levers,
    live_presets,
    miners,
)
from stakhanov_sim.app.picture import chronicle, feed_html, legend_html, mine_svg, routine_summary
from stakhanov_sim.app.picture import shift_caption as caption
from stakhanov_sim.app.session import Run
from stakhanov_sim.app.words import ABOUT, CSS
from stakhanov_sim.scenarios.loading import load_scenario, shipped_scenarios

TITLE = "Stakhanovite mine, Donbas 1935-37"
FRAME_S = 1 / 15  # Play aims at 15 pictures a second; each picture is Render Interval shifts
MIN_PAUSE_S = 0.03  # between pictures, so a busy browser paints each before the next
MAX_INTERVAL = 100
PRESETS = live_presets()
NOT_OFFERED = [name for name in shipped_scenarios() if name not in PRESETS]
TABS = ("The mine", "Charts", "What if?", "About")

SLIDERS = {  # lever -> (name, low, high, step, format, what it does)
    "campaign_intensity": ("Campaign push", 0.0, 2.0, 0.1, "x{:.1f}",
        "multiplies the campaign, conference and burst events (0 = no push)"),
    "special_conditions_multiplier": ("Record boost", 1.0, 10.0, 0.01, "x{:.2f}",
        "output of a record shift with full special conditions"),
    "supply_level": ("Supplies", 0.5, 1.5, 0.05, "x{:.2f}",
        "pit props, compressed air and wagons, times the scenario's"),
    "norm_revision_share": ("Norm raise", 0.0, 1.0, 0.05, "{:.2f} of the gap",
        "share of the gap to Stakhanovites' output a revision closes"),
    "sanction_threshold": ("Sanction threshold", 0.0, 1.0, 0.05, "{:.2f}",
        "resentment (0-1) above which miners turn on rate-busters"),
    "scapegoating_rate": ("Scapegoating", 0.0, 2.0, 0.05, "{:.2f}",
        "managers accused per unit of missed plan"),
}  # fmt: skip
SWITCHES = {
    "special_conditions": ("Special conditions", "helpers and supplies for record-setters"),
    "progressive_pay": ("Progressive piece rates", "output above the norm paid up to 2x"),
}


def _set(levers: Levers, **change) -> Levers:
    return Levers(**{**vars(levers), **change})


@solara.component
def LeverSlider(key: str, levers: solara.Reactive[Levers], own: Levers):
    """One slider with its value in words, marked when it differs from the scenario's."""
    name, low, high, step, fmt, what = SLIDERS[key]
    value, base = getattr(levers.value, key), getattr(own, key)
    with solara.Column(classes=["lever"], gap="0px"):
        changed = (
            f' <span class="lever-changed">changed (scenario: {fmt.format(base)})</span>'
            if value != base
            else ""
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<span class="lever-name" title="{what}">{name}</span>: '
            f"{fmt.format(value)}{changed}",
        )
        solara.SliderFloat(
            "",
            value=value,
            min=low,
            max=high,
            step=step,
            thumb_label=False,
            on_value=lambda v: levers.set(_set(levers.value, **{key: round(v, 4)})),
        )


@solara.component
def LeverSwitch(key: str, levers: solara.Reactive[Levers], own: Levers):
    name, what = SWITCHES[key]
    value = getattr(levers.value, key)
    with solara.Column(classes=["lever"], gap="0px"):
        solara.Checkbox(
            label=f"{name}: {'on' if value else 'off'}",
            value=value,
            on_value=lambda v: levers.set(_set(levers.value, **{key: v})),
        )
        changed = (
            f' <span class="lever-changed">changed (scenario: {"on" if getattr(own, key) else "off"})</span>'
            if value != getattr(own, key)
            else ""
        )
        if changed:
            solara.HTML(tag="div", unsafe_innerHTML=changed)


@solara.component
def Sidebar(preset: str, levers: solara.Reactive[Levers], on_preset, pending: bool):
    """The scenario picker and the levers, starting from the picked scenario."""
    own = Levers.of(PRESETS[preset])
    with solara.Column(classes=["levers"], gap="4px"):
        solara.HTML(tag="h3", unsafe_innerHTML=TITLE, style={"margin": "4px 0"})
        solara.Select("Scenario", values=list(PRESETS), value=preset, on_value=on_preset)
        solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=PRESETS[preset].description)
        if NOT_OFFERED:
            solara.HTML(
                tag="div",
                classes=["hint"],
                unsafe_innerHTML=f"Not offered: {', '.join(NOT_OFFERED)} (over "
                f"{LIVE_MINERS:,} miners, too big to draw live; use 'stakhanov-sim run').",
            )
        if pending:
            solara.HTML(
                tag="div",
                classes=["lever-changed"],
                unsafe_innerHTML="Levers moved: press Reset to run with them.",
            )
        LeverSlider("campaign_intensity", levers, own)
        LeverSwitch("special_conditions", levers, own)
        LeverSlider("special_conditions_multiplier", levers, own)
        LeverSlider("supply_level", levers, own)
        LeverSlider("norm_revision_share", levers, own)
        date = levers.value.norm_revision_date
        solara.Select(
            "Norm revision date" + ("" if date == own.norm_revision_date else " (changed)"),
            values=[AS_IN_PRESET, *REVISION_DATES, NO_REVISION],
            value=date,
            on_value=lambda v: levers.set(_set(levers.value, norm_revision_date=v)),
        )
        LeverSwitch("progressive_pay", levers, own)
        LeverSlider("sanction_threshold", levers, own)
        LeverSlider("scapegoating_rate", levers, own)


def describe_run(run: Run) -> str:
    """What the run on screen is: the scenario, its levers, and what was changed."""
    moved = run.moved
    change = (
        f"<b>changed from the scenario</b>: {', '.join(m.replace('_', ' ') for m in moved)}"
        if moved
        else "levers as in the scenario"
    )
    return (
        f"<b>This run</b>: {run.preset} ({miners(run.mine.config):,} miners, seed "
        f"{run.mine.config.seed}); {run.levers.summary()}; {change}."
    )


@solara.component
def MineTab(run: Run, worked: int):
    labels, marks = run.labels, run.marks
    model = run.mine
    with solara.Row(gap="12px", style={"flex-wrap": "nowrap"}):
        with solara.Column(gap="2px", style={"flex": "0 0 560px"}):
            solara.HTML(tag="b", unsafe_innerHTML=f"The mine: {caption(model)}")
            solara.HTML(tag="div", unsafe_innerHTML=mine_svg(model))
            solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=legend_html())
        with solara.Column(gap="2px", classes=["event-feed"], style={"flex": "1 1 auto"}):
            solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=describe_run(run))
            solara.HTML(
                tag="b",
                unsafe_innerHTML=f"Events, newest first ({caption(model)}; campaign "
                f"intensity {model.intensity:.1f})",
            )
            solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=routine_summary(run.routine))
            solara.HTML(tag="div", unsafe_innerHTML=feed_html(chronicle(model.events.rows, model.dates)))  # fmt: skip
    charts = mine_charts(model, labels, marks, first=2)
    with solara.Columns([1, 1]):
        LiveChart(charts[0])
        LiveChart(charts[1])


@solara.component
def ChartsTab(run: Run, worked: int):
    labels, marks = run.labels, run.marks
    charts = mine_charts(run.mine, labels, marks)
    solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=f"{caption(run.mine)}. Dotted vertical lines: the campaign's policy events (listed in the event feed).")  # fmt: skip
    for row in (charts[:3], charts[3:]):
        with solara.Columns([1, 1, 1]):
            for option in row:
                LiveChart(option)


@solara.component
def WhatIfTab(run: Run, worked: int):
    labels, marks = run.labels, run.marks
    if run.as_is is None:
        solara.Markdown(
            "**What if?** Move one or more levers in the left column and press **Reset**: "
            "this tab then runs the scenario *as it is* and *with your changes* side by "
            "side, on the same seed and shift by shift, so every difference comes from "
            "your changes and none from luck."
        )
        return
    rows = difference_rows(run.as_is, run.mine)
    table = "".join(f"<tr><td>{w}</td><td>{a}</td><td>{b}</td><td>{d}</td></tr>" for w, a, b, d in rows)  # fmt: skip
    with solara.Row(gap="16px", style={"flex-wrap": "nowrap", "align-items": "flex-start"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{run.preset}: {caption(run.mine)}</b><br>changed: "
            f"{', '.join(m.replace('_', ' ') for m in run.moved)}; same seed "
            f"({run.mine.config.seed}) in both runs.",
            style={"flex": "0 0 300px"},
        )
        solara.HTML(
            tag="table",
            classes=["what-if-table"],
            unsafe_innerHTML=f"<tr><th>so far</th><th>{AS_IS}</th><th>{CHANGED}</th>"
            f"<th>difference</th></tr>{table}",
        )
    charts = what_if_charts(run.as_is, run.mine, labels, marks)
    for row in (charts[:3], charts[3:]):
        with solara.Columns([1, 1, 1]):
            for option in row:
                LiveChart(option, WHAT_IF_HEIGHT_PX)


@solara.component
def Controls(run: solara.Reactive[Run], tick: solara.Reactive[int], playing, interval, on_reset, on_step, pending: bool):  # fmt: skip
    """Reset, Step, Play/Pause, the Render Interval and where the run stands."""
    _ = tick.value  # read: redrawn after every Step and Play
    current = run.value
    with solara.Row(classes=["toolbar"]):
        solara.Button("Reset", on_click=on_reset, color="warning" if pending else None)
        solara.Button("Step", on_click=on_step, disabled=playing.value or current.finished)
        solara.Button(
            "Pause" if playing.value else "Play",
            on_click=lambda: playing.set(not playing.value),
            disabled=current.finished and not playing.value,
            color="primary",
        )
        with solara.Column(gap="0px", style={"width": "240px"}):
            solara.SliderInt(
                f"Render Interval: {interval.value}",
                value=interval,
                min=1,
                max=MAX_INTERVAL,
                thumb_label=False,
            )
        solara.HTML(
            tag="div",
            classes=["hint"],
            unsafe_innerHTML=f"shifts worked per picture<br><b>{caption(current.mine)}</b>",
        )


@solara.component
def Workspace(run: solara.Reactive[Run], tick: solara.Reactive[int], index: int):
    """The content of tab ``index``, redrawn after every Step and Play."""
    _ = tick.value
    current = run.value
    tab = (MineTab, ChartsTab, WhatIfTab)[index]
    tab(current, current.worked)


@solara.component
def Page():
    """One classroom session: its own run, rebuilt from the levers on Reset."""
    preset = solara.use_reactive(DEFAULT_PRESET)
    levers = solara.use_reactive(Levers.of(PRESETS[DEFAULT_PRESET]))
    first = solara.use_memo(lambda: Run.build(DEFAULT_PRESET, levers.value), [])
    run = solara.use_reactive(first)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(1)
    tab = solara.use_reactive(0)

    def reset(name: str | None = None, chosen: Levers | None = None) -> None:
        playing.set(False)
        run.set(Run.build(name or preset.value, chosen or levers.value))
        tick.set(0)

    def pick(name: str) -> None:
        own = Levers.of(load_scenario(name))
        preset.set(name)
        levers.set(own)
        reset(name, own)

    def step() -> None:
        run.value.step(interval.value)
        tick.set(tick.value + 1)

    async def play() -> None:
        while playing.value and not run.value.finished:
            started = time.perf_counter()
            step()
            await asyncio.sleep(max(FRAME_S - (time.perf_counter() - started), MIN_PAUSE_S))
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value])

    pending = run.value.preset != preset.value or run.value.levers != levers.value
    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.Row(classes=["classroom"], gap="0px", style={"flex-wrap": "nowrap"}):
        Sidebar(preset.value, levers, pick, pending)
        with solara.Column(classes=["main-area"], gap="4px"):
            Controls(run, tick, playing, interval, lambda: reset(), step, pending)
            with solara.lab.Tabs(value=tab.value, on_value=tab.set, lazy=True):
                for index, name in enumerate(TABS[:3]):
                    with solara.lab.Tab(name):
                        if tab.value == index:
                            Workspace(run, tick, index)
                with solara.lab.Tab(TABS[3]):
                    solara.Markdown(ABOUT)


@solara.component
def Layout(children):
    """No app bar or drawer: the page is one screen, for a projector at 1366x768."""
    with solara.Column(gap="0px", style={"padding": "0"}):
        for child in children:
            solara.display(child)


page = Page
