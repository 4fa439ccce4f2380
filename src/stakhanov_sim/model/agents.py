"""Mesa agents of the mine: miners, foremen and engineers.

Agents are views: the numeric state lives in NumPy arrays owned by the model (the
``Workforce`` for miners, ``Foremen`` and ``Staff`` for foremen and engineers), and each
agent holds its index. So ``model.agents``, ``agents_by_type``, ``AgentSet`` and Mesa's visualisation work
as usual, while the per-shift bulk runs as array operations (docs/ODD.md, the
entities).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from stakhanov_sim.model.mine import MineModel

TRADES = ("hewer", "timberman", "hauler")


class Miner(mesa.Agent):
    """A miner in one job slot: a hewer (paid by piece) or a timberman or hauler.

    Attributes:
        index: the job slot in the workforce arrays; -1 once he has left the mine.
    """

    def __init__(self, model: MineModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.hired_shift = model.shift

    def _get(self, name: str):
        if self.index < 0:
            raise AttributeError(f"miner {self.unique_id} has left the mine")
        return getattr(self.model.workforce, name)[self.index]

    @property
    def trade(self) -> str:
        return TRADES[int(self._get("trade"))]

    @property
    def section(self) -> int:
        return int(self._get("section"))

    @property
    def skill(self) -> float:
        return float(self._get("skill"))

    @property
    def output_tons(self) -> float:
        return float(self._get("output_tons"))

    @property
    def fulfilment(self) -> float:
        """This shift's output over his norm (hewers; 0 for support trades)."""
        return float(self._get("fulfilment"))

    @property
    def wage_rubles(self) -> float:
        return float(self._get("wage_rubles"))

    @property
    def earnings_rubles(self) -> float:
        return float(self._get("earnings_rubles"))

    @property
    def stakhanovite(self) -> bool:
        return bool(self._get("stakhanovite"))

    @property
    def special_conditions(self) -> bool:
        return bool(self._get("special"))

    @property
    def helpers(self) -> float:
        return float(self._get("helpers"))

    @property
    def resentment(self) -> float:
        return float(self._get("resentment"))

    @property
    def fatigue(self) -> float:
        return float(self._get("fatigue"))

    @property
    def times_abused(self) -> int:
        return int(self._get("times_abused"))

    @property
    def employed(self) -> bool:
        return self.index >= 0


class StaffMember(mesa.Agent):
    """A foreman or engineer: experience in ``Staff`` arrays; may be accused and removed."""

    kind = "staff"

    def __init__(self, model: MineModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.appointed_shift = model.shift

    @property
    def _arrays(self):
        return self.model.foremen if self.kind == "foreman" else self.model.engineers

    @property
    def experience(self) -> float:
        """Share of full experience (0 for a raw promotee, 1 for a veteran)."""
        return float(self._arrays.experience[self.index])


class Foreman(StaffMember):
    """Section chief: allocates supplies, helpers and faces; picks record-setters."""

    kind = "foreman"

    @property
    def sabotage_acts(self) -> int:
        """Times he dragged his feet since the last plan review."""
        return int(self.model.foremen.sabotage_count[self.index])

    @property
    def section(self) -> int:
        return self.index


class Engineer(StaffMember):
    """Keeps a group of sections' equipment running; sits on the norm bureau."""

    kind = "engineer"
