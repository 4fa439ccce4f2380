"""Pay (``model.mechanisms.pay``): the progressive piece rate and the support trades' wages,
checked against tables worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from stakhanov_sim.model.mechanisms import pay
from stakhanov_sim.model.sections import lay_out
from stakhanov_sim.model.workforce import layout
from stakhanov_sim.scenarios.schema import Pay, PayBand, Scenario

METROSTROI = Pay(
    progressive=[
        PayBand(above=1.0, multiplier=1.25),
        PayBand(above=1.1, multiplier=1.5),
        PayBand(above=1.25, multiplier=2.0),
    ]
)


def schedule(cfg: Pay) -> pay.Params:
    return pay.params(Scenario(pay=cfg))


def piece_wage(fulfilment, norm_tons, rate, cfg: Pay = METROSTROI) -> np.ndarray:
    """A hewer's wage: norms' worth of pay x norm (t) x rate (rubles/t)."""
    p = schedule(cfg)
    paid = np.array([pay.norm_equivalents(f, p.edges, p.multipliers) for f in fulfilment])
    return paid * np.asarray(norm_tons) * np.asarray(rate)


@pytest.mark.parametrize(
    ("fulfilment", "norms_paid"),
    [
        (0.0, 0.0),
        (0.8, 0.8),
        (1.0, 1.0),
        (1.05, 1 + 0.05 * 1.25),
        (1.2, 1 + 0.1 * 1.25 + 0.1 * 1.5),
        (1.25, 1 + 0.1 * 1.25 + 0.15 * 1.5),
        (2.0, 1 + 0.1 * 1.25 + 0.15 * 1.5 + 0.75 * 2.0),
        (14.6, 1 + 0.1 * 1.25 + 0.15 * 1.5 + 13.35 * 2.0),
    ],
)
def test_piece_wage_follows_the_metrostroi_schedule(fulfilment, norms_paid):
    """Metrostroi 1933: 100-110% of the norm +25%, 110-125% +50%, above 125% +100%."""
    assert piece_wage([fulfilment], 7.0, 3.0)[0] == pytest.approx(7 * 3 * norms_paid)


def test_progressive_pay_rewards_each_extra_ton_more():
    """The schedule is continuous and convex: the marginal ruble per ton never falls."""
    wage = piece_wage(np.linspace(0, 5, 501), 7.0, 3.0)
    marginal = np.diff(wage)
    assert (marginal > 0).all()
    assert (np.diff(marginal) > -1e-9).all()


def test_a_flat_schedule_pays_every_ton_alike():
    np.testing.assert_allclose(
        piece_wage([0.5, 1.0, 3.0], 7.0, 3.0, Pay(progressive=[])), [10.5, 21.0, 63.0]
    )


def small_mine(support_pay: str):
    """Two sections of two hewers, one timberman and one hauler each, on the Metrostroi schedule."""
    scenario = Scenario.model_validate(
        {
            "mine": {
                "sections": 2,
                "hewers_per_section": 2,
                "timbermen_per_hewer": 0.5,
                "haulers_per_hewer": 0.5,
            },
            "pay": {
                **METROSTROI.model_dump(),
                "support_pay": support_pay,
                "support_share": 0.6,
                "support_time_rate_rubles": 12.0,
            },
            "norms": {"initial_norm_tons": 7.0},
        }
    )
    w = layout(scenario)
    sections = lay_out(scenario, w)
    sections.norm_tons[:] = [7.0, 9.1]
    sections.piece_rate[:] = [3.0, 2.55]
    w.employed[:] = True
    w.hewer(w.fulfilment)[:] = [1.2, 0.5, 2.0, 1.0]
    return scenario, w, sections


# Hand-worked: fulfilment 1.2 is 1 + 0.1 x 1.25 + 0.1 x 1.5 = 1.275 norms' pay; 0.5 is 0.5;
# 2.0 is 1 + 0.125 + 0.225 + 0.75 x 2 = 2.85; 1.0 is 1. Section 0: 7 t x 3 rubles = 21 a norm;
# section 1: 9.1 t x 2.55 rubles = 23.205 a norm.
HEWER_WAGES = [21 * 1.275, 21 * 0.5, 23.205 * 2.85, 23.205 * 1.0]
SECTION_MEAN = [(21 * 1.275 + 21 * 0.5) / 2, (23.205 * 2.85 + 23.205) / 2]


@pytest.mark.parametrize(
    ("support_pay", "support_wages"),
    [
        ("time", [12.0, 12.0, 12.0, 12.0]),  # timbermen of sections 0, 1, then haulers
        ("share", [0.6 * SECTION_MEAN[0], 0.6 * SECTION_MEAN[1]] * 2),
    ],
)
def test_pay_matches_a_table_worked_by_hand(support_pay, support_wages):
    scenario, w, sections = small_mine(support_pay)
    pay.pay(w, sections, pay.params(scenario))
    np.testing.assert_allclose(w.wage_rubles, HEWER_WAGES + support_wages)
    np.testing.assert_allclose(w.earnings_rubles, w.wage_rubles)


def test_a_vacant_slot_earns_nothing_and_support_shares_only_working_hewers():
    scenario, w, sections = small_mine("share")
    w.employed[1] = False  # section 0's second hewer has quit
    w.hewer(w.fulfilment)[1] = 0.0
    w.employed[4] = False  # section 0's timberman has quit
    pay.pay(w, sections, pay.params(scenario))
    assert w.wage_rubles[1] == 0 and w.wage_rubles[4] == 0
    assert w.wage_rubles[6] == pytest.approx(0.6 * 21 * 1.275)  # section 0's hauler
