"""No data the user had before a command is lost, whatever the command and however it ends.

Every command that writes takes a lock on its output (a second writer is refused, naming the
holder), writes beside the old results, and swaps only when complete; ``--overwrite``
replaces only what the tool wrote and refuses a directory holding anything else.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from stakhanov_sim import load_scenario, run
from stakhanov_sim.cli import main
from stakhanov_sim.experiments import outputs
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.experiments.sweep import SweepError, load_runs, load_sweep, run_sweep
from test_bad_input import SMALL, assert_one_clear_error, run_cli
from test_sweep import write_sweep

ROOT = Path(__file__).resolve().parents[1]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden ones too) with its bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def old_run(tmp_path_factory) -> Path:
    """A complete run directory written by the command line: the user's earlier results."""
    root = tmp_path_factory.mktemp("old")
    (root / "small.yaml").write_text(SMALL)
    assert main(["run", str(root / "small.yaml"), "-o", str(root / "run"), "--seed", "3"]) == 0
    return root / "run"


@pytest.fixture
def here(tmp_path, monkeypatch, old_run) -> Path:
    """A fresh working directory holding small.yaml and a copy of the old run as ``run``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.yaml").write_text(SMALL)
    shutil.copytree(old_run, tmp_path / "run")
    return tmp_path


def no_leftovers(parent: Path) -> None:
    hidden = [p.name for p in parent.iterdir() if p.name.startswith(".")]
    assert hidden == [], hidden


# --- --overwrite never empties the old run before the new one is complete -----------------


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


def _fail(*_args, **_kwargs):
    raise RuntimeError("disk full")


_new_staging = outputs.new_staging


def _interrupt_once_staged(out, owner):
    """Ctrl-C (or SIGTERM) in the instant after the staging directory is made."""
    _new_staging(out, owner)
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("target", "effect", "status"),
    [
        ("stakhanov_sim.experiments.runner.run", _interrupt, 130),
        ("stakhanov_sim.experiments.results.Results.save", _interrupt, 130),
        ("stakhanov_sim.figures.plots.plot_all", _interrupt, 130),
        ("stakhanov_sim.figures.plots.plot_all", _fail, None),
        ("stakhanov_sim.experiments.outputs.new_staging", _interrupt_once_staged, 130),
    ],
    ids=[
        "ctrl-c-while-running",
        "ctrl-c-while-saving",
        "ctrl-c-while-plotting",
        "plot-fails",
        "ctrl-c-once-staged",
    ],
)
def test_overwrite_that_does_not_finish_leaves_the_old_run(
    target, effect, status, here, monkeypatch, capsys
):
    before = snapshot(here / "run")
    monkeypatch.setattr(target, effect)
    if status is None:
        with pytest.raises(RuntimeError):
            main(["run", "small.yaml", "-o", "run", "--overwrite"])
    else:
        assert main(["run", "small.yaml", "-o", "run", "--overwrite"]) == status
    assert snapshot(here / "run") == before
    no_leftovers(here)


@pytest.mark.slow
def test_overwrite_replaces_a_run_once_the_new_one_is_complete(here, capsys):
    old_model = pd.read_parquet(here / "run" / "model.parquet")
    assert main(["run", "small.yaml", "-o", "run", "--overwrite", "--seed", "4"]) == 0
    results = Results.load(here / "run")
    assert results.manifest["seed"] == 4
    assert not results.model["output_tons"].equals(old_model["output_tons"])
    assert sorted(p.name for p in (here / "run" / "figures").iterdir()) == sorted(
        outputs.figure_names()
    )
    no_leftovers(here)


# --- --overwrite replaces only what the tool wrote ---------------------------------------


def _docs_copy(directory: Path) -> None:
    shutil.copytree(ROOT / "docs", directory)


def _run_plus(name: str, content: str = "mine, keep it\n"):
    def lay_out(directory: Path) -> None:
        shutil.copytree(directory.parent / "run", directory)
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(content)

    return lay_out


FOREIGN = [
    pytest.param(_docs_copy, id="a-copy-of-docs"),
    pytest.param(_run_plus("notes.txt"), id="run-plus-notes"),
    pytest.param(_run_plus("figures/my_chart.png"), id="run-plus-own-figure"),
    pytest.param(_run_plus("runs/p000000-r0000.parquet"), id="run-plus-runs-folder"),
    pytest.param(_run_plus(".hidden"), id="run-plus-hidden-file"),
]


@pytest.mark.parametrize("lay_out", FOREIGN)
def test_run_overwrite_refuses_a_directory_holding_other_files(lay_out, here, capsys):
    target = here / "target"
    lay_out(target)
    before = snapshot(target)
    code, _, err = run_cli(["run", "small.yaml", "-o", "target", "--overwrite"], capsys)
    assert_one_clear_error(code, err, ["output target", "holds files stakhanov-sim did not write"])
    assert snapshot(target) == before


def _project(root: Path) -> None:
    """A project folder: its own files, and runs/ holding a run (what `-o .` would meet)."""
    (root / "README.md").write_text("my project\n")
    (root / "runs").mkdir()
    shutil.copytree(root.parent / "run", root / "runs" / "history")


MORRIS = {
    "design": "morris",
    "samples": 2,
    "parameters": {"supply.timber_per_shift": {"low": 0.6, "high": 1.4}},
    "replicates": 1,
    "outcomes": ["mean_output_tons"],
}


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_sweep_overwrite_refuses_a_project_folder(command, here, capsys):
    project = here / "project"
    project.mkdir()
    _project(project)
    sweep_file = write_sweep(here, **MORRIS) if command == "sensitivity" else write_sweep(here)
    before = snapshot(project)
    argv = [command, str(sweep_file), "-o", str(project), "--overwrite", "--workers", "1"]
    code, _, err = run_cli(argv, capsys)
    assert_one_clear_error(code, err, ["holds files stakhanov-sim did not write", "README.md"])
    assert snapshot(project) == before


def test_sweep_overwrite_refuses_a_foreign_file_among_the_runs(here, capsys):
    first = write_sweep(here, replicates=1)
    with ThreadPoolExecutor(2) as executor:
        run_sweep(load_sweep(first), here / "sw", executor, progress=False)
    (here / "sw" / "runs" / "mine.csv").write_text("a,b\n")
    before = snapshot(here / "sw")
    other = write_sweep(here, replicates=1, seed=12)
    code, _, err = run_cli(["sweep", str(other), "-o", "sw", "--overwrite"], capsys)
    assert_one_clear_error(code, err, ["runs/mine.csv"])
    assert snapshot(here / "sw") == before


@pytest.mark.parametrize(
    "argv",
    [
        ["plot", "run", "-o", "target"],
        ["compare", "run", "run", "-o", "target"],
        ["validate", "small.yaml", "--replicates", "1", "-o", "target"],
    ],
    ids=["plot", "compare", "validate"],
)
def test_derived_outputs_refuse_a_directory_holding_other_files(argv, here, capsys):
    _docs_copy(here / "target")
    before = snapshot(here / "target")
    code, _, err = run_cli(argv, capsys)
    assert_one_clear_error(code, err, ["output target", "holds files stakhanov-sim did not write"])
    assert snapshot(here / "target") == before


def test_plot_refuses_a_figures_folder_holding_a_users_file(here, capsys):
    (here / "run" / "figures" / "from_my_thesis.png").write_bytes(b"\x89PNG mine")
    before = snapshot(here / "run")
    code, _, err = run_cli(["plot", "run"], capsys)
    assert_one_clear_error(code, err, ["from_my_thesis.png"])
    assert snapshot(here / "run") == before


@pytest.mark.slow
def test_plot_redraws_its_own_figures_in_place(here, capsys):
    assert main(["plot", "run"]) == 0
    assert sorted(p.name for p in (here / "run" / "figures").iterdir()) == sorted(
        outputs.figure_names()
    )
    assert [p.name for p in (here / "run").iterdir() if p.name.startswith(".")] == []


def test_plot_of_a_run_with_no_rows_is_one_message(here, capsys):
    empty = Results.load(here / "run")
    for name in ("model", "agents", "events"):
        setattr(empty, name, getattr(empty, name).iloc[0:0])
    empty.save(here / "empty")
    code, _, err = run_cli(["plot", "empty"], capsys)
    assert_one_clear_error(code, err, ["model.parquet", "has no rows", "nothing to plot"])


# --- one writer per output directory ----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "small.yaml", "-o", "run", "--overwrite"],
        ["plot", "run"],
        ["compare", "run", "run", "-o", "run"],
        ["validate", "small.yaml", "--replicates", "1", "-o", "run"],
    ],
    ids=["run", "plot", "compare", "validate"],
)
def test_a_second_writer_is_refused_naming_the_holder(argv, here, capsys):
    before = snapshot(here / "run")
    with outputs.locked(here / "run", "stakhanov-sim run small.yaml -o run"):
        code, _, err = run_cli(argv, capsys)
    assert_one_clear_error(
        code,
        err,
        [
            "another stakhanov-sim is writing it",
            f"pid {os.getpid()}",
            "stakhanov-sim run small.yaml",
        ],
    )
    assert snapshot(here / "run") == before
    no_leftovers(here)


def test_a_second_sweep_on_the_same_directory_is_refused(here, capsys):
    sweep_file = write_sweep(here, replicates=1)
    with outputs.locked(here / "sw", "stakhanov-sim sweep sweep.yaml -o sw"):
        code, _, err = run_cli(["sweep", str(sweep_file), "-o", "sw"], capsys)
    assert_one_clear_error(code, err, ["output sw", f"pid {os.getpid()}"])
    assert not (here / "sw").exists()


@pytest.mark.slow
def test_two_runs_started_together_on_one_directory_one_is_refused(here):
    command = [sys.executable, "-m", "stakhanov_sim", "run", "small.yaml", "-o", "new"]
    procs = [
        subprocess.Popen(
            command, cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.communicate(timeout=300)[1], p.returncode) for p in procs]
    results = [(code, err) for err, code in results]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "another stakhanov-sim is writing it" in refused and "pid " in refused
    Results.load(here / "new")


# --- faults: kill during write, during swap -----------------------------------------------

KILL_DURING_SWAP = textwrap.dedent(
    """
    import os, signal, sys
    from stakhanov_sim.cli import main
    from stakhanov_sim.experiments import outputs

    outputs._exchange = lambda a, b: False  # the two-rename swap, as on a system without it
    real_rename = os.rename

    def rename_then_die(src, dst):
        real_rename(src, dst)
        if str(dst).endswith(".old"):  # the old run is aside, the new not yet in place
            os.kill(os.getpid(), signal.SIGKILL)

    os.rename = rename_then_die
    sys.exit(main(["run", "small.yaml", "-o", "run", "--overwrite", "--seed", "9"]))
    """
)


@pytest.mark.slow
def test_kill_during_the_swap_loses_nothing(here, capsys):
    before = snapshot(here / "run")
    proc = subprocess.run([sys.executable, "-c", KILL_DURING_SWAP], cwd=here, capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()
    assert not (here / "run").exists() and (here / ".run.old").is_dir()  # caught mid-swap
    assert snapshot(here / ".run.old") == before  # aside, whole
    code, _, err = run_cli(["run", "small.yaml", "-o", "run"], capsys)  # any writer recovers
    assert code == 2 and "already holds a run" in err
    assert snapshot(here / "run") == before
    no_leftovers(here)


@pytest.mark.slow
def test_kill_during_an_overwrite_keeps_the_old_run_and_the_next_clears_up(here, capsys):
    from test_interrupts import LONG, wait_until

    history = ROOT / "configs" / "history_1935_37.yaml"
    (here / "long.yaml").write_text(LONG.format(history=history))
    before = snapshot(here / "run")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stakhanov_sim", "run", "long.yaml", "-o", "run", "--overwrite"],
        cwd=here,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(lambda: (here / ".run.new").is_dir(), proc)
    os.killpg(proc.pid, 9)
    proc.wait(timeout=30)
    assert snapshot(here / "run") == before
    assert main(["run", "small.yaml", "-o", "run", "--overwrite", "--seed", "5"]) == 0
    assert Results.load(here / "run").manifest["seed"] == 5
    no_leftovers(here)


@pytest.mark.slow
def test_sigterm_unwinds_like_ctrl_c(here):
    from test_interrupts import LONG, wait_until

    history = ROOT / "configs" / "history_1935_37.yaml"
    (here / "long.yaml").write_text(LONG.format(history=history))
    before = snapshot(here / "run")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stakhanov_sim", "run", "long.yaml", "-o", "run", "--overwrite"],
        cwd=here,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(lambda: (here / ".run.new").is_dir(), proc)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "interrupted" in err
    assert snapshot(here / "run") == before
    no_leftovers(here)


# --- sweeps: replacing one, resuming one, reading one ------------------------------------


@pytest.mark.slow
def test_sweep_overwrite_interrupted_keeps_the_old_sweep_then_resumes(here, monkeypatch, capsys):
    first, second = write_sweep(here, replicates=1), None
    assert main(["sweep", str(first), "-o", "sw", "--workers", "1"]) == 0
    before = snapshot(here / "sw")
    second = write_sweep(here, replicates=2, seed=12)
    import stakhanov_sim.experiments.sweep as sweep_module

    real, calls = sweep_module._write_run, []

    def write_then_stop(runs, row):
        real(runs, row)
        calls.append(row)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "_write_run", write_then_stop)
    argv = ["sweep", str(second), "-o", "sw", "--overwrite", "--workers", "1"]
    assert main(argv) == 130
    assert snapshot(here / "sw") == before  # the old sweep, whole, where it was
    assert len(list((here / ".sw.new" / "runs").glob("*.parquet"))) == 3  # kept for a resume
    monkeypatch.setattr(sweep_module, "_write_run", real)
    capsys.readouterr()
    assert main(argv) == 0
    assert "5 runs computed, 3 found done" in capsys.readouterr().out
    assert json.loads((here / "sw" / "sweep.json").read_text())["seed"] == 12
    assert len(load_runs(here / "sw")) == 8
    no_leftovers(here)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1")


def _two_rows(path: Path) -> None:
    frame = pd.read_parquet(path)
    pd.concat([frame, frame]).to_parquet(path, index=False)


def _wrong_run(path: Path) -> None:
    frame = pd.read_parquet(path).assign(run_id="p999999-r9999")
    frame.to_parquet(path, index=False)


def _missing_outcome(path: Path) -> None:
    pd.read_parquet(path).drop(columns=["mean_wage_gini"]).to_parquet(path, index=False)


DAMAGE = [_empty, _truncated, _garbage, _two_rows, _wrong_run, _missing_outcome]


@pytest.fixture(scope="module")
def whole_sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    sweep = load_sweep(write_sweep(root))
    with ThreadPoolExecutor(2) as executor:
        run_sweep(sweep, root / "whole", executor, progress=False)
    return sweep, root / "whole"


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_resume_recomputes_a_damaged_run_file(damage, whole_sweep, tmp_path):
    sweep, whole = whole_sweep
    out = tmp_path / "resumed"
    shutil.copytree(whole, out)
    victim = sorted((out / "runs").glob("*.parquet"))[3]
    damage(victim)
    with pytest.raises(SweepError, match=victim.name):  # never read as if it were whole
        load_runs(out, sweep.spec.outcomes)
    with ThreadPoolExecutor(2) as executor:
        report = run_sweep(sweep, out, executor, progress=False)
    assert (report.computed, report.skipped) == (1, sweep.n_runs - 1)
    assert victim.read_bytes() == (whole / "runs" / victim.name).read_bytes()
    pd.testing.assert_frame_equal(load_runs(out), load_runs(whole))


def test_sensitivity_checks_the_sweeps_files_before_reading(tmp_path, capsys):
    sweep_file = write_sweep(tmp_path, **MORRIS)
    out = tmp_path / "sens"
    argv = ["sensitivity", str(sweep_file), "--method", "morris", "-o", str(out), "--workers", "1"]
    assert main(argv) == 0
    indices = (out / "indices.csv").read_text()
    _truncated(sorted((out / "runs").glob("*.parquet"))[0])
    capsys.readouterr()
    assert main(argv) == 0
    assert "1 runs computed" in capsys.readouterr().out
    assert (out / "indices.csv").read_text() == indices


# --- caps, the app's port, the scheduler --------------------------------------------------


@pytest.mark.slow
def test_workers_above_the_cores_are_capped_with_a_notice(here, capsys):
    assert main(["run", "small.yaml", "-o", "new", "--replicates", "2", "--workers", "10000"]) == 0
    err = capsys.readouterr().err
    assert "notice: --workers 10000 is more than the" in err and "error" not in err
    cores = len(os.sched_getaffinity(0))
    assert Results.load(here / "new").manifest["workers"] <= min(cores, 2)


def test_the_app_on_a_port_in_use_is_one_message(capsys):
    pytest.importorskip("solara")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run_cli(["app", "--port", str(port)], capsys)
    assert_one_clear_error(code, err, [f"--port {port}", "already in use", "allowed: a free port"])
    assert "http://" not in out  # no URL printed for a server that never starts


def test_the_app_on_an_unknown_host_is_one_message(capsys):
    pytest.importorskip("solara")
    code, _, err = run_cli(["app", "--host", "no such host.invalid"], capsys)
    assert_one_clear_error(code, err, ["--host no such host.invalid", "not an address"])


SILENT_SCHEDULER = textwrap.dedent(
    """
    import socket, sys
    import stakhanov_sim.experiments.sweep as sweep
    from stakhanov_sim.cli import main

    sweep.SCHEDULER_TIMEOUT_S = 3
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()  # accepts connections (the kernel does), never answers one
    port = server.getsockname()[1]
    sys.exit(main(["sweep", sys.argv[1], "-o", "out", "--scheduler", f"tcp://127.0.0.1:{port}"]))
    """
)


@pytest.mark.slow
def test_a_scheduler_that_never_answers_is_given_up(tmp_path):
    pytest.importorskip("distributed")
    sweep_file = write_sweep(tmp_path, replicates=1)
    proc = subprocess.run(
        [sys.executable, "-c", SILENT_SCHEDULER, str(sweep_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot connect within 3 s" in proc.stderr and "Traceback" not in proc.stderr


# --- shortening a shipped scenario ----------------------------------------------------------


@pytest.mark.slow
def test_shortening_a_shipped_scenario_leaves_out_later_events(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["run", "history_1935_37", "-o", "short", "--set", "calendar.end=1935-09-30"]
    argv += ["--set", "mine.sections=2", "--set", "mine.hewers_per_section=6"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    full = load_scenario("history_1935_37").campaign.events
    later = [e for e in full if e.date.isoformat() > "1935-09-30"]
    assert later  # the shipped timeline runs past the new end
    lines = [line for line in out.splitlines() if line.startswith("left out")]
    assert lines == [lines[0]] and f"left out {len(later)} campaign event(s)" in lines[0]
    manifest = Results.load(tmp_path / "short").manifest
    assert [e["date"] for e in manifest["events_left_out"]] == [e.date.isoformat() for e in later]
    assert len(manifest["scenario"]["campaign"]["events"]) == len(full) - len(later)


def test_a_file_extending_a_shipped_scenario_may_shorten_it(tmp_path):
    from stakhanov_sim.scenarios.loading import load

    (tmp_path / "short.yaml").write_text("extends: history_1935_37\ncalendar: {end: 1936-03-31}\n")
    loaded = load(tmp_path / "short.yaml")
    assert loaded.scenario.calendar.end.isoformat() == "1936-03-31"
    assert loaded.left_out and all(e["date"] > "1936-03-31" for e in loaded.left_out)
    assert "left out" in loaded.left_out_line()


def test_run_of_the_shortened_scenario_equals_the_hand_trimmed_one():
    from conftest import shortened

    trimmed = shortened(end="1935-10-31")
    by_set = load_scenario(
        "history_1935_37",
        {"calendar.end": "1935-10-31", "mine.sections": 3, "mine.hewers_per_section": 8},
    )
    assert by_set == trimmed
    pd.testing.assert_frame_equal(run(by_set).model, run(trimmed).model)


def test_a_fifo_nobody_writes_to_is_not_waited_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    code, _, err = run_cli(["run", "pipe.yaml"], capsys)
    assert_one_clear_error(code, err, ["pipe.yaml", "the file is empty"])


def test_unknown_key_message_is_punctuated(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("nmae: x\nseed: 3\n")
    code, _, err = run_cli(["run", "bad.yaml"], capsys)
    assert_one_clear_error(code, err, ["unknown key (did you mean 'name'?); allowed keys here: "])


# --- the limits the docs state, and the memory estimate against a measured run -------------


def test_the_limits_the_docs_state_are_the_ones_enforced():
    from stakhanov_sim.experiments.sweep import SCHEDULER_TIMEOUT_S
    from stakhanov_sim.scenarios.yamlread import MAX_DEPTH, MAX_EXPANDED_NODES, MAX_FILE_BYTES

    readme = (ROOT / "README.md").read_text()
    assert f"read only up to {MAX_FILE_BYTES // 1_000_000} MB" in readme
    assert f"nested at most {MAX_DEPTH} levels" in readme
    assert f"at most {MAX_EXPANDED_NODES:,} values" in readme
    assert f"within {SCHEDULER_TIMEOUT_S} s" in (ROOT / "docs" / "sweeps.md").read_text()


MEASURE = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import psutil
    from stakhanov_sim import load_scenario
    from stakhanov_sim.experiments import budget
    from stakhanov_sim.model.mine import MineModel

    scenario = load_scenario(
        "history_1935_37", {"mine.sections": int(sys.argv[1]), "calendar.end": "1935-08-20"}
    )
    me = psutil.Process()
    MineModel(load_scenario("history_1935_37", {"calendar.end": "1935-08-03"})).step()  # warm
    before = me.memory_info().rss
    model = MineModel(scenario, rng=np.random.default_rng(1))
    while model.running:
        model.step()
    results = model.results()
    peak = me.memory_info().rss - before
    print(json.dumps({"peak": peak, "estimate": budget.run_estimate(scenario, 1, 1).bytes}))
    """
)


@pytest.mark.slow
def test_the_memory_estimate_bounds_a_measured_run_from_above():
    """Rounded up, but within a small factor: it stops the impossible, not the merely large."""
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, "1000"], capture_output=True, text=True, check=True
    )
    measured = json.loads(proc.stdout)
    assert measured["peak"] < measured["estimate"] < 10 * measured["peak"], measured
