"""Worker processes end when the command that started them ends, however it ends.

A ``kill -9`` of ``stakhanov-sim`` gives its children no chance to be told. So each one is
tied to its parent: on Linux the kernel sends SIGKILL to a process whose parent dies
(``prctl(PR_SET_PDEATHSIG)``), and a thread in each worker also waits on the command's own
process (a pidfd, or polling elsewhere). The forkserver preloads this module; it ties itself
to the command only when the command named itself in ``PARENT_ENV`` while starting it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_ENV = "STAKHANOV_SIM_TIED_TO"  # the pid a forkserver should die with
POLL_S = 0.5  # where no pidfd exists: how often a worker looks for its command


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def watch(pid: int) -> None:
    """End this process (SIGKILL, no clean-up to hang on) once process ``pid`` has ended."""
    thread = threading.Thread(target=_wait_then_die, args=(pid,), daemon=True, name="lifeline")
    thread.start()


def _wait_then_die(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        while _alive(pid):
            time.sleep(POLL_S)
    else:
        select.select([fd], [], [])  # readable once the process has exited
    os.kill(os.getpid(), signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tie_worker(command_pid: int) -> None:
    """In a pool worker: die with the forkserver that forked it and with the command."""
    die_with_parent()
    if not _alive(command_pid):
        os.kill(os.getpid(), signal.SIGKILL)
    watch(command_pid)


@contextlib.contextmanager
def tying_children() -> object:
    """While this block starts a forkserver, have it tie itself to this process."""
    previous = os.environ.get(PARENT_ENV)
    os.environ[PARENT_ENV] = str(os.getpid())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PARENT_ENV, None)
        else:
            os.environ[PARENT_ENV] = previous


def in_forkserver() -> bool:
    """Whether this process is a forkserver started inside ``tying_children`` (while it
    imports its preloaded modules)."""
    return os.environ.get(PARENT_ENV) == str(os.getppid())


def _tie_forkserver() -> None:
    """At import in a forkserver: die with the command that started it (see tying_children)."""
    command = os.environ.get(PARENT_ENV)
    tied = in_forkserver() and die_with_parent()
    if tied and str(os.getppid()) != command:  # the command died before prctl took effect
        os.kill(os.getpid(), signal.SIGKILL)


_tie_forkserver()
