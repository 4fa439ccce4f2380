"""Equipment: wear, breakdowns and repair of picks, compressors, conveyors and haulage.

"Recordmania" overstrained machinery (Siegelbaum 1988): wear grows faster than the pace of
work, worn equipment breaks down, and a broken section works by hand until the engineer who
keeps its equipment has repaired it. An inexperienced engineer (the replacement of one
accused of "wrecking") repairs less per shift.

Reads each section's pace this shift and the engineers' experience; writes the sections'
``condition`` and ``broken``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.staff import Staff
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("repair",)


class Params(NamedTuple):
    wear: float
    exponent: float
    breakdown_rate: float
    damage: float
    repair: np.ndarray  # an experienced engineer's repair capacity per shift, each run's
    engineer_effect: float
    priority: float  # weight of a broken section's deficit
    working: float  # condition at which a broken section runs again


def params(s: Scenario) -> Params:
    c = s.equipment
    return Params(
        wear=c.wear_per_shift,
        exponent=c.wear_exponent,
        breakdown_rate=c.breakdown_rate,
        damage=c.breakdown_damage,
        repair=varying(c.repair_per_engineer),
        engineer_effect=c.engineer_effect,
        priority=c.broken_priority,
        working=c.working_condition,
    )


def update(
    stream: Stream, sections: Sections, engineers: Staff, pace: np.ndarray, p: Params
) -> None:
    """Wear from this shift's pace, new breakdowns, then each engineer's repairs.

    Each engineer spreads his repair capacity over his sections in proportion to their
    deficit, a broken section's counting ``equipment.broken_priority`` times.
    """
    draw = stream.uniform(sections.condition.size // stream.runs.count)
    _wear_break_repair(
        sections.condition, sections.broken, pace, draw, sections.engineer_of_section,
        engineers.experience, tuple(p),
    )  # fmt: skip


@kernel
def _wear_break_repair(condition, broken, pace, draw, engineer, experience, p):
    """Wear with pace, breakdowns with wear, then repair by each section's engineer, who
    repairs less the less experienced he is."""
    p = Params(*p)  # a record arrives as a plain tuple (see compiled)
    capacity = np.empty(experience.size)
    per_run = experience.size // p.repair.size  # engineers are laid out run after run
    for e in range(experience.size):
        capacity[e] = p.repair[e // per_run] * (1 - p.engineer_effect * (1 - experience[e]))
    for s in range(condition.size):
        worn = condition[s] - p.wear * max(pace[s], 0.0) ** p.exponent
        condition[s] = min(max(worn, 0.0), 1.0)
        if not broken[s] and draw[s] < p.breakdown_rate * (1 - condition[s]):
            condition[s] = max(condition[s] - p.damage, 0.0)
            broken[s] = True
    urgent = np.empty(condition.size)
    total = np.zeros(capacity.size)
    for s in range(condition.size):
        urgent[s] = (1 - condition[s]) * (p.priority if broken[s] else 1.0)
        total[engineer[s]] += urgent[s]
    for s in range(condition.size):
        e = engineer[s]
        share = urgent[s] / total[e] if total[e] > 0 else 0.0
        condition[s] += min(1 - condition[s], capacity[e] * share)
        broken[s] = broken[s] and condition[s] < p.working
