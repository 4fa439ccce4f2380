"""Interrupted work and determinism: a run stopped half way never leaves half a result.

Ctrl-C ends ``stakhanov-sim run`` quietly with status 130, workers and all; a run killed
outright (SIGKILL) while saving leaves no file a reader could take for a result, because
every file is written to a hidden temporary name and renamed (``results.atomic_write``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import psutil
import pytest

from stakhanov_sim import interrupts, load_scenario, run
from stakhanov_sim.experiments import handover
from stakhanov_sim.experiments.results import TABLES, Results, ResultsError
from stakhanov_sim.interrupts import Terminated
from test_bad_input import SMALL

# Long enough that Ctrl-C lands mid-run: the historical calendar on a mid-sized mine.
LONG = """\
extends: {history}
mine: {{sections: 60, hewers_per_section: 50}}
"""  # about 5,700 miners: a replicate takes seconds, so a signal lands mid-run
START_TIMEOUT_S = 120  # imports and the forkserver are slow on a busy 2-core machine


def start_run(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    """Start ``stakhanov-sim run`` in its own process group, as a terminal would."""
    history = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"
    (tmp_path / "long.yaml").write_text(LONG.format(history=history))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "stakhanov_sim", "run", "long.yaml", "-o", str(out), *extra],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return proc, out


def wait_until(condition, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.05)


def staging(out: Path) -> Path:
    """Where ``run`` writes before the new results replace ``out`` (hidden, beside it)."""
    return out.parent / f".{out.name}.new"


def assert_no_half_result(out: Path) -> None:
    """Every result a reader can see is whole; temporary files stay hidden and apart."""
    if not out.exists():  # a run stopped before its swap leaves no output at all
        return
    visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    assert not [n for n in visible if n.endswith(".tmp")]
    for name in TABLES:
        path = out / f"{name}.parquet"
        if path.exists():
            pd.read_parquet(path)  # whole, or it would not have its final name
    try:
        Results.load(out)
    except ResultsError as exc:
        assert "incomplete" in str(exc) or "missing" in str(exc)


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_ends_the_run_quietly(workers, tmp_path):
    proc, out = start_run(tmp_path, "--replicates", "2", "--workers", workers)
    me = psutil.Process(proc.pid)
    if workers == "1":
        wait_until(staging(out).exists, proc)  # the run has begun once it has somewhere to write
        time.sleep(0.5)
    else:
        wait_until(lambda: len(me.children(recursive=True)) >= 3, proc)  # forkserver + 2
        time.sleep(0.5)
    group = me.children(recursive=True)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "leaked" not in err, err  # no semaphore left behind by a killed worker
    assert "interrupted" in err
    gone, alive = psutil.wait_procs(group, timeout=15)
    assert not alive, f"worker processes left behind: {alive}"
    assert_no_half_result(out)
    assert not out.exists() and not staging(out).exists()  # nothing half done left behind


KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import pandas as pd
    from stakhanov_sim.experiments.results import Results

    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    results = Results.load(src)
    results.model["output_tons"] *= 2  # a different run, saved over the old one
    real = pd.DataFrame.to_parquet
    calls = []

    def die_half_way(frame, path, **kw):
        calls.append(path)
        if len(calls) < 2:
            return real(frame, path, **kw)
        with open(path, "wb") as fh:  # half a file, then the power goes
            fh.write(b"PAR1" + b"x" * 1000)
            fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    pd.DataFrame.to_parquet = die_half_way
    results.save(dst)
    """
)


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("saved")
    (root / "small.yaml").write_text(SMALL)
    return run(load_scenario(root / "small.yaml")).save(root / "run")


@pytest.mark.parametrize("over_an_old_run", [False, True], ids=["fresh", "over-old-run"])
def test_sigkill_while_saving_leaves_no_half_written_file(over_an_old_run, saved_run, tmp_path):
    dst = tmp_path / "run"
    if over_an_old_run:
        Results.load(saved_run).save(dst)
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_SAVE, str(saved_run), str(dst)], capture_output=True
    )
    assert proc.returncode == -signal.SIGKILL
    leftovers = sorted(p.name for p in dst.iterdir())
    assert any(n.startswith(".agents.parquet.") and n.endswith(".tmp") for n in leftovers)
    assert_no_half_result(dst)
    # The new model table landed whole; the old manifest must not vouch for a mixed directory.
    with pytest.raises(ResultsError, match="missing; the run directory is incomplete"):
        Results.load(dst)
    new = pd.read_parquet(dst / "model.parquet")["output_tons"]
    old = Results.load(saved_run).model["output_tons"]
    pd.testing.assert_series_equal(new, old * 2)


@pytest.mark.slow
def test_overwrite_after_a_killed_save_clears_the_leftovers(saved_run, tmp_path, monkeypatch):
    from stakhanov_sim.cli import main

    dst = tmp_path / "run"
    subprocess.run([sys.executable, "-c", KILLED_SAVE, str(saved_run), str(dst)], check=False)
    (tmp_path / "small.yaml").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "small.yaml", "-o", "run", "--overwrite"]) == 0
    assert not list(dst.glob("*.tmp")) and not list(dst.glob(".*.tmp"))
    assert Results.load(dst).model["output_tons"].gt(0).any()


@pytest.mark.slow
def test_sigkill_mid_run_leaves_readable_or_incomplete_directory(tmp_path):
    proc, out = start_run(tmp_path)
    wait_until(staging(out).exists, proc)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert_no_half_result(out)


@pytest.mark.slow
def test_same_seed_same_tables_with_one_or_two_workers():
    scenario = load_scenario(
        Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml",
        {"mine.sections": 3, "mine.hewers_per_section": 8},
    )
    one = run(scenario, replicates=2, seed=11, workers=1)
    two = run(scenario, replicates=2, seed=11, workers=2)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    assert one.manifest["replicate_seeds"] == two.manifest["replicate_seeds"]
    other = run(scenario, replicates=1, seed=12, workers=1)
    assert not one.model.query("replicate == 0")["output_tons"].equals(other.model["output_tons"])


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_kill_9_of_the_parent_ends_workers_forkserver_and_resource_tracker(command, tmp_path):
    """However the command dies, nothing it started keeps running (or holding memory)."""
    if command == "run":
        proc, out = start_run(tmp_path, "--replicates", "20", "--workers", "2")
    else:
        from test_sweep_reliability import slow_sweep_file, start_cli_sweep

        proc = start_cli_sweep(slow_sweep_file(tmp_path, replicates=5), tmp_path / "sw")
    # the resource tracker, the forkserver and two workers forked from it
    wait_until(lambda: len(descendants(proc.pid)) >= 4, proc)
    family = descendants(proc.pid)
    # The folder for its workers' tables, looked up while the command lives: once it is dead,
    # any command (another test's, running alongside) may remove it first.
    left = list(handover.place().glob(f"{handover.PREFIX}{proc.pid}-*"))
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone: its children get no signal
    proc.communicate(timeout=30)
    gone, alive = psutil.wait_procs(family, timeout=20)
    assert not alive, [p.cmdline() for p in alive]
    if command == "run":  # the folder goes with the next command
        assert left
        with handover.folder():
            assert not any(path.exists() for path in left)


# --- a signal that lands in code called from C ----------------------------------------------


def sort_calling_back(on_first_compare) -> None:
    """libc's ``qsort`` of three ints, whose comparisons call back into Python (ctypes), as
    LLVM calls Numba's object-code hook while compiling; ``on_first_compare`` runs in there."""
    import ctypes

    compare_type = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)
    )
    calls = []

    def compare(a, b):
        calls.append(1)
        if len(calls) == 1:
            on_first_compare()
            for _ in range(100):  # Python instructions after the signal: its handler runs here
                pass
        return a[0] - b[0]

    values = (ctypes.c_int * 3)(3, 1, 2)
    ctypes.CDLL(None).qsort(values, 3, ctypes.sizeof(ctypes.c_int), compare_type(compare))
    assert list(values) == [1, 2, 3]


def settle(seconds: float = 5.0) -> None:
    """Python instructions for a while: where an interruption raised again lands."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


@pytest.mark.parametrize(
    ("signum", "raised"), [(signal.SIGTERM, Terminated), (signal.SIGINT, KeyboardInterrupt)]
)
def test_a_signal_swallowed_by_a_callback_from_c_still_stops_the_command(
    signum, raised, monkeypatch
):
    """A handler's exception inside a ctypes callback is printed and lost; not in a command."""
    swallowed = []

    def record(unraisable):
        swallowed.append(unraisable.exc_type)

    monkeypatch.setattr(sys, "unraisablehook", record)
    with interrupts.unwinding(), pytest.raises(raised):
        sort_calling_back(lambda: os.kill(os.getpid(), signum))
        settle()
    assert swallowed == []  # nothing printed as "Exception ignored"
    assert sys.unraisablehook is record
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the command's handlers are gone
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_a_command_the_callback_swallows_the_signal(monkeypatch):
    """What the guard is for: with a plain handler, the same SIGTERM only reaches
    ``sys.unraisablehook`` (which prints "Exception ignored") and the code goes on."""

    class Stop(Exception):
        pass

    def plain(signum, frame):
        raise Stop

    swallowed = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: swallowed.append(u.exc_type))
    previous = signal.signal(signal.SIGTERM, plain)
    try:
        sort_calling_back(lambda: os.kill(os.getpid(), signal.SIGTERM))
        settle(0.2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert swallowed == [Stop]


def _raises_from_c(interruption):
    """A command whose interruption came back wrapped, as from Numba's callback into Python."""

    def command(args):
        try:
            raise interruption
        except BaseException as exc:
            raise SystemError(
                "<function _numba_unpickle> returned a result with an exception set"
            ) from exc

    return command


@pytest.mark.parametrize(("interruption", "status"), [(KeyboardInterrupt, 130), (Terminated, 143)])
def test_an_interruption_wrapped_by_code_called_from_c_still_ends_quietly(
    interruption, status, monkeypatch, tmp_path, capsys
):
    from stakhanov_sim import commands
    from stakhanov_sim.cli import main

    monkeypatch.setattr(commands, "run", _raises_from_c(interruption))
    assert main(["run", "history_1935_37", "-o", str(tmp_path / "out")]) == status
    assert "interrupted" in capsys.readouterr().err
    monkeypatch.setattr(commands, "run", _raises_from_c(ValueError))  # not an interruption
    with pytest.raises(SystemError):
        main(["run", "history_1935_37", "-o", str(tmp_path / "out")])


def test_after_an_interruption_a_cut_short_objects_finalizer_says_nothing(monkeypatch, capsys):
    """An interruption that lands while an object is built (llvmlite's module while Numba
    compiles) leaves it half made; its ``__del__`` fails as the command ends. After
    ``_interrupted`` that is not printed; any other unraisable error still is."""
    import gc

    from stakhanov_sim.cli import _interrupted

    class HalfMade:
        def __del__(self):
            del self._as_parameter_  # never set: its constructor was cut short

    printed = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: printed.append(u.exc_type))
    assert _interrupted(KeyboardInterrupt()) == 130
    HalfMade()
    gc.collect()
    assert printed == []
    sys.unraisablehook(SimpleNamespace(object=print, exc_type=ValueError))  # not a finalizer
    assert printed == [ValueError]
    assert "interrupted" in capsys.readouterr().err
