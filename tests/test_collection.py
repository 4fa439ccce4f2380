"""Observation's bookkeeping is plumbing: making it cheaper must not change a single number.

``tests/reference/`` holds the three tables of a default-size run (``history_1935_37``,
380 miners, to 30 June 1936) written by the code before shift collection was moved into
preallocated columns (``tests/reference/make_reference.py`` writes them; rerun it only when
a change is meant to change results). A run today must give them bit for bit, and the
interfaces users read while a run goes on (Mesa's ``DataCollector``, the shift's ledger)
must show the same rows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from reference.make_reference import reference_scenario, run_reference
from stakhanov_sim import MineModel
from stakhanov_sim.model import observation

REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.fixture(scope="module")
def reference():
    return {
        name: pd.read_parquet(REFERENCE / f"{name}.parquet")
        for name in ("model", "agents", "events")
    }


def test_a_default_size_run_gives_the_reference_tables_bit_for_bit(reference):
    results = run_reference()
    for name, expected in reference.items():
        pd.testing.assert_frame_equal(getattr(results, name), expected, check_exact=True)


def test_the_datacollector_and_the_ledger_show_the_shifts_worked_so_far(reference):
    expected = reference["model"].drop(columns="replicate")
    model = MineModel(reference_scenario())
    assert model.datacollector.get_model_vars_dataframe().empty
    for worked in (1, 2, 57):
        while model.steps < worked:
            model.step()
        table = model.datacollector.get_model_vars_dataframe()
        pd.testing.assert_frame_equal(table, expected.iloc[:worked], check_exact=True)
        last = expected.iloc[worked - 1]
        for column in expected.columns:
            value, wanted = model.ledger[column], last[column]
            assert value == wanted or (math.isnan(value) and math.isnan(wanted)), column


def test_every_column_of_the_model_table_is_filled_once():
    """A column comes from the shift's record or from the tally, never both, never neither."""
    names = ("date", *observation.INTS, *observation.FLOATS)
    assert sorted(names) == sorted(observation.MODEL_TABLE) and len(set(names)) == len(names)
    model = MineModel(reference_scenario())
    model.step()
    assert len(model.last_shift.counts()) == len(observation.SHIFT_INTS)
    assert len(model.last_shift.amounts()) == len(observation.SHIFT_FLOATS)
