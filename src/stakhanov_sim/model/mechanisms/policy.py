"""Calendar and policy: the campaign's timeline, applied on its historical dates.

Models the party's and the trust's interventions (docs/sources.md, "Timeline"): the staged
record of 31 Aug 1935, the press campaign from September, the All-Union Conference of
November 1935, the December 1935 plenum, the "Stakhanovite ten-days" of January 1936, the
concentration of mining and the Stakhanovite schools of 1936, the norm revision of spring
1936, the trials and plenums from autumn 1936 that set the blame and its charge, and the mass
operations of August 1937. Events go on Mesa's event list (``model.schedule_event``) half a
shift before the shift they govern, so each takes effect before that shift is worked.

Each run of a batch follows its own timeline (by default the scenario's): an event acts on
the runs whose timeline holds it and on no other, so a history and its counterfactual
without campaign events (the baseline) can be stepped together, each as it would run alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.calendar import shift_on_or_after
from stakhanov_sim.model.mechanisms import norms
from stakhanov_sim.scenarios.schema import PolicyEvent

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

BEFORE_SHIFT = 0.5  # model time between two steps: events there run before the next shift


class PolicyAction:
    """A policy event bound to its shift and to the runs (a mask) whose timeline holds it,
    kept alive by the model (Mesa holds weak refs)."""

    def __init__(self, model: MineModel, event: PolicyEvent, shift: int, runs: np.ndarray) -> None:
        self.model, self.event, self.shift, self.runs = model, event, shift, runs

    def __call__(self) -> None:
        apply(self.model, self.event, self.shift, self.runs)


class BurstEnd:
    """Ends a short campaign burst in its runs, restoring the intensity it interrupted."""

    def __init__(self, model: MineModel, restore: np.ndarray, shift: int, runs: np.ndarray) -> None:
        self.model, self.restore, self.shift, self.runs = model, restore, shift, runs

    def __call__(self) -> None:
        self.model.campaign.intensity[self.runs] = self.restore[self.runs]
        for run in np.flatnonzero(self.runs).tolist():
            self.model.events.add("burst end", detail="end of the burst", shift=self.shift, run=run)


def schedule_timeline(model: MineModel, timelines: list[list[PolicyEvent]]) -> list:
    """Put every event of each run's timeline (``timelines``: one per run) on Mesa's event
    list; the actions. Runs with the same timeline share its actions; actions of different
    timelines act on different runs, so their order within a shift changes nothing."""
    actions: list = []
    for timeline, runs in _distinct(timelines):
        for event in sorted(timeline, key=lambda e: e.date):
            shift = shift_on_or_after(model.dates, event.date)
            if shift < model.n_shifts:
                _schedule(model, actions, PolicyAction(model, event, shift, runs), shift)
    return actions


def _distinct(timelines: list[list[PolicyEvent]]) -> list[tuple[list[PolicyEvent], np.ndarray]]:
    """Each different timeline, with the mask of the runs that follow it (first seen first)."""
    distinct: list[tuple[list[PolicyEvent], np.ndarray]] = []
    for run, timeline in enumerate(timelines):
        for known, runs in distinct:
            if known == timeline:
                runs[run] = True
                break
        else:
            runs = np.zeros(len(timelines), dtype=bool)
            runs[run] = True
            distinct.append((list(timeline), runs))
    return distinct


def _schedule(model: MineModel, actions: list, action, shift: int) -> None:
    actions.append(action)
    model.schedule_event(action, at=shift + BEFORE_SHIFT)


def apply(model: MineModel, event: PolicyEvent, shift: int, runs: np.ndarray) -> None:
    """Carry out one policy event in the runs ``runs`` (a mask): it changes their campaign's
    state (or their norms)."""
    campaign, log = model.campaign, model.events
    label = event.label or event.kind.replace("_", " ")
    if event.kind in ("campaign", "conference"):
        campaign.intensity[runs] = event.intensity
    elif event.kind == "burst":
        end = min(shift + max(event.shifts, 1), model.n_shifts)
        if end < model.n_shifts:
            restore = BurstEnd(model, campaign.intensity.copy(), end, runs)
            _schedule(model, model.policy_actions, restore, end)
        campaign.intensity[runs] = event.intensity
    elif event.kind == "record":
        campaign.staged_record[runs] = True
    elif event.kind == "norm_revision":
        p = model.params.norms
        raised = norms.revise(model.workforce, model.sections, p, runs)
        campaign.norm_raise[runs] = raised[runs]
        for run in np.flatnonzero(runs).tolist():
            detail = f"norms +{campaign.norm_raise[run]:.0%}, piece rate -{p.rate_cut[run]:.0%}"
            log.add("norm revision", detail=detail, shift=shift, run=run)
    elif event.kind == "scapegoating":
        campaign.scapegoating[runs] = event.intensity
        if event.charge:
            campaign.charge[runs] = event.charge
    elif event.kind == "schools":
        campaign.schools[runs] = event.intensity
    elif event.kind == "concentration":
        campaign.concentration_target[runs] = min(event.intensity, 1.0)
    elif event.kind == "mass_operation":
        campaign.mass_operation[runs] = event.intensity
    for run in np.flatnonzero(runs).tolist():
        log.add("policy", detail=label, shift=shift, run=run)
