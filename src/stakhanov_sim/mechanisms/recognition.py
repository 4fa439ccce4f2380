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

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel


def update_titles(model: MineModel) -> None:
    """Average recent fulfilment; confer and withdraw titles; pay the bonus; log both."""
    w, cfg = model.workforce, model.config.recognition
    alpha = 2.0 / (cfg.window_shifts + 1)
    ema = w.hewer(w.ema_fulfilment)
    ema += alpha * (w.hewer(w.fulfilment) - ema)
    out = w.hewer(w.ema_output)
    out += alpha * (w.hewer(w.output_tons) - out)
    stakh = w.hewer(w.stakhanovite)
    employed = w.hewer(w.employed)
    campaign_on = model.intensity > 0  # the title did not exist before the campaign
    earned = ~stakh & employed & w.hewer(w.adopted) & (ema >= cfg.title_threshold) & campaign_on
    earned[model.attempt_slots[w.fulfilment[model.attempt_slots] >= cfg.title_threshold]] = True
    earned &= ~stakh
    lost = stakh & (ema < cfg.keep_threshold)
    stakh[lost] = False
    new = np.flatnonzero(earned)
    stakh[new] = True
    w.adopted[new] = True
    w.title_since[new] = model.shift
    w.earnings_rubles[new] += cfg.bonus_rubles
    model.new_titles_by_section = np.bincount(w.section[new], minlength=w.sections)
    model.log_many("title", w.agent_id[new], detail="Stakhanovite title")
    model.log_many("title lost", w.agent_id[np.flatnonzero(lost)], detail="fell below the norm")


def spread_methods(model: MineModel) -> None:
    """Ordinary hewers take up the new methods from the press and from their workmates."""
    if model.intensity <= 0:
        return
    w, cfg = model.workforce, model.config.recognition
    neighbours = model.adopters_nearby.share(w.adopted, rows=w.n_hewer_slots)  # hewers first
    pull = cfg.broadcast + cfg.publicity * neighbours
    chance = model.intensity * w.hewer(w.eager) * pull
    adopted = w.hewer(w.adopted)
    adopted |= w.hewer(w.employed) & (model.rng.random(w.n_hewer_slots) < chance)
