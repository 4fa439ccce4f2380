"""Pay: the progressive piece-rate, and the support trades' wages.

Output above the norm was paid at rising rates, so Stakhanovites' earnings reached "dizzying
heights" (Siegelbaum, *Seventeen Moments*), while a norm revision, with its cut in the rate
per ton, made everyone else "produce more to earn the same" (TIME, 10 Feb 1936). No Donbas
hewers' schedule was found: the default bands are an assumption taken from the Metrostroi
schedule of 1933, a construction project (100-110% of the norm paid +25%, 110-125% +50%,
above 125% +100%; Neutatz 2001). Timbermen and haulers were paid a time
rate or a share of their hewers' earnings; both existed, so it is a lever.

Reads fulfilment and the sections' norms and rates; writes every miner's wage and earnings.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.workforce import HAULER, TIMBERMAN, Workforce
from stakhanov_sim.scenarios.schema import Scenario


class Params(NamedTuple):
    edges: np.ndarray  # band edges in norms, starting at 0
    multipliers: np.ndarray  # each band's multiplier of the base rate
    support_by_time: bool  # timbermen and haulers on a time rate (else a share)
    time_rate: float
    support_share: float


def params(s: Scenario) -> Params:
    c = s.pay
    return Params(
        edges=np.array([0.0] + [b.above for b in c.progressive]),
        multipliers=np.array([1.0] + [b.multiplier for b in c.progressive]),
        support_by_time=c.support_pay == "time",
        time_rate=c.support_time_rate_rubles,
        support_share=c.support_share,
    )


class Piecework(NamedTuple):
    """Hewers' ``(sections, hewers)`` views: what they are paid by, and what they are paid."""

    fulfilment: np.ndarray
    employed: np.ndarray
    wage_rubles: np.ndarray
    earnings_rubles: np.ndarray


class Crew(NamedTuple):
    """A support trade's ``(sections, slots)`` views (timbermen's or haulers')."""

    employed: np.ndarray
    wage_rubles: np.ndarray
    earnings_rubles: np.ndarray


def pay(w: Workforce, sections: Sections, p: Params) -> None:
    """Set this shift's wage of every miner and add it to his earnings."""
    _pay(
        tuple(w.views(Piecework)), tuple(w.views(Crew, TIMBERMAN)), tuple(w.views(Crew, HAULER)),
        sections.norm_tons, sections.piece_rate, tuple(p),
    )  # fmt: skip


@kernel
def norm_equivalents(fulfilment, edges, multipliers):
    """Norms' worth of pay for one fulfilment: each band's part times its multiplier.

    A hewer's wage is this times his norm (tons) times the piece rate (rubles per ton).
    """
    paid = 0.0
    for band in range(edges.size):
        width = edges[band + 1] - edges[band] if band + 1 < edges.size else np.inf
        paid += multipliers[band] * min(max(fulfilment - edges[band], 0.0), width)
    return paid


@kernel
def _pay(hewers, timbermen, haulers, norm_tons, rate, p):
    """Hewers by the piece; timbermen and haulers by time or by share; vacant slots nothing;
    each wage is added to the miner's earnings.

    Under the share rule a support worker gets ``support_share`` of the mean wage of his
    section's employed hewers.
    """
    hewers, p = Piecework(*hewers), Params(*p)  # records arrive as plain tuples (see compiled)
    timbermen, haulers = Crew(*timbermen), Crew(*haulers)
    fulfilment, hewers_in = hewers.fulfilment, hewers.employed  # arrays into locals (compiled)
    hewer_wage, hewer_earnings = hewers.wage_rubles, hewers.earnings_rubles
    timbermen_in, timber_wage, timber_earnings = (
        timbermen.employed, timbermen.wage_rubles, timbermen.earnings_rubles
    )  # fmt: skip
    haulers_in, hauler_wage, hauler_earnings = (
        haulers.employed, haulers.wage_rubles, haulers.earnings_rubles
    )  # fmt: skip
    sections, n_hewers = fulfilment.shape
    edges, multipliers = p.edges, p.multipliers
    for s in range(sections):
        total, working = 0.0, 0
        for j in range(n_hewers):
            wage = norm_equivalents(fulfilment[s, j], edges, multipliers) * norm_tons[s] * rate[s]
            hewer_wage[s, j] = wage if hewers_in[s, j] else 0.0
            hewer_earnings[s, j] += hewer_wage[s, j]
            total += wage
            working += hewers_in[s, j]
        support = p.time_rate if p.support_by_time else p.support_share * (total / max(working, 1))
        for j in range(timbermen_in.shape[1]):
            timber_wage[s, j] = support if timbermen_in[s, j] else 0.0
            timber_earnings[s, j] += timber_wage[s, j]
        for j in range(haulers_in.shape[1]):
            hauler_wage[s, j] = support if haulers_in[s, j] else 0.0
            hauler_earnings[s, j] += hauler_wage[s, j]
