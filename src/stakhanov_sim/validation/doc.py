"""The generated parts of ``docs/calibration.md`` (and the README's validation status).

The files hold blocks between ``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED:
name -->``; this module rewrites them and leaves the prose around them alone:

* ``targets``: the three kinds and every target, from ``validation/targets.py``, with the
  calibrated parameters from ``experiments/calibrated.py`` (always regenerated);
* ``status``: what ``validate`` found, from its ``validation.csv`` (with ``--validation``);
* ``calibration``: the report of a calibration run (with ``--calibration``).

Regenerate with::

    python -m stakhanov_sim.validation.doc --validation runs/validation --calibration runs/calibration

``tests/test_validation.py`` fails when the committed ``targets`` block differs from a fresh
generation, and the slow validation test when the ``status`` block differs from a fresh run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

from stakhanov_sim.experiments.calibrated import CALIBRATED, schema_range
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.validation import judge
from stakhanov_sim.validation.targets import (
    CALIBRATION,
    CONSISTENCY,
    FIXED,
    RETIRED,
    VALIDATION,
    of_kind,
)

REGENERATE = "python -m stakhanov_sim.validation.doc --validation runs/validation --calibration runs/calibration"
ROOT = Path(__file__).resolve().parents[3]
FILES = (ROOT / "docs" / "calibration.md", ROOT / "README.md")
FIGURE_DIR = ROOT / "docs" / "figures"
FIGURES = ("pairs.png", "predictive.png")
VALIDATION_FIGURE = "validation.png"  # the validation report's figure, shown in calibration.md
BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def _default(key: str):
    section, name = key.split(".")
    return getattr(getattr(Scenario(), section), name)


def targets_block() -> str:
    """The three kinds, each target with its band and source, and the calibrated parameters."""
    validation, consistency = of_kind(VALIDATION), of_kind(CONSISTENCY)
    modelled = sum(t.modelled for t in validation)
    lines = [
        f"There are **{len(of_kind(CALIBRATION))} calibration targets**, "
        f"**{len(validation)} held-out validation targets** ({modelled} of them modelled now, "
        f"{len(validation) - modelled} waiting for an outcome the model lacks) fixed on "
        f"{FIXED.isoformat()}, and **{len(consistency)} consistency checks**: "
        + "; ".join(f"{t.key} ({t.claim[0].lower()}{t.claim[1:]})" for t in consistency)
        + ".",
        "",
        "### Calibration targets (used to set parameters)",
        "",
        "| target | what the sources say | sourced value | band | source | how the band was set |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.key} | {t.claim} | {t.sourced} | {t.band} ({t.unit}) | {t.source} | {t.note} |"
        for t in of_kind(CALIBRATION)
    ]
    lines += [
        "",
        "### Held-out validation targets (never used to set anything)",
        "",
        "| target | what the sources say | sourced value | band | source | fixed | note |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.key} | {t.claim} | {t.sourced} | {t.band} ({t.unit}) | {t.source} | {t.fixed} | "
        + ("not modelled yet: " if not t.modelled else "")
        + f"{t.note} |"
        for t in validation
    ]
    lines += [
        "",
        "### Consistency checks (hold by construction; never counted as evidence)",
        "",
        "| check | what is checked | condition | why it holds by construction |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t.key} | {t.claim} | {t.band} ({t.unit}) | {t.note} |" for t in consistency]
    lines += [
        "",
        "### Patterns retired from the first validation",
        "",
        "| pattern | why it is in no table now |",
        "|---|---|",
    ]
    lines += [f"| {key} | {why} |" for key, why in RETIRED.items()]
    lines += [
        "",
        "### Calibrated parameters (the sources do not fix them)",
        "",
        "Uniform priors over these ranges, inside the schema's allowed range.",
        "",
        "| parameter | default now | prior range | schema allows | why this range |",
        "|---|---|---|---|---|",
    ]
    for p in CALIBRATED:
        low, high = schema_range(p.key)
        lines.append(
            f"| `{p.key}` | {_default(p.key):g} | {p.low:g} to {p.high:g} | {low:g} to {high:g} | {p.why} |"
        )
    return "\n".join(lines) + "\n"


def status_block(validation_dir: Path) -> str:
    """What ``validate`` found: its summary, with the run it came from."""
    table = pd.read_csv(validation_dir / "validation.csv", keep_default_na=False, na_values=[""])
    return status_text(table)


def status_text(table: pd.DataFrame) -> str:
    """The summary sentences of a judged table, as a Markdown paragraph per line."""
    replicates = int(table.loc[table["replicates"] > 0, "replicates"].max())
    lines = [
        f"With {replicates} replicates of the shipped historical scenario "
        f"(`stakhanov-sim validate --replicates {replicates}`):",
        "",
    ]
    lines += [f"- {line}" for line in judge.summary(table).splitlines()]
    lines += [
        "",
        "| target | kind | band | mean | 95% interval | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        if row.replicates > 0:
            interval = f"{row.ci_low:.3g} to {row.ci_high:.3g}"
            lines.append(
                f"| {row.target} | {row.kind} | {row.band} | {row.mean:.3g} | {interval} | {row.verdict} |"
            )
    return "\n".join(lines) + "\n"


def calibration_block(calibration_dir: Path) -> str:
    """A calibration run's report, headings two levels down, its figures copied to docs/figures."""
    text = (calibration_dir / "report.md").read_text()
    text = re.sub(r"^(#+) ", r"##\1 ", text, flags=re.MULTILINE)
    for name in FIGURES:
        shutil.copyfile(calibration_dir / name, FIGURE_DIR / f"calibration_{name}")
        text = text.replace(f"]({name})", f"](figures/calibration_{name})")
    return text


def blocks(text: str) -> dict[str, str]:
    """The generated blocks of a file, by name."""
    return {m["name"]: m["body"] for m in BLOCK.finditer(text)}


def replace_blocks(text: str, new: dict[str, str]) -> str:
    """``text`` with the named blocks' bodies replaced (others kept as they are)."""

    def swap(m: re.Match) -> str:
        body = new.get(m["name"], m["body"])
        return f"{m.group(1)}{body}{m.group(4)}"

    return BLOCK.sub(swap, text)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated blocks of docs/calibration.md and README.md; copy the figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--validation", type=Path, help="a 'stakhanov-sim validate' output directory")
    p.add_argument("--calibration", type=Path, help="a 'stakhanov-sim calibrate' output directory")
    args = p.parse_args(argv)
    new = {"targets": targets_block()}
    if args.validation:
        new["status"] = status_block(args.validation)
        shutil.copyfile(args.validation / VALIDATION_FIGURE, FIGURE_DIR / VALIDATION_FIGURE)
    if args.calibration:
        new["calibration"] = calibration_block(args.calibration)
    for path in FILES:
        path.write_text(replace_blocks(path.read_text(), new))
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
