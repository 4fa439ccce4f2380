"""The campaign's state: what the party and the trust demand, and the mines' records.

Policy events (``mechanisms.policy``) set the intensity, the scapegoating and the staged
record, and a norm revision notes its raise for the shift it precedes; the record mechanism
(``mechanisms.records``) keeps each mine's best and the timbermen its next record gets; the
plan review (``mechanisms.management``) sums output and plan over the plan period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stakhanov_sim.scenarios.schema import Scenario


@dataclass
class Campaign:
    """State of the campaign that lasts across shifts.

    Attributes:
        intensity: campaign intensity (0 = no campaign), set by the timeline.
        scapegoating: the trust's readiness to blame managers, set by the timeline.
        staged_record: a staged record is due this shift (31 Aug 1935).
        norm_raise: the share by which norms were raised just before this shift (0 on
            other shifts); read by resentment and the ledger, cleared after the shift.
        best_fulfilment: each mine's record so far (norms in one shift).
        record_helpers: timbermen each mine gives its next record attempt.
        period_output, period_plan: tons cut and planned since the last plan review.
    """

    intensity: float
    scapegoating: float
    staged_record: bool
    norm_raise: float
    best_fulfilment: np.ndarray
    record_helpers: np.ndarray
    period_output: float
    period_plan: float


def before_the_campaign(scenario: Scenario) -> Campaign:
    """The campaign's state before its first event: nothing demanded, no records yet."""
    mines = scenario.mine.mines
    return Campaign(
        intensity=0.0,
        scapegoating=0.0,
        staged_record=False,
        norm_raise=0.0,
        best_fulfilment=np.zeros(mines),
        record_helpers=np.full(mines, float(scenario.records.helpers_per_record)),
        period_output=0.0,
        period_plan=0.0,
    )
