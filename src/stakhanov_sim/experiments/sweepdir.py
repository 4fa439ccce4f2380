"""A sweep's directory: its record, its run files checked before they are trusted, and its
replacement by another sweep without losing the old one until the new one is complete.

Output directory::

    OUT/sweep.json       what was swept (spec, base scenario, fingerprint)
    OUT/design.parquet   one row per point: the parameter values run
    OUT/runs/            one Parquet file per finished run (a Parquet dataset)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from stakhanov_sim.experiments import outputs
from stakhanov_sim.experiments.results import atomic_write

if TYPE_CHECKING:
    from stakhanov_sim.experiments.sweep import Sweep

RUNS = "runs"
DESIGN_FILE = "design.parquet"
SWEEP_FILE = "sweep.json"
ID_COLUMNS = ("run_id", "point", "replicate")


class SweepError(Exception):
    """A sweep that cannot start: output directory or cluster trouble, told to the user."""


@contextlib.contextmanager
def sweep_output(sweep: Sweep, out: Path, overwrite: bool, command: str) -> Iterator[Path]:
    """The directory to run ``sweep`` in, under the one-writer lock of ``out``.

    ``out`` itself when it is new, empty or holds this very sweep (resume). When it holds a
    different sweep and ``overwrite`` is given, a staging directory beside it (resumed
    likewise), swapped in only when the work is done: the old sweep stays whole till then.

    Raises:
        SweepError: another writer holds ``out``; ``out`` holds files the tool did not
            write; or a different sweep without ``overwrite``.
    """
    owner = outputs.sweep_owner()
    fingerprint = sweep.fingerprint()
    try:
        out = outputs.named(out)
        with outputs.locked(out, command):
            outputs.recover_moved_aside(out, owner)
            if out.is_symlink() or (out.exists() and not out.is_dir()):
                raise SweepError(f"output {out}: exists and is not a directory")
            if not out.is_dir() or not any(out.iterdir()) or _same_sweep(out, fingerprint):
                yield out
                return
            if foreign := owner.foreign(out):
                raise SweepError(
                    f"output {out}: holds files stakhanov-sim did not write ({', '.join(foreign[:5])}); nothing was changed; allowed: a new or empty directory, or one holding only a sweep"
                )
            if not overwrite:
                _check_same_sweep(out, fingerprint)
            staging = outputs.staging_path(out)
            if staging.is_dir() and not _same_sweep(staging, fingerprint):
                owner.remove(staging)  # a killed overwrite of another sweep: ours to drop
            yield staging
            outputs.swap_in(staging, out, owner)
    except outputs.OutputError as exc:
        raise SweepError(str(exc)) from None


def _same_sweep(out: Path, fingerprint: str) -> bool:
    try:
        return json.loads((out / SWEEP_FILE).read_text())["fingerprint"] == fingerprint
    except (OSError, ValueError, KeyError, TypeError):
        return False


def prepare_sweep_dir(sweep: Sweep, out: Path) -> Path:
    """Make ``out`` ready: new, or holding this very sweep (resume); return ``out/runs``.

    Raises:
        SweepError: when ``out`` holds something else, or a different sweep.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SweepError(f"output {out}: exists and is not a directory")
    fingerprint = sweep.fingerprint()
    if out.is_dir() and any(out.iterdir()):
        _check_same_sweep(out, fingerprint)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_record(sweep, out, fingerprint)
        runs = out / RUNS
        runs.mkdir(exist_ok=True)
    except OSError as exc:
        raise SweepError(f"output {out}: cannot be written ({exc.strerror})") from None
    for stale in runs.glob(".*.tmp"):  # a writer killed mid-file; never a finished run
        stale.unlink(missing_ok=True)
    return runs


def _write_record(sweep: Sweep, out: Path, fingerprint: str) -> None:
    """sweep.json first (it marks the directory as this sweep's), then the design."""
    record = {
        "fingerprint": fingerprint,
        "sweep_file": str(sweep.path),
        "seed": sweep.seed,
        "runs": sweep.n_runs,
        "spec": sweep.spec.model_dump(mode="json"),
        "base_scenario": sweep.base.model_dump(mode="json"),
    }
    text = json.dumps(record, indent=2, default=str)
    atomic_write(out / SWEEP_FILE, lambda p: Path(p).write_text(text))
    design = sweep.design.reset_index()
    atomic_write(out / DESIGN_FILE, lambda p: design.to_parquet(p, index=False))


def _check_same_sweep(out: Path, fingerprint: str) -> None:
    try:
        stored = json.loads((out / SWEEP_FILE).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        raise SweepError(
            f"output {out}: already holds files that are not a sweep; choose another -o DIR"
        ) from None
    if stored != fingerprint:
        raise SweepError(
            f"output {out}: holds a different sweep (the sweep file, its base scenario or the design changed); pass --overwrite to replace it once the new one is done, or choose another -o DIR"
        )


def read_run(path: Path, outcomes: list[str] | tuple[str, ...]) -> tuple[pa.Table | None, str]:
    """A run file's table, or None and why it cannot be trusted: unreadable, wrong shape."""
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        return None, f"not a readable Parquet file ({type(exc).__name__})"
    missing = [c for c in (*ID_COLUMNS, *outcomes) if c not in table.column_names]
    if missing:
        return None, f"lacks columns {missing}"
    if table.num_rows != 1:
        return None, f"holds {table.num_rows} rows; allowed: 1"
    if table.column("run_id")[0].as_py() != path.stem:
        return None, f"holds run {table.column('run_id')[0].as_py()!r}, not {path.stem!r}"
    return table, ""


def run_files(runs: Path) -> list[Path]:
    """The run files of a sweep's ``runs`` folder, in run order (temporary files aside)."""
    return [p for p in sorted(runs.glob("*.parquet")) if outputs.RUN_FILE.fullmatch(p.name)]


def verified_runs(runs: Path, outcomes: list[str] | tuple[str, ...]) -> tuple[set[str], list[str]]:
    """Run ids whose files are whole; damaged files are removed so their runs are redone.

    Returns:
        (the ids found whole, the names of the damaged files removed).
    """
    whole, damaged = set(), []
    for path in run_files(runs):
        table, _ = read_run(path, outcomes)
        if table is None:
            path.unlink(missing_ok=True)
            damaged.append(path.name)
        else:
            whole.add(path.stem)
    return whole, damaged


def load_runs(out: str | Path, outcomes: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """The sweep's table: one row per finished run, with its point's parameter values.

    Every file is checked before it is used.

    Raises:
        SweepError: no finished run, a missing design, or a damaged run file (named).
    """
    out = Path(out)
    try:
        design = pd.read_parquet(out / DESIGN_FILE)
    except Exception:  # missing or damaged: pyarrow raises several types
        raise SweepError(
            f"{out / DESIGN_FILE}: missing or not a readable Parquet file; run 'stakhanov-sim sweep' on {out} again"
        ) from None
    files = run_files(out / RUNS)
    if not files:
        raise SweepError(f"{out / RUNS}: no finished runs yet")
    tables = []
    for path in files:
        table, problem = read_run(path, outcomes)
        if table is None:
            raise SweepError(
                f"{path}: {problem}; run 'stakhanov-sim sweep' on {out} again to recompute it"
            )
        tables.append(table)
    runs = pa.concat_tables(tables, promote_options="default").to_pandas()
    table = runs.merge(design, on="point", how="left")
    first = ["run_id", "point", "replicate", *design.columns.drop("point")]
    rest = [c for c in table.columns if c not in first]
    return table[first + rest].sort_values(["point", "replicate"], ignore_index=True)
