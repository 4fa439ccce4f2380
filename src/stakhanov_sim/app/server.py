"""The classroom app: the mine run live in a browser, on a projector, with no YAML to edit.

A Mesa ``SolaraViz`` page (``stakhanov-sim app`` or ``make app``; served by
``solara run stakhanov_sim.app.server:page``). The sidebar holds a preset picker for the
scenarios in ``configs/`` and the levers a class argues about: how hard the campaign is
pushed, whether record-setters get special conditions, supplies, how far a norm revision
goes and when, progressive pay, when resentful miners turn on rate-busters, and how eagerly
the trust blames managers. Changes take effect on Reset; Step and Play work the shifts.

The main area shows the mine (``app_mine``), the events of the run in words, and live
charts of the model table (``app_charts``). Solara's front-end assets come from the
``solara-assets`` package (pinned with ``solara`` in the ``app`` extra), so the page renders
with no network.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import SolaraViz

from stakhanov_sim.app.charts import CHARTS
from stakhanov_sim.app.picture import EventFeed, MinePicture
from stakhanov_sim.model.mine import MineModel
from stakhanov_sim.scenarios.loading import SHIPPED, load_scenario
from stakhanov_sim.scenarios.schema import NO_SPECIAL_CONDITIONS, Scenario

CONFIGS = SHIPPED  # the scenarios installed with the package
DEFAULT_PRESET = "history_1935_37"
INTENSITY_EVENTS = ("campaign", "conference", "burst")  # events whose intensity the lever scales
AS_IN_PRESET, NO_REVISION = "as in the preset", "no revision"
REVISION_DATES = {  # first working days around the historical revision (1 Mar 1936)
    "1 Dec 1935": dt.date(1935, 12, 1),
    "1 Mar 1936": dt.date(1936, 3, 1),
    "1 Jun 1936": dt.date(1936, 6, 1),
    "1 Sep 1936": dt.date(1936, 9, 1),
    "4 Jan 1937": dt.date(1937, 1, 4),
}
SUPPLY_KEYS = ("timber_per_shift", "air_per_shift", "wagons_per_shift")
PLAY_INTERVAL_MS = 150  # slow enough for a class to read the event feed while it plays


def presets() -> dict[str, Path]:
    """The scenario files a teacher can pick, by name (file stem), sorted."""
    return {path.stem: path for path in sorted(CONFIGS.glob("*.yaml"))}


@dataclass(frozen=True)
class Levers:
    """The values of the sidebar's sliders and switches.

    Attributes:
        campaign_intensity: multiplies the intensity of the preset's campaign, conference
            and burst events (0 = no push, 1 = as in the preset).
        special_conditions: whether foremen may favour record-setters and Stakhanovites
            with timbermen and supplies; off, a record is one man's all-out effort.
        special_conditions_multiplier: output multiplier of a record shift with full
            special conditions (Stakhanov: about 14 norms).
        supply_level: multiplies the preset's timber, compressed-air and wagon deliveries.
        norm_revision_share: share of the gap between the norm and Stakhanovites' output
            that a revision closes (Stalin's "somewhere in the middle" is 0.5).
        norm_revision_date: a key of ``REVISION_DATES``, ``AS_IN_PRESET`` or ``NO_REVISION``.
        progressive_pay: progressive piece rates (on) or one flat rate per ton (off).
        sanction_threshold: resentment (0-1) above which miners may abuse rate-busters.
        scapegoating_rate: accusations of managers per unit of missed plan.
    """

    campaign_intensity: float = 1.0
    special_conditions: bool = True
    special_conditions_multiplier: float = 5.0
    supply_level: float = 1.0
    norm_revision_share: float = 0.5
    norm_revision_date: str = AS_IN_PRESET
    progressive_pay: bool = True
    sanction_threshold: float = 0.5
    scapegoating_rate: float = 0.3

    def summary(self) -> str:
        """The levers in one line, as the run on screen was built (Reset applies changes)."""
        return (
            f"campaign push x{self.campaign_intensity:.1f}; special conditions "
            f"{f'on, record boost x{self.special_conditions_multiplier:.1f}' if self.special_conditions else 'off'}; "
            f"supplies x{self.supply_level:.2f}; norm raise {self.norm_revision_share:.2f} of the gap, "
            f"date {self.norm_revision_date}; progressive pay {'on' if self.progressive_pay else 'off'}; "
            f"sanction threshold {self.sanction_threshold:.2f}; scapegoating {self.scapegoating_rate:.1f}"
        )

    @classmethod
    def of(cls, scenario: Scenario) -> Levers:
        """The levers as a scenario sets them: the sliders' starting positions."""
        return cls(
            special_conditions_multiplier=scenario.records.special_conditions_multiplier,
            norm_revision_share=scenario.norms.midpoint_weight,
            progressive_pay=bool(scenario.pay.progressive),
            sanction_threshold=scenario.social.sanction_threshold,
            scapegoating_rate=scenario.management.scapegoating_rate,
        )


def classroom_scenario(preset: str, levers: Levers) -> Scenario:
    """The preset's scenario with the levers applied, as ``--set`` overrides would be."""
    path = presets()[preset]
    base = load_scenario(path)
    overrides: dict[str, Any] = {
        "campaign.events": _timeline(base, levers),
        "records.special_conditions_multiplier": levers.special_conditions_multiplier,
        "norms.midpoint_weight": levers.norm_revision_share,
        "social.sanction_threshold": levers.sanction_threshold,
        "management.scapegoating_rate": levers.scapegoating_rate,
    }
    for key in SUPPLY_KEYS:
        overrides[f"supply.{key}"] = getattr(base.supply, key) * levers.supply_level
    if not levers.progressive_pay:
        overrides["pay.progressive"] = []
    if not levers.special_conditions:
        overrides.update(NO_SPECIAL_CONDITIONS)
    return load_scenario(path, overrides)


def _timeline(base: Scenario, levers: Levers) -> list[dict[str, Any]]:
    """The preset's policy events, campaign pushed harder or softer, revision moved."""
    events = []
    for event in base.campaign.events:
        if event.kind == "norm_revision" and levers.norm_revision_date != AS_IN_PRESET:
            continue
        data = event.model_dump()
        if event.kind in INTENSITY_EVENTS:
            data["intensity"] = event.intensity * levers.campaign_intensity
        events.append(data)
    date = REVISION_DATES.get(levers.norm_revision_date)
    if date is not None and base.calendar.start <= date <= base.calendar.end:
        events.append({"date": date, "kind": "norm_revision", "label": "Norm revision"})
    return events


DEFAULTS = Levers.of(load_scenario(presets()[DEFAULT_PRESET]))


class ClassroomMine(MineModel):
    """A ``MineModel`` built from a preset and the sidebar's levers.

    SolaraViz's Reset builds the model again from the sidebar's values passed as keyword
    arguments, so they are this class's parameters (see ``Levers`` for their meaning).
    """

    def __init__(
        self,
        preset: str = DEFAULT_PRESET,
        campaign_intensity: float = DEFAULTS.campaign_intensity,
        special_conditions: bool = DEFAULTS.special_conditions,
        special_conditions_multiplier: float = DEFAULTS.special_conditions_multiplier,
        supply_level: float = DEFAULTS.supply_level,
        norm_revision_share: float = DEFAULTS.norm_revision_share,
        norm_revision_date: str = DEFAULTS.norm_revision_date,
        progressive_pay: bool = DEFAULTS.progressive_pay,
        sanction_threshold: float = DEFAULTS.sanction_threshold,
        scapegoating_rate: float = DEFAULTS.scapegoating_rate,
    ) -> None:
        levers = Levers(
            campaign_intensity=campaign_intensity,
            special_conditions=special_conditions,
            special_conditions_multiplier=special_conditions_multiplier,
            supply_level=supply_level,
            norm_revision_share=norm_revision_share,
            norm_revision_date=norm_revision_date,
            progressive_pay=progressive_pay,
            sanction_threshold=sanction_threshold,
            scapegoating_rate=scapegoating_rate,
        )
        self.preset, self.levers = preset, levers
        super().__init__(classroom_scenario(preset, levers))


def _slider(label: str, value: float, low: float, high: float, step: float) -> dict[str, Any]:
    return {"type": "SliderFloat", "label": label, "value": value, "min": low, "max": high, "step": step}  # fmt: skip


def _switch(label: str, value: bool) -> dict[str, Any]:
    return {"type": "Checkbox", "label": label, "value": value}


def model_params() -> dict[str, dict[str, Any]]:
    """The sidebar: one input per parameter of ``ClassroomMine``, labelled for a class."""
    d = DEFAULTS
    return {
        "preset": {
            "type": "Select",
            "label": "Scenario",
            "value": DEFAULT_PRESET,
            "values": list(presets()),
        },
        "campaign_intensity": _slider("Campaign push (x)", d.campaign_intensity, 0.0, 2.0, 0.1),
        "special_conditions": _switch("Special conditions", d.special_conditions),
        "special_conditions_multiplier": _slider("Record boost (x)", d.special_conditions_multiplier, 1.0, 10.0, 0.5),
        "supply_level": _slider("Supplies (x)", d.supply_level, 0.5, 1.5, 0.05),
        "norm_revision_share": _slider("Norm raise (gap share)", d.norm_revision_share, 0.0, 1.0, 0.05),
        "norm_revision_date": {
            "type": "Select",
            "label": "Norm revision date",
            "value": d.norm_revision_date,
            "values": [AS_IN_PRESET, *REVISION_DATES, NO_REVISION],
        },
        "progressive_pay": _switch("Progressive piece rates", d.progressive_pay),
        "sanction_threshold": _slider("Sanction threshold", d.sanction_threshold, 0.0, 1.0, 0.05),
        "scapegoating_rate": _slider("Scapegoating", d.scapegoating_rate, 0.0, 2.0, 0.1),
    }  # fmt: skip


ABOUT = """
<h3>What is it?</h3>
<p>A Donbas coal mine in 1935-37, one step per working shift, under the Stakhanovite
movement: staged records, a press campaign, norms raised to meet the records, and blame for
managers when plans were missed. Each cell of the mine is a hewer's face.</p>
<h3>How to use it</h3>
<p>Pick a scenario and set the levers in the sidebar, then press <b>Reset</b>: changes take
effect only on Reset. <b>Step</b> works one shift, <b>&#9654;</b> plays; raise
<i>Render Interval</i> to work several shifts between pictures.</p>
<ul>
<li><b>Campaign push</b>: multiplies the intensity of the scenario's campaign, conference
and burst events (0 = no push).</li>
<li><b>Special conditions</b>: foremen put timbermen and supplies behind record-setters and
Stakhanovites; off, a record is one man's effort. <b>Record boost</b>: output multiplier of a
record shift with full special conditions (Stakhanov cut 102 t against a 7 t norm).</li>
<li><b>Supplies</b>: pit props, compressed air and wagons, times the scenario's level.</li>
<li><b>Norm raise</b>: share of the gap between the norm and Stakhanovites' output that a
norm revision closes (Stalin: "somewhere in the middle", 0.5); <b>Norm revision date</b>
moves or cancels it.</li>
<li><b>Progressive piece rates</b>: output above the norm paid at up to twice the rate; off,
one flat rate per ton.</li>
<li><b>Sanction threshold</b>: resentment (0-1) above which miners abuse rate-busters.</li>
<li><b>Scapegoating</b>: how many foremen and engineers the trust accuses per missed plan.</li>
</ul>
<h3>Things to notice and to try</h3>
<p>Watch output against the plan after the norm revision, the wage gap between
Stakhanovites and the others, and when sanctions start. Try the campaign without special
conditions, a norm revision twice as large, or supplies cut by a fifth.</p>
"""


@solara.component
def Chronicle(model: MineModel):
    """The event feed, under the settings the run on screen was built with."""
    levers = getattr(model, "levers", None)
    if levers is not None:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>This run</b>: {model.preset}; {levers.summary()}",
            style={"font-size": "15px", "color": "#333", "padding": "4px 10px"},
        )
    EventFeed(model)


@solara.component
def About(model: MineModel):
    """What the model is and how to use it, for the teacher at the projector."""
    solara.HTML(tag="div", unsafe_innerHTML=ABOUT, style={"font-size": "17px", "padding": "4px 12px"})  # fmt: skip


def components() -> list[tuple[Any, int]]:
    """Page 0: the mine and the chronicle, then the live charts; page 1: about the model."""
    return [(MinePicture, 0), (Chronicle, 0), *((chart, 0) for chart in CHARTS), (About, 1)]


@solara.component
def Page():
    """One classroom session: its own model, reset from the sidebar's levers."""
    model = solara.use_memo(ClassroomMine, [])
    SolaraViz(
        model,
        components=components(),
        model_params=model_params(),
        play_interval=PLAY_INTERVAL_MS,
        name="Stakhanovite mine, Donbas 1935-37",
    )


page = Page
