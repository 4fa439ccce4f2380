"""Every behavioural number is a parameter of the scenario (``scenarios/schema.py``).

So it can be set in a config or with ``--set``, swept, calibrated and found in
``docs/parameters.md``. Model modules may hold module-level numbers only when they are not
behaviour: codes of arrays and the scheduler's offset, listed here with the reason.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import numbers
import pkgutil

import numpy as np
import pytest

from stakhanov_sim import MineModel, load_scenario, model
from stakhanov_sim.experiments.calibrated import schema_range
from stakhanov_sim.experiments.runner import run_batch
from stakhanov_sim.model import mechanisms
from stakhanov_sim.scenarios import fields, paramdoc
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.scenarios.yamlread import ConfigError

NOT_BEHAVIOUR = {
    "stakhanov_sim.model.workforce": {"HEWER", "TIMBERMAN", "HAULER"},  # codes of ``trade``
    "stakhanov_sim.model.mechanisms.policy": {"BEFORE_SHIFT"},  # events run between steps
    "stakhanov_sim.model.mine": {"DAYS_A_YEAR"},  # the calendar's, for years since the start
    "stakhanov_sim.model.staff": {"LONG_AGO"},  # the first holders' appointment: a sentinel
    "stakhanov_sim.model.mechanisms.accidents": {"PER_THOUSAND"},  # the source's unit
    # a row's layout; how many runs the agent table is made at a time
    "stakhanov_sim.model.observation": {"N_SHIFT_INTS", "N_SHIFT_FLOATS", "CHUNK_RUNS"},
    "stakhanov_sim.model.streams": {"NORMAL_FILL"},  # a C function's address in this process
    "stakhanov_sim.model.pcg64": {"MULTIPLIER_HI", "MULTIPLIER_LO"},  # NumPy's PCG64's own
}
FORMER_CONSTANTS = [
    "social.contagion", "social.violence_harm", "equipment.broken_priority",
    "equipment.working_condition", "norms.top_share", "management.shortfall_unit",
    "management.staff_unit", "mine.eagerness_a", "mine.eagerness_b",
]  # fmt: skip


def model_modules():
    for package in (model, mechanisms):
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                yield importlib.import_module(f"{package.__name__}.{info.name}")


def assigned_here(module) -> set[str]:
    """Names a module assigns at its top level (not those it imports)."""
    tree = ast.parse(inspect.getsource(module))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            for leaf in ast.walk(target) if target is not None else ():
                if isinstance(leaf, ast.Name):
                    names.add(leaf.id)
    return names


@pytest.mark.parametrize("module", list(model_modules()), ids=lambda m: m.__name__)
def test_no_model_module_holds_a_bare_number(module):
    """Module-level numbers (or tuples of them) are parameters in disguise."""
    allowed = NOT_BEHAVIOUR.get(module.__name__, set())
    values = vars(module)
    bare = {name for name in assigned_here(module) - allowed if _numeric(values.get(name))}
    assert not bare, f"{module.__name__}: move {sorted(bare)} into scenarios/schema.py"


def _numeric(value) -> bool:
    if isinstance(value, tuple):
        return any(_numeric(v) for v in value)
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def test_former_constants_are_documented_parameters():
    keys = {
        key for _, prefix, group in paramdoc.groups() for key, _ in paramdoc.rows(group, prefix)
    }
    text = paramdoc.render()
    for key in FORMER_CONSTANTS:
        assert key in keys, key
        assert f"| `{key}` |" in text, key


def test_a_former_constant_changes_the_run_when_set(small_scenario):
    """Setting one in a config reaches the mechanism (here the spread of resentment)."""

    def resentment(contagion: float) -> float:
        scenario = small_scenario(end="1935-12-31", overrides={"social.contagion": contagion})
        model = MineModel(scenario)
        while model.running:
            model.step()
        return float(model.workforce.resentment.sum())

    assert resentment(0.05) != resentment(0.5)


def test_the_title_bonus_reaches_earnings_and_nothing_else(small_scenario):
    """docs/parameters.md: ``recognition.bonus_rubles`` adds to a miner's earnings only; no
    mechanism reads it and no table reports it (a sweep over it changes no outcome)."""

    def stepped(bonus: float) -> MineModel:
        scenario = small_scenario(end="1935-12-31", overrides={"recognition.bonus_rubles": bonus})
        model = MineModel(scenario)
        while model.running:
            model.step()
        return model

    plain, rewarded = stepped(0.0), stepped(5000.0)
    assert rewarded.workforce.earnings_rubles.sum() > plain.workforce.earnings_rubles.sum()
    for name in ("model", "agents", "events"):
        a, b = getattr(plain.results(), name), getattr(rewarded.results(), name)
        assert a.equals(b), name


# Parameters read only in some settings: the setting in which each must change a table.
ACTS_ONLY_WITH = {
    "pay.support_share": {"pay.support_pay": "share"},
    "norms.fixed_raise": {"norms.rule": "fixed"},
    "norms.top_share": {"recognition.title_threshold": 100.0},  # a revision with no titles
    "management.shortfall_tolerance": {"management.scapegoating_rate": 3.0},
    "management.sabotage_weight": {"management.scapegoating_rate": 3.0},
    "accidents.record_risk": {"accidents.fatal_per_1000_year": 100.0},  # rare in a small mine
    "accidents.wear_risk": {"accidents.fatal_per_1000_year": 100.0},
    "accidents.trial_chance": {"accidents.fatal_per_1000_year": 100.0},
    # docs/calibration.md: the trust never finds the fund overspent at the defaults
    "bargain.wage_fund_growth": {"bargain.wage_fund_tolerance": 0.0},
    "bargain.wage_fund_tolerance": {"bargain.wage_fund_growth": 0.0},
    "bargain.tightening": {"bargain.wage_fund_growth": 0.0, "bargain.wage_fund_tolerance": 0.0},
}
REACHES_NO_TABLE = {"recognition.bonus_rubles"}  # earnings only (its meaning says so)
BEHAVIOUR_GROUPS = (
    "mine", "production", "records", "supply", "equipment", "pay", "norms", "recognition",
    "social", "management", "methods", "accidents", "reporting", "bargain", "blame",
)  # fmt: skip
SMALL_MINE = {"mine.sections": 4}


def _tables(setting: dict, variants: list[dict]) -> list[tuple]:
    """Each variant's three tables: a run of the small mine in ``setting`` with the variant's
    values, all with the scenario's seed. Variants of the parameters a batch's runs may
    differ in (``mechanisms.PER_RUN``) step as one batch, which gives each run the tables it
    has alone (tests/test_batch.py); the others step one by one."""
    scenario = load_scenario("history_1935_37", {**SMALL_MINE, **setting})
    together = [v for v in variants if set(v) <= set(mechanisms.PER_RUN)]
    tables = {}
    if together:
        runs = list(range(len(together)))
        seeds = [np.random.SeedSequence(scenario.seed) for _ in runs]  # (spawning is stateful)
        results = run_batch(scenario, seeds, runs, varying=together)
        for run, variant in zip(runs, together, strict=True):
            tables[id(variant)] = _of_run(results, run)
    for variant in variants:
        if id(variant) not in tables:
            alone = load_scenario("history_1935_37", {**SMALL_MINE, **setting, **variant})
            results = run_batch(alone, [np.random.SeedSequence(alone.seed)], [0])
            tables[id(variant)] = _of_run(results, 0)
    return [tables[id(variant)] for variant in variants]


def _of_run(results, run: int) -> tuple:
    """One run's three tables, without the replicate's number."""
    return tuple(
        table[table["replicate"] == run].drop(columns="replicate").reset_index(drop=True)
        for table in (results.model, results.agents, results.events)
    )


def _valid(setting: dict, key: str, value) -> bool:
    """Whether the small mine in ``setting`` may take ``value`` for ``key`` (a mine without
    timbermen, say, cannot put two behind a record)."""
    try:
        load_scenario("history_1935_37", {**SMALL_MINE, **setting, key: value})
    except ConfigError:
        return False
    return True


def _other_values(key: str, default) -> list:
    """Values to try instead of the default: four times it (within its upper bound), then
    its lower bound (``_valid`` drops one it may not reach); a switch flipped."""
    if isinstance(default, bool):
        return [not default]
    low, high = schema_range(key)
    up, down = min(default * 4 if default else 1.0, high), max(low, 0.0)
    if isinstance(default, int):
        up, down = max(int(up), default + 1), int(down)
    return [value for value in (up, down) if value != default]


@pytest.mark.slow
def test_every_behavioural_parameter_changes_some_table():
    """A parameter that changes nothing is a claim the code does not keep: set each number or
    switch of the model's groups away from its default (in a small mine over the whole
    calendar) and some table must change, in the setting where the parameter acts."""
    settings: dict[tuple, list] = {}  # setting: (key, variants) to try in it
    for group in BEHAVIOUR_GROUPS:
        for key, _ in fields.leaves(Scenario.model_fields[group].annotation, f"{group}."):
            if "[" in key or key in REACHES_NO_TABLE or key in SMALL_MINE or key == "mine.mines":
                continue
            setting = ACTS_ONLY_WITH.get(key, {})
            default = fields.value_at(
                load_scenario("history_1935_37", {**SMALL_MINE, **setting}), key
            )
            if isinstance(default, (bool, int, float)):  # (choices are tested where read)
                values = [v for v in _other_values(key, default) if _valid(setting, key, v)]
                settings.setdefault(tuple(sorted(setting.items())), []).append((key, values))
    inert = []
    for setting, tried in settings.items():
        changed: set[str] = set()
        for attempt in range(2):  # a second value only for those the first left unchanged
            now = [(key, values[attempt]) for key, values in tried
                   if key not in changed and len(values) > attempt]  # fmt: skip
            baseline, *others = _tables(dict(setting), [{}] + [{k: v} for k, v in now])
            changed |= {k for (k, _), tables in zip(now, others, strict=True)
                        if not all(a.equals(b) for a, b in zip(baseline, tables, strict=True))}  # fmt: skip
        inert += [key for key, _ in tried if key not in changed]
    assert not inert, f"these parameters change no table: {inert}"
