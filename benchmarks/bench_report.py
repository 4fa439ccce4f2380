"""The benchmark report: ``results.md`` with the targets of issues 7 and 17, and the figure.

Reads the plain data ``bench.py`` measured; runs nothing itself.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

FIGURE = "cost_per_worker_shift.png"


def _plain(value: float, _position=None) -> str:
    """A log axis's tick as a plain number (0.5, not 5 x 10^-1), only at 1, 2, 3 and 5 of
    each power of ten, so the labels do not crowd."""
    if value <= 0:
        return ""
    mantissa = round(value / 10 ** math.floor(math.log10(value)), 6)
    return f"{value:g}" if mantissa in (1, 2, 3, 5) else ""


PLAIN = FuncFormatter(_plain)
THROUGHPUT_FIGURE = "throughput.png"
# Okabe-Ito, safe for colour-blind readers.
MODEL_COLOUR, MESA_COLOUR, TARGET_COLOUR = "#0072B2", "#D55E00", "#009E73"
RATIO_TARGET = 0.3  # model per worker-shift / Mesa's empty shuffle_do per agent, at >= 10k
RATIO_FROM = 10_000  # ... miners and more
SCALING_TARGET = 1.5  # cost per worker-shift at 1M within 1.5x of that at 10k
DEFAULT_TARGET_S = 1.0
BASIN_TARGET_S, BASIN_TARGET_MB = 60.0, 4096.0
ENSEMBLE_TARGET = 1.7  # throughput with 2 workers / with 1
SINGLE_TARGET = 3.0  # a default-size run per worker-shift / the large mine's (issue 17)
THROUGHPUT_TARGET = 10.0  # 200 default runs on 2 workers: batches / one run per task (17)
EXECUTOR_COLOURS = {("pool", 2): "#0072B2", ("pool", 1): "#56B4E9", ("dask", 2): "#E69F00",
                    ("agents", 2): "#CC79A7"}  # fmt: skip
EXECUTOR_NAMES = {"agents": "issue's path (Mesa agents)", "pool": "pool",
                  "dask": "Dask, local"}  # fmt: skip
EXECUTOR_MARKERS = {("pool", 2): "o", ("pool", 1): "s", ("dask", 2): "^", ("agents", 2): "D"}


def _nearest(rows: list[dict], miners: int) -> dict | None:
    """The row whose size is within 5% of ``miners``, if any."""
    near = [r for r in rows if abs(r["miners"] - miners) <= 0.05 * miners]
    return near[0] if near else None


def targets(measured: dict) -> list[tuple[str, str, bool | None]]:
    """Each target of issues 7 and 17: what it asks, what was measured, met."""
    out: list[tuple[str, str, bool | None]] = []
    rows = measured.get("sizes", [])
    big = [r for r in rows if r["miners"] >= 0.95 * RATIO_FROM]
    if big:
        worst = max(big, key=lambda r: r["ratio"])
        out.append((
            f"model / Mesa empty loop at >= {RATIO_FROM:,} miners <= {RATIO_TARGET}",
            f"worst {worst['ratio']:.2f} (at {worst['miners']:,} miners)",
            worst["ratio"] <= RATIO_TARGET,
        ))  # fmt: skip
    small, large = _nearest(rows, 10_000), _nearest(rows, 1_000_000)
    if small and large:
        scaling = large["model_us"] / small["model_us"]
        out.append((f"1M vs 10k per worker-shift <= {SCALING_TARGET}x", f"{scaling:.2f}x",
                    scaling <= SCALING_TARGET))  # fmt: skip
    if "default" in measured:
        wall = statistics.median(measured["default"]["wall_s"])
        cpu = statistics.median(measured["default"].get("cpu_s", [wall]))
        out.append((f"default scenario < {DEFAULT_TARGET_S:.0f} s",
                    f"median {wall:.2f} s wall, {cpu:.2f} s CPU", wall < DEFAULT_TARGET_S))  # fmt: skip
        out.append(("  ... judged on CPU time (as on an unshared machine)", f"{cpu:.2f} s",
                    cpu < DEFAULT_TARGET_S))  # fmt: skip
    if "basin" in measured:
        b = measured["basin"]
        wall, mb = b["wall_s"][0], b["peak_rss_mb"]
        cpu = b.get("cpu_s", [wall])[0]
        out.append((f"donbas_basin < {BASIN_TARGET_S:.0f} s and < 4 GB",
                    f"{wall:.1f} s wall, {cpu:.1f} s CPU, {mb:,.0f} MB",
                    wall < BASIN_TARGET_S and mb < BASIN_TARGET_MB))  # fmt: skip
        out.append(("  ... judged on CPU time (as on an unshared machine)", f"{cpu:.1f} s, {mb:,.0f} MB",
                    cpu < BASIN_TARGET_S and mb < BASIN_TARGET_MB))  # fmt: skip
    if "ensemble" in measured:
        by_workers = {r["workers"]: r["runs_per_s"] for r in measured["ensemble"]}
        if 1 in by_workers and 2 in by_workers:
            speedup = by_workers[2] / by_workers[1]
            out.append((f"2 workers >= {ENSEMBLE_TARGET}x the throughput of 1",
                        f"{speedup:.2f}x", speedup >= ENSEMBLE_TARGET))  # fmt: skip
    if measured.get("throughput"):
        rows = measured["throughput"]
        pool = {r["batch"]: r["runs_per_s"] for r in rows
                if r["executor"] == "pool" and r["workers"] == 2}  # fmt: skip
        reference, name = _throughput_reference(rows)
        if reference and any(b > 1 for b in pool):
            best = max((b for b in pool if b > 1), key=pool.get)
            gain = pool[best] / reference
            also = (f"; {pool[best] / pool[1]:.1f}x one run per task without agents"
                    if 1 in pool and name != "pool" else "")  # fmt: skip
            out.append((f"200 default runs on 2 workers: batches >= {THROUGHPUT_TARGET:.0f}x "
                        "the pool's path when the issue was filed (issue 17)",
                        f"{gain:.1f}x ({pool[best]:.1f} against {reference:.1f} runs/s, "
                        f"batch {best}{also})", gain >= THROUGHPUT_TARGET))  # fmt: skip
    if "ceiling" in measured:
        c = measured["ceiling"]
        out.append(("  ... the most batches could reach: nothing but their stepping counted "
                    "(`ceiling.py`)",
                    f"{c['ceiling']:.1f}x ({c['reference_s'] * 1e3:.0f} against "
                    f"{c['stepping_s'] * 1e3:.1f} ms CPU a run)",
                    c["ceiling"] >= THROUGHPUT_TARGET))  # fmt: skip
    if "single" in measured:
        s = measured["single"]
        out.append((f"a single default-size run <= {SINGLE_TARGET:.0f}x the large mine's cost "
                    "per worker-shift (issue 17)",
                    f"{s['ratio']:.2f}x ({s['single_us']:.3f} against {s['large_us']:.3f} µs)",
                    s["ratio"] <= SINGLE_TARGET))  # fmt: skip
    return out


def _size_table(rows: list[dict]) -> list[str]:
    lines = [
        "| miners | sections | shifts | first use (s) | construction (s) | model (µs/worker-shift, CPU) "
        "| model (µs, wall) | Mesa empty shuffle_do (µs/agent, CPU) | ratio | peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['miners']:,} | {r['sections']:,} | {r['shifts']} "
            f"| {r.get('first_use_cpu_s', float('nan')):.2f} | {r['construct_s']:.2f} "
            f"| {r['model_us']:.3f} | {r['model_wall_us']:.3f} | {r['mesa_us']:.3f} "
            f"| {r['ratio']:.2f} | {r['peak_rss_mb']:,.0f} |"
        )
    return lines


def _scenario_lines(measured: dict) -> list[str]:
    lines = []
    for part in ("default", "basin"):
        if part in measured:
            s = measured[part]
            walls = ", ".join(f"{w:.2f}" for w in s["wall_s"])
            cpus = ", ".join(f"{c:.2f}" for c in s["cpu_s"])
            lines.append(
                f"| {s['scenario']} | {s['miners']:,} | {s['mines']} | {s['shifts']} "
                f"| {walls} | {cpus} | {s['peak_rss_mb']:,.0f} |"
            )
    if not lines:
        return []
    head = [
        "| scenario | miners | mines | shifts | wall (s), each run | CPU (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---|---|---:|",
    ]
    return ["## Scenarios (`stakhanov_sim.run`, one replicate)", "", *head, *lines, ""]


def _ensemble_lines(rows: list[dict]) -> list[str]:
    lines = [
        "## Ensemble throughput (`stakhanov_sim.run`, process pool)",
        "",
        "Wall time of the whole call, starting the worker processes included; the faster of "
        "two tries of each setting.",
        "",
        "| workers | replicates | miners per run | wall (s) | runs per second | load average before |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['workers']} | {r['replicates']} | {r['miners']:,} | {r['wall_s']:.2f} "
            f"| {r['runs_per_s']:.3f} | {r['load_before']:.1f} |"
        )
    return [*lines, ""]


def _throughput_reference(rows: list[dict]) -> tuple[float | None, str]:
    """Runs per second of issue 17's reference on 2 workers: one run per task with Mesa
    agents (``agents``, the pool's path when the issue was filed) where measured, else one
    run per task without them (``pool``, batch 1); and which it is."""
    for executor in ("agents", "pool"):
        for r in rows:
            if (r["executor"], r["workers"], r["batch"]) == (executor, 2, 1):
                return r["runs_per_s"], executor
    return None, ""


def _tries(rows: list[dict]) -> str:
    """How each setting was timed (results before the tries were recorded: once)."""
    tries = rows[0].get("tries", 1)
    if tries == 1:
        return "Each setting once, in the order listed."
    return (f"The whole list {tries} times over, in the order listed, each setting's fastest "
            "try kept (the load before is that try's).")  # fmt: skip


def throughput_lines(measured: dict) -> list[str]:
    """The section on runs per second against batch size and workers (issue 17)."""
    rows = measured["throughput"]
    lines = [
        "## Many runs at once: runs per second against batch size (issue 17)",
        "",
        f"{rows[0]['replicates']} replicates of the default mine (`history_1935_37`, 380 "
        "miners, 729 shifts), wall time of the whole call, starting the workers included. "
        "`agents`: the process pool's path when issue 17 was filed, kept as its reference: "
        "one task per run, each a whole `MineModel` with its Mesa agents, its tables pickled "
        "back (`bench.one_run_per_task_with_agents`). `pool`: `stakhanov_sim.run` on its "
        "process pool, which makes no Mesa agents; batch 1 is one run per task. `dask`: the "
        "same runs as a sweep of one point on `--dask-local` workers. "
        f"{_tries(rows)}",
        "",
        "| executor | workers | batch | wall (s) | runs per second | x the reference "
        "| x the pool's batch 1 | load before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reference, _ = _throughput_reference(rows)
    batch_1 = [r["runs_per_s"] for r in rows
               if (r["executor"], r["workers"], r["batch"]) == ("pool", 2, 1)]  # fmt: skip
    for r in rows:
        ratio = r["runs_per_s"] / reference if reference else float("nan")
        to_batch_1 = r["runs_per_s"] / batch_1[0] if batch_1 else float("nan")
        lines.append(
            f"| {r['executor']} | {r['workers']} | {r['batch']} | {r['wall_s']:.1f} "
            f"| {r['runs_per_s']:.2f} | {ratio:.1f} | {to_batch_1:.1f} | {r['load_before']:.1f} |"
        )
    return [*lines, "", f"![runs per second against batch size]({THROUGHPUT_FIGURE})", ""]


def fresh_lines(fresh: dict) -> list[str]:
    """The section on the time from a fresh ``.venv`` to the first results (issue 17)."""
    steps = ", ".join(f"{name} {s:.0f} s" for name, s in fresh["steps_s"].items())
    return [
        "## From a fresh `.venv` to the first results (issue 17)",
        "",
        f"{fresh['total_s']:.0f} s wall: {steps} (`python -m venv`, `pip install` of this "
        "checkout with pip's cache as the machine had it, then `stakhanov-sim run "
        "history_1935_37`, whose first run compiles the kernels and draws the figures).",
        "",
    ]


def throughput_figure(rows: list[dict], path: Path) -> None:
    """Runs per second against batch size, one line per executor and worker count."""
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    groups = sorted({(r["executor"], r["workers"]) for r in rows}, key=str)
    for group in groups:
        mine = sorted((r["batch"], r["runs_per_s"]) for r in rows
                      if (r["executor"], r["workers"]) == group)  # fmt: skip
        ax.plot([b for b, _ in mine], [v for _, v in mine], marker=EXECUTOR_MARKERS.get(group, "o"),
                color=EXECUTOR_COLOURS.get(group, "#000000"),
                label=f"{EXECUTOR_NAMES.get(group[0], group[0])}, {group[1]} "
                      f"worker{'s' if group[1] > 1 else ''}")  # fmt: skip
    reference, name = _throughput_reference(rows)
    if reference:
        what = "the issue's path" if name == "agents" else "one run per task"
        ax.axhline(THROUGHPUT_TARGET * reference, color=TARGET_COLOUR, linestyle="--",
                   label=f"target: {THROUGHPUT_TARGET:.0f} x {what} (2 workers)")  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # 64, not 2^6
    ax.set_xlabel("batch size (runs stepped together)")
    ax.set_ylabel("runs per second (wall)")
    ax.set_title("Throughput of 200 default runs against batch size")
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(loc="outside lower center", ncols=2)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def single_lines(measured: dict) -> list[str]:
    """The section on a single default-size run against the large mine (and an older tree)."""
    s = measured["single"]
    head = (
        "| tree | default run (µs/worker-shift) | large mine (µs/worker-shift) | ratio "
        "| default run (s CPU) | fixed cost (µs/shift) | load before |"
    )
    lines = [
        "## A single default-size run against the large mine (issue 17)",
        "",
        f"In one process, {len(s['single_us_each'])} default runs (`history_1935_37` as "
        f"shipped: {s['miners']} miners, {s['shifts']} shifts) alternating with as many runs "
        f"of a {s['large_miners']:,}-miner mine ({s['large_shifts']} shifts, as in the scaling "
        "table); steps only, CPU time, medians. The fixed cost is what a default shift costs "
        "beyond the large mine's rate for its miners. Load average (1 min) before each.",
        "",
        head,
        "|---|---:|---:|---:|---:|---:|---:|",
        _single_row("this tree", s),
        "",
    ]
    against = measured.get("single_against")
    if against:
        lines += [
            f"The same measurement in fresh subprocesses, this tree and an older one "
            f"(`{against['reference_src']}`) in turns:",
            "",
            head,
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [_single_row(tree, r) for tree, rows in against["runs"].items() for r in rows]
        lines += ["", "Medians over the turns (the lowest in brackets):", "",
                  "| tree | ratio | fixed cost (µs/shift) | default run (s CPU) |",
                  "|---|---:|---:|---:|"]  # fmt: skip
        for tree, rows in against["runs"].items():
            cells = [
                f"{statistics.median(values):{form}} ({min(values):{form}})"
                for key, form in (
                    ("ratio", ".2f"),
                    ("fixed_us_per_shift", ".0f"),
                    ("run_cpu_s", ".3f"),
                )  # fmt: skip
                for values in [[r[key] for r in rows]]
            ]
            lines.append(f"| {tree} | {' | '.join(cells)} |")
        lines.append("")
    return lines


def _single_row(tree: str, s: dict) -> str:
    return (
        f"| {tree} | {s['single_us']:.3f} | {s['large_us']:.3f} | {s['ratio']:.2f} "
        f"| {s['run_cpu_s']:.3f} | {s['fixed_us_per_shift']:.0f} | {s['load_before']:.1f} |"
    )


def _machine() -> str:
    import mesa
    import numpy as np

    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"NumPy {np.__version__}, Mesa {mesa.__version__}"
    )


def markdown(measured: dict) -> str:
    """The whole ``results.md``."""
    lines = [
        "# Benchmark results",
        "",
        f"Measured {measured['started']} by `make bench` (`benchmarks/bench.py`) on "
        f"{_machine()}. Load average (1 min) {measured['load_before'][0]:.1f} before, "
        f"{measured['load_after'][0]:.1f} after: other work shared the machine, so costs are "
        "CPU time of the benchmark process and wall times are for reference. "
        "A worker-shift is one miner's job slot worked for one shift.",
        "",
        "## Targets (issues 7 and 17)",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for what, value, met in targets(measured):
        lines.append(f"| {what} | {value} | {'yes' if met else 'no'} |")
    lines.append("")
    if measured.get("sizes"):
        lines += [
            "## Cost per worker-shift",
            "",
            "The historical scenario over a short calendar with the campaign on, grown by "
            "`mine.sections` (20 hewers per section); steps only, with data collection. "
            'In the same subprocess, Mesa\'s `AgentSet.shuffle_do("step")` over as many plain '
            "`mesa.Agent` subclasses with an empty `step()`.",
            "",
            *_size_table(measured["sizes"]),
            "",
            f"![cost per worker-shift]({FIGURE})",
            "",
        ]
    lines += _scenario_lines(measured)
    if measured.get("ensemble"):
        lines += _ensemble_lines(measured["ensemble"])
    if measured.get("throughput"):
        lines += throughput_lines(measured)
    if measured.get("fresh"):
        lines += fresh_lines(measured["fresh"])
    if measured.get("ceiling"):
        lines += ceiling_lines(measured["ceiling"])
    if measured.get("single"):
        lines += single_lines(measured)
    if measured.get("particle"):
        lines += particle_lines(measured["particle"])
    if measured.get("particles"):
        lines += particles_lines(measured["particles"])
    return "\n".join(lines)


def ceiling_lines(c: dict) -> list[str]:
    """The section on the ceiling of issue 17's throughput ratio (``ceiling.py``)."""
    verdict = (
        f"{THROUGHPUT_TARGET:.0f}x is within it."
        if c["ceiling"] >= THROUGHPUT_TARGET
        else f"{THROUGHPUT_TARGET:.0f}x would need a batch's stepping at "
        f"{c['stepping_for_target_s'] * 1e3:.1f} ms CPU a run or less, "
        f"{1 - c['stepping_for_target_s'] / c['stepping_s']:.0%} less than now, whatever "
        "the pool, the handover and the tables are made to cost."
    )
    rounds = ", ".join(
        f"{r * 1e3:.0f}/{s * 1e3:.1f}"
        for r, s in zip(c["reference_s_each"], c["stepping_s_each"], strict=True)
    )
    return [
        "## The ceiling of issue 17's ratio",
        "",
        "Per worker, the reference path costs a run with Mesa agents and the pickling of its "
        "tables; a batch costs its runs' stepping without agents and their tables. However "
        "little the pool, the handover and the start of the workers cost, batches can gain no "
        "more over the reference than the reference task's CPU per run over a batch's "
        f"stepping CPU per run. In one process, {c['rounds']} rounds, alternating: "
        f"{c['reference_runs']} reference tasks, then one batch of {c['batch']} default runs "
        "stepped (in ordinary pages, as a worker steps it) and its tables made; CPU time, "
        f"medians. Load average (1 min) {c['load_before']:.1f} before, "
        f"{c['load_after']:.1f} after.",
        "",
        "| reference task (ms CPU a run) | batch: stepping (ms CPU a run) | batch: tables "
        "(ms CPU a run) | ceiling | with the tables | each round (reference/stepping) |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {c['reference_s'] * 1e3:.1f} | {c['stepping_s'] * 1e3:.1f} | "
        f"{c['tables_s'] * 1e3:.1f} | {c['ceiling']:.1f}x | {c['in_process']:.1f}x | {rounds} |",
        "",
        verdict,
        "",
    ]


def particle_lines(c: dict) -> list[str]:
    """The section on a calibration particle in one batch against two (issue 14)."""
    each = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(c["together_s_each"], c["apart_s_each"],
                                                           strict=True))  # fmt: skip
    return [
        "## A calibration particle (issue 14)",
        "",
        "`calibrate` measures each particle on the history and its no-campaign baseline, both "
        "on the default mine. In one process, alternating, with the same seeds: the two runs "
        "as one batch (`runner.run_with_baseline`, what `calibrate` does) and as two batches of "
        "one (the path of before); CPU time, medians, the same targets' values both ways. "
        f"Load average (1 min) {c['load_before']:.1f} before, {c['load_after']:.1f} after.",
        "",
        "| one batch of two (s CPU) | two batches of one (s CPU) | speed-up | each round (one/two) |",
        "|---:|---:|---:|---|",
        f"| {c['together_s']:.2f} | {c['apart_s']:.2f} | {c['speedup']:.2f}x | {each} |",
        "",
    ]


def particles_lines(c: dict) -> list[str]:
    """The section on a worker's calibration particles stepped together (issue 14)."""
    return [
        "## A worker's calibration particles together (issue 14)",
        "",
        f"{c['particles']} parameter points drawn from the calibration's priors, each run once "
        "with its no-campaign baseline on the default mine and measured on every calibration "
        "target: in one batch (`calibrated.measure_particles`, what a group of `calibrate`'s "
        "tasks does while its tasks are paused at their runs) and one by one (the path of "
        "before); CPU time per particle, in one process, the same numbers both ways. Load "
        f"average (1 min) {c['load_before']:.1f} before, {c['load_after']:.1f} after.",
        "",
        "| particles | together (s CPU each) | one by one (s CPU each) | speed-up |",
        "|---:|---:|---:|---:|",
        f"| {c['particles']} | {c['together_s']:.3f} | {c['alone_s']:.3f} | {c['speedup']:.2f}x |",
        "",
    ]


def figure(rows: list[dict], path: Path) -> None:
    """Log-log: cost per worker-shift of the model and of Mesa's empty loop, against miners."""
    miners = [r["miners"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    ax.loglog(miners, [r["model_us"] for r in rows], "o-", color=MODEL_COLOUR,
              label="stakhanov-sim, full model with data collection")  # fmt: skip
    ax.loglog(miners, [r["mesa_us"] for r in rows], "s-", color=MESA_COLOUR,
              label='Mesa AgentSet.shuffle_do("step"), empty step()')  # fmt: skip
    ax.loglog(miners, [RATIO_TARGET * r["mesa_us"] for r in rows], "--", color=TARGET_COLOUR,
              label=f"target: {RATIO_TARGET} x Mesa's empty loop")  # fmt: skip
    ax.set_xlabel("miners (job slots)")
    ax.set_ylabel("CPU cost per worker-shift (µs)")
    ax.yaxis.set_major_formatter(PLAIN)
    ax.yaxis.set_minor_formatter(PLAIN)
    ax.set_title("Cost per worker-shift against mine size")
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(loc="outside lower center")  # below the axes: the lines cross the whole plot
    fig.savefig(path, dpi=120)
    plt.close(fig)


APP_SECTION = "<!-- app-bench: begin -->"  # benchmarks/app_bench.py's section, kept as it is


def write(measured: dict, out: Path) -> None:
    """Write ``results.md`` and, when sizes were measured, the figure into ``out``."""
    if measured.get("sizes"):
        figure(measured["sizes"], out / FIGURE)
    if measured.get("throughput"):
        throughput_figure(measured["throughput"], out / THROUGHPUT_FIGURE)
    path = out / "results.md"
    kept = path.read_text().partition(APP_SECTION)[1:] if path.exists() else ("", "")
    path.write_text(markdown(measured) + "\n" + ("\n" + "".join(kept) if kept[0] else ""))
