"""Reported and real output: what the mine tells the trust, and what it cut.

Official statistics of the period overstate the growth of output and productivity, though not
of wages (Davies and Khlevnyuk 2002, note 1), and managers had every reason to look good: a
missed plan was blamed on them. Two kinds of falsification are kept apart. The record's own:
all the coal of Stakhanov's team was credited to him alone (Annales 1936), so a record
counts a team's tons as one man's (``records``; the event log gives the team). And padding
(*pripiski*): a mine short of its plan overstates its output, more the further it is behind,
up to what it dares (assumption: the sources give no size). The trust reviews the plan
against the reported figure, so padding delays blame for a shortfall.

Reads the mine's output and the plan period's running sums; hands on the reported tons.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("padding_per_shortfall", "max_padding")


class Params(NamedTuple):
    padding_per_shortfall: np.ndarray  # each run's, as is the most
    max_padding: np.ndarray


def params(s: Scenario) -> Params:
    return Params(varying(s.reporting.padding_per_shortfall), varying(s.reporting.max_padding))


def padding(period_reported: np.ndarray, period_plan: np.ndarray, p: Params) -> np.ndarray:
    """Share by which this shift's output is overstated in each run: grows with the period's
    shortfall."""
    out = np.empty(period_plan.size)
    _padding(period_reported, period_plan, p.padding_per_shortfall, p.max_padding, out)
    return out


@kernel
def _padding(period_reported, period_plan, per_shortfall, most, out):
    for r in range(out.size):
        if period_plan[r] <= 0:
            out[r] = 0.0
            continue
        shortfall = max(1.0 - period_reported[r] / period_plan[r], 0.0)
        out[r] = min(per_shortfall[r] * shortfall, most[r])


def report(
    output_tons: np.ndarray, period_reported: np.ndarray, period_plan: np.ndarray, p: Params
) -> np.ndarray:
    """The tons each run's mine reports for this shift (at least what it cut)."""
    return output_tons * (1.0 + padding(period_reported, period_plan, p))
