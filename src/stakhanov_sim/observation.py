"""Observation: the model table, the sampled agent table and the event log of one run.

The model table is gathered by Mesa's ``DataCollector`` from the shift's ledger; agents'
state is copied from the arrays every ``output.agent_sample_every`` shifts for a fixed
random sample of slots; events are appended as they happen. Column names are the contract
of DESIGN.md ("Outputs").
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mesa import DataCollector

from stakhanov_sim.agents import TRADES
from stakhanov_sim.results import AGENT_COLUMNS, EVENT_COLUMNS, MODEL_COLUMNS

if TYPE_CHECKING:
    from stakhanov_sim.model import MineModel

EXTRA_COLUMNS = ["headcount", "hires", "sanctions_on_stakhanovites", "norm_raise"]


def _ledger_value(model: MineModel, key: str):
    """One value of the shift's ledger (a module function, so results can be pickled)."""
    return model.ledger[key]


def collector() -> DataCollector:
    """Mesa's collector with one reporter per model-table column."""
    names = [c for c in MODEL_COLUMNS if c != "replicate"] + EXTRA_COLUMNS
    return DataCollector(model_reporters={name: partial(_ledger_value, key=name) for name in names})


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one takes all)."""
    if values.size == 0 or values.sum() <= 0:
        return 0.0
    ordered = np.sort(values)
    ranks = np.arange(1, ordered.size + 1)
    return float(
        (2 * (ranks * ordered).sum()) / (ordered.size * ordered.sum())
        - (ordered.size + 1) / ordered.size
    )


def _mean_or_nan(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def fill_ledger(model: MineModel) -> None:
    """This shift's model-level outcomes, under the contract's names."""
    w = model.workforce
    employed = w.employed
    hewers = w.hewer(employed)
    n_hewers = max(int(hewers.sum()), 1)
    stakh = w.stakhanovite & employed
    wages = w.wage_rubles[employed]
    model.ledger = {
        "shift": model.shift,
        "date": pd.Timestamp(model.dates[model.shift]),
        "output_tons": model.output_this_shift,
        "plan_tons": model.plan_this_shift,
        "norm_tons": float(np.repeat(model.norm_tons, w.hewers)[hewers].mean())
        if hewers.any()
        else float(model.norm_tons.mean()),
        "share_meeting_norm": float((w.hewer(w.fulfilment) >= 1)[hewers].sum() / n_hewers),
        "n_stakhanovites": int(stakh.sum()),
        "share_stakhanovites": float(stakh.sum() / n_hewers),
        "max_fulfilment": float(w.hewer(w.fulfilment).max()),
        "records_set": model.records_this_shift,
        "mean_wage_rubles": _mean_or_nan(wages),
        "wage_gini": gini(wages),
        "mean_wage_stakhanovite": _mean_or_nan(w.wage_rubles[stakh]),
        "mean_wage_other": _mean_or_nan(w.wage_rubles[employed & ~w.stakhanovite]),
        "mean_resentment": _mean_or_nan(w.resentment[employed]),
        "sanctions": model.sanctions_this_shift,
        "supply_shortfall": model.supply_shortfall,
        "equipment_downtime": float(model.broken.mean()),
        "sabotage_acts": model.sabotage_this_shift,
        "accusations": model.accusations_this_shift,
        "staff_replaced": model.accusations_this_shift,
        "quits": model.quits_this_shift,
        "headcount": int(employed.sum()),
        "hires": model.hires_this_shift,
        "sanctions_on_stakhanovites": model.sanctions_on_stakhanovites,
        "norm_raise": model.norm_raise_today,
    }


class AgentSampler:
    """Copies a fixed random sample of slots, and all foremen and engineers, every k shifts."""

    def __init__(self, model: MineModel) -> None:
        cfg = model.config.output
        size = model.workforce.size
        n = min(cfg.agent_sample_max, size)
        self.every = cfg.agent_sample_every
        self.slots = (
            np.sort(model.rng.choice(size, n, replace=False)) if n < size else np.arange(size)
        )
        self.frames: list[pd.DataFrame] = []

    def maybe_sample(self, model: MineModel) -> None:
        if model.shift % self.every == 0 or not model.running:
            self.frames.append(self._snapshot(model))

    def _snapshot(self, model: MineModel) -> pd.DataFrame:
        w, s = model.workforce, self.slots[model.workforce.employed[self.slots]]
        hewer = w.trade[s] == 0
        miners = pd.DataFrame({
            "shift": model.shift, "agent_id": w.agent_id[s], "kind": "miner",
            "trade": np.array(TRADES)[w.trade[s]], "section": w.section[s],
            "output_tons": w.output_tons[s], "fulfilment": np.where(hewer, w.fulfilment[s], np.nan),
            "wage_rubles": w.wage_rubles[s], "stakhanovite": w.stakhanovite[s],
            "special_conditions": w.special[s], "resentment": w.resentment[s],
        })  # fmt: skip
        staff = [self._staff(model, model.foremen, "foreman", np.arange(model.foremen.size))]
        staff.append(self._staff(model, model.engineers, "engineer", model.engineer_first_section))
        return pd.concat([miners, *staff], ignore_index=True)

    @staticmethod
    def _staff(model: MineModel, arrays, kind: str, sections: np.ndarray) -> pd.DataFrame:
        n = arrays.size
        return pd.DataFrame({
            "shift": model.shift, "agent_id": arrays.agent_id, "kind": kind, "trade": "",
            "section": sections, "output_tons": np.full(n, np.nan), "fulfilment": np.full(n, np.nan),
            "wage_rubles": np.full(n, np.nan), "stakhanovite": False,
            "special_conditions": False, "resentment": np.full(n, np.nan),
        })  # fmt: skip

    def table(self, replicate: int) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=AGENT_COLUMNS)
        table = pd.concat(self.frames, ignore_index=True)
        table.insert(0, "replicate", replicate)
        return table[AGENT_COLUMNS]


class EventLog:
    """The run's event log, appended as events happen (records, titles, sanctions, ...)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(self, shift: int, event: str, actor: int, target: int, detail: str) -> None:
        self.rows.append((shift, event, actor, target, detail))

    def add_many(self, shift: int, event: str, actors, targets, details) -> None:
        n = len(actors)
        targets = np.full(n, -1) if targets is None else targets
        details = [details] * n if isinstance(details, str) else list(details)
        self.rows.extend(
            zip(
                [shift] * n,
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
        stamps = pd.to_datetime(pd.Series(dates))
        table.insert(
            2,
            "date",
            stamps.iloc[table["shift"].clip(upper=len(dates) - 1)].to_numpy()
            if len(table)
            else pd.Series(dtype="datetime64[ns]"),
        )
        return table[EVENT_COLUMNS]
