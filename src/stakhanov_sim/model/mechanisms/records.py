"""Record attempts and special conditions: what made 102 tons possible, and for whom.

On the night of 30-31 Aug 1935 Stakhanov cut 102 t against a 7 t norm because others did
the rest: two timbermen (Shchigolev, Borisenko) propped the roof behind him, the section
chief and the party organiser prepared and lit the face, and picks, compressors and
haulage were checked. Soon foremen put other hewers forward and the records climbed (115 t,
125 t, 151 t, 175 t, then Izotov's 240 t on 11 Sep and 607 t on 1 Feb 1936: Annales 1936;
GSE "Izotov"). The sources do not say how many timbermen stood behind the later records:
that each attempt gets more of them is an assumption. Foremen kept their Stakhanovites
on special conditions: a dedicated timberman and supplies first (Siegelbaum 1988). Those
helpers and supplies were taken from everyone else: this module decides who gets them.

Reads the campaign's intensity and staged record, the sections' equipment and the foremen's
refusals; writes the hewers' special conditions, helpers and support, and the mines' records
(``Campaign.best_fulfilment``, ``record_helpers``). Hands on this shift's attempts (slots)
and each section's share of timbermen diverted.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.campaign import Campaign
from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.staff import Staff
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import TIMBERMAN, Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("attempt_rate", "cap", "race_decay", "helper_escalation")


class Params(NamedTuple):
    attempt_rate: np.ndarray  # each run's (``runs.varying``), as is the race's decay
    cap: np.ndarray  # each run's hewers a section may favour with special conditions
    per_stakhanovite: float
    support_weight: float
    method_gain: float
    max_helpers: float
    helper_escalation: np.ndarray  # each run's (``runs.varying``)
    race_decay: np.ndarray


def params(s: Scenario) -> Params:
    r = s.records
    return Params(
        attempt_rate=varying(r.attempt_rate),
        cap=np.array([int(r.special_conditions_cap * s.mine.hewers_per_section)]),
        per_stakhanovite=r.helpers_per_stakhanovite,
        support_weight=s.production.support_weight,
        method_gain=r.method_gain,
        max_helpers=r.max_helpers,
        helper_escalation=varying(r.helper_escalation),
        race_decay=varying(r.race_decay),
    )


class Candidates(NamedTuple):
    """Hewers' ``(sections, hewers)`` views that a foreman weighs when he picks a man."""

    skill: np.ndarray
    eager: np.ndarray
    fatigue: np.ndarray
    harm: np.ndarray
    employed: np.ndarray


def put_forward(
    stream: Stream,
    w: Workforce,
    sections: Sections,
    foremen: Staff,
    campaign: Campaign,
    p: Params,
) -> np.ndarray:
    """Foremen pick this shift's record attempts: one hewer per chosen section; their slots.

    A foreman is asked with a chance that grows with the campaign's intensity, or with the
    publicity of the last record while it lasts (the race of Sept 1935); he refuses when
    dragging his feet, and no record is tried on broken equipment. He picks the fittest,
    most eager hewer of his section. A staged record (31 Aug 1935) is always tried: the party
    organiser picks the best man in the whole mine (and the staged record is then done).
    """
    attempts = _put_forward(
        stream.uniform(w.sections // w.runs), p.attempt_rate, campaign.intensity, campaign.race,
        sections.broken, foremen.refusing, campaign.staged_record, tuple(w.views(Candidates)),
    )  # fmt: skip
    campaign.staged_record[:] = False
    campaign.race *= 1 - p.race_decay
    return attempts


def stock_the_attempts(supply_factor: np.ndarray, attempts: np.ndarray) -> None:
    """A record attempt gets all the supplies it needs: the mine's stocks are brought to it.

    ``supply_factor`` is the ``(sections, hewers)`` share of need each hewer got; the record's
    need already counted against his section's delivery, so his workmates got less.
    """
    supply_factor.ravel()[attempts] = 1.0


@kernel
def _put_forward(draw, rate, intensity, race, broken, refusing, staged, hewers):
    """The slots of this shift's record attempts, by section: a foreman is asked when his
    ``draw`` is below his run's ``rate`` x its pressure (its campaign's intensity or its
    record race, whichever is higher); ``staged``: per run, whether its staged record is due."""
    hewers = Candidates(*hewers)  # a record arrives as a plain tuple (see compiled)
    n_hewers = hewers.skill.shape[1]
    per_run = draw.size // staged.size
    chosen = np.empty(draw.size, dtype=np.bool_)
    for s in range(draw.size):
        run = s // per_run
        chance = rate[run] * max(intensity[run], race[run])
        chosen[s] = draw[s] < chance and not broken[s] and not refusing[s]
    for run in range(staged.size):
        if not staged[run]:  # only then is every section's best man needed
            continue
        best_score, best_section = -np.inf, run * per_run
        for s in range(run * per_run, (run + 1) * per_run):
            _, score = _fittest(s, hewers)
            if score > best_score:
                best_score, best_section = score, s
        chosen[best_section] = True
    attempts = np.empty(draw.size, dtype=np.intp)
    n = 0
    for s in np.flatnonzero(chosen):
        j, score = _fittest(s, hewers)
        if score > 0:
            attempts[n] = s * n_hewers + j
            n += 1
    return attempts[:n]


@kernel
def _fittest(s, hewers):
    """The section's first hewer (column) with the highest skill x eagerness x freshness."""
    skill, eager, fatigue = hewers.skill[s], hewers.eager[s], hewers.fatigue[s]
    harm, employed = hewers.harm[s], hewers.employed[s]  # rows into locals (see production)
    best, best_score = 0, -np.inf
    for j in range(skill.size):
        score = skill[j] * eager[j] * (1 - fatigue[j]) * (1 - harm[j]) * employed[j]
        if score > best_score:
            best, best_score = j, score
    return best, best_score


def grant_special_conditions(w: Workforce, foremen: Staff, attempts: np.ndarray, p: Params) -> None:
    """Put each section's adopters of the new methods, best first, on special conditions.

    At most ``records.special_conditions_cap`` of a section's hewers can be favoured; a
    foreman dragging his feet favours nobody. Record attempts always get special conditions.
    """
    _favour(
        w.by_section(w.adopted), w.by_section(w.employed), w.by_section(w.ema_fulfilment),
        foremen.refusing, p.cap, w.run_of_section, attempts, w.by_section(w.special),
    )  # fmt: skip


@kernel
def _favour(adopted, employed, merit, refusing, caps, run_of_section, attempts, special):
    """Per section, the ``cap`` employed adopters with the best recent fulfilment (``caps``:
    each run's), and every record attempt (hewer slots).

    Ties go to the lower slot, so the choice does not depend on how a sort breaks them. One
    pass over the section keeps the best so far in order (``best``): a candidate enters only
    if he beats the last kept, behind any of equal merit (the lower slots), which in a
    section of random merits is a few dozen steps where picking the best ``cap`` times over
    took ``cap`` passes (benchmarks/README.md, round 17).
    """
    sections, hewers = adopted.shape
    best = np.empty(max(hewers, 1), dtype=np.intp)  # a cap is at most the section's hewers
    for s in range(sections):
        cap = caps[run_of_section[s]]
        wanted = 0
        for j in range(hewers):
            special[s, j] = adopted[s, j] and employed[s, j] and not refusing[s]
            wanted += special[s, j]
        if wanted <= cap:
            continue
        if cap <= 0:
            special[s, :] = False
            continue
        kept = 0
        for j in range(hewers):
            if not special[s, j]:
                continue
            if kept == cap and not merit[s, j] > merit[s, best[kept - 1]]:
                continue  # (no better than the last kept: equals keep their lower slot)
            i = min(kept, cap - 1)  # where he goes: behind every kept man at least as good
            while i > 0 and merit[s, j] > merit[s, best[i - 1]]:
                best[i] = best[i - 1]
                i -= 1
            best[i] = j
            kept = min(kept + 1, cap)
        special[s, :] = False
        for k in range(cap):
            special[s, best[k]] = True
    for slot in attempts:
        special[slot // hewers, slot % hewers] = True


def assign_helpers(
    w: Workforce, sections: Sections, campaign: Campaign, attempts: np.ndarray, p: Params
) -> np.ndarray:
    """Share each section's timbermen: record attempt first, then Stakhanovites, then the rest.

    Sets ``helpers`` (timbermen behind each favoured hewer) and ``support``: for a hewer on
    special conditions the gain from the division of labour, for an ordinary hewer the share
    of his output he keeps when fewer timbermen are left to prop his roof.

    Returns:
        per section, the share of its timbermen diverted to records and special conditions.
    """
    diverted = np.empty(w.sections)
    _assign_helpers(
        w.by_section(w.employed), w.by_section(w.special), w.by_section(w.employed, TIMBERMAN),
        attempts, campaign.record_helpers, sections.mine_of_section, tuple(p),
        w.by_section(w.helpers), w.by_section(w.support), diverted,
    )  # fmt: skip
    return diverted


@kernel
def _assign_helpers(
    employed, special, timbermen, attempts, record_helpers, mine_of_section, p, helpers,
    support, diverted,
):  # fmt: skip
    """Per section: the record's timbermen, the favoured hewers', what is left for the rest.

    Arrays are ``(sections, slots)`` views; ``attempts`` are the record attempts' hewer slots
    and ``record_helpers`` the timbermen each mine now gives a record.
    """
    p = Params(*p)  # a record arrives as a plain tuple (see compiled)
    sections, hewers = employed.shape
    baseline = timbermen.shape[1] / hewers
    attempt_col = np.full(sections, -1)  # the hewer column of each section's attempt, if any
    for slot in attempts:
        attempt_col[slot // hewers] = slot % hewers
    for s in range(sections):
        record_need = record_helpers[mine_of_section[s]]
        available = 0.0
        for j in range(timbermen.shape[1]):
            available += timbermen[s, j]
        record_col = attempt_col[s]
        record_got = min(record_need, available) if record_col >= 0 else 0.0
        left = available - record_got
        n_special = n_ordinary = 0
        for j in range(hewers):
            if special[s, j] and j != record_col:
                n_special += 1
            elif employed[s, j] and not special[s, j]:
                n_ordinary += 1
        special_got = min(p.per_stakhanovite * n_special, left)
        left -= special_got
        per_special = special_got / n_special if n_special > 0 else 0.0
        ratio = left / n_ordinary if n_ordinary > 0 else 0.0
        kept = min(1.0, ratio / baseline) if baseline > 0 else 1.0
        ordinary_support = 1 - p.support_weight * (1 - kept)
        for j in range(hewers):
            if j == record_col:
                helpers[s, j] = record_got
            elif special[s, j]:
                helpers[s, j] = per_special
            else:
                helpers[s, j] = 0.0
            if special[s, j]:
                per = p.per_stakhanovite
                covered = min(1.0, helpers[s, j] / per) if per > 0 else 1.0
                support[s, j] = 1 + p.method_gain * covered
            else:
                support[s, j] = ordinary_support
        diverted[s] = (record_got + special_got) / max(available, 1.0)


def register_records(
    w: Workforce,
    sections: Sections,
    campaign: Campaign,
    attempts: np.ndarray,
    p: Params,
    log: EventLog,
) -> np.ndarray:
    """Log attempts that beat their mine's best; every attempt escalates the next one's helpers.

    Returns the number of new records in each run.
    """
    new = np.zeros(w.runs, dtype=np.int64)
    for slot in attempts.tolist():
        mine = sections.mine_of_section[w.section[slot]]
        run = int(w.run[slot])
        fulfilment = float(w.fulfilment[slot])
        campaign.record_helpers[mine] = min(
            p.max_helpers, campaign.record_helpers[mine] + p.helper_escalation[run]
        )
        if fulfilment <= campaign.best_fulfilment[mine]:
            continue
        campaign.best_fulfilment[mine] = fulfilment
        campaign.race[run] = 1.0
        new[run] += 1
        team = f"{w.helpers[slot]:.0f} timbermen, all the coal credited to him"
        detail = f"cut {w.output_tons[slot]:.0f} t, {fulfilment:.1f} norms, {team}"
        log.add("record", actor=int(w.agent_id[slot]), detail=detail, run=run)
    return new
