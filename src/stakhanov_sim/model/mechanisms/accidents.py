"""Accidents at the face: a sourced fatal rate, raised by records, storming and worn equipment.

Soviet coal mines killed 2.84 miners per 1,000 a year in 1934 and 1935 (all-USSR coal;
Kuromiya 1998). The campaign's "unrelenting pressure for results at all costs" led to the
"virtual abandonment of the usual sort of safety precautions" (Conquest 2008, on the Kuzbass),
and the press told of Stakhanovites sent into dangerous pits (TIME, 16 Dec 1935). Here every
miner at work runs a small risk each shift, at the sourced rate when the pace is ordinary and
the equipment in order; a record attempt, the campaign's storming and worn equipment raise it.
Most accidents injure (the victim's output is harmed and heals); one in
``accidents.accidents_per_fatal`` kills. A fatal accident can bring a charge against the
engineer who keeps the section's equipment, as the Kemerovo explosion of 23 Sep 1936 brought
its director and trust head to trial (``mechanisms.management``).

Reads the miners, the sections' equipment, this shift's record attempts and the campaign's
intensity; hands on the shift's accidents (counts, the dead, the sections of fatal accidents).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

PER_THOUSAND = 1000.0  # the source's rate is per 1,000 miners


# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = (
    "accident_chance", "fatal_share", "record_risk", "storming_risk", "wear_risk", "injury_harm",
)  # fmt: skip


class Params(NamedTuple):
    """Every field is each run's (``runs.varying``)."""

    accident_chance: np.ndarray  # per miner-shift, ordinary pace, equipment in order
    fatal_share: np.ndarray  # of accidents
    record_risk: np.ndarray
    storming_risk: np.ndarray
    wear_risk: np.ndarray
    injury_harm: np.ndarray


def params(s: Scenario, shifts_per_year: float) -> Params:
    """The mechanism's parameters; ``shifts_per_year`` comes from the run's calendar."""
    a = s.accidents
    fatal_chance = a.fatal_per_1000_year / PER_THOUSAND / max(shifts_per_year, 1.0)
    return Params(
        accident_chance=varying(fatal_chance * a.accidents_per_fatal),
        fatal_share=varying(1.0 / a.accidents_per_fatal),
        record_risk=varying(a.record_risk),
        storming_risk=varying(a.storming_risk),
        wear_risk=varying(a.wear_risk),
        injury_harm=varying(a.injury_harm),
    )


class Accidents(NamedTuple):
    """What this shift's accidents did."""

    injured: np.ndarray  # slots of the injured (still at work, harmed)
    killed: np.ndarray  # slots of the dead (to be vacated)
    fatal_sections: np.ndarray  # the section of each fatal accident

    @property
    def count(self) -> int:
        return int(self.injured.size + self.killed.size)


def happen(
    stream: Stream,
    w: Workforce,
    condition: np.ndarray,
    attempts: np.ndarray,
    intensity: np.ndarray,
    p: Params,
) -> Accidents:
    """This shift's accidents; the injured are harmed at once, the dead are handed on.

    Two uniform numbers per slot every shift, whatever happens: a counterfactual run with the
    same seed meets the same luck (common random numbers). The first says whether the miner
    is struck, the second (read only for the struck) whether he dies. ``intensity``: each
    run's campaign.
    """
    struck = _struck(
        stream.uniform_slots(), w.employed, w.section, w.run, condition, attempts, intensity,
        tuple(p),
    )  # fmt: skip
    second = stream.uniform_slots_at(struck)  # the struck's only
    if not struck.size:  # (most shifts)
        return Accidents(struck, struck, struck)
    fatal = second < p.fatal_share[w.run[struck]]
    injured, killed = struck[~fatal], struck[fatal]
    if injured.size:
        w.harm[injured] = np.minimum(w.harm[injured] + p.injury_harm[w.run[injured]], 1.0)
    return Accidents(injured, killed, w.section[killed])


def carry_out(w: Workforce, hurt: Accidents, log: EventLog) -> np.ndarray:
    """The dead leave the mine: their slots fall vacant (returned), the deaths are logged."""
    if hurt.killed.size:
        log.add_many(
            "fatal accident", w.agent_id[hurt.killed], detail="killed at the face",
            runs=w.run[hurt.killed],
        )  # fmt: skip
        w.vacate(hurt.killed)
    return hurt.killed


@kernel
def _struck(draw, employed, section, run, condition, attempts, intensity, p):
    """Slots (ascending) of the miners at work struck by an accident this shift
    (``intensity``: each run's campaign)."""
    p = Params(*p)  # a record arrives as a plain tuple (see compiled)
    accident_chance, wear_risk = p.accident_chance, p.wear_risk  # each run's, into locals
    record_risk, storming_risk = p.record_risk, p.storming_risk
    storming_chance = np.empty(intensity.size)  # each run's chance at the campaign's pace
    for r in range(intensity.size):
        storming_chance[r] = accident_chance[r] * (1 + storming_risk[r] * intensity[r])
    on_record = np.zeros(draw.size, dtype=np.bool_)
    for k in attempts:
        on_record[k] = True
    struck = np.empty(draw.size, dtype=np.intp)
    n = 0
    for k in range(draw.size):
        if not employed[k]:
            continue
        r = run[k]
        risk = storming_chance[r] * (1 + wear_risk[r] * (1 - condition[section[k]]))
        if on_record[k]:
            risk *= 1 + record_risk[r]
        if draw[k] < risk:
            struck[n] = k
            n += 1
    return struck[:n]
