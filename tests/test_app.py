"""The classroom app: levers to scenario, the mine picture, the chronicle, and a real browser."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from stakhanov_sim import load_scenario
from stakhanov_sim.app.picture import (
    ORDINARY,
    SANCTIONED,
    SPECIAL,
    STAKHANOVITE,
    VACANT,
    chronicle,
    face_states,
)
from stakhanov_sim.app.server import (
    DEFAULT_PRESET,
    NO_REVISION,
    ClassroomMine,
    Levers,
    classroom_scenario,
    model_params,
    presets,
)

HISTORY = Path(__file__).resolve().parents[1] / "configs" / "history_1935_37.yaml"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEPS = 20
SHIFTS_PER_STEP = 5  # SolaraViz's Render Interval: shifts worked per click of Step


def test_presets_are_the_shipped_configs():
    assert set(presets()) == {p.stem for p in HISTORY.parent.glob("*.yaml")}
    assert DEFAULT_PRESET in presets()


def test_untouched_levers_reproduce_the_preset():
    assert ClassroomMine().config == load_scenario(HISTORY)


def test_levers_change_the_scenario():
    base = load_scenario(HISTORY)
    levers = Levers(
        campaign_intensity=2.0,
        special_conditions=False,
        supply_level=0.8,
        norm_revision_date="1 Jun 1936",
        progressive_pay=False,
        sanction_threshold=0.2,
        scapegoating_rate=1.5,
    )
    s = classroom_scenario(DEFAULT_PRESET, levers)
    pushed = [e for e in s.campaign.events if e.kind in ("campaign", "conference", "burst")]
    original = [e for e in base.campaign.events if e.kind in ("campaign", "conference", "burst")]
    assert [e.intensity for e in pushed] == pytest.approx([2 * e.intensity for e in original])
    assert [e.date.isoformat() for e in s.campaign.events if e.kind == "norm_revision"] == [
        "1936-06-01"
    ]
    assert s.records.special_conditions_cap == 0 and s.records.special_conditions_multiplier == 1
    assert s.supply.timber_per_shift == pytest.approx(0.8 * base.supply.timber_per_shift)
    assert s.pay.progressive == []
    assert s.social.sanction_threshold == 0.2 and s.management.scapegoating_rate == 1.5
    cancelled = classroom_scenario(DEFAULT_PRESET, Levers(norm_revision_date=NO_REVISION))
    assert not [e for e in cancelled.campaign.events if e.kind == "norm_revision"]


def test_sidebar_inputs_are_the_model_parameters():
    """SolaraViz passes every input to the model class on Reset, by name."""
    assert set(model_params()) == set(inspect.signature(ClassroomMine).parameters)


def test_mine_picture_shows_each_hewer_state():
    model = ClassroomMine(campaign_intensity=2.0)
    for _ in range(60):
        model.step()
    w = model.workforce
    states = face_states(model)
    assert states.shape == (w.sections, w.hewers)
    employed = w.by_section(w.employed)
    assert np.array_equal(states == VACANT, ~employed)
    assert np.array_equal(
        states == SPECIAL, w.by_section(w.special) & employed & (states != SANCTIONED)
    )
    assert (states == STAKHANOVITE).sum() + (states == SPECIAL).sum() > 0
    assert (states == ORDINARY).sum() > 0


def test_chronicle_speaks_in_words_newest_first():
    dates = [dt.date(1935, 9, d) for d in range(1, 20)]
    rows = [
        (3, "policy", -1, -1, "Press campaign"),
        (10, "record", 45, -1, "cut 102 t, 14.6 norms, 2 timbermen"),
        (11, "title", 45, -1, "Stakhanovite title"),
        (11, "title", 46, -1, "Stakhanovite title"),
        (12, "sanction", 7, 45, "verbal abuse"),
    ]
    lines = chronicle(rows, dates)
    assert [date for date, _, _ in lines] == [
        "13 Sep 1935",
        "12 Sep 1935",
        "11 Sep 1935",
        "4 Sep 1935",
    ]
    assert lines[0][1] == "miner 7 turned on rate-buster hewer 45: verbal abuse"
    assert lines[1][1] == "2 hewers earned the Stakhanovite title"
    assert lines[2][1] == "Record: hewer 45 cut 102 t, 14.6 norms, 2 timbermen"
    assert lines[3][1] == "Policy: Press campaign"
    assert len(chronicle(rows, dates, length=2)) == 2


# ------------------------------------------------------------------ the real browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, server: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the app server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app server did not answer at {url} within {timeout_s} s")


@pytest.fixture
def app_url(tmp_path):
    """``stakhanov-sim app`` on a free port of 127.0.0.1, always stopped afterwards."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "stakhanov_sim", "app", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for_server(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _chart_images(page) -> list[str]:
    return page.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")


@pytest.mark.slow
@pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason="needs Debian's chromium (.ci/run installs it)"
)
def test_app_in_a_real_browser(app_url, tmp_path):
    """Load the page offline, move a slider, reset, work 20 shifts: charts and feed move."""
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on(
                "console", lambda m: m.type == "error" and problems.append(f"console: {m.text}")
            )
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
            page.on(
                "response",
                lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
            )
            page.goto(app_url)
            feed = page.get_by_text("Events, newest first")
            expect(feed).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Nothing has happened yet")).to_be_visible()
            expect(page.locator("img")).to_have_count(6, timeout=30_000)  # the mine + 5 charts
            before = _chart_images(page)

            push = page.locator(".v-input").filter(has_text="Campaign push").get_by_role("slider")
            push.focus()
            for _ in range(5):
                push.press("ArrowRight")
            page.get_by_role("button", name="Reset", exact=True).click()
            expect(page.get_by_text("campaign push x1.5")).to_be_visible(timeout=30_000)

            every = (
                page.locator(".v-input").filter(has_text="Render Interval").get_by_role("slider")
            )
            every.focus()
            every.press("ArrowRight")
            every.press("ArrowRight")  # 1 -> 5 shifts a Step: 20 shifts in 4 redraws
            step = page.get_by_role("button", name="Step", exact=True)
            for shift in range(SHIFTS_PER_STEP, STEPS + 1, SHIFTS_PER_STEP):
                step.click()
                expect(page.get_by_text(f"Events, newest first (shift {shift} of")).to_be_visible(
                    timeout=60_000
                )
            expect(page.get_by_text("Nothing has happened yet")).to_have_count(0)
            expect(page.locator(".event-line").first).to_be_visible()
            after = _chart_images(page)
            page.screenshot(path=tmp_path / "app.png")
            page.get_by_text("Page 1").click()
            expect(page.get_by_text("How to use it")).to_be_visible()
        finally:
            browser.close()

    assert len(after) == len(before) == 6
    assert all(a != b for a, b in zip(after, before, strict=True)), "a chart did not redraw"
    assert (tmp_path / "app.png").stat().st_size > 10_000
    assert not problems, "\n".join(problems)
