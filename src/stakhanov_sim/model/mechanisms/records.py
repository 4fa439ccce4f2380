"""Record attempts and special conditions: what made 102 tons possible, and for whom.

On the night of 30-31 Aug 1935 Stakhanov cut 102 t against a 7 t norm because others did
the rest: two timbermen (Shchigolev, Borisenko) propped the roof behind him, the section
chief and the party organiser prepared and lit the face, and picks, compressors and
haulage were checked. Soon foremen put other hewers forward, each record with more
timbermen behind it (Izotov: about 600 t "with 12 timbermen"), and kept their Stakhanovites
on special conditions: a dedicated timberman and supplies first (Siegelbaum 1988). Those
helpers and supplies were taken from everyone else: this module decides who gets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.workforce import TIMBERMAN

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel


def put_forward(model: MineModel) -> None:
    """Foremen pick this shift's record attempts: one hewer per chosen section.

    A foreman is asked with a chance that grows with the campaign's intensity; he refuses when
    dragging his feet, and no record is tried on broken equipment. He picks the fittest,
    most eager hewer of his section. A staged record (31 Aug 1935) is always tried: the party
    organiser picks the best man in the whole mine.
    """
    w, cfg = model.workforce, model.config.records
    h = w.hewer
    draw = model.rng.random(w.sections)
    model.attempt_slots = _put_forward(
        draw < cfg.attempt_rate * model.intensity, model.broken, model.foremen.sabotaging,
        model.staged_record, h(w.skill), h(w.eager), h(w.fatigue), h(w.harm), h(w.employed),
        w.hewers,
    )  # fmt: skip
    model.staged_record = False


@kernel
def _put_forward(asked, broken, sabotaging, staged, skill, eager, fatigue, harm, employed, hewers):
    """The slots of this shift's record attempts, by section."""
    chosen = asked & ~broken & ~sabotaging
    if staged:  # only then is every section's best man needed
        best_score, best_section = -np.inf, 0
        for s in range(asked.size):
            _, score = _fittest(s, skill, eager, fatigue, harm, employed, hewers)
            if score > best_score:
                best_score, best_section = score, s
        chosen[best_section] = True
    attempts = np.empty(asked.size, dtype=np.intp)
    n = 0
    for s in np.flatnonzero(chosen):
        slot, score = _fittest(s, skill, eager, fatigue, harm, employed, hewers)
        if score > 0:
            attempts[n] = slot
            n += 1
    return attempts[:n]


@kernel
def _fittest(section, skill, eager, fatigue, harm, employed, hewers):
    """The section's first hewer with the highest skill x eagerness x freshness (0 if vacant)."""
    best, best_score = section * hewers, -np.inf
    for k in range(section * hewers, (section + 1) * hewers):
        score = skill[k] * eager[k] * (1 - fatigue[k]) * (1 - harm[k]) * employed[k]
        if score > best_score:
            best, best_score = k, score
    return best, best_score


def grant_special_conditions(model: MineModel) -> None:
    """Put each section's adopters of the new methods, best first, on special conditions.

    At most ``records.special_conditions_cap`` of a section's hewers can be favoured; a
    foreman dragging his feet favours nobody. Record attempts always get special conditions.
    """
    w, cfg = model.workforce, model.config.records
    special = w.by_section(w.special)
    _favour(
        w.by_section(w.adopted), w.by_section(w.employed), w.by_section(w.ema_fulfilment),
        model.foremen.sabotaging, int(cfg.special_conditions_cap * w.hewers), special,
    )  # fmt: skip
    special.ravel()[model.attempt_slots] = True


@kernel
def _favour(adopted, employed, merit, sabotaging, cap, special):
    """Per section, the ``cap`` employed adopters with the best recent fulfilment.

    Ties go to the lower slot, so the choice does not depend on how a sort breaks them.
    """
    sections, hewers = adopted.shape
    for s in range(sections):
        wanted = 0
        for j in range(hewers):
            special[s, j] = adopted[s, j] and employed[s, j] and not sabotaging[s]
            wanted += special[s, j]
        while wanted > cap:  # drop the worst (the last of equals) until the cap is met
            worst = -1
            for j in range(hewers):
                if special[s, j] and (worst < 0 or merit[s, j] <= merit[s, worst]):
                    worst = j
            special[s, worst] = False
            wanted -= 1


def assign_helpers(model: MineModel) -> None:
    """Share each section's timbermen: record attempt first, then Stakhanovites, then the rest.

    Sets ``helpers`` (timbermen behind each favoured hewer) and ``support``: for a hewer on
    special conditions the gain from the division of labour, for an ordinary hewer the share
    of his output he keeps when fewer timbermen are left to prop his roof.
    """
    w, cfg = model.workforce, model.config.records
    attempt = np.full(w.sections, -1)  # the slot of each section's record attempt, if any
    attempt[w.section[model.attempt_slots]] = model.attempt_slots
    model.helpers_diverted = np.empty(w.sections)
    _assign_helpers(
        w.by_section(w.employed), w.by_section(w.special), w.by_section(w.employed, TIMBERMAN),
        attempt, model.record_helpers[model.mine_of_section], cfg.helpers_per_stakhanovite,
        model.config.production.support_weight, cfg.method_gain,
        w.by_section(w.helpers), w.by_section(w.support), model.helpers_diverted,
    )  # fmt: skip


@kernel
def _assign_helpers(
    employed, special, timbermen, attempt, record_need, per_stakhanovite, support_weight,
    method_gain, helpers, support, diverted,
):  # fmt: skip
    """Per section: the record's timbermen, the favoured hewers', what is left for the rest.

    Arrays are ``(sections, slots)`` views; ``attempt`` is each section's attempt slot (-1
    for none) and ``record_need`` the timbermen its mine now gives a record.
    """
    sections, hewers = employed.shape
    baseline = timbermen.shape[1] / hewers
    for s in range(sections):
        available = 0.0
        for j in range(timbermen.shape[1]):
            available += timbermen[s, j]
        record_col = attempt[s] - s * hewers if attempt[s] >= 0 else -1
        record_got = min(record_need[s], available) if record_col >= 0 else 0.0
        left = available - record_got
        n_special = n_ordinary = 0
        for j in range(hewers):
            if special[s, j] and j != record_col:
                n_special += 1
            elif employed[s, j] and not special[s, j]:
                n_ordinary += 1
        special_got = min(per_stakhanovite * n_special, left)
        left -= special_got
        per_special = special_got / n_special if n_special > 0 else 0.0
        ratio = left / n_ordinary if n_ordinary > 0 else 0.0
        kept = min(1.0, ratio / baseline) if baseline > 0 else 1.0
        ordinary_support = 1 - support_weight * (1 - kept)
        for j in range(hewers):
            if j == record_col:
                helpers[s, j] = record_got
            elif special[s, j]:
                helpers[s, j] = per_special
            else:
                helpers[s, j] = 0.0
            if special[s, j]:
                covered = (
                    min(1.0, helpers[s, j] / per_stakhanovite) if per_stakhanovite > 0 else 1.0
                )
                support[s, j] = 1 + method_gain * covered
            else:
                support[s, j] = ordinary_support
        diverted[s] = (record_got + special_got) / max(available, 1.0)


def register_records(model: MineModel) -> None:
    """Log attempts that beat their mine's best; every attempt escalates the next one's helpers."""
    w, cfg = model.workforce, model.config.records
    for slot in model.attempt_slots:
        mine = model.mine_of_section[w.section[slot]]
        fulfilment = float(w.fulfilment[slot])
        model.record_helpers[mine] = min(
            cfg.max_helpers, model.record_helpers[mine] + cfg.helper_escalation
        )
        if fulfilment <= model.best_fulfilment[mine]:
            continue
        model.best_fulfilment[mine] = fulfilment
        model.records_this_shift += 1
        detail = f"cut {w.output_tons[slot]:.0f} t, {fulfilment:.1f} norms, {w.helpers[slot]:.0f} timbermen"
        model.log("record", actor=int(w.agent_id[slot]), detail=detail)
