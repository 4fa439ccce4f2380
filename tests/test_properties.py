"""Invariants that must hold on every shift, whatever the levers (hypothesis).

Each example is a tiny mine on a short calendar around the campaign's start and the norm
revision, with levers drawn from their allowed ranges: shares stay shares, nothing goes
negative or undefined, hewers are paid by the schedule, no foreman hands out more supplies
than arrived, and nobody joins or leaves the mine unrecorded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from stakhanov_sim import MineModel, load_scenario
from stakhanov_sim.model.agents import Miner
from stakhanov_sim.model.mechanisms.pay import norm_equivalents
from stakhanov_sim.model.mechanisms.supply import KINDS
from stakhanov_sim.model.network import Network, Tally
from stakhanov_sim.model.observation import gini

HISTORY = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"
START = dt.date(1935, 8, 25)  # a few shifts before the staged record
SHARES = [
    "share_meeting_norm", "share_stakhanovites", "wage_gini", "mean_resentment",
    "supply_shortfall", "equipment_downtime",
]  # fmt: skip
EXAMPLES = settings(max_examples=10, deadline=None)


def unit(low: float = 0.0, high: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False)


@st.composite
def scenarios(draw):
    """A tiny mine from the historical config, levers drawn within their schema ranges."""
    end = draw(st.dates(dt.date(1935, 9, 10), dt.date(1936, 3, 20)))
    hewers = draw(st.integers(1, 8))
    timbermen_per_hewer = draw(unit(0.0, 1.5))
    timbermen = round(hewers * timbermen_per_hewer)
    history = load_scenario(HISTORY)
    events = [e.model_dump(mode="json") for e in history.campaign.events if e.date <= end]
    overrides = {
        "seed": draw(st.integers(0, 2**32)),
        "calendar.start": START.isoformat(),
        "calendar.end": end.isoformat(),
        "campaign.events": events,
        "mine.sections": draw(st.integers(1, 3)),
        "mine.hewers_per_section": hewers,
        "mine.timbermen_per_hewer": timbermen_per_hewer,
        "mine.haulers_per_hewer": draw(unit(0.0, 1.0)),
        "production.noise_sigma": draw(unit(0.0, 1.0)),
        "records.attempt_rate": draw(unit()),
        "records.special_conditions_multiplier": draw(unit(1.0, 30.0)),
        "records.helpers_per_record": draw(st.integers(0, timbermen)),
        "records.helper_escalation": draw(unit(0.0, 5.0)),
        "supply.timber_per_shift": draw(unit(0.0, 3.0)),
        "supply.air_per_shift": draw(unit(0.0, 3.0)),
        "supply.wagons_per_shift": draw(unit(0.0, 3.0)),
        "supply.noise_sigma": draw(unit(0.0, 1.0)),
        "supply.special_conditions_first": draw(st.booleans()),
        "equipment.breakdown_rate": draw(unit()),
        "pay.support_pay": draw(st.sampled_from(["time", "share"])),
        "norms.rule": draw(st.sampled_from(["midpoint", "fixed"])),
        "recognition.title_threshold": draw(unit(0.5, 3.0)),
        "social.sanction_rate": draw(unit()),
        "social.sanction_threshold": draw(unit()),
        # realistic turnover (a one-hewer mine still empties now and then: no mean wage then)
        "social.quit_rate": draw(unit(0.0, 0.05)),
        "social.hire_rate": draw(unit(0.5, 1.0)),
        "management.plan_factor": draw(unit(0.0, 3.0)),
        "management.sabotage_rate": draw(unit()),
        "management.scapegoating_rate": draw(unit(0.0, 10.0)),
        "output.agent_sample_every": draw(st.integers(1, 20)),
    }
    return load_scenario(HISTORY, overrides)


def run_checking(scenario, check_shift=None) -> tuple[MineModel, pd.DataFrame]:
    """Run to the end, calling ``check_shift(model)`` after every shift; the model table."""
    model = MineModel(scenario)
    while model.running:
        model.step()
        if check_shift is not None:
            check_shift(model)
    return model, model.results().model


@EXAMPLES
@given(scenarios())
def test_shares_stay_in_0_1_and_nothing_is_negative_or_undefined(scenario):
    _, table = run_checking(scenario)
    assert len(table) > 0
    nobody = table["headcount"] == 0  # a tiny mine can empty for a shift (quits, deaths)
    for column in SHARES:
        defined = table[column][~nobody] if column == "mean_resentment" else table[column]
        assert defined.between(0.0, 1.0).all(), column
    for column in ("mean_resentment", "mean_wage_rubles"):  # undefined exactly when empty
        assert table[column].isna().eq(nobody).all(), column
    numbers = table.drop(columns=["date"]).select_dtypes("number")
    assert (numbers.fillna(0) >= 0).all().all(), numbers.min()[numbers.min() < 0]
    undefined = {c for c in numbers if numbers[c].isna().any()}
    assert undefined <= {
        "mean_wage_stakhanovite", "mean_wage_other", "mean_wage_ordinary_hewer",
        "mean_wage_hewer", "share_new_methods", "mean_resentment", "mean_wage_rubles",
    }  # fmt: skip
    no_stakhanovites = table["n_stakhanovites"] == 0
    assert table["mean_wage_stakhanovite"].isna().eq(no_stakhanovites).all()
    everyone_titled = table["n_stakhanovites"] == table["headcount"]
    assert table["mean_wage_other"].isna().eq(everyone_titled).all()


@EXAMPLES
@given(scenarios())
def test_hewers_are_paid_by_the_piece_rate_schedule(scenario):
    def paid_by_schedule(model: MineModel) -> None:
        w = model.workforce
        schedule = model.params.pay
        norms_paid = [
            norm_equivalents(f, schedule.edges, schedule.multipliers) for f in w.hewer(w.fulfilment)
        ]
        sections = model.sections
        expected = (
            np.array(norms_paid)
            * np.repeat(sections.norm_tons, w.hewers)
            * np.repeat(sections.piece_rate, w.hewers)
        )
        np.testing.assert_allclose(w.hewer(w.wage_rubles), expected, rtol=1e-12, atol=1e-9)
        assert (w.wage_rubles[~w.employed] == 0).all()

    run_checking(scenario, paid_by_schedule)


@EXAMPLES
@given(scenarios())
def test_supplies_allocated_never_exceed_supplies_delivered(scenario):
    def within_delivery(model: MineModel) -> None:
        for kind in range(len(KINDS)):
            delivered = model.last_shift.supplies.delivered[0, kind]
            allocated = model.last_shift.supplies.allocated[0, kind]
            assert 0 <= allocated <= delivered * (1 + 1e-9) + 1e-9, (kind, allocated, delivered)

    run_checking(scenario, within_delivery)


@EXAMPLES
@given(scenarios())
def test_headcount_balances_hires_quits_deaths_and_arrests(scenario):
    model, table = run_checking(scenario)
    start = model.workforce.size  # every job slot is filled on the first day
    left = table["quits"] + table["fatal_accidents"] + table["arrests"]
    balance = start + table["hires"].cumsum() - left.cumsum()
    assert (balance == table["headcount"]).all()
    assert (table["headcount"] <= start).all()
    assert table["headcount"].iloc[-1] == int(model.workforce.employed.sum())
    assert len(model.agents_by_type[Miner]) == table["headcount"].iloc[-1]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(unit(0.0, 1e4), min_size=1, max_size=50),
    st.floats(0.01, 1e4, allow_nan=False),
    st.integers(1, 50),
)
def test_wage_gini_is_a_share_and_zero_when_all_earn_alike(wages, same, n):
    """Equal wages give no inequality, and rounding never takes the index below zero."""
    assert 0.0 <= gini(np.array(wages)) <= 1.0
    assert 0.0 <= gini(np.full(n, same)) < 1e-12


@EXAMPLES
@given(scenarios())
def test_ledger_gini_and_workmates_counts_match_a_full_recount(scenario):
    """The shortcuts the model takes each shift give what counting from scratch gives.

    The ledger's Gini merges runs of equal support wages with the sorted hewers' wages; the
    share of a miner's workmates who have adopted the new methods is kept up to date from
    the slots that changed.
    """

    def recount(model: MineModel) -> None:
        w = model.workforce
        expected = gini(w.wage_rubles[w.employed])
        assert abs(model.ledger["wage_gini"] - expected) < 1e-12
        nearby = model.adopters_nearby
        nearby.update(w.adopted)
        shares = nearby.count * model.network.inverse_degree
        np.testing.assert_allclose(shares, model.network.mean(w.adopted), atol=1e-12)

    run_checking(scenario, recount)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(unit(0.0, 1e4), st.integers(1, 5)), min_size=1, max_size=40))
def test_gini_of_counted_values_is_the_gini_of_the_values_repeated(pairs):
    values = np.array([v for v, _ in pairs])
    counts = np.array([c for _, c in pairs])
    assert abs(gini(values, counts) - gini(np.repeat(values, counts))) < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 60), st.integers(0, 2**32 - 1))
def test_workmates_tally_follows_flags_set_and_cleared(size, seed):
    """Kept up to date through flags raised and lowered, the tally equals a full mean."""
    rng = np.random.default_rng(seed)
    net = Network(rng.integers(0, size, 4 * size), rng.integers(0, size, 4 * size), size)
    flags = rng.random(size) < 0.5
    tally = Tally(net, flags)
    for _ in range(5):
        flags = np.where(rng.random(size) < 0.3, ~flags, flags)
        tally.update(flags)
        np.testing.assert_allclose(tally.count * net.inverse_degree, net.mean(flags), atol=1e-12)
