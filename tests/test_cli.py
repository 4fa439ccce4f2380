"""The command line: ``stakhanov-sim run`` writes a complete run directory, and a bad config
ends in one message for the person who wrote it, exit status 2 and no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from stakhanov_sim import load_scenario, run
from stakhanov_sim.cli import main
from stakhanov_sim.experiments.results import MODEL_COLUMNS

HISTORY = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"
PNG = b"\x89PNG\r\n\x1a\n"

SMALL_HISTORY = f"""\
extends: {HISTORY}
name: small_history
mine: {{sections: 3, hewers_per_section: 8}}
calendar: {{end: 1935-10-31}}
campaign:
  events:
    - {{date: 1935-08-31, kind: record, label: "Stakhanov's record"}}
    - {{date: 1935-09-02, kind: campaign, intensity: 0.7, label: "Press campaign"}}
"""


@pytest.fixture(scope="module")
def small_config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("configs") / "small_history.yaml"
    path.write_text(SMALL_HISTORY)
    return path


@pytest.fixture(scope="module")
def run_dir(small_config, tmp_path_factory) -> Path:
    """One CLI run with a seed and an override, shared by the tests that read its output."""
    out = tmp_path_factory.mktemp("runs") / "small"
    status = main(
        ["run", str(small_config), "-o", str(out), "--seed", "5"]
        + ["--set", "supply.timber_per_shift=0.8", "--set", "records.max_helpers=6"]
    )
    assert status == 0
    return out


@pytest.mark.slow
def test_run_writes_tables_manifest_and_figures(run_dir):
    for table in ("model", "agents", "events"):
        assert (run_dir / f"{table}.parquet").is_file()
    model = pd.read_parquet(run_dir / "model.parquet")
    assert list(model.columns[: len(MODEL_COLUMNS)]) == MODEL_COLUMNS
    assert model["date"].iloc[-1] == pd.Timestamp("1935-10-31")
    events = pd.read_parquet(run_dir / "events.parquet")
    assert (events["event"] == "record").any()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert {"scenario", "seed", "versions", "timings"} <= set(manifest)
    figures = sorted((run_dir / "figures").glob("*.png"))
    assert any(f.name == "overview.png" for f in figures)
    assert len(figures) >= 2
    assert all(f.read_bytes()[:8] == PNG for f in figures)


@pytest.mark.slow
def test_set_overrides_and_seed_reach_the_resolved_scenario(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    scenario = manifest["scenario"]
    assert scenario["supply"]["timber_per_shift"] == 0.8
    assert scenario["records"]["max_helpers"] == 6
    assert scenario["mine"]["sections"] == 3  # from the file
    assert scenario["mine"]["skill_sigma"] == load_scenario(HISTORY).mine.skill_sigma  # inherited
    assert manifest["seed"] == 5


@pytest.mark.slow
def test_cli_run_equals_the_same_run_through_the_api(run_dir, small_config):
    """The command line adds nothing of its own: same scenario and seed, same table."""
    overrides = {"supply.timber_per_shift": 0.8, "records.max_helpers": 6}
    expected = run(load_scenario(small_config, overrides), seed=5).model
    assert_frame_equal(pd.read_parquet(run_dir / "model.parquet"), expected, check_dtype=False)


@pytest.mark.slow
def test_run_refuses_to_mix_into_an_earlier_run(run_dir, small_config, capsys):
    assert main(["run", str(small_config), "-o", str(run_dir)]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_help_explains_each_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "run" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("CONFIG", "-o", "--seed", "--replicates", "--set"):
        assert option.lower() in text.lower(), option


# ------------------------------------------------------------------ bad configs
BAD_CONFIGS = {
    "unknown key": ("mine:\n  sectons: 3\n", ["mine.sectons", "3", "sections"]),
    "wrong type": ("mine:\n  sections: many\n", ["mine.sections", "'many'", ">= 1"]),
    "out of range": (
        "supply:\n  timber_per_shift: -0.5\n",
        ["supply.timber_per_shift", "-0.5", ">= 0"],
    ),
    "impossible date": ("calendar:\n  end: 1936-13-01\n", ["calendar.end", "1936-13-01", "ISO"]),
    "YAML syntax error": ("mine:\n  sections: [3\n", ["YAML syntax error", "line 3"]),
}


def assert_one_message_for_people(err: str, names: list[str]) -> None:
    """One error line (with its indented details), naming everything in ``names``."""
    assert "Traceback" not in err
    assert err.count("stakhanov-sim: error:") == 1
    for name in names:
        assert name in err, (name, err)


@pytest.mark.parametrize("problem", BAD_CONFIGS)
def test_bad_config_exits_2_with_one_message(problem, tmp_path, capsys):
    text, names = BAD_CONFIGS[problem]
    config = tmp_path / "bad.yaml"
    config.write_text(text)
    assert main(["run", str(config), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert_one_message_for_people(err, [config.name, *names])
    if problem != "YAML syntax error":
        assert "allowed" in err
    assert not (tmp_path / "out" / "model.parquet").exists()


@pytest.mark.parametrize(
    ("assignment", "names"),
    [
        ("mine.sectons=3", ["small_history.yaml", "mine.sectons", "did you mean 'sections'"]),
        ("calendar.end=1936-13-01", ["small_history.yaml", "calendar.end", "1936-13-01"]),
        ("seed=-1", ["small_history.yaml", "seed", "-1", ">= 0"]),
        ("no-equals-sign", ["--set", "no-equals-sign", "key=value"]),
    ],
)
def test_bad_override_exits_2_with_one_message(assignment, names, small_config, tmp_path, capsys):
    status = main(["run", str(small_config), "-o", str(tmp_path / "out"), "--set", assignment])
    assert status == 2
    assert_one_message_for_people(capsys.readouterr().err, names)


def test_missing_config_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nowhere.yaml"), "-o", str(tmp_path / "out")]) == 2
    assert_one_message_for_people(capsys.readouterr().err, ["nowhere.yaml"])


@pytest.mark.slow
def test_python_dash_m_reports_a_bad_config_without_traceback(tmp_path):
    """The installed entry point, in a fresh interpreter, as a student would meet it."""
    config = tmp_path / "bad.yaml"
    config.write_text("supply:\n  timber_per_shift: lots\n")
    done = subprocess.run(
        [sys.executable, "-m", "stakhanov_sim", "run", str(config), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert_one_message_for_people(
        done.stderr, [config.name, "supply.timber_per_shift", "'lots'", "allowed"]
    )
