"""Equipment: wear, breakdowns and repair of picks, compressors, conveyors and haulage.

"Recordmania" overstrained machinery (Siegelbaum 1988): wear grows faster than the pace of
work, worn equipment breaks down, and a broken section works by hand until the engineer who
keeps its equipment has repaired it. An inexperienced engineer (the replacement of one
accused of "wrecking") repairs less per shift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

BROKEN_PRIORITY = 2.0  # an engineer weighs a broken section's deficit double (assumption)
WORKING_CONDITION = 0.5  # a broken section runs again once repaired to this condition (assumption)


def update(model: MineModel) -> None:
    """Wear from this shift's pace, new breakdowns, then each engineer's repairs.

    Each engineer spreads his repair capacity over his sections in proportion to their
    deficit, a broken section's counting ``BROKEN_PRIORITY`` times.
    """
    cfg = model.config.equipment
    draw = model.rng.random(model.condition.size)
    capacity = cfg.repair_per_engineer * (
        1 - cfg.engineer_effect * (1 - model.engineers.experience)
    )
    _wear_break_repair(
        model.condition, model.broken, model.section_pace, draw, model.engineer_of_section,
        capacity, cfg.wear_per_shift, cfg.wear_exponent, cfg.breakdown_rate,
        cfg.breakdown_damage, BROKEN_PRIORITY, WORKING_CONDITION,
    )  # fmt: skip


@kernel
def _wear_break_repair(
    condition, broken, pace, draw, engineer, capacity, wear, exponent, breakdown_rate, damage,
    priority, working,
):  # fmt: skip
    """Wear with pace, breakdowns with wear, then repair by each section's engineer."""
    for s in range(condition.size):
        worn = condition[s] - wear * max(pace[s], 0.0) ** exponent
        condition[s] = min(max(worn, 0.0), 1.0)
        if not broken[s] and draw[s] < breakdown_rate * (1 - condition[s]):
            condition[s] = max(condition[s] - damage, 0.0)
            broken[s] = True
    urgent = np.empty(condition.size)
    total = np.zeros(capacity.size)
    for s in range(condition.size):
        urgent[s] = (1 - condition[s]) * (priority if broken[s] else 1.0)
        total[engineer[s]] += urgent[s]
    for s in range(condition.size):
        e = engineer[s]
        share = urgent[s] / total[e] if total[e] > 0 else 0.0
        condition[s] += min(1 - condition[s], capacity[e] * share)
        broken[s] = broken[s] and condition[s] < working
