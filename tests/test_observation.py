"""Observation (``model.observation``): the ledger's Gini against an independent formula, and
the event log's rows and table."""

from __future__ import annotations

import numpy as np
import pytest

from stakhanov_sim.model.observation import gini


def gini_by_mean_difference(values) -> float:
    """Gini as half the relative mean absolute difference: sum |x_i - x_j| / (2 n^2 mean)."""
    x = np.asarray(values, dtype=float)
    if x.sum() == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 1, 1, 1], 0.0), ([0, 0, 0, 1], 0.75), ([1, 3], 0.25), ([0, 0], 0.0), ([2, 4, 6], 2 / 9)],
)
def test_gini_of_small_cases_worked_by_hand(values, expected):
    assert gini(np.array(values, dtype=float)) == pytest.approx(expected)
    assert gini_by_mean_difference(values) == pytest.approx(expected)


def test_gini_matches_the_mean_difference_formula_on_random_wages():
    rng = np.random.default_rng(1)
    for _ in range(20):
        wages = rng.lognormal(3, rng.uniform(0.1, 1.5), rng.integers(2, 300))
        assert gini(wages) == pytest.approx(gini_by_mean_difference(wages), abs=1e-12)
        counts = rng.integers(1, 5, wages.size)
        assert gini(wages, counts) == pytest.approx(
            gini_by_mean_difference(np.repeat(wages, counts)), abs=1e-12
        )


def test_the_event_log_gives_each_runs_events_in_order_as_rows_and_as_a_table():
    """Events of two runs logged one by one and several at a time (details shared or each
    event's): the table lists run 0's, then run 1's, each in the order logged, with their
    dates; ``rows`` (the app's view) lists them all as logged, and stays whole when read
    part way."""
    import datetime as dt

    from stakhanov_sim.model.observation import EventLog

    log = EventLog(runs=2)
    log.add("record", actor=7, detail="102 t", run=1)
    seen = list(log.rows)
    log.shift = 3
    log.add_many("quit", np.array([4, 5, 6]), detail="left the mine", runs=np.array([0, 1, 0]))
    log.add_many("sanction", np.array([1, 2]), np.array([8, 9]),
                 np.array(["violence", "verbal abuse"]), runs=np.array([1, 1]))  # fmt: skip
    log.add_many("title", np.array([], dtype=np.int64), runs=np.array([], dtype=np.int64))
    log.add("policy", detail="conference", shift=9, run=0)
    rows = [(0, "record", 7, -1, "102 t"), (3, "quit", 4, -1, "left the mine"),
            (3, "quit", 5, -1, "left the mine"), (3, "quit", 6, -1, "left the mine"),
            (3, "sanction", 1, 8, "violence"), (3, "sanction", 2, 9, "verbal abuse"),
            (9, "policy", -1, -1, "conference")]  # fmt: skip
    assert seen == rows[:1] and log.rows == rows
    dates = [dt.date(1935, 9, 1) + dt.timedelta(days=d) for d in range(10)]
    table = log.table([10, 11], dates)
    by_run = [rows[i] for i in (1, 3, 6)] + [rows[i] for i in (0, 2, 4, 5)]
    assert table["replicate"].tolist() == [10] * 3 + [11] * 4
    assert list(table[["shift", "event", "actor_id", "target_id", "detail"]].itertuples(
        index=False, name=None)) == by_run  # fmt: skip
    assert table["date"].dt.day.tolist() == [1 + row[0] for row in by_run]
    second = log.table([21], dates, runs=range(1, 2))  # run 1's alone, numbered afresh
    assert second["replicate"].tolist() == [21] * 4
    assert list(second[["shift", "event", "actor_id", "target_id", "detail"]].itertuples(
        index=False, name=None)) == by_run[3:]  # fmt: skip
    quiet = EventLog(individual=False)
    assert quiet.keeps("policy") and not quiet.keeps("quit")
