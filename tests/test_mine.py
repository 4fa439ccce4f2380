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
