"""The benchmark code runs at tiny sizes and reports what issue 7 asks (no timings asserted)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench", BENCHMARKS / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(BENCHMARKS))


def test_scaling_rows_table_and_figure(bench, tmp_path):
    argv = ["--sizes", "76", "152", "--only", "sizes", "--in-process",
            "--end", "1935-09-05", "--mesa-agent-steps", "2000", "--out", str(tmp_path)]  # fmt: skip
    assert bench.main(argv) == 0
    measured = json.loads((tmp_path / "results.json").read_text())
    rows = measured["sizes"]
    assert [r["miners"] for r in rows] == [76, 152]  # 2 and 4 sections of 38 miners
    for row in rows:
        assert row["shifts"] > 0 and row["model_us"] > 0 and row["mesa_us"] > 0
        assert row["ratio"] == pytest.approx(row["model_us"] / row["mesa_us"])
        assert row["peak_rss_mb"] > 0
    report = (tmp_path / "results.md").read_text()
    assert "| 76 | 2 |" in report and "| 152 | 4 |" in report
    assert (tmp_path / "cost_per_worker_shift.png").stat().st_size > 10_000


def test_scenario_timing_reports_every_run(bench):
    config = bench.ROOT / "configs" / "baseline_no_campaign.yaml"
    row = bench.measure_scenario(config, repeats=2, overrides={"mine.sections": 2,
                                 "calendar.end": "1935-08-20"})  # fmt: skip
    assert row["miners"] == 76 and row["shifts"] > 10
    assert len(row["wall_s"]) == len(row["cpu_s"]) == 2


def test_targets_judged_from_the_measurements(bench):
    import bench_report

    def size(miners, model_us, mesa_us):
        return {"miners": miners, "model_us": model_us, "mesa_us": mesa_us,
                "ratio": model_us / mesa_us}  # fmt: skip

    measured = {
        "sizes": [size(1_000, 1.0, 0.4), size(10_000, 0.1, 0.5), size(1_000_000, 0.2, 1.0)],
        "default": {"wall_s": [1.4, 0.8, 0.9]},
        "basin": {"wall_s": [50.0], "peak_rss_mb": 5000.0},
        "ensemble": [{"workers": 1, "runs_per_s": 1.0}, {"workers": 2, "runs_per_s": 1.8}],
    }
    met = [ok for _, _, ok in bench_report.targets(measured)]
    # 1k is below the 10k threshold (ratio 0.2 at 10k and 1M); 1M costs 2x 10k; default
    # median 0.9 s (no CPU time: judged on wall twice); basin over 4 GB; 1.8x with 2 workers.
    assert met == [True, False, True, True, False, False, True]


def test_single_run_against_the_large_mine_is_reported(bench):
    """Issue 17's measurement runs at tiny sizes and reaches the report (no timing judged)."""
    import bench_report

    from stakhanov_sim import load_scenario

    small = load_scenario(bench.ROOT / "configs" / "baseline_no_campaign.yaml",
                          {"mine.sections": 2, "calendar.end": "1935-08-20"})  # fmt: skip
    large = bench.scaled_scenario(152, (bench.WINDOW[0], dt.date(1935, 9, 5)))
    single = bench.measure_single(rounds=2, default=small, large=large)
    assert (single["miners"], single["large_miners"]) == (76, 152)
    assert len(single["single_us_each"]) == len(single["large_us_each"]) == 2
    assert single["ratio"] == pytest.approx(single["single_us"] / single["large_us"])
    measured = {"single": single, "single_against": {"reference_src": "/old/src",
                "runs": {"reference": [single], "this tree": [single, single]}}}  # fmt: skip
    ((what, value, met),) = bench_report.targets(measured)
    assert "issue 17" in what and met == (single["ratio"] <= bench_report.SINGLE_TARGET)
    section = "\n".join(bench_report.single_lines(measured))
    # the one-process row, the two turns, the medians; the reference's turn and median
    assert section.count("| this tree |") == 4 and section.count("| reference |") == 2
    assert "/old/src" in section


def test_throughput_against_batch_size_is_measured_and_reported(bench, tmp_path):
    """Issue 17's runs per second, at a tiny size: each setting's row (the faster of two
    tries), the gain over batch 1 judged, the table and the figure; the fresh-venv section
    from its steps."""
    import bench_report

    settings = (("agents", 2, 1), ("pool", 2, 1), ("pool", 2, 3), ("pool", 1, 3), ("dask", 1, 3))
    rows = bench.measure_throughput(
        6, 2, settings, bench.ROOT / "configs" / "baseline_no_campaign.yaml",
        {"mine.sections": 2, "calendar.end": "1935-08-20"}, tries=2,
    )  # fmt: skip
    assert [(r["executor"], r["workers"], r["batch"]) for r in rows] == list(settings)
    assert all(r["tries"] == 2 for r in rows)
    assert all(r["runs_per_s"] == pytest.approx(6 / r["wall_s"]) for r in rows)
    ((what, value, met),) = bench_report.targets({"throughput": rows})
    gain = rows[2]["runs_per_s"] / rows[0]["runs_per_s"]  # against the path of the issue
    assert "issue 17" in what and f"{gain:.1f}x" in value
    assert f"{rows[2]['runs_per_s'] / rows[1]['runs_per_s']:.1f}x one run per task" in value
    assert met == (gain >= bench_report.THROUGHPUT_TARGET)
    fresh = {"steps_s": {"venv": 3.0, "install": 60.0, "first run": 20.0}, "total_s": 83.0}
    bench_report.write({"started": "now", "load_before": [0.0], "load_after": [0.0],
                        "throughput": rows, "fresh": fresh}, tmp_path)  # fmt: skip
    report = (tmp_path / "results.md").read_text()
    assert report.count("| pool |") == 3 and report.count("| dask |") == 1
    assert report.count("| agents |") == 1
    assert "83 s wall: venv 3 s, install 60 s, first run 20 s" in report
    assert "The whole list 2 times over" in report
    assert (tmp_path / bench_report.THROUGHPUT_FIGURE).stat().st_size > 10_000


def test_shift_breakdown_times_the_calls_of_a_shift_and_puts_them_back():
    spec = importlib.util.spec_from_file_location("breakdown", BENCHMARKS / "shift_breakdown.py")
    breakdown = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(breakdown)
    from stakhanov_sim import load_scenario
    from stakhanov_sim.model import mine

    before = mine.social.sanction, mine.MineModel._observe
    scenario = load_scenario(breakdown.CONFIG, {"mine.sections": 2, "seed": 5})
    total, shifts, spent = breakdown.breakdown(scenario, runs=1)
    assert shifts == 729 and total > 0
    assert {"_observe", "social.sanction", "supply.allocate", "hire_into"} <= set(spent)
    assert sum(spent.values()) < 2 * total  # nested calls count twice, never more
    assert (mine.social.sanction, mine.MineModel._observe) == before


def test_batch_breakdown_sets_a_batch_against_one_mine_of_its_size(bench, small_scenario):
    """(``bench`` puts ``benchmarks/`` on the path, for ``shift_breakdown``.)"""
    spec = importlib.util.spec_from_file_location("batches", BENCHMARKS / "batch_breakdown.py")
    batches = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(batches)
    scenario = small_scenario(end="1935-09-30")
    batch, mine = batches.batch(scenario, 3), batches.one_mine(scenario, 3)
    assert batch.runs.count == 3 and mine.runs.count == 1
    assert batch.workforce.size == mine.workforce.size
    total, shifts, spent = batches.breakdown(scenario, 1, lambda s: batches.batch(s, 2))
    assert shifts > 0 and total > 0 and {"_observe", "social.sanction"} <= set(spent)


@pytest.mark.slow
def test_a_calibration_particle_is_timed_both_ways_and_reported(bench):
    """The particle's measurement runs at a tiny size and reaches the report (no timing judged)."""
    import bench_report

    from stakhanov_sim import load_scenario

    small = load_scenario("history_1935_37", {"mine.sections": 2})  # every target measurable
    particle = bench.measure_particle(rounds=2, scenario=small)
    assert len(particle["together_s_each"]) == len(particle["apart_s_each"]) == 2
    assert particle["speedup"] == pytest.approx(particle["apart_s"] / particle["together_s"])
    text = "\n".join(bench_report.particle_lines(particle))
    assert "## A calibration particle" in text and f"{particle['speedup']:.2f}x" in text


@pytest.mark.slow
def test_a_workers_particles_are_timed_together_and_one_by_one_and_reported(bench):
    """The measurement runs at a tiny size and reaches the report (no timing judged)."""
    import bench_report

    from stakhanov_sim import load_scenario

    small = load_scenario("history_1935_37", {"mine.sections": 2})
    particles = bench.measure_particles_together(count=3, scenario=small)
    assert particles["speedup"] == pytest.approx(particles["alone_s"] / particles["together_s"])
    text = "\n".join(bench_report.particles_lines(particles))
    assert "## A worker's calibration particles together" in text
    assert f"{particles['speedup']:.2f}x" in text


def test_the_issues_reference_path_gives_the_tables_run_gives(bench):
    """The reference of issue 17 (one task per run, Mesa agents) does the same work as the
    batches: the same seeds, the same tables."""
    from pandas.testing import assert_frame_equal

    from conftest import shortened
    from stakhanov_sim import run
    from stakhanov_sim.experiments.results import TABLES

    scenario = shortened(end="1935-09-30")  # past the first records
    reference = bench.one_run_per_task_with_agents(scenario, 3, 2)
    batched = run(scenario, replicates=3, workers=1, batch=3)
    for table in TABLES:
        assert_frame_equal(getattr(reference, table), getattr(batched, table), check_exact=True)


def test_the_ceiling_of_issue_17s_ratio_is_measured_and_reported(bench):
    """ceiling.py times the reference path's task and a batch's stepping in one process and
    reports the most the batches could gain (no timing judged)."""
    import bench_report
    import ceiling

    from conftest import shortened

    scenario = shortened(end="1935-09-10")
    measured = ceiling.measure(scenario, batch=3, rounds=2, reference_runs=2)
    assert measured["rounds"] == 2 and len(measured["stepping_s_each"]) == 2
    assert measured["ceiling"] == pytest.approx(measured["reference_s"] / measured["stepping_s"])
    assert measured["in_process"] < measured["ceiling"]  # the tables cost something
    assert measured["stepping_for_target_s"] == pytest.approx(measured["reference_s"] / 10)
    text = ceiling.report(measured)
    assert f"{measured['ceiling']:.1f}x" in text and ("needs" in text) == (measured["ceiling"] < 10)
    report = {"ceiling": measured | {"load_before": 0.5, "load_after": 0.7}}
    ((what, value, met),) = bench_report.targets(report)
    assert "ceiling.py" in what and met == (measured["ceiling"] >= bench_report.THROUGHPUT_TARGET)
    section = "\n".join(bench_report.ceiling_lines(report["ceiling"]))
    assert "## The ceiling of issue 17's ratio" in section
    assert f"| {measured['ceiling']:.1f}x |" in section


def test_each_call_a_shift_makes_is_timed_once_and_the_wrappers_removed(bench):
    """shift_calls.py times every call step() makes, outermost only, and puts the functions
    back as they were (no timing judged)."""
    import shift_calls

    from conftest import shortened
    from stakhanov_sim.model import mine
    from stakhanov_sim.model.mechanisms import records

    before = records.put_forward, mine.MineModel.hire_into
    measured = shift_calls.measure(shortened(end="1935-09-10"), shifts=12)
    assert (records.put_forward, mine.MineModel.hire_into) == before
    calls = measured["calls_s"]
    assert {"records.put_forward", "model._observe", "model.hire_into"} <= set(calls)
    assert "management.remove_accused" not in calls  # inside model._remove, not step()'s own
    assert measured["shifts"] >= 12 and measured["calls_per_shift"] > 20
    assert measured["remainder_s"] == pytest.approx(
        measured["wrapped_step_s"] - sum(calls.values())
    )
    text = shift_calls.report(measured)
    assert "| `records.put_forward` |" in text and f"{measured['miners']:,} miners" in text
