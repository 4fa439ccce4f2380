"""Calendar and policy: the campaign's timeline, applied on its historical dates.

Models the party's and the trust's interventions (docs/sources.md, "Timeline"): the staged
record of 31 Aug 1935, the press campaign from September, the All-Union Conference of
November 1935, the December 1935 plenum, the "Stakhanovite ten-days" of January 1936, the
concentration of mining and the Stakhanovite schools of 1936, the norm revision of spring
1936, the trials and plenums from autumn 1936 that set the blame and its charge, and the mass
operations of August 1937. Events go on Mesa's event list (``model.schedule_event``) half a
shift before the shift they govern, so each takes effect before that shift is worked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stakhanov_sim.model.calendar import shift_on_or_after
from stakhanov_sim.model.mechanisms import norms
from stakhanov_sim.scenarios.schema import PolicyEvent

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

BEFORE_SHIFT = 0.5  # model time between two steps: events there run before the next shift


class PolicyAction:
    """A policy event bound to its shift, kept alive by the model (Mesa holds weak refs)."""

    def __init__(self, model: MineModel, event: PolicyEvent, shift: int) -> None:
        self.model, self.event, self.shift = model, event, shift

    def __call__(self) -> None:
        apply(self.model, self.event, self.shift)


class BurstEnd:
    """Ends a short campaign burst, restoring the intensity it interrupted."""

    def __init__(self, model: MineModel, restore: float, shift: int) -> None:
        self.model, self.restore, self.shift = model, restore, shift

    def __call__(self) -> None:
        self.model.campaign.intensity[:] = self.restore
        for run in range(self.model.runs.count):
            self.model.events.add("burst end", detail="end of the burst", shift=self.shift, run=run)


def schedule_timeline(model: MineModel) -> list:
    """Put every event of the scenario's timeline on Mesa's event list; the actions."""
    actions: list = []
    for event in sorted(model.config.campaign.events, key=lambda e: e.date):
        shift = shift_on_or_after(model.dates, event.date)
        if shift < model.n_shifts:
            _schedule(model, actions, PolicyAction(model, event, shift), shift)
    return actions


def _schedule(model: MineModel, actions: list, action, shift: int) -> None:
    actions.append(action)
    model.schedule_event(action, at=shift + BEFORE_SHIFT)


def apply(model: MineModel, event: PolicyEvent, shift: int) -> None:
    """Carry out one policy event in every run: it changes the campaign's state (or the norms)."""
    campaign, log, runs = model.campaign, model.events, model.runs.count
    label = event.label or event.kind.replace("_", " ")
    if event.kind in ("campaign", "conference"):
        campaign.intensity[:] = event.intensity
    elif event.kind == "burst":
        end = min(shift + max(event.shifts, 1), model.n_shifts)
        if end < model.n_shifts:
            restore = BurstEnd(model, campaign.intensity.copy(), end)
            _schedule(model, model.policy_actions, restore, end)
        campaign.intensity[:] = event.intensity
    elif event.kind == "record":
        campaign.staged_record[:] = True
    elif event.kind == "norm_revision":
        campaign.norm_raise[:] = norms.revise(model.workforce, model.sections, model.config.norms)
        cut = model.config.norms.rate_cut
        for run in range(runs):
            detail = f"norms +{campaign.norm_raise[run]:.0%}, piece rate -{cut:.0%}"
            log.add("norm revision", detail=detail, shift=shift, run=run)
    elif event.kind == "scapegoating":
        campaign.scapegoating[:] = event.intensity
        campaign.charge = event.charge or campaign.charge
    elif event.kind == "schools":
        campaign.schools[:] = event.intensity
    elif event.kind == "concentration":
        campaign.concentration_target[:] = min(event.intensity, 1.0)
    elif event.kind == "mass_operation":
        campaign.mass_operation[:] = event.intensity
    for run in range(runs):
        log.add("policy", detail=label, shift=shift, run=run)
