"""Management: foremen's foot-dragging, the plan, and the scapegoats.

Foremen and engineers knew that "recordmania" and special conditions disrupted production
and supplies, and "on occasion 'sabotaged' the movement. At least that was the accusation
made against many who often served as scapegoats" (Siegelbaum, *Seventeen Moments*). The
December 1935 plenum spoke of managers hostile to the movement; from the autumn of 1936
engineers and foremen were tried as "wreckers" (Siegelbaum 1988, ch. 3; Conquest 2008).
Here a foreman whose section is disrupted may refuse special conditions and records; when
the mine misses its plan, the trust accuses some foremen and engineers (foremen who dragged
their feet more likely, but never only them, and none newly appointed: ``blame``); the
accused are removed and replaced by men with little experience. Engineers do not drag their
feet in this model. The plan itself ratchets: a year's plan is at least the last year's
reported output raised by ``management.plan_ratchet`` (Berliner 1957; the USSR's coal plan
for 1937 lay about a fifth above what 1936 had cut).

Writes the foremen's ``refusing`` and ``sabotage_count``, staff experience and the plan
period's and year's sums (``Campaign``); hands on the shift's foot-dragging acts and the
plan review's accused posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import special

from stakhanov_sim.model.campaign import Campaign
from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.mechanisms import blame
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import grown, varying
from stakhanov_sim.model.staff import Foremen, Staff
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("threshold", "sabotage_rate", "plan_growth", "scapegoating_rate")


class Params(NamedTuple):
    threshold: np.ndarray  # each run's disruption above which a foreman is tempted
    sabotage_rate: np.ndarray  # each run's (``runs.varying``), as is the plan's growth
    learning: float
    plan_per_hewer: float  # tons a shift in the first year
    plan_growth: np.ndarray
    plan_ratchet: float
    plan_check_shifts: int
    tolerance: float
    scapegoating_rate: np.ndarray  # each run's (``runs.varying``)
    shortfall_unit: float
    staff_unit: int
    sabotage_weight: float
    replacement_experience: float


def params(s: Scenario) -> Params:
    c = s.management
    return Params(
        threshold=varying(c.sabotage_threshold),
        sabotage_rate=varying(c.sabotage_rate),
        learning=c.learning_per_shift,
        plan_per_hewer=s.norms.initial_norm_tons * c.plan_factor,
        plan_growth=varying(c.plan_growth),
        plan_ratchet=c.plan_ratchet,
        plan_check_shifts=c.plan_check_shifts,
        tolerance=c.shortfall_tolerance,
        scapegoating_rate=varying(c.scapegoating_rate),
        shortfall_unit=c.shortfall_unit,
        staff_unit=c.staff_unit,
        sabotage_weight=c.sabotage_weight,
        replacement_experience=c.replacement_experience,
    )


class Review(NamedTuple):
    """A plan review's outcome (nobody accused between reviews)."""

    shortfall: np.ndarray  # each run's share of the period's plan missed (0 between reviews)
    accused_foremen: np.ndarray  # posts
    accused_engineers: np.ndarray  # posts


def drag_feet(
    stream: Stream,
    foremen: Foremen,
    diverted: np.ndarray,
    section_shortfall: np.ndarray,
    broken: np.ndarray,
    intensity: np.ndarray,
    p: Params,
    log: EventLog,
) -> np.ndarray:
    """Disrupted foremen decide whether to refuse records and special conditions next shift.

    ``intensity`` is each run's campaign. Returns the number who refuse in each run.
    """
    per_run = foremen.size // intensity.size
    draw = stream.uniform(per_run)
    acts, by_run = _drag_feet(
        diverted, section_shortfall, broken, draw, p.threshold, p.sabotage_rate, intensity,
        foremen.refusing, foremen.sabotage_count,
    )  # fmt: skip
    if acts.size:
        detail = "refused special conditions"
        log.add_many("sabotage", foremen.agent_id[acts], detail=detail, runs=acts // per_run)
    return by_run


@kernel
def _drag_feet(diverted, shortfall, broken, draw, threshold, rate, intensity, refusing, count):
    """Posts of the foremen who refuse this shift, each one tempted, with a chance; and how
    many in each run.

    A foreman is tempted during his run's campaign (``intensity`` above 0) when his
    section's disruption (timbermen diverted, supplies short, equipment broken) passes the
    threshold; ``threshold`` and ``rate`` are each run's.
    """
    acts = np.empty(draw.size, dtype=np.intp)
    by_run = np.zeros(intensity.size, dtype=np.int64)
    per_run = draw.size // intensity.size
    n = 0
    for s in range(draw.size):
        run = s // per_run
        disruption = diverted[s] + shortfall[s] + broken[s]
        refusing[s] = intensity[run] > 0 and disruption > threshold[run] and draw[s] < rate[run]
        if refusing[s]:
            count[s] += 1
            acts[n] = s
            by_run[s // per_run] += 1
            n += 1
    return acts[:n], by_run


def learn(foremen: Staff, engineers: Staff, p: Params) -> None:
    """New foremen and engineers gain experience on the job."""
    _gain_experience(foremen.experience, engineers.experience, p.learning)


@kernel
def _gain_experience(foremen, engineers, learning):
    """Both staffs' experience up by ``learning``, at most 1 (one call, not four NumPy ones)."""
    for experience in (foremen, engineers):
        for i in range(experience.size):
            experience[i] = min(experience[i] + learning, 1.0)


def plan_tons(
    first_day: dt.date,
    today: dt.date,
    hewer_slots: int,
    last_year_reported: np.ndarray,
    p: Params,
) -> np.ndarray:
    """The trust's plan for this shift in each run: hewer slots (a run's) x initial norm x plan
    factor, rising yearly (each run's growth), and at least last year's reported output raised
    by the ratchet."""
    years = today.year - first_day.year
    scheduled = p.plan_per_hewer * grown(p.plan_growth, years) * hewer_slots
    if p.plan_ratchet <= 0:  # no ratchet: the plan follows its schedule
        return np.full(last_year_reported.size, scheduled)
    return np.maximum(scheduled, (1 + p.plan_ratchet) * last_year_reported)


def close_the_year(
    campaign: Campaign, reported: np.ndarray, today: dt.date, tomorrow: dt.date
) -> None:
    """Add the shift's report to the year's; at the year's end the trust keeps its mean."""
    campaign.year_reported += reported
    campaign.year_shifts += 1
    if tomorrow.year != today.year:
        campaign.last_year_reported[:] = campaign.year_reported / campaign.year_shifts
        campaign.year_reported[:], campaign.year_shifts[:] = 0.0, 0


def review_plan(
    stream: Stream,
    campaign: Campaign,
    foremen: Foremen,
    engineers: Staff,
    shift: int,
    output: np.ndarray,
    reported: np.ndarray,
    plan: np.ndarray,
    p: Params,
    blame_rules: blame.Params,
) -> Review:
    """Every plan period, compare each run's reported output with its plan and accuse
    scapegoats (among those in post long enough, ``blame_rules``).

    At each review a run's stream gives one number for how many are accused and one per post
    for whom, whether or not anyone is, so that it keeps step across runs. The number
    accused is Poisson (by its inverse distribution function); the accused are drawn
    without replacement with weights (Efraimidis and Spirakis 2006: the largest
    ``log(u) / weight``).
    """
    campaign.period_output += output
    campaign.period_reported += reported
    campaign.period_plan += plan
    runs = output.size
    if (shift + 1) % p.plan_check_shifts:
        return Review(np.zeros(runs), blame.NOBODY, blame.NOBODY)
    n_foremen, n_engineers = foremen.size // runs, engineers.size // runs
    period_plan = campaign.period_plan
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        shortfall = np.where(period_plan > 0, 1 - campaign.period_reported / period_plan, 0.0)
    posts = n_foremen + n_engineers
    # Each run's numbers: one for how many, then one per post for whom (as ``random()`` then
    # ``random(posts)`` from its generator), every run's in one call.
    draws = stream.uniform(1 + posts).reshape(runs, 1 + posts)
    how_many = how_many_accused(draws[:, 0], shortfall, campaign.scapegoating, posts, p)
    accused_foremen, accused_engineers = [blame.NOBODY], [blame.NOBODY]
    for run in np.flatnonzero(how_many).tolist():  # (a run that accuses nobody has no one)
        mine = slice(run * n_foremen, (run + 1) * n_foremen)
        theirs = slice(run * n_engineers, (run + 1) * n_engineers)
        chosen = _scapegoats(
            draws[run, 1:], int(how_many[run]), foremen.appointed[mine],
            foremen.sabotage_count[mine], engineers.appointed[theirs], shift, p, blame_rules,
        )  # fmt: skip
        accused_foremen.append(chosen[chosen < n_foremen] + run * n_foremen)
        accused_engineers.append(chosen[chosen >= n_foremen] - n_foremen + run * n_engineers)
    campaign.period_output[:] = campaign.period_plan[:] = campaign.period_reported[:] = 0.0
    foremen.sabotage_count[:] = 0  # a new plan period: foot-dragging is counted afresh
    return Review(shortfall, np.concatenate(accused_foremen), np.concatenate(accused_engineers))


def how_many_accused(
    draw: np.ndarray, shortfall: np.ndarray, scapegoating: np.ndarray, posts: int, p: Params
) -> np.ndarray:
    """How many each run's review accuses: Poisson by its inverse distribution function at
    ``draw``, with a mean that grows with the shortfall, the blame and the staff (0 within
    the tolerance or without blame). One call of the inverse for every run."""
    blamed = (shortfall > p.tolerance) & (scapegoating > 0)
    expected = np.zeros(draw.size)
    expected[blamed] = (
        p.scapegoating_rate[blamed] * scapegoating[blamed] * (shortfall[blamed] / p.shortfall_unit)
    ) * (posts / p.staff_unit)
    blamed &= expected > 0
    n = np.zeros(draw.size, dtype=np.int64)
    if blamed.any():
        n[blamed] = poisson_quantile(draw[blamed], expected[blamed]).astype(np.int64)
    return n


def poisson_quantile(q: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The least count whose Poisson cumulative probability reaches ``q`` (0 <= q < 1).

    SciPy's ``stats.poisson.ppf`` to the bit, written with the two ``scipy.special``
    functions it calls: importing ``scipy.stats`` costs every worker process about half a
    second, for this one review.
    """
    count = np.ceil(special.pdtrik(q, mean))
    below = np.maximum(count - 1, 0)
    count = np.where(special.pdtr(below, mean) >= q, below, count)
    return np.where(q > 0, count, 0.0)  # SciPy gives -1 at q = 0; a count is at least 0


def _scapegoats(
    whom: np.ndarray,
    wanted: int,
    foremen_appointed: np.ndarray,
    sabotage_count: np.ndarray,
    engineers_appointed: np.ndarray,
    shift: int,
    p: Params,
    blame_rules: blame.Params,
) -> np.ndarray:
    """One run's accused posts (foremen, then engineers, numbered on), in order: ``wanted``
    of those who may be accused (fewer if fewer may), drawn with weights by ``whom``."""
    accusable = blame.accusable(foremen_appointed, engineers_appointed, shift, blame_rules)
    n = min(wanted, int(accusable.sum()))
    weight = 1 + p.sabotage_weight * np.concatenate(
        [sabotage_count > 0, np.zeros(engineers_appointed.size, dtype=bool)]
    )
    key = np.where(accusable, -np.log(whom) / weight, np.inf)
    return np.sort(np.argsort(key, kind="stable")[:n])


def remove_accused(
    accused: blame.Accused,
    foremen: Foremen,
    engineers: Staff,
    charge: np.ndarray,
    runs: int,
    appoint: Callable[[Staff, int, float], tuple[int, int, int]],
    p: Params,
    log: EventLog,
) -> np.ndarray:
    """The accused are removed and replaced (``appoint``: their run, old and new agent ids);
    how many in each run.

    The charge is the period's in the accused's run (``Campaign.charge``), or the post's
    usual one.
    """
    removed = np.zeros(runs, dtype=np.int64)
    if accused.foremen.size == 0 and accused.engineers.size == 0:  # (most shifts)
        return removed
    for staff, label, posts in (
        (foremen, "foreman", accused.foremen),
        (engineers, "engineer", accused.engineers),
    ):
        for post in posts.tolist():
            run, old, new = appoint(staff, post, p.replacement_experience)
            words = blame.charge_of(label, charge[run])
            detail = f"{label} accused of {words} ({accused.source}); {accused.reason(run)}"
            log.add("accusation", target=old, detail=detail, run=run)
            log.add(
                "removal", actor=new, target=old, detail=f"{label} removed and replaced", run=run
            )
            removed[run] += 1
    return removed
