"""The command line: ``stakhanov-sim run CONFIG`` and friends (also ``python -m stakhanov_sim``).

Errors a user can make (a bad config, a missing file, an unwritable directory) end with
exit status 2 and one message, never a traceback.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from stakhanov_sim.experiments.results import Results, ResultsError
from stakhanov_sim.scenarios.loading import (
    ConfigError,
    load_scenario,
    parse_assignment,
    shipped_scenarios,
)

SHIPPED_LIST = ", ".join(shipped_scenarios())
USAGE_ERROR = 2


class UsageError(Exception):
    """A mistake on the command line, explained to the user."""


def _run(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.runner import run
    from stakhanov_sim.figures import plots

    overrides = dict(parse_assignment(text) for text in args.set)
    scenario = load_scenario(args.config, overrides)
    out = Path(args.output or Path("runs") / Path(args.config).stem)
    prepare_output(out, args.overwrite)
    if args.from_posterior:
        from stakhanov_sim.experiments.posterior import run_from_posterior

        results = run_from_posterior(
            scenario, args.from_posterior, args.replicates, args.seed, args.workers
        )
    else:
        results = run(
            scenario,
            replicates=args.replicates,
            seed=args.seed,
            workers=args.workers,
            progress=True,
        )
    results.manifest["config_file"] = str(args.config)
    results.manifest["overrides"] = {k: v for k, v in overrides.items()}
    results.save(out)
    figures = plots.plot_all(results, out / "figures")
    print(
        f"wrote {out}/{{model,agents,events}}.parquet, manifest.json and {len(figures)} figures in {out / 'figures'}"
    )
    return 0


def _plot(args: argparse.Namespace) -> int:
    from stakhanov_sim.figures import plots

    results = Results.load(args.run_dir)
    out = Path(args.output) if args.output else Path(args.run_dir) / "figures"
    figures = plots.plot_all(results, out)
    print(f"wrote {len(figures)} figures in {out}")
    return 0


def prepare_output(out: Path, overwrite: bool) -> None:
    """Make sure ``out`` can be written; refuse to mix a new run into an old one."""
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"output {out}: exists and is not a directory; allowed: a new or empty directory"
        )
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise UsageError(
                f"output {out}: already holds a run; pass --overwrite to replace it, or choose another -o DIR"
            )
        for name in ("model.parquet", "agents.parquet", "events.parquet", "manifest.json"):
            (out / name).unlink(missing_ok=True)
        for stale in out.glob(".*.tmp"):  # left by a run killed while saving
            stale.unlink(missing_ok=True)
        shutil.rmtree(out / "figures", ignore_errors=True)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"output {out}: cannot be written ({exc.strerror})") from None


def _add_run(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run a scenario and write its tables and figures",
        description="Run a scenario from a YAML config; write model/agents/events Parquet tables, manifest.json and figures/.",
    )
    p.add_argument(
        "config", help=f"a shipped scenario's name or a YAML file; shipped: {SHIPPED_LIST}"
    )
    p.add_argument(
        "-o", "--output", metavar="DIR", help="run directory to write (default: runs/<config name>)"
    )
    p.add_argument(
        "--seed", type=int, help="seed of the random stream (default: the config's 'seed')"
    )
    _add_ensemble_options(
        p, replicates=1, what="independent runs from the seed; figures show mean and 95%% band"
    )
    p.add_argument("--overwrite", action="store_true", help="replace the run already in DIR")
    p.add_argument(
        "--from-posterior",
        metavar="CAL_DIR",
        help="draw each replicate's calibrated parameters from a calibration's posterior (a 'stakhanov-sim calibrate' output directory)",
    )
    p.set_defaults(func=_run)


def _add_plot(sub) -> None:
    p = sub.add_parser(
        "plot",
        help="draw the figures of a saved run again",
        description="Draw the standard figures from a run directory.",
    )
    p.add_argument("run_dir", help="a run directory written by 'stakhanov-sim run'")
    p.add_argument(
        "-o", "--output", metavar="DIR", help="where to write figures (default: RUN_DIR/figures)"
    )
    p.set_defaults(func=_plot)


def _app(args: argparse.Namespace) -> int:
    """Serve the classroom app until Ctrl-C or SIGTERM (``stakhanov_sim.app.launch``)."""
    import importlib.util

    if importlib.util.find_spec("solara") is None:
        raise UsageError("the app needs Solara: pip install -e '.[app]' (make app does it)")
    from stakhanov_sim.app.launch import serve

    serve(args.host, args.port)
    return 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port between 1 and 65535")
    return value


def _add_app(sub) -> None:
    p = sub.add_parser(
        "app",
        help="start the classroom app in the browser",
        description="Serve the classroom app: sliders for the campaign's levers, live charts, the mine and its events. Works offline.",
    )
    p.add_argument("--port", type=_port, default=8765, help="port to serve on (default: 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; 0.0.0.0 lets other machines connect, with the join link printed at start)",
    )
    p.set_defaults(func=_app)


def _sweep(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.sweep import load_sweep, run_sweep

    sweep = load_sweep(args.sweep_file)
    out = _sweep_output(args)
    report = _on_executor(args, out, sweep, lambda ex: run_sweep(sweep, out, ex))
    print(
        f"{report.computed} runs computed, {report.skipped} found done, {report.total} in all, in {report.seconds:.1f} s"
    )
    print(f"wrote {out}/runs/ (one Parquet file per run), {out}/design.parquet, {out}/sweep.json")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.sensitivity import load_analysis, run_sensitivity

    sweep = load_analysis(args.sweep_file, args.method)
    out = _sweep_output(args)
    report = _on_executor(args, out, sweep, lambda ex: run_sensitivity(sweep, out, ex))
    print(f"{report.sweep.computed} runs computed, {report.sweep.skipped} found done")
    print("wrote " + ", ".join(str(p) for p in report.files))
    return 0


def _sweep_output(args: argparse.Namespace) -> Path:
    return Path(args.output or Path("runs") / Path(args.sweep_file).stem)


def _on_executor(args: argparse.Namespace, out: Path, sweep, work: Callable):
    """Check the output directory, then start the chosen executor and hand it to ``work``."""
    from stakhanov_sim.experiments.sweep import SweepError, open_executor, prepare_sweep_dir

    try:
        prepare_sweep_dir(sweep, out, overwrite=args.overwrite)
        with open_executor(args.workers, args.scheduler, args.dask_local) as executor:
            return work(executor)
    except SweepError as exc:
        raise UsageError(str(exc)) from None


def _add_sweep_options(p) -> None:
    p.add_argument("sweep_file", help="sweep YAML file, e.g. configs/sweeps/example_sweep.yaml")
    p.add_argument(
        "-o", "--output", metavar="DIR", help="output directory (default: runs/<sweep name>)"
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_positive, metavar="N", help="local processes (default: all cores)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786"
    )
    where.add_argument(
        "--dask-local",
        type=_positive,
        metavar="N",
        help="start a local Dask cluster of N worker processes",
    )
    p.add_argument(
        "--overwrite", action="store_true", help="discard a different sweep already in DIR"
    )


def _add_sweep(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep (grid, Latin hypercube, Sobol), resumable",
        description="Run every point x replicate of a sweep file; each run's summary row is written to DIR/runs/ as it finishes. Run again to resume: finished runs are skipped.",
    )
    _add_sweep_options(p)
    p.set_defaults(func=_sweep)


def _add_sensitivity(sub) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity analysis of a sweep's parameters (SALib)",
        description="Sample the sweep's {low, high} parameters with SALib, run them (resumable), and write indices.csv, indices.md and a figure per outcome.",
    )
    _add_sweep_options(p)
    p.add_argument(
        "--method",
        choices=("sobol", "morris"),
        default="sobol",
        help="sobol (variance shares, default) or morris (cheap screening)",
    )
    p.set_defaults(func=_sensitivity)


def _compare(args: argparse.Namespace) -> int:
    from stakhanov_sim.experiments.compare import compare

    if len(args.run_dirs) < 2:
        raise UsageError("compare needs at least two run directories (the first is the reference)")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"output {out}: cannot be written ({exc.strerror})") from None
    written = compare(args.run_dirs, out)
    print(f"wrote {len(written) - 2} figures, summary.csv and summary.md in {out}")
    return 0


def _add_compare(sub) -> None:
    p = sub.add_parser(
        "compare",
        help="draw saved runs side by side and tabulate their key outcomes",
        description="Compare run directories: figures with mean and 95% band per scenario, and summary.csv / summary.md of key outcomes with differences from the first run and 95% confidence intervals.",
    )
    p.add_argument(
        "run_dirs", nargs="+", metavar="RUN_DIR", help="run directories; the first is the reference"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="runs/compare",
        help="output directory (default: runs/compare)",
    )
    p.set_defaults(func=_compare)


def _validate(args: argparse.Namespace) -> int:
    from stakhanov_sim.validation.judge import failed_validation, summary
    from stakhanov_sim.validation.report import validate

    overrides = dict(parse_assignment(text) for text in args.set)
    load_scenario(args.config, overrides)  # a bad config fails here, before any run
    table = validate(args.config, args.replicates, args.output, args.workers, overrides)
    print(summary(table))
    print(f"report in {Path(args.output) / 'validation.md'}")
    return 1 if len(failed_validation(table)) else 0


def _add_ensemble_options(p, replicates: int, what: str) -> None:
    """--replicates, --workers and --set, shared by the commands that run scenarios."""
    p.add_argument(
        "--replicates",
        type=_positive,
        default=replicates,
        metavar="N",
        help=f"{what} (default: {replicates})",
    )
    p.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes for replicates (default: all cores)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter, e.g. --set supply.timber_per_shift=0.8 (repeatable)",
    )


def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="judge the model against the historical targets (calibration, validation, consistency)",
        description="Run the historical scenario and the no-campaign baseline as ensembles (at least 40 replicates, "
        "to tell weak verdicts); write validation.md, validation.csv and validation.png in three sections. "
        "Exit 1 only if a held-out validation target fails.",
    )
    p.add_argument(
        "config",
        nargs="?",
        default="history_1935_37",
        help=f"a shipped scenario's name or a YAML file (default: history_1935_37); shipped: {SHIPPED_LIST}",
    )
    _add_ensemble_options(p, replicates=20, what="replicates the reported means use")
    p.add_argument(
        "-o",
        "--output",
        default="runs/validation",
        metavar="DIR",
        help="report directory (default: runs/validation)",
    )
    p.set_defaults(func=_validate)


def _calibrate(args: argparse.Namespace) -> int:
    """ABC-SMC calibration of the parameters the sources leave open (issue 14)."""
    import logging

    from stakhanov_sim.experiments.calibration import CalibrationError, Setup
    from stakhanov_sim.experiments.calibration_report import calibrate
    from stakhanov_sim.experiments.sweep import SweepError, open_executor

    logging.getLogger("ABC").setLevel(logging.WARNING)  # one line per generation is ours
    overrides = dict(parse_assignment(text) for text in args.set)
    scenario = load_scenario(args.config, overrides)
    seed = scenario.seed if args.seed is None else args.seed
    setup = Setup(str(args.config), scenario.model_dump(mode="json"), seed, args.population)
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out}: exists and is not a directory")
    try:
        with open_executor(args.workers, args.scheduler, args.dask_local) as executor:
            report = calibrate(setup, out, args.budget, executor, args.predictive)
    except (CalibrationError, SweepError) as exc:
        raise UsageError(str(exc)) from None
    state = "converged" if report.converged else "not converged (see report.md)"
    print(
        f"{report.generations} generations, {report.simulations} simulations, {state}; wrote "
        + ", ".join(p.name for p in report.files)
        + f" in {out}"
    )
    return 0


def _add_calibrate(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="ABC-SMC calibration (pyabc) of the parameters the sources leave open",
        description="Fit the calibrated parameters (experiments/calibration.py) to the calibration targets "
        "(validation/targets.py) by ABC-SMC; write the posterior sample (Parquet), a report with posterior "
        "intervals, pairwise plots and posterior predictive bands for every target. Run again with the same "
        "-o DIR (and a larger --budget) to resume.",
    )
    p.add_argument(
        "config",
        nargs="?",
        default="history_1935_37",
        help=f"a shipped scenario's name or a YAML file (default: history_1935_37); shipped: {SHIPPED_LIST}",
    )
    p.add_argument(
        "--budget",
        type=_positive,
        default=2000,
        metavar="N",
        help="simulations in all (default: 2000)",
    )
    p.add_argument(
        "-o",
        "--output",
        default="runs/calibration",
        metavar="DIR",
        help="output directory (default: runs/calibration)",
    )
    p.add_argument(
        "--seed", type=int, help="seed of the calibration (default: the config's 'seed')"
    )
    p.add_argument(
        "--population",
        type=_positive,
        default=100,
        metavar="N",
        help="particles per generation (default: 100)",
    )
    p.add_argument(
        "--predictive",
        type=_positive,
        default=40,
        metavar="N",
        help="posterior draws run for the predictive check (default: 40)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_positive, metavar="N", help="local processes (default: all cores)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786"
    )
    where.add_argument(
        "--dask-local",
        type=_positive,
        metavar="N",
        help="start a local Dask cluster of N worker processes",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter of the scenario, e.g. --set mine.sections=2 (repeatable)",
    )
    p.set_defaults(func=_calibrate)


SUBCOMMANDS: list[Callable] = [
    _add_run,
    _add_plot,
    _add_app,
    _add_sweep,
    _add_sensitivity,
    _add_compare,
    _add_validate,
    _add_calibrate,
]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}; allowed: a whole number, at least 1") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}; allowed: a whole number, at least 1")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (with a pointer to --help), not a usage dump."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = _Parser(
        prog="stakhanov-sim",
        description="Agent-based model of a Donbas coal mine under the Stakhanovite movement, 1935-1937.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse, dispatch, and turn expected errors into one line and status 2."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, ResultsError, UsageError) as exc:
        print(f"stakhanov-sim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("stakhanov-sim: interrupted; files already written are complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
