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

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel


def intended_output(model: MineModel) -> np.ndarray:
    """Tons each hewer would cut this shift with all the supplies he needs."""
    w, cfg, rec = model.workforce, model.config.production, model.config.records
    h = w.hewer
    noise = model.rng.standard_normal(w.n_hewer_slots)  # lognormal with mean 1, in place
    noise *= cfg.noise_sigma
    noise -= cfg.noise_sigma**2 / 2
    np.exp(noise, out=noise)
    tons = np.empty(w.n_hewer_slots)
    _intended_output(
        h(w.skill), h(w.eager), h(w.resentment), h(w.support), h(w.fatigue), h(w.harm),
        h(w.employed), h(w.helpers), model.foremen.experience, noise, model.attempt_slots,
        w.hewers, model.intensity, cfg.campaign_effort, cfg.restriction, cfg.foreman_effect,
        cfg.base_output_tons, cfg.fatigue_effect, rec.record_effort,
        rec.special_conditions_multiplier, rec.helpers_per_record, rec.helper_elasticity, tons,
    )  # fmt: skip
    return tons


@kernel
def _intended_output(
    skill, eager, resentment, support, fatigue, harm, employed, helpers, foreman_experience,
    noise, attempts, hewers, intensity, campaign_effort, restriction, foreman_effect,
    base_tons, fatigue_effect, record_effort, conditions_multiplier, helpers_per_record,
    helper_elasticity, tons,
):  # fmt: skip
    """Each hewer's tons (at least 0): an ordinary shift, or a record attempt.

    On an ordinary shift effort rises with the campaign and his eagerness and falls with his
    resentment, and support is what his timbermen leave him. A record attempt replaces both
    with going all out under special conditions, whose multiplier grows with the timbermen
    behind him (Izotov's 600 t took 12); with ``special_conditions_multiplier`` 1 and no
    helpers it is an all-out shift on an ordinary face. An inexperienced foreman organises
    either worse.
    """
    for s in range(foreman_experience.size):
        organisation = 1 - foreman_effect * (1 - foreman_experience[s])
        for k in range(s * hewers, (s + 1) * hewers):
            effort = 1 + campaign_effort * intensity * eager[k] - restriction * resentment[k]
            cut = (
                base_tons * skill[k] * effort * support[k] * organisation * noise[k]
                * (1 - fatigue_effect * fatigue[k]) * (1 - harm[k]) * employed[k]
            )  # fmt: skip
            tons[k] = max(cut, 0.0)
    for k in attempts:
        organisation = 1 - foreman_effect * (1 - foreman_experience[k // hewers])
        conditions = (
            conditions_multiplier
            * ((helpers[k] + 1) / (helpers_per_record + 1)) ** helper_elasticity
        )
        fresh = (1 - fatigue_effect * fatigue[k]) * (1 - harm[k])
        cut = base_tons * skill[k] * record_effort * conditions * fresh * (organisation * noise[k])
        tons[k] = max(cut, 0.0)


def realise(model: MineModel, intended: np.ndarray, supply_factor: np.ndarray) -> None:
    """Output after supplies and breakdowns, fulfilment against each section's norm.

    Also sets the mine's output this shift, counting the coal of miners who quit at its end.
    """
    w = model.workforce
    model.section_pace = np.empty(w.sections)
    model.output_this_shift = _realise(
        intended, supply_factor, model.broken, model.config.equipment.broken_output_share,
        model.norm_tons, model.baseline_need, w.hewers, w.hewer(w.output_tons),
        w.hewer(w.fulfilment), model.section_pace,
    )  # fmt: skip


@kernel
def _realise(
    intended, supply_factor, broken, broken_share, norm_tons, baseline_need, hewers, output,
    fulfilment, pace,
):  # fmt: skip
    """Each hewer's output and fulfilment; each section's output against its ordinary need.

    Returns the mine's output (tons).
    """
    mine = 0.0
    for s in range(norm_tons.size):
        equipment = broken_share if broken[s] else 1.0
        total = 0.0
        for k in range(s * hewers, (s + 1) * hewers):
            output[k] = intended[k] * supply_factor[k] * equipment
            fulfilment[k] = output[k] / norm_tons[s]
            total += output[k]
        pace[s] = total / baseline_need[s]
        mine += total
    return mine


def tire(model: MineModel) -> None:
    """Fatigue builds with every norm worked above one and fades with rest."""
    w, cfg = model.workforce, model.config.production
    _tire(w.hewer(w.fatigue), w.hewer(w.fulfilment), cfg.fatigue_gain, cfg.fatigue_recovery)


@kernel
def _tire(fatigue, fulfilment, gain, recovery):
    """Fatigue from the norms worked above one, then recovery, kept in 0..1."""
    for k in range(fatigue.size):
        tired = (fatigue[k] + gain * max(fulfilment[k] - 1, 0.0)) * (1 - recovery)
        fatigue[k] = min(max(tired, 0.0), 1.0)
