"""Common random numbers (``model.streams``): one stream per mechanism, spawned from the seed.

A counterfactual run with the same seed differs from the history only where its change
acts: before the change the runs are the same shift for shift, and after it mechanisms whose
inputs the change does not touch still draw the same numbers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim import MineModel, run
from stakhanov_sim.model.streams import Streams

END = "1936-09-30"


def with_revision_moved(scenario, months: int):
    """The scenario with its norm revision ``months`` later (same seed, all else equal)."""
    events = []
    for event in scenario.campaign.events:
        if event.kind == "norm_revision":
            date = event.date
            event = event.model_copy(update={"date": date.replace(month=date.month + months)})
        events.append(event)
    return scenario.model_copy(
        update={"campaign": scenario.campaign.model_copy(update={"events": events})}
    )


def revision_date(scenario) -> dt.date:
    return next(e.date for e in scenario.campaign.events if e.kind == "norm_revision")


def test_moving_the_revision_three_months_later_leaves_the_tables_alone_until_the_first(
    small_scenario,
):
    history = small_scenario(end=END)
    later = with_revision_moved(history, 3)
    first = pd.Timestamp(revision_date(history))
    assert revision_date(later) > revision_date(history)
    a, b = run(history), run(later)
    first_shift = a.model.loc[a.model["date"] >= first, "shift"].iloc[0]
    for table in ("model", "agents", "events"):
        before_a = getattr(a, table)[getattr(a, table)["shift"] < first_shift]
        before_b = getattr(b, table)[getattr(b, table)["shift"] < first_shift]
        assert len(before_a) > 0
        assert_frame_equal(before_a, before_b, check_exact=True)
    revised = a.model["date"] >= first
    assert not a.model[revised].equals(b.model[revised]), "the revision must change something"


def test_supplies_keep_their_random_numbers_after_the_runs_part(small_scenario):
    """Deliveries depend on the supply stream alone: the same in both runs, every shift."""
    history = small_scenario(end=END)
    runs = [MineModel(history), MineModel(with_revision_moved(history, 3))]
    differed = False
    while runs[0].running:
        for model in runs:
            model.step()
        a, b = (model.last_shift for model in runs)
        timber_and_air = slice(0, 2)  # wagons are shared by need, which the runs change
        np.testing.assert_array_equal(
            a.supplies.delivered[:, timber_and_air], b.supplies.delivered[:, timber_and_air]
        )
        differed |= bool((a.output_tons != b.output_tons).any())
    assert differed, "the runs must part, or the test shows nothing"


def test_streams_are_independent_children_of_the_seed():
    layout = MineModel().runs
    streams = Streams.spawn([np.random.default_rng(7)], layout)
    again = Streams.spawn([np.random.default_rng(7)], layout)
    first = [float(s.uniform(1)[0]) for s in streams]
    assert first == [float(s.uniform(1)[0]) for s in again]
    assert len(set(first)) == len(first)


def test_skipped_and_picked_draws_leave_the_stream_where_drawing_would():
    """``skip`` and ``numbers_at`` jump a stream ahead (PCG64, the streams' generator) or
    draw (any other): the numbers picked are those ``random(n)`` makes at their offsets, and
    the next numbers are those after ``random(n)``."""
    from stakhanov_sim.model.streams import numbers_at, skip

    model = MineModel()
    assert all(isinstance(s[0].bit_generator, np.random.PCG64) for s in model.streams)
    for make in (np.random.PCG64, np.random.PCG64DXSM, np.random.MT19937):
        for offsets in ([], [0], [5, 6, 999], [1000]):
            drawn, jumped = np.random.Generator(make(7)), np.random.Generator(make(7))
            drawn.random(3), jumped.random(3)
            numbers = drawn.random(1001)
            picked = numbers_at(jumped, np.array(offsets, dtype=np.intp), 1001)
            np.testing.assert_array_equal(picked, numbers[offsets])
            np.testing.assert_array_equal(drawn.random(5), jumped.random(5))
            drawn.random(1001)
            skip(jumped, 1001)
            np.testing.assert_array_equal(drawn.random(5), jumped.random(5))


@pytest.mark.parametrize("compiled", [True, False], ids=["numpy-c-api", "run-by-run"])
def test_a_batchs_normals_are_each_generators_own(compiled, monkeypatch):
    """``Stream.normal`` in a batch calls NumPy's ``random_standard_normal_fill`` for every
    run in one kernel (or, where NumPy does not export it, ``standard_normal`` run by run):
    each run gets the numbers its generator gives alone, and goes on from the same place."""
    from stakhanov_sim.model import streams

    if compiled:
        assert streams.NORMAL_FILL, "this NumPy does not export random_standard_normal_fill"
    else:
        monkeypatch.setattr(streams, "NORMAL_FILL", 0)

    def generators():
        return [np.random.default_rng(np.random.SeedSequence(s)) for s in range(5)]

    batch, alone = streams.Stream(generators(), runs=None), generators()
    for n in (1, 7, 300):
        drawn = batch.normal(n).reshape(5, n)
        np.testing.assert_array_equal(drawn, np.stack([g.standard_normal(n) for g in alone]))
    after = batch.uniform(4).reshape(5, 4)
    np.testing.assert_array_equal(after, np.stack([g.random(4) for g in alone]))


@pytest.mark.parametrize("compiled", [True, False], ids=["numpy-c-api", "run-by-run"])
def test_draws_sized_by_each_runs_state_are_each_generators_own(compiled, monkeypatch):
    """``Stream.by_run`` (a batch's recruits): run after run, that run's count of lognormal
    then beta numbers, as its generator's ``lognormal`` and ``beta`` give them alone; a run
    with none draws none."""
    from stakhanov_sim.model import streams

    if compiled:
        assert all(streams.DISTRIBUTIONS.values()), "this NumPy does not export them"
    else:
        monkeypatch.setattr(streams, "DISTRIBUTIONS", {})

    def generators():
        return [np.random.default_rng(np.random.SeedSequence(s)) for s in range(4)]

    batch, alone = streams.Stream(generators(), runs=None), generators()
    for counts in ([2, 0, 3, 1], [0, 0, 0, 0], [5, 5, 5, 5]):
        skill, eager = batch.by_run(np.array(counts), ("lognormal", 0.0, 0.2), ("beta", 2.0, 3.0))
        expected = [
            (g.lognormal(0.0, 0.2, k), g.beta(2.0, 3.0, k))
            for g, k in zip(alone, counts, strict=True)
        ]
        np.testing.assert_array_equal(skill, np.concatenate([s for s, _ in expected]))
        np.testing.assert_array_equal(eager, np.concatenate([e for _, e in expected]))
    np.testing.assert_array_equal(
        batch.uniform(3).reshape(4, 3), np.stack([g.random(3) for g in alone])
    )
    one, alone = streams.Stream(generators()[:1], runs=None), generators()[0]  # a run alone
    skill, eager = one.by_run(np.array([6]), ("lognormal", 0.0, 0.2), ("beta", 2.0, 3.0))
    np.testing.assert_array_equal(skill, alone.lognormal(0.0, 0.2, 6))
    np.testing.assert_array_equal(eager, alone.beta(2.0, 3.0, 6))


@pytest.mark.parametrize("inline", [True, False], ids=["pcg64-inline", "numpy-c-calls"])
@pytest.mark.parametrize("runs", [2, 4, 7])
def test_a_batchs_uniform_numbers_skips_and_keys_are_each_generators_own(inline, runs, monkeypatch):
    """A batch's uniform numbers (all runs, some runs, scattered to the slots, a few slots'
    only), skips and keys: with PCG64 stepped in compiled code (``model.pcg64``) or with NumPy's C functions
    where that check fails, each run gets the numbers its generator gives alone and goes on
    from the same place."""
    from stakhanov_sim.model import pcg64, streams

    if inline:
        assert pcg64.works(), "the compiled PCG64 does not match NumPy's on this machine"
    else:
        monkeypatch.setattr(pcg64, "works", lambda: False)

    def generators():
        return [np.random.default_rng(np.random.SeedSequence([9, s])) for s in range(runs)]

    model = MineModel(rng=[np.random.SeedSequence([9, s]) for s in range(runs)],
                      replicate=list(range(runs)), mesa_agents=False)  # fmt: skip
    batch, alone = streams.Stream(generators(), model.runs), generators()
    assert (batch._bits.pcg is not None) == inline
    active = np.arange(runs) % 3 != 1
    for n in (1, 5, 300):
        np.testing.assert_array_equal(
            batch.uniform(n).reshape(runs, n), np.stack([g.random(n) for g in alone])
        )
        drawn = batch.uniform_where(n, active).reshape(runs, n)
        expected = np.stack([g.random(n) * a + (1 - a) for g, a in zip(alone, active, strict=True)])
        np.testing.assert_array_equal(drawn, expected)
    slots = model.runs.slots
    by_run = np.stack([g.random(slots) for g in alone]).ravel()
    np.testing.assert_array_equal(batch.uniform_slots(), by_run[model.runs.slot_order])
    by_run = np.stack([g.random(slots) * a + (1 - a) for g, a in zip(alone, active, strict=True)])
    drawn = batch.uniform_slots_where(active)
    np.testing.assert_array_equal(drawn, by_run.ravel()[model.runs.slot_order])
    for picked in ([0], [3, 4, slots + 1, runs * slots - 1], list(range(0, runs * slots, 97))):
        by_run = np.stack([g.random(slots) for g in alone]).ravel()[model.runs.slot_order]
        picked = np.array(picked, dtype=np.intp)  # a few slots' numbers, jumped to
        np.testing.assert_array_equal(batch.uniform_slots_at(picked), by_run[picked])
    batch.skip(1001)
    batch.skip(37, np.flatnonzero(active))
    for g, a in zip(alone, active, strict=True):
        g.bit_generator.advance(1001 + 37 * int(a))
    keys = batch.keys()
    np.testing.assert_array_equal(
        keys, np.array([g.bit_generator.random_raw() for g in alone], dtype=np.uint64)
    )
    np.testing.assert_array_equal(
        batch.uniform(3).reshape(runs, 3), np.stack([g.random(3) for g in alone])
    )


def test_compiled_pcg64_jumps_and_draws_as_numpy():
    """``pcg64.advance`` jumps as ``PCG64.advance`` for small, odd and huge steps, and
    ``fill_uniform`` of runs not active moves them on and reads 1."""
    from stakhanov_sim.model import pcg64

    ours = [np.random.default_rng(s) for s in range(5)]
    numpy = [np.random.default_rng(s) for s in range(5)]
    states = np.array([pcg64.state_address(g) for g in ours], dtype=np.intp)
    for delta in (0, 1, 2, 3, 380, 2**31 + 5, 2**62 + 12345):
        pcg64.advance(states, delta)
        for g in numpy:
            g.bit_generator.advance(delta)
        assert [g.random() for g in ours] == [g.random() for g in numpy]
    out = np.empty(5 * 6)
    active = np.array([True, False, True, True, False])
    pcg64.fill_uniform(states, 6, out, active, pcg64.NO_ORDER)
    expected = [g.random(6) * a + (1 - a) for g, a in zip(numpy, active, strict=True)]
    np.testing.assert_array_equal(out, np.concatenate(expected))
    assert pcg64.state_address(np.random.Generator(np.random.MT19937(1))) == 0
