"""A worker's tables reach the command through files unchanged, and no file outlives it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim.experiments import handover, runner
from stakhanov_sim.experiments.results import TABLES
from stakhanov_sim.experiments.runner import replicate_seeds, run_batch, run_parallel


@pytest.fixture(scope="module")
def tables(small_scenario):
    """Two batches' tables: one with events, one (no campaign, a few shifts) without any."""
    scenario = small_scenario(end="1935-12-31")
    quiet = small_scenario(end="1935-08-03", overrides={"campaign.events": []})
    seeds = replicate_seeds(5, 3)
    return run_batch(scenario, seeds[:2], [0, 1]), run_batch(quiet, seeds[2:], [2])


def _same(a, b):
    for table in TABLES:
        assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)


def test_tables_come_back_equal_with_their_types_and_the_files_go(tables, tmp_path):
    busy, quiet = tables
    assert len(busy.events) and not len(quiet.events)
    busy.manifest = {"note": "kept"}
    handed = handover.give((busy, quiet), tmp_path, "batch0")
    assert isinstance(handed, handover.Handed)
    assert len(list(tmp_path.iterdir())) == 2 * len(TABLES)
    back = handover.take(handed)
    _same(back[0], busy)
    _same(back[1], quiet)
    assert back[0].manifest == {"note": "kept"}
    assert list(tmp_path.iterdir()) == []


def test_tables_that_come_back_can_be_changed_in_place(tables, tmp_path):
    """Read through a memory map, the numbers still land in pandas' own writable blocks."""
    back = handover.take(handover.give(tables[:1], tmp_path, "batch0"))[0]
    back.agents.loc[0, "wage_rubles"] = -1.0
    back.model.loc[0, "output_tons"] = -2.0
    back.events.loc[0, "actor_id"] = -3
    back.events.loc[0, "event"] = "changed"
    assert back.agents["wage_rubles"].iloc[0] == -1.0 and back.model["output_tons"].iloc[0] == -2.0
    assert back.events[["actor_id", "event"]].iloc[0].tolist() == [-3, "changed"]


def test_tables_that_cannot_be_written_come_back_themselves(tables, tmp_path):
    gone = tmp_path / "removed by the command"
    handed = handover.give(tables, gone, "batch0")
    assert handed is tables and handover.take(handed) is tables


def test_the_folder_goes_with_what_is_left_in_it_even_after_an_error():
    with pytest.raises(KeyboardInterrupt), handover.folder() as into:
        (into / "batch0-0-model.arrow").write_bytes(b"half")
        raise KeyboardInterrupt
    assert not into.exists()


def test_folders_of_commands_that_were_killed_are_removed(tmp_path, monkeypatch):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    orphan = tmp_path / f"{handover.PREFIX}{dead.stdout.strip()}-abc"
    living = tmp_path / f"{handover.PREFIX}{handover.os.getpid()}-def"
    for path in (orphan, living):
        path.mkdir()
        (path / "batch0-0-agents.arrow").write_bytes(b"")
    monkeypatch.setattr(handover, "place", lambda: tmp_path)
    with handover.folder() as into:
        assert into.parent == tmp_path
    assert not orphan.exists() and living.exists() and not into.exists()


@pytest.mark.slow
def test_batches_on_two_workers_are_the_batches_run_here(small_scenario, tmp_path, monkeypatch):
    """Through the pool and the files, each batch's tables are those it has in this process,
    with the progress bar on; nothing is left in the folder's place."""
    scenario = small_scenario(end="1935-10-31")
    seeds = replicate_seeds(9, 3)
    jobs = [(scenario, seeds[:2], [0, 1], False), (scenario, seeds[2:], [2], True)]
    monkeypatch.setattr(handover, "place", lambda: tmp_path)
    monkeypatch.setattr(runner, "PROGRESS_DELAY_S", 0.0)  # the bar drawn from the start
    parts = run_parallel(jobs, workers=2, progress=True)
    _same(parts[0][0], run_batch(scenario, seeds[:2], [0, 1]))
    assert len(parts[1]) == 2  # a replicate and its baseline
    assert list(tmp_path.iterdir()) == []


def _kernels_loaded(_=None) -> list[int]:
    """In a pool worker, before it runs anything: how many signatures a few of the kernels
    a batch calls already hold."""
    from stakhanov_sim.model import observation, pcg64
    from stakhanov_sim.model.mechanisms import production, social

    kernels = (
        pcg64.fill_uniform,
        observation._tally,
        social._sanction,
        production._intended_output,
    )
    return [len(k.overloads) for k in kernels]


@pytest.mark.slow
def test_workers_fork_with_the_kernels_loaded_and_importing_the_warm_up_elsewhere_does_nothing():
    """The forkserver loads the kernels once (``warmup``), so a fresh worker calls them
    without loading them from the disk cache."""
    from stakhanov_sim.experiments import lifeline, warmup

    assert not lifeline.in_forkserver()  # so importing it here ran nothing
    pool = runner.worker_pool(2)
    try:
        loaded = list(pool.map(_kernels_loaded, range(2)))
    finally:
        pool.shutdown()
    assert all(all(count >= 1 for count in worker) for worker in loaded), loaded
    assert warmup.SHIFTS >= 1
