"""Norms: the ratchet.

Stalin (17 Nov 1935) told the conference that new norms should lie "somewhere in the middle"
between existing norms and the records; the December 1935 plenum ordered a revision and
norms were raised in early 1936, with piece rates cut (machine building 1939: norms +31.7%,
rates -15.7%). Targets set from current performance make high output today a tougher target
tomorrow (Weitzman 1980): the model's ``rule: midpoint`` sets the new norm between the old
one and what the mine's Stakhanovites actually cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

TOP_SHARE = 0.1  # with no Stakhanovites, the midpoint rule looks at the best tenth of hewers


def revise(model: MineModel) -> float:
    """Raise every section's norm and cut the piece rate; returns the mean raise (share)."""
    cfg = model.config.norms
    if cfg.rule == "fixed":
        raise_share = cfg.fixed_raise
    else:
        raise_share = cfg.midpoint_weight * (reference_output(model) / model.norm_tons.mean() - 1)
    raise_share = float(np.clip(raise_share, 0.0, cfg.max_raise))
    model.norm_tons *= 1 + raise_share
    model.piece_rate *= 1 - cfg.rate_cut
    model.norm_raise_today = raise_share
    return raise_share


def reference_output(model: MineModel) -> float:
    """Tons a shift that the norm bureau compares norms with: Stakhanovites' recent mean."""
    w = model.workforce
    recent = w.hewer(w.ema_output)
    employed = w.hewer(w.employed)
    stakh = w.hewer(w.stakhanovite) & employed
    if stakh.any():
        return float(recent[stakh].mean())
    best = np.sort(recent[employed])[::-1]
    if best.size == 0:
        return float(model.norm_tons.mean())
    return float(best[: max(1, int(TOP_SHARE * best.size))].mean())
