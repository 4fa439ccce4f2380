"""Scenario files: ``extends:`` and overrides, the keys users rely on, errors for people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stakhanov_sim import ConfigError, Scenario, load_scenario

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
HISTORY = CONFIGS / "history_1935_37.yaml"
BASELINE = CONFIGS / "baseline_no_campaign.yaml"

PARENT = """\
seed: 11
mine: {sections: 5, hewers_per_section: 9}
supply: {timber_per_shift: 0.9, air_per_shift: 0.7}
calendar: {start: 1935-08-01, end: 1935-12-31, rest_days_of_month: [6, 12, 18, 24, 30]}
pay:
  progressive:
    - {above: 1.0, multiplier: 1.25}
    - {above: 1.1, multiplier: 1.5}
    - {above: 1.25, multiplier: 2.0}
"""
CHILD = """\
extends: parent.yaml
mine: {sections: 2}
calendar: {rest_days_of_month: [7]}
pay:
  progressive:
    - {above: 1.5, multiplier: 3.0}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


@pytest.fixture
def child(tmp_path) -> Path:
    write(tmp_path, "parent.yaml", PARENT)
    return write(tmp_path, "child.yaml", CHILD)


# ------------------------------------------------------------------ extends and overrides
def test_child_overrides_only_what_differs(child):
    scenario = load_scenario(child)
    assert scenario.mine.sections == 2  # the child's
    assert scenario.mine.hewers_per_section == 9  # the parent's, beside it in the same group
    assert scenario.seed == 11
    assert scenario.supply.timber_per_shift == 0.9
    assert scenario.calendar.end == dt.date(1935, 12, 31)
    assert scenario.production == Scenario().production  # neither file: the defaults


def test_lists_in_a_child_replace_the_parents_lists(child):
    scenario = load_scenario(child)
    assert scenario.calendar.rest_days_of_month == [7]
    assert [(b.above, b.multiplier) for b in scenario.pay.progressive] == [(1.5, 3.0)]


def test_extends_chains_through_grandparents(child, tmp_path):
    grandchild = write(
        tmp_path, "grandchild.yaml", "extends: child.yaml\nsupply: {air_per_shift: 1.3}\n"
    )
    scenario = load_scenario(grandchild)
    assert (scenario.mine.sections, scenario.mine.hewers_per_section) == (2, 9)
    assert (scenario.supply.timber_per_shift, scenario.supply.air_per_shift) == (0.9, 1.3)


def test_overrides_win_over_the_files_and_parse_like_yaml(child):
    scenario = load_scenario(
        child,
        {
            "mine.sections": "4",
            "supply.timber_per_shift": 0.5,
            "calendar.end": "1935-10-31",
            "calendar.rest_days_of_month": "[1, 2]",
        },
    )
    assert scenario.mine.sections == 4
    assert scenario.mine.hewers_per_section == 9
    assert scenario.supply.timber_per_shift == 0.5
    assert scenario.calendar.end == dt.date(1935, 10, 31)
    assert scenario.calendar.rest_days_of_month == [1, 2]


def test_baseline_is_the_history_without_its_campaign():
    history, baseline = load_scenario(HISTORY), load_scenario(BASELINE)
    assert baseline.campaign.events == []
    assert history.campaign.events
    ignore = {"name", "description", "campaign"}
    assert baseline.model_dump(exclude=ignore) == history.model_dump(exclude=ignore)


def test_a_cycle_of_extends_is_refused(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ConfigError, match="cycle"):
        load_scenario(b)


def test_a_missing_parent_is_named(tmp_path):
    path = write(tmp_path, "orphan.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(ConfigError, match=r"orphan\.yaml.*extends.*nowhere\.yaml"):
        load_scenario(path)


# ------------------------------------------------------------------ the keys users rely on
@pytest.mark.parametrize("path", [HISTORY, BASELINE], ids=lambda p: p.stem)
def test_required_keys_exist(path):
    scenario = load_scenario(path)
    assert isinstance(scenario.seed, int)
    assert isinstance(scenario.mine.sections, int) and scenario.mine.sections >= 1
    assert isinstance(scenario.mine.hewers_per_section, int)
    assert scenario.calendar.start == dt.date(1935, 8, 1)
    assert scenario.calendar.end == dt.date(1937, 12, 31)


def test_history_stages_the_record_on_31_august_1935():
    events = load_scenario(HISTORY).campaign.events
    records = [e for e in events if e.kind == "record"]
    assert [e.date for e in records] == [dt.date(1935, 8, 31)]
    assert any(e.kind == "norm_revision" for e in events)
    dates = [e.date for e in events]
    assert dates == sorted(dates)


def test_the_documented_keys_can_be_overridden():
    """The names the issue promises, reachable by ``--set``."""
    scenario = load_scenario(
        HISTORY,
        {
            "seed": 7,
            "mine.sections": 3,
            "mine.hewers_per_section": 8,
            "calendar.start": "1935-08-20",
            "calendar.end": "1937-12-31",
        },
    )
    assert (scenario.seed, scenario.mine.sections, scenario.mine.hewers_per_section) == (7, 3, 8)
    assert scenario.calendar.start == dt.date(1935, 8, 20)


# ------------------------------------------------------------------ errors for people
def error_for(tmp_path, text: str, overrides=None) -> str:
    path = write(tmp_path, "scenario.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_scenario(path, overrides)
    return str(error.value)


def test_a_misspelt_key_gets_a_did_you_mean(tmp_path):
    message = error_for(tmp_path, "supply:\n  timber_per_shfit: 0.8\n")
    assert "scenario.yaml" in message
    assert "supply.timber_per_shfit" in message
    assert "0.8" in message
    assert "did you mean 'timber_per_shift'" in message


def test_a_misspelt_group_gets_a_did_you_mean(tmp_path):
    message = error_for(tmp_path, "suply:\n  timber_per_shift: 0.8\n")
    assert "'suply'" in message and "did you mean 'supply'" in message


def test_a_misspelt_override_gets_a_did_you_mean(tmp_path):
    message = error_for(tmp_path, "seed: 1\n", {"mine.hewers_per_sectoin": 8})
    assert "mine.hewers_per_sectoin" in message
    assert "did you mean 'hewers_per_section'" in message


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("mine:\n  sections: 0\n", ["mine.sections", "= 0", ">= 1"]),
        ("mine:\n  sections: 2.5\n", ["mine.sections", "2.5", "allowed"]),
        ("supply:\n  timber_per_shift: 11\n", ["supply.timber_per_shift", "11", "<= 10"]),
        ("pay:\n  support_pay: barter\n", ["pay.support_pay", "'barter'", "'time'", "'share'"]),
        ("calendar:\n  end: 1936-02-30\n", ["calendar.end", "1936-02-30", "ISO date"]),
        ("calendar:\n  start: 1936-01-01\n  end: 1935-12-31\n", ["calendar.end", "calendar.start"]),
    ],
)
def test_a_bad_value_names_file_key_value_and_what_is_allowed(tmp_path, text, names):
    message = error_for(tmp_path, text)
    assert "scenario.yaml" in message
    assert "allowed" in message
    for name in names:
        assert name in message, (name, message)


def test_an_event_outside_the_calendar_is_named(tmp_path):
    message = error_for(
        tmp_path,
        "calendar: {end: 1935-12-31}\ncampaign:\n  events:\n"
        "    - {date: 1936-03-01, kind: norm_revision}\n",
    )
    for name in ("scenario.yaml", "campaign.events", "date", "1936-03-01", "allowed"):
        assert name in message, (name, message)
    assert "key ''" not in message


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("mine: [sections: 3\n", ["YAML syntax error", "line"]),
        ("", ["empty"]),
        ("- just\n- a list\n", ["mapping"]),
    ],
)
def test_a_file_that_is_not_a_scenario_is_named(tmp_path, text, names):
    message = error_for(tmp_path, text)
    assert "scenario.yaml" in message
    for name in names:
        assert name in message
