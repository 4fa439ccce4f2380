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
