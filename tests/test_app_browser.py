"""The classroom app in a real browser (Debian's chromium driven by Playwright), offline.

One server for the module, a fresh page (a fresh session) per test: pick a scenario and see
its levers, play the whole historical run, run "What if?" side by side, fit a 1366x768
projector; then the join link off loopback and a prompt stop on SIGTERM.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PROJECTOR = {"width": 1366, "height": 768}
PLAYED_PAST_SHIFT_2 = """() => [...document.querySelectorAll('b')].some(
    b => /Events, newest first \\(shift ([3-9]|\\d{2,}) of/.test(b.textContent))"""
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(host: str, port: int, log: Path) -> subprocess.Popen:
    """``stakhanov-sim app`` as a teacher starts it, output to ``log``."""
    with log.open("w") as out:  # the child holds its own copy of the file
        return subprocess.Popen(
            [sys.executable, "-m", "stakhanov_sim", "app", "--host", host, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )


def wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 90) -> int:
    """The HTTP status of ``url`` once the server answers at all."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the app server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the app server did not answer at {url} within {timeout_s} s")


def stop(server: subprocess.Popen) -> float:
    """SIGTERM, then seconds until the server exited (killed after 15 s)."""
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    return time.monotonic() - started


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    server = start_app("127.0.0.1", port, tmp_path_factory.mktemp("app") / "server.log")
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_until_up(url, server) == 200
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh page at projector size, collecting every error the browser reports."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PROJECTOR)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))  # fmt: skip
    page.goto(app_url)
    expect(page.get_by_text("Events, newest first")).to_be_visible(timeout=WAIT_MS)
    yield page
    page.close()


def lever(page, name: str):
    return page.locator(".lever").filter(has_text=name)


def pick_scenario(page, name: str) -> None:
    page.locator(".v-select").filter(has_text="Scenario").locator("[role=button]").first.click()
    page.get_by_role("option", name=name, exact=True).click()


def set_render_interval(page, key: str) -> None:
    slider = page.locator(".v-input").filter(has_text="Render Interval").get_by_role("slider")
    slider.focus()
    slider.press(key)


def test_picked_scenario_sets_the_levers_and_the_run(page):
    from playwright.sync_api import expect

    pick_scenario(page, "harsh_scapegoating")
    expect(lever(page, "Scapegoating")).to_contain_text("Scapegoating: 0.90")
    expect(lever(page, "Scapegoating")).not_to_contain_text("changed")
    description = page.get_by_text("This run: harsh_scapegoating")
    expect(description).to_contain_text("scapegoating 0.90")
    slider = lever(page, "Scapegoating").get_by_role("slider")
    slider.focus()
    slider.press("ArrowLeft")
    expect(lever(page, "Scapegoating")).to_contain_text("Scapegoating: 0.85 changed (scenario: 0.90)")  # fmt: skip
    expect(page.get_by_text("press Reset to run with them")).to_be_visible()
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(description).to_contain_text("scapegoating 0.85")
    expect(description).to_contain_text("changed from the scenario: scapegoating rate")
    assert not page.problems, page.problems


def test_plays_the_whole_history_at_render_interval_100(page):
    from playwright.sync_api import expect

    set_render_interval(page, "End")
    expect(page.get_by_text("Render Interval: 100")).to_be_visible()
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.get_by_text("shift 729 of 729, 31 Dec 1937; the run is over").first).to_be_visible(timeout=WAIT_MS)  # fmt: skip
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_disabled()
    expect(page.locator(".event-line").first).to_be_visible()
    page.get_by_role("tab", name="Charts").click()
    expect(page.locator(".live-echart canvas")).to_have_count(6, timeout=WAIT_MS)
    assert not page.problems, page.problems


def test_what_if_runs_side_by_side(page, tmp_path):
    from playwright.sync_api import expect

    push = lever(page, "Campaign push").get_by_role("slider")
    push.focus()
    push.press("Home")  # no campaign at all
    expect(lever(page, "Campaign push")).to_contain_text("x0.0 changed (scenario: x1.0)")
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_role("tab", name="What if?").click()
    expect(page.get_by_text("changed: campaign intensity")).to_be_visible(timeout=WAIT_MS)
    set_render_interval(page, "End")
    for _ in range(2):
        page.get_by_role("button", name="Step", exact=True).click()
    expect(page.get_by_text("shift 200 of 729").first).to_be_visible(timeout=WAIT_MS)
    table = page.locator(".what-if-table")
    expect(table).to_contain_text("with your changes")
    expect(table).to_contain_text("coal cut (t)")
    expect(page.locator(".live-echart canvas")).to_have_count(6, timeout=WAIT_MS)
    page.screenshot(path=tmp_path / "what_if.png")
    assert not page.problems, page.problems


def test_the_page_fits_a_projector(page):
    """At 1366x768 nothing needs scrolling: not the page, the levers, or the mine's tab."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.get_by_text("shift 1 of 729").first).to_be_visible(timeout=WAIT_MS)
    overflow = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.levers, .main-area')]
            .map(e => e.scrollHeight - e.clientHeight)"""
    )
    assert max(overflow) <= 2, overflow


def test_off_loopback_the_page_needs_the_join_link(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    server = start_app("0.0.0.0", port, log)
    try:
        assert wait_until_up(f"http://127.0.0.1:{port}/", server) == 403
        link = re.search(r"http://\S+\?token=(\S+)", log.read_text())
        assert link, log.read_text()
        assert wait_until_up(f"http://127.0.0.1:{port}/?token={link.group(1)}", server) == 200
    finally:
        stop(server)


def test_server_answers_while_a_run_plays_and_stops_promptly_on_sigterm(browser, tmp_path):
    from playwright.sync_api import expect

    port = free_port()
    server = start_app("127.0.0.1", port, tmp_path / "server.log")
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, server)
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(url)
        expect(page.get_by_text("Events, newest first")).to_be_visible(timeout=WAIT_MS)
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function(PLAYED_PAST_SHIFT_2, timeout=WAIT_MS)  # it plays on
        started = time.monotonic()
        assert wait_until_up(url, server) == 200  # another class's page, while this one plays
        answered = time.monotonic() - started
    finally:
        seconds = stop(server)
    assert answered < 10, f"the server took {answered:.1f} s to answer while a run played"
    assert server.returncode is not None and seconds < 6, f"stopped after {seconds:.1f} s"
