"""Sweeps: designs, executors (process pool and Dask give the same table), resume, errors."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import CONFIGS, HISTORY
from stakhanov_sim import ConfigError
from stakhanov_sim.cli import main
from stakhanov_sim.experiments.sweep import SweepError, load_runs, load_sweep, run_sweep

# A mine of 2 sections x 6 hewers over Aug-Dec 1935: a run takes a fraction of a second.
TINY_OVERRIDES = {
    "mine.sections": 2,
    "mine.hewers_per_section": 6,
    "calendar.end": "1935-12-31",
    "campaign.events": [
        {"date": "1935-08-31", "kind": "record"},
        {"date": "1935-09-02", "kind": "campaign", "intensity": 0.7},
        {"date": "1935-11-14", "kind": "conference", "intensity": 1.0},
    ],
}
TINY_OUTCOMES = ["mean_output_tons", "mean_wage_gini", "turnover_per_year"]


def write_sweep(directory: Path, **fields) -> Path:
    """A sweep file on the tiny mine; ``fields`` replace or add top-level keys."""
    spec = {
        "base": str(HISTORY),
        "overrides": TINY_OVERRIDES,
        "parameters": {
            "supply.timber_per_shift": {"low": 0.6, "high": 1.4, "levels": 2},
            "pay.support_pay": {"values": ["time", "share"]},
        },
        "design": "grid",
        "replicates": 2,
        "seed": 11,
        "outcomes": TINY_OUTCOMES,
    } | fields
    path = directory / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_grid_enumerates_every_combination_once(tmp_path):
    params = {
        "supply.timber_per_shift": {"low": 0.5, "high": 1.5, "levels": 3},
        "mine.sections": {"low": 1, "high": 2, "levels": 2},
        "pay.support_pay": {"values": ["time", "share"]},
    }
    sweep = load_sweep(write_sweep(tmp_path, parameters=params))
    design = sweep.design
    assert len(design) == 3 * 2 * 2 and sweep.n_runs == 24
    combos = set(map(tuple, design.to_numpy().tolist()))
    assert combos == {(t, s, p) for t in (0.5, 1.0, 1.5) for s in (1, 2) for p in ("time", "share")}
    assert design["mine.sections"].dtype == np.int64  # whole sections, as the schema wants
    assert [s.mine.sections for s in sweep.scenarios] == design["mine.sections"].tolist()
    assert all(s.mine.hewers_per_section == 6 for s in sweep.scenarios)  # fixed overrides kept


def test_shipped_example_is_a_200_run_latin_hypercube():
    sweep = load_sweep(CONFIGS / "sweeps" / "example_sweep.yaml")
    assert sweep.n_runs >= 200
    assert sweep.base.mine.sections == 4  # 'base' resolved relative to the sweep file
    for key, p in sweep.spec.parameters.items():
        strata = np.floor((sweep.design[key] - p.low) / (p.high - p.low) * len(sweep.design))
        assert sorted(strata) == list(range(len(sweep.design)))  # one point per stratum
    assert load_sweep(CONFIGS / "sweeps" / "example_sweep.yaml").design.equals(sweep.design)


def _run_threads(sweep, out: Path, workers: int = 2):
    with ThreadPoolExecutor(workers) as executor:
        return run_sweep(sweep, out, executor, progress=False)


def test_resume_recomputes_only_the_missing_runs(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path))
    whole = _run_threads(sweep, tmp_path / "whole")
    assert (whole.computed, whole.skipped) == (8, 0)
    out = tmp_path / "interrupted"
    _run_threads(sweep, out)
    runs = out / "runs"
    kept = {p.name: p.stat().st_mtime_ns for p in runs.glob("*.parquet")}
    lost = sorted(kept)[1::3]
    for name in lost:  # as if the sweep had been killed before these finished
        (runs / name).unlink()
        del kept[name]
    (runs / f".{lost[0]}.abc123.tmp").write_bytes(b"PAR1 half a file")  # a killed writer
    again = _run_threads(sweep, out)
    assert (again.computed, again.skipped) == (len(lost), 8 - len(lost))
    assert {p.name: p.stat().st_mtime_ns for p in runs.glob("*.parquet") if p.name in kept} == kept
    assert not list(runs.glob(".*.tmp"))
    pd.testing.assert_frame_equal(load_runs(out), load_runs(tmp_path / "whole"))
    assert _run_threads(sweep, out).computed == 0


def test_a_different_sweep_is_not_mixed_into_an_old_directory(tmp_path):
    out = tmp_path / "out"
    _run_threads(load_sweep(write_sweep(tmp_path, replicates=1)), out)
    changed = load_sweep(write_sweep(tmp_path, replicates=1, seed=12))
    with pytest.raises(SweepError, match="holds a different sweep"):
        _run_threads(changed, out)


def test_table_has_parameters_and_outcomes_per_run(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path))
    _run_threads(sweep, tmp_path / "out")
    table = load_runs(tmp_path / "out")
    assert list(table.columns[:5]) == [
        "run_id", "point", "replicate", "supply.timber_per_shift", "pay.support_pay",
    ]  # fmt: skip
    assert len(table) == 8 and table["run_id"].is_unique
    assert np.isfinite(table[TINY_OUTCOMES].to_numpy()).all()
    # replicates of one point draw different streams, so they differ
    first = table[table["point"] == 0]
    assert first["mean_output_tons"].nunique() == 2


@pytest.mark.slow
def test_process_pool_and_dask_cluster_give_identical_tables(tmp_path, capsys):
    sweep_file = write_sweep(tmp_path)
    pool_out, dask_out = tmp_path / "pool", tmp_path / "dask"
    assert main(["sweep", str(sweep_file), "-o", str(pool_out), "--workers", "2"]) == 0
    assert main(["sweep", str(sweep_file), "-o", str(dask_out), "--dask-local", "2"]) == 0
    assert "8 runs computed" in capsys.readouterr().out
    pool, dask = load_runs(pool_out), load_runs(dask_out)
    assert len(pool) == 8
    pd.testing.assert_frame_equal(pool, dask)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"desing": "grid"}, "key 'desing': unknown key; allowed: base"),
        (
            {"parameters": {"supply.timber_per_shift": {"low": 2, "high": 1, "levels": 2}}},
            "low = 2.0 is not below high = 1.0",
        ),
        (
            {"parameters": {"supply.timbre_per_shift": {"values": [1.0]}}},
            "did you mean 'timber_per_shift'?",
        ),
        (
            {"parameters": {"supply.timber_per_shift": {"low": 0.5, "high": 20, "levels": 2}}},
            "key 'parameters.supply.timber_per_shift.high' (supply.timber_per_shift=20.0)",
        ),
        ({"outcomes": ["output_tonnes"]}, "allowed: 'output_1937_tons'"),
        ({"outcomes": ["output_1937_tons"]}, "ends on 1935-12-31, before the year it measures"),
        ({"design": "lhs"}, "design 'lhs' needs 'samples: N'"),
        ({"base": "no_such.yaml"}, "key 'base' = 'no_such.yaml': no such file"),
    ],
)
def test_bad_sweep_file_is_one_clear_error(tmp_path, fields, message):
    path = write_sweep(tmp_path, **fields)
    with pytest.raises(ConfigError) as caught:
        load_sweep(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_cli_bad_sweep_exits_2_without_traceback(tmp_path, capsys):
    path = write_sweep(tmp_path, replicates=0)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "key 'replicates' = 0" in err and "greater than or equal to 1" in err
    assert "Traceback" not in err and not out.exists()  # nothing started


def test_cli_refuses_an_output_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("")
    assert main(["sweep", str(write_sweep(tmp_path)), "-o", str(target)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    assert os.path.getsize(target) == 0
