"""The mechanisms of one shift, each a module of functions over the mine's state.

Each mechanism module documents the history it models, what state it reads and writes, and
what it hands on; its behavioural numbers come from the scenario as a ``Params`` record
(built once per run by ``parameters``), its randomness from its own stream
(``stakhanov_sim.model.streams``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.calendar import shifts_per_year
from stakhanov_sim.model.mechanisms import (
    accidents,
    bargain,
    blame,
    equipment,
    management,
    methods,
    norms,
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
    norms: norms.Params


# The parameters that may differ between the runs of a batch (``MineModel(varying=...)``),
# so that a calibration's particles or a sweep's points step together: the calibrated ones
# (``experiments.calibrated.CALIBRATED``), then the levers of the campaign's unintended
# effects that sweeps and sensitivity designs vary: supplies and special conditions, the
# norm revision, resentment and sanctions, foot-dragging, the plan and blame, the title,
# the methods of 1936, accidents, padded reports, the bargain over norms, output
# restriction and the record race (the shipped designs vary some of them). Their records' fields hold one value per run
# (``runs.varying``); a test checks that these keys, and no others, set those fields.
PER_RUN = (
    "production.base_output_tons",
    "production.campaign_effort",
    "records.special_conditions_multiplier",
    "records.helper_escalation",
    "recognition.title_threshold",
    "recognition.broadcast",
    "recognition.publicity",
    "social.quit_rate",
    "social.quit_resentment",
    "methods.division_gain",
    "equipment.repair_per_engineer",
    "accidents.wear_risk",
    "supply.timber_per_shift",
    "supply.air_per_shift",
    "supply.wagons_per_shift",
    "records.special_conditions_cap",
    "norms.midpoint_weight",
    "norms.max_raise",
    "norms.rate_cut",
    "social.deprivation_gain",
    "social.privilege_gain",
    "social.contagion",
    "social.decay",
    "social.sanction_threshold",
    "social.sanction_rate",
    "social.violence_share",
    "management.sabotage_threshold",
    "management.sabotage_rate",
    "management.plan_growth",
    "management.scapegoating_rate",
    "blame.denunciation_rate",
    "recognition.keep_threshold",
    "recognition.bonus_rubles",
    "methods.school_rate",
    "methods.concentration_gain",
    "methods.concentration_wear",
    "accidents.fatal_per_1000_year",
    "accidents.accidents_per_fatal",
    "accidents.record_risk",
    "accidents.storming_risk",
    "accidents.injury_harm",
    "accidents.trial_chance",
    "reporting.padding_per_shortfall",
    "reporting.max_padding",
    "bargain.slack_return",
    "bargain.wage_fund_growth",
    "bargain.wage_fund_tolerance",
    "bargain.tightening",
    "production.restriction",
    "production.foreman_effect",
    "production.storming_fatigue",
    "records.attempt_rate",
    "records.race_decay",
    "records.fear_after_sanction",
    "social.support_loss_gain",
    "social.failure_gain",
    "social.norm_raise_gain",
    "social.rate_buster_fulfilment",
    "social.harm_per_sanction",
    "social.violence_harm",
    "social.harm_recovery",
    "social.supervisor_sanction_rate",
)


def parameters(scenario: Scenario, runs: int = 1, each: list[Scenario] | None = None) -> Parameters:
    """The parameter records of every mechanism for a batch of ``runs`` runs of ``scenario``
    (per-run fields hold its value once for each run), or with ``each`` (one scenario per
    run, differing from one another only in ``PER_RUN``) every run's value in run order."""
    if each is None:
        alone = _records(scenario)
        return Parameters(
            *(
                _repeat(name, record, runs)
                for name, record in zip(Parameters._fields, alone, strict=True)
            )
        )
    runs_records = [_records(s) for s in each]
    return Parameters(
        *(
            _join(name, records)
            for name, records in zip(
                Parameters._fields, zip(*runs_records, strict=True), strict=True
            )
        )
    )


def per_run_fields(mechanism: str) -> tuple[str, ...]:
    """The fields of a mechanism's record that hold one value per run (its ``PER_RUN_FIELDS``)."""
    return getattr(_BY_NAME[mechanism], "PER_RUN_FIELDS", ())


def _repeat(mechanism: str, record: NamedTuple, runs: int) -> NamedTuple:
    """One mechanism's record for ``runs`` runs alike: each per-run field's value repeated."""
    return record._replace(
        **{f: np.repeat(getattr(record, f), runs) for f in per_run_fields(mechanism)}
    )


def _join(mechanism: str, records: tuple[NamedTuple, ...]) -> NamedTuple:
    """One mechanism's records of every run as one: per-run fields joined in run order;
    every other field must be the same in every run."""
    first, per_run = records[0], per_run_fields(mechanism)
    joined = {}
    for name in first._fields:
        values = [getattr(r, name) for r in records]
        if name in per_run:
            joined[name] = np.concatenate(values)
        elif any(not np.array_equal(v, values[0]) for v in values[1:]):
            raise ValueError(
                f"{type(first).__module__}.{name} differs between the runs of a batch; "
                f"runs may differ only in {', '.join(PER_RUN)}"
            )
        else:
            joined[name] = values[0]
    return type(first)(**joined)


def _records(scenario: Scenario) -> Parameters:
    year = shifts_per_year(scenario.calendar)
    return Parameters(
        *(module.params(scenario) for module in _MODULES),
        methods=methods.params(scenario),
        accidents=accidents.params(scenario, year),
        reporting=reporting.params(scenario),
        bargain=bargain.params(scenario),
        blame=blame.params(scenario),
        repression=repression.params(scenario, year),
        norms=norms.params(scenario),
    )


_BY_NAME = {
    name: module
    for name, module in zip(
        Parameters._fields,
        (
            records, production, supply, equipment, pay, recognition, social, turnover,
            management, methods, accidents, reporting, bargain, blame, repression, norms,
        ),
        strict=True,
    )
}  # fmt: skip

_MODULES = (records, production, supply, equipment, pay, recognition, social, turnover, management)
