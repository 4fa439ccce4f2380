"""Output directories: one writer at a time, new results beside the old, nothing foreign lost.

Every command that writes (``run``, ``sweep``, ``sensitivity``, ``plot``, ``compare``,
``validate``) goes through :func:`writing`: it takes a lock beside the target (a second
writer is refused, naming the holder), writes the new results into a hidden staging
directory beside it, and only when they are complete swaps them in (an atomic exchange on
Linux, two renames elsewhere). The old results are then removed file by file, and only
files the command itself writes (an :class:`Owner` recognises them); a directory holding
anything else is refused before any work starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"
STAGING_SUFFIX = ".new"
OLD_SUFFIX = ".old"
TEMP_SUFFIX = ".tmp"  # atomic_write's hidden half-written files
RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths in one step


class OutputError(Exception):
    """An output that cannot be written safely; the message says why and what to do."""


@dataclass(frozen=True)
class Owner:
    """What one command writes: the files and folders it may replace in a directory.

    Attributes:
        what: the kind of output, in words ("a run", "a sweep").
        files: names of files the command writes at the top of the directory.
        folders: folder name -> test of a file name the command writes inside it.
        marker: a file that must be present for the directory to count as the command's
            (a run's manifest.json, a sweep's sweep.json); empty: recognised by its files.
    """

    what: str
    files: frozenset[str]
    folders: dict[str, Callable[[str], bool]]
    marker: str = ""

    def foreign(self, directory: Path) -> list[str]:
        """Entries of ``directory`` this command did not write (relative names)."""
        found = []
        for entry in sorted(directory.iterdir()):
            name = entry.name
            if _is_temp(name):
                continue
            test = self._folder_test(entry)
            if test is not None:
                found += [f"{name}/{e.name}" for e in sorted(entry.iterdir()) if not _ok(e, test)]
            elif name not in self.files or not entry.is_file() or entry.is_symlink():
                found.append(name)
        return found

    def _folder_test(self, entry: Path) -> Callable[[str], bool] | None:
        """The test of an owned folder (or of its staging copy), None for anything else."""
        if not entry.is_dir() or entry.is_symlink():
            return None
        for folder, test in self.folders.items():
            if entry.name in (folder, f".{folder}{STAGING_SUFFIX}", f".{folder}{OLD_SUFFIX}"):
                return test
        return None

    def holds_one(self, directory: Path) -> bool:
        """True when ``directory`` holds this command's output (its marker, or its files)."""
        if self.marker:
            return (directory / self.marker).is_file()
        return any((directory / name).exists() for name in (*self.files, *self.folders))

    def remove(self, directory: Path) -> list[str]:
        """Delete this command's files from ``directory``, and it if empty; return what stays."""
        for entry in list(directory.iterdir()):
            name = entry.name
            test = self._folder_test(entry)
            if test is not None:
                for inner in list(entry.iterdir()):
                    if _ok(inner, test):
                        inner.unlink()
                with contextlib.suppress(OSError):
                    entry.rmdir()
            elif _is_temp(name) or (name in self.files and entry.is_file()):
                entry.unlink()
        left = sorted(e.name for e in directory.iterdir())
        if not left:
            directory.rmdir()
        return left


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _ok(entry: Path, test: Callable[[str], bool]) -> bool:
    return entry.is_file() and not entry.is_symlink() and (_is_temp(entry.name) or test(entry.name))


def named(out: Path) -> Path:
    """``out`` with a name of its own (``.`` and ``..`` made absolute), so that the lock and
    staging beside it are beside it; the root of the file system has none and is refused."""
    out = Path(out)
    if out.name in ("", ".", ".."):
        out = Path(os.path.abspath(out))
    if not out.name:
        raise OutputError(
            f"output {out}: the root of the file system; allowed: a directory below it"
        )
    return out


def staging_path(out: Path) -> Path:
    """Where new results are written before they replace ``out`` (hidden, beside it)."""
    return out.parent / f".{out.name}{STAGING_SUFFIX}"


def lock_path(out: Path) -> Path:
    """The lock file of ``out``: beside it, so it survives the swap."""
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


@contextlib.contextmanager
def locked(out: Path, command: str) -> Iterator[None]:
    """Hold the one-writer lock of ``out`` for the duration; refuse if another holds it.

    Raises:
        OutputError: naming the holder (pid, command, start time).
    """
    path = lock_path(out)
    fd = _lock(path, out)
    try:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        holder = {"pid": os.getpid(), "command": command, "started": stamp}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # still held: a writer that opened it before finds it gone, retries
        os.close(fd)


def _lock(path: Path, out: Path) -> int:
    """An open, exclusively locked file at ``path`` (the very file now at that name)."""
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"output {out}: cannot be written ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputError(
                f"output {out}: another stakhanov-sim is writing it ({holder}); wait for it to finish, or choose another -o DIR"
            ) from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed it as we opened it: take the new one


def _holder(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0).decode())
        return f"pid {holder['pid']}, '{holder['command']}', started {holder['started']}"
    except (ValueError, KeyError, TypeError, OSError):
        return "holder unknown"


def check_target(out: Path, owner: Owner, overwrite: bool, flag: str = "--overwrite") -> bool:
    """Refuse an ``out`` that cannot be replaced; return True when it holds old results.

    Raises:
        OutputError: ``out`` is a file, holds files the command did not write, or holds old
            results while ``overwrite`` is False.
    """
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(
            f"output {out}: exists and is not a directory; allowed: a new or empty directory"
        )
    if not out.is_dir() or not any(out.iterdir()):
        return False
    foreign = owner.foreign(out)
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise OutputError(
            f"output {out}: holds files stakhanov-sim did not write ({shown}); nothing was changed; allowed: a new or empty directory, or one holding only {owner.what}"
        )
    if not owner.holds_one(out):
        return False
    if not overwrite:
        raise OutputError(
            f"output {out}: already holds {owner.what}; pass {flag} to replace it, or choose another -o DIR"
        )
    return True


def recover_moved_aside(out: Path, owner: Owner) -> None:
    """Undo a swap killed between its two renames: put the old results back at ``out``.

    Runs under the lock, so whatever carries the aside name was left by a dead writer.
    """
    old = out.parent / f".{out.name}{OLD_SUFFIX}"
    if old.is_dir():
        if not out.exists():
            os.rename(old, out)
        else:
            owner.remove(old)


def new_staging(out: Path, owner: Owner) -> Path:
    """An empty staging directory beside ``out`` (a dead writer's one is cleared first)."""
    staging = staging_path(out)
    try:
        if staging.exists():
            left = owner.remove(staging) if staging.is_dir() else [staging.name]
            if left:
                raise OutputError(
                    f"output {out}: {staging} holds files stakhanov-sim did not write ({', '.join(left[:5])}); move them away"
                )
        staging.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"output {out}: cannot be written ({exc.strerror})") from None
    return staging


def swap_in(staging: Path, out: Path, owner: Owner) -> None:
    """Put the complete ``staging`` in place of ``out``; remove the old results it replaces.

    Raises:
        OutputError: files the command did not write appeared in ``out`` while it worked;
            the new results are then left in ``staging`` and nothing is removed.
    """
    if out.is_dir() and any(out.iterdir()):
        foreign = owner.foreign(out)
        if foreign:
            raise OutputError(
                f"output {out}: files appeared in it while this command ran ({', '.join(foreign[:5])}); nothing was removed; the new results are in {staging}"
            )
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        owner.remove(staging)  # now holds the old results
        return
    old = out.parent / f".{out.name}{OLD_SUFFIX}"
    os.rename(out, old)
    os.rename(staging, out)
    owner.remove(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


@contextlib.contextmanager
def writing(
    out: Path, owner: Owner, overwrite: bool, command: str, lock_for: Path | None = None
) -> Iterator[Path]:
    """Lock ``out``, check it, and yield a staging directory; swap it in when the block ends
    without an error. A failure or Ctrl-C leaves ``out`` exactly as it was.

    Args:
        lock_for: the output whose lock to take, when ``out`` lies inside it (a run's
            figures are written under the run's own lock).
    """
    out = named(out)
    with locked(named(lock_for or out), command):
        recover_moved_aside(out, owner)
        staging = staging_path(out)
        if staging.is_dir():  # a dead writer's: ours to drop before anything is checked
            owner.remove(staging)
        check_target(out, owner, overwrite)
        try:  # from the staging's making on: a SIGTERM just after its mkdir is cleared too
            staging = new_staging(out, owner)
            yield staging
        except BaseException:
            with contextlib.suppress(OSError):
                if staging.is_dir():
                    owner.remove(staging)
            raise
        swap_in(staging, out, owner)


RUN_FILE = re.compile(r"p\d{6}-r\d{4}\.parquet")  # a sweep's run files (sweep.run_id)
SENSITIVITY_FIGURE = re.compile(r"(sobol|morris)_\w+\.png")


def figure_names() -> frozenset[str]:
    """The files ``plots.plot_all`` writes."""
    from stakhanov_sim.figures import plots

    return frozenset([plots.OVERVIEW_FILE, *(f"{stem}.png" for stem in plots.THEMES)])


def run_owner() -> Owner:
    """A run directory: three tables, the manifest (its marker) and the figures."""
    names = figure_names()
    tables = ("model.parquet", "agents.parquet", "events.parquet")
    return Owner(
        "a run (manifest.json and its tables)",
        frozenset([*tables, "manifest.json"]),
        {"figures": names.__contains__},
        marker="manifest.json",
    )


def figures_owner() -> Owner:
    """The figures folder ``plot`` writes."""
    return Owner("the figures of a run", figure_names(), {})


def compare_owner() -> Owner:
    """What ``compare`` writes: its figures and the summary tables."""
    from stakhanov_sim.experiments.compare import SUMMARY_CSV, SUMMARY_MD
    from stakhanov_sim.figures import plots

    figures = [plots.COMPARE_OVERVIEW_FILE, *(f"compare_{c}.png" for c in plots.COMPARED)]
    return Owner("a comparison", frozenset([*figures, SUMMARY_CSV, SUMMARY_MD]), {})


def validation_owner() -> Owner:
    """What ``validate`` writes."""
    names = ("validation.md", "validation.csv", "validation.png")
    return Owner("a validation report", frozenset(names), {})


def sweep_owner() -> Owner:
    """A sweep directory: sweep.json (its marker), the design, the runs, any analysis."""
    files = ("sweep.json", "design.parquet", "indices.csv", "indices.md")
    folders = {"runs": RUN_FILE.fullmatch, "figures": SENSITIVITY_FIGURE.fullmatch}
    return Owner("a sweep (sweep.json and its runs)", frozenset(files), folders, "sweep.json")
