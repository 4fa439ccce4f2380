"""Norms: the ratchet.

Stalin (17 Nov 1935) told the conference that new norms should lie "somewhere in the middle"
between existing norms and the records; the December 1935 plenum ordered a revision and
norms were raised in spring 1936, with piece rates cut (Siegelbaum 1988, ch. 3; the size of
the coal revision is not confirmed: docs/sources.md). Targets set from current performance
make high output today a tougher target tomorrow (Weitzman 1980): the model's
``rule: midpoint`` sets the new norm between the old one and what the mine's Stakhanovites
actually cut. What happens to the raised norms afterwards is a bargain (``bargain``).

Writes the sections' ``norm_tons``, ``piece_rate`` and the norms before and after the
revision; called by the norm-revision event.
"""

from __future__ import annotations

import numpy as np

from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Norms


def revise(w: Workforce, sections: Sections, cfg: Norms) -> float:
    """Raise every section's norm and cut the piece rate; returns the mean raise (share)."""
    if cfg.rule == "fixed":
        raise_share = cfg.fixed_raise
    else:
        reference = reference_output(w, sections, cfg.top_share)
        raise_share = cfg.midpoint_weight * (reference / sections.norm_tons.mean() - 1)
    raise_share = float(np.clip(raise_share, 0.0, cfg.max_raise))
    sections.old_norm[:] = sections.norm_tons
    sections.norm_tons *= 1 + raise_share
    sections.revised_norm[:] = sections.norm_tons
    sections.piece_rate *= 1 - cfg.rate_cut
    return raise_share


def reference_output(w: Workforce, sections: Sections, top_share: float) -> float:
    """Tons a shift that the norm bureau compares norms with: Stakhanovites' recent mean.

    With no Stakhanovites, the mean of the best ``top_share`` of employed hewers.
    """
    recent = w.hewer(w.ema_output)
    employed = w.hewer(w.employed)
    stakh = w.hewer(w.stakhanovite) & employed
    if stakh.any():
        return float(recent[stakh].mean())
    best = np.sort(recent[employed])[::-1]
    if best.size == 0:
        return float(sections.norm_tons.mean())
    return float(best[: max(1, int(top_share * best.size))].mean())
