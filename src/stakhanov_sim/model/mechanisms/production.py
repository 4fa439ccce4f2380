"""Production: what each hewer cuts this shift, and what leaves the face.

A hewer's output is his ordinary output (``production.base_output_tons``, about 5-7 t a
shift with a pneumatic pick in 1935) scaled by skill, effort, support from timbermen,
supplies, equipment, fatigue, harm from abuse, his foreman's experience and noise. A record
attempt replaces effort and support with going all out under special conditions: with them
a record shift reaches 10-15 norms (Stakhanov: 102 t against 7 t); without them, little
more than 1-2 norms. Campaign storming raises effort for a while and fatigue after it;
resentful workers restrict output (Roy 1952).

Hands on the tons each hewer intends to cut (before supplies), then the shift's ``Output``:
the mine's tons and each section's pace (its output over an ordinary shift's).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.staff import Staff
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = (
    "base_tons", "campaign_effort", "restriction", "foreman_effect", "conditions_multiplier",
    "storming_fatigue",
)  # fmt: skip


class Params(NamedTuple):
    base_tons: np.ndarray  # each run's (``runs.varying``), as is every array here
    campaign_effort: np.ndarray
    restriction: np.ndarray
    foreman_effect: np.ndarray
    fatigue_effect: float
    record_effort: float
    conditions_multiplier: np.ndarray
    helpers_per_record: float
    helper_elasticity: float
    noise_sigma: float
    broken_share: float
    fatigue_gain: float
    fatigue_recovery: float
    storming_fatigue: np.ndarray


def params(s: Scenario) -> Params:
    c, r = s.production, s.records
    return Params(
        base_tons=varying(c.base_output_tons),
        campaign_effort=varying(c.campaign_effort),
        restriction=varying(c.restriction),
        foreman_effect=varying(c.foreman_effect),
        fatigue_effect=c.fatigue_effect,
        record_effort=r.record_effort,
        conditions_multiplier=varying(r.special_conditions_multiplier),
        helpers_per_record=r.helpers_per_record,
        helper_elasticity=r.helper_elasticity,
        noise_sigma=c.noise_sigma,
        broken_share=s.equipment.broken_output_share,
        fatigue_gain=c.fatigue_gain,
        fatigue_recovery=c.fatigue_recovery,
        storming_fatigue=varying(c.storming_fatigue),
    )


class Hewers(NamedTuple):
    """Hewers' ``(sections, hewers)`` views that decide what they cut."""

    skill: np.ndarray
    eager: np.ndarray
    resentment: np.ndarray
    support: np.ndarray
    fatigue: np.ndarray
    harm: np.ndarray
    employed: np.ndarray
    helpers: np.ndarray


class Output(NamedTuple):
    """What left the face this shift."""

    tons: np.ndarray  # each run's output
    pace: np.ndarray  # per section, output over an ordinary shift's (``baseline_need``)


@kernel
def storming_effort(campaign_effort, intensity, eager):
    """A hewer's extra effort above the ordinary while the campaign storms: the one
    definition that his output (``_intended_output``) and his fatigue (``_tire``) share."""
    return campaign_effort * intensity * eager


def intended_output(
    stream: Stream,
    w: Workforce,
    foremen: Staff,
    intensity: np.ndarray,
    attempts: np.ndarray,
    p: Params,
) -> np.ndarray:
    """Tons each hewer would cut this shift with all the supplies he needs (``intensity``:
    the campaign's in each run)."""
    noise = stream.normal(w.n_hewer_slots // w.runs)  # lognormal with mean 1, in place
    noise *= p.noise_sigma
    noise -= p.noise_sigma**2 / 2
    np.exp(noise, out=noise)
    tons = np.empty((w.sections, w.hewers))
    _intended_output(
        tuple(w.views(Hewers)), foremen.experience, noise.reshape(w.sections, w.hewers),
        attempts, intensity[w.run_of_section], w.run_of_section, tuple(p), tons,
    )  # fmt: skip
    return tons


@kernel
def _intended_output(
    hewers, foreman_experience, noise, attempts, intensity, run_of_section, p, tons
):
    """Each hewer's tons (at least 0): an ordinary shift, or a record attempt.

    On an ordinary shift effort rises with the campaign and his eagerness and falls with his
    resentment, and support is what his timbermen leave him. A record attempt replaces both
    with going all out under special conditions, whose multiplier grows with the timbermen
    behind him (``records.helper_elasticity``: the later records' crews are not known); with
    ``special_conditions_multiplier`` 1 and no helpers it is an all-out shift on an ordinary
    face. An inexperienced foreman organises either worse.
    """
    hewers, p = Hewers(*hewers), Params(*p)  # records arrive as plain tuples (see compiled)
    # A record's arrays are read into locals once: reading them from the record in a loop
    # costs a reference count each time (three times slower).
    skill, eager, resentment, support = (
        hewers.skill,
        hewers.eager,
        hewers.resentment,
        hewers.support,
    )
    fatigue, harm, employed, helpers = hewers.fatigue, hewers.harm, hewers.employed, hewers.helpers
    base_tons, campaign_effort, multiplier = p.base_tons, p.campaign_effort, p.conditions_multiplier
    restriction, foreman_effect = p.restriction, p.foreman_effect
    sections, n_hewers = tons.shape
    for s in range(sections):
        run = run_of_section[s]
        organisation = 1 - foreman_effect[run] * (1 - foreman_experience[s])
        base, storming, restrict = base_tons[run], campaign_effort[run], restriction[run]
        for j in range(n_hewers):
            extra = storming_effort(storming, intensity[s], eager[s, j])
            effort = 1 + extra - restrict * resentment[s, j]
            cut = (
                base * skill[s, j] * effort * support[s, j] * organisation
                * noise[s, j] * (1 - p.fatigue_effect * fatigue[s, j]) * (1 - harm[s, j])
                * employed[s, j]
            )  # fmt: skip
            tons[s, j] = max(cut, 0.0)
    for k in attempts:
        s, j = k // n_hewers, k % n_hewers
        organisation = 1 - foreman_effect[run_of_section[s]] * (1 - foreman_experience[s])
        conditions = (
            multiplier[run_of_section[s]]
            * ((helpers[s, j] + 1) / (p.helpers_per_record + 1)) ** p.helper_elasticity
        )
        fresh = (1 - p.fatigue_effect * fatigue[s, j]) * (1 - harm[s, j])
        cut = (
            base_tons[run_of_section[s]]
            * skill[s, j]
            * p.record_effort
            * conditions
            * fresh
            * (organisation * noise[s, j])
        )
        tons[s, j] = max(cut, 0.0)


def realise(
    w: Workforce,
    sections: Sections,
    intended: np.ndarray,
    supply_factor: np.ndarray,
    technique: np.ndarray,
    p: Params,
) -> Output:
    """Output after supplies and breakdowns, fulfilment against each section's norm.

    ``technique`` (per run) multiplies every hewer's output without more supplies per ton: the
    concentration of mining on fewer, better-equipped faces (``mechanisms.methods``). The
    mine's output counts the coal of miners who quit at the shift's end.
    """
    pace, tons = np.empty(w.sections), np.zeros(w.runs)
    _realise(
        intended, technique[w.run_of_section], supply_factor, sections.broken, p.broken_share, sections.norm_tons,
        sections.baseline_need, w.by_section(w.output_tons), w.by_section(w.fulfilment), pace,
        w.run_of_section, tons,
    )  # fmt: skip
    return Output(tons, pace)


@kernel
def _realise(
    intended,
    technique,
    supply_factor,
    broken,
    broken_share,
    norm_tons,
    baseline_need,
    output,
    fulfilment,
    pace,
    run_of_section,
    mine,
):
    """Each hewer's output and fulfilment; each section's output against its ordinary need;
    each run's output (tons) added up in ``mine``."""
    sections, hewers = output.shape
    for s in range(sections):
        equipment = broken_share if broken[s] else 1.0
        total = 0.0
        for j in range(hewers):
            output[s, j] = intended[s, j] * technique[s] * supply_factor[s, j] * equipment
            fulfilment[s, j] = output[s, j] / norm_tons[s]
            total += output[s, j]
        pace[s] = total / baseline_need[s]
        mine[run_of_section[s]] += total


class Strain(NamedTuple):
    """Hewers' ``(sections, hewers)`` views that decide how tired they get."""

    fatigue: np.ndarray
    fulfilment: np.ndarray
    eager: np.ndarray
    employed: np.ndarray


def tire(w: Workforce, intensity: np.ndarray, p: Params) -> None:
    """Fatigue builds with every norm worked above one and with storming, and fades with rest.

    A hewer storms in proportion to the campaign's ``intensity`` (each run's) and his
    eagerness (``production.campaign_effort``), and storming tires him
    (``production.storming_fatigue``): in the ten-days of January 1936 output rose for five
    days and fell in the next five, "as it became impossible to maintain this speedup"
    (TIME, 10 Feb 1936).
    """
    _tire(tuple(w.views(Strain)), intensity, w.run_of_section, tuple(p))


@kernel
def _tire(h, intensity, run_of_section, p):
    """Fatigue from the norms worked above one and from storming (a vacancy storms not), then
    recovery, kept in 0..1. ``intensity`` is each run's."""
    h, p = Strain(*h), Params(*p)  # records arrive as plain tuples (see compiled)
    fatigue, fulfilment, eager, employed = h.fatigue, h.fulfilment, h.eager, h.employed
    gain, recovery = p.fatigue_gain, p.fatigue_recovery
    sections, hewers = fatigue.shape
    for s in range(sections):
        run = run_of_section[s]
        tiring, effort, push = p.storming_fatigue[run], p.campaign_effort[run], intensity[run]
        for j in range(hewers):
            storming = tiring * storming_effort(effort, push, eager[s, j]) * employed[s, j]
            strain = gain * max(fulfilment[s, j] - 1, 0.0) + storming
            tired = (fatigue[s, j] + strain) * (1 - recovery)
            fatigue[s, j] = min(max(tired, 0.0), 1.0)
