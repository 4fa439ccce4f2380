"""A worker's tables reach the command through files unchanged, and no file outlives it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim.experiments import handover, runner
from stakhanov_sim.experiments.results import TABLES, Results
from stakhanov_sim.experiments.runner import replicate_seeds, run_parallel
from stakhanov_sim.model import observation


@pytest.fixture(scope="module")
def batches(small_scenario):
    """Two stepped batches with their parts: one of two runs, each with its baseline twin
    (four runs, two parts), with events; one run without any (no campaign, a few shifts)."""
    scenario = small_scenario(end="1935-12-31")
    quiet = small_scenario(end="1935-08-03", overrides={"campaign.events": []})
    seeds = replicate_seeds(5, 3)
    return (
        runner.stepped((scenario, seeds[:2], [3, 4], True)),
        runner.stepped((quiet, seeds[2:], [2], False)),
    )


def _same(a, b):
    for table in TABLES:
        assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)


@pytest.mark.parametrize("chunk", [1, 3, observation.CHUNK_RUNS])
def test_tables_come_back_equal_with_their_types_and_the_files_go(
    batches, tmp_path, monkeypatch, chunk
):
    """Whatever the agent table's chunks, each part comes back as its tables in the worker."""
    monkeypatch.setattr(observation, "CHUNK_RUNS", chunk)
    (busy, busy_parts), (quiet, quiet_parts) = batches
    expected = [busy.results(*part) for part in busy_parts] + [quiet.results(*quiet_parts[0])]
    assert len(expected[0].events) and not len(expected[2].events)
    handed = [handover.give(busy, busy_parts, tmp_path, "batch0"),
              handover.give(quiet, quiet_parts, tmp_path, "batch1")]  # fmt: skip
    assert all(isinstance(h, handover.Handed) for h in handed)
    # each part's model and event tables, and each batch's snapshots
    assert len(list(tmp_path.iterdir())) == 2 * (len(busy_parts) + len(quiet_parts)) + 2
    back = handover.joined([handover.take(handed[0])]) + handover.joined([handover.take(handed[1])])
    assert len(back) == 3
    for got, want in zip(back, expected, strict=True):
        _same(got, want)
    assert back[1].model["replicate"].unique().tolist() == [3, 4]  # the twins' numbers
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_batches_are_joined_as_their_frames_would_be(batches, tmp_path, monkeypatch, threads):
    """Batches' tables joined as Arrow tables, or as frames where their types differ (a
    batch without events), are what ``Results.concat`` makes of their frames, however many
    threads make the agent table (in chunks of one run, so each thread has several)."""
    monkeypatch.setattr(observation, "CHUNK_RUNS", 1)
    (busy, busy_parts), (quiet, quiet_parts) = batches
    frames = [busy.results(*busy_parts[0]), quiet.results(*quiet_parts[0])]
    for order in ([0, 1], [1, 0], [0, 0]):
        handed = [handover.give(*batches[b], tmp_path, f"batch{k}") for k, b in enumerate(order)]
        taken = [handover.take(h)[:1] for h in handed]
        (got,) = handover.joined(taken, threads=threads)
        _same(got, Results.concat([frames[b] for b in order]))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="one kind"):  # a history with its baseline, one without
        handover.joined(
            [handover.take(handover.give(*batches[b], tmp_path, f"b{b}")) for b in (0, 1)]
        )


def test_tables_that_come_back_can_be_changed_in_place(batches, tmp_path):
    """Read through a memory map, the numbers still land in pandas' own writable blocks."""
    back = handover.joined([handover.take(handover.give(*batches[0], tmp_path, "batch0"))])[0]
    back.agents.loc[0, "wage_rubles"] = -1.0
    back.model.loc[0, "output_tons"] = -2.0
    back.events.loc[0, "actor_id"] = -3
    back.events.loc[0, "event"] = "changed"
    assert back.agents["wage_rubles"].iloc[0] == -1.0 and back.model["output_tons"].iloc[0] == -2.0
    assert back.events[["actor_id", "event"]].iloc[0].tolist() == [-3, "changed"]


def test_tables_that_cannot_be_written_come_back_themselves(batches, tmp_path):
    gone = tmp_path / "removed by the command"
    model, parts = batches[0]
    handed = handover.give(model, parts, gone, "batch0")
    assert isinstance(handed, handover.Given)
    for back, part in zip(handover.joined([handover.take(handed)]), parts, strict=True):
        _same(back, model.results(*part))


def test_a_batch_handed_over_by_file_joins_one_given_back(batches, tmp_path):
    """Batches that came back both ways make one table, as their frames would."""
    (busy, busy_parts), (quiet, quiet_parts) = batches
    by_file = handover.give(quiet, quiet_parts, tmp_path, "batch0")
    themselves = handover.give(quiet, quiet_parts, tmp_path / "gone", "batch1")
    assert isinstance(by_file, handover.Handed) and isinstance(themselves, handover.Given)
    (got,) = handover.joined([handover.take(by_file), handover.take(themselves)])
    frame = quiet.results(*quiet_parts[0])
    _same(got, Results.concat([frame, frame]))


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
    jobs = [(scenario, seeds[:2], [0, 1], True), (scenario, seeds[2:], [2], True)]
    monkeypatch.setattr(handover, "place", lambda: tmp_path)
    monkeypatch.setattr(runner, "PROGRESS_DELAY_S", 0.0)  # the bar drawn from the start
    history, baseline = run_parallel(jobs, workers=2, progress=True)
    here = [
        runner.run_with_baseline(scenario, s, r) for s, r in ((seeds[:2], [0, 1]), (seeds[2:], [2]))
    ]
    _same(history, Results.concat([h for h, _ in here]))
    _same(baseline, Results.concat([b for _, b in here]))
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


def test_arrays_written_for_the_command_come_back_as_they_were(tmp_path):
    """Raw arrays of every type and shape the snapshots hold, empty ones included, come back
    equal, read-only, and their file goes."""
    arrays = {
        "ids": np.arange(12, dtype=np.int64).reshape(3, 4),
        "flags": np.array([[True, False, True]]),
        "none_yet": np.empty((0, 5)),
        "codes": np.array([2, 0, 1], dtype=np.int8),
        "values": np.linspace(0, 1, 7),
    }
    path = str(tmp_path / "batch0-snapshots.bin")
    back = handover._load(path, handover._save(arrays, path))
    assert list(back) == list(arrays) and not (tmp_path / "batch0-snapshots.bin").exists()
    for name, array in arrays.items():
        np.testing.assert_array_equal(back[name], array, strict=True)
        assert not back[name].flags.writeable
    empty = str(tmp_path / "empty.bin")
    assert handover._load(empty, handover._save({"none": np.empty((0, 2))}, empty))[
        "none"
    ].shape == (0, 2)


@pytest.mark.slow
def test_compile_all_leaves_nothing_for_a_run_or_an_ensemble_to_compile(tmp_path):
    """After ``warmup.compile_all`` (``make`` calls it), a single run and a batch find every
    kernel they call in the cache, so test processes started together only read it."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}

    def cached() -> set[str]:
        return {p.name for p in (tmp_path / "cache").rglob("*.nbc")}

    warm = "from stakhanov_sim.experiments.warmup import compile_all; compile_all()"
    subprocess.run([sys.executable, "-c", warm], env=env, check=True, capture_output=True)
    before = cached()
    later = textwrap.dedent(
        """
        from stakhanov_sim import MineModel, load_scenario, run
        small = load_scenario("history_1935_37", {"mine.sections": 3, "mine.hewers_per_section": 5})
        model = MineModel(small)
        for _ in range(model.n_shifts):
            model.step()
        run(small, replicates=3, workers=1, batch=3)
        """
    )
    subprocess.run([sys.executable, "-c", later], env=env, check=True, capture_output=True)
    assert before and cached() == before
