"""Supply: timber, compressed air and empty wagons, and who gets them.

Managers concentrated supplies on the leading trades; campaigns broke down on supply and
tool shortages, and deliveries broke down (Siegelbaum 1988; Soviet-era economic histories).
Each shift the mine receives a finite, noisy delivery of each supply; each foreman serves
the hewers on special conditions first and shares the rest pro rata to need. Wagons come
from the railway, shared by all mines, and need haulers to move them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.workforce import HAULER

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

KINDS = ("timber", "air", "wagons")


def allocate(model: MineModel, need: np.ndarray) -> np.ndarray:
    """Deliver this shift's supplies and allocate them; returns each hewer's supply factor.

    Args:
        need: tons each hewer intends to cut this shift (supplies are needed per ton).

    Returns:
        per hewer, the share of his need he gets of the scarcest supply (0..1).
    """
    w, cfg = model.workforce, model.config.supply
    mines = model.config.mine.mines
    sigma = cfg.noise_sigma  # lognormal, mean 1: timber and air per mine, wagons per basin
    noise = np.exp(sigma * model.rng.standard_normal(2 * mines + 1) - sigma**2 / 2)
    levels = np.array([getattr(cfg, f"{kind}_per_shift") for kind in KINDS])
    factor = np.empty(w.n_hewer_slots)
    model.section_shortfall = np.empty(w.sections)
    delivered, allocated = np.zeros(len(KINDS)), np.zeros(len(KINDS))
    model.supply_shortfall = _allocate(
        need, w.hewer(w.special), w.hewers, model.config.mine.sections, levels,
        model.baseline_need, noise[:mines], noise[mines:-1], noise[-1],
        w.by_section(w.employed, HAULER), cfg.special_conditions_first,
        factor, model.section_shortfall, delivered, allocated,
    )  # fmt: skip
    model.supply_delivered = dict(zip(KINDS, delivered.tolist(), strict=True))
    model.supply_allocated = dict(zip(KINDS, allocated.tolist(), strict=True))
    return factor


@kernel
def _allocate(
    need, special, hewers, sections_per_mine, levels, baseline_need, timber_noise, air_noise,
    wagon_noise, haulers, special_first, factor, section_shortfall, delivered, allocated,
):  # fmt: skip
    """Each section's deliveries, shares and shortfall, in one pass (see ``allocate``).

    Timber and air come to each mine (``level`` x its sections' ordinary need x the mine's
    noise); the railway's wagons come to the basin and are shared by need, then moved as far
    as each section's haulers allow. Each foreman serves his hewers on special conditions
    first (when ``special_first``), then the others pro rata; the scarcest supply decides.
    """
    sections = baseline_need.size
    need_special, need_other = np.zeros(sections), np.zeros(sections)
    section_need = np.zeros(sections)
    for s in range(sections):
        for k in range(s * hewers, (s + 1) * hewers):
            section_need[s] += need[k]
            if special[k]:
                need_special[s] += need[k]
        need_other[s] = section_need[s] - need_special[s]
    total_need = section_need.sum()
    basin = levels[2] * baseline_need.sum() * wagon_noise
    served_total = 0.0
    for s in range(sections):
        mine = s // sections_per_mine
        worst_special = worst_other = 1.0
        for kind in range(3):
            if kind == 0:
                capacity = levels[0] * baseline_need[s] * timber_noise[mine]
            elif kind == 1:
                capacity = levels[1] * baseline_need[s] * air_noise[mine]
            else:
                share = section_need[s] / total_need if total_need > 0 else 1 / sections
                crew = 1.0  # the share of the section's haulers at work
                if haulers.shape[1]:
                    crew = haulers[s].sum() / haulers.shape[1]
                capacity = basin * share * crew
            if special_first:
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
        for k in range(s * hewers, (s + 1) * hewers):
            factor[k] = worst_special if special[k] else worst_other
    return 1 - _share(served_total, total_need)


@kernel
def _share(capacity: float, need: float) -> float:
    """Share of ``need`` that ``capacity`` covers, in 0..1 (1 when nothing is needed)."""
    return min(max(capacity / need, 0.0), 1.0) if need > 0 else 1.0
