"""Where a shift's fixed cost goes: every call ``MineModel.step()`` makes, timed.

A small mine pays per shift a cost that does not grow with its miners (issue 12's 10% at
1k miners, issue 17's single run against the large mine): the calls a shift makes, each
with its Python glue and its compiled kernel's dispatch. This times each of them. Every
function of the model's modules that ``step()`` names (the mechanisms'), and each method of
the model it names (``hire_into``, ``retire_miners``, ``_remove``, ``_observe``), is
wrapped in a timer that counts only calls made directly by ``step()`` (a call's callees are
inside its time, so nothing is counted twice). What ``step()`` does between the calls (its
own arithmetic, building the shift's record), and the timers' own cost, are the remainder.

The timers cost a few µs a call, so the shift is also timed unwrapped first, on as many
shifts of the same mine: that is the cost to read; the table says roughly how it divides.
Wall time (``perf_counter``) per shift, construction excluded.

Usage: ``.venv/bin/python benchmarks/shift_calls.py [--miners 988] [--shifts 400]
[--json OUT]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import bench

from stakhanov_sim.model import mine


def stepped_seconds(scenario, shifts: int, stepping: list[bool] | None = None):
    """Wall seconds spent in ``step()`` over at least ``shifts`` shifts (fresh models as
    needed), the number of shifts and the last model; ``stepping[0]`` is True only while
    a shift is worked (so that the timers leave out the models' construction)."""
    stepping = [False] if stepping is None else stepping
    spent, done = 0.0, 0
    while done < shifts:
        model = mine.MineModel(scenario)
        while model.running:
            stepping[0] = True
            start = time.perf_counter()
            model.step()
            spent += time.perf_counter() - start
            stepping[0] = False
            done += 1
    return spent, done, model


def _calls_step_makes() -> Iterator[tuple[object, str, Callable]]:
    """(owner, name, function) of every call to time: the functions of the model's modules
    that ``step()`` names, and the model's own methods that it calls. (Wrapping only these
    keeps the timers' own cost out of the calls' callees.)"""
    named = set(mine.MineModel.step.__code__.co_names)
    for short, module in vars(mine).items():
        if (
            isinstance(module, types.ModuleType)
            and module.__name__.startswith("stakhanov_sim.model")
            and short in named
        ):
            for name, f in vars(module).items():
                if (
                    isinstance(f, types.FunctionType)
                    and f.__module__ == module.__name__
                    and name in named
                ):
                    yield module, name, f
    for name, f in vars(mine.MineModel).items():
        if isinstance(f, types.FunctionType) and name in named:
            yield mine.MineModel, name, f


@contextmanager
def timed_calls(spent: collections.Counter, count: collections.Counter, stepping: list[bool]):
    """Wrap the calls ``step()`` makes; while ``stepping[0]``, add each outermost call's
    seconds to ``spent`` and count it."""
    depth, originals = [0], []

    def timer(label: str, f: Callable) -> Callable:
        def timed(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0 and stepping[0]:
                    spent[label] += time.perf_counter() - start
                    count[label] += 1

        return timed

    for owner, name, f in list(_calls_step_makes()):
        short = "model" if owner is mine.MineModel else owner.__name__.rsplit(".", 1)[-1]
        originals.append((owner, name, f))
        setattr(owner, name, timer(f"{short}.{name}", f))
    try:
        yield
    finally:
        for owner, name, f in originals:
            setattr(owner, name, f)


def measure(scenario, shifts: int = 400) -> dict:
    """The shift's cost unwrapped, and each call's share of it (seconds per shift)."""
    bench.warm_up()
    plain_s, plain_shifts, _ = stepped_seconds(scenario, shifts)
    spent, count, stepping = collections.Counter(), collections.Counter(), [False]
    with timed_calls(spent, count, stepping):
        wrapped_s, done, model = stepped_seconds(scenario, shifts, stepping)
    calls = {label: seconds / done for label, seconds in spent.most_common()}
    return {
        "miners": model.workforce.size,
        "shifts": done,
        "step_s": plain_s / plain_shifts,
        "wrapped_step_s": wrapped_s / done,
        "calls_s": calls,
        "calls_per_shift": sum(count.values()) / done,
        "remainder_s": wrapped_s / done - sum(calls.values()),
    }


def report(m: dict) -> str:
    """The measurement as Markdown: the shift's cost, then each call's, largest first."""
    us = 1e6
    lines = [
        f"{m['miners']:,} miners, {m['shifts']} shifts: a shift costs {m['step_s'] * us:.0f} µs "
        f"(wall); with every call wrapped {m['wrapped_step_s'] * us:.0f} µs, in "
        f"{m['calls_per_shift']:.0f} calls, of which step()'s own code between them "
        f"{m['remainder_s'] * us:.0f} µs.",
        "",
        "| call | µs a shift (wrapped) |",
        "|---|---:|",
    ]
    lines += [f"| `{label}` | {s * us:.1f} |" for label, s in m["calls_s"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--miners", type=int, default=988, help="mine size (default 988)")
    parser.add_argument("--shifts", type=int, default=400, help="shifts timed (default 400)")
    parser.add_argument("--json", type=Path, help="also write the measurement here")
    args = parser.parse_args(argv)
    measured = measure(bench.scaled_scenario(args.miners), shifts=args.shifts)
    print(report(measured))
    if args.json:
        args.json.write_text(json.dumps(measured, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
