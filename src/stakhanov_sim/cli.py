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

from stakhanov_sim.config import ConfigError, load_scenario, parse_assignment
from stakhanov_sim.results import Results, ResultsError

USAGE_ERROR = 2


class UsageError(Exception):
    """A mistake on the command line, explained to the user."""


def _run(args: argparse.Namespace) -> int:
    from stakhanov_sim import plots
    from stakhanov_sim.runner import run

    overrides = dict(parse_assignment(text) for text in args.set)
    scenario = load_scenario(args.config, overrides)
    out = Path(args.output or Path("runs") / Path(args.config).stem)
    prepare_output(out, args.overwrite)
    results = run(
        scenario, replicates=args.replicates, seed=args.seed, workers=args.workers, progress=True
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
    from stakhanov_sim import plots

    results = Results.load(args.run_dir)
    out = Path(args.output) if args.output else Path(args.run_dir) / "figures"
    figures = plots.plot_all(results, out)
    print(f"wrote {len(figures)} figures in {out}")
    return 0


def prepare_output(out: Path, overwrite: bool) -> None:
    """Make sure ``out`` can be written; refuse to mix a new run into an old one."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise UsageError(
                f"output {out}: already holds a run; pass --overwrite to replace it, or choose another -o DIR"
            )
        for name in ("model.parquet", "agents.parquet", "events.parquet", "manifest.json"):
            (out / name).unlink(missing_ok=True)
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
    p.add_argument("config", help="scenario YAML file, e.g. configs/history_1935_37.yaml")
    p.add_argument(
        "-o", "--output", metavar="DIR", help="run directory to write (default: runs/<config name>)"
    )
    p.add_argument(
        "--seed", type=int, help="seed of the random stream (default: the config's 'seed')"
    )
    p.add_argument(
        "--replicates",
        type=_positive,
        default=1,
        metavar="N",
        help="independent runs from the seed; figures show mean and 95%% band (default: 1)",
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
    p.add_argument("--overwrite", action="store_true", help="replace the run already in DIR")
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


SUBCOMMANDS: list[Callable] = [_add_run, _add_plot]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    p = argparse.ArgumentParser(
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
