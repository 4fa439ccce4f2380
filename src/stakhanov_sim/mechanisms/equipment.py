"""Equipment: wear, breakdowns and repair of picks, compressors, conveyors and haulage.

"Recordmania" overstrained machinery (Siegelbaum 1988): wear grows faster than the pace of
work, worn equipment breaks down, and a broken section works by hand until the engineer who
keeps its equipment has repaired it. An inexperienced engineer (the replacement of one
accused of "wrecking") repairs less per shift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel

BROKEN_PRIORITY = 2.0  # an engineer weighs a broken section's deficit double (assumption)
WORKING_CONDITION = 0.5  # a broken section runs again once repaired to this condition (assumption)


def update(model: MineModel) -> None:
    """Wear from this shift's pace, new breakdowns, then each engineer's repairs."""
    cfg = model.config.equipment
    pace = np.maximum(model.section_pace, 0.0)
    model.condition -= cfg.wear_per_shift * pace**cfg.wear_exponent
    np.clip(model.condition, 0.0, 1.0, out=model.condition)
    worn = 1 - model.condition
    breaking = ~model.broken & (model.rng.random(model.condition.size) < cfg.breakdown_rate * worn)
    model.condition[breaking] = np.maximum(model.condition[breaking] - cfg.breakdown_damage, 0.0)
    model.broken |= breaking
    _repair(model)
    model.broken &= model.condition < WORKING_CONDITION


def _repair(model: MineModel) -> None:
    """Each engineer spreads his repair capacity over his sections, broken ones first."""
    cfg = model.config.equipment
    engineer = model.engineer_of_section
    deficit = 1 - model.condition
    urgent = deficit * np.where(model.broken, BROKEN_PRIORITY, 1.0)
    capacity = cfg.repair_per_engineer * (
        1 - cfg.engineer_effect * (1 - model.engineers.experience)
    )
    total = np.bincount(engineer, weights=urgent, minlength=capacity.size)
    share = np.divide(urgent, total[engineer], out=np.zeros_like(urgent), where=total[engineer] > 0)
    model.condition += np.minimum(deficit, capacity[engineer] * share)
