"""Records and special conditions (``model.mechanisms.records``): cases worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from handmade import tiny_mine
from stakhanov_sim.model.campaign import before_the_campaign
from stakhanov_sim.model.mechanisms import records
from stakhanov_sim.model.staff import Foremen


def favoured(refusing: bool) -> np.ndarray:
    """Four adopters with recent fulfilment 1, 3, 2, 2; at most half may be favoured."""
    scenario, w, _ = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 4}, records={"special_conditions_cap": 0.5}
    )
    w.adopted[:4] = True
    w.ema_fulfilment[:4] = [1.0, 3.0, 2.0, 2.0]
    foremen = Foremen(1)
    foremen.refusing[0] = refusing
    records.grant_special_conditions(
        w, foremen, np.zeros(0, dtype=np.intp), records.params(scenario)
    )
    return w.hewer(w.special).copy()


def test_favouring_under_the_cap_keeps_the_best_and_the_lower_slot_of_equals():
    """Cap 2 of 4: the best (3) stays; of the two at 2 the lower slot stays."""
    np.testing.assert_array_equal(favoured(refusing=False), [False, True, True, False])


def test_a_foreman_dragging_his_feet_favours_nobody():
    assert not favoured(refusing=True).any()


def helpers(timbermen_per_hewer: float):
    """Four hewers: 0 tries a record (his mine gives a record 2 timbermen), 1 is favoured."""
    scenario, w, sections = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 4, "timbermen_per_hewer": timbermen_per_hewer},
        records={"helpers_per_record": 2, "helpers_per_stakhanovite": 1.0, "method_gain": 0.5},
        production={"support_weight": 0.3},
    )
    w.special[:2] = True
    campaign = before_the_campaign(scenario)
    diverted = records.assign_helpers(
        w, sections, campaign, np.array([0], dtype=np.intp), records.params(scenario)
    )
    return w.hewer(w.helpers), w.hewer(w.support), diverted[0]


def test_two_timbermen_both_go_to_the_record():
    """The record takes both; the favoured hewer gets none; the others lose all support."""
    helped, support, diverted = helpers(0.5)
    np.testing.assert_allclose(helped, [2, 0, 0, 0])
    np.testing.assert_allclose(support, [1.5, 1.0, 1 - 0.3, 1 - 0.3])
    assert diverted == 1.0


def test_four_timbermen_two_to_the_record_one_to_the_favoured_one_left():
    """1 timberman left for 2 ordinary hewers, who need 1 each: they keep half their support."""
    helped, support, diverted = helpers(1.0)
    np.testing.assert_allclose(helped, [2, 1, 0, 0])
    np.testing.assert_allclose(support, [1.5, 1.5, 1 - 0.3 * 0.5, 1 - 0.3 * 0.5])
    assert diverted == pytest.approx(3 / 4)
