"""A user's script may start workers at top level, with no ``if __name__ == "__main__":``.

``multiprocessing`` runs the parent's script again in every worker it starts; a script that
calls ``run`` at top level then started workers from its workers and broke the pool with two
tracebacks, and a script read from stdin could not be run again at all. The workers here
leave the script alone (``runner.script_left_alone``): each test fails without it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
from stakhanov_sim import load_scenario, run
print("the script's body")
scenario = load_scenario("history_1935_37", {"calendar.end": "1935-09-15"})
results = run(scenario, replicates=4, workers=2, batch=2)
print("replicates", results.model["replicate"].nunique())
"""

DASK_SCRIPT = """
from stakhanov_sim.experiments.sweep import open_executor
print("the script's body")
with open_executor(dask_local=2) as executor:
    print("sum", sum(executor.map(abs, [-1, -2, 3])))
"""


def _python(tmp_path, script: str, stdin: bool = False) -> subprocess.CompletedProcess:
    path = tmp_path / "script.py"
    path.write_text(script)
    command = [sys.executable, "-"] if stdin else [sys.executable, str(path)]
    return subprocess.run(command, input=script if stdin else None, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)  # fmt: skip


@pytest.mark.parametrize("stdin", [False, True], ids=["file", "stdin"])
def test_a_script_without_a_main_guard_runs_replicates_on_two_workers(tmp_path, stdin):
    done = _python(tmp_path, SCRIPT, stdin)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("the script's body") == 1  # the workers did not run it again
    assert "replicates 4" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_script_without_a_main_guard_opens_a_local_dask_cluster(tmp_path):
    done = _python(tmp_path, DASK_SCRIPT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("the script's body") == 1
    assert "sum 6" in done.stdout
