"""The default scenario runs to the end of its calendar and fills the output contract."""

from stakhanov_sim import MineModel
from stakhanov_sim.experiments.results import AGENT_COLUMNS, EVENT_COLUMNS, MODEL_COLUMNS


def test_history_runs_to_the_end_of_1937(history):
    model = MineModel(history)
    while model.running:
        model.step()
    results = model.results()
    assert model.steps == model.n_shifts
    assert list(results.model.columns[: len(MODEL_COLUMNS)]) == MODEL_COLUMNS
    assert list(results.agents.columns) == AGENT_COLUMNS
    assert list(results.events.columns) == EVENT_COLUMNS
    assert results.model["date"].iloc[-1].year == 1937
    assert (results.events["event"] == "record").any()
