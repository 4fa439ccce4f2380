"""The README runs as written: every command block, in order, in a fresh folder.

The folder is what a fresh checkout's root offers after ``make`` set it up: the project's
``.venv``, ``Makefile`` and ``configs/`` (linked), ``pyproject.toml``, and no ``runs/``. Bash blocks run in bash, Python blocks in the project's Python, one after the
other (one command at a time), so a later one may use what an earlier one wrote (``compare runs/history
runs/ample_supply`` needs both runs). One command is left out: ``make test`` is this suite.
``pyproject.toml`` is a copy dated as the set-up, so ``make`` never reinstalls from here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.S | re.M)
LINKED = (".venv", "Makefile", "configs")
NOT_RUN = re.compile(r"^make test\b.*$", re.M)  # the suite itself: running it here would recurse
TIMEOUT_S = 600
# validate exits 1 when the model misses a historical pattern: a finding about the model
# (tests/test_validation.py's business), not a command that does not run as written.
VALIDATE = re.compile(r"^\.venv/bin/stakhanov-sim validate ")


def commands(block: str) -> list[str]:
    """The commands of a bash block, one per line, without those that are not run here."""
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#") and not NOT_RUN.match(line)]  # fmt: skip


def blocks() -> list[tuple[str, str]]:
    """``(language, code)`` of each command block of the README, in order."""
    return [(kind, code) for kind, code in BLOCK.findall(README.read_text(encoding="utf-8"))]


def test_the_readme_has_command_blocks_with_shipped_names():
    kinds = [kind for kind, _ in blocks()]
    assert kinds.count("bash") >= 2 and "python" in kinds
    text = "\n".join(code for _, code in blocks())
    assert "compare runs/history runs/ample_supply" in text
    assert "-o runs/ample_supply" in text and "-o runs/history " in text


@pytest.mark.slow
def test_every_readme_block_runs_in_a_fresh_folder(tmp_path):
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name)
    # A copy of pyproject.toml no newer than the set-up: make must never reinstall the
    # linked .venv from this folder (``make test`` has just brought it up to date).
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    stamp = (ROOT / ".venv" / ".installed").stat().st_mtime_ns  # (seconds as a float can
    os.utime(tmp_path / "pyproject.toml", ns=(stamp, stamp))  # round to a later nanosecond)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg"}
    for number, (kind, code) in enumerate(blocks(), start=1):
        steps = commands(code) if kind == "bash" else [code]
        for step in steps:
            argv = ["bash", "-euo", "pipefail", "-c", step] if kind == "bash" else [sys.executable, "-c", step]  # fmt: skip
            done = subprocess.run(
                argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
            )
            allowed = {0, 1} if VALIDATE.match(step) else {0}
            assert done.returncode in allowed, (
                f"README block {number} ({kind}) failed with status {done.returncode}:\n"
                f"{step}\n--- stderr ---\n{done.stderr[-3000:]}"
            )
    for folder in ("history", "ample_supply", "compare", "low_timber"):
        assert (tmp_path / "runs" / folder).is_dir(), folder
