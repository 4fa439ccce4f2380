"""Shared fixtures: small, fast scenarios built from the shipped configs."""

from __future__ import annotations

import signal
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


SMALL_MINE = {"mine.sections": 3, "mine.hewers_per_section": 8}


def shortened(path=HISTORY, end="1936-06-30", overrides=None):
    """A shipped scenario on a small mine, cut off at ``end`` (ISO date).

    The schema refuses campaign events outside the calendar, so the events after ``end``
    are dropped; everything else comes from the file, then from ``overrides``.
    """
    events = [
        e.model_dump(mode="json")
        for e in load_scenario(path).campaign.events
        if e.date.isoformat() <= end
    ]
    return load_scenario(
        path,
        {**SMALL_MINE, "calendar.end": end, "campaign.events": events, **(overrides or {})},
    )


@pytest.fixture(scope="session")
def small_scenario():
    """``small_scenario(path, end, overrides)``: a small, short scenario (see ``shortened``)."""
    return shortened


def pytest_configure(config):
    """Ctrl-C reaches the suite's processes as it would at a terminal.

    A shell without job control starts a background command (``make test &`` in a script)
    with SIGINT ignored, and an ignored signal stays ignored in every process started from
    it; the interrupt tests send Ctrl-C to the commands they start, and would find it
    ignored. Runs in each xdist worker too.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


LONG_FIRST = "test_readme.py"  # its chains of commands are the longest tests: five minutes in all


def pytest_collection_modifyitems(items):
    """Hand out the long work first, so the short files fill in at the end.

    ``--dist loadscope`` gives each module's tests to one worker (its module fixtures are made
    once), and each class's: the README's chains of commands are classes
    (tests/test_readme.py), so both workers share them. ``--no-loadscope-reorder`` keeps this
    order; xdist would otherwise sort the scopes by their number of tests and hand the
    README's few, long tests out last.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path.name != LONG_FIRST, item.path not in slow_files))
