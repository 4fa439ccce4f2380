"""Batches (``model.runs``): runs stepped together give each run the tables it has alone.

A batch stacks its runs' sections and draws each run's numbers from its own streams, so a
replicate's model, agent and event tables must be the same, value for value, whether it ran
alone, in a batch of one or in a batch of any size, and a sweep the same on the batch path
and on the reference path (one run per task).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim import MineModel, load_scenario
from stakhanov_sim.experiments import runner
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.experiments.sweep import in_batches, load_runs, load_sweep, run_sweep
from stakhanov_sim.model import runs
from stakhanov_sim.model.workforce import Workforce
from test_sweep import write_sweep

TABLES = ("model", "agents", "events")
SEED = 1935


def alone(scenario, replicates: list[int]) -> Results:
    """Each replicate run by itself (the reference), joined in order."""
    seeds = runner.replicate_seeds(SEED, max(replicates) + 1)
    return Results.concat([runner.run_replicate(scenario, seeds[r], r) for r in replicates])


def batch(scenario, replicates: list[int]) -> Results:
    """The replicates in one batch."""
    seeds = runner.replicate_seeds(SEED, max(replicates) + 1)
    return runner.run_batch(scenario, [seeds[r] for r in replicates], replicates)


def of(results: Results, replicates: list[int]) -> Results:
    """The rows of ``replicates`` only, numbered afresh."""
    return Results(
        *(
            getattr(results, t)[getattr(results, t)["replicate"].isin(replicates)].reset_index(
                drop=True
            )
            for t in TABLES
        )
    )


def assert_same(a: Results, b: Results) -> None:
    for table in TABLES:
        assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)


@pytest.mark.slow
def test_a_replicate_is_the_same_alone_and_in_batches_of_1_7_and_64():
    """The historical scenario, 1935-1937: records, titles, sanctions, quits, accidents,
    trials, the norm revision, the mass operations, all in every run."""
    history = load_scenario("history_1935_37")
    first_seven = list(range(7))
    reference = alone(history, [*first_seven, 63])
    assert_same(batch(history, [0]), of(reference, [0]))
    in_seven = batch(history, first_seven)
    assert_same(in_seven, of(reference, first_seven))
    in_64 = batch(history, list(range(64)))
    assert_same(of(in_64, [*first_seven, 63]), reference)
    middle, last = list(range(28, 35)), list(range(57, 64))  # more of the 64, by sevens
    sevens = Results.concat([batch(history, middle), batch(history, last)])
    assert_same(of(in_64, middle + last), sevens)
    events = in_64.events
    for kind in ("record", "title", "sanction", "quit", "fatal accident", "accusation", "arrest"):
        assert (events["event"] == kind).any(), f"no {kind} in 64 runs: the test shows less"


@pytest.mark.slow
def test_a_history_and_its_baseline_are_the_same_in_one_batch_as_alone():
    """Runs of one batch follow different timelines (``mechanisms.policy``): the history's
    staged record, burst, norm revision (which raises the norms and cuts the rates of its own
    runs only), charges and mass operations, next to the baseline's none."""
    history = load_scenario("history_1935_37")
    quiet = runner.without_campaign(history)
    fresh = lambda: runner.replicate_seeds(SEED, 2)  # noqa: E731 (spawning uses a seed up)
    with_history, with_baseline = runner.run_with_baseline(history, fresh(), [3, 8])
    assert_same(with_history, runner.run_batch(history, fresh(), [3, 8]))
    assert_same(with_baseline, runner.run_batch(quiet, fresh(), [3, 8]))
    events = with_history.events["event"]
    assert (events == "norm revision").sum() == 2 and (events == "arrest").any()
    assert not with_baseline.events["event"].isin(["policy", "norm revision"]).any()


def test_the_tables_of_some_of_a_batchs_runs_are_their_rows_of_the_whole(small_scenario):
    """``results(runs, numbers)``: the rows of those runs in the batch's tables, numbered
    afresh (how a worker writes its agent table a few runs at a time, and how a history is
    told from its baseline in one batch)."""
    scenario = small_scenario(end="1935-12-31")
    seeds = runner.replicate_seeds(SEED, 4)
    model = MineModel(scenario, rng=list(seeds), replicate=[10, 11, 12, 13], mesa_agents=False)
    while model.running:
        model.step()
    whole = model.results()
    assert_same(model.results(range(4)), whole)
    middle = of(whole, [11, 12])
    for table in TABLES:
        getattr(middle, table)["replicate"] = getattr(middle, table)["replicate"] - 10
    assert_same(model.results(range(1, 3), [1, 2]), middle)
    assert_same(model.results(range(1, 3)), of(whole, [11, 12]))
    assert len(model.results(range(2, 2), []).agents) == 0
    for some, numbers in ((range(3, 5), [0, 1]), (range(0, 2), [0]), (range(0, 4, 2), [0, 1])):
        with pytest.raises(ValueError, match="runs"):
            model.results(some, numbers)


def test_a_basin_of_several_mines_is_the_same_alone_and_in_a_batch():
    """Two mines share the railway's wagons; each run's basin keeps its own."""
    basin = load_scenario(
        "donbas_basin",
        {"mine.mines": 2, "mine.sections": 3, "calendar.end": "1936-03-31"},
    )
    assert_same(batch(basin, [0, 1, 2]), alone(basin, [0, 1, 2]))


def test_a_model_stepped_by_hand_keeps_its_mesa_agents_and_a_batch_makes_none():
    scenario = load_scenario("history_1935_37", {"calendar.end": "1935-09-30"})
    seeds = runner.replicate_seeds(SEED, 2)
    with pytest.raises(ValueError, match="single run"):
        MineModel(scenario, rng=list(seeds), replicate=[0, 1])
    model = MineModel(scenario, rng=list(seeds), replicate=[0, 1], mesa_agents=False)
    assert model.runs.count == 2 and len(model.agents) == 0


def test_each_batch_slot_holds_one_run_slot():
    """The layout by trade (all runs' hewers, then timbermen, then haulers) and each run's own
    numbering are one-to-one, and a run's slots keep their order."""
    w = Workforce(sections=3 * 2, hewers=4, timbermen=2, haulers=1, runs=3)
    layout = runs.of(w, mines=1, engineers=3)
    assert layout.slots == 2 * 7 and layout.count == 3
    assert sorted(layout.slot_order.tolist()) == list(range(w.size))
    for run in range(3):
        held = layout.batch_slots(run, np.arange(layout.slots))
        assert (np.diff(held) > 0).all() and (w.run[held] == run).all()
        np.testing.assert_array_equal(w.local_slot[held], np.arange(layout.slots))
        np.testing.assert_array_equal(w.trade[held], np.repeat([0, 1, 2], [8, 4, 2]))
    values = np.arange(w.size, dtype=float)
    for run, total in enumerate(layout.slot_sums(values)):
        assert total == values[layout.batch_slots(run, np.arange(layout.slots))].sum()


def test_batches_are_even_fill_every_worker_and_stay_within_the_cap():
    assert [len(b) for b in runner.batches(200, 2, 64)] == [50, 50, 50, 50]
    assert [len(b) for b in runner.batches(7, 2, 4)] == [4, 3]
    assert [len(b) for b in runner.batches(3, 4, 1)] == [1, 1, 1]
    for n, workers, size in ((1, 1, 64), (129, 2, 64), (40, 3, 5), (10, 1, 3)):
        parts = runner.batches(n, workers, size)
        assert [r for part in parts for r in part] == list(range(n))
        assert max(len(p) for p in parts) <= size


def test_batch_size_follows_the_memory_the_workers_and_the_mine():
    history = load_scenario("history_1935_37")
    big = runner.batch_size(history, 1000, 2, available=1e12)
    assert big == runner.MAX_BATCH
    assert runner.batch_size(history, 10, 2, available=1e12) == 5  # every worker gets some
    per_run = runner.budget.run_estimate(history, 1, 1).bytes
    tight = 2 * per_run * 3 / runner.MEMORY_SHARE  # room for three runs a worker
    assert runner.batch_size(history, 1000, 2, available=tight) == 3
    assert runner.batch_size(history, 1000, 2, available=0.0) == 1
    large = load_scenario("history_1935_37", {"mine.sections": 200})  # 7,600 miners
    assert runner.batch_size(large, 1000, 2, available=1e12) == 3


def test_an_ensemble_is_the_same_in_any_batches(small_scenario):
    scenario = small_scenario(end="1936-01-31")
    one = runner.run(scenario, replicates=5, workers=1, batch=1)
    for size in (2, 5):
        other = runner.run(scenario, replicates=5, workers=1, batch=size)
        assert_same(Results(one.model, one.agents, one.events), other)
        assert other.manifest["batch"] == size


def test_an_ensemble_and_its_baseline_in_shared_batches_are_what_run_gives_each(small_scenario):
    """``validate``'s two ensembles (``runner.run_and_baseline``), on one worker and on two."""
    scenario = small_scenario(end="1936-03-31")
    quiet = runner.without_campaign(scenario)
    assert not quiet.campaign.events and scenario.campaign.events
    alone = {
        name: runner.run(s, replicates=3, workers=1)
        for name, s in (("history", scenario), ("baseline", quiet))
    }
    for workers in (1, 2):
        history, baseline = runner.run_and_baseline(scenario, 3, workers=workers, batch=2)
        assert_same(history, alone["history"])
        assert_same(baseline, alone["baseline"])
        assert history.manifest["scenario"] == alone["history"].manifest["scenario"]
        assert baseline.manifest["scenario"] == alone["baseline"].manifest["scenario"]
        assert history.manifest["replicate_seeds"] == baseline.manifest["replicate_seeds"]


def test_a_sweep_is_the_same_on_the_batch_path_and_the_reference_path(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, replicates=3))
    tables = {}
    for size in (1, 3):  # 1: one run per task, the reference
        out = tmp_path / f"batch{size}"
        with ThreadPoolExecutor(2) as executor:
            report = run_sweep(sweep, out, executor, progress=False, batch=size)
        assert report.computed == sweep.n_runs
        tables[size] = load_runs(out)
    assert_frame_equal(tables[1], tables[3], check_exact=True)
    # The timber supply is per-run (``mechanisms.PER_RUN``), the pay system is not: a pay
    # system's 2 points x 3 replicates fill batches of 2, and no batch mixes the two systems.
    parts = in_batches(sweep.tasks(), 2)
    assert [len(b) for b in parts] == [2] * (sweep.n_runs // 2)
    assert all(len({t.scenario.pay.support_pay for t in part}) == 1 for part in parts)
    assert len(tables[3]) == sweep.n_runs and not pd.isna(tables[3]).any().any()


def test_a_sweeps_points_that_differ_in_per_run_parameters_share_batches(tmp_path):
    """Points that differ only in parameters a batch's runs may differ in
    (``mechanisms.PER_RUN``) go in one batch, each run with its point's values: the rows are
    those of the reference path; points that differ otherwise never share a batch."""
    parameters = {
        "records.special_conditions_multiplier": {"low": 3.0, "high": 8.0, "levels": 2},
        "social.quit_rate": {"low": 0.001, "high": 0.004, "levels": 2},
        "pay.support_pay": {"values": ["time", "share"]},
    }
    sweep = load_sweep(write_sweep(tmp_path, parameters=parameters, replicates=2))
    tables = {}
    for size in (1, 8):
        out = tmp_path / f"batch{size}"
        with ThreadPoolExecutor(2) as executor:
            run_sweep(sweep, out, executor, progress=False, batch=size)
        tables[size] = load_runs(out)
    assert_frame_equal(tables[1], tables[8], check_exact=True)
    parts = in_batches(sweep.tasks(), 8)
    assert [len(part) for part in parts] == [8, 8]  # 4 points of each pay, 2 replicates each
    for part in parts:
        assert len({task.point for task in part}) == 4
        assert len({task.scenario.pay.support_pay for task in part}) == 1
    assert tables[8].groupby("point")["mean_output_tons"].mean().nunique() == 8


def test_what_the_docs_say_of_batches_is_what_the_runner_does():
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    assert f"Replicates run in batches of up to {runner.MAX_BATCH}\nin one process" in readme
    sweeps = (root / "docs" / "sweeps.md").read_text()
    assert f"by default as many as memory allows, up to {runner.MAX_BATCH})" in sweeps


def test_a_calibrations_replicates_are_measured_the_same_in_a_batch():
    """The spread and the point's candidates run their replicates together
    (``calibrated.measure_runs``): each replicate's targets are those it gives alone."""
    from stakhanov_sim.experiments import calibrated
    from stakhanov_sim.validation.targets import CALIBRATION, of_kind

    scenario = load_scenario("history_1935_37", {"mine.sections": 3})
    keys = tuple(t.key for t in of_kind(CALIBRATION))
    seeds = [11, 12, 13]
    together = calibrated.measure_runs(scenario, seeds, keys)
    assert together == [calibrated.measure_run(scenario, s, keys) for s in seeds]
    assert len({tuple(m.values()) for m in together}) == 3  # the seeds differ


# The per-run levers beyond the calibrated parameters: the shipped sweeps' ranges
# (configs/sweeps) and, for the others, a few times either side of their defaults; the
# scarce end of the supplies, so that a run's supplies bind.
LEVER_RANGES = {
    "supply.timber_per_shift": (0.7, 1.5),
    "supply.air_per_shift": (0.7, 1.5),
    "supply.wagons_per_shift": (0.7, 1.5),
    "records.special_conditions_cap": (0.1, 0.6),
    "norms.midpoint_weight": (0.0, 1.0),
    "norms.max_raise": (0.1, 0.6),
    "norms.rate_cut": (0.0, 0.3),
    "social.deprivation_gain": (0.005, 0.05),
    "social.privilege_gain": (0.01, 0.1),
    "social.contagion": (0.01, 0.3),
    "social.decay": (0.01, 0.1),
    "social.sanction_threshold": (0.2, 0.8),
    "social.sanction_rate": (0.005, 0.1),
    "social.violence_share": (0.05, 0.5),
    "management.sabotage_threshold": (0.2, 0.8),
    "management.sabotage_rate": (0.01, 0.2),
    "management.plan_growth": (0.0, 0.2),
    "management.scapegoating_rate": (0.0, 1.5),
    "blame.denunciation_rate": (0.0005, 0.01),
    "recognition.keep_threshold": (0.6, 1.0),
    "recognition.bonus_rubles": (50.0, 500.0),
    "methods.school_rate": (0.001, 0.02),
    "methods.concentration_gain": (0.05, 0.5),
    "methods.concentration_wear": (0.0, 0.5),
    "accidents.fatal_per_1000_year": (1.5, 6.0),
    "accidents.accidents_per_fatal": (5.0, 40.0),
    "accidents.record_risk": (0.5, 5.0),
    "accidents.storming_risk": (0.0, 0.5),
    "accidents.injury_harm": (0.1, 0.6),
    "accidents.trial_chance": (0.0, 1.0),
    "reporting.padding_per_shortfall": (0.1, 1.0),
    "reporting.max_padding": (0.02, 0.2),
    "bargain.slack_return": (0.002, 0.05),
    "bargain.wage_fund_growth": (0.0, 0.3),
    "bargain.wage_fund_tolerance": (0.02, 0.3),
    "bargain.tightening": (0.1, 0.9),
    "production.restriction": (0.0, 0.5),
    "production.foreman_effect": (0.0, 0.5),
    "production.storming_fatigue": (0.0, 1.0),
    "records.attempt_rate": (0.01, 0.15),
    "records.race_decay": (0.01, 0.2),
    "records.fear_after_sanction": (0.1, 0.9),
    "social.support_loss_gain": (0.002, 0.05),
    "social.failure_gain": (0.002, 0.05),
    "social.norm_raise_gain": (0.3, 3.0),
    "social.rate_buster_fulfilment": (1.05, 2.0),
    "social.harm_per_sanction": (0.05, 0.5),
    "social.violence_harm": (1.0, 5.0),
    "social.harm_recovery": (0.02, 0.3),
    "social.supervisor_sanction_rate": (0.005, 0.1),
}


def test_runs_at_different_parameter_points_are_the_same_in_one_batch_as_alone():
    """A batch's runs may differ in the per-run parameters (``mechanisms.PER_RUN``: the
    calibrated ones and the levers the shipped sweeps vary): every run's tables, with its own
    values of all of them, are those it has alone."""
    from stakhanov_sim.experiments.calibrated import CALIBRATED
    from stakhanov_sim.model.mechanisms import PER_RUN
    from stakhanov_sim.model.mine import with_values

    history = load_scenario("history_1935_37", {"mine.sections": 4, "calendar.end": "1936-06-30"})
    rng = np.random.default_rng(7)
    ranges = {c.key: (c.low, c.high) for c in CALIBRATED} | LEVER_RANGES
    assert set(ranges) == set(PER_RUN)
    points = [{key: float(rng.uniform(*span)) for key, span in ranges.items()} for _ in range(3)]
    points.insert(1, {})  # a run at the scenario's own values between them
    seeds = lambda: runner.replicate_seeds(SEED, 4)  # noqa: E731 (a SeedSequence counts its spawns)
    together = runner.run_batch(history, seeds(), [0, 1, 2, 3], varying=points)
    for r, values in enumerate(points):
        one = runner.run_batch(with_values(history, values), [seeds()[r]], [r])
        assert_same(of(together, [r]), one)
    tons = together.model.groupby("replicate")["output_tons"].sum()
    assert tons.nunique() == 4  # the points differ
    history_twins, baseline_twins = runner.run_with_baseline(
        history, seeds()[:2], [0, 1], points[:2]
    )
    assert_same(history_twins, of(together, [0, 1]))
    quiet = runner.without_campaign(history)
    assert_same(baseline_twins, runner.run_batch(quiet, seeds()[:2], [0, 1], varying=points[:2]))


def test_levers_that_act_late_are_each_runs_own_in_a_batch():
    """Levers that act rarely or late, past the window of the test above: denunciations from
    below (after a foreman's grace in post), the lower supervisors' violence, trials after
    fatal accidents, a record's risk, the trust's review of the wage fund, and a new
    foreman's inexperience (foremen are replaced only once accused). Two points that
    differ in them, to March 1937, each as it is alone, and each with its own lever's effect."""
    from stakhanov_sim.model.mine import with_values

    history = load_scenario(
        "history_1935_37",
        {"mine.sections": 4, "calendar.end": "1937-03-31", "social.supervisor_sanction_rate": 0.5,
         "accidents.fatal_per_1000_year": 100.0},  # often enough to see trials in a small mine
    )  # fmt: skip
    points = [
        {"blame.denunciation_rate": 0.0005, "social.violence_share": 0.05,
         "accidents.trial_chance": 0.05, "accidents.record_risk": 0.5,
         "bargain.wage_fund_growth": 0.3, "bargain.tightening": 0.1,
         "bargain.wage_fund_tolerance": 0.0,
         "production.foreman_effect": 0.0},
        {"blame.denunciation_rate": 0.02, "social.violence_share": 0.95,
         "accidents.trial_chance": 1.0, "accidents.record_risk": 20.0,
         "bargain.wage_fund_growth": 0.0, "bargain.tightening": 0.9,
         "bargain.wage_fund_tolerance": 0.0,
         "production.foreman_effect": 0.9},
    ]  # fmt: skip
    seeds = lambda: runner.replicate_seeds(5, 2)  # noqa: E731 (a SeedSequence counts its spawns)
    together = runner.run_batch(history, seeds(), [0, 1], varying=points)
    for r, values in enumerate(points):
        assert_same(
            of(together, [r]), runner.run_batch(with_values(history, values), [seeds()[r]], [r])
        )
    below = together.model.groupby("replicate")["accusations_from_below"].sum()
    assert below[0] < below[1]
    supervisors = together.events[together.events["detail"].str.contains("lower supervisors")]
    violent = (
        supervisors["detail"].str.startswith("violence").groupby(supervisors["replicate"]).mean()
    )
    assert violent[0] < 0.5 < violent[1]
    tightened = (
        (together.events["event"] == "norm tightening").groupby(together.events["replicate"]).sum()
    )
    assert tightened[0] < tightened[1]  # a fund that grows 30% a year is overspent less


def test_each_run_of_a_batch_pays_its_own_title_bonus():
    """The title's bonus goes to the miners' earnings, which no table shows: each run's
    earnings in a batch, against the run alone."""
    history = load_scenario("history_1935_37", {"mine.sections": 3, "calendar.end": "1935-12-31"})
    points = [{"recognition.bonus_rubles": 100.0}, {"recognition.bonus_rubles": 900.0}]

    def earnings(model: MineModel) -> np.ndarray:
        while model.running:
            model.step()
        ordered = model.workforce.earnings_rubles[model.runs.run_major]
        return ordered.reshape(model.runs.count, -1)

    seeds = lambda: runner.replicate_seeds(3, 2)  # noqa: E731 (a SeedSequence counts its spawns)
    together = earnings(MineModel(history, rng=seeds(), mesa_agents=False, varying=points))
    for r, values in enumerate(points):
        alone = MineModel(history, rng=[seeds()[r]], mesa_agents=False, varying=[values])
        np.testing.assert_array_equal(together[r], earnings(alone)[0])
    other = MineModel(history, rng=[seeds()[0]], mesa_agents=False, varying=[points[1]])
    assert earnings(other)[0].sum() > together[0].sum()  # the bonus counts


def test_alike_tells_an_ensembles_values_from_a_sweeps():
    assert runs.alike(np.array([0.3])) and runs.alike(np.array([0.3, 0.3, 0.3]))
    assert not runs.alike(np.array([0.3, 0.3, 0.31]))


def test_growth_over_years_is_pythons_power_for_each_run():
    """``runs.grown``: one number for runs that share their rate, else each run's, and each
    the very number Python's power gives a run alone."""
    assert runs.grown(np.array([0.08, 0.08]), 2) == 1.08**2
    assert runs.grown(np.array([0.1, 0.25]), 1.5).tolist() == [1.1**1.5, 1.25**1.5]


def test_the_docs_list_the_per_run_levers_and_the_shipped_designs_vary_only_them():
    """docs/sweeps.md names every per-run parameter beyond the calibrated ones, and says the
    shipped sweep and sensitivity designs vary only per-run parameters."""
    from stakhanov_sim.experiments.calibrated import CALIBRATED
    from stakhanov_sim.experiments.sweepfile import read_spec
    from stakhanov_sim.model.mechanisms import PER_RUN

    text = (Path(__file__).resolve().parents[1] / "docs" / "sweeps.md").read_text()
    listed = text.split("levers of the campaign's unintended effects:")[1].split("Both shipped")[0]
    levers = set(PER_RUN) - {c.key for c in CALIBRATED}
    assert {key.split(".")[1] for key in levers} == set(re.findall(r"`(?:\w+\.)?(\w+)`", listed))
    for name in ("example_sweep.yaml", "sensitivity_small.yaml"):
        spec = read_spec(Path(__file__).resolve().parents[1] / "configs" / "sweeps" / name)
        assert set(spec.parameters) <= set(PER_RUN), name


def test_the_per_run_parameters_are_exactly_those_that_set_per_run_fields():
    """``mechanisms.PER_RUN`` names the parameters whose records hold one value per run: a
    change of one of them changes per-run fields only, and a change of any other numeric
    parameter changes none (else a batch would silently give its runs the first run's)."""
    from stakhanov_sim.experiments.calibrated import CALIBRATED
    from stakhanov_sim.model.mechanisms import PER_RUN, Parameters, parameters, per_run_fields
    from stakhanov_sim.model.mine import with_values
    from stakhanov_sim.scenarios.schema import Scenario

    assert {c.key for c in CALIBRATED} <= set(PER_RUN)  # a calibration's particles batch
    base = Scenario()
    before = parameters(base)

    def changed(scenario) -> tuple[set, set]:
        after = parameters(scenario)
        per_run, scalar = set(), set()
        for mechanism, old, new in zip(Parameters._fields, before, after, strict=True):
            for name in old._fields:
                same = np.array_equal(getattr(old, name), getattr(new, name))
                if not same:
                    (per_run if name in per_run_fields(mechanism) else scalar).add(name)
        return per_run, scalar

    for key in PER_RUN:
        group, name = key.split(".")
        value = getattr(getattr(base, group), name)
        per_run, scalar = changed(with_values(base, {key: value * 1.1 + 0.01}))
        if not per_run:  # a share of a section's hewers counts whole hewers: a larger step
            per_run, scalar = changed(with_values(base, {key: value * 1.5 + 0.05}))
        assert per_run and not scalar, key
    for group, section in base:
        if not hasattr(type(section), "model_fields"):
            continue
        for name, value in section:
            key = f"{group}.{name}"
            if key in PER_RUN or isinstance(value, bool) or not isinstance(value, float):
                continue
            data = base.model_dump()
            data[group][name] = value * 1.1 + 0.01
            try:
                other = Scenario.model_validate(data)
            except ValueError:
                continue  # out of its range: nothing to compare
            per_run, _ = changed(other)
            assert not per_run, key
    with pytest.raises(ValueError, match="may differ only in"):
        MineModel(base, rng=[1, 2], mesa_agents=False, varying=[{}, {"mine.sections": 3}])


def test_a_workers_particles_are_measured_in_one_batch_each_as_alone(monkeypatch):
    """A calibration worker's paused tasks hand their particles over together
    (``calibrated.measure_particles``): each particle's targets are those it gives alone, and
    a few particles' runs, with their baselines, make one batch."""
    from stakhanov_sim.experiments import calibrated
    from stakhanov_sim.validation.targets import CALIBRATION, of_kind

    scenario = load_scenario("history_1935_37", {"mine.sections": 3})
    base, keys = scenario.model_dump(mode="json"), tuple(t.key for t in of_kind(CALIBRATION))
    rng = np.random.default_rng(3)
    particles = [
        calibrated.Particle(
            base, keys, {c.key: float(rng.uniform(c.low, c.high)) for c in calibrated.CALIBRATED},
            (11 + i,),
        )
        for i in range(3)
    ]  # fmt: skip
    alone = [calibrated.measure_particles([p])[0] for p in particles]
    batches_made = []
    measure_runs = calibrated.measure_runs
    monkeypatch.setattr(
        calibrated, "measure_runs", lambda *a, **k: batches_made.append(1) or measure_runs(*a, **k)
    )
    assert calibrated.measure_particles(particles) == alone
    assert len(batches_made) == 1
    assert len({tuple(m[0].values()) for m in alone}) == 3  # the points differ
