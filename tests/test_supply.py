"""Supply (``model.mechanisms.supply``): who gets the timber, on a section worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from handmade import streams_of, tiny_mine
from stakhanov_sim.model.mechanisms import supply

# One section of four hewers (ordinary need 4 x 5 t = 20 t), no noise. Timber for half the
# ordinary need arrives (10 t's worth), air and wagons in plenty. Hewer 0, on special
# conditions, intends 8 t; the others 4 t each (20 t in all).
NEED = np.array([[8.0, 4.0, 4.0, 4.0]])


def allocate(special_first: bool) -> supply.Supplies:
    scenario, w, sections = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 4, "haulers_per_hewer": 0.5},
        production={"base_output_tons": 5.0},
        supply={
            "timber_per_shift": 0.5, "air_per_shift": 1.0, "wagons_per_shift": 10.0,
            "noise_sigma": 0.0, "special_conditions_first": special_first,
        },
    )  # fmt: skip
    w.special[0] = True
    return supply.allocate(streams_of(w), w, sections, NEED, supply.params(scenario))


def test_special_conditions_are_served_first():
    """Hewer 0 gets all his 8 t's timber; the 2 t left are shared by 12 t of need: 1/6 each."""
    got = allocate(special_first=True)
    np.testing.assert_allclose(got.factor, [[1.0, 1 / 6, 1 / 6, 1 / 6]])
    assert got.section_shortfall[0] == pytest.approx(1 - (8 + 12 / 6) / 20)
    timber, air = supply.KINDS.index("timber"), supply.KINDS.index("air")
    assert got.delivered[0, timber] == pytest.approx(10.0)
    assert got.allocated[0, timber] == pytest.approx(10.0)
    assert got.allocated[0, air] == pytest.approx(20.0)


def test_without_special_conditions_first_everyone_gets_the_same_share():
    got = allocate(special_first=False)
    np.testing.assert_allclose(got.factor, [[0.5, 0.5, 0.5, 0.5]])
    assert got.shortfall[0] == pytest.approx(0.5)
