"""The mass operations of 1937: arrests of ordinary miners.

NKVD Order 00447 of 30 Jul 1937, carried out from 5 Aug 1937 by troikas, set quotas for
former kulaks, criminals and other "anti-Soviet elements"; it was not aimed mainly at
managers, and many of its victims were ordinary workers and peasants (Getty and Naumov 2008,
pp. 473-480; Werth 2010). Donbas arrest counts for 1937-38 were not found: the rate,
``blame.arrests_per_year`` at the operation's intensity, is an assumption. An arrested miner
leaves the mine at once; his slot falls vacant like a quitter's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

NOBODY = np.zeros(0, dtype=np.intp)


class Params(NamedTuple):
    arrest_chance: float  # per miner-shift at intensity 1


def params(s: Scenario, shifts_per_year: float) -> Params:
    return Params(s.blame.arrests_per_year / max(shifts_per_year, 1.0))


def arrests(stream: Stream, w: Workforce, intensity: np.ndarray, p: Params) -> np.ndarray:
    """Slots of the miners arrested this shift (one draw per slot every shift); ``intensity``
    is each run's mass operation."""
    chance = p.arrest_chance * intensity
    draw = stream.uniform_slots_where(chance > 0)
    if draw is None:  # no operation under way: nobody is arrested, the streams keep step
        return NOBODY
    return _arrested(draw, w.employed, w.run, chance)


def take(w: Workforce, arrested: np.ndarray, log: EventLog) -> np.ndarray:
    """The arrested leave the mine: their slots fall vacant (returned), the arrests logged."""
    if arrested.size:
        detail = "arrested in the mass operations (NKVD Order 00447)"
        log.add_many("arrest", w.agent_id[arrested], detail=detail, runs=w.run[arrested])
        w.vacate(arrested)
    return arrested


@kernel
def _arrested(draw, employed, run, chance):
    slots = np.empty(draw.size, dtype=np.intp)
    n = 0
    for k in range(draw.size):
        if employed[k] and draw[k] < chance[run[k]]:
            slots[n] = k
            n += 1
    return slots[:n]
