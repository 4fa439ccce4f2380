"""Sweeps survive lost work: a Dask worker killed mid-sweep, a whole sweep killed and restarted.

A lab cluster loses a worker, a laptop lid closes: the sweep must still end with every run
exactly once, with the same numbers, and (restarted) the same files byte for byte as a
sweep that was never interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.experiments.sweep import (
    LOOPBACK_ANY_PORT,
    load_runs,
    load_sweep,
    open_executor,
    prepare_sweep_dir,
    run_sweep,
)
from test_sweep import write_sweep

# The tiny mine of test_sweep, but over the full 1935-37 calendar: each run takes a few
# tenths of a second, long enough for a kill to land while runs are in flight.
SLOW_OVERRIDES = {"mine.sections": 2, "mine.hewers_per_section": 6}
SLOW_OUTCOMES = ["mean_output_tons", "mean_wage_gini", "turnover_per_year", "output_1937_tons"]


def slow_sweep_file(directory: Path, replicates: int) -> Path:
    """Four points (2 timber levels x 2 support-pay rules), ``replicates`` runs each."""
    return write_sweep(
        directory, overrides=SLOW_OVERRIDES, outcomes=SLOW_OUTCOMES, replicates=replicates
    )


def wait_for(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` every 20 ms; fail the test, saying ``what``, after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def finished_runs(out: Path) -> list[Path]:
    return sorted((out / "runs").glob("*.parquet"))


def busy_workers(client) -> list[str]:
    """Addresses of the workers holding a run right now (running it, or next in line)."""
    return sorted(addr for addr, keys in client.processing().items() if keys)


@pytest.mark.slow
def test_dask_worker_killed_mid_sweep_loses_no_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    sweep = load_sweep(slow_sweep_file(tmp_path, replicates=3))
    out = tmp_path / "dask"
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=LOOPBACK_ANY_PORT,  # as sweep --dask-local: no clash on 8787
        ) as cluster,
        distributed.Client(cluster) as observer,
        ThreadPoolExecutor(1) as background,
    ):
        prepare_sweep_dir(sweep, out)  # as `stakhanov-sim sweep --scheduler ADDRESS` does

        def sweep_on_cluster():  # batches of 2, so each worker has several in turn (the
            # points differ in a per-run lever, so by default each pay rule's six runs would
            # make one batch, and the two would finish together before a kill could land)
            with open_executor(scheduler=cluster.scheduler_address) as executor:
                return run_sweep(sweep, out, executor, progress=False, batch=2)

        pids = observer.run(os.getpid)
        running = background.submit(sweep_on_cluster)
        wait_for(
            lambda: finished_runs(out) and busy_workers(observer),
            60,
            "the first run on the cluster, with runs still in flight",
        )
        victim = busy_workers(observer)[0]
        done_at_kill = len(finished_runs(out))
        os.kill(pids[victim], signal.SIGKILL)
        report = running.result(timeout=120)
        wait_for(lambda: len(observer.run(os.getpid)) == 2, 30, "the nanny to restart the worker")
        restarted = observer.run(os.getpid)

    assert done_at_kill < sweep.n_runs  # the kill landed while runs were still to do
    assert pids[victim] not in restarted.values()  # the worker really died and was replaced
    assert (report.computed, report.skipped) == (sweep.n_runs, 0)
    names = [p.stem for p in finished_runs(out)]
    assert names == sorted(task.run_id for task in sweep.tasks())  # every run, exactly once

    reference = tmp_path / "threads"
    with ThreadPoolExecutor(2) as executor:
        run_sweep(sweep, reference, executor, progress=False)
    table = load_runs(out)
    assert table["run_id"].is_unique and len(table) == sweep.n_runs
    pd.testing.assert_frame_equal(table, load_runs(reference))


def start_cli_sweep(sweep_file: Path, out: Path) -> subprocess.Popen:
    """`python -m stakhanov_sim sweep` in its own process group (it, its forkserver, its pool),
    in batches of 2, so a kill can land between batches (see the Dask test above)."""
    command = [sys.executable, "-m", "stakhanov_sim", "sweep", str(sweep_file)]
    return subprocess.Popen(
        [*command, "-o", str(out), "--workers", "2", "--batch-size", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.mark.slow
def test_sweep_killed_and_restarted_gives_the_same_files_byte_for_byte(tmp_path, capsys):
    sweep_file = slow_sweep_file(tmp_path, replicates=3)
    n_runs = load_sweep(sweep_file).n_runs
    whole, interrupted = tmp_path / "whole", tmp_path / "interrupted"

    process = start_cli_sweep(sweep_file, interrupted)
    try:
        wait_for(
            lambda: len(finished_runs(interrupted)) >= n_runs // 2 or process.poll() is not None,
            90,
            "half the runs",
        )
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone: the assert below says why
            os.killpg(process.pid, signal.SIGKILL)  # the sweep, its forkserver and its workers
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stderr.read().decode()
    process.stderr.close()
    survived = len(finished_runs(interrupted))
    assert 0 < survived < n_runs  # killed half way, not before the first or after the last

    assert main(["sweep", str(sweep_file), "-o", str(interrupted), "--workers", "2"]) == 0
    assert f"{n_runs - survived} runs computed, {survived} found done" in capsys.readouterr().out
    assert main(["sweep", str(sweep_file), "-o", str(whole), "--workers", "2"]) == 0

    assert not list((interrupted / "runs").glob(".*.tmp"))  # the killed writers' leftovers
    resumed = {p.name: p.read_bytes() for p in finished_runs(interrupted)}
    uninterrupted = {p.name: p.read_bytes() for p in finished_runs(whole)}
    assert len(uninterrupted) == n_runs
    assert sorted(resumed) == sorted(uninterrupted)
    different = [name for name in uninterrupted if resumed[name] != uninterrupted[name]]
    assert different == []
    for name in ("design.parquet", "sweep.json"):
        assert (interrupted / name).read_bytes() == (whole / name).read_bytes(), name
