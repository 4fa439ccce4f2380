"""One class's run: the scenario with its levers, and the scenario as it is, in lockstep.

When a lever is moved the session runs two models on the same seed, shift by shift: the
picked scenario as it is and the same scenario with the levers changed ("What if?"), so
every difference between them comes from the levers and none from luck. With no lever
moved one model serves both. The session also keeps running tallies of the routine events
(quits, titles) so the event feed can summarise them without rereading the whole log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from stakhanov_sim.app.charts import date_labels, policy_marks
from stakhanov_sim.app.levers import Levers, classroom_scenario
from stakhanov_sim.model.mine import MineModel
from stakhanov_sim.scenarios.loading import load_scenario

ROUTINE_EVENTS = frozenset({"quit", "title", "title lost", "sabotage"})


@dataclass
class Run:
    """The models on screen and what the feed has counted of them so far."""

    preset: str
    levers: Levers
    mine: MineModel
    as_is: MineModel | None = None  # the scenario untouched, when a lever was moved
    moved: list[str] = field(default_factory=list)  # levers set differently from the scenario
    labels: list[str] = field(default_factory=list)  # the calendar, as the charts' x axis
    marks: list[tuple[str, str]] = field(default_factory=list)  # policy events on that axis
    routine: Counter = field(default_factory=Counter)
    counted: int = 0  # events of ``mine`` already tallied in ``routine``

    @classmethod
    def build(cls, preset: str, levers: Levers) -> Run:
        """The scenario with ``levers``; and the scenario as it is, if any lever moved."""
        scenario = classroom_scenario(preset, levers)
        as_is = load_scenario(preset)
        twin = None if scenario == as_is else MineModel(as_is)
        mine = MineModel(scenario)
        labels = date_labels(mine)
        moved = levers.changed(Levers.of(as_is))
        return cls(preset, levers, mine, twin, moved, labels, policy_marks(mine, labels))

    @property
    def worked(self) -> int:
        """Shifts worked so far."""
        return len(self.mine.datacollector.model_vars["shift"])

    @property
    def finished(self) -> bool:
        return not self.mine.running

    def step(self, shifts: int) -> int:
        """Work up to ``shifts`` shifts in both models (fewer at the end); returns how many."""
        done = 0
        while done < shifts and self.mine.running:
            self.mine.step()
            if self.as_is is not None:
                self.as_is.step()
            done += 1
        self._tally()
        return done

    def _tally(self) -> None:
        rows = self.mine.events.rows
        for row in rows[self.counted :]:
            if row[1] in ROUTINE_EVENTS:
                self.routine[row[1]] += 1
        self.counted = len(rows)
