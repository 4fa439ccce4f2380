"""The command line: ``stakhanov-sim run CONFIG`` and friends (also ``python -m stakhanov_sim``).

Errors a user can make (a bad config, a missing file, an unwritable directory) end with
exit status 2 and one message, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import signal
import sys
import threading
from collections.abc import Callable

from stakhanov_sim import commands, interrupts
from stakhanov_sim.commands import UsageError
from stakhanov_sim.experiments.budget import MemoryBudgetError
from stakhanov_sim.experiments.outputs import OutputError
from stakhanov_sim.experiments.results import ResultsError
from stakhanov_sim.interrupts import Terminated
from stakhanov_sim.scenarios.loading import ConfigError, shipped_scenarios

SHIPPED_LIST = ", ".join(shipped_scenarios())
USAGE_ERROR = 2


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
        "--seed", type=_seed, help="seed of the random stream (default: the config's 'seed')"
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
    p.set_defaults(func=commands.run)


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
    p.set_defaults(func=commands.plot)


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
        help="start the classroom app in the browser (Mesa SolaraViz)",
        description="Serve the classroom app: sliders for the campaign's levers, live charts, the mine and its events. Works offline.",
    )
    p.add_argument("--port", type=_port, default=8765, help="port to serve on (default: 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; 0.0.0.0 lets other machines connect)",
    )
    p.set_defaults(func=commands.app)


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
        "--scheduler",
        type=_scheduler,
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (gives up after 20 s without an answer)",
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
    p.add_argument(
        "--batch-size",
        type=_positive,
        metavar="N",
        help="a point's replicates stepped together in one process (default: from the memory available, at most 64); the results are the same",
    )


def _add_sweep(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep (grid, Latin hypercube, Sobol), resumable",
        description="Run every point x replicate of a sweep file; each run's summary row is written to DIR/runs/ as it finishes. Run again to resume: finished runs are skipped.",
    )
    _add_sweep_options(p)
    p.set_defaults(func=commands.sweep)


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
    p.set_defaults(func=commands.sensitivity)


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
    p.set_defaults(func=commands.compare)


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
        "--batch-size",
        type=_positive,
        metavar="N",
        help="replicates stepped together in one process (default: from the memory available, at most 64); the results are the same",
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
        help="score the model against the historical patterns",
        description="Run the historical scenario, the no-campaign baseline and a run without special "
        "conditions as ensembles; write validation.md, validation.csv and validation.png. Exit 1 if a pattern fails.",
    )
    p.add_argument(
        "config",
        nargs="?",
        default="history_1935_37",
        help=f"a shipped scenario's name or a YAML file (default: history_1935_37); shipped: {SHIPPED_LIST}",
    )
    _add_ensemble_options(p, replicates=10, what="replicates per ensemble")
    p.add_argument(
        "-o",
        "--output",
        default="runs/validation",
        metavar="DIR",
        help="report directory (default: runs/validation)",
    )
    p.set_defaults(func=commands.validate)


def _add_calibrate(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="ABC-SMC calibration (pyabc) of the parameters the sources leave open",
        description="Fit the calibrated parameters (experiments/calibrated.py) to the calibration targets "
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
    p.add_argument(
        "--noise-replicates",
        type=_two_or_more,
        default=20,
        metavar="N",
        help="runs of the scenario as given that measure each target's run-to-run spread (default: %(default)s)",
    )
    p.add_argument(
        "--runs-per-particle",
        type=_positive,
        default=1,
        metavar="N",
        help="runs stepped together whose mean measures each particle: less chance in the distance, at a fraction of N times the cost (default: %(default)s)",
    )
    p.add_argument(
        "--past-convergence",
        action="store_true",
        help="go on until --budget after the posterior has converged (default: stop at the first generation that converged, by the rule in report.md)",
    )
    p.add_argument(
        "--point-replicates",
        type=_positive,
        default=10,
        metavar="N",
        help="runs of each of the densest particles tried for the point for the defaults (default: %(default)s)",
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
    p.set_defaults(func=commands.calibrate)


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


def _whole_number(least: int, most: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``least`` (and at most ``most``)."""
    allowed = (
        f"a whole number, at least {least}"
        if most is None
        else f"a whole number from {least} to {most}"
    )

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}; allowed: {allowed}") from None
        if value < least or (most is not None and value > most):
            raise argparse.ArgumentTypeError(f"{value}; allowed: {allowed}")
        return value

    return parse


SEED_MAX = 2**63 - 1
SCHEDULER = re.compile(r"((tcp|tls|ws|wss)://)?[A-Za-z0-9.\-\[\]:]*[A-Za-z0-9\]]:\d{1,5}")
_positive = _whole_number(1)
_two_or_more = _whole_number(2)  # a standard deviation needs two runs
_seed = _whole_number(0, SEED_MAX)


def _scheduler(text: str) -> str:
    if not SCHEDULER.fullmatch(text) or not 0 < int(text.rsplit(":", 1)[1]) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a scheduler address; allowed: [tcp://]HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )
    return text


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
    in_main_thread = threading.current_thread() is threading.main_thread()
    try:
        with interrupts.unwinding() if in_main_thread else contextlib.nullcontext():
            return args.func(args)
    except (ConfigError, ResultsError, UsageError, OutputError, MemoryBudgetError) as exc:
        print(f"stakhanov-sim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (KeyboardInterrupt, Terminated) as exc:
        return _interrupted(exc)
    except SystemError as exc:  # an interruption raised in Python code called from C
        interruption = _interruption_behind(exc)
        if interruption is None:
            raise
        return _interrupted(interruption)


def _interrupted(exc: BaseException) -> int:
    """Say so, and the shell's status for the signal (130 for Ctrl-C, 143 for SIGTERM);
    objects the interruption cut short end without a word (``interrupts.quiet_finalizers``)."""
    interrupts.quiet_finalizers()
    print(
        "stakhanov-sim: interrupted; earlier results are untouched (a sweep resumes where it stopped)",
        file=sys.stderr,
    )
    return 130 if isinstance(exc, KeyboardInterrupt) else 128 + signal.SIGTERM


def _interruption_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that caused ``exc``, if one did.

    Numba's compiled code calls back into Python (to unpickle a constant, for one); an
    interruption landing there comes back wrapped in ``SystemError: ... returned a result
    with an exception set``.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (KeyboardInterrupt, Terminated)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


if __name__ == "__main__":
    sys.exit(main())
