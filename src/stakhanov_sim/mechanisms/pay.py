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

from stakhanov_sim.scenario import Pay

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel


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
    upper = np.append(edges[1:], np.inf)
    norms_paid = np.zeros_like(fulfilment)
    for lo, hi, mult in zip(edges, upper, multipliers, strict=True):
        norms_paid += mult * np.clip(fulfilment - lo, 0.0, hi - lo)
    return norms_paid * norm_tons * rate


def pay(model: MineModel) -> None:
    """Set this shift's wage of every miner and add it to his earnings."""
    w, cfg = model.workforce, model.config.pay
    hewer_wage = w.by_section(w.wage_rubles)
    hewer_wage[:] = piece_wage(
        w.by_section(w.fulfilment), model.norm_tons[:, None], model.piece_rate[:, None], cfg
    )
    support = slice(w.n_hewer_slots, None)  # timbermen and haulers follow the hewers
    if cfg.support_pay == "time":
        w.wage_rubles[support] = cfg.support_time_rate_rubles
    else:
        hewers = np.maximum(w.by_section(w.employed).sum(axis=1), 1)
        mean_hewer = hewer_wage.sum(axis=1) / hewers
        w.wage_rubles[support] = cfg.support_share * mean_hewer[w.section[support]]
    w.wage_rubles *= w.employed
    w.earnings_rubles += w.wage_rubles
