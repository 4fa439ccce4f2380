"""Tiny mines built by hand for the mechanism tests worked out on paper."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from stakhanov_sim.model import runs
from stakhanov_sim.model.sections import lay_out
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import layout
from stakhanov_sim.scenarios.schema import Scenario


def tiny_mine(**groups):
    """A scenario of one mine from ``groups`` (``mine={...}, supply={...}``), its empty
    workforce with every slot filled, and its sections."""
    scenario = Scenario.model_validate(groups)
    w = layout(scenario)
    w.employed[:] = True
    return scenario, w, lay_out(scenario, w)


class FixedDraws:
    """A stand-in for a mechanism's stream that returns the numbers a test wrote down."""

    runs = SimpleNamespace(count=1)  # a stream of one run

    def __init__(self, *draws) -> None:
        self.draws = list(draws)

    def random(self, size=None):
        value = self.draws.pop(0)
        return np.asarray(value, dtype=float) if size is not None else float(value)

    def uniform(self, n):
        """A run's ``n`` numbers (a stream of one run, ``model.streams.Stream``)."""
        return self.random(n)

    def uniform_slots(self):
        return self.random(0)

    def uniform_where(self, n, active):
        return self.random(n) if np.asarray(active).any() else None

    def uniform_slots_where(self, active):
        return self.uniform_where(0, active)

    def normal(self, n):
        return self.random(n)

    def keys(self):
        return np.asarray([self.draws.pop(0)], dtype=np.uint64)

    def skip(self, n, runs=None):
        """Nothing written down is used up by moving on."""

    def __getitem__(self, run):
        """The one run's generator: these same numbers."""
        return self


def streams_of(w, seed: int = 0) -> Stream:
    """A mechanism's stream for the one run of ``w``, from ``seed``."""
    return Stream([np.random.default_rng(seed)], runs.of(w, 1, 1))
