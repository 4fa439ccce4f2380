"""Where a default-size shift goes: CPU per shift of each call ``MineModel.step`` makes.

Every public function of the mechanism modules ``step()`` calls, and the model's own
``hire_into``, ``retire_miners``, ``_remove`` and ``_observe``, is wrapped (for this
measurement only) in a CPU timer; the default scenario then runs ``--runs`` times after a
first run that loads the kernels. Nested calls count in both (``_remove`` holds
``management.remove_accused``), and each wrapper adds a fraction of a microsecond, so the
numbers rank the costs rather than add up to the total exactly.

Usage: ``.venv/bin/python benchmarks/shift_breakdown.py [--runs 3] [--top 25] [--config F]``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import time
from pathlib import Path

from stakhanov_sim import MineModel, load_scenario
from stakhanov_sim.model import mine

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"
MECHANISMS = (
    "bargain", "records", "methods", "production", "supply", "accidents", "equipment", "pay",
    "turnover", "recognition", "social", "repression", "management", "blame", "reporting",
)  # fmt: skip
MODEL_METHODS = ("hire_into", "retire_miners", "_remove", "_observe")


def _timed(function, label: str, spent: collections.Counter):
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return timed


@contextlib.contextmanager
def instrument(spent: collections.Counter):
    """Wrap each mechanism function and model method ``step()`` calls in a CPU timer (and
    put the originals back afterwards)."""
    originals = []
    for name in MECHANISMS:
        module = getattr(mine, name)
        for attr, value in vars(module).copy().items():
            own = getattr(value, "__module__", None) == module.__name__
            if own and callable(value) and not isinstance(value, type) and attr[0] != "_":
                originals.append((module, attr, value))
    originals += [(mine.MineModel, attr, getattr(mine.MineModel, attr)) for attr in MODEL_METHODS]
    for owner, attr, value in originals:
        label = attr if owner is mine.MineModel else f"{owner.__name__.rsplit('.', 1)[1]}.{attr}"
        setattr(owner, attr, _timed(value, label, spent))
    try:
        yield
    finally:
        for owner, attr, value in originals:
            setattr(owner, attr, value)


def breakdown(scenario, runs: int, make=MineModel) -> tuple[float, int, collections.Counter]:
    """CPU seconds of ``runs`` runs' shifts, their number, and the seconds of each call.

    ``make(scenario)`` builds each model (a default run as the CLI builds it, or, for
    ``batch_breakdown.py``, a batch)."""
    model = make(scenario)
    while model.running:  # loads the kernels
        model.step()
    spent: collections.Counter = collections.Counter()
    shifts, total = 0, 0.0
    with instrument(spent):
        for _ in range(runs):
            model = make(scenario)
            start = time.process_time()
            while model.running:
                model.step()
                shifts += 1
            total += time.process_time() - start
    return total, shifts, spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--config", type=Path, default=CONFIG, help="scenario file")
    args = parser.parse_args(argv)
    total, shifts, spent = breakdown(load_scenario(args.config), args.runs)
    print(f"{total / shifts * 1e6:.0f} µs CPU per shift ({shifts} shifts, with the timers)")
    for label, seconds in spent.most_common(args.top):
        print(f"{seconds / shifts * 1e6:7.1f} µs  {label}")


if __name__ == "__main__":
    main()
