"""The miners' numeric state: NumPy arrays, one element per job slot.

Slots are laid out by trade and section: all hewers first (section by section), then
timbermen, then haulers. So a per-section view of hewers is a reshape to
``(sections, hewers_per_section)``, and per-section sums need no Python loop. A slot is a
job: when its miner quits, the slot stays vacant until the mine hires a newcomer into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.scenarios.schema import Scenario

HEWER, TIMBERMAN, HAULER = 0, 1, 2

FLOAT_STATE = (
    "skill", "eager", "fatigue", "resentment", "harm", "output_tons", "fulfilment",
    "wage_rubles", "earnings_rubles", "potential", "helpers", "ema_fulfilment", "ema_output", "support",
    "ema_wage",
)  # fmt: skip
BOOL_STATE = ("employed", "stakhanovite", "special", "adopted", "sanctioned")
INT_STATE = ("times_abused", "title_since")
# What a vacant slot holds: no output, wage, helpers, grievance, title or special conditions.
VACANT_ZERO = ("output_tons", "fulfilment", "wage_rubles", "helpers", "resentment")
VACANT_FALSE = ("employed", "stakhanovite", "special", "adopted", "sanctioned")

STATE = ("trade", "section", "run", "local_slot", "agent_id", *FLOAT_STATE, *BOOL_STATE, *INT_STATE)
Record = TypeVar("Record", bound=tuple)


@dataclass
class Workforce:
    """Miners' state arrays and the layout of slots by trade and section.

    Attributes:
        sections: number of sections S; hewers, timbermen, haulers: slots per section.
        runs: the runs of the batch (``model.runs``), whose sections follow one another.
        trade, section, run: each slot's trade code, section and run, fixed.
        run_of_section: each section's run, fixed.
        local_slot: each slot's number in its run (as if the run were alone), fixed.
        agent_id: the Mesa ``unique_id`` of the miner in each slot (-1 when vacant).
        blocks: each trade's slots (first, last + 1) and the shape of its section view.
        The float, bool and int state arrays are named in ``FLOAT_STATE`` etc. They change
        in place and are never replaced (assigning one raises): mechanisms' records of their
        views are made once (``views``) and kept.
    """

    sections: int
    hewers: int
    timbermen: int
    haulers: int
    runs: int = 1
    trade: np.ndarray = field(init=False)
    section: np.ndarray = field(init=False)
    run: np.ndarray = field(init=False)
    run_of_section: np.ndarray = field(init=False)
    local_slot: np.ndarray = field(init=False)
    agent_id: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        counts = (self.hewers, self.timbermen, self.haulers)
        self.size = self.sections * sum(counts)
        self.trade = np.repeat(np.arange(3, dtype=np.int8), [self.sections * c for c in counts])
        # Native-width section numbers: gathering per-section values with them (done many
        # times a shift) is three times faster than with int32.
        self.section = np.concatenate(
            [np.repeat(np.arange(self.sections, dtype=np.intp), c) for c in counts]
        )
        per_run = self.sections // self.runs
        self.run = self.section // per_run
        self.run_of_section = np.arange(self.sections, dtype=np.intp) // per_run
        self.local_slot = np.concatenate(  # each slot's number in its run alone
            [np.tile(np.arange(per_run * c), self.runs) + per_run * first
             for c, first in zip(counts, np.cumsum([0, *counts[:-1]]), strict=True)]
        ).astype(np.intp)  # fmt: skip
        self.n_hewer_slots = self.sections * self.hewers
        starts = np.cumsum([0, *counts]) * self.sections
        self.blocks = tuple(  # each trade's first and last slot + 1, and its view's shape
            (int(starts[t]), int(starts[t + 1]), (self.sections, counts[t])) for t in range(3)
        )
        self.agent_id = np.full(self.size, -1, dtype=np.int64)
        self._records: dict = {}  # views' records by class and trade, made once
        for name in FLOAT_STATE:
            setattr(self, name, np.zeros(self.size))
        for name in BOOL_STATE:
            setattr(self, name, np.zeros(self.size, dtype=bool))
        for name in INT_STATE:
            setattr(self, name, np.zeros(self.size, dtype=np.int32))
        self.title_since[:] = -1
        self._views = self._state_views()
        self._fresh = self._arrays(FLOAT_STATE), self._arrays(BOOL_STATE)  # what ``fill`` clears
        self._vacated = self._arrays(VACANT_ZERO), self._arrays(VACANT_FALSE)  # ... ``vacate``

    def __setattr__(self, name: str, value) -> None:
        current = self.__dict__.get(name)
        if isinstance(current, np.ndarray) and value is not current:
            raise AttributeError(
                f"Workforce.{name} changes in place ({name}[...] = ...), it is never replaced: "
                "records of its views are made once"
            )
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict:
        """A copy (``copy.deepcopy``, pickle) leaves the views behind: copied, they would no
        longer view the copy's arrays."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_views", "_records")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _records={})
        self._views = self._state_views()

    def _state_views(self) -> tuple[dict, ...]:
        """Each trade's ``(sections, slots)`` views of every state array, by the array's id
        (an id stays the array's while the workforce holds it: arrays are never replaced)."""
        arrays = self._arrays(STATE)
        return tuple({id(a): self._view(a, trade) for a in arrays} for trade in range(3))

    def _view(self, values: np.ndarray, trade: int) -> np.ndarray:
        start, stop, shape = self.blocks[trade]
        return values[start:stop].reshape(shape)

    def by_section(self, values: np.ndarray, trade: int = HEWER) -> np.ndarray:
        """A ``(sections, slots)`` view of one trade's slice of an array over the slots
        (a state array's view is made once)."""
        view = self._views[trade].get(id(values))
        return self._view(values, trade) if view is None else view

    def views(self, record: type[Record], trade: int = HEWER) -> Record:
        """``record`` (a NamedTuple class) of one trade's ``(sections, slots)`` views of the
        state arrays its fields name, made on first use and kept.

        A mechanism names what its kernel reads in a record class; making the record once
        spares a shift's few dozen reshapes and tuples.
        """
        made = self._records.get((record, trade))
        if made is None:
            views = (self.by_section(getattr(self, name), trade) for name in record._fields)
            made = self._records[record, trade] = record(*views)
        return made

    def arrays(self, record: type[Record]) -> Record:
        """``record`` of the whole state arrays its fields name (every slot), made once."""
        made = self._records.get((record, None))
        if made is None:
            made = self._records[record, None] = record(*self._arrays(record._fields))
        return made

    def hewer(self, values: np.ndarray) -> np.ndarray:
        """The hewers' slice (flat) of a state array."""
        return values[: self.n_hewer_slots]

    def fill(
        self,
        slots: np.ndarray,
        skill: np.ndarray,
        eager: np.ndarray,
        ids: np.ndarray,
        wages: tuple[float, float],
        start: float = 1.0,
    ) -> None:
        """Put new miners into ``slots``: fresh state, their full skill and eagerness.

        ``skill`` counts for hewers only (a timberman's or hauler's is 1: skill is the hewers'
        concern); ``wages`` is the wage a newcomer remembers (``ema_wage``), a hewer's and a
        support trade's; ``start`` is the share of his full skill he has on his first shift.
        """
        _clear(slots, *self._fresh)
        _start(
            slots, skill, eager, ids, start, wages, self.trade, self.potential, self.skill,
            self.eager, self.ema_fulfilment, self.support, self.employed, self.times_abused,
            self.title_since, self.agent_id, self.ema_wage,
        )  # fmt: skip

    def vacate(self, slots: np.ndarray) -> None:
        """Empty ``slots`` (a quit or removal): the slot earns and produces nothing."""
        self.agent_id[slots] = -1
        _clear(slots, *self._vacated)

    def _arrays(self, names: tuple[str, ...]) -> tuple[np.ndarray, ...]:
        return tuple(getattr(self, name) for name in names)


@kernel
def _start(
    slots, skill, eager, ids, start, wages, trade, potential, skill_now, eagerness,
    ema_fulfilment, support, employed, times_abused, title_since, agent_id, ema_wage,
):  # fmt: skip
    """A newcomer's first state: his skill to grow into, meeting the norm, full support, the
    wage he expects."""
    for i in range(slots.size):
        k = slots[i]
        hewer = trade[k] == HEWER
        full = skill[i] if hewer else 1.0
        potential[k] = full
        skill_now[k] = start * full
        ema_wage[k] = wages[0] if hewer else wages[1]
        eagerness[k] = eager[i]
        ema_fulfilment[k] = 1.0
        support[k] = 1.0
        employed[k] = True
        times_abused[k] = 0
        title_since[k] = -1
        agent_id[k] = ids[i]


@kernel
def _clear(slots, floats, flags):
    """Zero the float arrays and clear the flag arrays at ``slots`` (one call, not one per array)."""
    for values in floats:
        for k in slots:
            values[k] = 0.0
    for values in flags:
        for k in slots:
            values[k] = False


def layout(scenario: Scenario, runs: int = 1) -> Workforce:
    """The empty workforce for a scenario's mines and sections, in each of ``runs`` runs."""
    m = scenario.mine
    return Workforce(
        runs=runs,
        sections=runs * m.mines * m.sections,
        hewers=m.hewers_per_section,
        timbermen=round(m.hewers_per_section * m.timbermen_per_hewer),
        haulers=round(m.hewers_per_section * m.haulers_per_hewer),
    )


def skill_distribution(sigma: float) -> tuple[str, float, float]:
    """Hewers' full skill: lognormal with median 1 (a recruit starts below it, see ``fill``);
    as ``Stream.by_run`` takes it."""
    return ("lognormal", 0.0, sigma)


def eagerness_distribution(a: float, b: float) -> tuple[str, float, float]:
    """Willingness to take up new methods and go for records, 0..1: Beta(a, b)."""
    return ("beta", a, b)
