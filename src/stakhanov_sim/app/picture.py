"""The classroom app's picture of the mine and its feed of events in words.

The picture is the mine seen from the trust's office: one row per section, one cell per
hewer's face, each miner coloured by what the campaign made of him (ordinary, Stakhanovite,
on special conditions, lately sanctioned by his workmates), read straight from the
workforce arrays. The feed tells the run as a chronicle ("12 Sep 1935: Record: hewer 45
cut 102 t, 14.6 norms"), newest first, so a class can follow what happened and when.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import solara
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mesa.visualization.utils import update_counter

from stakhanov_sim.app.charts import LiveFigure
from stakhanov_sim.figures.plots import OKABE_ITO

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

VACANT, ORDINARY, STAKHANOVITE, SPECIAL, SANCTIONED = range(5)
STATE_LABELS = ("vacant face", "ordinary hewer", "Stakhanovite", "on special conditions", "lately sanctioned")  # fmt: skip
STATE_COLOURS = ("#FFFFFF", "#D9D9D9", OKABE_ITO[3], "#56B4E9", OKABE_ITO[1])
RECENT_HARM = 0.05  # harm left a few shifts after a sanction (it heals by harm_recovery a shift)
MAX_MARKED_FACES = 2000  # above this many faces the title stars would blot the picture
MINE_FIGURE_IN = (7.2, 4.6)
FEED_LENGTH = 12  # lines of the feed on screen
FEED_LOOKBACK = 400  # most recent events read to fill it
GROUPED_EVENTS = frozenset({"quit", "title", "title lost"})  # many a shift: one line per shift
HIGHLIGHTED_EVENTS = frozenset({"record", "policy", "accusation", "removal"})
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
    if model.shift == 0 and model.steps == 0:
        return f"before the first shift ({model.dates[0]:{DATE_FORMAT}})" if model.dates else ""
    return f"shift {model.shift + 1} of {model.n_shifts}, {model.dates[model.shift]:{DATE_FORMAT}}"


def draw_mine(model: MineModel) -> Figure:
    """Sections as rows, hewers' faces as cells, coloured by each hewer's state."""
    states = face_states(model)
    sections, faces = states.shape
    figure = Figure(figsize=MINE_FIGURE_IN, dpi=100, layout="constrained")
    ax = figure.add_subplot()
    ax.imshow(states, cmap=ListedColormap(STATE_COLOURS), vmin=0, vmax=len(STATE_COLOURS) - 1,
              aspect="auto", interpolation="nearest")  # fmt: skip
    ax.set_xticks(np.arange(faces + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(sections + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.set_yticks(np.arange(sections), [str(s + 1) for s in range(sections)] if sections <= 30 else None)  # fmt: skip
    ticks = np.unique(np.linspace(0, faces - 1, min(faces, 5)).round().astype(int))
    ax.set_xticks(ticks, [str(t + 1) for t in ticks])
    ax.set_xlabel("hewer's face in the section")
    ax.set_ylabel("section")
    ax.set_title(f"The mine: {shift_caption(model)}", loc="left")
    if states.size <= MAX_MARKED_FACES:
        rows, cols = np.nonzero(model.workforce.by_section(model.workforce.stakhanovite))
        ax.scatter(cols, rows, marker="*", s=90, color="black", linewidths=0)
    handles = [Patch(facecolor=c, edgecolor="0.4", label=label) for c, label in zip(STATE_COLOURS, STATE_LABELS, strict=True)]  # fmt: skip
    handles.append(Line2D([], [], marker="*", color="black", linestyle="", markersize=11, label="holds the title"))  # fmt: skip
    figure.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return figure


def describe(event: str, actors: list[int], targets: list[int], detail: str) -> str:
    """One line of the chronicle for one event (or a shift's batch of the same event)."""
    actor, target, many = actors[0], targets[0], len(actors) > 1
    who = f"{len(actors)} hewers" if many else f"hewer {actor}"
    if event == "record":
        return f"Record: hewer {actor} {detail}"
    if event in ("policy", "burst end"):
        return f"Policy: {detail}"
    if event == "title":
        return f"{who} earned the Stakhanovite title"
    if event == "title lost":
        return f"{who} lost the title ({detail})"
    if event == "quit":
        return f"{len(actors)} miners left the mine" if many else f"miner {actor} left the mine"
    if event == "sanction":
        return f"miner {actor} turned on rate-buster hewer {target}: {detail}"
    if event == "sabotage":
        return f"foreman {actor} {detail}"
    if event == "accusation":
        return f"{detail[:1].upper()}{detail[1:]} (no. {target})"
    if event == "removal":
        return f"{detail[:1].upper()}{detail[1:]} (no. {target} replaced by no. {actor})"
    return f"{event}: {detail}"


def chronicle(rows: list[tuple], dates: list[dt.date], length: int = FEED_LENGTH) -> list[tuple[str, str, str]]:  # fmt: skip
    """The newest ``length`` lines of the event log as ``(date, text, event)``, newest first.

    Titles, title losses and quits come in batches; each shift's batch is one line.
    """
    lines: list[tuple[str, str, str]] = []
    batch: list[tuple] = []
    for row in reversed(rows[-FEED_LOOKBACK:]):
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


def _line(batch: list[tuple], dates: list[dt.date]) -> tuple[str, str, str]:
    shift, event, _, _, detail = batch[-1]
    date = dates[min(shift, len(dates) - 1)].strftime(DATE_FORMAT) if dates else f"shift {shift}"
    text = describe(event, [r[2] for r in reversed(batch)], [r[3] for r in reversed(batch)], detail)
    return date, text, event


@solara.component
def MinePicture(model: MineModel):
    """The mine, redrawn after every step or reset."""
    LiveFigure(model, draw_mine)


@solara.component
def EventFeed(model: MineModel):
    """What has happened, newest first, with the campaign's current intensity."""
    update_counter.get()
    lines = chronicle(model.events.rows, model.dates)
    header = (
        f"Events, newest first ({shift_caption(model)}; campaign intensity {model.intensity:.1f})"
    )
    with solara.Column(classes=["event-feed"], style={"font-size": "17px", "line-height": "1.35", "padding": "4px 10px"}):  # fmt: skip
        solara.HTML(tag="h3", unsafe_innerHTML=header, style={"margin": "0 0 6px 0", "font-size": "19px"})  # fmt: skip
        if not lines:
            solara.Text("Nothing has happened yet: press Step or Play.")
        for date, text, event in lines:
            weight = "bold" if event in HIGHLIGHTED_EVENTS else "normal"
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<span style='color:#555'>{date}:</span> {_escape(text)}",
                style={"font-weight": weight},
                classes=["event-line"],
            )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
