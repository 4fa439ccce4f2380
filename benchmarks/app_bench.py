"""Benchmark of the classroom app as a class sees it: Play's shifts per second, Step's latency.

Starts ``stakhanov-sim app`` on a free port, opens it in Debian's chromium (Playwright,
headless, 1366x768: a projector) and measures in the page itself, with the browser's clock:

- Step: from the click on Step (Render Interval 1) until the page shows the next shift
  (the feed's header names it; the charts and the mine are redrawn in the same update);
- Play: shifts shown per second over a stretch of the historical run at Render Interval 1,
  and how many of the shifts worked were on screen at least once (every shift drawn).

Writes its section of ``results.md`` (between the ``app-bench`` markers; the rest of the file
is left as it is) and prints the numbers. Usage::

    .venv/bin/python benchmarks/app_bench.py [--steps 30] [--play-seconds 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
BEGIN, END = "<!-- app-bench: begin -->", "<!-- app-bench: end -->"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

SHOWN_SHIFT = """() => {
  const header = [...document.querySelectorAll('b')].find(b => b.textContent.startsWith('Events, newest first'));
  const m = header && header.textContent.match(/shift (\\d+) of/);
  return m ? Number(m[1]) : 0;
}"""
STEP_LATENCY = (
    """async (n) => {
  const shown = """
    + SHOWN_SHIFT
    + """;
  const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Step');
  const times = [];
  for (let i = 0; i < n; i++) {
    const before = shown();
    const t0 = performance.now();
    button.click();
    await new Promise(done => { const look = () => shown() > before ? done() : requestAnimationFrame(look); look(); });
    await new Promise(done => requestAnimationFrame(done));  // the frame that paints it
    times.push(performance.now() - t0);
    await new Promise(done => setTimeout(done, 150));
  }
  return times;
}"""
)
PLAY_RATE = (
    """async (seconds) => {
  const shown = """
    + SHOWN_SHIFT
    + """;
  const seen = new Set();
  const first = shown(), t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    seen.add(shown());
    await new Promise(done => requestAnimationFrame(done));
  }
  const last = shown();
  return {first, last, seconds: (performance.now() - t0) / 1000, seen: [...seen].filter(s => s > first && s <= last).length};
}"""
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "stakhanov_sim", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the app server did not start within 90 s")


def measure(url: str, steps: int, play_seconds: float) -> dict:
    """Step latencies (ms) and Play's rate, measured in one fresh page."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url)
        expect(page.get_by_text("Events, newest first")).to_be_visible(timeout=60_000)
        page.wait_for_timeout(2000)  # charts' script loaded
        latencies = page.evaluate(STEP_LATENCY, steps)
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(1000)
        play = page.evaluate(PLAY_RATE, play_seconds)
        page.get_by_role("button", name="Pause", exact=True).click()
        browser.close()
    return {"latencies_ms": latencies[1:], "play": play}  # the first Step warms caches


def report(measured: dict, load: tuple[float, float, float]) -> str:
    lat = sorted(measured["latencies_ms"])
    play = measured["play"]
    worked = play["last"] - play["first"]
    rate = worked / play["seconds"]
    p90 = lat[int(0.9 * (len(lat) - 1))]
    return "\n".join(
        [
            BEGIN,
            "## Classroom app (`benchmarks/app_bench.py`)",
            "",
            f"Measured {dt.date.today()} in headless chromium at 1366x768 against "
            "`stakhanov-sim app`, historical scenario, Render Interval 1 (every shift drawn); "
            f"load average at the start {load[0]:.1f} on {os.cpu_count()} cores (a shared "
            "machine: other people's work slows both the server and the browser).",
            "",
            "| measure | value | target (issue 15) |",
            "|---|---|---|",
            f"| Step: click to next shift painted, median of {len(lat)} | {statistics.median(lat):.0f} ms | within 150 ms |",
            f"| Step: 90th percentile / worst | {p90:.0f} / {lat[-1]:.0f} ms | |",
            f"| Play: shifts shown per second over {play['seconds']:.0f} s | {rate:.1f} | 10 or more |",
            f"| Play: shifts worked that were on screen | {play['seen']} of {worked} | every one |",
            "",
            "Play aims at 15 pictures a second (`FRAME_S` in `app/server.py`); the whole "
            f"run of 729 shifts takes about {729 / max(rate, 0.1):.0f} s at this rate.",
            END,
        ]
    )


def write_section(section: str, path: Path = RESULTS) -> None:
    """Put ``section`` in place of the old one (or at the end); leave the rest untouched."""
    text = path.read_text() if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="Step clicks to time (default 30)")
    parser.add_argument("--play-seconds", type=float, default=20, help="how long to watch Play")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    port = free_port()
    server = start_server(port)
    try:
        measured = measure(f"http://127.0.0.1:{port}/", args.steps, args.play_seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    section = report(measured, load)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
