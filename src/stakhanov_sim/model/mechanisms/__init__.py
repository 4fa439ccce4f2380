"""The mechanisms of one shift, each a module of functions over the mine's state.

Each mechanism module documents the history it models, what state it reads and writes, and
what it hands on; its behavioural numbers come from the scenario as a ``Params`` record
(built once per run by ``parameters``), its randomness from its own stream
(``stakhanov_sim.model.streams``).
"""

from __future__ import annotations

from typing import NamedTuple

from stakhanov_sim.model.calendar import shifts_per_year
from stakhanov_sim.model.mechanisms import (
    accidents,
    bargain,
    blame,
    equipment,
    management,
    methods,
    pay,
    production,
    recognition,
    records,
    reporting,
    repression,
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
    methods: methods.Params
    accidents: accidents.Params
    reporting: reporting.Params
    bargain: bargain.Params
    blame: blame.Params
    repression: repression.Params


def parameters(scenario: Scenario) -> Parameters:
    """The parameter records of every mechanism for ``scenario``."""
    year = shifts_per_year(scenario.calendar)
    return Parameters(
        *(module.params(scenario) for module in _MODULES),
        methods=methods.params(scenario),
        accidents=accidents.params(scenario, year),
        reporting=reporting.params(scenario),
        bargain=bargain.params(scenario),
        blame=blame.params(scenario),
        repression=repression.params(scenario, year),
    )


_MODULES = (records, production, supply, equipment, pay, recognition, social, turnover, management)
