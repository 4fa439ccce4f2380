"""The model table (``observation.ShiftCollector``) and the agent table (``AgentSampler``)
against a recount from the state.

The collector writes each shift's row into columns made once for the calendar, counting the
state in one compiled pass. Here every row is recounted after its shift, column by column,
from the workforce, the sections and what the shift handed on (``model.last_shift``), with
plain NumPy; and the interfaces users read while a run goes on (Mesa's ``DataCollector``,
the model's ``ledger``) must show the same rows as the finished table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from stakhanov_sim import MineModel, load_scenario
from stakhanov_sim.model import observation
from test_observation import gini_by_mean_difference

SHIFTS = 160  # through the staged record and the press campaign of autumn 1935


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("history_1935_37", {"mine.sections": 4, "seed": 8})


def mean(total, count) -> float:
    return total / count if count else math.nan


def recount(model: MineModel) -> dict:
    """The last shift's row, counted again from the state after it."""
    w, sections, shift = model.workforce, model.sections, model.last_shift
    hewer = slice(0, w.n_hewer_slots)
    at_work, wage = w.employed, w.wage_rubles
    hewers_at_work = at_work[hewer]
    stakh = w.stakhanovite[hewer] & hewers_at_work
    ordinary = hewers_at_work & ~w.stakhanovite[hewer]
    n_hewers, n_stakh, headcount = hewers_at_work.sum(), stakh.sum(), at_work.sum()
    norms = sections.norm_tons[w.section[hewer]][hewers_at_work]
    return {
        "shift": shift.number,
        "date": pd.Timestamp(model.dates[shift.number]),
        "output_tons": shift.output_tons,
        "plan_tons": shift.plan_tons,
        "norm_tons": norms.mean() if n_hewers else sections.norm_tons.mean(),
        "share_meeting_norm": (w.fulfilment[hewer][hewers_at_work] >= 1).sum() / max(n_hewers, 1),
        "n_stakhanovites": n_stakh,
        "share_stakhanovites": n_stakh / max(n_hewers, 1),
        "max_fulfilment": w.fulfilment[hewer].max(),
        "records_set": shift.records_set,
        "mean_wage_rubles": mean(wage[at_work].sum(), headcount),
        "wage_gini": gini_by_mean_difference(wage[at_work]),
        "mean_wage_stakhanovite": mean(wage[hewer][stakh].sum(), n_stakh),
        "mean_wage_other": mean(
            wage[at_work].sum() - wage[hewer][stakh].sum(), headcount - n_stakh
        ),
        "mean_resentment": mean(w.resentment[at_work].sum(), headcount),
        "sanctions": shift.sanctions.count,
        "supply_shortfall": shift.supplies.shortfall,
        "equipment_downtime": sections.broken.mean(),
        "sabotage_acts": shift.sabotage_acts,
        "accusations": shift.accusations,
        "staff_replaced": shift.accusations,
        "quits": shift.quits,
        "headcount": headcount,
        "hires": shift.hires,
        "sanctions_on_stakhanovites": shift.sanctions.on_stakhanovites,
        "norm_raise": shift.norm_raise,
        "share_new_methods": mean((w.adopted[hewer] & hewers_at_work).sum(), n_hewers),
        "mean_wage_hewer": mean(wage[hewer].sum(), n_hewers),
        "mean_wage_ordinary_hewer": mean(wage[hewer][ordinary].sum(), ordinary.sum()),
        "reported_output_tons": shift.reported_tons,
        "accidents": shift.accidents,
        "fatal_accidents": shift.fatal_accidents,
        "arrests": shift.arrests,
        "accusations_from_above": shift.accused_above,
        "accusations_after_accidents": shift.accused_after_accidents,
        "accusations_from_below": shift.accused_below,
    }


def test_every_row_is_the_state_recounted(scenario):
    model = MineModel(scenario)
    assert model.datacollector.get_model_vars_dataframe().empty and not model.ledger
    seen = set()
    for _ in range(SHIFTS):
        model.step()
        expected = recount(model)
        assert set(model.ledger) == set(expected)
        for name, wanted in expected.items():
            value = model.ledger[name]
            if isinstance(wanted, float) and math.isnan(wanted):
                assert math.isnan(value), name
            elif isinstance(wanted, pd.Timestamp):
                assert pd.Timestamp(value) == wanted, name
            else:
                assert value == pytest.approx(wanted, rel=1e-12, abs=1e-12), name
            seen.add((name, bool(value)))
    # the rows exercised both the zero and the non-zero side of the campaign's columns
    assert {("n_stakhanovites", True), ("records_set", True), ("sanctions", True)} <= seen


def test_the_datacollector_and_the_ledger_show_the_rows_worked_so_far(scenario):
    finished = MineModel(scenario)
    while finished.steps < SHIFTS:
        finished.step()
    table = finished.datacollector.get_model_vars_dataframe()
    assert list(table.columns) == observation.MODEL_TABLE and len(table) == SHIFTS
    model = MineModel(scenario)
    for worked in (1, 2, 57):
        while model.steps < worked:
            model.step()
        so_far = model.datacollector.get_model_vars_dataframe()
        pd.testing.assert_frame_equal(so_far, table.iloc[:worked], check_exact=True)
        for name in observation.MODEL_TABLE:
            column = model.datacollector.model_vars[name]
            assert len(column) == worked
            np.testing.assert_array_equal(column, table[name].to_numpy()[:worked])
            value, last = model.ledger[name], table[name].iloc[worked - 1]
            assert value == last or (math.isnan(value) and math.isnan(last)), name


def test_every_column_of_the_model_table_is_filled_once():
    """A column comes from the shift's record or from the tally, never both, never neither."""
    names = ("date", *observation.INTS, *observation.FLOATS)
    assert sorted(names) == sorted(observation.MODEL_TABLE) and len(set(names)) == len(names)
    model = MineModel(load_scenario("history_1935_37", {"mine.sections": 2}))
    model.step()
    assert len(model.last_shift.counts()) == len(observation.SHIFT_INTS)
    assert len(model.last_shift.amounts()) == len(observation.SHIFT_FLOATS)


def test_a_sum_made_in_a_kernel_is_numpys_to_the_last_bit():
    """``observation.pairwise_sum`` adds as ``np.add.reduce`` does (blocks, halves), so the
    wage means it gives are those NumPy gives, at every length and offset."""
    rng = np.random.default_rng(3)
    for n in [*range(0, 300), 1_000, 4_097, 9_000, 20_011]:
        values = rng.random(n + 5) * rng.choice([1e-3, 1.0, 1e3, 1e8])
        assert observation.pairwise_sum(values, 5, n) == np.add.reduce(values[5 : 5 + n]), n


def test_every_snapshot_of_the_agent_table_is_the_state_at_its_shift():
    """Two runs of a batch, a sample of each run's slots every 7 shifts: the agent table,
    rebuilt with plain pandas from the state after each sampled shift, run by run (each
    snapshot: the run's employed miners of the sample, its foremen, its engineers)."""
    from stakhanov_sim.model.agents import TRADES

    scenario = load_scenario(
        "history_1935_37",
        {"mine.sections": 3, "calendar.end": "1936-03-31", "output.agent_sample_every": 7,
         "output.agent_sample_max": 90},
    )  # fmt: skip
    seeds = list(np.random.SeedSequence(4).spawn(2))
    model = MineModel(scenario, rng=seeds, replicate=[5, 6], mesa_agents=False)
    w, sampler, per_run = model.workforce, model.sampler, model.runs.sections
    by_run: dict[int, list[pd.DataFrame]] = {0: [], 1: []}
    while model.running:
        taken = sampler.taken
        model.step()
        if sampler.taken == taken:
            continue
        engineer_section = model.sections.engineer_first_section
        for run in (0, 1):
            mine = sampler.slots[w.run[sampler.slots] == run]
            mine = mine[w.employed[mine]]
            foremen = np.flatnonzero(np.arange(model.foremen.size) // per_run == run)
            engineers = np.flatnonzero(engineer_section // per_run == run)
            staff = foremen.size + engineers.size
            miners = pd.DataFrame({
                "replicate": 5 + run, "shift": model.shift, "agent_id": w.agent_id[mine],
                "kind": "miner", "trade": [TRADES[t] for t in w.trade[mine]],
                "section": w.section[mine] - run * per_run, "output_tons": w.output_tons[mine],
                "fulfilment": np.where(w.trade[mine] == 0, w.fulfilment[mine], np.nan),
                "wage_rubles": w.wage_rubles[mine], "stakhanovite": w.stakhanovite[mine],
                "special_conditions": w.special[mine], "resentment": w.resentment[mine],
            })  # fmt: skip
            posts = pd.DataFrame({
                "replicate": 5 + run, "shift": model.shift,
                "agent_id": np.concatenate([model.foremen.agent_id[foremen],
                                            model.engineers.agent_id[engineers]]),
                "kind": ["foreman"] * foremen.size + ["engineer"] * engineers.size,
                "trade": "", "section": np.concatenate([foremen, engineer_section[engineers]])
                - run * per_run, "output_tons": np.nan, "fulfilment": np.nan,
                "wage_rubles": np.nan, "stakhanovite": np.zeros(staff, bool),
                "special_conditions": np.zeros(staff, bool), "resentment": np.nan,
            })  # fmt: skip
            by_run[run] += [miners, posts]
    expected = pd.concat(by_run[0] + by_run[1], ignore_index=True).astype(
        {"replicate": "int64", "shift": "int64", "section": "int64", "kind": "str", "trade": "str"}
    )
    table = model.results().agents
    assert sampler.taken > 5 and 0 < (table["kind"] == "miner").sum() < 2 * 90 * sampler.taken
    pd.testing.assert_frame_equal(table, expected[table.columns], check_exact=True)
