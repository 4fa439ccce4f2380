"""Recognition: the Stakhanovite title, its rewards, and the spread of the new methods.

The title went to workers who set records or steadily beat their norms, with bonuses,
flats, goods and publicity (press of 1935-36). Publicity and workmates' example spread the
new methods: Stakhanovites in heavy industry grew 4.7-fold between 20 Oct and 1 Dec 1935,
and by Aug 1936 "upward of 40%" of workers in extraction were so designated. Here a hewer
takes up the methods (asks for a timberman and special conditions) with a chance that grows
with campaign intensity, his eagerness and the share of his workmates who already have; he
earns the title when, working the new way, his recent fulfilment passes a threshold, and
loses it below another.

Writes hewers' moving averages, titles, adoption and bonus; hands on the new titles per
section (workmates resent them).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.network import Network, Tally
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("title_threshold", "keep_threshold", "bonus", "broadcast", "publicity")


class Params(NamedTuple):
    alpha: float  # weight of this shift in the moving averages
    title_threshold: np.ndarray  # each run's (``runs.varying``), as is every array here
    keep_threshold: np.ndarray
    bonus: np.ndarray
    broadcast: np.ndarray
    publicity: np.ndarray


def params(s: Scenario) -> Params:
    c = s.recognition
    return Params(
        alpha=2.0 / (c.window_shifts + 1),  # the EMA whose centre of mass is the window's
        title_threshold=varying(c.title_threshold),
        keep_threshold=varying(c.keep_threshold),
        bonus=varying(c.bonus_rubles),
        broadcast=varying(c.broadcast),
        publicity=varying(c.publicity),
    )


class Standing(NamedTuple):
    """Hewers' ``(sections, hewers)`` views of their record at work and their title."""

    ema_fulfilment: np.ndarray
    ema_output: np.ndarray
    fulfilment: np.ndarray
    output_tons: np.ndarray
    stakhanovite: np.ndarray
    employed: np.ndarray
    adopted: np.ndarray
    title_since: np.ndarray
    earnings_rubles: np.ndarray


def update_titles(
    w: Workforce,
    attempts: np.ndarray,
    intensity: np.ndarray,
    shift: int,
    p: Params,
    log: EventLog,
) -> np.ndarray:
    """Average recent fulfilment; confer and withdraw titles; pay the bonus; log both.

    ``intensity`` is each run's campaign. Returns the new titles in each section.
    """
    campaign_on = (intensity > 0)[w.run_of_section]  # the title did not exist before
    new, lost, per_section = _titles(
        tuple(w.views(Standing)), attempts, campaign_on, w.run_of_section, shift, tuple(p)
    )
    if new.size:
        log.add_many("title", w.agent_id[new], detail="Stakhanovite title", runs=w.run[new])
    if lost.size:
        log.add_many("title lost", w.agent_id[lost], detail="fell below the norm", runs=w.run[lost])
    return per_section


@kernel
def _titles(h, attempts, campaign_on, run_of_section, shift, p):
    """Update the moving averages; withdraw lost titles; confer new ones with their bonus.

    A hewer working the new way earns the title when his average fulfilment reaches the
    threshold, and a record attempt that reaches it earns it at once; a Stakhanovite whose
    average falls below the keep threshold loses it. Returns the new and the lost slots,
    and the new titles per section.
    """
    h, p = Standing(*h), Params(*p)  # records arrive as plain tuples (see compiled)
    ema, ema_output, fulfilment = h.ema_fulfilment, h.ema_output, h.fulfilment
    output = h.output_tons
    stakhanovite, employed, adopted = h.stakhanovite, h.employed, h.adopted
    title_since, earnings = h.title_since, h.earnings_rubles  # arrays into locals (production)
    threshold, keep, bonus = p.title_threshold, p.keep_threshold, p.bonus  # each run's
    alpha = p.alpha
    sections, hewers = ema.shape
    earned = np.zeros((sections, hewers), dtype=np.bool_)
    for s in range(sections):
        title = threshold[run_of_section[s]]
        for j in range(hewers):
            ema[s, j] += alpha * (fulfilment[s, j] - ema[s, j])
            ema_output[s, j] += alpha * (output[s, j] - ema_output[s, j])
            earned[s, j] = (
                employed[s, j] and adopted[s, j] and ema[s, j] >= title
                and campaign_on[s]
            )  # fmt: skip
    for k in attempts:
        s, j = k // hewers, k % hewers
        if fulfilment[s, j] >= threshold[run_of_section[s]]:
            earned[s, j] = True
    new, lost = (
        np.empty(sections * hewers, dtype=np.intp),
        np.empty(sections * hewers, dtype=np.intp),
    )
    per_section = np.zeros(sections, dtype=np.int64)
    n_new = n_lost = 0
    for s in range(sections):
        for j in range(hewers):
            if stakhanovite[s, j]:
                if ema[s, j] < keep[run_of_section[s]]:
                    stakhanovite[s, j] = False
                    lost[n_lost] = s * hewers + j
                    n_lost += 1
            elif earned[s, j]:
                new[n_new] = s * hewers + j
                n_new += 1
    for i in range(n_new):  # confer after withdrawing, as a title earned is a title kept
        s, j = new[i] // hewers, new[i] % hewers
        stakhanovite[s, j] = adopted[s, j] = True
        title_since[s, j] = shift
        earnings[s, j] += bonus[run_of_section[s]]
        per_section[s] += 1
    return new[:n_new], lost[:n_lost], per_section


def spread_methods(
    stream: Stream,
    w: Workforce,
    network: Network,
    adopters_nearby: Tally,
    intensity: np.ndarray,
    p: Params,
) -> None:
    """Ordinary hewers take up the new methods from the press and from their workmates.

    The draw is made every shift, campaign or not, so that the stream keeps step with a run
    whose campaign starts at another time (without a campaign it is skipped unmade);
    ``intensity`` is each run's.
    """
    draw = stream.uniform_where(w.n_hewer_slots // w.runs, intensity > 0)
    if draw is None:
        return
    adopters_nearby.update(w.adopted)
    _adopt(
        w.hewer(w.adopted), w.hewer(w.employed), w.hewer(w.eager), adopters_nearby.count,
        network.inverse_degree, draw, intensity, p.broadcast, p.publicity,
    )  # fmt: skip


@kernel
def _adopt(
    adopted, employed, eager, adopters, inverse_degree, draw, intensity, broadcast, publicity
):
    """Each employed hewer takes up the methods with a chance: intensity x eagerness x pull.

    The pull grows with the share of his workmates who have (``adopters`` x 1 / degree);
    ``intensity``, ``broadcast`` and ``publicity`` are each run's (the hewers' slots are run
    after run).
    """
    per_run = adopted.size // intensity.size
    for k in range(adopted.size):
        run = k // per_run
        pull = broadcast[run] + publicity[run] * (adopters[k] * inverse_degree[k])
        if employed[k] and draw[k] < intensity[run] * eager[k] * pull:
            adopted[k] = True
