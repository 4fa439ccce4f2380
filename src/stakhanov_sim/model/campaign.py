"""The campaign's state: what the party and the trust demand, and the mines' records.

Policy events (``mechanisms.policy``) set the intensity, the scapegoating and the staged
record, and a norm revision notes its raise for the shift it precedes; the record mechanism
(``mechanisms.records``) keeps each mine's best and the timbermen its next record gets; the
plan review (``mechanisms.management``) sums output and plan over the plan period and the
year; the second edition's mechanisms keep the record race's publicity (``records``), the
schools, the concentration of mining (``methods``), the mass operations (``repression``),
the period's charge (``blame``) and the wage fund (``bargain``).

Every field is an array with one element per run of the batch (``model.runs``; per mine of
every run for the records' fields): each run lives through its own campaign, and the runs of
a batch may follow different timelines (a history and its counterfactual without campaign
events: ``mechanisms.policy``).
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
        period_reported: tons reported since the last plan review (padded, ``reporting``).
        period_bill, period_fund: wages paid and the wage fund planned since the last review.
        year_reported, year_shifts: tons reported and shifts worked so far this year.
        last_year_reported: last year's mean reported tons a shift (the plan's ratchet).
        race: publicity of the last record (1 just after it, fading): the record race.
        schools: whether Stakhanovite schools run (0..1), set by the timeline.
        concentration, concentration_target: share of mining concentrated on fewer, better
            faces now, and the share the timeline has ordered.
        mass_operation: intensity of the mass operations of 1937 (0 = none).
        charge: what the accused are charged with in this period ("" = the post's usual),
            a string for each run.
    """

    intensity: np.ndarray
    scapegoating: np.ndarray
    staged_record: np.ndarray
    norm_raise: np.ndarray
    best_fulfilment: np.ndarray
    record_helpers: np.ndarray
    period_output: np.ndarray
    period_plan: np.ndarray
    period_reported: np.ndarray
    period_bill: np.ndarray
    period_fund: np.ndarray
    year_reported: np.ndarray
    year_shifts: np.ndarray
    last_year_reported: np.ndarray
    race: np.ndarray
    schools: np.ndarray
    concentration: np.ndarray
    concentration_target: np.ndarray
    mass_operation: np.ndarray
    charge: np.ndarray


def before_the_campaign(scenario: Scenario, runs: int = 1) -> Campaign:
    """The campaign's state before its first event, in each of ``runs`` runs: nothing
    demanded, no records yet."""
    mines = scenario.mine.mines * runs
    zero = dict.fromkeys(
        ("intensity", "scapegoating", "norm_raise", "period_output", "period_plan",
         "period_reported", "period_bill", "period_fund", "year_reported", "last_year_reported",
         "race", "schools", "concentration", "concentration_target", "mass_operation"),
    )  # fmt: skip
    return Campaign(
        **{name: np.zeros(runs) for name in zero},
        staged_record=np.zeros(runs, dtype=bool),
        year_shifts=np.zeros(runs, dtype=np.int64),
        best_fulfilment=np.zeros(mines),
        record_helpers=np.full(mines, float(scenario.records.helpers_per_record)),
        charge=np.full(runs, "", dtype=object),
    )
