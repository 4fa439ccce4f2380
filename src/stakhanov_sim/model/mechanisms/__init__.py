"""The mechanisms of one shift, each a module of functions over the mine's state.

Each mechanism module documents the history it models, what state it reads and writes, and
what it hands on; its behavioural numbers come from the scenario as a ``Params`` record
(built once per run by ``parameters``), its randomness from its own stream
(``stakhanov_sim.model.streams``).
"""

from __future__ import annotations

from typing import NamedTuple

from stakhanov_sim.model.mechanisms import (
    equipment,
    management,
    pay,
    production,
    recognition,
    records,
    social,
    supply,
    turnover,
)
from stakhanov_sim.scenarios.schema import Scenario


class Parameters(NamedTuple):
    """Each mechanism's parameter record, taken from the scenario once per run."""

    records: records.Params
    production: production.Params
    supply: supply.Params
    equipment: equipment.Params
    pay: pay.Params
    recognition: recognition.Params
    social: social.Params
    turnover: turnover.Params
    management: management.Params


def parameters(scenario: Scenario) -> Parameters:
    """The parameter records of every mechanism for ``scenario``."""
    return Parameters(*(module.params(scenario) for module in _MODULES))


_MODULES = (records, production, supply, equipment, pay, recognition, social, turnover, management)
