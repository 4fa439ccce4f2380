"""The same config and seed give identical tables; other seeds give other histories.

A run is a function of its scenario and its seed alone: not of how many processes ran the
replicates, nor of what ran before it in the same interpreter.
"""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim import run

END = "1936-03-31"  # past the staged record, the conference, the ten-days and the revision


@pytest.fixture(scope="module")
def scenario(small_scenario):
    return small_scenario(end=END)


def assert_same_results(a, b) -> None:
    for table in ("model", "agents", "events"):
        assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)


def test_same_config_and_seed_give_identical_tables(scenario):
    assert_same_results(run(scenario), run(scenario))


def test_seed_argument_equals_seed_in_the_config(scenario):
    """``run(s, seed=7)`` is the same experiment as a config that says ``seed: 7``."""
    from_config = run(scenario.model_copy(update={"seed": 7}))
    assert_same_results(run(scenario, seed=7), from_config)
    assert from_config.manifest["seed"] == 7


def test_different_seeds_give_different_histories(scenario):
    a, b = run(scenario, seed=1).model, run(scenario, seed=2).model
    assert not a["output_tons"].equals(b["output_tons"])
    assert not a["mean_resentment"].equals(b["mean_resentment"])


def test_replicates_are_independent_and_numbered(scenario):
    results = run(scenario, replicates=2, workers=1)
    model = results.model
    assert sorted(model["replicate"].unique()) == [0, 1]
    first, second = (model[model["replicate"] == r] for r in (0, 1))
    assert len(first) == len(second)
    assert first["output_tons"].tolist() != second["output_tons"].tolist()
    assert set(results.events["replicate"]) == {0, 1}


@pytest.mark.slow
def test_ensemble_is_the_same_on_one_or_two_worker_processes(scenario):
    assert_same_results(
        run(scenario, replicates=2, workers=1), run(scenario, replicates=2, workers=2)
    )


@pytest.mark.parametrize("config", ["history_1935_37.yaml", "harsh_scapegoating.yaml"])
def test_a_model_without_mesa_agents_gives_the_same_tables(small_scenario, config):
    """Ensembles run without Mesa agents (``runner.run_replicate``): hires, departures and
    removed foremen and engineers take the same ids from Mesa's counter, so nothing differs."""
    import numpy as np

    from conftest import CONFIGS
    from stakhanov_sim import MineModel

    scenario = small_scenario(CONFIGS / config, end="1937-12-31")
    tables = {}
    for agents in (True, False):
        model = MineModel(scenario, rng=np.random.default_rng(3), mesa_agents=agents)
        while model.running:
            model.step()
        tables[agents] = model.results()
        assert (len(model.agents) > 0) is agents
    assert {"quit", "removal"} <= set(tables[True].events["event"])  # people came and went
    assert_same_results(tables[True], tables[False])
