"""A saved run reads back exactly as it was: what a notebook loads is what the model made."""

import pandas as pd

from stakhanov_sim import Results, run


def test_saved_run_reads_back_identical(small_scenario, tmp_path):
    results = run(small_scenario(), replicates=2, workers=1)
    results.save(tmp_path)
    loaded = Results.load(tmp_path)
    for table in ("model", "agents", "events"):
        pd.testing.assert_frame_equal(
            getattr(loaded, table), getattr(results, table), check_exact=True
        )
    assert loaded.manifest["seed"] == results.manifest["seed"]
    assert loaded.replicates == 2


def test_a_run_with_no_events_still_saves_and_loads(baseline, tmp_path):
    quiet = baseline.model_copy(
        update={"calendar": baseline.calendar.model_copy(update={"end": baseline.calendar.start})}
    )
    results = run(quiet)
    results.save(tmp_path)
    assert Results.load(tmp_path).model["date"].dtype == results.model["date"].dtype


def test_joining_one_part_keeps_its_tables_and_several_are_joined_in_order():
    """``Results.concat``: one part's frames as they are (no copy); several, one after
    another with a fresh index."""
    frame = lambda rep: pd.DataFrame({"replicate": [rep, rep], "x": [1.0, 2.0]})  # noqa: E731
    one = Results(frame(0), frame(0), frame(0), manifest={"seed": 1})
    joined = Results.concat([one])
    assert joined.model is one.model and joined.agents is one.agents and joined.events is one.events
    assert joined.manifest == {"seed": 1} and joined.manifest is not one.manifest
    two = Results.concat([one, Results(frame(1), frame(1), frame(1))])
    assert two.model["replicate"].tolist() == [0, 0, 1, 1]
    assert two.model.index.tolist() == [0, 1, 2, 3]
