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

from stakhanov_sim.workforce import HAULER

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel

KINDS = ("timber", "air", "wagons")


def allocate(model: MineModel, need: np.ndarray) -> np.ndarray:
    """Deliver this shift's supplies and allocate them; returns each hewer's supply factor.

    Args:
        need: tons each hewer intends to cut this shift (supplies are needed per ton).

    Returns:
        per hewer, the share of his need he gets of the scarcest supply (0..1).
    """
    w, cfg = model.workforce, model.config.supply
    need_by_section = need.reshape(w.sections, w.hewers)
    special = w.by_section(w.special)
    section_need = need_by_section.sum(axis=1)
    need_special = np.where(special, need_by_section, 0.0).sum(axis=1)
    need_other = section_need - need_special
    # The scarcest supply decides: each section's lowest share over the kinds, for its
    # favoured and for its other hewers (spread over the hewers once, at the end).
    worst_special, worst_other = np.ones(w.sections), np.ones(w.sections)
    model.supply_delivered = {}
    model.supply_allocated = {}
    for kind in KINDS:
        capacity = _delivery(model, kind, section_need)
        if cfg.special_conditions_first:
            f_special = _share(capacity, need_special)
            f_other = _share(capacity - f_special * need_special, need_other)
        else:
            f_special = f_other = _share(capacity, need_special + need_other)
        np.minimum(worst_special, f_special, out=worst_special)
        np.minimum(worst_other, f_other, out=worst_other)
        model.supply_delivered[kind] = float(capacity.sum())
        model.supply_allocated[kind] = float(
            (f_special * need_special + f_other * need_other).sum()
        )
    served = worst_special * need_special + worst_other * need_other
    model.section_shortfall = 1 - _share(served, section_need)
    total = section_need.sum()
    model.supply_shortfall = float(1 - _share(served.sum(), total))
    return np.where(special, worst_special[:, None], worst_other[:, None]).ravel()


def _share(capacity: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Share of ``need`` that ``capacity`` covers (1 when nothing is needed)."""
    return np.clip(np.divide(capacity, need, out=np.ones_like(need), where=need > 0), 0.0, 1.0)


def _delivery(model: MineModel, kind: str, section_need: np.ndarray) -> np.ndarray:
    """Each section's delivery of one supply this shift, in tons of coal it can serve."""
    w, cfg = model.workforce, model.config.supply
    level = getattr(cfg, f"{kind}_per_shift")
    sections_per_mine = model.config.mine.sections
    if kind == "wagons":
        basin = level * model.baseline_need.sum() * _noise(model, 1)[0]
        total_need = section_need.sum()
        shares = (
            section_need / total_need if total_need > 0 else np.full(w.sections, 1 / w.sections)
        )
        haulers = w.by_section(w.employed, HAULER)
        crew = haulers.mean(axis=1) if w.haulers else np.ones(w.sections)
        return basin * shares * crew
    mine_noise = np.repeat(_noise(model, model.config.mine.mines), sections_per_mine)
    return level * model.baseline_need * mine_noise


def _noise(model: MineModel, n: int) -> np.ndarray:
    sigma = model.config.supply.noise_sigma
    return np.exp(sigma * model.rng.standard_normal(n) - sigma**2 / 2)
