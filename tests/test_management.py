"""Management (``model.mechanisms.management``): foot-dragging and accusations by hand."""

from __future__ import annotations

import numpy as np

from handmade import FixedDraws, tiny_mine
from stakhanov_sim.model.campaign import before_the_campaign
from stakhanov_sim.model.mechanisms import blame, management
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.staff import Foremen, Staff

SETTINGS = {
    "sabotage_threshold": 0.5, "sabotage_rate": 0.05, "plan_check_shifts": 25,
    "shortfall_tolerance": 0.03, "scapegoating_rate": 0.3, "sabotage_weight": 3.0,
    "shortfall_unit": 0.1, "staff_unit": 10,
}  # fmt: skip


def test_only_disrupted_foremen_during_the_campaign_drag_their_feet():
    """Disruption 0.6, 0.1, 0.6 against 0.5; draws 0.01, 0.01, 0.9 against 0.05."""
    scenario, _, _ = tiny_mine(management=SETTINGS)
    p = management.params(scenario)
    for intensity, refusing in ((1.0, [True, False, False]), (0.0, [False] * 3)):
        foremen = Foremen(3)
        acts = management.drag_feet(
            FixedDraws([0.01, 0.01, 0.9]), foremen, np.array([0.6, 0.1, 0.6]), np.zeros(3),
            np.zeros(3, dtype=bool), np.array([intensity]), p, EventLog(),
        )  # fmt: skip
        np.testing.assert_array_equal(foremen.refusing, refusing)
        assert acts.tolist() == [sum(refusing)] == [foremen.sabotage_count.sum()]


def review(whom: list[float]):
    """A plan period of 80 t against 100 t (20% short), 10 foremen and 3 engineers.

    Expected accusations: 0.3 x 1 x (0.2 / 0.1) x (13 / 10) = 0.78; a draw of 0.5 is one
    accusation (Poisson: P(0) = 0.46, P(<= 1) = 0.82). Foreman 2 dragged his feet (weight
    4); the accused is the post with the smallest -log(u) / weight.
    """
    scenario, _, _ = tiny_mine(management=SETTINGS)
    campaign = before_the_campaign(scenario)
    campaign.scapegoating[:] = 1.0
    campaign.period_output[:], campaign.period_plan[:] = 70.0, 90.0
    foremen, engineers = Foremen(10), Staff(3)
    foremen.sabotage_count[2] = 1
    stream = FixedDraws([0.5, *whom])  # one number for how many, then one per post
    campaign.period_reported[:] = campaign.period_output  # an honest mine: report = output
    outcome = management.review_plan(  # (everyone appointed long ago: all may be accused)
        stream, campaign, foremen, engineers, 24, *np.full((3, 1), 10.0), management.params(scenario),
        blame.params(scenario),
    )  # fmt: skip
    assert campaign.period_output == campaign.period_plan == 0.0
    assert not foremen.sabotage_count.any(), "a new plan period counts afresh"
    return outcome


def test_the_foreman_who_dragged_his_feet_is_likelier_accused():
    """All draws 0.5 but post 5's 0.8: -log(0.5) / 4 = 0.17 for foreman 2 beats 0.22."""
    whom = [0.5] * 13
    whom[5] = 0.8
    outcome = review(whom)
    assert abs(outcome.shortfall[0] - 0.2) < 1e-12
    np.testing.assert_array_equal(outcome.accused_foremen, [2])
    assert outcome.accused_engineers.size == 0


def test_luck_can_still_pick_another_man():
    """Engineer 1 (post 11) with a draw of 0.95: -log(0.95) = 0.05 beats foreman 2's 0.17."""
    whom = [0.5] * 13
    whom[11] = 0.95
    outcome = review(whom)
    assert outcome.accused_foremen.size == 0
    np.testing.assert_array_equal(outcome.accused_engineers, [1])


def test_the_reviews_poisson_count_is_scipys_to_the_bit():
    """``poisson_quantile`` replaces ``scipy.stats.poisson.ppf`` (floored at 0) so a worker
    need not import ``scipy.stats``; the counts, and so every run, must not change."""
    from scipy import stats

    rng = np.random.default_rng(7)
    q = rng.random(50_000)
    q[:4] = [0.0, 1e-300, 0.5, np.nextafter(1.0, 0.0)]
    mean = np.exp(rng.uniform(-9.0, 5.0, q.size))
    expected = np.maximum(stats.poisson.ppf(q, mean), 0)
    np.testing.assert_array_equal(management.poisson_quantile(q, mean), expected)
    # By hand: with mean 3, P(N <= 2) = 0.423 < 0.5 <= P(N <= 3) = 0.647, so the count is 3.
    assert management.poisson_quantile(np.array([0.5]), np.array([3.0]))[0] == 3
