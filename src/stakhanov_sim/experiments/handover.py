"""Tables from a worker process to the command, through files rather than a pipe.

A pool's worker hands its batch's tables back as a pickle through a pipe: for a batch of
50 default runs that is some 160 MB, which took about a second to pickle, send and read
back, against three of stepping the runs (``benchmarks/README.md``, round 14). Instead the
worker writes each table as an Arrow IPC file into a folder the command made (in shared
memory where there is room) and sends only the file names; the command reads each file and
deletes it. The tables read back are equal to those written, column types included (Arrow
is the format of pandas' own string columns, and of the Parquet files runs are saved as).

Where the files cannot be written (no room, say), the worker hands the tables back the old
way, so a run is never lost to this shortcut.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from stakhanov_sim.experiments.results import TABLES, Results

SHARED_MEMORY = Path("/dev/shm")
PREFIX = "stakhanov-sim-"  # then the command's process id
ROOM_NEEDED = 2 * 1024**3  # assumption: shared memory with less free room is left alone


@dataclass(frozen=True)
class Handed:
    """Where a worker left one batch's tables: ``stem`` + ``-<k>-<table>.arrow`` for its
    ``k``-th Results (a batch's history, then its baseline), one manifest each."""

    stem: str
    manifests: tuple[dict, ...]


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    """A fresh folder for the workers' tables (in shared memory where it has room), removed
    with whatever is left in it when the command is done, or stopped. Folders left by a
    command that was killed outright (its process gone) are removed first: files in shared
    memory hold memory until they are deleted."""
    where = place()
    _remove_orphans(where)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=where))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _remove_orphans(parent: Path) -> None:
    """Remove the folders of commands whose process no longer exists."""
    for path in parent.glob(f"{PREFIX}*-*"):
        pid = path.name[len(PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


def place() -> Path:
    """Where the folders go: shared memory when it exists and has room, the system's
    temporary folder otherwise."""
    try:
        free = os.statvfs(SHARED_MEMORY)
    except OSError:
        return Path(tempfile.gettempdir())
    roomy = free.f_bavail * free.f_frsize >= ROOM_NEEDED and os.access(SHARED_MEMORY, os.W_OK)
    return SHARED_MEMORY if roomy else Path(tempfile.gettempdir())


def give(parts: tuple[Results, ...], into: Path, name: str) -> Handed | tuple[Results, ...]:
    """Write ``parts``' tables into ``into`` (in the worker); the tables themselves when
    they cannot be written there."""
    stem = str(into / name)
    try:
        for k, part in enumerate(parts):
            for table in TABLES:
                _write(getattr(part, table), f"{stem}-{k}-{table}.arrow")
    except OSError:
        for leftover in into.glob(f"{name}-*"):
            leftover.unlink(missing_ok=True)
        return parts
    return Handed(stem, tuple(part.manifest for part in parts))


def take(handed: Handed | tuple[Results, ...]) -> tuple[Results, ...]:
    """The tables a worker gave (in the command), their files deleted once read."""
    if not isinstance(handed, Handed):
        return handed
    parts = []
    for k, manifest in enumerate(handed.manifests):
        frames = [_read(f"{handed.stem}-{k}-{table}.arrow") for table in TABLES]
        parts.append(Results(*frames, manifest=manifest))
    return tuple(parts)


def _write(frame: pd.DataFrame, path: str) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read(path: str) -> pd.DataFrame:
    """The table in ``path``, read through a memory map: pandas copies the numbers into its
    own (writable) blocks once, where reading the file first copied them twice, ten times
    slower (benchmarks/README.md, round 17). Arrow's string columns may keep pointing into
    the map, which outlives the deleted file on POSIX; Windows cannot delete a mapped file,
    so there the file is read into memory instead."""
    try:
        with _open(path) as source:
            return pa.ipc.open_file(source).read_all().to_pandas()
    finally:
        os.unlink(path)


def _open(path: str) -> pa.NativeFile:
    return pa.OSFile(path, "rb") if os.name == "nt" else pa.memory_map(path, "rb")
