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

import pytest

from stakhanov_sim import MineModel, model
from stakhanov_sim.model import mechanisms
from stakhanov_sim.scenarios import paramdoc

NOT_BEHAVIOUR = {
    "stakhanov_sim.model.workforce": {"HEWER", "TIMBERMAN", "HAULER"},  # codes of ``trade``
    "stakhanov_sim.model.mechanisms.policy": {"BEFORE_SHIFT"},  # events run between steps
    "stakhanov_sim.model.mine": {"DAYS_A_YEAR"},  # the calendar's, for years since the start
    "stakhanov_sim.model.staff": {"LONG_AGO"},  # the first holders' appointment: a sentinel
    "stakhanov_sim.model.mechanisms.accidents": {"PER_THOUSAND"},  # the source's unit
    "stakhanov_sim.model.observation": {"N_SHIFT_INTS", "N_SHIFT_FLOATS"},  # a row's layout
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
