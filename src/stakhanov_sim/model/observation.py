"""Observation: the model table, the sampled agent table and the event log of one run.

The model table is gathered by a Mesa ``DataCollector`` into columns made once for the whole
calendar, from what the shift handed on (``Shift``) and the state after it; agents'
state is copied from the arrays every ``output.agent_sample_every`` shifts for a fixed
random sample of slots; events are appended as they happen. Column names are the contract
of ``docs/ODD.md`` ("Observation") and ``experiments/results.MODEL_COLUMNS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from mesa import DataCollector

from stakhanov_sim.experiments.results import AGENT_COLUMNS, EVENT_COLUMNS, MODEL_COLUMNS
from stakhanov_sim.model.agents import TRADES
from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.model.workforce import HEWER, Workforce

if TYPE_CHECKING:
    from stakhanov_sim.model.mechanisms.social import Sanctions
    from stakhanov_sim.model.mechanisms.supply import Supplies
    from stakhanov_sim.model.mine import MineModel

DATE_UNIT = "ms"  # what Parquet stores, so a saved and reloaded run equals the one in memory
EXTRA_COLUMNS = ["headcount", "hires", "sanctions_on_stakhanovites", "norm_raise"]
KINDS = ("miner", "foreman", "engineer")  # codes 0, 1, 2 of the agent table's ``kind``


MODEL_TABLE = [c for c in MODEL_COLUMNS if c != "replicate"] + EXTRA_COLUMNS  # the collector's

# The model table's columns by where their values come from. Whole numbers and amounts are
# kept in one 2-D array each (a row per column, a column per shift), filled a shift at a time.
SHIFT_INTS = (  # handed on by the shift, in the order of ``Shift.counts``
    "shift", "records_set", "sanctions", "sanctions_on_stakhanovites", "sabotage_acts",
    "accusations", "staff_replaced", "quits", "hires", "accidents", "fatal_accidents",
    "arrests", "accusations_from_above", "accusations_after_accidents",
    "accusations_from_below",
)  # fmt: skip
SHIFT_FLOATS = (  # ... in the order of ``Shift.amounts``
    "output_tons", "plan_tons", "supply_shortfall", "norm_raise", "reported_output_tons",
)  # fmt: skip
TALLY_INTS = ("n_stakhanovites", "headcount")  # counted from the state by ``_tally``
TALLY_FLOATS = (
    "norm_tons", "share_meeting_norm", "share_stakhanovites", "max_fulfilment",
    "mean_wage_rubles", "mean_wage_stakhanovite", "mean_wage_other", "mean_resentment",
    "equipment_downtime", "share_new_methods",
)  # fmt: skip
SUMMED_FLOATS = ("mean_wage_hewer", "mean_wage_ordinary_hewer", "wage_gini")  # see ``record``
INTS, FLOATS = SHIFT_INTS + TALLY_INTS, SHIFT_FLOATS + TALLY_FLOATS + SUMMED_FLOATS
N_SHIFT_INTS, N_SHIFT_FLOATS = len(SHIFT_INTS), len(SHIFT_FLOATS)  # where the tallies start


def _ledger_value(model: MineModel, key: str):
    """One value of the shift's ledger (a module function, so results can be pickled)."""
    return model.ledger[key]


class ShiftCollector(DataCollector):
    """Mesa's ``DataCollector`` writing each shift's row into columns made for the calendar.

    Mesa's own ``collect`` calls a reporter per column and appends a deep copy of its value
    to a list; for the default mine that, and the dictionary of the shift's values it read,
    was about a tenth of a shift (benchmarks/README.md, "Round 3"). Here the shift's numbers
    go straight into NumPy columns allocated once, the state's tallies are counted in one
    compiled pass, and Mesa's interface reads the rows worked so far: ``model_vars`` (a
    column's values by name), ``get_model_vars_dataframe()`` (the same table Mesa builds)
    and, on the model, ``ledger`` (the last row by name).
    """

    def __init__(self, dates: list[dt.date], w: Workforce) -> None:
        super().__init__(
            model_reporters={name: partial(_ledger_value, key=name) for name in MODEL_TABLE}
        )
        self.rows = 0
        self.ints = np.zeros((len(INTS), len(dates)), dtype=np.int64)
        self.floats = np.zeros((len(FLOATS), len(dates)))
        by_name = {"date": np.array(dates, dtype=f"datetime64[{DATE_UNIT}]")}
        by_name |= dict(zip(INTS, self.ints, strict=True))
        by_name |= dict(zip(FLOATS, self.floats, strict=True))
        self.columns = {name: by_name[name] for name in MODEL_TABLE}
        self.model_vars = Rows(self)
        self.ledger = Ledger(self)
        self._hewer_wages = np.empty(w.n_hewer_slots)  # the employed hewers' (sorted)
        self._ordinary_wages = np.empty(w.n_hewer_slots)  # ... of those without the title
        self._wages, self._counts = np.empty(w.size), np.empty(w.size)  # support: runs

    def collect(self, model: MineModel) -> None:
        """The shift just worked (``model.last_shift``) as the table's next row."""
        self._collection_steps.append(model.time)
        self.record(model.last_shift, model.workforce, model.sections)

    def record(self, shift: Shift, w: Workforce, sections: Sections) -> None:
        """Write the shift's row: what it handed on, then what the state shows after it.

        The hewers' two wage means are still summed by NumPy (pairwise), and the Gini's runs
        of support wages still ordered by NumPy's ``argsort`` (its order among equal wages
        sets the rounding), so the table is the one of before, bit for bit
        (tests/test_collection.py).
        """
        n, ints, floats = self.rows, self.ints, self.floats
        ints[: len(SHIFT_INTS), n] = shift.counts()
        floats[: len(SHIFT_FLOATS), n] = shift.amounts()
        hewer_wages, ordinary_wages, wages, counts = (
            self._hewer_wages, self._ordinary_wages, self._wages, self._counts
        )  # fmt: skip
        hewers, ordinary, runs = _tally(
            w.employed, w.stakhanovite, w.adopted, w.wage_rubles, w.resentment,
            w.hewer(w.fulfilment), w.hewers, sections.norm_tons, sections.broken,
            ints, floats, n, hewer_wages, ordinary_wages, wages, counts,
        )  # fmt: skip
        total = np.add.reduce  # ``ndarray.sum``'s pairwise sum without its Python wrapper
        floats[-3, n] = _mean_or_nan(float(total(w.hewer(w.wage_rubles))), hewers)
        floats[-2, n] = _mean_or_nan(float(total(ordinary_wages[:ordinary])), ordinary)
        wages, counts, hewer_wages = wages[:runs], counts[:runs], hewer_wages[:hewers]
        hewer_wages.sort()  # NumPy's sort: a compiled kernel's is ten times slower at 5,000
        floats[-1, n] = _gini_merged(hewer_wages, wages, counts, wages.argsort())  # np.argsort's
        self.rows = n + 1

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """The model table so far, one row per shift (what Mesa's collector returns)."""
        if not self.rows:  # Mesa's table of empty lists
            return pd.DataFrame({name: [] for name in self.columns})
        return pd.DataFrame({name: column[: self.rows] for name, column in self.columns.items()})


class Rows(Mapping):
    """The columns' values so far by name (``DataCollector.model_vars``, as NumPy views)."""

    def __init__(self, table: ShiftCollector) -> None:
        self.table = table

    def __getitem__(self, name: str) -> np.ndarray:
        return self.table.columns[name][: self.table.rows]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.columns)

    def __len__(self) -> int:
        return len(self.table.columns)


class Ledger(Mapping):
    """The last shift's row of the model table by column name (empty before the first)."""

    def __init__(self, table: ShiftCollector) -> None:
        self.table = table

    def __getitem__(self, name: str):
        if not self.table.rows:
            raise KeyError(name)
        return self.table.columns[name][self.table.rows - 1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table.columns if self.table.rows else ())

    def __len__(self) -> int:
        return len(self.table.columns) if self.table.rows else 0


NO_VALUES, NO_ORDER = np.empty(0), np.empty(0, dtype=np.intp)  # an empty part for _gini_merged


def gini(values: np.ndarray, counts: np.ndarray | None = None) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one takes all).

    Args:
        counts: how many times each value occurs (once each by default).
    """
    values = np.asarray(values, dtype=float)
    if counts is None:
        return _gini_merged(np.sort(values), NO_VALUES, NO_VALUES, NO_ORDER)
    counts = np.asarray(counts, dtype=float)
    return _gini_merged(NO_VALUES, values, counts, np.argsort(values))


@kernel
def _gini_merged(singles, values, counts, order):
    """Gini of ``singles`` (sorted, once each) together with ``values`` occurring ``counts``
    times (in the ascending ``order``).

    Gini = sum over ranks i of (2 i - n - 1) x_i / (n sum x), ranks 1..n in ascending order;
    a value occurring c times at ranks r + 1 .. r + c contributes c (2 r + c - n) x. The
    ledger passes hewers' wages as singles and the timbermen's and haulers' as runs of equal
    wages (a section's earn alike), which leaves fewer values to sort.
    """
    n = singles.size + counts.sum()
    total = weighted = rank = 0.0
    i = j = 0
    while i < singles.size or j < order.size:
        if j == order.size or (i < singles.size and singles[i] <= values[order[j]]):
            x, c = singles[i], 1.0
            i += 1
        else:
            x, c = values[order[j]], counts[order[j]]
            j += 1
        total += c * x
        weighted += c * (2 * rank + c - n) * x
        rank += c
    if n == 0 or total <= 0:
        return 0.0
    return max(weighted / (n * total), 0.0)  # equal values can give -2e-16


class Shift(NamedTuple):
    """What one shift handed on that the ledger reports (the rest it reads from the state)."""

    number: int
    output_tons: float
    plan_tons: float
    supplies: Supplies
    records_set: int
    sanctions: Sanctions
    sabotage_acts: int
    accusations: int
    quits: int
    hires: int
    norm_raise: float
    reported_tons: float
    accidents: int
    fatal_accidents: int
    arrests: int
    accused_above: int
    accused_after_accidents: int
    accused_below: int

    def counts(self) -> tuple[int, ...]:
        """The whole numbers the model table reports, in the order of ``SHIFT_INTS``."""
        accusations = self.accusations  # every accused man is removed and replaced
        return (
            self.number, self.records_set, self.sanctions.count, self.sanctions.on_stakhanovites,
            self.sabotage_acts, accusations, accusations, self.quits, self.hires, self.accidents,
            self.fatal_accidents, self.arrests, self.accused_above, self.accused_after_accidents,
            self.accused_below,
        )  # fmt: skip

    def amounts(self) -> tuple[float, ...]:
        """The amounts the model table reports, in the order of ``SHIFT_FLOATS``."""
        return (
            self.output_tons, self.plan_tons, self.supplies.shortfall, self.norm_raise,
            self.reported_tons,
        )  # fmt: skip


def _mean_or_nan(total: float, count: int) -> float:
    """A mean from its sum and count, NaN when there is nothing to average."""
    return total / count if count else float("nan")


@kernel
def _tally(
    employed, stakhanovite, adopted, wage, resentment, fulfilment, hewers, norm_tons, broken,
    ints, floats, row, hewer_wages, ordinary_wages, wages, counts,
):  # fmt: skip
    """One pass over the slots for the model table's counts, sums and means.

    Writes the columns of ``TALLY_INTS`` and ``TALLY_FLOATS`` (in their order, after the
    shift's) at ``row`` of the tables ``ints`` and ``floats``; the employed hewers' wages to
    ``hewer_wages``, those of the hewers without the title to ``ordinary_wages`` (in slot
    order), and the runs of equal wages among employed timbermen and haulers to ``wages``
    and their lengths to ``counts``. Returns how many of each: employed hewers, ordinary
    hewers, runs. The mean norm is over employed hewers (over sections when none is).
    """
    n_hewers = n_stakh = meeting = runs = n_ordinary = n_adopted = 0
    max_fulfilment = -np.inf
    stakh_bill = other_bill = resentment_sum = norm_sum = 0.0
    for s in range(norm_tons.size):  # hewers, section by section
        for k in range(s * hewers, (s + 1) * hewers):
            max_fulfilment = max(max_fulfilment, fulfilment[k])
            if not employed[k]:
                continue
            hewer_wages[n_hewers] = wage[k]
            n_hewers += 1
            meeting += fulfilment[k] >= 1
            norm_sum += norm_tons[s]
            resentment_sum += resentment[k]
            n_adopted += adopted[k]
            if stakhanovite[k]:
                n_stakh += 1
                stakh_bill += wage[k]
            else:
                other_bill += wage[k]
                ordinary_wages[n_ordinary] = wage[k]
                n_ordinary += 1
    for k in range(fulfilment.size, employed.size):  # timbermen and haulers
        if not employed[k]:
            continue
        if runs > 0 and wage[k] == wages[runs - 1]:
            counts[runs - 1] += 1
        else:
            wages[runs], counts[runs] = wage[k], 1.0
            runs += 1
        resentment_sum += resentment[k]
        other_bill += wage[k]
    headcount = n_hewers + int(counts[:runs].sum())
    tally_ints, tally_floats = ints[N_SHIFT_INTS:, row], floats[N_SHIFT_FLOATS:, row]
    tally_ints[0], tally_ints[1] = n_stakh, headcount
    some = max(n_hewers, 1)
    tally_floats[0] = norm_sum / n_hewers if n_hewers else norm_tons.mean()
    tally_floats[1], tally_floats[2] = meeting / some, n_stakh / some
    tally_floats[3] = max_fulfilment
    tally_floats[4] = (stakh_bill + other_bill) / headcount if headcount else np.nan
    tally_floats[5] = stakh_bill / n_stakh if n_stakh else np.nan
    tally_floats[6] = other_bill / (headcount - n_stakh) if headcount - n_stakh else np.nan
    tally_floats[7] = resentment_sum / headcount if headcount else np.nan
    tally_floats[8] = np.count_nonzero(broken) / broken.size
    tally_floats[9] = n_adopted / n_hewers if n_hewers else np.nan
    return n_hewers, n_ordinary, runs


class AgentSampler:
    """Copies a fixed random sample of slots, and all foremen and engineers, every k shifts."""

    def __init__(self, model: MineModel, stream: np.random.Generator) -> None:
        cfg = model.config.output
        size = model.workforce.size
        n = min(cfg.agent_sample_max, size)
        self.every = cfg.agent_sample_every
        self.slots = np.sort(stream.choice(size, n, replace=False)) if n < size else np.arange(size)
        self.snapshots: list[dict[str, np.ndarray]] = []

    def maybe_sample(self, model: MineModel) -> None:
        if model.shift % self.every == 0 or not model.running:
            self.snapshots.append(self._snapshot(model))

    def _snapshot(self, model: MineModel) -> dict[str, np.ndarray]:
        """Raw columns of one snapshot: miners in the sample, then foremen, then engineers.

        Kinds and trades are kept as codes and turned into labels once, in ``table``: building
        a DataFrame per snapshot cost more than a whole shift of a small mine.
        """
        w, s = model.workforce, self.slots[model.workforce.employed[self.slots]]
        foremen, engineers = model.foremen, model.engineers
        n_staff = foremen.size + engineers.size
        no_value = np.full(n_staff, np.nan)
        no_flag = np.zeros(n_staff, dtype=bool)
        hewer = w.trade[s] == HEWER
        return {
            "shift": np.full(s.size + n_staff, model.shift, dtype=np.int64),
            "agent_id": np.concatenate([w.agent_id[s], foremen.agent_id, engineers.agent_id]),
            "kind": np.repeat(np.arange(3, dtype=np.int8), [s.size, foremen.size, engineers.size]),
            "trade": np.concatenate([w.trade[s], np.full(n_staff, len(TRADES), dtype=np.int8)]),
            "section": np.concatenate(
                [w.section[s], np.arange(foremen.size), model.sections.engineer_first_section]
            ).astype(np.int64),
            "output_tons": np.concatenate([w.output_tons[s], no_value]),
            "fulfilment": np.concatenate([np.where(hewer, w.fulfilment[s], np.nan), no_value]),
            "wage_rubles": np.concatenate([w.wage_rubles[s], no_value]),
            "stakhanovite": np.concatenate([w.stakhanovite[s], no_flag]),
            "special_conditions": np.concatenate([w.special[s], no_flag]),
            "resentment": np.concatenate([w.resentment[s], no_value]),
        }

    def table(self, replicate: int) -> pd.DataFrame:
        if not self.snapshots:
            return pd.DataFrame(columns=AGENT_COLUMNS)
        columns = {
            name: np.concatenate([snap[name] for snap in self.snapshots])
            for name in self.snapshots[0]
        }
        columns["kind"] = np.array(KINDS, dtype=object)[columns["kind"]]
        columns["trade"] = np.array((*TRADES, ""), dtype=object)[columns["trade"]]
        table = pd.DataFrame(columns)
        table.insert(0, "replicate", replicate)
        return table[AGENT_COLUMNS]


class EventLog:
    """The run's event log, appended as events happen (records, titles, sanctions, ...).

    Attributes:
        shift: the shift events are logged under unless told otherwise (the model sets it
            at the start of each shift).
        individual: whether each miner's title, sanction and quit is logged (off for big runs).
    """

    INDIVIDUAL = frozenset({"title", "title lost", "sanction", "quit"})

    def __init__(self, individual: bool = True) -> None:
        self.rows: list[tuple] = []
        self.shift = 0
        self.individual = individual

    def add(
        self,
        event: str,
        actor: int = -1,
        target: int = -1,
        detail: str = "",
        shift: int | None = None,
    ) -> None:
        """One event (``shift`` defaults to the current one)."""
        self.rows.append((self.shift if shift is None else shift, event, actor, target, detail))

    def keeps(self, event: str) -> bool:
        """Whether events of this kind are logged (individual ones may be switched off)."""
        return self.individual or event not in self.INDIVIDUAL

    def add_many(self, event: str, actors, targets=None, detail="") -> None:
        """One event per actor (nothing for individual events when they are switched off)."""
        n = len(actors)
        if n == 0 or not self.keeps(event):
            return
        targets = [-1] * n if targets is None else np.asarray(targets).tolist()
        details = [detail] * n if isinstance(detail, str) else list(detail)
        self.rows.extend(
            zip([self.shift] * n, [event] * n, np.asarray(actors).tolist(), targets, details,
                strict=True)
        )  # fmt: skip

    def table(self, replicate: int, dates: list) -> pd.DataFrame:
        table = pd.DataFrame(
            self.rows, columns=["shift", "event", "actor_id", "target_id", "detail"]
        )
        table["actor_id"] = table["actor_id"].astype("int64")
        table["target_id"] = table["target_id"].astype("int64")
        table.insert(0, "replicate", replicate)
        stamps = pd.to_datetime(pd.Series(dates)).astype(f"datetime64[{DATE_UNIT}]")
        table.insert(
            2,
            "date",
            stamps.iloc[table["shift"].clip(upper=len(dates) - 1)].to_numpy()
            if len(table)
            else pd.Series(dtype=f"datetime64[{DATE_UNIT}]"),
        )
        return table[EVENT_COLUMNS]
