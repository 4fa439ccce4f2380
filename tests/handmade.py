"""Tiny mines built by hand for the mechanism tests worked out on paper."""

from __future__ import annotations

import numpy as np

from stakhanov_sim.model.sections import lay_out
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

    def __init__(self, *draws) -> None:
        self.draws = list(draws)

    def random(self, size=None):
        value = self.draws.pop(0)
        return np.asarray(value, dtype=float) if size is not None else float(value)
