"""Tables from a worker process to the command, through files rather than a pipe.

A pool's worker hands its batch's tables back as a pickle through a pipe: for a batch of
50 default runs that is some 160 MB, which took about a second to pickle, send and read
back, against three of stepping the runs (``benchmarks/README.md``, round 14). Instead the
worker writes its model and event tables as Arrow IPC files into a folder the command made
(in shared memory where there is room), and of the agent table only the snapshots it is made
from (``observation.Snapshots``, about half its bytes), and sends the file names; the command
reads each file, deletes it, and makes the ensemble's agent table once from every batch's
snapshots (round 19). The tables are equal to those the worker would have made, column
types included (Arrow is the format of pandas' own string columns, and of the Parquet files
runs are saved as).

Where the files cannot be written (no room, say), the worker hands the tables and snapshots
back the old way, so a run is never lost to this shortcut.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from stakhanov_sim.experiments.memory import small_pages
from stakhanov_sim.experiments.results import TABLES, Results
from stakhanov_sim.model.observation import Snapshots, agent_table

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

SHARED_MEMORY = Path("/dev/shm")
PREFIX = "stakhanov-sim-"  # then the command's process id
ROOM_NEEDED = 2 * 1024**3  # assumption: shared memory with less free room is left alone
FRAMES = tuple(table for table in TABLES if table != "agents")  # handed over as tables
ALIGN = 64  # bytes: where each of the snapshots' arrays starts in their file
ROWS = ("shifts", "employed", "foremen", "engineers")  # the snapshots' rows, with the miners'

Part = tuple[range, list[int]]  # a part's runs of its batch, and their replicate numbers


@dataclass(frozen=True)
class Handed:
    """Where a worker left one batch's tables: ``stem`` + ``-<k>-<table>.arrow`` for the
    model and event tables of each of its ``parts`` (a batch's history, then its baseline),
    and ``stem`` + ``-snapshots.bin`` for the rows of the whole batch's snapshots (laid out as
    ``layout`` says; what each sampled slot always has comes with this record)."""

    stem: str
    parts: tuple[Part, ...]
    layout: tuple[tuple[str, str, tuple[int, ...], int], ...]  # name, dtype, shape, offset
    fixed: Snapshots  # the snapshots without their rows (``ROWS``): small, sent as they are


@dataclass(frozen=True)
class Given:
    """A batch's tables and snapshots themselves, where no file could be written."""

    frames: tuple[dict[str, pd.DataFrame], ...]  # each part's model and event tables
    snapshots: Snapshots
    parts: tuple[Part, ...]


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


@small_pages()
def give(model: MineModel, parts: list[Part], into: Path, name: str) -> Handed | Given:
    """Write the model and event tables of each part of ``model``'s batch (its runs
    ``runs``, numbered ``numbers``) and the batch's snapshots into ``into`` (in the worker);
    the tables and snapshots themselves when they cannot be written there."""
    stem, parts = str(into / name), tuple((runs, list(numbers)) for runs, numbers in parts)
    snapshots = model.sampler.snapshots()
    try:
        for k, (runs, numbers) in enumerate(parts):
            _write(model.model_table(runs, numbers), f"{stem}-{k}-model.arrow")
            _write(model.event_table(runs, numbers), f"{stem}-{k}-events.arrow")
        layout = _save(_rows(snapshots), f"{stem}-snapshots.bin")
    except OSError:
        for leftover in into.glob(f"{name}-*"):
            leftover.unlink(missing_ok=True)
        frames = tuple(
            {"model": model.model_table(*part), "events": model.event_table(*part)}
            for part in parts
        )
        return Given(frames, snapshots, parts)
    return Handed(stem, parts, layout, snapshots._replace(**dict.fromkeys(ROWS), miners={}))


def take(handed: Handed | Given) -> tuple[dict, ...]:
    """What a worker gave (in the command), part by part: the model and event tables as
    Arrow tables, their files deleted once read, and the agents as the batch's snapshots
    with the part's runs and numbers (``agent_table``'s pieces)."""
    if isinstance(handed, Given):
        return tuple(
            {t: pa.Table.from_pandas(frames[t], preserve_index=False) for t in FRAMES}
            | {"agents": (handed.snapshots, *part)}
            for frames, part in zip(handed.frames, handed.parts, strict=True)
        )
    rows = _load(f"{handed.stem}-snapshots.bin", handed.layout)
    miners = {name.removeprefix("miners."): rows.pop(name) for name in list(rows) if "." in name}
    snapshots = handed.fixed._replace(miners=miners, **rows)
    return tuple(
        {table: _read(f"{handed.stem}-{k}-{table}.arrow") for table in FRAMES}
        | {"agents": (snapshots, *part)}
        for k, part in enumerate(handed.parts)
    )


@small_pages()
def joined(batches: list[tuple[dict, ...]], threads: int = 1) -> tuple[Results, ...]:
    """Each part (a history, a baseline) of every batch, the batches' tables one after
    another, as pandas frames: what ``Results.concat`` of each batch's frames gives.

    Tables of one type are joined as Arrow tables, and pandas copies the numbers once
    (making each batch's frame and then joining them copied them twice: benchmarks/README.md,
    round 18); a table whose types differ from the first's (a batch without events, say) is
    joined as frames. The agent table is made once from every batch's snapshots, by
    ``threads`` threads (the command's workers are idle by then).
    """
    if len({len(batch) for batch in batches}) != 1:
        raise ValueError("batches of one kind only: all with a baseline, or none")
    parts = []
    for k in range(len(batches[0])):
        frames = {"agents": agent_table([batch[k]["agents"] for batch in batches], threads)}
        for table in FRAMES:
            tables = [batch[k][table] for batch in batches]
            if all(t.schema.equals(tables[0].schema, check_metadata=True) for t in tables):
                frames[table] = pa.concat_tables(tables).to_pandas()
            else:
                frames[table] = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
        parts.append(Results(**frames))
    return tuple(parts)


def _write(frame: pd.DataFrame, path: str) -> None:
    """The frame as an Arrow IPC file."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _rows(snapshots: Snapshots) -> dict[str, np.ndarray]:
    """The snapshots' rows by name, what goes into their file: ``ROWS`` and each of the
    miners' (``miners.<name>``)."""
    rows = {name: getattr(snapshots, name) for name in ROWS}
    return rows | {f"miners.{name}": values for name, values in snapshots.miners.items()}


def _save(arrays: dict[str, np.ndarray], path: str) -> tuple:
    """The arrays one after another in one file, each at a multiple of ``ALIGN`` bytes;
    where each is (name, dtype, shape, offset)."""
    layout, offset = [], 0
    with open(path, "wb") as sink:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            sink.write(b"\0" * (-offset % ALIGN))
            offset += -offset % ALIGN
            layout.append((name, array.dtype.str, array.shape, offset))
            if array.size:  # (an empty view cannot be cast to bytes)
                sink.write(memoryview(array).cast("B"))
            offset += array.nbytes
    return tuple(layout)


def _load(path: str, layout: tuple) -> dict[str, np.ndarray]:
    """The arrays ``_save`` wrote, read-only, through a memory map (the file is deleted: the
    map outlives it on POSIX; on Windows the file is read into memory instead)."""
    try:
        if os.name == "nt":
            buffer = np.fromfile(path, dtype=np.uint8)
        else:
            buffer = np.memmap(path, dtype=np.uint8, mode="r") if os.path.getsize(path) else b""
        return {
            name: np.ndarray(shape, dtype=np.dtype(dtype), buffer=buffer, offset=offset)
            for name, dtype, shape, offset in layout
        }
    finally:
        os.unlink(path)


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
