"""Shared fixtures: small, fast scenarios built from the shipped configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from stakhanov_sim import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
HISTORY = CONFIGS / "history_1935_37.yaml"
BASELINE = CONFIGS / "baseline_no_campaign.yaml"


@pytest.fixture(scope="session")
def history():
    """The historical scenario as shipped."""
    return load_scenario(HISTORY)


@pytest.fixture(scope="session")
def baseline():
    """The same mine without the campaign."""
    return load_scenario(BASELINE)
