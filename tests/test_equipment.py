"""Equipment (``model.mechanisms.equipment``): wear, a breakdown and repair, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from handmade import FixedDraws, tiny_mine
from stakhanov_sim.model.mechanisms import equipment
from stakhanov_sim.model.staff import Staff


def test_wear_break_repair():
    """Two sections, one engineer with 0.15 of repairs a shift.

    Section 0 (condition 1, ordinary pace) wears 0.01 x 1^2 to 0.99. Section 1 (condition
    0.5, double pace) wears 0.01 x 2^2 to 0.46, then breaks (draw 0 < 0.3 x 0.54) and loses
    0.6, down to 0. Deficits 0.01 and 1 x 2 (broken counts double) share the repairs:
    0.15 x 0.01 / 2.01 and 0.15 x 2 / 2.01; section 1 stays broken (below 0.5).
    """
    scenario, _, sections = tiny_mine(
        mine={"sections": 2, "sections_per_engineer": 2},
        equipment={
            "wear_per_shift": 0.01, "wear_exponent": 2.0, "breakdown_rate": 0.3,
            "breakdown_damage": 0.6, "repair_per_engineer": 0.15, "engineer_effect": 0.5,
            "broken_priority": 2.0, "working_condition": 0.5,
        },
    )  # fmt: skip
    sections.condition[:] = [1.0, 0.5]
    engineers = Staff(1)
    p = equipment.params(scenario)
    equipment.update(FixedDraws([0.9, 0.0]), sections, engineers, np.array([1.0, 2.0]), p)
    np.testing.assert_allclose(sections.condition, [0.99 + 0.15 * 0.01 / 2.01, 0.15 * 2 / 2.01])
    np.testing.assert_array_equal(sections.broken, [False, True])

    # Next shift, idle: an engineer at half experience repairs 0.15 x (1 - 0.5 x 0.5).
    engineers.experience[0] = 0.5
    before = sections.condition.copy()
    equipment.update(FixedDraws([1.0, 1.0]), sections, engineers, np.zeros(2), p)
    deficit = (1 - before) * [1.0, 2.0]
    repaired = 0.15 * 0.75 * deficit / deficit.sum()
    np.testing.assert_allclose(sections.condition, before + repaired)
    assert sections.condition[1] == pytest.approx(before[1] + repaired[1])
