"""Recognition: the Stakhanovite title, its rewards, and the spread of the new methods.

The title went to workers who set records or steadily beat their norms, with bonuses,
flats, goods and publicity (press of 1935-36). Publicity and workmates' example spread the
new methods: Stakhanovites in heavy industry grew 4.7-fold between 20 Oct and 1 Dec 1935,
and by Aug 1936 "upward of 40%" of workers in extraction were so designated. Here a hewer
takes up the methods (asks for a timberman and special conditions) with a chance that grows
with campaign intensity, his eagerness and the share of his workmates who already have; he
earns the title when, working the new way, his recent fulfilment passes a threshold, and
loses it below another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.model.compiled import kernel

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel


def update_titles(model: MineModel) -> None:
    """Average recent fulfilment; confer and withdraw titles; pay the bonus; log both."""
    w, cfg = model.workforce, model.config.recognition
    h = w.hewer
    new, lost = _titles(
        h(w.ema_fulfilment), h(w.ema_output), h(w.fulfilment), h(w.output_tons),
        h(w.stakhanovite), h(w.employed), h(w.adopted), model.attempt_slots,
        2.0 / (cfg.window_shifts + 1), cfg.title_threshold, cfg.keep_threshold,
        model.intensity > 0,  # the title did not exist before the campaign
    )  # fmt: skip
    model.new_titles_by_section = _confer(
        new, w.stakhanovite, w.adopted, w.title_since, w.earnings_rubles, w.hewers,
        w.sections, model.shift, cfg.bonus_rubles,
    )  # fmt: skip
    model.log_many("title", w.agent_id[new], detail="Stakhanovite title")
    model.log_many("title lost", w.agent_id[lost], detail="fell below the norm")


@kernel
def _confer(new, stakhanovite, adopted, title_since, earnings, hewers, sections, shift, bonus):
    """The title and its bonus for the hewers in ``new``; returns new titles per section."""
    per_section = np.zeros(sections, dtype=np.int64)
    for k in new:
        stakhanovite[k] = adopted[k] = True
        title_since[k] = shift
        earnings[k] += bonus
        per_section[k // hewers] += 1
    return per_section


@kernel
def _titles(
    ema, ema_output, fulfilment, output, stakhanovite, employed, adopted, attempts, alpha,
    title_threshold, keep_threshold, campaign_on,
):  # fmt: skip
    """Update the moving averages; withdraw lost titles; return the new and the lost slots.

    A hewer working the new way earns the title when his average fulfilment reaches the
    threshold, and a record attempt that reaches it earns it at once; a Stakhanovite whose
    average falls below the keep threshold loses it.
    """
    earned = np.zeros(ema.size, dtype=np.bool_)
    for k in range(ema.size):
        ema[k] += alpha * (fulfilment[k] - ema[k])
        ema_output[k] += alpha * (output[k] - ema_output[k])
        earned[k] = employed[k] and adopted[k] and ema[k] >= title_threshold and campaign_on
    for k in attempts:
        if fulfilment[k] >= title_threshold:
            earned[k] = True
    new, lost = np.empty(ema.size, dtype=np.intp), np.empty(ema.size, dtype=np.intp)
    n_new = n_lost = 0
    for k in range(ema.size):
        if stakhanovite[k]:
            if ema[k] < keep_threshold:
                stakhanovite[k] = False
                lost[n_lost] = k
                n_lost += 1
        elif earned[k]:
            new[n_new] = k
            n_new += 1
    return new[:n_new], lost[:n_lost]


def spread_methods(model: MineModel) -> None:
    """Ordinary hewers take up the new methods from the press and from their workmates."""
    if model.intensity <= 0:
        return
    w, cfg = model.workforce, model.config.recognition
    nearby = model.adopters_nearby
    nearby.update(w.adopted)
    draw = model.rng.random(w.n_hewer_slots)
    _adopt(
        w.hewer(w.adopted), w.hewer(w.employed), w.hewer(w.eager), nearby.count,
        model.network.inverse_degree, draw, model.intensity, cfg.broadcast, cfg.publicity,
    )  # fmt: skip


@kernel
def _adopt(
    adopted, employed, eager, adopters, inverse_degree, draw, intensity, broadcast, publicity
):  # fmt: skip
    """Each employed hewer takes up the methods with a chance: intensity x eagerness x pull.

    The pull grows with the share of his workmates who have (``adopters`` x 1 / degree).
    """
    for k in range(adopted.size):
        pull = broadcast + publicity * (adopters[k] * inverse_degree[k])
        if employed[k] and draw[k] < intensity * eager[k] * pull:
            adopted[k] = True
