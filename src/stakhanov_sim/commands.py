"""What each subcommand does; ``cli.py`` parses the command line and calls these.

Every command that writes goes through ``experiments.outputs``: one writer per output, new
results beside the old until complete, and nothing replaced that the tool did not write.
Work is sized before it starts (``experiments.budget``).
"""

from __future__ import annotations

import argparse
import errno
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from stakhanov_sim.experiments import budget, outputs
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.scenarios.loading import load, parse_assignment

COMMAND_CHARS = 200  # of the command line, kept in a lock file to name its holder
RUN_ALLOWED = budget.RUN_ALLOWED


class UsageError(Exception):
    """A mistake on the command line, explained to the user."""


def command_line() -> str:
    """This command as typed (shortened), to name the holder of an output's lock."""
    return shlex.join(["stakhanov-sim", *sys.argv[1:]])[:COMMAND_CHARS]


def cap_workers(workers: int | None, jobs: int) -> int:
    """``--workers``, at most one per core and per job; a notice when the user asked for more."""
    from stakhanov_sim.experiments.runner import cpu_count

    cores = cpu_count()
    if workers is None:
        return max(1, min(cores, jobs))
    if workers > cores:
        print(
            f"stakhanov-sim: notice: --workers {workers} is more than the {cores} CPU cores available; using {cores}",
            file=sys.stderr,
        )
    return max(1, min(workers, cores, jobs))


def run(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.runner import run
    from stakhanov_sim.figures import plots

    overrides = dict(parse_assignment(text) for text in args.set)
    loaded = load(args.config, overrides)
    scenario = loaded.scenario
    workers = cap_workers(args.workers, args.replicates)
    estimate = budget.run_estimate(scenario, args.replicates, workers)
    budget.check(estimate, f"{args.config}: the run", RUN_ALLOWED)
    out = Path(args.output or Path("runs") / Path(args.config).stem)
    if line := loaded.left_out_line():
        print(line)
    with outputs.writing(out, outputs.run_owner(), args.overwrite, command_line()) as staging:
        if args.from_posterior:
            from stakhanov_sim.experiments.posterior import run_from_posterior

            results = run_from_posterior(
                scenario, args.from_posterior, args.replicates, args.seed, workers
            )
        else:
            results = run(
                scenario, replicates=args.replicates, seed=args.seed, workers=workers,
                progress=True, batch=args.batch_size,
            )  # fmt: skip
        results.manifest["config_file"] = str(args.config)
        results.manifest["overrides"] = dict(overrides)
        results.manifest["events_left_out"] = loaded.left_out
        results.save(staging)
        figures = plots.plot_all(results, staging / "figures")
    print(
        f"wrote {out}/{{model,agents,events}}.parquet, manifest.json and {len(figures)} figures in {out / 'figures'}"
    )
    return 0


def plot(args: argparse.Namespace) -> int:
    from stakhanov_sim.figures import plots

    results = Results.load(args.run_dir)
    if results.model.empty:
        raise UsageError(
            f"{Path(args.run_dir) / 'model.parquet'}: has no rows, so there is nothing to plot; allowed: a run directory with at least one shift"
        )
    run_dir = Path(args.run_dir)
    out = Path(args.output) if args.output else run_dir / "figures"
    lock_for = None if args.output else run_dir
    owner = outputs.figures_owner()
    with outputs.writing(out, owner, True, command_line(), lock_for=lock_for) as staging:
        figures = plots.plot_all(results, staging)
    print(f"wrote {len(figures)} figures in {out}")
    return 0


def app(args: argparse.Namespace) -> int:
    """Serve the classroom app until Ctrl-C or SIGTERM (``stakhanov_sim.app.launch``)."""
    import importlib.util

    if importlib.util.find_spec("solara") is None:
        raise UsageError("the app needs Solara: pip install -e '.[app]' (make app does it)")
    check_port_free(args.host, args.port)
    from stakhanov_sim.app.launch import serve

    serve(args.host, args.port)
    return 0


def check_port_free(host: str, port: int) -> None:
    """Refuse, before printing any URL, a port another program holds or a host not ours."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UsageError(
            f"--host {host}: not an address of this machine; allowed: 127.0.0.1 (this machine only) or 0.0.0.0 (every network)"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"--port {port}: already in use on {host} (another program, or the app already running); allowed: a free port, e.g. --port {port + 1 if port < 65535 else 8765}"
                ) from None
            raise UsageError(
                f"--host {host} --port {port}: cannot listen there ({exc.strerror}); allowed: an address of this machine and a port above 1023"
            ) from None


def sweep(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.sweep import load_sweep, run_sweep

    the_sweep = load_sweep(args.sweep_file)
    out = sweep_output(args)
    report = on_executor(
        args, out, the_sweep, lambda ex, d: run_sweep(the_sweep, d, ex, batch=args.batch_size)
    )
    print(
        f"{report.computed} runs computed, {report.skipped} found done, {report.total} in all, in {report.seconds:.1f} s"
    )
    print(f"wrote {out}/runs/ (one Parquet file per run), {out}/design.parquet, {out}/sweep.json")
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.sensitivity import load_analysis, run_sensitivity

    the_sweep = load_analysis(args.sweep_file, args.method)
    out = sweep_output(args)
    work = lambda ex, d: run_sensitivity(the_sweep, d, ex, batch=args.batch_size)  # noqa: E731
    report = on_executor(args, out, the_sweep, work)
    print(f"{report.sweep.computed} runs computed, {report.sweep.skipped} found done")
    print("wrote " + ", ".join(str(_final(p, out)) for p in report.files))
    return 0


def _final(path: Path, out: Path) -> Path:
    """Where a file written in a staging directory is once swapped in."""
    staging = outputs.staging_path(out)
    return out / path.relative_to(staging) if path.is_relative_to(staging) else path


def sweep_output(args: argparse.Namespace) -> Path:
    return Path(args.output or Path("runs") / Path(args.sweep_file).stem)


def on_executor(args: argparse.Namespace, out: Path, the_sweep, work: Callable):
    """Take the output directory, start the chosen executor and hand both to ``work``."""
    from stakhanov_sim.experiments.sweep import SweepError, open_executor
    from stakhanov_sim.experiments.sweepdir import sweep_output

    workers = None
    if args.scheduler is None and args.dask_local is None:
        workers = cap_workers(args.workers, the_sweep.n_runs)
        estimate = budget.sweep_estimate(
            len(the_sweep.design), the_sweep.spec.replicates, the_sweep.base, workers
        )
        budget.check(estimate, f"{args.sweep_file}: the sweep", f"fewer --workers ({RUN_ALLOWED})")
    try:
        with (
            sweep_output(the_sweep, out, args.overwrite, command_line()) as directory,
            open_executor(workers, args.scheduler, args.dask_local) as executor,
        ):
            return work(executor, directory)
    except SweepError as exc:
        raise UsageError(str(exc)) from None


def compare(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.compare import compare

    if len(args.run_dirs) < 2:
        raise UsageError("compare needs at least two run directories (the first is the reference)")
    out = Path(args.output)
    with outputs.writing(out, outputs.compare_owner(), True, command_line()) as staging:
        written = compare(args.run_dirs, staging)
    print(f"wrote {len(written) - 2} figures, summary.csv and summary.md in {out}")
    return 0


def validate(args: argparse.Namespace) -> int:
    from stakhanov_sim.validation.judge import failed_validation, summary
    from stakhanov_sim.validation.report import validate

    overrides = dict(parse_assignment(text) for text in args.set)
    scenario = load(args.config, overrides).scenario  # a bad config fails here, before any run
    workers = cap_workers(args.workers, args.replicates)
    estimate = budget.run_estimate(scenario, args.replicates, workers)
    budget.check(estimate, f"{args.config}: each ensemble", RUN_ALLOWED)
    out = Path(args.output)
    with outputs.writing(out, outputs.validation_owner(), True, command_line()) as staging:
        table = validate(
            args.config, args.replicates, staging, workers, overrides, batch=args.batch_size
        )
    print(summary(table))
    print(f"report in {out / 'validation.md'}")
    return 1 if len(failed_validation(table)) else 0


def calibrate(args: argparse.Namespace) -> int:
    """ABC-SMC calibration of the parameters the sources leave open (issue 14)."""
    import logging

    from stakhanov_sim.experiments.calibration import CalibrationError, Setup
    from stakhanov_sim.experiments.calibration_report import calibrate
    from stakhanov_sim.experiments.sweep import SweepError, open_executor

    logging.getLogger("ABC").setLevel(logging.WARNING)  # one line per generation is ours
    overrides = dict(parse_assignment(text) for text in args.set)
    scenario = load(args.config, overrides).scenario
    seed = scenario.seed if args.seed is None else args.seed
    setup = Setup(
        str(args.config), scenario.model_dump(mode="json"), seed, args.population,
        noise_replicates=args.noise_replicates, runs_per_particle=args.runs_per_particle,
    )  # fmt: skip
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out}: exists and is not a directory")
    workers = None if args.workers is None else cap_workers(args.workers, args.population)
    estimate = budget.run_estimate(scenario, args.population, workers or 1)
    budget.check(estimate, f"{args.config}: a generation", RUN_ALLOWED)
    try:  # one writer; the directory is written in place, so a killed calibration resumes
        with (
            outputs.locked(out, command_line()),
            open_executor(workers, args.scheduler, args.dask_local) as executor,
        ):
            report = calibrate(
                setup, out, args.budget, executor, args.predictive, args.point_replicates,
                past_convergence=args.past_convergence,
            )  # fmt: skip
    except (CalibrationError, SweepError) as exc:
        raise UsageError(str(exc)) from None
    state = "converged" if report.converged else "not converged (see report.md)"
    print(
        f"{report.generations} generations, {report.simulations} simulations, {state}; wrote "
        + ", ".join(p.name for p in report.files)
        + f" in {out}"
    )
    return 0
