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

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

VIOLENCE_HARM = 2.0  # a beating harms twice as much as abuse (assumption)
CONTAGION = 0.05  # share of the gap to workmates' mean resentment closed each shift (assumption)


def update_resentment(model: MineModel) -> None:
    """Add this shift's grievances, let resentment spread and fade, keep it in 0..1."""
    w, cfg = model.workforce, model.config.social
    r = w.resentment
    _add_grievances(
        r, w.employed, w.stakhanovite, w.wage_rubles, w.section, w.hewers,
        w.hewer(w.support), model.supply_factor, w.hewer(w.fulfilment),
        model.norm_tons * model.piece_rate, model.new_titles_by_section,
        cfg.deprivation_gain, cfg.privilege_gain, cfg.support_loss_gain, cfg.failure_gain,
        model.norm_raise_today * cfg.norm_raise_gain,
    )  # fmt: skip
    _spread_and_fade(r, model.network.mean(r), w.employed, CONTAGION, cfg.decay)


@kernel
def _add_grievances(
    r, employed, stakhanovite, wage, section, hewers, support, supply_factor, fulfilment,
    base_wage, new_titles, deprivation_gain, privilege_gain, support_loss_gain, failure_gain,
    norm_raise,
):  # fmt: skip
    """This shift's grievances of every ordinary miner (``norm_raise`` falls on everyone).

    Relative deprivation is the pay gap to the mean wage of the section's Stakhanovites, in
    base norm wages (0..1); privilege is workmates' new titles; hewers also resent the
    timbermen and supplies they lost to the favoured, and failing the norm.
    """
    sections = base_wage.size
    stakh_wage, n_stakh = np.zeros(sections), np.zeros(sections)
    for k in range(sections * hewers):  # the title is a hewer's
        if stakhanovite[k]:
            stakh_wage[section[k]] += wage[k]
            n_stakh[section[k]] += 1
    for s in range(sections):
        if n_stakh[s] > 0:
            stakh_wage[s] /= n_stakh[s]
    for k in range(r.size):
        s = section[k]
        if employed[k] and not stakhanovite[k]:
            deprivation = 0.0
            if n_stakh[s] > 0:
                deprivation = min(max((stakh_wage[s] - wage[k]) / base_wage[s], 0.0), 1.0)
            r[k] += deprivation_gain * deprivation + privilege_gain * new_titles[s]
            if k < support.size:
                loss = min(max(1 - support[k] * supply_factor[k], 0.0), 1.0)
                r[k] += support_loss_gain * loss + failure_gain * (fulfilment[k] < 1)
        if employed[k]:
            r[k] += norm_raise


@kernel
def _spread_and_fade(r, workmates, employed, contagion, decay):
    """Close part of the gap to workmates' mean, fade, empty vacant slots, keep in 0..1."""
    for k in range(r.size):
        value = (r[k] + contagion * (workmates[k] - r[k])) * (1 - decay) if employed[k] else 0.0
        r[k] = min(max(value, 0.0), 1.0)


def sanction(model: MineModel) -> None:
    """Resentful miners abuse rate-busters of their own section; victims are harmed."""
    w, cfg = model.workforce, model.config.social
    threshold = cfg.sanction_threshold
    angry = _recover_and_find_angry(
        w.harm, w.sanctioned, w.employed, w.stakhanovite, w.resentment, cfg.harm_recovery, threshold
    )
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


@kernel
def _recover_and_find_angry(
    harm, sanctioned, employed, stakhanovite, resentment, recovery, threshold
):
    """Heal last shifts' harm, clear last shift's sanctions; the ordinary miners above threshold."""
    angry = np.empty(harm.size, dtype=np.intp)
    n = 0
    for k in range(harm.size):
        harm[k] *= 1 - recovery
        sanctioned[k] = False
        if employed[k] and not stakhanovite[k] and resentment[k] > threshold:
            angry[n] = k
            n += 1
    return angry[:n]
