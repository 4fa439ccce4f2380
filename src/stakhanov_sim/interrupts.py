"""Ctrl-C and SIGTERM stop a command, wherever in Python they arrive.

A command unwinds on Ctrl-C (``KeyboardInterrupt``) and on SIGTERM (``kill``, a batch
system's time limit; raised as ``Terminated``): the run in progress is dropped and earlier
results stay untouched. Python raises a signal's exception in whatever Python code runs
next, and some of that code is called from C, where an exception cannot travel on: Numba's
object-code hook, which LLVM calls whenever it compiles (every process compiles Numba's
runtime at its first kernel call, and every kernel on a machine's first run), a weakref
callback (Mesa's agent sets drop removed agents through one), a ``__del__``. There the
exception is printed as "Exception ignored" and the command went on as if nothing had
happened (``tests/test_output_safety.py::test_sigterm_unwinds_like_ctrl_c`` failed so on a
busy machine). While a command runs, an interruption lost that way is raised again once the
code called from C has returned. Where C hands it back wrapped instead (Numba's compiled code
unpickling a constant: ``SystemError: ... returned a result with an exception set``),
``cli.main`` finds the interruption behind it.
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import time
from collections.abc import Iterator

AGAIN_AFTER_S = 0.001  # a swallowed interruption is raised again this soon


class Terminated(BaseException):
    """SIGTERM (``kill``, a batch system's time limit): unwound like Ctrl-C, new work dropped."""


RAISED = {signal.SIGINT: KeyboardInterrupt, signal.SIGTERM: Terminated}


class _Guard:
    """The handlers and the unraisable hook of ``unwinding``, and whether the hook runs."""

    def __init__(self, previous_hook) -> None:
        self.previous_hook = previous_hook
        self.in_hook = False
        self.active = True  # until the command's handlers are put back

    def handler(self, signum: int, frame: object) -> None:
        if self.in_hook:  # raised here it would be swallowed again: once the hook is done
            _thread.start_new_thread(_interrupt_soon, (self, signum))
            return
        raise RAISED[signum]()

    def hook(self, unraisable) -> None:
        """Raise an interruption that C swallowed again, from another thread, a moment later
        (here, the signal's handler would run inside this hook and be swallowed once more)."""
        self.in_hook = True
        try:
            for signum, kind in RAISED.items():
                if isinstance(unraisable.exc_value, kind):
                    _thread.start_new_thread(_interrupt_soon, (self, signum))
                    return
            self.previous_hook(unraisable)
        finally:
            self.in_hook = False


def _interrupt_soon(guard: _Guard, signum: int) -> None:
    """Run ``signum``'s handler in the main thread at its next Python instruction."""
    time.sleep(AGAIN_AFTER_S)
    if guard.active:  # (after the command, an interruption has nothing left to stop)
        _thread.interrupt_main(signum)


@contextlib.contextmanager
def unwinding() -> Iterator[None]:
    """Within: Ctrl-C raises ``KeyboardInterrupt``, SIGTERM ``Terminated``, and neither is
    lost in code called from C. Call it from the main thread (signals are handled there)."""
    guard = _Guard(sys.unraisablehook)
    previous = {
        signum: signal.signal(signum, guard.handler)
        for signum in RAISED  # a shell's background job ignores Ctrl-C: it still does
        if signum != signal.SIGINT or signal.getsignal(signum) is signal.default_int_handler
    }
    sys.unraisablehook = guard.hook
    try:
        yield
    finally:
        guard.active = False
        sys.unraisablehook = guard.previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def quiet_finalizers() -> None:
    """After an interruption: drop what the finalizers of objects it cut short print.

    An interruption can land while such an object is being built (llvmlite's ``ModuleRef``
    while Numba compiles, as it does on a machine's first run); its ``__del__`` then fails
    when the object is collected, as the command ends, and Python prints "Exception ignored
    in ... __del__" with a traceback after the command has said it was interrupted
    (``tests/test_interrupts.py::test_ctrl_c_ends_the_run_quietly`` failed so on a fresh
    ``.venv``). Only failures of ``__del__`` are dropped; anything else still prints.
    """
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if getattr(unraisable.object, "__name__", None) != "__del__":
            previous(unraisable)

    sys.unraisablehook = hook
