"""The sections' state: norms, piece rates, equipment, and who is in charge of each.

A section is one foreman's stretch of coal face with its hewers, timbermen and haulers. Its
state lasts across shifts; the norm revision (``mechanisms.norms``) changes its norm and
rate, ``mechanisms.equipment`` its condition. Everything is an array with one element per
section (all mines' sections, mine by mine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stakhanov_sim.model.workforce import Workforce
from stakhanov_sim.scenarios.schema import Scenario


@dataclass
class Sections:
    """Per-section state.

    Attributes:
        norm_tons: each hewer's norm (tons a shift); raised by norm revisions.
        piece_rate: rubles per ton at the norm; cut by norm revisions.
        baseline_need: tons an ordinary shift of the section's hewers cuts (supplies are
            delivered against it); fixed.
        condition: equipment condition, 0 (worn out) .. 1 (new).
        broken: whether the equipment is broken (the section works by hand).
        mine_of_section: the mine each section belongs to; fixed.
        engineer_of_section: the engineer who keeps each section's equipment; fixed.
        engineer_first_section: each engineer's first section (where the agent table puts
            him); fixed.
        old_norm, revised_norm: each section's norm before and just after the last revision
            (the slack workers win back lies between them, ``mechanisms.bargain``).
    """

    norm_tons: np.ndarray
    piece_rate: np.ndarray
    baseline_need: np.ndarray
    condition: np.ndarray
    broken: np.ndarray
    mine_of_section: np.ndarray
    engineer_of_section: np.ndarray
    engineer_first_section: np.ndarray
    old_norm: np.ndarray
    revised_norm: np.ndarray

    @property
    def n_engineers(self) -> int:
        return self.engineer_first_section.size


def lay_out(
    scenario: Scenario, workforce: Workforce, base_tons: np.ndarray | None = None
) -> Sections:
    """Fresh sections for a scenario: initial norms and rates, equipment in order.

    ``workforce`` may hold several runs (``model.runs``); each run's sections, mines and
    engineers follow the last run's, numbered as in a run alone plus the run's offset.
    ``base_tons``: each run's ordinary output of a hewer (``production.base_output_tons``,
    which may differ between a batch's runs); by default the scenario's.
    """
    m, n = scenario.mine, workforce.sections
    per_run = m.mines * m.sections
    run, local = np.arange(n) // per_run, np.arange(n) % per_run
    local_mine = local // m.sections
    per_mine = math.ceil(m.sections / m.sections_per_engineer)
    mine_of_section = run * m.mines + local_mine
    local_engineer = local_mine * per_mine + (local % m.sections) // m.sections_per_engineer
    engineer_of_section = run * (per_mine * m.mines) + local_engineer
    # Each engineer's first section (every engineer keeps at least one; numbers ascend).
    first = np.unique(engineer_of_section, return_index=True)[1].astype(np.int64)
    base = (
        np.full(workforce.runs, scenario.production.base_output_tons)
        if base_tons is None
        else base_tons
    )
    return Sections(
        norm_tons=np.full(n, scenario.norms.initial_norm_tons),
        piece_rate=np.full(n, scenario.pay.base_rate_rubles_per_ton),
        baseline_need=workforce.hewers * base[run],
        condition=np.ones(n),
        broken=np.zeros(n, dtype=bool),
        mine_of_section=mine_of_section,
        engineer_of_section=engineer_of_section,
        engineer_first_section=first,
        old_norm=np.full(n, scenario.norms.initial_norm_tons),
        revised_norm=np.full(n, scenario.norms.initial_norm_tons),
    )
