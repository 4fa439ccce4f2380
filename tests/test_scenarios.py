"""The scenario library in configs/: every file loads, runs, and changes only what it says.

Each counterfactual ``extends:`` the historical run and overrides a few keys; these tests
hold the files to that promise (no silent drift from history), check that lists such as the
timeline replace their parent's wholesale, and run every file on a small mine for the first
year of the campaign to see that each lever moves the model the way its question implies.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from stakhanov_sim import load_scenario, run
from stakhanov_sim.scenarios.schema import NO_SPECIAL_CONDITIONS

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SHIPPED = sorted(p.name for p in CONFIGS.glob("*.yaml"))
HISTORY = "history_1935_37.yaml"
LIBRARY = [name for name in SHIPPED if name != HISTORY]
SMALL_MINE = {"mine.sections": 3, "mine.hewers_per_section": 8}
SHORT_END = "1936-06-30"  # past the record, the conference, the ten-days and the revision
SEED = 7


def flat(data: dict, prefix: str = "") -> dict[str, object]:
    """Dotted keys of a nested mapping (lists are leaves, as in ``extends:`` merging)."""
    out = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat(value, f"{dotted}."))
        else:
            out[dotted] = value
    return out


def resolved(name: str) -> dict[str, object]:
    return flat(load_scenario(CONFIGS / name).model_dump(mode="json"))


def raw(name: str) -> dict:
    return yaml.safe_load((CONFIGS / name).read_text())


def events(name: str) -> list[dict]:
    return load_scenario(CONFIGS / name).model_dump(mode="json")["campaign"]["events"]


@pytest.fixture(scope="module")
def short_run(small_scenario):
    """``short_run(name)``: the config on a small mine (two mines at most) to ``SHORT_END``."""

    @cache
    def run_config(name: str):
        mines = min(load_scenario(CONFIGS / name).mine.mines, 2)
        scenario = small_scenario(CONFIGS / name, SHORT_END, {"mine.mines": mines})
        return run(scenario, seed=SEED)

    return run_config


def test_the_library_holds_every_counterfactual_the_issue_names():
    wanted = {
        "baseline_no_campaign", "no_special_conditions", "fair_allocation", "ample_supply",
        "no_norm_revision", "steep_norm_revision", "flat_pay", "harsh_scapegoating",
        "no_sanctions", "stakhanovite_ten_days",
    }  # fmt: skip
    assert wanted <= {Path(name).stem for name in LIBRARY}


@pytest.mark.parametrize("name", LIBRARY)
def test_each_file_states_its_question_and_extends_the_history(name):
    text = (CONFIGS / name).read_text()
    assert text.startswith("# Question:"), f"{name} must open with the question it answers"
    header = text.split("\nextends:")[0].splitlines()
    assert len(header) >= 3 and all(line.startswith("#") for line in header)
    assert raw(name)["extends"] in (HISTORY, "baseline_no_campaign.yaml")
    assert raw(name)["name"] == Path(name).stem


@pytest.mark.parametrize("name", LIBRARY)
def test_each_file_differs_from_its_parent_only_in_the_keys_it_sets(name):
    parent = raw(name)["extends"]
    own = set(flat({k: v for k, v in raw(name).items() if k != "extends"}))
    child, base = resolved(name), resolved(parent)
    changed = {key for key in child if child[key] != base[key]}
    assert changed <= own
    assert changed - {"name", "description"}, f"{name} changes nothing but its name"


def test_fair_allocation_differs_from_history_only_in_the_allocation_switch():
    child, history = resolved("fair_allocation.yaml"), resolved(HISTORY)
    changed = {key for key in child if child[key] != history[key]}
    assert changed == {"name", "description", "supply.special_conditions_first"}
    assert child["supply.special_conditions_first"] is False


def test_no_norm_revision_repeats_the_timeline_without_the_revision():
    history = events(HISTORY)
    assert events("no_norm_revision.yaml") == [e for e in history if e["kind"] != "norm_revision"]


def test_steep_norm_revision_adds_a_second_revision_to_the_timeline():
    steep = events("steep_norm_revision.yaml")
    revisions = [e for e in steep if e["kind"] == "norm_revision"]
    assert len(revisions) == 2
    others = [e for e in steep if e["kind"] != "norm_revision"]
    assert others == [e for e in events(HISTORY) if e["kind"] != "norm_revision"]


def test_stakhanovite_ten_days_keeps_only_the_burst():
    (only,) = events("stakhanovite_ten_days.yaml")
    burst = next(e for e in events(HISTORY) if e["kind"] == "burst")
    assert only == burst


def test_an_override_on_top_of_a_library_file_wins():
    scenario = load_scenario(CONFIGS / "ample_supply.yaml", {"supply.timber_per_shift": 0.5})
    assert scenario.supply.timber_per_shift == 0.5
    assert (
        scenario.supply.air_per_shift
        == load_scenario(CONFIGS / "ample_supply.yaml").supply.air_per_shift
    )


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_config_runs_on_a_small_mine(name, short_run):
    results = short_run(name)
    model = results.model
    assert model["date"].iloc[-1] <= pd.Timestamp(SHORT_END)
    assert len(model) == model["shift"].nunique() > 200
    assert (model["output_tons"] > 0).all()
    assert model[["wage_gini", "mean_resentment", "supply_shortfall"]].notna().all().all()


def test_no_sanctions_means_no_sanctions(short_run):
    assert short_run(HISTORY).model["sanctions"].sum() > 0
    assert short_run("no_sanctions.yaml").model["sanctions"].sum() == 0


def test_without_the_revision_the_norm_never_moves(short_run):
    assert short_run("no_norm_revision.yaml").model["norm_tons"].nunique() == 1
    assert (
        short_run(HISTORY).model["norm_tons"].iloc[-1]
        > short_run(HISTORY).model["norm_tons"].iloc[0]
    )


def test_a_steep_revision_raises_norms_by_its_fixed_share(short_run):
    model = short_run("steep_norm_revision.yaml").model
    assert model["norm_raise"].max() == pytest.approx(0.4)
    assert model["norm_tons"].max() / model["norm_tons"].iloc[0] > 1.35  # slack comes back slowly


def test_records_without_special_conditions_stay_far_below_stakhanovs(short_run):
    history = short_run(HISTORY).model["max_fulfilment"].max()
    ordinary = short_run("no_special_conditions.yaml").model["max_fulfilment"].max()
    assert history > 8  # the staged record: Stakhanov cut about 14 norms
    assert ordinary < history / 2


def test_flat_pay_narrows_the_wage_gap(short_run):
    history = short_run(HISTORY).model["wage_gini"].tail(100).mean()
    flat_pay = short_run("flat_pay.yaml").model["wage_gini"].tail(100).mean()
    assert flat_pay < history


def test_no_special_conditions_file_is_the_shared_counterfactual():
    """The YAML, the app's switch and the validation all mean the same counterfactual."""
    shipped = load_scenario(CONFIGS / "no_special_conditions.yaml")
    built = load_scenario(CONFIGS / "history_1935_37.yaml", NO_SPECIAL_CONDITIONS)
    same = {"name": shipped.name, "description": shipped.description}
    assert shipped == built.model_copy(update=same)


def test_shipped_scenarios_load_by_name_from_any_directory(tmp_path, monkeypatch):
    """Scenarios are installed with the package: a name works outside the repository."""
    import subprocess
    import sys

    from stakhanov_sim.scenarios.loading import SHIPPED, shipped_scenarios

    assert "history_1935_37" in shipped_scenarios()
    monkeypatch.chdir(tmp_path)
    by_name = load_scenario("history_1935_37")
    assert by_name == load_scenario(SHIPPED / "history_1935_37.yaml")
    (tmp_path / "mine.yaml").write_text("extends: no_norm_revision\nseed: 5\n")
    assert load_scenario(tmp_path / "mine.yaml").seed == 5
    code = "from stakhanov_sim import load_scenario; load_scenario('history_1935_37')"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
