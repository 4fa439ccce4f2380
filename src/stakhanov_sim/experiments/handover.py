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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from stakhanov_sim.experiments.results import TABLES, Results

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

SHARED_MEMORY = Path("/dev/shm")
PREFIX = "stakhanov-sim-"  # then the command's process id
ROOM_NEEDED = 2 * 1024**3  # assumption: shared memory with less free room is left alone
CHUNK_RUNS = 8  # runs of the agent table made at a time (4 to 10 cost alike: round 18)


@dataclass(frozen=True)
class Handed:
    """Where a worker left one batch's tables: ``stem`` + ``-<k>-<table>.arrow`` for each of
    its ``parts`` (a batch's history, then its baseline)."""

    stem: str
    parts: int


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


def give(
    model: MineModel, parts: list[tuple[range, list[int]]], into: Path, name: str
) -> Handed | tuple[Results, ...]:
    """Write the tables of each part of ``model``'s batch (its runs ``runs``, numbered
    ``numbers``) into ``into`` (in the worker); the tables themselves when they cannot be
    written there.

    The agent table is made and written ``CHUNK_RUNS`` runs at a time: made whole, a batch
    of 100 default runs held it twice (its columns, then the file), and touching that much
    fresh memory cost its worker a second (benchmarks/README.md, round 18).
    """
    stem = str(into / name)
    try:
        for k, (runs, numbers) in enumerate(parts):
            _write([model.model_table(runs, numbers)], f"{stem}-{k}-model.arrow")
            _write(_agent_chunks(model, runs, numbers), f"{stem}-{k}-agents.arrow")
            _write([model.event_table(runs, numbers)], f"{stem}-{k}-events.arrow")
    except OSError:
        for leftover in into.glob(f"{name}-*"):
            leftover.unlink(missing_ok=True)
        return tuple(model.results(runs, numbers) for runs, numbers in parts)
    return Handed(stem, len(parts))


def take(handed: Handed | tuple[Results, ...]) -> tuple[dict[str, pa.Table], ...]:
    """The tables a worker gave (in the command), as Arrow tables, their files deleted once
    read (tables that came back themselves, as Arrow tables too)."""
    if not isinstance(handed, Handed):
        return tuple(
            {t: pa.Table.from_pandas(getattr(part, t), preserve_index=False) for t in TABLES}
            for part in handed
        )
    return tuple(
        {table: _read(f"{handed.stem}-{k}-{table}.arrow") for table in TABLES}
        for k in range(handed.parts)
    )


def joined(batches: list[tuple[dict[str, pa.Table], ...]]) -> tuple[Results, ...]:
    """Each part (a history, a baseline) of every batch, the batches' tables one after
    another, as pandas frames: what ``Results.concat`` of each batch's frames gives.

    Tables of one type are joined as Arrow tables, and pandas copies the numbers once
    (making each batch's frame and then joining them copied them twice, and an ensemble's
    agent table is hundreds of megabytes: benchmarks/README.md, round 18); a table whose
    types differ from the first's (a batch without events, say) is joined as frames.
    """
    if len({len(batch) for batch in batches}) != 1:
        raise ValueError("batches of one kind only: all with a baseline, or none")
    parts = []
    for k in range(len(batches[0])):
        frames = {}
        for table in TABLES:
            tables = [batch[k][table] for batch in batches]
            if all(t.schema.equals(tables[0].schema, check_metadata=True) for t in tables):
                frames[table] = pa.concat_tables(tables).to_pandas()
            else:
                frames[table] = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
        parts.append(Results(**frames))
    return tuple(parts)


def _agent_chunks(model: MineModel, runs: range, numbers: list[int]) -> Iterator[pd.DataFrame]:
    """The agent table of ``runs``, ``CHUNK_RUNS`` runs at a time (one empty table for no
    runs, so the file has its columns)."""
    for first in range(runs.start, max(runs.stop, runs.start + 1), CHUNK_RUNS):
        chunk = range(first, min(first + CHUNK_RUNS, runs.stop))
        yield model.agent_table(chunk, numbers[chunk.start - runs.start : chunk.stop - runs.start])


def _write(frames: Iterable[pd.DataFrame], path: str) -> None:
    """The frames, one after another, as one Arrow IPC file (a record batch each)."""
    with pa.OSFile(path, "wb") as sink:
        writer = None
        for frame in frames:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pa.ipc.new_file(sink, table.schema)
            writer.write_table(table)
        writer.close()


def _read(path: str) -> pa.Table:
    """The table in ``path``, read through a memory map: pandas later copies the numbers
    into its own (writable) blocks once, where reading the file first copied them twice,
    ten times slower (benchmarks/README.md, round 17). The table may keep pointing into the
    map, which outlives the deleted file on POSIX; Windows cannot delete a mapped file, so
    there the file is read into memory instead."""
    try:
        with _open(path) as source:
            return pa.ipc.open_file(source).read_all()
    finally:
        os.unlink(path)


def _open(path: str) -> pa.NativeFile:
    return pa.OSFile(path, "rb") if os.name == "nt" else pa.memory_map(path, "rb")
