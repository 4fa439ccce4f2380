"""Resentment and sanctions against rate-busters.

Even before the norm revision of early 1936, workers who had not been favoured with the
best conditions and struggled to meet their norms "expressed resentment of Stakhanovites by
verbally and even physically abusing them" (seed text); in December 1935 a Stakhanovite
was murdered at a Stalino mine (TIME, 16 Dec 1935). Resentment here rises with relative
deprivation (the pay gap to the section's Stakhanovites; Epstein 2002), with losing
timbermen and supplies to the favoured, with failing the norm, with workmates' new titles
and privileges, and with norm raises; it spreads among workmates and fades slowly. Above a
threshold, resentful miners sanction rate-busters in their section (Roy 1952; Kitts 2006):
the victim's output and eagerness for records fall.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel

VIOLENCE_HARM = 2.0  # a beating harms twice as much as abuse (assumption)
CONTAGION = 0.05  # share of the gap to workmates' mean resentment closed each shift (assumption)


def update_resentment(model: MineModel) -> None:
    """Add this shift's grievances, let resentment spread and fade, keep it in 0..1."""
    w, cfg = model.workforce, model.config.social
    r = w.resentment
    ordinary = w.employed & ~w.stakhanovite
    grievance = cfg.deprivation_gain * _deprivation(model)
    if model.new_titles_by_section.any():  # most shifts nobody earns the title
        grievance += cfg.privilege_gain * model.new_titles_by_section[w.section]
    r += ordinary * grievance
    h_ordinary = w.hewer(ordinary)
    loss = 1 - w.hewer(w.support) * model.supply_factor
    w.hewer(r)[:] += h_ordinary * (
        cfg.support_loss_gain * np.clip(loss, 0, 1) + cfg.failure_gain * (w.hewer(w.fulfilment) < 1)
    )
    if model.norm_raise_today:
        r += model.norm_raise_today * cfg.norm_raise_gain * w.employed
    r += CONTAGION * (model.network.mean(r) - r)
    r *= (1 - cfg.decay) * w.employed
    np.clip(r, 0.0, 1.0, out=r)


def _deprivation(model: MineModel) -> np.ndarray:
    """Each miner's pay gap to his section's mean Stakhanovite wage, in base norm wages (0..1)."""
    w = model.workforce
    stakh = w.by_section(w.stakhanovite)
    n = stakh.sum(axis=1)
    if not n.any():  # no Stakhanovites yet: nobody to envy
        return np.zeros(w.size)
    stakh_wage = np.divide(
        (w.by_section(w.wage_rubles) * stakh).sum(axis=1), n, out=np.zeros(w.sections), where=n > 0
    )
    base_wage = model.norm_tons * model.piece_rate
    gap = (stakh_wage[w.section] - w.wage_rubles) / base_wage[w.section]
    return np.clip(gap, 0.0, 1.0) * (n[w.section] > 0)


def sanction(model: MineModel) -> None:
    """Resentful miners abuse rate-busters of their own section; victims are harmed."""
    w, cfg = model.workforce, model.config.social
    w.harm *= 1 - cfg.harm_recovery
    w.sanctioned[:] = False
    threshold = cfg.sanction_threshold
    angry = np.flatnonzero(w.employed & ~w.stakhanovite & (w.resentment > threshold))
    if angry.size == 0:
        return
    chance = cfg.sanction_rate * (w.resentment[angry] - threshold) / max(1 - threshold, 1e-9)
    perpetrators = angry[model.rng.random(angry.size) < chance]
    busters = w.by_section(w.employed) & (
        w.by_section(w.stakhanovite) | (w.by_section(w.fulfilment) >= cfg.rate_buster_fulfilment)
    )
    count = busters.sum(axis=1)
    perpetrators = perpetrators[count[w.section[perpetrators]] > 0]
    if perpetrators.size == 0:
        return
    rows = w.section[perpetrators]
    pick = np.floor(model.rng.random(rows.size) * count[rows]).astype(int)
    cols = np.argmax(np.cumsum(busters[rows], axis=1) > pick[:, None], axis=1)
    victims = rows * w.hewers + cols
    violent = model.rng.random(victims.size) < cfg.violence_share
    np.add.at(w.harm, victims, cfg.harm_per_sanction * np.where(violent, VIOLENCE_HARM, 1.0))
    np.clip(w.harm, 0.0, 1.0, out=w.harm)
    np.add.at(w.times_abused, victims, 1)
    w.eager[victims] *= 1 - model.config.records.fear_after_sanction
    w.sanctioned[victims] = True
    model.sanctions_this_shift = int(victims.size)
    model.sanctions_on_stakhanovites += int(w.stakhanovite[victims].sum())
    details = np.where(violent, "violence", "verbal abuse")
    model.log_many("sanction", w.agent_id[perpetrators], w.agent_id[victims], details)
