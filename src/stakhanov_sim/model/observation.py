"""Observation: the model table, the sampled agent table and the event log of one run.

The model table is gathered by Mesa's ``DataCollector`` from the shift's ledger; agents'
state is copied from the arrays every ``output.agent_sample_every`` shifts for a fixed
random sample of slots; events are appended as they happen. Column names are the contract
of ``docs/ODD.md`` ("Observation") and ``experiments/results.MODEL_COLUMNS``.
"""

from __future__ import annotations

import datetime as dt
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


def _ledger_value(model: MineModel, key: str):
    """One value of the shift's ledger (a module function, so results can be pickled)."""
    return model.ledger[key]


class LedgerCollector(DataCollector):
    """Mesa's ``DataCollector``, appending the shift's ledger without deep copies.

    Mesa deep-copies every reported value in case it is a mutable object that changes later;
    the ledger holds only numbers and a date, so the copies (a tenth of a small mine's shift)
    are skipped. The table is the one Mesa's own ``collect`` would build.
    """

    def collect(self, model: MineModel) -> None:
        self._collection_steps.append(model.time)
        ledger = model.ledger
        for name, column in self.model_vars.items():
            column.append(ledger[name])


def collector() -> DataCollector:
    """Mesa's collector with one reporter per model-table column."""
    names = [c for c in MODEL_COLUMNS if c != "replicate"] + EXTRA_COLUMNS
    return LedgerCollector(
        model_reporters={name: partial(_ledger_value, key=name) for name in names}
    )


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


def fill_ledger(shift: Shift, date: dt.date, w: Workforce, sections: Sections) -> dict:
    """This shift's model-level outcomes, under the contract's names."""
    hewer_wages, wages, counts = np.empty(w.n_hewer_slots), np.empty(w.size), np.empty(w.size)
    (
        headcount, hewers, stakh, meeting, max_fulfilment, wage_stakh, wage_other, resentment,
        norm, runs,
    ) = _tally(
        w.employed, w.stakhanovite, w.wage_rubles, w.resentment, w.hewer(w.fulfilment),
        w.hewers, sections.norm_tons, hewer_wages, wages, counts,
    )  # fmt: skip
    n_hewers = max(hewers, 1)
    at_work = w.hewer(w.employed)
    adopters = w.hewer(w.adopted) & at_work
    ordinary = at_work & ~w.hewer(w.stakhanovite)
    return {
        "shift": shift.number,
        "date": np.datetime64(date, DATE_UNIT),
        "output_tons": shift.output_tons,
        "plan_tons": shift.plan_tons,
        "norm_tons": norm,
        "share_meeting_norm": meeting / n_hewers,
        "n_stakhanovites": stakh,
        "share_stakhanovites": stakh / n_hewers,
        "max_fulfilment": max_fulfilment,
        "records_set": shift.records_set,
        "mean_wage_rubles": _mean_or_nan(wage_stakh + wage_other, headcount),
        "wage_gini": _gini_merged(
            np.sort(hewer_wages[:hewers]), wages[:runs], counts[:runs], np.argsort(wages[:runs])
        ),
        "mean_wage_stakhanovite": _mean_or_nan(wage_stakh, stakh),
        "mean_wage_other": _mean_or_nan(wage_other, headcount - stakh),
        "mean_resentment": _mean_or_nan(resentment, headcount),
        "sanctions": shift.sanctions.count,
        "supply_shortfall": shift.supplies.shortfall,
        "equipment_downtime": float(np.count_nonzero(sections.broken) / sections.broken.size),
        "sabotage_acts": shift.sabotage_acts,
        "accusations": shift.accusations,
        "staff_replaced": shift.accusations,  # every accused man is removed and replaced
        "quits": shift.quits,
        "headcount": headcount,
        "hires": shift.hires,
        "sanctions_on_stakhanovites": shift.sanctions.on_stakhanovites,
        "norm_raise": shift.norm_raise,
        "share_new_methods": _mean_or_nan(float(np.count_nonzero(adopters)), hewers),
        "mean_wage_hewer": _mean_or_nan(float(w.hewer(w.wage_rubles).sum()), hewers),
        "mean_wage_ordinary_hewer": _mean_or_nan(
            float(w.hewer(w.wage_rubles)[ordinary].sum()), int(np.count_nonzero(ordinary))
        ),
        "reported_output_tons": shift.reported_tons,
        "accidents": shift.accidents,
        "fatal_accidents": shift.fatal_accidents,
        "arrests": shift.arrests,
        "accusations_from_above": shift.accused_above,
        "accusations_after_accidents": shift.accused_after_accidents,
        "accusations_from_below": shift.accused_below,
    }


def _mean_or_nan(total: float, count: int) -> float:
    """A mean from its sum and count, NaN when there is nothing to average."""
    return total / count if count else float("nan")


@kernel
def _tally(
    employed, stakhanovite, wage, resentment, fulfilment, hewers, norm_tons, hewer_wages, wages,
    counts,
):  # fmt: skip
    """One pass over the slots for the ledger's counts and sums.

    Returns headcount, employed hewers, Stakhanovites, hewers meeting the norm, the highest
    fulfilment, the Stakhanovites' and the others' wage bills, summed resentment, and the mean
    norm over employed hewers (the mean over sections when none is employed), and the number
    of runs of equal wages among employed timbermen and haulers, whose wages and lengths it
    writes to ``wages`` and ``counts`` (the employed hewers' wages go to ``hewer_wages``).
    """
    headcount = n_hewers = n_stakh = meeting = runs = 0
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
            if stakhanovite[k]:
                n_stakh += 1
                stakh_bill += wage[k]
            else:
                other_bill += wage[k]
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
    norm = norm_sum / n_hewers if n_hewers else norm_tons.mean()
    return (
        headcount, n_hewers, n_stakh, meeting, max_fulfilment, stakh_bill, other_bill,
        resentment_sum, norm, runs,
    )  # fmt: skip


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

    def add_many(self, event: str, actors, targets=None, detail="") -> None:
        """One event per actor (nothing for individual events when they are switched off)."""
        n = len(actors)
        if n == 0 or (event in self.INDIVIDUAL and not self.individual):
            return
        targets = np.full(n, -1) if targets is None else targets
        details = [detail] * n if isinstance(detail, str) else list(detail)
        self.rows.extend(
            zip(
                [self.shift] * n,
                [event] * n,
                np.asarray(actors).tolist(),
                np.asarray(targets).tolist(),
                details,
                strict=True,
            )
        )

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
