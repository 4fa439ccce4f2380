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

from stakhanov_sim.workforce import TIMBERMAN

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel


def put_forward(model: MineModel) -> None:
    """Foremen pick this shift's record attempts: one hewer per chosen section.

    A foreman is asked with a chance that grows with the campaign's intensity; he refuses when
    dragging his feet, and no record is tried on broken equipment. He picks the fittest,
    most eager hewer of his section. A staged record (31 Aug 1935) is always tried.
    """
    w, cfg = model.workforce, model.config.records
    asked = model.rng.random(w.sections) < cfg.attempt_rate * model.intensity
    asked &= ~model.broken & ~model.foremen.sabotaging
    if model.staged_record:  # the party organiser picks the best man in the whole mine
        asked[int(np.argmax(_fitness(model, np.arange(w.sections)).max(axis=1)))] = True
        model.staged_record = False
    rows = np.flatnonzero(asked)
    score = _fitness(model, rows)
    cols = score.argmax(axis=1) if rows.size else np.zeros(0, dtype=int)
    willing = score[np.arange(rows.size), cols] > 0
    model.attempt_slots = (rows * w.hewers + cols)[willing]


def _fitness(model: MineModel, rows: np.ndarray) -> np.ndarray:
    """How fit and eager each hewer of the given sections is for a record (0 if vacant)."""
    w = model.workforce
    return (
        w.by_section(w.skill)[rows] * w.by_section(w.eager)[rows]
        * (1 - w.by_section(w.fatigue)[rows]) * (1 - w.by_section(w.harm)[rows])
        * w.by_section(w.employed)[rows]
    )  # fmt: skip


def grant_special_conditions(model: MineModel) -> None:
    """Put each section's adopters of the new methods, best first, on special conditions.

    At most ``records.special_conditions_cap`` of a section's hewers can be favoured; a
    foreman dragging his feet favours nobody. Record attempts always get special conditions.
    """
    w, cfg = model.workforce, model.config.records
    cap = int(cfg.special_conditions_cap * w.hewers)
    wanted = w.hewer(w.adopted) & w.hewer(w.employed)
    wanted_by_section = wanted.reshape(w.sections, w.hewers)
    wanted_by_section &= ~model.foremen.sabotaging[:, None]
    over = np.flatnonzero(wanted_by_section.sum(axis=1) > cap)
    if over.size:
        merit = np.where(wanted_by_section[over], w.by_section(w.ema_fulfilment)[over], -np.inf)
        keep = np.zeros_like(merit, dtype=bool)
        if cap > 0:
            best = np.argpartition(-merit, cap - 1, axis=1)[:, :cap]
            np.put_along_axis(keep, best, True, axis=1)
        wanted_by_section[over] &= keep
    special = w.hewer(w.special)
    special[:] = wanted_by_section.ravel()
    special[model.attempt_slots] = True


def assign_helpers(model: MineModel) -> None:
    """Share each section's timbermen: record attempt first, then Stakhanovites, then the rest.

    Sets ``helpers`` (timbermen behind each favoured hewer) and ``support``: for a hewer on
    special conditions the gain from the division of labour, for an ordinary hewer the share
    of his output he keeps when fewer timbermen are left to prop his roof.
    """
    w, cfg = model.workforce, model.config.records
    available = w.by_section(w.employed, TIMBERMAN).sum(axis=1).astype(float)
    record_need = np.zeros(w.sections)
    record_sections = w.section[model.attempt_slots]
    record_need[record_sections] = model.record_helpers[model.mine_of_section[record_sections]]
    record_got = np.minimum(record_need, available)
    left = available - record_got
    special = w.by_section(w.special) & ~_attempt_mask(model)
    n_special = special.sum(axis=1)
    special_got = np.minimum(cfg.helpers_per_stakhanovite * n_special, left)
    left -= special_got
    per_special = np.divide(special_got, n_special, out=np.zeros(w.sections), where=n_special > 0)
    helpers = w.by_section(w.helpers)
    helpers[:] = np.where(special, per_special[:, None], 0.0)
    helpers.ravel()[model.attempt_slots] = record_got[record_sections]
    ordinary = w.by_section(w.employed) & ~w.by_section(w.special)
    n_ordinary = ordinary.sum(axis=1)
    ratio = np.divide(left, n_ordinary, out=np.zeros(w.sections), where=n_ordinary > 0)
    baseline = w.timbermen / w.hewers
    kept = np.minimum(1.0, ratio / baseline) if baseline > 0 else np.ones(w.sections)
    weight = model.config.production.support_weight
    ordinary_support = np.repeat(1 - weight * (1 - kept), w.hewers)
    full = cfg.helpers_per_stakhanovite
    covered = np.minimum(1.0, w.hewer(w.helpers) / full) if full > 0 else 1.0
    w.hewer(w.support)[:] = np.where(
        w.hewer(w.special), 1 + cfg.method_gain * covered, ordinary_support
    )
    model.helpers_diverted = (record_got + special_got) / np.maximum(available, 1.0)


def _attempt_mask(model: MineModel) -> np.ndarray:
    w = model.workforce
    mask = np.zeros(w.n_hewer_slots, dtype=bool)
    mask[model.attempt_slots] = True
    return mask.reshape(w.sections, w.hewers)


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
