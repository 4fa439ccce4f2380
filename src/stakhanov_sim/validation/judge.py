"""Judging the targets: values per replicate -> mean, interval, verdict -> three report sections.

Everything here is computed from the table of targets (``targets.TARGETS``): the sections,
their order and their rows come from it, never from text written by hand.

A verdict is judged on the ensemble mean. It is "weak" when the verdict from the first
``STABILITY[0]`` replicates differs from the verdict from the first ``STABILITY[1]`` (the
replicates are spawned from one seed, so a small ensemble is the start of a large one): such
a result is not a pass, whatever the mean of the ensemble asked for says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stakhanov_sim.experiments.outcomes import CONFIDENCE, mean_interval
from stakhanov_sim.experiments.results import Results
from stakhanov_sim.validation.targets import (
    CALIBRATION,
    CONSISTENCY,
    KINDS,
    TARGETS,
    VALIDATION,
    Target,
)

STABILITY = (10, 40)  # replicates whose verdicts must agree for a result not to be weak
PASS, FAIL, WEAK, NOT_MODELLED = "pass", "fail", "weak", "not modelled yet"
HOLDS, BROKEN = "holds", "broken"
TITLES = {
    CALIBRATION: "Calibration fit (targets used to set parameters: a fit, not evidence)",
    VALIDATION: "Held-out validation (never used to set anything: the evidence)",
    CONSISTENCY: "Consistency checks (hold by construction: a test of the code, not evidence)",
}


def measure(
    runs: dict[str, Results], replicates: int, targets: list[Target] = TARGETS
) -> dict[str, np.ndarray]:
    """Each modelled target's value in each replicate of the ensembles."""
    return {
        t.key: np.array([t.measure(runs, rep) for rep in range(replicates)], dtype=float)
        for t in targets
        if t.modelled
    }


def verdict(target: Target, values: np.ndarray) -> str:
    """pass/fail (holds/broken for a consistency check) of the mean of ``values``."""
    kept = values[~np.isnan(values)]
    ok = kept.size > 0 and target.met(float(kept.mean()))
    if target.kind == CONSISTENCY:
        return HOLDS if ok else BROKEN
    return PASS if ok else FAIL


def judge(
    values: dict[str, np.ndarray],
    replicates: int,
    targets: list[Target] = TARGETS,
    stability: tuple[int, int] = STABILITY,
) -> pd.DataFrame:
    """One row per target: band, mean and interval over ``replicates``, verdict.

    Args:
        values: per-replicate values (at least ``stability[1]`` for the weak check).
        replicates: how many of them (the first) the reported mean and interval use.
    """
    rows = []
    for t in targets:
        row = {"target": t.key, "kind": t.kind, "claim": t.claim, "unit": t.unit,
               "source": t.source, "sourced": t.sourced, "low": t.low, "high": t.high,
               "band": t.band, "fixed": t.fixed.isoformat() if t.fixed else ""}  # fmt: skip
        if not t.modelled:
            rows.append(row | {"mean": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                               "replicates": 0, "verdict": NOT_MODELLED})  # fmt: skip
            continue
        series = values[t.key]
        mean, low, high = mean_interval(series[:replicates])
        few, many = (verdict(t, series[:n]) for n in stability)
        said = verdict(t, series[:replicates])
        unstable = series.size >= stability[1] and few != many
        rows.append(row | {"mean": mean, "ci_low": low, "ci_high": high,
                           "replicates": int(np.count_nonzero(~np.isnan(series[:replicates]))),
                           "verdict": WEAK if unstable else said})  # fmt: skip
    return pd.DataFrame(rows)


def failed_validation(table: pd.DataFrame) -> pd.DataFrame:
    """The held-out validation targets that fail (the only thing that fails ``validate``)."""
    return table[(table["kind"] == VALIDATION) & (table["verdict"] == FAIL)]


def counts(table: pd.DataFrame, kind: str) -> dict[str, int]:
    """How many targets of a kind got each verdict."""
    return table.loc[table["kind"] == kind, "verdict"].value_counts().to_dict()


def summary(table: pd.DataFrame) -> str:
    """One plain sentence per kind, then what failed and why."""
    lines = []
    for kind in KINDS:
        n = counts(table, kind)
        total = sum(n.values())
        good = n.get(HOLDS if kind == CONSISTENCY else PASS, 0)
        rest = [f"{v} {k}" for k, v in sorted(n.items()) if k not in (PASS, HOLDS)]
        verb = "hold" if kind == CONSISTENCY else "pass"
        extra = f" ({', '.join(rest)})" if rest else ""
        lines.append(f"{kind}: {good} of {total} {verb}{extra}.")
    for row in failed_validation(table).itertuples():
        lines.append(
            f'Validation target {row.target} ("{row.claim}") fails: the model gives '
            f"{row.mean:.3g} ({row.unit}), outside the band {row.band}."
        )
    return "\n".join(lines)


def sections_markdown(table: pd.DataFrame) -> str:
    """The three sections of the report, in the order of ``KINDS``, rows from the table."""
    ci = f"{CONFIDENCE:.0%}"
    parts = []
    for kind in KINDS:
        rows = table[table["kind"] == kind]
        fixed = " | fixed" if kind == VALIDATION else ""
        parts += [
            f"## {TITLES[kind]}",
            "",
            f"| target | claim | source (sourced value) | band | mean [{ci} t-interval] | verdict{fixed} |",
            "|---|---|---|---|---|---|" + ("---|" if fixed else ""),
        ]
        for r in rows.itertuples():
            measured = (
                "-" if np.isnan(r.mean) else f"{r.mean:.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}]"
            )
            date = f" | {r.fixed}" if fixed else ""
            parts.append(
                f"| {r.target} | {r.claim} | {r.source} ({r.sourced}) | {r.band} ({r.unit}) | {measured} | {r.verdict}{date} |"
            )
        parts.append("")
    return "\n".join(parts)
