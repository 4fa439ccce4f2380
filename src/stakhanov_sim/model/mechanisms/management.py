"""Management: foremen's foot-dragging, the plan, and the scapegoats.

Foremen and engineers knew that "recordmania" and special conditions disrupted production
and supplies, and "on occasion 'sabotaged' the movement. At least that was the accusation
made against many who often served as scapegoats" (seed text). Within months of 1936
managers were called "wreckers", and suspicion of engineers and foremen joined the terror
from autumn 1936 (Siegelbaum 1988; Thurston). Here a foreman whose section is disrupted may
refuse special conditions and records; when the mine misses its plan, the trust accuses some
foremen and engineers (those who dragged their feet most likely, but never only them);
the accused are removed and replaced by men with little experience.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

SHORTFALL_UNIT = 0.1  # scapegoating_rate is per 10% of plan missed ...
STAFF_UNIT = 10  # ... and per 10 foremen and engineers


def drag_feet(model: MineModel) -> None:
    """Disrupted foremen decide whether to refuse records and special conditions next shift."""
    cfg = model.config.management
    foremen = model.foremen
    draw = model.rng.random(foremen.size)
    acts = _drag_feet(
        model.helpers_diverted, model.section_shortfall, model.broken, draw,
        cfg.sabotage_threshold, cfg.sabotage_rate, model.intensity > 0,
        foremen.sabotaging, foremen.sabotage_count,
    )  # fmt: skip
    model.sabotage_this_shift = int(acts.size)
    model.log_many("sabotage", foremen.agent_id[acts], detail="refused special conditions")


@kernel
def _drag_feet(diverted, shortfall, broken, draw, threshold, rate, campaign_on, sabotaging, count):
    """Posts of the foremen who refuse this shift: each one tempted, with a chance.

    A foreman is tempted during the campaign when his section's disruption (timbermen
    diverted, supplies short, equipment broken) passes the threshold.
    """
    acts = np.empty(draw.size, dtype=np.intp)
    n = 0
    for s in range(draw.size):
        disruption = diverted[s] + shortfall[s] + broken[s]
        sabotaging[s] = campaign_on and disruption > threshold and draw[s] < rate
        if sabotaging[s]:
            count[s] += 1
            acts[n] = s
            n += 1
    return acts[:n]


def learn(model: MineModel) -> None:
    """New foremen and engineers gain experience on the job."""
    rate = model.config.management.learning_per_shift
    for staff in (model.foremen, model.engineers):
        np.minimum(staff.experience + rate, 1.0, out=staff.experience)


def plan_tons(model: MineModel) -> float:
    """The trust's plan for this shift: hewer slots x initial norm x plan factor, rising yearly."""
    cfg = model.config.management
    years = model.dates[model.shift].year - model.dates[0].year
    per_hewer = (
        model.config.norms.initial_norm_tons * cfg.plan_factor * (1 + cfg.plan_growth) ** years
    )
    return per_hewer * model.workforce.n_hewer_slots


def review_plan(model: MineModel) -> None:
    """Every plan period, compare output with the plan and accuse scapegoats for a shortfall."""
    cfg = model.config.management
    model.period_output += model.output_this_shift
    model.period_plan += model.plan_this_shift
    if (model.shift + 1) % cfg.plan_check_shifts:
        return
    shortfall = 1 - model.period_output / model.period_plan if model.period_plan > 0 else 0.0
    model.period_output = model.period_plan = 0.0
    if shortfall <= cfg.shortfall_tolerance or model.scapegoating <= 0:
        _forgive(model)
        return
    staff = model.foremen.size + model.engineers.size
    expected = (
        cfg.scapegoating_rate
        * model.scapegoating
        * (shortfall / SHORTFALL_UNIT)
        * (staff / STAFF_UNIT)
    )
    n_accused = min(int(model.rng.poisson(expected)), staff)
    if n_accused:
        _accuse(model, n_accused, shortfall)
    _forgive(model)


def _accuse(model: MineModel, n: int, shortfall: float) -> None:
    cfg = model.config.management
    counts = np.concatenate([model.foremen.sabotage_count, model.engineers.sabotage_count])
    weight = 1 + cfg.sabotage_weight * (counts > 0)
    chosen = model.rng.choice(weight.size, size=n, replace=False, p=weight / weight.sum())
    for post in np.sort(chosen):
        is_foreman = post < model.foremen.size
        staff = model.foremen if is_foreman else model.engineers
        index = int(post if is_foreman else post - model.foremen.size)
        old = int(staff.agent_id[index])
        label = "foreman" if is_foreman else "engineer"
        charge = "sabotage of the Stakhanovite movement" if is_foreman else "wrecking"
        model.log(
            "accusation",
            target=old,
            detail=f"{label} accused of {charge}; plan missed by {shortfall:.0%}",
        )
        new = model.replace_staff(staff, index, cfg.replacement_experience)
        model.log("removal", actor=new, target=old, detail=f"{label} removed and replaced")
        model.accusations_this_shift += 1


def _forgive(model: MineModel) -> None:
    """A new plan period starts: foot-dragging is counted afresh."""
    model.foremen.sabotage_count[:] = 0
    model.engineers.sabotage_count[:] = 0
