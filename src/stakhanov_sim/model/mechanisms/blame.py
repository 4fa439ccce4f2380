"""Blame: who is accused, by whom, and of what.

Accusations came from above and from below. From above: the trust and the party blamed a
missed plan on foremen and engineers (``management.review_plan``), and after a fatal
accident they put engineers on trial, as the Kemerovo explosion of 23 Sep 1936 led to the
trial of its director and eight others for wrecking in November (Conquest 2008). From below:
Stakhanovites became informers against managers, party officials and engineers (Siegelbaum
1988), denouncing the foreman who refused them special conditions. The charge followed the
period: "sabotage of the Stakhanovite movement" after the December 1935 plenum, "wrecking"
from the autumn of 1936, "Trotskyist wrecking" after the Piatakov trial of January 1937
(the timeline's ``charge``). No more people can be accused than are in post: a man newly
appointed is spared for ``blame.grace_shifts`` shifts (assumption).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

ABOVE, ACCIDENT, BELOW = "plan", "accident", "denunciation"  # where an accusation came from
NOBODY = np.zeros(0, dtype=np.intp)
TRIED = "tried after a fatal accident"


# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("denunciation_rate", "trial_chance")


class Params(NamedTuple):
    denunciation_rate: np.ndarray  # each run's, as is the trial chance
    grace_shifts: int
    trial_chance: np.ndarray


def params(s: Scenario) -> Params:
    return Params(
        varying(s.blame.denunciation_rate), s.blame.grace_shifts, varying(s.accidents.trial_chance)
    )


class Informers(NamedTuple):
    """Hewers' ``(sections, hewers)`` views: the Stakhanovites at work in each section."""

    stakhanovite: np.ndarray
    employed: np.ndarray


class Accused(NamedTuple):
    """Posts whose holders are accused together, where the accusation came from, and why."""

    foremen: np.ndarray
    engineers: np.ndarray
    source: str  # ABOVE, ACCIDENT or BELOW
    why: str | list[str]  # the same in every run, or each run's

    @property
    def count(self) -> int:
        return int(self.foremen.size + self.engineers.size)

    def reason(self, run: int) -> str:
        """Why the accused of run ``run`` were accused."""
        return self.why if isinstance(self.why, str) else self.why[run]


def in_post_long_enough(appointed: np.ndarray, shift: int, p: Params) -> np.ndarray:
    """Posts whose holder has served his grace period (the first holders have)."""
    return appointed <= shift - p.grace_shifts


def accusable(foremen_appointed, engineers_appointed, shift: int, p: Params) -> np.ndarray:
    """Posts (foremen, then engineers) whose holders may be accused now."""
    return np.concatenate(
        [
            in_post_long_enough(foremen_appointed, shift, p),
            in_post_long_enough(engineers_appointed, shift, p),
        ]
    )


def from_the_plan(accused_foremen, accused_engineers, shortfall: np.ndarray) -> Accused:
    """The plan review's scapegoats, as an accusation from above (``shortfall``: each run's)."""
    anyone = accused_foremen.size or accused_engineers.size  # (the words only for someone)
    why = [f"plan missed by {missed:.0%}" for missed in shortfall.tolist()] if anyone else ""
    return Accused(accused_foremen, accused_engineers, ABOVE, why)


def denounced(
    stream: Stream,
    refusing: np.ndarray,
    w: Workforce,
    appointed: np.ndarray,
    shift: int,
    scapegoating: np.ndarray,
    p: Params,
) -> Accused:
    """Foremen's posts denounced from below this shift (``scapegoating``: each run's).

    A foreman who refuses special conditions while his section has Stakhanovites at work is
    denounced with a chance that grows with their number and with the blame the period
    allows, once his grace in post (``appointed``) is over. One draw per foreman every shift
    (common random numbers).
    """
    draw = stream.uniform(refusing.size // w.runs)
    rate = (scapegoating * p.denunciation_rate)[w.run_of_section]
    latest = shift - p.grace_shifts  # the last appointment already open to accusation
    posts = _denounced(draw, refusing, tuple(w.views(Informers)), appointed, latest, rate)
    return Accused(posts, NOBODY, BELOW, "denounced by a Stakhanovite he refused")


@kernel
def _denounced(draw, refusing, informers, appointed, latest, rate):
    """Posts of the denounced (the Stakhanovites are counted only where a foreman refuses)."""
    informers = Informers(*informers)  # a record arrives as a plain tuple (see compiled)
    stakhanovite, employed = informers.stakhanovite, informers.employed
    posts = np.empty(draw.size, dtype=np.intp)
    n = 0
    for s in range(draw.size):
        if not refusing[s] or appointed[s] > latest:
            continue
        stakhanovites = 0
        for j in range(stakhanovite.shape[1]):
            stakhanovites += stakhanovite[s, j] and employed[s, j]
        if draw[s] < 1.0 - (1.0 - rate[s]) ** stakhanovites:
            posts[n] = s
            n += 1
    return posts[:n]


def tried(
    stream: Stream,
    fatal_sections: np.ndarray,
    engineer_of_section: np.ndarray,
    appointed: np.ndarray,
    shift: int,
    scapegoating: np.ndarray,
    p: Params,
) -> Accused:
    """Engineers (in post long enough, ``appointed``) put on trial for this shift's fatal
    accidents (each at most once); ``scapegoating`` is each run's.

    One draw per engineer every shift (common random numbers).
    """
    runs = scapegoating.size
    draw = stream.uniform(appointed.size // runs)
    if fatal_sections.size == 0:  # (most shifts)
        return Accused(NOBODY, NOBODY, ACCIDENT, TRIED)
    accusable = in_post_long_enough(appointed, shift, p)
    chance = np.minimum(p.trial_chance * scapegoating, 1.0)
    engineers = np.unique(engineer_of_section[fatal_sections])
    run_of = engineers // (appointed.size // runs)
    posts = engineers[accusable[engineers] & (draw[engineers] < chance[run_of])]
    return Accused(NOBODY, posts, ACCIDENT, TRIED)


def charge_of(label: str, charge: str) -> str:
    """The words of an accusation: the period's charge, or the post's usual one."""
    if charge:
        return charge
    return "sabotage of the Stakhanovite movement" if label == "foreman" else "wrecking"
