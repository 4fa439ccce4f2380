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

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("midpoint_weight", "max_raise", "rate_cut")


class Params(NamedTuple):
    rule: str  # "midpoint" or "fixed"
    fixed_raise: float
    midpoint_weight: np.ndarray  # each run's (``runs.varying``), as are the cap and the cut
    top_share: float
    max_raise: np.ndarray
    rate_cut: np.ndarray


def params(s: Scenario) -> Params:
    c = s.norms
    return Params(
        rule=c.rule,
        fixed_raise=c.fixed_raise,
        midpoint_weight=varying(c.midpoint_weight),
        top_share=c.top_share,
        max_raise=varying(c.max_raise),
        rate_cut=varying(c.rate_cut),
    )


def revise(w: Workforce, sections: Sections, p: Params, which: np.ndarray) -> np.ndarray:
    """Raise the norm of every section of the runs ``which`` (a mask over the batch's runs:
    those whose timeline revises now) and cut their piece rates; returns each run's mean
    raise (share; 0 in the others), each run's revision reading only its own hewers and
    sections (and its own ``midpoint_weight``, ``max_raise`` and ``rate_cut``)."""
    runs = w.runs
    per_run = w.sections // runs
    raised = np.zeros(runs)
    for run in np.flatnonzero(which).tolist():
        hewers = slice(run * w.hewers * per_run, (run + 1) * w.hewers * per_run)
        mine = slice(run * per_run, (run + 1) * per_run)
        norm_tons = sections.norm_tons[mine]
        if p.rule == "fixed":
            raise_share = p.fixed_raise
        else:
            reference = reference_output(
                w.ema_output[hewers], w.employed[hewers], w.stakhanovite[hewers], norm_tons,
                p.top_share,
            )  # fmt: skip
            raise_share = p.midpoint_weight[run] * (reference / norm_tons.mean() - 1)
        raised[run] = float(np.clip(raise_share, 0.0, p.max_raise[run]))
        sections.old_norm[mine] = norm_tons
        norm_tons *= 1 + raised[run]
        sections.revised_norm[mine] = norm_tons
        sections.piece_rate[mine] *= 1 - p.rate_cut[run]
    return raised


def reference_output(
    recent: np.ndarray,
    employed: np.ndarray,
    stakhanovite: np.ndarray,
    norm_tons: np.ndarray,
    top_share: float,
) -> float:
    """Tons a shift that the norm bureau compares a run's norms (``norm_tons``) with: its
    Stakhanovites' recent mean (``recent``: the hewers' recent output).

    With no Stakhanovites, the mean of the best ``top_share`` of employed hewers.
    """
    stakh = stakhanovite & employed
    if stakh.any():
        return float(recent[stakh].mean())
    best = np.sort(recent[employed])[::-1]
    if best.size == 0:
        return float(norm_tons.mean())
    return float(best[: max(1, int(top_share * best.size))].mean())
