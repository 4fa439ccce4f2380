"""The mine: a Mesa model of one (or many) Donbas coal mines, 1935-1937, one step per shift.

``MineModel.step()`` works one shift, in the order of DESIGN.md's process overview; each
call is one mechanism, documented (with the history it models) in its own module under
``stakhanov_sim.model.mechanisms``. Miners' numeric state lives in NumPy arrays
(``stakhanov_sim.model.workforce``); the Mesa agents are views onto it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from stakhanov_sim.experiments.results import Results
from stakhanov_sim.model import network, observation
from stakhanov_sim.model.agents import Engineer, Foreman, Miner, StaffMember
from stakhanov_sim.model.calendar import working_days
from stakhanov_sim.model.mechanisms import (
    equipment,
    management,
    pay,
    policy,
    production,
    recognition,
    records,
    social,
    supply,
    turnover,
)  # fmt: skip
from stakhanov_sim.model.workforce import HEWER, Staff, draw_eagerness, draw_skill, layout
from stakhanov_sim.scenarios.schema import Scenario

INDIVIDUAL_EVENTS = frozenset({"title", "title lost", "sanction", "quit"})


class MineModel(mesa.Model):
    """A coal mine under the Stakhanovite campaign.

    Args:
        scenario: the whole experiment (defaults: the mine without any campaign events).
        rng: seed or ``numpy.random.Generator`` for the run's single random stream;
            ``None`` uses ``scenario.seed``.
        replicate: number written in the ``replicate`` column of the results.
    """

    def __init__(self, scenario: Scenario | None = None, *, rng=None, replicate: int = 0) -> None:
        scenario = scenario if scenario is not None else Scenario()
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.config, self.replicate = scenario, replicate
        self.dates = working_days(scenario.calendar)
        self.n_shifts = len(self.dates)
        self.shift = 0
        self.running = self.n_shifts > 0
        self._init_policy()
        self._init_mine()
        self._init_people()
        self._reset_counters()
        self.datacollector = observation.collector()
        self.sampler = observation.AgentSampler(self)
        self.events = observation.EventLog()
        policy.schedule_timeline(self)

    # ----------------------------------------------------------------- set-up
    def _init_policy(self) -> None:
        mines = self.config.mine.mines
        self.intensity = 0.0  # campaign intensity, set by the timeline
        self.scapegoating = 0.0  # the trust's readiness to blame, set by the timeline
        self.staged_record = False
        self.policy_actions: list = []
        self.best_fulfilment = np.zeros(mines)
        self.record_helpers = np.full(mines, float(self.config.records.helpers_per_record))
        self.period_output = self.period_plan = 0.0

    def _init_mine(self) -> None:
        s = self.config
        self.workforce = w = layout(s)
        self.mine_of_section = np.arange(w.sections) // s.mine.sections
        per_mine = math.ceil(s.mine.sections / s.mine.sections_per_engineer)
        local = (np.arange(w.sections) % s.mine.sections) // s.mine.sections_per_engineer
        self.engineer_of_section = self.mine_of_section * per_mine + local
        n_engineers = per_mine * s.mine.mines
        self.engineer_first_section = np.array(
            [np.flatnonzero(self.engineer_of_section == e)[0] for e in range(n_engineers)]
        )
        self.norm_tons = np.full(w.sections, s.norms.initial_norm_tons)
        self.piece_rate = np.full(w.sections, s.pay.base_rate_rubles_per_ton)
        self.baseline_need = np.full(w.sections, w.hewers * s.production.base_output_tons)
        self.condition = np.ones(w.sections)
        self.broken = np.zeros(w.sections, dtype=bool)
        self.network = network.build(
            w, s.mine.within_section_links, s.mine.cross_section_links, self.rng
        )
        self.adopters_nearby = network.Tally(self.network, w.adopted)
        self.foremen = Staff(w.sections)
        self.engineers = Staff(n_engineers)

    def _init_people(self) -> None:
        w = self.workforce
        self.miner_in_slot: list[Miner | None] = [None] * w.size
        self.hire_into(np.arange(w.size))
        for staff, cls in ((self.foremen, Foreman), (self.engineers, Engineer)):
            for i in range(staff.size):
                staff.agent_id[i] = cls(self, i).unique_id
        self.staff_agents = {a.unique_id: a for a in self.agents if isinstance(a, StaffMember)}

    def _reset_counters(self) -> None:
        w = self.workforce
        self.attempt_slots = np.zeros(0, dtype=np.int64)
        self.records_this_shift = self.sanctions_this_shift = self.quits_this_shift = 0
        self.hires_this_shift = self.sabotage_this_shift = self.accusations_this_shift = 0
        self.sanctions_on_stakhanovites = 0
        self.norm_raise_today = 0.0
        self.new_titles_by_section = np.zeros(w.sections, dtype=np.int64)

    # ----------------------------------------------------------------- the shift
    def step(self) -> None:
        """Work one shift (DESIGN.md, "Process overview"); policy events ran just before."""
        if self.steps > self.n_shifts:  # past the last shift (an app asked for more): no-op
            self.running = False
            return
        self.shift = self.steps - 1
        records.put_forward(self)
        records.grant_special_conditions(self)
        records.assign_helpers(self)
        intended = production.intended_output(self)
        self.supply_factor = supply.allocate(self, intended)
        production.realise(self, intended, self.supply_factor)
        records.register_records(self)
        production.tire(self)
        equipment.update(self)
        pay.pay(self)
        recognition.update_titles(self)
        recognition.spread_methods(self)
        social.update_resentment(self)
        social.sanction(self)
        turnover.quit_mine(self)
        turnover.hire(self)
        turnover.learn(self)
        management.drag_feet(self)
        management.learn(self)
        self.plan_this_shift = management.plan_tons(self)
        management.review_plan(self)
        self._observe()
        self._reset_counters()

    def _observe(self) -> None:
        self.running = self.shift + 1 < self.n_shifts
        observation.fill_ledger(self)
        self.datacollector.collect(self)
        self.sampler.maybe_sample(self)

    # ----------------------------------------------------------------- people
    def hire_into(self, slots: np.ndarray, start: float = 1.0) -> None:
        """New miners in ``slots``: drawn skill and eagerness, fresh state, Mesa agents.

        Args:
            start: share of his full skill a newcomer brings (1 for the first workforce).
        """
        w = self.workforce
        skill = draw_skill(self.rng, slots.size, self.config.mine.skill_sigma)
        skill[w.trade[slots] != HEWER] = 1.0  # support trades: skill is the hewers' concern
        eager = draw_eagerness(self.rng, slots.size)
        w.fill(slots, skill, eager, self.recruit_miners(slots), start=start)

    def recruit_miners(self, slots: np.ndarray) -> np.ndarray:
        """New Miner agents for ``slots``; returns their ids."""
        ids = np.empty(slots.size, dtype=np.int64)
        for k, slot in enumerate(slots.tolist()):
            agent = Miner(self, slot)
            self.miner_in_slot[slot] = agent
            ids[k] = agent.unique_id
        return ids

    def retire_miners(self, slots: np.ndarray) -> None:
        """The miners in ``slots`` leave the mine (and the model's agent sets)."""
        for slot in slots.tolist():
            agent = self.miner_in_slot[slot]
            if agent is not None:
                agent.index = -1
                agent.remove()
                self.miner_in_slot[slot] = None

    def replace_staff(self, staff: Staff, index: int, experience: float) -> int:
        """Remove the foreman or engineer in post ``index``; appoint a newcomer; his id."""
        old = self.staff_agents.pop(int(staff.agent_id[index]))
        old.remove()
        new = type(old)(self, index)
        self.staff_agents[new.unique_id] = new
        staff.agent_id[index] = new.unique_id
        staff.experience[index] = experience
        staff.sabotage_count[index] = 0
        return new.unique_id

    # ----------------------------------------------------------------- logging
    def log(
        self,
        event: str,
        actor: int = -1,
        target: int = -1,
        detail: str = "",
        shift: int | None = None,
    ) -> None:
        """Add one event to the log (``shift`` defaults to the current one)."""
        self.events.add(self.shift if shift is None else shift, event, actor, target, detail)

    def log_many(self, event: str, actors, targets=None, detail="") -> None:
        """Add one event per actor; individual events can be switched off for big runs."""
        if len(actors) == 0 or (
            event in INDIVIDUAL_EVENTS and not self.config.output.log_individual_events
        ):
            return
        self.events.add_many(self.shift, event, actors, targets, detail)

    # ----------------------------------------------------------------- results
    def results(self) -> Results:
        """The run's three tables (the manifest is added by ``stakhanov_sim.run``)."""
        table = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        table.insert(0, "replicate", self.replicate)
        return Results(
            model=table,
            agents=self.sampler.table(self.replicate),
            events=self.events.table(self.replicate, self.dates),
        )
