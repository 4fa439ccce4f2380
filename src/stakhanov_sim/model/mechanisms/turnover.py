"""Quits and hiring: the Donbas's chronic labour turnover.

Donbas miners' annual turnover was 95% in 1934, 113% in 1936 and 114% in 1937, highest
among hewers (Kuromiya 1998). A miner leaves on a shift with a small chance that rises with
his resentment and after he has been abused; the mine refills most vacancies at once with
recruits from the countryside, who are less skilled and start without grievances; they
grow into their full skill on the job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel


def quit_mine(model: MineModel) -> None:
    """Miners who leave this shift; their slots fall vacant.

    One uniform draw per slot, whether or not it is filled: the scenario and its
    counterfactual then use the same numbers for the same miners, so comparing them shows
    the difference their states make rather than the luck of the draw.
    """
    w, cfg = model.workforce, model.config.social
    draw = model.rng.random(w.size)
    leaving = _leavers(
        draw, w.employed, w.resentment, w.sanctioned, cfg.quit_rate, cfg.quit_resentment
    )
    model.quits_this_shift = int(leaving.size)
    if leaving.size:
        model.log_many("quit", w.agent_id[leaving], detail="left the mine")
        model.retire_miners(leaving)
        w.vacate(leaving)


@kernel
def _leavers(draw, employed, resentment, sanctioned, quit_rate, quit_resentment):
    """Slots whose miner leaves: a base chance, raised by resentment or by being abused."""
    leaving = np.empty(draw.size, dtype=np.intp)
    n = 0
    for k in range(draw.size):
        grievance = max(resentment[k], 1.0 if sanctioned[k] else 0.0)
        if employed[k] and draw[k] < quit_rate * (1 + quit_resentment * grievance):
            leaving[n] = k
            n += 1
    return leaving[:n]


def hire(model: MineModel) -> None:
    """Fill vacant slots with newcomers (``social.hire_rate`` of vacancies each shift)."""
    w, cfg = model.workforce, model.config.social
    vacant = _vacancies(w.employed)
    slots = vacant[model.rng.random(vacant.size) < cfg.hire_rate]
    model.hires_this_shift = int(slots.size)
    if slots.size == 0:
        return
    model.hire_into(slots, start=cfg.recruit_skill)


@kernel
def _vacancies(employed):
    """The vacant slots, in order."""
    vacant = np.empty(employed.size, dtype=np.intp)
    n = 0
    for k in range(employed.size):
        if not employed[k]:
            vacant[n] = k
            n += 1
    return vacant[:n]


def learn(model: MineModel) -> None:
    """Newcomers grow into their full skill at the face."""
    w = model.workforce
    _learn(w.skill, w.potential, model.config.social.skill_learning)


@kernel
def _learn(skill, potential, rate):
    """Each miner closes ``rate`` of the gap between his skill and his full skill."""
    for k in range(skill.size):
        skill[k] += rate * (potential[k] - skill[k])
