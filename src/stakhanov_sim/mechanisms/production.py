"""Production: what each hewer cuts this shift, and what leaves the face.

A hewer's output is his ordinary output (``production.base_output_tons``, about 5-7 t a
shift with a pneumatic pick in 1935) scaled by skill, effort, support from timbermen,
supplies, equipment, fatigue, harm from abuse, his foreman's experience and noise. A record
attempt replaces effort and support with going all out under special conditions: with them
a record shift reaches 10-15 norms (Stakhanov: 102 t against 7 t); without them, little
more than 1-2 norms. Campaign storming raises effort for a while and fatigue after it;
resentful workers restrict output (Roy 1952).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel


def intended_output(model: MineModel) -> np.ndarray:
    """Tons each hewer would cut this shift with all the supplies he needs."""
    w, cfg = model.workforce, model.config.production
    h = w.hewer
    effort = (
        1 + cfg.campaign_effort * model.intensity * h(w.eager) - cfg.restriction * h(w.resentment)
    )
    organisation = np.repeat(1 - cfg.foreman_effect * (1 - model.foremen.experience), w.hewers)
    noise = np.exp(
        cfg.noise_sigma * model.rng.standard_normal(w.n_hewer_slots) - cfg.noise_sigma**2 / 2
    )
    tons = (
        cfg.base_output_tons * h(w.skill) * effort * h(w.support) * organisation * noise
        * (1 - cfg.fatigue_effect * h(w.fatigue)) * (1 - h(w.harm)) * h(w.employed)
    )  # fmt: skip
    slots = model.attempt_slots
    if slots.size:
        tons[slots] = _record_output(model, slots, organisation[slots] * noise[slots])
    return np.maximum(tons, 0.0)


def _record_output(model: MineModel, slots: np.ndarray, luck: np.ndarray) -> np.ndarray:
    """Tons of a record attempt: all-out effort times the special conditions granted.

    The multiplier grows with the timbermen behind the hewer (Izotov's 600 t took 12); with
    ``special_conditions_multiplier`` 1 and no helpers it is an all-out shift on an
    ordinary face.
    """
    w = model.workforce
    rec, prod = model.config.records, model.config.production
    helpers = w.helpers[slots]
    conditions = (
        rec.special_conditions_multiplier
        * ((helpers + 1) / (rec.helpers_per_record + 1)) ** rec.helper_elasticity
    )
    fresh = (1 - prod.fatigue_effect * w.fatigue[slots]) * (1 - w.harm[slots])
    return prod.base_output_tons * w.skill[slots] * rec.record_effort * conditions * fresh * luck


def realise(model: MineModel, intended: np.ndarray, supply_factor: np.ndarray) -> None:
    """Output after supplies and breakdowns; fulfilment against each section's norm."""
    w = model.workforce
    equipment = np.where(model.broken, model.config.equipment.broken_output_share, 1.0)
    output = w.by_section(w.output_tons)
    output[:] = (intended * supply_factor).reshape(output.shape) * equipment[:, None]
    w.by_section(w.fulfilment)[:] = output / model.norm_tons[:, None]
    model.section_pace = output.sum(axis=1) / model.baseline_need


def tire(model: MineModel) -> None:
    """Fatigue builds with every norm worked above one and fades with rest."""
    w, cfg = model.workforce, model.config.production
    fatigue = w.hewer(w.fatigue)
    fatigue += cfg.fatigue_gain * np.maximum(w.hewer(w.fulfilment) - 1, 0.0)
    fatigue *= 1 - cfg.fatigue_recovery
    np.clip(fatigue, 0.0, 1.0, out=fatigue)
