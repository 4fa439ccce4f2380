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
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
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
    from stakhanov_sim.model.streams import Stream

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
    and, on the model, ``ledger`` (the last row by name). In a batch of several runs
    (``model.runs``) each run has its own table; Mesa's interface shows the first run's.
    """

    def __init__(self, dates: list[dt.date], w: Workforce) -> None:
        super().__init__(
            model_reporters={name: partial(_ledger_value, key=name) for name in MODEL_TABLE}
        )
        self.rows = 0
        runs = w.runs
        self.ints = np.zeros((runs, len(INTS), len(dates)), dtype=np.int64)
        self.floats = np.zeros((runs, len(FLOATS), len(dates)))
        self.dates = np.array(dates, dtype=f"datetime64[{DATE_UNIT}]")
        self.columns = self.columns_of(0)
        self.model_vars = Rows(self)
        self.ledger = Ledger(self)
        per_run = w.n_hewer_slots // runs
        self._hewer_wages = np.empty((runs, per_run))  # the employed hewers' (sorted)
        self._ordinary_wages = np.empty((runs, per_run))  # ... of those without the title
        support = (w.size - w.n_hewer_slots) // runs
        self._wages, self._counts = np.empty((runs, support)), np.empty((runs, support))
        self._order = np.zeros((runs, support), dtype=np.intp)  # the runs of wages, ordered
        (t0, _, (_, t)), (h0, _, (_, h)) = w.blocks[1], w.blocks[2]
        per_run_sections = w.sections // runs
        self._support_blocks = np.array(  # timbermen's first slot, a run's; the haulers' too
            [t0, per_run_sections * t, h0, per_run_sections * h], dtype=np.int64
        )

    def columns_of(self, run: int) -> dict[str, np.ndarray]:
        """Run ``run``'s columns by name (the whole calendar; ``rows`` of them are written)."""
        by_name = {"date": self.dates}
        by_name |= dict(zip(INTS, self.ints[run], strict=True))
        by_name |= dict(zip(FLOATS, self.floats[run], strict=True))
        return {name: by_name[name] for name in MODEL_TABLE}

    def collect(self, model: MineModel) -> None:
        """The shift just worked (``model.last_shift``) as the table's next row."""
        self._collection_steps.append(model.time)
        self.record(model.last_shift, model.workforce, model.sections)

    def record(self, shift: Shift, w: Workforce, sections: Sections) -> None:
        """Write the shift's row of every run: what it handed on, then what the state shows.

        The hewers' two wage means are summed as NumPy sums (``pairwise_sum``), and the
        Gini's runs of support wages ordered by NumPy's ``argsort`` (its order among equal
        wages sets the rounding), so the table is the one of before, bit for bit
        (tests/test_collection.py).
        """
        n, ints, floats = self.rows, self.ints, self.floats
        ints[:, : len(SHIFT_INTS), n] = np.array(shift.counts()).T
        floats[:, : len(SHIFT_FLOATS), n] = np.array(shift.amounts()).T
        hewer_wages, ordinary_wages, wages, counts = (
            self._hewer_wages, self._ordinary_wages, self._wages, self._counts
        )  # fmt: skip
        hewers, runs = _tally(
            w.employed, w.stakhanovite, w.adopted, w.wage_rubles, w.resentment,
            w.hewer(w.fulfilment), w.hewers, sections.norm_tons, sections.broken,
            self._support_blocks, ints, floats, n, hewer_wages, ordinary_wages, wages, counts,
        )  # fmt: skip
        hewer_wages.sort(axis=1)  # each run's, its vacant tail of +inf last (NumPy's sort:
        # a compiled kernel's is ten times slower at 5,000)
        order, longest = self._order, runs.max(initial=0)
        if longest > 1:  # every run's runs of wages in ascending order, equal ones as they
            # came (a stable sort of each run's row, its tail past its own runs set to +inf)
            rows = wages[:, :longest]
            rows[np.arange(longest) >= runs[:, None]] = np.inf
            order[:, :longest] = rows.argsort(axis=1, kind="stable")
        _gini_of_runs(hewer_wages, hewers, wages, counts, runs, order, floats, n)
        self.rows = n + 1

    def table(self, numbers: list[int], runs: range | None = None) -> pd.DataFrame:
        """The model table of every run (or of the batch's ``runs``), one after another, each
        numbered ``numbers`` in the ``replicate`` column (each run's rows as
        ``get_model_vars_dataframe(run)`` gives them)."""
        runs, n = range(self.ints.shape[0]) if runs is None else runs, self.rows
        columns = {"replicate": np.repeat(np.asarray(numbers, dtype=np.int64), n)}
        ints = self.ints[runs.start : runs.stop, :, :n]
        floats = self.floats[runs.start : runs.stop, :, :n]
        by_name = {"date": np.tile(self.dates[:n], len(runs))}
        by_name |= {name: ints[:, i].ravel() for i, name in enumerate(INTS)}
        by_name |= {name: floats[:, i].ravel() for i, name in enumerate(FLOATS)}
        return pd.DataFrame(columns | {name: by_name[name] for name in MODEL_TABLE})

    def get_model_vars_dataframe(self, run: int = 0) -> pd.DataFrame:
        """The model table so far, one row per shift (what Mesa's collector returns); in a
        batch, run ``run``'s."""
        columns = self.columns if run == 0 else self.columns_of(run)
        if not self.rows:  # Mesa's table of empty lists
            return pd.DataFrame({name: [] for name in columns})
        return pd.DataFrame({name: column[: self.rows] for name, column in columns.items()})


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
    """What one shift handed on that the ledger reports (the rest it reads from the state):
    each field, but the shift's number, has one value per run of the batch."""

    number: int
    output_tons: np.ndarray
    plan_tons: np.ndarray
    supplies: Supplies
    records_set: np.ndarray
    sanctions: Sanctions
    sabotage_acts: np.ndarray
    accusations: np.ndarray
    quits: np.ndarray
    hires: np.ndarray
    norm_raise: np.ndarray
    reported_tons: np.ndarray
    accidents: np.ndarray
    fatal_accidents: np.ndarray
    arrests: np.ndarray
    accused_above: np.ndarray
    accused_after_accidents: np.ndarray
    accused_below: np.ndarray

    def counts(self) -> tuple:
        """The whole numbers the model table reports, in the order of ``SHIFT_INTS`` (each
        per run)."""
        accusations = self.accusations  # every accused man is removed and replaced
        return (
            np.full(self.output_tons.size, self.number), self.records_set, self.sanctions.count, self.sanctions.on_stakhanovites,
            self.sabotage_acts, accusations, accusations, self.quits, self.hires, self.accidents,
            self.fatal_accidents, self.arrests, self.accused_above, self.accused_after_accidents,
            self.accused_below,
        )  # fmt: skip

    def amounts(self) -> tuple:
        """The amounts the model table reports, in the order of ``SHIFT_FLOATS`` (each per run)."""
        return (
            self.output_tons, self.plan_tons, self.supplies.shortfall, self.norm_raise,
            self.reported_tons,
        )  # fmt: skip


@kernel
def _tally(
    employed, stakhanovite, adopted, wage, resentment, fulfilment, hewers, norm_tons, broken,
    support_blocks, ints, floats, row, hewer_wages, ordinary_wages, wages, counts,
):  # fmt: skip
    """One pass over each run's slots for its model table's counts, sums and means.

    Writes the columns of ``TALLY_INTS`` and ``TALLY_FLOATS`` (in their order, after the
    shift's) at ``row`` of each run's tables ``ints[run]`` and ``floats[run]``; the employed
    hewers' wages to ``hewer_wages[run]``, those of the hewers without the title to
    ``ordinary_wages[run]`` (in slot order), and the runs of equal wages among employed
    timbermen and haulers to ``wages[run]`` and their lengths to ``counts[run]``. Returns how
    many of each, per run: employed hewers and runs of wages; fills each run's
    ``hewer_wages`` row past its employed hewers with +inf (so a sort puts them last). Also
    writes the hewers' mean wage (every hewer slot's wage over the employed hewers) and the
    ordinary hewers' (the last two of ``SUMMED_FLOATS``; the Gini is ``_gini_of_runs``'s),
    summed as NumPy sums. The mean norm is over employed hewers (over sections when none
    is). ``support_blocks`` holds where the timbermen's and the haulers' slots start, and how
    many each run has of each.
    """
    n_runs = ints.shape[0]
    sections = norm_tons.size // n_runs  # each run's
    out_hewers = np.zeros(n_runs, dtype=np.int64)
    out_runs = np.zeros(n_runs, dtype=np.int64)
    hewer_slots = hewer_wages.shape[1]  # each run's
    n_floats = floats.shape[1]
    for run in range(n_runs):
        n_hewers = n_stakh = meeting = runs = n_ordinary = n_adopted = 0
        max_fulfilment = -np.inf
        stakh_bill = other_bill = resentment_sum = norm_sum = 0.0
        run_hewer_wages, run_ordinary = hewer_wages[run], ordinary_wages[run]
        run_wages, run_counts = wages[run], counts[run]
        for s in range(run * sections, (run + 1) * sections):  # hewers, section by section
            for k in range(s * hewers, (s + 1) * hewers):
                max_fulfilment = max(max_fulfilment, fulfilment[k])
                if not employed[k]:
                    continue
                run_hewer_wages[n_hewers] = wage[k]
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
                    run_ordinary[n_ordinary] = wage[k]
                    n_ordinary += 1
        for block in range(2):  # timbermen, then haulers: each a block of every run's
            block_start, per_run = support_blocks[2 * block], support_blocks[2 * block + 1]
            for k in range(block_start + run * per_run, block_start + (run + 1) * per_run):
                if not employed[k]:
                    continue
                if runs > 0 and wage[k] == run_wages[runs - 1]:
                    run_counts[runs - 1] += 1
                else:
                    run_wages[runs], run_counts[runs] = wage[k], 1.0
                    runs += 1
                resentment_sum += resentment[k]
                other_bill += wage[k]
        headcount = n_hewers + int(run_counts[:runs].sum())
        tally_ints, tally_floats = ints[run, N_SHIFT_INTS:, row], floats[run, N_SHIFT_FLOATS:, row]
        tally_ints[0], tally_ints[1] = n_stakh, headcount
        some = max(n_hewers, 1)
        run_norms = norm_tons[run * sections : (run + 1) * sections]
        tally_floats[0] = norm_sum / n_hewers if n_hewers else run_norms.mean()
        tally_floats[1], tally_floats[2] = meeting / some, n_stakh / some
        tally_floats[3] = max_fulfilment
        tally_floats[4] = (stakh_bill + other_bill) / headcount if headcount else np.nan
        tally_floats[5] = stakh_bill / n_stakh if n_stakh else np.nan
        tally_floats[6] = other_bill / (headcount - n_stakh) if headcount - n_stakh else np.nan
        tally_floats[7] = resentment_sum / headcount if headcount else np.nan
        run_broken = broken[run * sections : (run + 1) * sections]
        tally_floats[8] = np.count_nonzero(run_broken) / run_broken.size
        tally_floats[9] = n_adopted / n_hewers if n_hewers else np.nan
        bill = pairwise_sum(wage, run * hewer_slots, hewer_slots)  # vacant slots earn 0
        floats[run, n_floats - 3, row] = bill / n_hewers if n_hewers else np.nan
        ordinary = pairwise_sum(run_ordinary, 0, n_ordinary)
        floats[run, n_floats - 2, row] = ordinary / n_ordinary if n_ordinary else np.nan
        run_hewer_wages[n_hewers:] = np.inf
        out_hewers[run], out_runs[run] = n_hewers, runs
    return out_hewers, out_runs


@kernel
def pairwise_sum(values, start, n):
    """The sum of ``values[start:start + n]`` as NumPy adds a contiguous float array
    (``np.add.reduce``: its ``pairwise_sum``, eight partial sums in blocks of at most 128,
    the two halves' sums added above), so that a sum made here equals NumPy's to the last
    bit (tests/test_collection.py). The halves are walked with a stack, not by recursion."""
    if n <= 128:
        return _block_sum(values, start, n)
    depth = 64  # halving 2**63 items reaches a block long before
    starts, sizes = np.empty(depth, np.int64), np.empty(depth, np.int64)
    stage, left = np.zeros(depth, np.int64), np.empty(depth)
    starts[0], sizes[0], top, value = start, n, 0, 0.0
    while top >= 0:
        s, m = starts[top], sizes[top]
        half = m // 2 - (m // 2) % 8
        if m <= 128 or stage[top] == 2:  # a block, or both halves done: hand up
            value = _block_sum(values, s, m) if m <= 128 else left[top] + value
            top -= 1
        elif stage[top] == 0:  # the first half next
            stage[top] = 1
            top += 1
            starts[top], sizes[top], stage[top] = s, half, 0
        else:  # the first half's sum is ``value``: the second half next
            left[top], stage[top] = value, 2
            top += 1
            starts[top], sizes[top], stage[top] = s + half, m - half, 0
    return value


@kernel
def _block_sum(values, start, n):
    """NumPy's sum of at most 128 values: eight partial sums, or one below eight values."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[start + i]
        return total
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5 = values[start + 4], values[start + 5]
    r6, r7 = values[start + 6], values[start + 7]
    i = 8
    while i < n - n % 8:
        k = start + i
        r0, r1, r2, r3 = r0 + values[k], r1 + values[k + 1], r2 + values[k + 2], r3 + values[k + 3]
        r4, r5 = r4 + values[k + 4], r5 + values[k + 5]
        r6, r7 = r6 + values[k + 6], r7 + values[k + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += values[start + i]
        i += 1
    return total


@kernel
def _gini_of_runs(hewer_wages, hewers, wages, counts, runs, order, floats, row):
    """Each run's wage Gini (the last of ``SUMMED_FLOATS``) from its employed hewers' sorted
    wages and its runs of support wages in ``order``."""
    for run in range(hewers.size):
        r = runs[run]
        if r == 1:
            order[run, 0] = 0
        floats[run, floats.shape[1] - 1, row] = _gini_merged(
            hewer_wages[run, : hewers[run]], wages[run, :r], counts[run, :r], order[run, :r]
        )


class AgentSampler:
    """Copies a fixed random sample of slots, and all foremen and engineers, every k shifts;
    in a batch, each run's sample is drawn from its own stream as if it were alone.

    A snapshot copies only what changes (who is employed, ids, output, pay, titles,
    resentment) into rows made for the calendar's snapshots; what a sampled slot or post
    always has (its run, kind, trade and section) is kept once. Snapshots made as new arrays
    cost a batch of 100 default runs 5 ms each, most of it the first touches of fresh memory
    (benchmarks/README.md, round 17).
    """

    VARYING = (  # what a snapshot copies of each sampled miner, with its type
        ("agent_id", np.int64), ("output_tons", np.float64), ("fulfilment", np.float64),
        ("wage_rubles", np.float64), ("stakhanovite", np.bool_),
        ("special_conditions", np.bool_), ("resentment", np.float64),
    )  # fmt: skip
    STATE = {"special_conditions": "special"}  # the workforce's name where it differs

    def __init__(self, model: MineModel, stream: Stream) -> None:
        cfg, runs, w = model.config.output, model.runs, model.workforce
        size = runs.slots
        n = min(cfg.agent_sample_max, size)
        self.every = cfg.agent_sample_every
        local = [np.sort(stream[r].choice(size, n, replace=False)) if n < size
                 else np.arange(size) for r in range(runs.count)]  # fmt: skip
        self.slots = np.concatenate([runs.batch_slots(r, k) for r, k in enumerate(local)])
        self.runs = runs.count
        self.shape = (n, model.foremen.size // runs.count, model.engineers.size // runs.count)
        # What each sampled slot, foreman and engineer always has, laid out as a snapshot.
        slots, sections = self.slots, runs.sections
        foreman_run = np.arange(model.foremen.size) // sections
        engineer_first = model.sections.engineer_first_section
        engineer_run = engineer_first // sections
        if not (np.all(np.diff(engineer_run) >= 0) and np.all(np.diff(w.run[slots]) >= 0)):
            raise ValueError("a snapshot lists each run's agents together")  # (a batch's layout)
        self.fixed = {
            "run": (w.run[slots], foreman_run, engineer_run),
            "kind": tuple(np.full(k.size, code, np.int8) for code, k in enumerate(
                (slots, foreman_run, engineer_run))),
            "trade": (w.trade[slots], *(np.full(k.size, len(TRADES), np.int8)
                                        for k in (foreman_run, engineer_run))),
            "section": (w.section[slots] - w.run[slots] * sections,
                        np.arange(foreman_run.size) - foreman_run * sections,
                        engineer_first - engineer_run * sections),
        }  # fmt: skip
        self.hewer = w.trade[slots] == HEWER  # a fulfilment is a hewer's
        # Rows for every snapshot of the calendar: each ``every``-th shift and the last
        # (the model does nothing past its calendar).
        room = model.n_shifts // self.every + 2
        self.taken = 0
        self.shifts = np.empty(room, dtype=np.int64)
        self.employed = np.empty((room, slots.size), dtype=np.bool_)
        self.miners = {name: np.empty((room, slots.size), dtype) for name, dtype in self.VARYING}
        self.foremen = np.empty((room, foreman_run.size), dtype=np.int64)  # their ids
        self.engineers = np.empty((room, engineer_run.size), dtype=np.int64)

    def maybe_sample(self, model: MineModel) -> None:
        if model.shift % self.every == 0 or not model.running:
            self._snapshot(model)

    def _snapshot(self, model: MineModel) -> None:
        """Copy what changes of the sample, the foremen and the engineers into the next row."""
        w, t, slots = model.workforce, self.taken, self.slots
        self.shifts[t] = model.shift
        np.take(w.employed, slots, out=self.employed[t])
        for name, rows in self.miners.items():
            np.take(getattr(w, self.STATE.get(name, name)), slots, out=rows[t])
        self.foremen[t], self.engineers[t] = model.foremen.agent_id, model.engineers.agent_id
        self.taken = t + 1

    def snapshots(self) -> Snapshots:
        """What the agent table is made from: the snapshots taken so far (views, not copies)."""
        t = self.taken
        return Snapshots(
            shape=self.shape, runs=self.runs, fixed=self.fixed, hewer=self.hewer,
            shifts=self.shifts[:t], employed=self.employed[:t],
            miners={name: rows[:t] for name, rows in self.miners.items()},
            foremen=self.foremen[:t], engineers=self.engineers[:t],
        )  # fmt: skip

    def table(self, numbers: list[int], runs: range | None = None) -> pd.DataFrame:
        """The sampled agents of every run (or of the batch's ``runs``), run after run, each
        numbered ``numbers`` in the ``replicate`` column (``agent_table``)."""
        runs = range(self.runs) if runs is None else runs
        return agent_table([(self.snapshots(), runs, numbers)])


class Snapshots(NamedTuple):
    """A batch's snapshots of its sampled miners, foremen and engineers (``AgentSampler``):
    all that its agent table is made from, and about half the bytes of that table, so a
    worker hands these over rather than the table (``experiments.handover``)."""

    shape: tuple[int, int, int]  # a run's sampled miners, foremen, engineers
    runs: int  # how many runs the batch holds
    fixed: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # what each always has
    hewer: np.ndarray  # which sampled slots are hewers'
    shifts: np.ndarray  # (taken,): each snapshot's shift
    employed: np.ndarray  # (taken, sampled slots)
    miners: dict[str, np.ndarray]  # ``AgentSampler.VARYING``, each (taken, sampled slots)
    foremen: np.ndarray  # (taken, posts): their ids
    engineers: np.ndarray

    def arranged(self, runs: range, miners, foremen, engineers) -> np.ndarray:
        """Snapshot rows of the sample's miners, the foremen and the engineers (each ``(taken,
        the batch's)``, or one value for all) as ``(runs, taken, agents of a run)`` for the
        batch's ``runs``: each run's, snapshot by snapshot, its miners, then its foremen,
        then its engineers."""
        t = self.shifts.size
        parts = [
            np.broadcast_to(part, (t, self.runs * width))
            .reshape(t, self.runs, width)[:, runs.start : runs.stop]
            .transpose(1, 0, 2)
            for part, width in zip((miners, foremen, engineers), self.shape, strict=True)
        ]
        return np.concatenate(parts, axis=2)

    def rows(self, runs: range) -> int:
        """How many rows the agent table has for ``runs``."""
        t, (miners, foremen, engineers) = self.shifts.size, self.shape
        employed = self.employed.reshape(t, self.runs, miners)[:, runs.start : runs.stop]
        return int(np.count_nonzero(employed)) + t * len(runs) * (foremen + engineers)

    def columns(self, runs: range, numbers: list[int]) -> Iterator[tuple[str, np.ndarray]]:
        """The agent table's columns for ``runs`` (numbered ``numbers``), by name; ``kind``
        and ``trade`` as their codes."""
        keep = self.arranged(runs, self.employed, np.True_, np.True_)
        t = self.shifts.size

        def column(miners, foremen, engineers) -> np.ndarray:
            return self.arranged(runs, miners, foremen, engineers)[keep]

        def fixed(name: str) -> np.ndarray:
            return column(*(np.broadcast_to(v, (t, v.size)) for v in self.fixed[name]))

        shift = self.shifts[:, None]
        yield "replicate", np.asarray(numbers, dtype=np.int64)[fixed("run") - runs.start]
        yield "shift", column(shift, shift, shift)
        yield "kind", fixed("kind")
        yield "trade", fixed("trade")
        yield "section", fixed("section").astype(np.int64)
        posts = {"agent_id": (self.foremen, self.engineers)}  # the rest: none
        for name, dtype in AgentSampler.VARYING:
            values = self.miners[name]
            if name == "fulfilment":
                values = np.where(self.hewer, values, np.nan)
            none = np.False_ if dtype is np.bool_ else np.nan
            yield name, column(values, *posts.get(name, (none, none)))


# The agent table's columns as ``Snapshots.columns`` makes them (``kind`` and ``trade`` coded).
AGENT_CODES = {"replicate": np.int64, "shift": np.int64, "kind": np.int8, "trade": np.int8,
               "section": np.int64} | dict(AgentSampler.VARYING)  # fmt: skip
CHUNK_RUNS = 8  # runs arranged at a time (4 to 10 cost alike: benchmarks/README.md, round 18)


def agent_table(parts: list[tuple[Snapshots, range, list[int]]], threads: int = 1) -> pd.DataFrame:
    """One agent table of several batches' snapshots (the ``runs`` of each, numbered
    ``numbers``), one after another: in each snapshot (in the order taken) a run's employed
    miners of the sample, then its foremen, then its engineers.

    Each column is made once at its full length and filled ``CHUNK_RUNS`` runs at a time: an
    ensemble's table is hundreds of megabytes, and fresh memory is dear (a table made per
    batch and then joined was made twice; benchmarks/README.md, rounds 18 and 19). With
    ``threads`` > 1 the runs are shared among as many threads (NumPy lets go of the
    interpreter while it copies), each filling its own rows, so the table is the same.
    """
    pieces = [
        (snapshots, range(first, min(first + CHUNK_RUNS, runs.stop)),
         numbers[first - runs.start : first - runs.start + CHUNK_RUNS])
        for snapshots, runs, numbers in parts if snapshots.shifts.size
        for first in range(runs.start, runs.stop, CHUNK_RUNS)
    ]  # fmt: skip
    if not pieces:
        return pd.DataFrame(columns=AGENT_COLUMNS)
    sizes = [snapshots.rows(runs) for snapshots, runs, _ in pieces]
    ends = np.cumsum(sizes)
    columns = {name: np.empty(int(ends[-1]), dtype) for name, dtype in AGENT_CODES.items()}

    def fill(share: range) -> None:
        for k in share:
            (snapshots, runs, numbers), end = pieces[k], ends[k]
            for name, values in snapshots.columns(runs, numbers):
                columns[name][end - sizes[k] : end] = values

    threads = max(1, threads)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fill, [range(len(pieces))[i::threads] for i in range(threads)]))
        codes, names = (columns["kind"], columns["trade"]), (KINDS, (*TRADES, ""))
        columns["kind"], columns["trade"] = pool.map(_labels, codes, names)
    # Every column is new here, so the frame may keep them as they are (no copy).
    return pd.DataFrame({name: columns[name] for name in AGENT_COLUMNS}, copy=False)


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """Each code's name, as pandas' string column: through Arrow's dictionary, six times
    faster than an array of Python strings (an ensemble's agent table has millions of rows)."""
    labels = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(names, pa.large_string()))
    return pd.array(labels.cast(pa.large_string()), dtype="str")


class EventLog:
    """The event log of every run of the batch, appended as events happen (records, titles,
    sanctions, ...).

    Events are kept as they come, one block per call (``add``: one event; ``add_many``:
    several), each block's actors, targets and runs as arrays and its words (the event's
    name and details) as numbers standing for them (``names``); the table is made from the
    blocks once, at the end. (Kept as a Python tuple per event, a batch of 100 default runs
    spent a twentieth of its time making and unmaking them: benchmarks/README.md, round 17.)

    Attributes:
        shift: the shift events are logged under unless told otherwise (the model sets it
            at the start of each shift).
        individual: whether each miner's title, sanction and quit is logged (off for big runs).
        names: every event name and detail logged so far, in the order first seen.
    """

    INDIVIDUAL = frozenset({"title", "title lost", "sanction", "quit"})

    def __init__(self, individual: bool = True, runs: int = 1) -> None:
        self.blocks: list[_Block] = []
        self.batch = runs > 1
        self.shift = 0
        self.individual = individual
        self.names: dict[str, int] = {}
        self._rows: list[tuple] = []  # ``rows`` made so far, from the first blocks
        self._blocks_in_rows = 0

    def _code(self, word: str) -> int:
        return self.names.setdefault(word, len(self.names))

    def add(
        self,
        event: str,
        actor: int = -1,
        target: int = -1,
        detail: str = "",
        shift: int | None = None,
        run: int = 0,
    ) -> None:
        """One event of run ``run`` (``shift`` defaults to the current one)."""
        self.blocks.append(_Block(
            self.shift if shift is None else shift, self._code(event), np.array([actor]),
            np.array([target]), self._code(detail), run if self.batch else 0,
        ))  # fmt: skip

    def keeps(self, event: str) -> bool:
        """Whether events of this kind are logged (individual ones may be switched off)."""
        return self.individual or event not in self.INDIVIDUAL

    def add_many(self, event: str, actors, targets=None, detail="", runs=None) -> None:
        """One event per actor (nothing for individual events when they are switched off);
        ``detail``: one for all, or each event's (a sequence of strings); ``runs``: each
        event's run (in a batch of several)."""
        n = len(actors)
        if n == 0 or not self.keeps(event):
            return
        if isinstance(detail, str):
            details = self._code(detail)
        else:  # each event's word looked up (np.unique of a few strings costs ten times more)
            details = np.array([self._code(word) for word in np.asarray(detail).tolist()])
        self.blocks.append(_Block(
            self.shift, self._code(event), np.asarray(actors),
            -1 if targets is None else np.asarray(targets), details,
            np.asarray(runs) if self.batch else 0,
        ))  # fmt: skip

    @property
    def rows(self) -> list[tuple]:
        """``(shift, event, actor, target, detail)`` tuples, in the order they happened (the
        app reads the newest); made from the blocks logged since the last look."""
        words = list(self.names)
        for block in self.blocks[self._blocks_in_rows :]:
            n = block.actors.size
            self._rows.extend(zip(
                [block.shift] * n, [words[block.event]] * n, block.actors.tolist(),
                _each(block.targets, n).tolist(),
                [words[d] for d in _each(block.details, n).tolist()], strict=True,
            ))  # fmt: skip
        self._blocks_in_rows = len(self.blocks)
        return self._rows

    def table(self, numbers: list[int], dates: list, runs: range | None = None) -> pd.DataFrame:
        """The events of every run (or of the batch's ``runs``), run after run (each in the
        order they happened), each numbered ``numbers`` in the ``replicate`` column."""
        runs = range(len(numbers)) if runs is None else runs
        names = ["shift", "event", "actor_id", "target_id", "detail"]
        if not self.blocks:
            table = pd.DataFrame([], columns=names).astype(
                {"actor_id": "int64", "target_id": "int64"}
            )
            table.insert(0, "replicate", np.zeros(0, dtype=np.int64))
            table.insert(2, "date", pd.Series(dtype=f"datetime64[{DATE_UNIT}]"))
            return table[EVENT_COLUMNS]
        sizes = np.array([block.actors.size for block in self.blocks])

        def each(field: str, dtype) -> np.ndarray:
            """Every block's values of ``field``, one after another: those held as one value
            for all repeated, the others' arrays put in their place (a batch of 100 default
            runs logs some 38,000 blocks: spread one by one, they cost 0.1 s)."""
            values = [getattr(block, field) for block in self.blocks]
            spread = [isinstance(v, np.ndarray) and v.ndim > 0 for v in values]
            arrays = [v for v, own in zip(values, spread, strict=True) if own]
            if len(arrays) == len(values):
                return np.concatenate(arrays).astype(dtype, copy=False)
            out = np.repeat(np.array([0 if own else v for v, own in zip(values, spread, strict=True)],
                                     dtype), sizes)  # fmt: skip
            if arrays:
                out[np.repeat(np.array(spread), sizes)] = np.concatenate(arrays)
            return out

        shift, event = each("shift", np.int64), each("event", np.int32)
        actor, target = each("actors", np.int64), each("targets", np.int64)
        detail, run = each("details", np.int32), each("runs", np.intp)
        if self.batch:  # each run's rows together, in the order they happened (a stable
            # sort of small whole numbers is NumPy's radix sort), those of ``runs`` kept
            order = np.argsort(run.astype(np.min_scalar_type(run.max())), kind="stable")
            first, last = np.searchsorted(run[order], [runs.start, runs.stop])
            order = order[first:last]
            shift, event, actor, target, detail, run = (
                column[order] for column in (shift, event, actor, target, detail, run)
            )
        stamps = np.array(dates, dtype=f"datetime64[{DATE_UNIT}]")
        return pd.DataFrame({
            "replicate": np.asarray(numbers, dtype=np.int64)[run - runs.start],
            "shift": shift,
            "date": stamps[np.minimum(shift, len(dates) - 1)],
            "event": _labels(event, tuple(self.names)),
            "actor_id": actor,
            "target_id": target,
            "detail": _labels(detail, tuple(self.names)),
        }, copy=False)  # fmt: skip


class _Block(NamedTuple):
    """Events logged by one call: the shift, the event's name (as its number in
    ``EventLog.names``), the actors, and the targets (-1: nobody), details (numbers in
    ``names``) and runs, each one value for all or each event's."""

    shift: int
    event: int
    actors: np.ndarray
    targets: int | np.ndarray
    details: int | np.ndarray
    runs: int | np.ndarray


def _each(value: int | np.ndarray, n: int) -> np.ndarray:
    """A block's ``n`` events' values of a field held as one value for all or each one's."""
    return np.full(n, value) if np.ndim(value) == 0 else np.asarray(value)
