"""The README runs as written: every command block, in order, in fresh folders.

Each folder is what a fresh checkout's root offers after ``make`` set it up: the project's
``.venv``, ``Makefile`` and ``configs/`` (linked), ``pyproject.toml``, and no ``runs/``.
Bash blocks run in bash, Python blocks in the project's Python, one command at a time.

Commands that name the same ``runs/`` folder form one chain and run in one folder, in the
README's order, so a later one reads what an earlier one wrote (``compare runs/history
runs/ample_supply`` runs after both runs, ``plot runs/history`` after the run). Chains share
nothing, so each is its own test class and the suite's workers run them side by side; in one
folder, one after the other, they took six minutes of the suite's ten. One command is left
out: ``make test`` is this suite. ``pyproject.toml`` is a copy dated as the set-up, so
``make`` never reinstalls from here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.S | re.M)
LINKED = (".venv", "Makefile", "configs")
NOT_RUN = re.compile(r"^make test\b.*$", re.M)  # the suite itself: running it here would recurse
RUNS = re.compile(r"\bruns/[\w.\-]+")  # a folder a command writes or reads
TIMEOUT_S = 600
# validate exits 1 when the model misses a historical pattern: a finding about the model
# (tests/test_validation.py's business), not a command that does not run as written.
VALIDATE = re.compile(r"^\.venv/bin/stakhanov-sim validate ")


class Step(NamedTuple):
    """One command of the README: its block's number, language and text."""

    block: int
    kind: str
    code: str


def commands(block: str) -> list[str]:
    """The commands of a bash block, one per line, without those that are not run here."""
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#") and not NOT_RUN.match(line)]  # fmt: skip


def blocks() -> list[tuple[str, str]]:
    """``(language, code)`` of each command block of the README, in order."""
    return [(kind, code) for kind, code in BLOCK.findall(README.read_text(encoding="utf-8"))]


def steps() -> list[Step]:
    """Every command the README asks a reader to run, in order."""
    return [
        Step(number, kind, step)
        for number, (kind, code) in enumerate(blocks(), start=1)
        for step in (commands(code) if kind == "bash" else [code])
    ]


def chains(all_steps: list[Step]) -> list[list[Step]]:
    """The steps grouped so that steps naming a common ``runs/`` folder share a chain.

    Chains keep the README's order inside and come in the order of their first step.
    """
    owner: dict[str, int] = {}  # folder -> chain
    chain_of: list[int] = []
    for index, step in enumerate(all_steps):
        linked = sorted({owner[f] for f in RUNS.findall(step.code) if f in owner})
        chain = linked[0] if linked else index
        for other in linked[1:]:  # a step naming two chains' folders joins them
            chain_of = [chain if c == other else c for c in chain_of]
            owner = {f: chain if c == other else c for f, c in owner.items()}
        chain_of.append(chain)
        owner.update({f: chain for f in RUNS.findall(step.code)})
    grouped: dict[int, list[Step]] = {}
    for step, chain in zip(all_steps, chain_of, strict=True):
        grouped.setdefault(chain, []).append(step)
    return list(grouped.values())


def chain_id(chain: list[Step]) -> str:
    """A test id: the first folder the chain names, or its first command's first words."""
    for step in chain:
        if found := RUNS.findall(step.code):
            return found[0].removeprefix("runs/")
    return re.sub(r"\W+", "-", chain[0].code.split("#")[0].strip())[:30].strip("-")


def test_the_readme_has_command_blocks_with_shipped_names():
    kinds = [kind for kind, _ in blocks()]
    assert kinds.count("bash") >= 2 and "python" in kinds
    text = "\n".join(code for _, code in blocks())
    assert "compare runs/history runs/ample_supply" in text
    assert "-o runs/ample_supply" in text and "-o runs/history " in text


def test_commands_naming_the_same_folder_share_a_chain_in_readme_order():
    every = steps()
    found = chains(every)
    assert sorted(s for chain in found for s in chain) == sorted(every)  # each step once
    for chain in found:
        assert chain == sorted(chain, key=every.index)
        folders = [set(RUNS.findall(s.code)) for s in chain]
        for other in found:
            if other is not chain:
                assert not set().union(*folders) & {f for s in other for f in RUNS.findall(s.code)}  # fmt: skip
    compare = next(c for c in found if any("compare runs/history" in s.code for s in c))
    written = [s.code for s in compare]
    assert any("-o runs/history " in c for c in written) and any("-o runs/ample_supply" in c for c in written)  # fmt: skip
    assert written[-1].endswith("plot runs/history")  # after the run it draws


def test_chains_join_when_a_later_command_names_two_of_them():
    made = [Step(1, "bash", c) for c in ("run -o runs/a", "run -o runs/b", "run -o runs/c", "compare runs/a runs/b")]  # fmt: skip
    assert [[s.code for s in chain] for chain in chains(made)] == [
        ["run -o runs/a", "run -o runs/b", "compare runs/a runs/b"],
        ["run -o runs/c"],
    ]


class ReadmeChain:
    """One chain of the README's commands, run in a fresh folder (one class per chain below).

    A class per chain, not a parametrized test: ``--dist loadscope`` hands a module's tests to
    one worker but each class to any worker, so the chains run side by side.
    """

    chain: list[Step]

    @pytest.mark.slow
    def test_runs_in_a_fresh_folder(self, tmp_path):
        run_chain(self.chain, tmp_path)


for _chain in chains(steps()):
    _name = "TestReadme_" + re.sub(r"\W", "_", chain_id(_chain))
    globals()[_name] = type(_name, (ReadmeChain,), {"chain": _chain})


def run_chain(chain: list[Step], folder: Path) -> None:
    """Run the chain's commands in ``folder``, set up as a fresh checkout after ``make``."""
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    # A copy of pyproject.toml no newer than the set-up: make must never reinstall the
    # linked .venv from this folder (``make test`` has just brought it up to date).
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    stamp = (ROOT / ".venv" / ".installed").stat().st_mtime_ns  # (seconds as a float can
    os.utime(folder / "pyproject.toml", ns=(stamp, stamp))  # round to a later nanosecond)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg"}
    for step in chain:
        argv = ["bash", "-euo", "pipefail", "-c", step.code] if step.kind == "bash" else [sys.executable, "-c", step.code]  # fmt: skip
        done = subprocess.run(
            argv, cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
        allowed = {0, 1} if VALIDATE.match(step.code) else {0}
        assert done.returncode in allowed, (
            f"README block {step.block} ({step.kind}) failed with status {done.returncode}:\n"
            f"{step.code}\n--- stderr ---\n{done.stderr[-3000:]}"
        )
    for written in {f for step in chain for f in RUNS.findall(step.code)}:
        assert (folder / written).is_dir(), written
