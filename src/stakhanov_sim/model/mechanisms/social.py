"""Resentment and sanctions against rate-busters.

Even before the norm revision of early 1936, workers who had not been favoured with the
best conditions and struggled to meet their norms "expressed resentment of Stakhanovites by
verbally and even physically abusing them" (Siegelbaum, *Seventeen Moments*); in December 1935 a Stakhanovite
was murdered at a Stalino mine (TIME, 16 Dec 1935). Resentment here rises with relative
deprivation (the pay gap to the section's Stakhanovites; Epstein 2002), with losing
timbermen and supplies to the favoured, with failing the norm, with workmates' new titles
and privileges, and with norm raises; it spreads among workmates and fades slowly. Above a
threshold, resentful miners sanction rate-busters in their section (Roy 1952; Kitts 2006):
the victim's output and eagerness for records fall.

Writes miners' resentment, harm, eagerness, ``times_abused`` and ``sanctioned``; hands on
this shift's ``Sanctions``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.network import Network
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import alike, varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.streams import Stream, slot_uniform
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = (
    "deprivation_gain", "privilege_gain", "support_loss_gain", "failure_gain", "norm_raise_gain",
    "contagion", "decay", "threshold", "rate", "rate_buster_fulfilment", "violence_share", "harm",
    "violence_harm", "recovery", "fear", "supervisor_rate",
)  # fmt: skip


class Params(NamedTuple):
    """Every field is each run's (``runs.varying``, ``PER_RUN_FIELDS``)."""

    deprivation_gain: np.ndarray
    privilege_gain: np.ndarray
    support_loss_gain: np.ndarray
    failure_gain: np.ndarray
    norm_raise_gain: np.ndarray
    contagion: np.ndarray
    decay: np.ndarray
    threshold: np.ndarray  # resentment above which a miner may sanction
    rate: np.ndarray  # chance of sanctioning at full resentment
    rate_buster_fulfilment: np.ndarray
    violence_share: np.ndarray
    harm: np.ndarray  # harm of one act of abuse
    violence_harm: np.ndarray  # a beating's harm, in acts of abuse
    recovery: np.ndarray
    fear: np.ndarray  # share of a victim's eagerness lost
    supervisor_rate: np.ndarray  # chance a foot-dragging section's supervisors abuse a Stakhanovite


def params(s: Scenario) -> Params:
    c = s.social
    return Params(
        deprivation_gain=varying(c.deprivation_gain),
        privilege_gain=varying(c.privilege_gain),
        support_loss_gain=varying(c.support_loss_gain),
        failure_gain=varying(c.failure_gain),
        norm_raise_gain=varying(c.norm_raise_gain),
        contagion=varying(c.contagion),
        decay=varying(c.decay),
        threshold=varying(c.sanction_threshold),
        rate=varying(c.sanction_rate),
        rate_buster_fulfilment=varying(c.rate_buster_fulfilment),
        violence_share=varying(c.violence_share),
        harm=varying(c.harm_per_sanction),
        violence_harm=varying(c.violence_harm),
        recovery=varying(c.harm_recovery),
        fear=varying(s.records.fear_after_sanction),
        supervisor_rate=varying(c.supervisor_sanction_rate),
    )


class Miners(NamedTuple):
    """Every slot's arrays that resentment and sanctions read or change."""

    resentment: np.ndarray
    employed: np.ndarray
    stakhanovite: np.ndarray
    wage_rubles: np.ndarray
    section: np.ndarray
    run: np.ndarray
    local_slot: np.ndarray
    harm: np.ndarray
    sanctioned: np.ndarray
    times_abused: np.ndarray
    eager: np.ndarray


class HewersAtWork(NamedTuple):
    """The hewers' (flat) arrays of this shift's work that they may resent."""

    support: np.ndarray
    supply_factor: np.ndarray
    fulfilment: np.ndarray


class HewersAtFace(NamedTuple):
    """Hewers' ``(sections, hewers)`` views that make a man a rate-buster."""

    employed: np.ndarray
    stakhanovite: np.ndarray
    fulfilment: np.ndarray


class Sanctions(NamedTuple):
    """This shift's sanctions in each run."""

    count: np.ndarray
    on_stakhanovites: np.ndarray


def update_resentment(
    w: Workforce,
    sections: Sections,
    network: Network,
    supply_factor: np.ndarray,
    new_titles: np.ndarray,
    norm_raise: np.ndarray,
    p: Params,
) -> None:
    """Add this shift's grievances, let resentment spread and fade, keep it in 0..1.

    Args:
        supply_factor: ``(sections, hewers)``, each hewer's share of his supplies.
        new_titles: titles conferred in each section this shift.
        norm_raise: the share norms were raised by before this shift in each run (0 on most
            shifts).
    """
    hewers = HewersAtWork(w.hewer(w.support), supply_factor.ravel(), w.hewer(w.fulfilment))
    _add_grievances(
        tuple(w.arrays(Miners)), tuple(hewers), sections.norm_tons, sections.piece_rate,
        new_titles, norm_raise * p.norm_raise_gain, tuple(p),  # (each run's raise and gain)
    )  # fmt: skip
    r = w.resentment
    _spread_and_fade(r, network.mean(r), w.employed, w.run, p.contagion, p.decay)


@kernel
def _add_grievances(miners, hewers, norm_tons, piece_rate, new_titles, norm_raise, p):
    """This shift's grievances of every ordinary miner (``norm_raise``, each run's, falls on
    everyone).

    Relative deprivation is the pay gap to the mean wage of the section's Stakhanovites, in
    base norm wages (the norm at the piece rate; 0..1); privilege is workmates' new titles; hewers (the first slots)
    also resent the timbermen and supplies they lost to the favoured, and failing the norm.
    """
    miners, hewers, p = Miners(*miners), HewersAtWork(*hewers), Params(*p)  # (see compiled)
    r, employed, stakhanovite = miners.resentment, miners.employed, miners.stakhanovite
    wage, section, run = miners.wage_rubles, miners.section, miners.run  # into locals
    # (arrays read from a record in a loop cost a reference count each time: see production)
    support, supply_factor, fulfilment = hewers.support, hewers.supply_factor, hewers.fulfilment
    deprivation_gain, privilege_gain = p.deprivation_gain, p.privilege_gain  # each run's
    support_loss_gain, failure_gain = p.support_loss_gain, p.failure_gain
    n_hewers = fulfilment.size
    sections = norm_tons.size
    stakh_wage, n_stakh = np.zeros(sections), np.zeros(sections)
    for k in range(n_hewers):  # the title is a hewer's
        if stakhanovite[k]:
            stakh_wage[section[k]] += wage[k]
            n_stakh[section[k]] += 1
    for s in range(sections):
        if n_stakh[s] > 0:
            stakh_wage[s] /= n_stakh[s]
    for k in range(r.size):
        s, v = section[k], run[k]
        if employed[k] and not stakhanovite[k]:
            deprivation = 0.0
            if n_stakh[s] > 0:
                base_wage = norm_tons[s] * piece_rate[s]
                deprivation = min(max((stakh_wage[s] - wage[k]) / base_wage, 0.0), 1.0)
            r[k] += deprivation_gain[v] * deprivation + privilege_gain[v] * new_titles[s]
            if k < n_hewers:
                loss = min(max(1 - support[k] * supply_factor[k], 0.0), 1.0)
                r[k] += support_loss_gain[v] * loss + failure_gain[v] * (fulfilment[k] < 1)
        if employed[k]:
            r[k] += norm_raise[v]


@kernel
def _spread_and_fade(r, workmates, employed, run, contagion, decay):
    """Close part of the gap to workmates' mean, fade, empty vacant slots, keep in 0..1
    (``contagion`` and ``decay``: each run's). Runs that share their values (an ensemble's)
    take the loop without a look-up per slot, which the compiler vectorises."""
    if alike(contagion) and alike(decay):
        _fade(r, workmates, employed, contagion[0], decay[0])
        return
    for k in range(r.size):
        c, d = contagion[run[k]], decay[run[k]]
        value = (r[k] + c * (workmates[k] - r[k])) * (1 - d) if employed[k] else 0.0
        r[k] = min(max(value, 0.0), 1.0)


@kernel
def _fade(r, workmates, employed, contagion, decay):
    for k in range(r.size):
        value = (r[k] + contagion * (workmates[k] - r[k])) * (1 - decay) if employed[k] else 0.0
        r[k] = min(max(value, 0.0), 1.0)


def sanction(stream: Stream, w: Workforce, p: Params, log: EventLog) -> Sanctions:
    """Resentful miners abuse rate-busters of their own section; victims are harmed.

    Each slot has one uniform number a shift (``streams.slot_uniform``) that decides whether
    its miner sanctions; the same number, rescaled, picks his victim and whether he uses
    violence. So the stream's use does not depend on how many are angry, and a
    counterfactual run keeps step with it.
    """
    perpetrators, victims, violent, on_stakhanovites = _sanction(
        stream.keys(), tuple(w.arrays(Miners)), tuple(w.views(HewersAtFace)), tuple(p)
    )
    if victims.size and log.keeps("sanction"):
        details = np.where(violent, "violence", "verbal abuse")
        log.add_many(
            "sanction", w.agent_id[perpetrators], w.agent_id[victims], details, w.run[victims]
        )
    return Sanctions(np.bincount(w.run[victims], minlength=w.runs), on_stakhanovites)


def supervisors_sanction(
    stream: Stream, w: Workforce, refusing: np.ndarray, p: Params, log: EventLog
) -> Sanctions:
    """The lower supervisors of a foot-dragging section abuse one of its Stakhanovites.

    Assistant foremen, checkweighers and electricians stood between the foreman and the face;
    at a Stalino mine in 1935 two assistant foremen, a checkweigher and an electrician were
    arrested for murdering a Stakhanovite who had reported them (TIME, 16 Dec 1935). Where
    the foreman refuses special conditions, his supervisors turn on a Stakhanovite with
    ``social.supervisor_sanction_rate`` a shift. Three draws per section every shift.
    """
    per_run = w.sections // w.runs  # each run's three rows, laid side by side
    draw = stream.uniform(3 * per_run).reshape(w.runs, 3, per_run).transpose(1, 0, 2)
    draw = draw.reshape(3, w.sections)
    by = w.by_section
    victims, violent = _supervisors(
        draw, refusing, by(w.stakhanovite), by(w.employed), p.supervisor_rate,
        p.violence_share, w.run_of_section,
    )  # fmt: skip
    if victims.size:
        theirs = w.run[victims]  # each victim's run, whose values apply
        harm = p.harm[theirs] * np.where(violent, p.violence_harm[theirs], 1.0)
        w.harm[victims] = np.minimum(w.harm[victims] + harm, 1.0)
        w.times_abused[victims] += 1
        w.eager[victims] *= 1 - p.fear[theirs]
        w.sanctioned[victims] = True
    if victims.size and log.keeps("sanction"):
        details = np.where(violent, "violence by lower supervisors", "abuse by lower supervisors")
        log.add_many(
            "sanction", np.full(victims.size, -1), w.agent_id[victims], details, w.run[victims]
        )
    count = np.bincount(w.run[victims], minlength=w.runs)
    return Sanctions(count, count)


@kernel
def _supervisors(draw, refusing, stakhanovite, employed, rate, violence_share, run_of_section):
    """Victims (hewer slots) of supervisors' abuse this shift, and whether it was violent:
    employed Stakhanovites of a refusing foreman's section (``rate`` and ``violence_share``:
    each run's)."""
    sections, hewers = stakhanovite.shape
    victims = np.empty(sections, dtype=np.intp)
    violent = np.empty(sections, dtype=np.bool_)
    n = 0
    for s in range(sections):
        count = 0
        for j in range(hewers):
            count += stakhanovite[s, j] and employed[s, j]
        if not refusing[s] or count == 0 or not draw[0, s] < rate[run_of_section[s]]:
            continue
        pick = min(int(draw[1, s] * count), count - 1)
        j = 0
        while not (stakhanovite[s, j] and employed[s, j]) or pick > 0:
            pick -= stakhanovite[s, j] and employed[s, j]
            j += 1
        victims[n] = s * hewers + j
        violent[n] = draw[2, s] < violence_share[run_of_section[s]]
        n += 1
    return victims[:n], violent[:n]


@kernel
def _sanction(keys, miners, hewers, p):
    """Heal last shifts' harm; each angry miner sanctions with a chance; harm the victims.

    A miner above the threshold sanctions when his ``draw < chance``; then ``draw / chance`` is
    again uniform, and its integer and fractional parts of ``x busters`` pick the victim
    among his section's rate-busters (employed Stakhanovites, or hewers at or above
    ``rate_buster_fulfilment``) and decide on violence. Each slot's number comes from its
    run's key (``keys``) and its number in the run. Returns perpetrators, victims (hewer
    slots), whether each act was violent, and how many victims held the title in each run.
    """
    miners, hewers, p = Miners(*miners), HewersAtFace(*hewers), Params(*p)  # (see compiled)
    harm, sanctioned, employed = miners.harm, miners.sanctioned, miners.employed
    stakhanovite, resentment, section = miners.stakhanovite, miners.resentment, miners.section
    times_abused, eager = miners.times_abused, miners.eager  # arrays into locals (production)
    run, local_slot = miners.run, miners.local_slot
    sections, n_hewers = hewers.fulfilment.shape
    busters = np.zeros((sections, n_hewers), dtype=np.bool_)
    count = np.full(sections, -1)  # each section's rate-busters, counted when first needed
    perpetrators = np.empty(harm.size, dtype=np.intp)
    victims = np.empty(harm.size, dtype=np.intp)
    violent = np.empty(harm.size, dtype=np.bool_)
    n = 0
    on_stakhanovites = np.zeros(keys.size, dtype=np.int64)
    thresholds, rates, violence_shares = p.threshold, p.rate, p.violence_share  # each run's
    bars, hurt, beaten, recovery, fear = (
        p.rate_buster_fulfilment, p.harm, p.violence_harm, p.recovery, p.fear
    )  # fmt: skip
    for k in range(harm.size):
        harm[k] *= 1 - recovery[run[k]]
        sanctioned[k] = False  # (victims are harmed after this pass)
        threshold = thresholds[run[k]]
        if not employed[k] or stakhanovite[k] or resentment[k] <= threshold:
            continue
        s = section[k]
        if count[s] < 0:
            count[s] = _find_busters(s, hewers, bars[run[k]], busters[s])
        chance = rates[run[k]] * (resentment[k] - threshold) / max(1 - threshold, 1e-9)
        draw = slot_uniform(keys[run[k]], local_slot[k])
        if count[s] == 0 or not draw < chance:
            continue
        scaled = draw / chance * count[s]
        pick = min(int(scaled), count[s] - 1)
        j = 0
        while not busters[s, j] or pick > 0:
            pick -= busters[s, j]
            j += 1
        perpetrators[n], victims[n] = k, s * n_hewers + j  # the hewer slot of (s, j)
        violent[n] = scaled - int(scaled) < violence_shares[run[k]]
        n += 1
    for i in range(n):
        v = victims[i]
        harm[v] += hurt[run[v]] * (beaten[run[v]] if violent[i] else 1.0)
        times_abused[v] += 1
        if not sanctioned[v]:  # a man abused twice in a shift loses his nerve once
            eager[v] *= 1 - fear[run[v]]
            sanctioned[v] = True
        on_stakhanovites[run[v]] += stakhanovite[v]
    for i in range(n):
        harm[victims[i]] = min(max(harm[victims[i]], 0.0), 1.0)
    return perpetrators[:n], victims[:n], violent[:n], on_stakhanovites


@kernel
def _find_busters(s, hewers, fulfilment_bar, busters):
    """Mark section ``s``'s rate-busters in ``busters`` (its row); how many."""
    employed, stakhanovite, fulfilment = (
        hewers.employed[s],
        hewers.stakhanovite[s],
        hewers.fulfilment[s],
    )
    count = 0
    for j in range(busters.size):
        busters[j] = employed[j] and (stakhanovite[j] or fulfilment[j] >= fulfilment_bar)
        count += busters[j]
    return count
