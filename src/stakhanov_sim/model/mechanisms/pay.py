"""Pay: the progressive piece-rate, and the support trades' wages.

Output above the norm was paid at rising rates: under a schedule used at Metrostroi in 1933,
output at 100-110% of the norm was paid +25%, 110-125% +50%, and above 125% +100% (Neutatz;
about 70% of workers were on piece rates by 1933). So Stakhanovites' earnings reached
"dizzying heights" (seed text) while a norm revision, with its cut in the rate per ton,
made everyone else "produce more to earn the same". Timbermen and haulers were paid a time
rate or a share of their hewers' earnings; both existed, so it is a lever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.scenarios.schema import Pay

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel


def schedule(cfg: Pay) -> tuple[np.ndarray, np.ndarray]:
    """Band edges (in norms, starting at 0) and each band's multiplier of the base rate."""
    edges = np.array([0.0] + [b.above for b in cfg.progressive])
    multipliers = np.array([1.0] + [b.multiplier for b in cfg.progressive])
    return edges, multipliers


def piece_wage(
    fulfilment: np.ndarray, norm_tons: np.ndarray, rate: np.ndarray, cfg: Pay
) -> np.ndarray:
    """Rubles for a shift: tons in each band of fulfilment paid at that band's rate.

    Args:
        fulfilment: output / norm of each hewer.
        norm_tons: each hewer's norm (tons per shift), or anything that broadcasts to it.
        rate: base piece rate (rubles per ton), likewise.
    """
    edges, multipliers = schedule(cfg)
    flat = np.ascontiguousarray(fulfilment, dtype=float).ravel()
    norms_paid = np.empty_like(flat)
    _norm_equivalents_each(flat, edges, multipliers, norms_paid)
    return norms_paid.reshape(np.shape(fulfilment)) * norm_tons * rate


def pay(model: MineModel) -> None:
    """Set this shift's wage of every miner and add it to his earnings."""
    w, cfg = model.workforce, model.config.pay
    edges, multipliers = schedule(cfg)
    _pay(
        w.hewer(w.fulfilment), model.norm_tons, model.piece_rate, w.hewers, edges, multipliers,
        cfg.support_pay == "time", cfg.support_time_rate_rubles, cfg.support_share,
        w.employed, w.section, w.wage_rubles, w.earnings_rubles,
    )  # fmt: skip


@kernel
def _norm_equivalents(fulfilment, edges, multipliers):
    """Norms' worth of pay for one fulfilment: each band's part times its multiplier."""
    paid = 0.0
    for band in range(edges.size):
        width = edges[band + 1] - edges[band] if band + 1 < edges.size else np.inf
        paid += multipliers[band] * min(max(fulfilment - edges[band], 0.0), width)
    return paid


@kernel
def _norm_equivalents_each(fulfilment, edges, multipliers, out):
    """``_norm_equivalents`` of each fulfilment, into ``out``."""
    for k in range(fulfilment.size):
        out[k] = _norm_equivalents(fulfilment[k], edges, multipliers)


@kernel
def _pay(
    fulfilment, norm_tons, rate, hewers, edges, multipliers, time_rate_for_support,
    time_rate, support_share, employed, section, wage, earnings,
):  # fmt: skip
    """Hewers by the piece (see ``piece_wage``); timbermen and haulers by time or by share.

    Under the share rule a support worker gets ``support_share`` of the mean wage of his
    section's employed hewers. Vacant slots earn nothing.
    """
    sections = norm_tons.size
    mean_hewer = np.zeros(sections)
    for s in range(sections):
        total, working = 0.0, 0
        for k in range(s * hewers, (s + 1) * hewers):
            wage[k] = _norm_equivalents(fulfilment[k], edges, multipliers) * norm_tons[s] * rate[s]
            total += wage[k]
            working += employed[k]
        mean_hewer[s] = total / max(working, 1)
    for k in range(sections * hewers, wage.size):
        wage[k] = time_rate if time_rate_for_support else support_share * mean_hewer[section[k]]
    for k in range(wage.size):
        if not employed[k]:
            wage[k] = 0.0
        earnings[k] += wage[k]
