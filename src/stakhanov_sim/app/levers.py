"""The levers a class argues about, read from the picked scenario and applied back to it.

The sliders start where the picked scenario sets them (``Levers.of``), so a class runs the
scenario it chose; a lever moved away from that is applied as a ``--set``-style override
(``classroom_scenario``), and a lever left alone changes nothing. Scenarios too big to draw
shift by shift in a browser are not offered (``live_presets``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from stakhanov_sim.scenarios.fields import value_at
from stakhanov_sim.scenarios.loading import load_scenario, shipped_scenarios
from stakhanov_sim.scenarios.schema import NO_SPECIAL_CONDITIONS, Scenario

DEFAULT_PRESET = "history_1935_37"
LIVE_MINERS = 5_000  # above this many miners a shift takes too long to draw live in class
INTENSITY_EVENTS = ("campaign", "conference", "burst")  # events whose intensity the lever scales
AS_IN_PRESET, NO_REVISION = "as in the scenario", "no revision"
REVISION_DATES = {  # first working days around the historical revision (1 Mar 1936)
    "1 Dec 1935": dt.date(1935, 12, 1),
    "1 Mar 1936": dt.date(1936, 3, 1),
    "1 Jun 1936": dt.date(1936, 6, 1),
    "1 Sep 1936": dt.date(1936, 9, 1),
    "4 Jan 1937": dt.date(1937, 1, 4),
}
SUPPLY_KEYS = ("timber_per_shift", "air_per_shift", "wagons_per_shift")


def miners(scenario: Scenario) -> int:
    """All miners of the scenario's mines (hewers and support trades)."""
    return scenario.mine.mines * scenario.mine.sections * scenario.miners_per_section


def live_presets() -> dict[str, Scenario]:
    """The shipped scenarios small enough to run live, by name (the basin is left out)."""
    scenarios = {name: load_scenario(name) for name in shipped_scenarios()}
    return {name: s for name, s in scenarios.items() if miners(s) <= LIVE_MINERS}


def too_big(scenario: Scenario) -> str | None:
    """Why a scenario cannot run live, or ``None`` if it can."""
    n = miners(scenario)
    if n <= LIVE_MINERS:
        return None
    return (
        f"{scenario.name} has {n:,} miners: too many to draw shift by shift in a browser "
        f"(at most {LIVE_MINERS:,}); run it with 'stakhanov-sim run' instead"
    )


@dataclass(frozen=True)
class Levers:
    """The values of the sidebar's sliders, switches and menus.

    Attributes:
        campaign_intensity: multiplies the intensity of the scenario's campaign, conference
            and burst events (0 = no push, 1 = as in the scenario).
        special_conditions: whether foremen may favour record-setters and Stakhanovites
            with timbermen and supplies; off, a record is one man's all-out effort.
        special_conditions_multiplier: output multiplier of a record shift with full
            special conditions (Stakhanov: about 14 norms).
        supply_level: multiplies the scenario's timber, compressed-air and wagon deliveries.
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

    @classmethod
    def of(cls, scenario: Scenario) -> Levers:
        """The levers as a scenario sets them: the sliders' starting positions."""
        return cls(
            special_conditions=not _without_special_conditions(scenario),
            special_conditions_multiplier=scenario.records.special_conditions_multiplier,
            norm_revision_share=scenario.norms.midpoint_weight,
            progressive_pay=bool(scenario.pay.progressive),
            sanction_threshold=scenario.social.sanction_threshold,
            scapegoating_rate=scenario.management.scapegoating_rate,
        )

    def changed(self, base: Levers) -> list[str]:
        """Names of the levers set differently from ``base`` (the scenario's own)."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(base, f.name)]

    def summary(self) -> str:
        """The levers in one line, as the run on screen was built."""
        conditions = (
            f"on, record boost x{self.special_conditions_multiplier:.2f}"
            if self.special_conditions
            else "off"
        )
        return (
            f"campaign push x{self.campaign_intensity:.1f}; special conditions {conditions}; "
            f"supplies x{self.supply_level:.2f}; norm raise {self.norm_revision_share:.2f} of "
            f"the gap, date {self.norm_revision_date}; progressive pay "
            f"{'on' if self.progressive_pay else 'off'}; sanction threshold "
            f"{self.sanction_threshold:.2f}; scapegoating {self.scapegoating_rate:.2f}"
        )


def _without_special_conditions(scenario: Scenario) -> bool:
    return all(
        value_at(scenario, key) == value
        for key, value in NO_SPECIAL_CONDITIONS.items()
        if key != "records.special_conditions_multiplier"
    )


def classroom_scenario(preset: str, levers: Levers) -> Scenario:
    """The named scenario with the moved levers applied, as ``--set`` overrides would be.

    A lever at the scenario's own value adds no override, so untouched levers give back the
    scenario exactly.
    """
    base = load_scenario(preset)
    own = Levers.of(base)
    moved = set(levers.changed(own))
    overrides: dict[str, Any] = {}
    if moved & {"campaign_intensity", "norm_revision_date"}:
        overrides["campaign.events"] = _timeline(base, levers)
    if "special_conditions" in moved:
        restored = Scenario()  # switched back on: the sourced defaults of the schema
        overrides.update(
            NO_SPECIAL_CONDITIONS
            if not levers.special_conditions
            else {key: value_at(restored, key) for key in NO_SPECIAL_CONDITIONS}
        )
    if levers.special_conditions and (
        "special_conditions_multiplier" in moved or "special_conditions" in moved
    ):
        overrides["records.special_conditions_multiplier"] = levers.special_conditions_multiplier
    simple = {
        "norm_revision_share": "norms.midpoint_weight",
        "sanction_threshold": "social.sanction_threshold",
        "scapegoating_rate": "management.scapegoating_rate",
    }
    for lever, key in simple.items():
        if lever in moved:
            overrides[key] = getattr(levers, lever)
    if "supply_level" in moved:
        for key in SUPPLY_KEYS:
            overrides[f"supply.{key}"] = getattr(base.supply, key) * levers.supply_level
    if "progressive_pay" in moved:
        overrides["pay.progressive"] = (
            [] if not levers.progressive_pay else Scenario().pay.progressive
        )
    return load_scenario(preset, overrides) if overrides else base


def _timeline(base: Scenario, levers: Levers) -> list[dict[str, Any]]:
    """The scenario's policy events, campaign pushed harder or softer, revision moved."""
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
