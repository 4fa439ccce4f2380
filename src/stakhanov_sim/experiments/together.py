"""Tasks stepped together: each pauses at its model runs, and the runs of all go in one batch.

A calibration's worker gets many of pyabc's sampling tasks, each of which proposes particles
until one is accepted. Run one after another, every particle's runs made a batch of their
own and paid a shift's fixed cost alone (about 0.4 s of a particle's 0.8 s on the default
mine, benchmarks/README.md). Here each task is a coroutine (a ``greenlet``): at a model run
it hands its request to the worker's loop (``wait``) and pauses; when every task still going
has paused, the loop measures all their requests at once (one batch for all their runs,
``MineModel(varying=...)``) and resumes each with its answer.

A task's draws come from NumPy's and Python's global streams, as pyabc's do. The loop keeps
each task's own state of both streams and gives it back before the task goes on, and a run's
results are the same in a batch of any size (``model.runs``), so every task draws and
measures what it would alone: the sample is the one the tasks give run one after another
(tests/test_calibration.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import greenlet
import numpy as np

Measure = Callable[[Sequence[Any]], list[Any]]


class Task(greenlet.greenlet):
    """A task that may pause at its model runs (``wait``) while others go on."""


def wait(measure: Measure, request: Any) -> Any:
    """``measure``'s answer to ``request``: inside a ``Task``, from the loop of
    ``run_together``, which measures the requests of all paused tasks with one call of
    ``measure``; outside one, at once (``measure([request])[0]``)."""
    task = greenlet.getcurrent()
    if not isinstance(task, Task):
        return measure([request])[0]
    return task.parent.switch((measure, request))


def run_together(functions: Sequence[Callable[[], Any]]) -> list[Any]:
    """Call each of ``functions`` as a ``Task``; what each returns, in order.

    Each starts in turn and runs until it finishes or pauses (``wait``). While some are
    paused, their requests are measured, grouped by ``measure`` in the order of the tasks,
    and each paused task goes on with its answer. A task's global random streams are its
    own: saved when it pauses and given back when it goes on. So each function must seed
    the streams it draws from (a sampling task does, from its own seed); otherwise it would
    start from where the task before it paused.
    """
    tasks = [Task(f) for f in functions]
    results: list[Any] = [None] * len(tasks)
    streams: dict[int, tuple] = {}
    paused: dict[int, tuple[Measure, Any]] = {}

    def go_on(i: int, answer: Any = None) -> None:
        if i in streams:
            np.random.set_state(streams[i][0])  # noqa: NPY002 (pyabc draws from the global stream)
            random.setstate(streams[i][1])
        out = tasks[i].switch(answer) if i in streams else tasks[i].switch()
        streams[i] = (np.random.get_state(), random.getstate())  # noqa: NPY002
        if tasks[i].dead:
            results[i] = out
        else:
            paused[i] = out

    for i in range(len(tasks)):
        go_on(i)
    while paused:
        waiting = sorted(paused)
        groups: dict[Measure, list[int]] = {}
        for i in waiting:
            groups.setdefault(paused[i][0], []).append(i)
        answers = {}
        for measure, members in groups.items():
            for i, answer in zip(members, measure([paused[i][1] for i in members]), strict=True):
                answers[i] = answer
        paused.clear()
        for i in waiting:
            go_on(i, answers[i])
    return results
