"""Supply: timber, compressed air and empty wagons, and who gets them.

Managers concentrated supplies on the leading trades; campaigns broke down on supply and
tool shortages, and deliveries broke down (Siegelbaum 1988; Soviet-era economic histories).
Each shift the mine receives a finite, noisy delivery of each supply; each foreman serves
the hewers on special conditions first and shares the rest pro rata to need. Wagons come
from the railway, shared by all mines, and need haulers to move them.

Hands on ``Supplies``: each hewer's supply factor, each section's shortfall, and what was
delivered and allocated. Keeps no state of its own.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import HAULER, Workforce
from stakhanov_sim.scenarios.schema import Scenario

KINDS = ("timber", "air", "wagons")
# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = KINDS


class Params(NamedTuple):
    timber: np.ndarray  # each run's delivery of each kind, per ton of ordinary need
    air: np.ndarray  # (``runs.varying``)
    wagons: np.ndarray
    noise_sigma: float
    special_first: bool
    mines: int
    sections_per_mine: int


def params(s: Scenario) -> Params:
    c = s.supply
    return Params(
        timber=varying(c.timber_per_shift),
        air=varying(c.air_per_shift),
        wagons=varying(c.wagons_per_shift),
        noise_sigma=c.noise_sigma,
        special_first=c.special_conditions_first,
        mines=s.mine.mines,
        sections_per_mine=s.mine.sections,
    )


class Allocation(NamedTuple):
    """Arrays ``_allocate`` fills in."""

    factor: np.ndarray  # (sections, hewers)
    section_shortfall: np.ndarray
    shortfall: np.ndarray  # per run
    delivered: np.ndarray  # (runs, kinds)
    allocated: np.ndarray  # (runs, kinds)


class Supplies(NamedTuple):
    """This shift's deliveries and who got them."""

    factor: np.ndarray  # (sections, hewers): share of his need of the scarcest supply, 0..1
    section_shortfall: np.ndarray  # per section: share of its hewers' need not served
    shortfall: np.ndarray  # per run: the same over its sections
    delivered: np.ndarray  # (runs, kinds): tons' worth of each kind (``KINDS``) delivered
    allocated: np.ndarray  # ... and handed out


def allocate(
    stream: Stream,
    w: Workforce,
    sections: Sections,
    need: np.ndarray,
    p: Params,
) -> Supplies:
    """Deliver this shift's supplies and allocate them.

    Args:
        need: ``(sections, hewers)``, tons each hewer intends to cut this shift (supplies
            are needed per ton).
    """
    sigma = p.noise_sigma  # lognormal, mean 1: timber and air per mine, wagons per basin
    luck = np.exp(sigma * stream.normal(2 * p.mines + 1) - sigma**2 / 2).reshape(w.runs, -1)
    out = Allocation(
        factor=np.empty((w.sections, w.hewers)),
        section_shortfall=np.empty(w.sections),
        shortfall=np.empty(w.runs),
        delivered=np.zeros((w.runs, len(KINDS))),
        allocated=np.zeros((w.runs, len(KINDS))),
    )
    _allocate(
        need, w.by_section(w.special), w.by_section(w.employed, HAULER), sections.baseline_need,
        luck, tuple(p), tuple(out),
    )  # fmt: skip
    return Supplies(*out)


@kernel
def _allocate(need, special, haulers, baseline_need, luck, p, out):
    """Each section's deliveries, shares and shortfall, in one pass (see ``allocate``).

    Timber and air come to each mine (``level`` x its sections' ordinary need x the mine's
    noise); the railway's wagons come to the basin and are shared by need, then moved as far
    as each section's haulers allow. Each foreman serves his hewers on special conditions
    first (when ``special_first``), then the others pro rata; the scarcest supply decides.
    Each run (a row of ``luck``: timber per mine, air per mine, the basin's wagons) has its
    own basin.
    """
    p, out = Params(*p), Allocation(*out)  # plain tuples (see compiled)
    sections, hewers = need.shape
    runs = luck.shape[0]
    per_run = sections // runs
    timber, air, wagons = p.timber, p.air, p.wagons  # arrays into locals
    factor, section_shortfall = out.factor, out.section_shortfall
    need_special, need_other = np.zeros(sections), np.zeros(sections)
    section_need = np.zeros(sections)
    for s in range(sections):
        for j in range(hewers):
            section_need[s] += need[s, j]
            if special[s, j]:
                need_special[s] += need[s, j]
        need_other[s] = section_need[s] - need_special[s]
    for run in range(runs):
        first, last = run * per_run, (run + 1) * per_run
        delivered, allocated = out.delivered[run], out.allocated[run]
        timber_noise, air_noise = luck[run, : p.mines], luck[run, p.mines : -1]
        total_need = section_need[first:last].sum()
        basin = wagons[run] * baseline_need[first:last].sum() * luck[run, -1]
        served_total = 0.0
        for s in range(first, last):
            mine = (s - first) // p.sections_per_mine
            worst_special = worst_other = 1.0
            for kind in range(3):
                if kind == 0:
                    capacity = timber[run] * baseline_need[s] * timber_noise[mine]
                elif kind == 1:
                    capacity = air[run] * baseline_need[s] * air_noise[mine]
                else:
                    share = section_need[s] / total_need if total_need > 0 else 1 / per_run
                    crew = 1.0  # the share of the section's haulers at work
                    if haulers.shape[1]:
                        crew = haulers[s].sum() / haulers.shape[1]
                    capacity = basin * share * crew
                if p.special_first:
                    f_special = _share(capacity, need_special[s])
                    f_other = _share(capacity - f_special * need_special[s], need_other[s])
                else:
                    f_special = f_other = _share(capacity, need_special[s] + need_other[s])
                worst_special = min(worst_special, f_special)
                worst_other = min(worst_other, f_other)
                delivered[kind] += capacity
                allocated[kind] += f_special * need_special[s] + f_other * need_other[s]
            served = worst_special * need_special[s] + worst_other * need_other[s]
            served_total += served
            section_shortfall[s] = 1 - _share(served, section_need[s])
            for j in range(hewers):
                factor[s, j] = worst_special if special[s, j] else worst_other
        out.shortfall[run] = 1 - _share(served_total, total_need)


@kernel
def _share(capacity: float, need: float) -> float:
    """Share of ``need`` that ``capacity`` covers, in 0..1 (1 when nothing is needed)."""
    return min(max(capacity / need, 0.0), 1.0) if need > 0 else 1.0
