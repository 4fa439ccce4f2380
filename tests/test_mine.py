"""The mine (``model.mine``): the shift as data.

State that lasts across shifts lives in the objects made in ``MineModel.__init__``; what
mechanisms hand each other within a shift is returned and passed on by ``step()``. So
stepping the model never creates an attribute, on the model or on its state objects.
"""

from __future__ import annotations

from stakhanov_sim import MineModel
from stakhanov_sim.model import mine

STATE_OBJECTS = (
    "workforce", "sections", "foremen", "engineers", "campaign", "network", "adopters_nearby",
    "events", "sampler",
)  # fmt: skip


def attribute_names(model: MineModel) -> dict[str, set[str]]:
    """The model's attributes, and one level down those of each state object."""
    names = {"model": set(vars(model))}
    for name in STATE_OBJECTS:
        names[name] = set(vars(getattr(model, name)))
    return names


def test_a_year_of_shifts_creates_no_attribute(small_scenario):
    """Everything a run keeps exists after ``__init__``; a shift only changes values."""
    model = MineModel(small_scenario(end="1936-07-31"))  # from 1 Aug 1935: a year
    after_init = attribute_names(model)
    while model.running:
        model.step()
    assert model.n_shifts > 250
    assert attribute_names(model) == after_init


def test_state_objects_are_the_ones_the_module_documents():
    """Each state object ``__init__`` makes is listed, with its owner, in the module's docstring."""
    model = MineModel()
    for name in (*STATE_OBJECTS[:-1], "streams", "params"):
        assert hasattr(model, name), name
        assert f"``{name}``" in mine.__doc__, name


def test_views_are_made_once_and_state_arrays_are_never_replaced(small_scenario):
    """Mechanisms' records of the workforce's views are kept for the run, so they must keep
    viewing the arrays the shift changes: replacing an array raises, changing it in place
    shows through, and a copy of the workforce views its own arrays."""
    import copy

    import numpy as np
    import pytest

    from stakhanov_sim.model.mechanisms.production import Hewers
    from stakhanov_sim.model.mechanisms.social import Miners
    from stakhanov_sim.model.workforce import TIMBERMAN

    model = MineModel(small_scenario(end="1935-08-10"))
    w = model.workforce
    hewers, miners = w.views(Hewers), w.arrays(Miners)
    while model.running:
        model.step()
    assert w.views(Hewers) is hewers and w.arrays(Miners) is miners
    assert np.shares_memory(hewers.skill, w.skill) and miners.wage_rubles is w.wage_rubles
    assert hewers.skill.shape == (w.sections, w.hewers)
    np.testing.assert_array_equal(hewers.fatigue.ravel(), w.hewer(w.fatigue))
    w.harm[w.hewers + 1] = 0.25  # the second section's second hewer
    assert hewers.harm[1, 1] == 0.25
    timbermen = w.by_section(w.employed, TIMBERMAN)
    assert timbermen.shape == (w.sections, w.timbermen) and np.shares_memory(timbermen, w.employed)
    with pytest.raises(AttributeError, match="in place"):
        w.skill = np.zeros(w.size)
    w.earnings_rubles += 1.0  # in place: allowed
    twin = copy.deepcopy(w)
    twin.views(Hewers).skill[0, 0] = -1.0
    assert twin.skill[0] == -1.0 and w.skill[0] != -1.0
