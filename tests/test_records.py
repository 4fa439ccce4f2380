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


def drop_the_worst(candidate: np.ndarray, merit: np.ndarray, cap: int) -> np.ndarray:
    """The rule as first written: drop the worst (the last of equals) until ``cap`` are left."""
    kept = candidate.copy()
    while kept.sum() > cap:
        worst = max(np.flatnonzero(kept), key=lambda j: (-merit[j], j))
        kept[worst] = False
    return kept


@pytest.mark.parametrize("seed", range(5))
def test_favouring_picks_the_same_hewers_as_dropping_the_worst(seed):
    """Many sections with ties (merit in quarters), some refusing, caps 0 to 5 of 8; the
    sections of two runs of a batch, each run with its own cap (``records.Params.cap``)."""
    rng = np.random.default_rng(seed)
    sections, hewers = 40, 8
    adopted = rng.random((sections, hewers)) < 0.7
    employed = rng.random((sections, hewers)) < 0.9
    merit = np.round(rng.uniform(0, 2, (sections, hewers)) * 4) / 4
    refusing = rng.random(sections) < 0.2
    run_of_section = np.repeat([0, 1], sections // 2)
    for cap in range(6):
        caps = np.array([cap, 5 - cap])
        special = np.zeros((sections, hewers), dtype=bool)
        records._favour(
            adopted, employed, merit, refusing, caps, run_of_section, np.zeros(0, np.intp), special
        )
        for s in range(sections):
            candidate = adopted[s] & employed[s] & ~refusing[s]
            its_cap = caps[run_of_section[s]]
            np.testing.assert_array_equal(special[s], drop_the_worst(candidate, merit[s], its_cap))


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
