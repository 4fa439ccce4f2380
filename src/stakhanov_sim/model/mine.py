"""The mine: a Mesa model of one (or many) Donbas coal mines, 1935-1937, one step per shift.

``MineModel.step()`` works one shift, in the order of the process overview (docs/ODD.md);
each line is one mechanism, documented (with the history it models) in its own module under
``stakhanov_sim.model.mechanisms``. What a mechanism hands to the next within a shift is
returned and passed on by ``step()``; what lasts across shifts lives in the state objects
made in ``__init__``, each documented by the module that defines it:

- ``workforce`` (``model.workforce.Workforce``): the miners, one array element per job slot;
- ``sections`` (``model.sections.Sections``): norms, rates, equipment, who is in charge;
- ``foremen``, ``engineers`` (``model.staff``): experience, foot-dragging, who holds each post;
- ``campaign`` (``model.campaign.Campaign``): intensity, scapegoating, records, plan period;
- ``network`` and ``adopters_nearby`` (``model.network``): the workmates' links;
- ``events`` (``model.observation.EventLog``): the event log;
- ``streams`` (``model.streams.Streams``): one random stream per mechanism (in each run);
- ``runs`` (``model.runs.Runs``): how the runs of a batch share the arrays;
- ``params`` (``model.mechanisms.Parameters``): one parameter record per mechanism.

The Mesa agents are views onto these arrays (``model.agents``); a run that keeps only its
tables (``runner.run_batch``) makes none (``mesa_agents=False``).

A model may hold a batch of independent runs of one scenario (``model.runs``): their
sections are stacked along the section axis, so every kernel's pass serves them all, and
what is the mine's as a whole (the campaign's fields, the plan, a shift's tallies) has one
element per run. Each run may follow its own timeline (``timelines``), so a history and its
no-campaign baseline step together, and its own values of the parameters a calibration
sets and of the levers sweeps vary (``varying``, ``mechanisms.PER_RUN``), so a calibration's
particles and a sweep's points step together. A
run's tables are the same in a batch of any size as alone (tests/test_batch.py); a single run
is a batch of one.

How to add a mechanism (say, accidents): write ``model/mechanisms/accidents.py`` with its
history in the docstring, a ``Params`` record and ``params(scenario)``, and functions that
take the state they read and the stream they draw from, change only the state they own and
return what the next mechanism needs (a NamedTuple when several things); a kernel that reads
many workforce arrays names them in a record class made once (``Workforce.views``) and takes
records as plain tuples (``model.compiled`` says why). What the mine has once is an array by
run (a kernel reads a section's as ``values[run_of_section[s]]``, a slot's as
``values[run[k]]``), a count it hands on is one per run, and an event is logged with its run.
Put its parameters
in ``scenarios/schema.py`` (one group, each with default, unit, range, meaning and source),
its record in ``mechanisms.Parameters`` (a parameter a batch's runs may differ in is also
named in ``mechanisms.PER_RUN`` and its field in the module's ``PER_RUN_FIELDS``, and a kernel reads
it by run), its stream at the end of ``Streams`` (it must draw the
same amount every shift, whatever the state: ``Stream.uniform`` draws each run's numbers as
that run alone would), any state that lasts across shifts in a state
object (an existing one, or a new one made in ``__init__``), and one line in ``step()``; what
it reports goes into ``observation.Shift`` (a field, and its place in ``Shift.counts``
or ``Shift.amounts`` and in ``observation.SHIFT_INTS`` or ``SHIFT_FLOATS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from stakhanov_sim.experiments.results import Results
from stakhanov_sim.model import network, observation, runs
from stakhanov_sim.model.agents import Engineer, Foreman, Miner, StaffMember
from stakhanov_sim.model.calendar import working_days
from stakhanov_sim.model.campaign import before_the_campaign
from stakhanov_sim.model.mechanisms import (
    PER_RUN,
    accidents,
    bargain,
    blame,
    equipment,
    management,
    methods,
    parameters,
    pay,
    policy,
    production,
    recognition,
    records,
    reporting,
    repression,
    social,
    supply,
    turnover,
)  # fmt: skip
from stakhanov_sim.model.sections import lay_out
from stakhanov_sim.model.staff import Foremen, Staff
from stakhanov_sim.model.streams import Streams
from stakhanov_sim.model.workforce import eagerness_distribution, layout, skill_distribution
from stakhanov_sim.scenarios.fields import value_at
from stakhanov_sim.scenarios.schema import PolicyEvent, Scenario

if TYPE_CHECKING:
    import pandas as pd

DAYS_A_YEAR = 365.25


def with_values(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """``scenario`` with the per-run parameters ``values`` (dotted keys of ``PER_RUN``) set,
    each checked against the schema's range."""
    unknown = sorted(set(values) - set(PER_RUN))
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: runs of a batch may differ only in {', '.join(PER_RUN)}"
        )
    groups: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        group, name = key.split(".")
        groups.setdefault(group, {})[name] = float(value)
    update = {
        group: type(getattr(scenario, group)).model_validate(
            getattr(scenario, group).model_dump() | fields
        )
        for group, fields in groups.items()
    }
    return scenario.model_copy(update=update)


def per_run_values(scenario: Scenario) -> dict[str, float]:
    """A scenario's values of the parameters a batch's runs may differ in (``PER_RUN``): what
    ``with_values`` sets."""
    return {key: float(value_at(scenario, key)) for key in PER_RUN}


class MineModel(mesa.Model):
    """A coal mine under the Stakhanovite campaign (or a batch of independent runs of one).

    Args:
        scenario: the whole experiment (defaults: the mine without any campaign events).
        rng: seed or ``numpy.random.Generator`` from which the mechanisms' streams are
            spawned; ``None`` uses ``scenario.seed``. A list of seeds (or ``SeedSequence``s)
            makes a batch: one run per seed, stepped together (``model.runs``), each with the
            tables it would have alone.
        replicate: number written in the ``replicate`` column of the results (a list, one
            per run, for a batch).
        mesa_agents: make a Mesa agent for every miner, foreman and engineer (for a model
            stepped by hand, the app and the notebooks; a single run only). Without them
            (ensembles, sweeps, calibration: only the tables are kept) the people are the
            arrays alone and their ids come from the same counter, so the tables are the
            same; a large mine's hiring and leaving cost a fifth of its shift in Mesa's
            bookkeeping.
        timelines: each run's policy events (one list per run), for a batch whose runs follow
            different timelines (a history with its no-campaign baseline); ``None``: the
            scenario's for every run.
        varying: each run's values of parameters that may differ between a batch's runs
            (one dict of dotted keys of ``mechanisms.PER_RUN`` per run; the scenario's value
            for a key not given), for a batch of a calibration's particles or a sweep's
            points; ``None``: the scenario's for every run.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng=None,
        replicate: int | list[int] = 0,
        mesa_agents: bool = True,
        timelines: list[list[PolicyEvent]] | None = None,
        varying: list[dict[str, float]] | None = None,
    ) -> None:
        scenario = scenario if scenario is not None else Scenario()
        seeds = rng if isinstance(rng, list) else None
        super().__init__(rng=scenario.seed if rng is None else (seeds[0] if seeds else rng))
        generators = [self.rng] if seeds is None else [np.random.default_rng(s) for s in seeds]
        count = len(generators)
        if mesa_agents and count > 1:
            raise ValueError("Mesa agents are made for a single run, not a batch")
        if timelines is not None and len(timelines) != count:
            raise ValueError(f"{len(timelines)} timelines for {count} runs: give one per run")
        if varying is not None and len(varying) != count:
            raise ValueError(f"{len(varying)} sets of values for {count} runs: give one per run")
        self.config, self.mesa_agents = scenario, mesa_agents
        self.replicates = [replicate] if isinstance(replicate, int) else list(replicate)
        self.replicate = self.replicates[0]
        self.dates = working_days(scenario.calendar)
        self.n_shifts = len(self.dates)
        self.shift = 0
        self.running = self.n_shifts > 0
        self.params = parameters(
            scenario,
            count,
            None if varying is None else [with_values(scenario, v) for v in varying],
        )
        self.workforce = w = layout(scenario, count)
        self.sections = lay_out(scenario, w, self.params.production.base_tons)
        self.runs = runs.of(w, scenario.mine.mines, self.sections.n_engineers)
        self.streams = Streams.spawn(generators, self.runs)
        self.events = observation.EventLog(scenario.output.log_individual_events, count)
        self.campaign = before_the_campaign(scenario, count)
        self.foremen = Foremen(w.sections)
        self.engineers = Staff(self.sections.n_engineers)
        self.network = network.build(
            w, self.runs, scenario.mine.within_section_links, scenario.mine.cross_section_links,
            self.streams.network,
        )  # fmt: skip
        self.adopters_nearby = network.Tally(self.network, w.adopted)
        self.miner_in_slot: list[Miner | None] = [None] * w.size
        self.next_id = np.full(count, self.agent_id_counter, dtype=np.int64)  # each run's ids
        self.hire_into(np.arange(w.size))
        alone = np.repeat(np.arange(3), self.runs.trade_slots)  # a run's trades, slot by slot
        self.pre_campaign_bill = float(turnover.expected_wage(alone, self.params.turnover).sum())
        self.staff_agents = self._appoint_staff()
        self.last_shift: observation.Shift | None = None
        self.datacollector = observation.ShiftCollector(self.dates, w)
        self.ledger = self.datacollector.ledger  # the last shift's row of the model table
        self.sampler = observation.AgentSampler(self, self.streams.sampling)
        self.policy_actions = policy.schedule_timeline(
            self, [scenario.campaign.events] * count if timelines is None else timelines
        )

    # ----------------------------------------------------------------- the shift
    def step(self) -> None:
        """Work one shift (docs/ODD.md, "Process overview"); policy events ran just before."""
        if self.steps > self.n_shifts:  # past the last shift (an app asked for more): no-op
            self.running = False
            return
        self.shift = n = self.steps - 1
        self.events.shift = n
        w, sections, campaign, foremen, engineers = (
            self.workforce, self.sections, self.campaign, self.foremen, self.engineers
        )  # fmt: skip
        rng, p, log, runs = self.streams, self.params, self.events, self.runs

        today, tomorrow = self.dates[n], self.dates[min(n + 1, self.n_shifts - 1)]
        years = (today - self.dates[0]).days / DAYS_A_YEAR

        # 0. Between shifts, the norms are bargained over: resentful sections win back slack,
        #    and the trust, reviewing the wage fund with the plan, takes some back.
        bargain.win_back_slack(
            sections.norm_tons, sections.revised_norm, sections.old_norm,
            w.by_section(w.resentment), w.run_of_section, p.bargain,
        )  # fmt: skip
        bargain.watch_the_fund(
            campaign, sections, runs, runs.slot_sums(w.wage_rubles), self.pre_campaign_bill,
            years, n, p.bargain, log,
        )  # fmt: skip
        # 1. Foremen put hewers forward for records and favour their Stakhanovites; those who
        #    work the new way without special conditions divide the labour with the timbermen.
        attempts = records.put_forward(rng.records, w, sections, foremen, campaign, p.records)
        records.grant_special_conditions(w, foremen, attempts, p.records)
        diverted = records.assign_helpers(w, sections, campaign, attempts, p.records)
        methods.divide_labour(
            w.by_section(w.adopted), w.by_section(w.special), w.by_section(w.employed),
            w.by_section(w.support), p.methods.division_gain, w.run_of_section,
        )  # fmt: skip
        # 2. Hewers cut coal with the supplies they get, on faces concentrated as far as the
        #    trust has got; records are registered; accidents happen.
        intended = production.intended_output(
            rng.production, w, foremen, campaign.intensity, attempts, p.production
        )
        supplies = supply.allocate(rng.supply, w, sections, intended, p.supply)
        records.stock_the_attempts(supplies.factor, attempts)
        methods.concentrate(campaign.concentration, campaign.concentration_target, p.methods)
        technique = methods.technique(campaign.concentration, p.methods)
        output = production.realise(w, sections, intended, supplies.factor, technique, p.production)
        records_set = records.register_records(w, sections, campaign, attempts, p.records, log)
        production.tire(w, campaign.intensity, p.production)
        hurt = accidents.happen(
            rng.accidents, w, sections.condition, attempts, campaign.intensity, p.accidents
        )
        # 3. Equipment wears and breaks; everyone is paid.
        wear = (
            output.pace * methods.wear_factor(campaign.concentration, p.methods)[w.run_of_section]
        )
        equipment.update(rng.equipment, sections, engineers, wear, p.equipment)
        pay.pay(w, sections, p.pay)
        turnover.remember_wages(w, p.turnover)
        # 4. Titles, the spread of the methods (press, workmates, schools), resentment, the
        #    slack won back from the norms, and sanctions by workmates and supervisors.
        new_titles = recognition.update_titles(
            w, attempts, campaign.intensity, n, p.recognition, log
        )
        recognition.spread_methods(
            rng.recognition, w, self.network, self.adopters_nearby, campaign.intensity,
            p.recognition,
        )  # fmt: skip
        methods.school(rng.methods, w.hewer(w.adopted), w.hewer(w.employed), campaign.schools, p.methods)  # fmt: skip
        social.update_resentment(
            w, sections, self.network, supplies.factor, new_titles, campaign.norm_raise, p.social
        )
        sanctions = social.sanction(rng.social, w, p.social, log)
        by_supervisors = social.supervisors_sanction(
            rng.supervisors, w, foremen.refusing, p.social, log
        )
        # 5. The dead are carried out, the arrested taken; miners quit, recruits arrive.
        self.retire_miners(accidents.carry_out(w, hurt, log))
        arrested = repression.arrests(rng.repression, w, campaign.mass_operation, p.repression)
        self.retire_miners(repression.take(w, arrested, log))
        leavers = turnover.quit_mine(rng.turnover, w, p.turnover, log)
        self.retire_miners(leavers)
        recruits = turnover.vacancies_filled(rng.turnover, w, p.turnover)
        self.hire_into(recruits, start=self.config.social.recruit_skill)
        turnover.learn(w, p.turnover)
        # 6. Foremen drag their feet (next shift); Stakhanovites denounce them, fatal accidents
        #    bring engineers to trial; the mine reports to the trust, which reviews the plan
        #    and the wage fund; the accused are removed.
        sabotage = management.drag_feet(
            rng.management, foremen, diverted, supplies.section_shortfall, sections.broken,
            campaign.intensity, p.management, log,
        )  # fmt: skip
        management.learn(foremen, engineers, p.management)
        below = blame.denounced(
            rng.blame, foremen.refusing, w, foremen.appointed, n, campaign.scapegoating, p.blame
        )
        below_removed = self._remove(below)
        after_accidents = blame.tried(
            rng.blame, hurt.fatal_sections, sections.engineer_of_section, engineers.appointed, n,
            campaign.scapegoating, p.blame,
        )  # fmt: skip
        after_accidents_removed = self._remove(after_accidents)
        plan = management.plan_tons(
            self.dates[0], today, runs.hewer_slots, campaign.last_year_reported, p.management
        )
        reported = reporting.report(
            output.tons, campaign.period_reported, campaign.period_plan, p.reporting
        )
        management.close_the_year(campaign, reported, today, tomorrow)
        review = management.review_plan(
            rng.management, campaign, foremen, engineers, n, output.tons, reported, plan,
            p.management, p.blame,
        )  # fmt: skip
        above_removed = self._remove(
            blame.from_the_plan(review.accused_foremen, review.accused_engineers, review.shortfall)
        )
        # 7. Observation.
        per_run = runs.count_by_run  # how many of the slots given fall in each run
        self._observe(
            observation.Shift(
                number=n, output_tons=output.tons, plan_tons=plan, supplies=supplies,
                records_set=records_set,
                sanctions=social.Sanctions(
                    sanctions.count + by_supervisors.count,
                    sanctions.on_stakhanovites + by_supervisors.on_stakhanovites,
                ),
                sabotage_acts=sabotage,
                accusations=above_removed + after_accidents_removed + below_removed,
                quits=per_run(w, leavers), hires=per_run(w, recruits),
                norm_raise=campaign.norm_raise.copy(), reported_tons=reported,
                accidents=per_run(w, hurt.injured) + per_run(w, hurt.killed),
                fatal_accidents=per_run(w, hurt.killed), arrests=per_run(w, arrested),
                accused_above=above_removed, accused_after_accidents=after_accidents_removed,
                accused_below=below_removed,
            )
        )  # fmt: skip
        campaign.norm_raise[:] = 0.0  # a revision's raise weighs on the one shift after it

    def _remove(self, accused: blame.Accused) -> np.ndarray:
        """Remove the accused from their posts (the period's charge); how many in each run."""
        return management.remove_accused(
            accused, self.foremen, self.engineers, self.campaign.charge, self.runs.count,
            self.appoint, self.params.management, self.events,
        )  # fmt: skip

    def _observe(self, shift: observation.Shift) -> None:
        self.running = shift.number + 1 < self.n_shifts
        self.last_shift = shift
        self.datacollector.collect(self)  # the shift's row of the model table (and ledger)
        self.sampler.maybe_sample(self)

    @property
    def intensity(self) -> float:
        """The campaign's intensity now (the first run's ``campaign.intensity``; for the app)."""
        return float(self.campaign.intensity[0])

    # ----------------------------------------------------------------- people
    def hire_into(self, slots: np.ndarray, start: float = 1.0) -> None:
        """New miners in ``slots``: drawn skill and eagerness, fresh state (and Mesa agents).

        Each run's recruits draw from its own stream, in slot order, and take its next ids.

        Args:
            start: share of his full skill a newcomer brings (1 for the first workforce).
        """
        if slots.size == 0:
            return
        w, m, stream = self.workforce, self.config.mine, self.streams.recruits
        distributions = (  # each run's skill (read for hewers only), then eagerness
            skill_distribution(m.skill_sigma),
            eagerness_distribution(m.eagerness_a, m.eagerness_b),
        )
        run_of = w.run[slots]
        order = np.argsort(run_of, kind="stable")  # each run's recruits together, in slot order
        counts = np.bincount(run_of, minlength=self.runs.count)
        skill, eager = np.empty(slots.size), np.empty(slots.size)
        skill[order], eager[order] = stream.by_run(counts, *distributions)
        if self.mesa_agents:  # (a single run)
            ids = self._new_miners(slots)
        else:
            ids = np.empty(slots.size, dtype=np.int64)
            ids[order] = self._take_ids(counts)
        wages = turnover.expected_wages(self.params.turnover)
        w.fill(slots, skill, eager, ids, wages, start=start)

    def _new_miners(self, slots: np.ndarray) -> np.ndarray:
        """Mesa agents for new miners in ``slots`` (a single run); their ids."""
        ids = np.empty(slots.size, dtype=np.int64)
        for k, slot in enumerate(slots.tolist()):
            agent = Miner(self, slot)
            self.miner_in_slot[slot] = agent
            ids[k] = agent.unique_id
        return ids

    def retire_miners(self, slots: np.ndarray) -> None:
        """The miners in ``slots`` leave the mine (and the model's agent sets)."""
        if not self.mesa_agents:
            return  # the arrays say who is gone (``Workforce.employed``)
        for slot in slots.tolist():
            agent = self.miner_in_slot[slot]
            if agent is not None:
                agent.index = -1
                agent.remove()
                self.miner_in_slot[slot] = None

    def _appoint_staff(self) -> dict[int, StaffMember]:
        for staff, cls in ((self.foremen, Foreman), (self.engineers, Engineer)):
            if not self.mesa_agents:
                per_run = staff.size // self.runs.count  # posts are laid out run after run
                staff.agent_id[:] = self._take_ids(np.full(self.runs.count, per_run))
                continue
            for i in range(staff.size):
                staff.agent_id[i] = cls(self, i).unique_id
        return {a.unique_id: a for a in self.agents if isinstance(a, StaffMember)}

    def _take_ids(self, counts: np.ndarray) -> np.ndarray:
        """Each run's next ``counts[run]`` ids, run after run, for people without a Mesa agent
        (each run counts as Mesa's counter would in a model of its own)."""
        rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        ids = np.repeat(self.next_id, counts) + rank
        self.next_id += counts
        return ids

    def appoint(self, staff: Staff, index: int, experience: float) -> tuple[int, int, int]:
        """Remove the foreman or engineer in post ``index``; appoint a newcomer; the post's
        run and both ids."""
        run = index // (staff.size // self.runs.count)
        old_id = int(staff.agent_id[index])
        if self.mesa_agents:
            old = self.staff_agents.pop(old_id)
            old.remove()
            new = type(old)(self, index)
            self.staff_agents[new.unique_id] = new
            staff.agent_id[index] = new.unique_id
        else:
            staff.agent_id[index] = self._take_ids(np.bincount([run], minlength=self.runs.count))[0]
        staff.experience[index] = experience
        staff.appointed[index] = self.shift
        if isinstance(staff, Foremen):
            staff.sabotage_count[index] = 0
        return run, old_id, int(staff.agent_id[index])

    # ----------------------------------------------------------------- results
    def results(self, runs: range | None = None, numbers: list[int] | None = None) -> Results:
        """The run's three tables (the manifest is added by ``stakhanov_sim.run``); for a
        batch, every run's (or those of its ``runs``: a batch may hold a history's runs and
        its baseline's), one after another, each numbered with its replicate (or
        ``numbers``, one for each of ``runs``)."""
        return Results(
            model=self.model_table(runs, numbers),
            agents=self.agent_table(runs, numbers),
            events=self.event_table(runs, numbers),
        )

    def model_table(
        self, runs: range | None = None, numbers: list[int] | None = None
    ) -> pd.DataFrame:
        """The model table of ``results``."""
        runs, numbers = self._numbered(runs, numbers)
        if self.runs.count == 1 and len(runs) == 1:
            table = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
            table.insert(0, "replicate", numbers[0])
            return table
        return self.datacollector.table(numbers, runs)

    def agent_table(
        self, runs: range | None = None, numbers: list[int] | None = None
    ) -> pd.DataFrame:
        """The agent table of ``results``."""
        runs, numbers = self._numbered(runs, numbers)
        return self.sampler.table(numbers, runs)

    def event_table(
        self, runs: range | None = None, numbers: list[int] | None = None
    ) -> pd.DataFrame:
        """The event table of ``results``."""
        runs, numbers = self._numbered(runs, numbers)
        return self.events.table(numbers, self.dates, runs)

    def _numbered(self, runs: range | None, numbers: list[int] | None) -> tuple[range, list[int]]:
        """The batch's ``runs`` (all by default) and their replicate numbers (their own by
        default)."""
        runs = range(self.runs.count) if runs is None else runs
        numbers = self.replicates[runs.start : runs.stop] if numbers is None else list(numbers)
        if (
            len(numbers) != len(runs)
            or runs.step != 1
            or not 0 <= runs.start <= runs.stop <= self.runs.count
        ):
            raise ValueError(f"runs {runs} of a batch of {self.runs.count}, numbered {numbers}")
        return runs, numbers
