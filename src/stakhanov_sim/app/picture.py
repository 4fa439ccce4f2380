"""The classroom app's picture of the mine and its chronicle of events in words.

The picture is the mine seen from the trust's office: one row per section, one cell per
hewer's face, each miner coloured by what the campaign made of him (ordinary, Stakhanovite,
on special conditions, lately sanctioned by his workmates), read straight from the
workforce arrays and drawn as SVG, which the browser shows at once. The chronicle tells the
run newest first ("12 Sep 1935: Record: hewer 45 cut 102 t, 14.6 norms"); routine events
(quits, titles, foot-dragging) are only counted, so records, policy, sanctions, fatal
accidents, arrests and accusations stand out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from stakhanov_sim.figures.plots import OKABE_ITO

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

VACANT, ORDINARY, STAKHANOVITE, SPECIAL, SANCTIONED = range(5)
STATE_LABELS = ("vacant face", "ordinary hewer", "Stakhanovite", "on special conditions", "lately sanctioned")  # fmt: skip
STATE_COLOURS = ("#FFFFFF", "#D9D9D9", OKABE_ITO[3], "#56B4E9", OKABE_ITO[1])
RECENT_HARM = 0.05  # harm left a few shifts after a sanction (it heals by harm_recovery a shift)
MINE_SIZE_PX = (560, 250)  # width and height of the drawing of the faces
MAX_STARS = 2000  # above this many faces the title stars would blot the picture
FEED_LENGTH = 9  # lines of the feed on screen
FEED_LOOKBACK = 2000  # most recent events read to fill it
GROUPED_EVENTS = frozenset({"sanction", "arrest"})  # several a shift: one line per shift
ROUTINE_WORDS = {  # counted, not listed: (singular, plural)
    "quit": ("miner left the mine", "miners left the mine"),
    "title": ("new Stakhanovite", "new Stakhanovites"),
    "title lost": ("title lost", "titles lost"),
    "sabotage": ("case of foot-dragging", "cases of foot-dragging"),
}
HIGHLIGHTS = {  # event -> colour of its mark in the feed
    "record": OKABE_ITO[3],
    "policy": "#555555",
    "burst end": "#555555",
    "sanction": OKABE_ITO[1],
    "accusation": OKABE_ITO[4],
    "removal": OKABE_ITO[4],
    "fatal accident": OKABE_ITO[6],
    "arrest": OKABE_ITO[0],
}
BOLD_EVENTS = frozenset({"record", "accusation", "removal", "fatal accident", "arrest"})
DATE_FORMAT = "%-d %b %Y"


def face_states(model: MineModel) -> np.ndarray:
    """Each hewer's state as a ``(sections, hewers)`` array of the codes above.

    A Stakhanovite on special conditions shows as on special conditions (the picture also
    marks every title holder with a star); a recent victim of a sanction shows as such.
    """
    w = model.workforce
    states = np.where(w.by_section(w.employed), ORDINARY, VACANT)
    states[w.by_section(w.stakhanovite)] = STAKHANOVITE
    states[w.by_section(w.special)] = SPECIAL
    states[w.by_section(w.sanctioned) | (w.by_section(w.harm) > RECENT_HARM)] = SANCTIONED
    states[~w.by_section(w.employed)] = VACANT
    return states


def shift_caption(model: MineModel) -> str:
    """Where the run stands: the last shift worked and its date."""
    worked = len(model.datacollector.model_vars["shift"])
    if worked == 0:
        return f"before the first shift ({model.dates[0]:{DATE_FORMAT}})" if model.dates else ""
    ended = "; the run is over" if not model.running else ""
    return f"shift {worked} of {model.n_shifts}, {model.dates[worked - 1]:{DATE_FORMAT}}{ended}"


def mine_svg(model: MineModel) -> str:
    """Sections as rows, hewers' faces as cells, coloured by state; title holders starred."""
    states = face_states(model)
    sections, faces = states.shape
    width, height = MINE_SIZE_PX
    left, top = 28, 4
    cell_w, cell_h = (width - left) / faces, (height - top - 18) / sections
    gap = 1.5 if min(cell_w, cell_h) > 6 else 0.0
    stars = model.workforce.by_section(model.workforce.stakhanovite) & (states.size <= MAX_STARS)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="the mine: sections and hewers\' faces">'
    ]
    for s in range(sections):
        y = top + s * cell_h
        if sections <= 30:
            parts.append(
                f'<text x="{left - 4}" y="{y + cell_h * 0.7:.1f}" font-size="11" '
                f'text-anchor="end" fill="#444">{s + 1}</text>'
            )
        for f in range(faces):
            x = left + f * cell_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - gap:.1f}" '
                f'height="{cell_h - gap:.1f}" fill="{STATE_COLOURS[states[s, f]]}" '
                f'stroke="#bbb" stroke-width="0.5"/>'
            )
            if stars[s, f]:
                parts.append(
                    f'<text x="{x + (cell_w - gap) / 2:.1f}" y="{y + cell_h * 0.72:.1f}" '
                    f'font-size="{min(cell_w, cell_h) * 0.8:.0f}" text-anchor="middle">&#9733;</text>'
                )
    parts.append(
        f'<text x="{left}" y="{height - 3}" font-size="11" fill="#444">rows: sections; '
        f"cells: each hewer's face (1-{faces})</text></svg>"
    )
    return "".join(parts)


def legend_html() -> str:
    """The key to the picture's colours and stars."""
    swatches = [
        f'<span style="display:inline-block;width:12px;height:12px;background:{colour};'
        f'border:1px solid #888;margin:0 3px -1px 8px"></span>{label}'
        for colour, label in zip(STATE_COLOURS, STATE_LABELS, strict=True)
    ]
    return "".join(swatches) + " &nbsp;&#9733; holds the title"


def describe(event: str, actors: list[int], targets: list[int], detail: str) -> str:
    """One line of the chronicle for one event (or a shift's batch of the same event)."""
    actor, target, many = actors[0], targets[0], len(actors) > 1
    if event == "record":
        return f"Record: hewer {actor} {detail}"
    if event in ("policy", "burst end"):
        return f"Policy: {detail}"
    if event == "sanction":
        if many:
            return f"{len(actors)} sanctions against rate-busters ({detail}, ...)"
        if actor < 0:  # the lower supervisors of a foot-dragging section
            return f"Lower supervisors turned on Stakhanovite hewer {target}: {detail}"
        return f"miner {actor} turned on rate-buster hewer {target}: {detail}"
    if event == "fatal accident":
        return f"Fatal accident: miner {actor} {detail}"
    if event == "arrest":
        who = f"{len(actors)} miners" if many else f"miner {actor}"
        return f"{who} {detail}"
    if event == "accusation":
        return f"{detail[:1].upper()}{detail[1:]} (no. {target})"
    if event == "removal":
        return f"{detail[:1].upper()}{detail[1:]} (no. {target} replaced by no. {actor})"
    if event in ROUTINE_WORDS:
        singular, plural = ROUTINE_WORDS[event]
        return f"{len(actors)} {plural if many else singular}"
    return f"{event}: {detail}"


def chronicle(rows: list[tuple], dates: list[dt.date], length: int = FEED_LENGTH) -> list[tuple[str, str, str]]:  # fmt: skip
    """The newest ``length`` notable events as ``(date, text, event)``, newest first.

    Routine events are left out (``routine_summary`` counts them); sanctions come in
    batches, one line per shift.
    """
    lines: list[tuple[str, str, str]] = []
    batch: list[tuple] = []
    for row in reversed(rows[-FEED_LOOKBACK:]):
        if row[1] in ROUTINE_WORDS:
            continue
        if batch and (row[0], row[1]) != (batch[0][0], batch[0][1]):
            lines.append(_line(batch, dates))
            batch = []
        batch.append(row)
        if row[1] not in GROUPED_EVENTS:
            lines.append(_line(batch, dates))
            batch = []
        if len(lines) >= length:
            return lines[:length]
    if batch:
        lines.append(_line(batch, dates))
    return lines[:length]


def routine_summary(counts: Mapping[str, int]) -> str:
    """The routine events so far in one line: '140 miners left the mine, 38 new ...'."""
    parts = []
    for event, (singular, plural) in ROUTINE_WORDS.items():
        n = counts.get(event, 0)
        if n:
            parts.append(f"{n} {singular if n == 1 else plural}")
    return ("So far: " + ", ".join(parts)) if parts else "So far: nothing routine to count"


def feed_html(lines: list[tuple[str, str, str]]) -> str:
    """The chronicle's lines as HTML, each notable kind marked in its colour."""
    if not lines:
        return "<div>Nothing notable yet: press Step or Play.</div>"
    html = []
    for date, text, event in lines:
        colour = HIGHLIGHTS.get(event, "#999")
        weight = "bold" if event in BOLD_EVENTS else "normal"
        html.append(
            f'<div class="event-line" style="border-left:5px solid {colour};padding-left:6px;'
            f'margin:2px 0;font-weight:{weight}"><span style="color:#555">{date}:</span> '
            f"{escape(text)}</div>"
        )
    return "".join(html)


def _line(batch: list[tuple], dates: list[dt.date]) -> tuple[str, str, str]:
    shift, event, _, _, detail = batch[-1]
    date = dates[min(shift, len(dates) - 1)].strftime(DATE_FORMAT) if dates else f"shift {shift}"
    text = describe(event, [r[2] for r in reversed(batch)], [r[3] for r in reversed(batch)], detail)
    return date, text, event
