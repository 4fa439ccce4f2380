"""Production (``model.mechanisms.production``): fatigue, worked by hand."""

from __future__ import annotations

import numpy as np

from handmade import tiny_mine
from stakhanov_sim.model.mechanisms import production


def test_fatigue_from_norms_above_one_and_from_storming():
    """One section of four hewer slots, campaign intensity 0.5, storming effort 0.2, fatigue 0.4
    per norm above one and 0.5 per unit of storming, 10% recovered a shift.

    Hewer 0 (fatigue 0.1, 2 norms, eagerness 1) adds 0.4 x 1 + 0.5 x 0.2 x 0.5 x 1 = 0.45:
    (0.1 + 0.45) x 0.9. Hewer 1 (0.8 norms, eagerness 0.4) adds only his storming,
    0.5 x 0.2 x 0.5 x 0.4 = 0.02: (0.3 + 0.02) x 0.9. Hewer 2 (fatigue 0.9, 4 norms) would
    pass 1 and is held there. Slot 3 is vacant: its fatigue only fades.
    """
    scenario, w, _ = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 4},
        production={
            "campaign_effort": 0.2, "fatigue_gain": 0.4, "storming_fatigue": 0.5,
            "fatigue_recovery": 0.1,
        },
    )  # fmt: skip
    hewers = slice(0, 4)
    w.fatigue[hewers] = [0.1, 0.3, 0.9, 0.2]
    w.fulfilment[hewers] = [2.0, 0.8, 4.0, 0.0]
    w.eager[hewers] = [1.0, 0.4, 0.5, 1.0]
    w.employed[3] = False
    production.tire(w, np.array([0.5]), production.params(scenario))
    np.testing.assert_allclose(w.fatigue[hewers], [0.55 * 0.9, 0.32 * 0.9, 1.0, 0.2 * 0.9])


def test_without_a_campaign_storming_does_not_tire():
    """At intensity 0 only the norms above one tire (and 10% fades)."""
    scenario, w, _ = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 2},
        production={"fatigue_gain": 0.4, "storming_fatigue": 5.0, "fatigue_recovery": 0.1},
    )
    hewers = slice(0, 2)
    w.fatigue[hewers] = [0.2, 0.2]
    w.fulfilment[hewers] = [1.5, 0.5]
    w.eager[hewers] = [1.0, 1.0]
    production.tire(w, np.array([0.0]), production.params(scenario))
    np.testing.assert_allclose(w.fatigue[hewers], [0.4 * 0.9, 0.2 * 0.9])
