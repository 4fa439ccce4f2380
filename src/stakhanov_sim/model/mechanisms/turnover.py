"""Quits and hiring: the coal mines' chronic labour turnover.

Soviet coal miners' annual turnover (all-USSR figures, not the Donbas alone) was 95% in 1934,
113% in 1936 and 114% in 1937, highest among hewers (Kuromiya 1998). A miner leaves on a shift with a small chance that rises with
his resentment, after he has been abused, and when his recent wage has fallen below what
he earned before the campaign (``social.quit_low_pay``); the mine refills most vacancies at once with
recruits from the countryside, who are less skilled and start without grievances; they
grow into their full skill on the job.

Hands on the slots that fall vacant and the slots to be filled; the model moves the Mesa
agents and draws the recruits (``MineModel.hire_into``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.streams import Stream, slot_uniform
from stakhanov_sim.model.workforce import HEWER, Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("quit_rate", "quit_resentment")


class Params(NamedTuple):
    quit_rate: np.ndarray  # each run's (``runs.varying``), as is the resentment's weight
    quit_resentment: np.ndarray
    hire_rate: float
    skill_learning: float
    quit_low_pay: float
    wage_memory: float  # share of the gap to this shift's wage the remembered wage closes
    hewer_wage: float  # a hewer's pre-campaign wage: the norm at the base rate
    support_wage: float  # a timberman's or hauler's time rate


def params(s: Scenario) -> Params:
    c = s.social
    return Params(
        varying(c.quit_rate),
        varying(c.quit_resentment),
        c.hire_rate,
        c.skill_learning,
        quit_low_pay=c.quit_low_pay,
        wage_memory=2.0 / (c.wage_memory_shifts + 1),
        hewer_wage=s.norms.initial_norm_tons * s.pay.base_rate_rubles_per_ton,
        support_wage=s.pay.support_time_rate_rubles,
    )


def expected_wage(trade: np.ndarray, p: Params) -> np.ndarray:
    """What a miner of each trade earned a shift before the campaign (his yardstick)."""
    return np.where(trade == HEWER, *expected_wages(p))


def expected_wages(p: Params) -> tuple[float, float]:
    """The wage a hewer, and a timberman or hauler, expects (what a recruit remembers)."""
    return p.hewer_wage, p.support_wage


def remember_wages(w: Workforce, p: Params) -> None:
    """Each miner's remembered wage moves toward this shift's (a moving average)."""
    _remember(w.ema_wage, w.wage_rubles, w.employed, p.wage_memory)


@kernel
def _remember(memory, wage, employed, alpha):
    for k in range(memory.size):
        if employed[k]:
            memory[k] += alpha * (wage[k] - memory[k])


def quit_mine(stream: Stream, w: Workforce, p: Params, log: EventLog) -> np.ndarray:
    """Miners who leave this shift; their slots fall vacant (returned).

    One uniform draw per slot, filled or not: a counterfactual run then uses the same
    numbers for the same slots, and its quits differ only where its miners' states do.
    """
    draw = stream.uniform_slots()
    leaving = _leavers(
        draw, w.employed, w.resentment, w.sanctioned, w.ema_wage, w.trade, w.run, tuple(p)
    )
    if leaving.size:
        log.add_many("quit", w.agent_id[leaving], detail="left the mine", runs=w.run[leaving])
        w.vacate(leaving)
    return leaving


@kernel
def _leavers(draw, employed, resentment, sanctioned, remembered, trade, run, p):
    """Slots whose miner leaves: a base chance, raised by resentment, abuse and low pay
    (his remembered wage below his trade's, ``expected_wage``)."""
    p = Params(*p)  # a record arrives as a plain tuple (see compiled)
    quit_rate, quit_resentment = p.quit_rate, p.quit_resentment  # each run's
    leaving = np.empty(draw.size, dtype=np.intp)
    n = 0
    for k in range(draw.size):
        grievance = max(resentment[k], 1.0 if sanctioned[k] else 0.0)
        expected = p.hewer_wage if trade[k] == HEWER else p.support_wage
        low_pay = min(max(1.0 - remembered[k] / expected, 0.0), 1.0) if expected > 0 else 0.0
        chance = (
            quit_rate[run[k]]
            * (1 + quit_resentment[run[k]] * grievance)
            * (1 + p.quit_low_pay * low_pay)
        )
        if employed[k] and draw[k] < chance:
            leaving[n] = k
            n += 1
    return leaving[:n]


def vacancies_filled(stream: Stream, w: Workforce, p: Params) -> np.ndarray:
    """The vacant slots the mine fills this shift (``social.hire_rate`` of them).

    Each vacant slot has its own uniform number a shift (``streams.slot_uniform``), so the
    choice keeps step across runs however many slots are vacant.
    """
    return _filled(stream.keys(), w.employed, w.run, w.local_slot, p.hire_rate)


@kernel
def _filled(keys, employed, run, local_slot, hire_rate):
    """The vacant slots, in order, whose number (from its run's key and its number in the
    run) falls under the hire rate."""
    filled = np.empty(employed.size, dtype=np.intp)
    n = 0
    for k in range(employed.size):
        if not employed[k] and slot_uniform(keys[run[k]], local_slot[k]) < hire_rate:
            filled[n] = k
            n += 1
    return filled[:n]


def learn(w: Workforce, p: Params) -> None:
    """Newcomers grow into their full skill at the face."""
    _learn(w.skill, w.potential, p.skill_learning)


@kernel
def _learn(skill, potential, rate):
    """Each miner closes ``rate`` of the gap between his skill and his full skill."""
    for k in range(skill.size):
        skill[k] += rate * (potential[k] - skill[k])
