"""The targets and the validation report (issue 14).

The report's three sections are computed from the table of targets: a test puts values
into the judge and checks that every row of the table, and nothing else, appears in the
section of its kind with its band and verdict. A slow test runs ``stakhanov-sim validate``
and checks that its exit status follows the held-out validation targets alone.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.experiments.calibrated import CALIBRATED
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.validation import doc, judge
from stakhanov_sim.validation.targets import (
    CALIBRATION,
    CONSISTENCY,
    FIXED,
    KINDS,
    TARGETS,
    VALIDATION,
    Target,
    by_key,
)


def _values(inside: bool, n: int = 40) -> dict[str, np.ndarray]:
    """Per-replicate values inside (or outside) every modelled target's band."""
    out = {}
    for t in TARGETS:
        if not t.modelled:
            continue
        low = t.low if math.isfinite(t.low) else t.high - 1
        high = t.high if math.isfinite(t.high) else t.low + 1
        centre = (low + high) / 2
        out[t.key] = np.full(n, centre if inside else high + abs(high) + 1.0)
    return out


def test_every_target_of_evidence_is_a_sourced_two_sided_band():
    for t in TARGETS:
        assert t.kind in KINDS and t.source and t.claim
        if t.kind != CONSISTENCY:
            assert math.isfinite(t.low) and math.isfinite(t.high) and t.low < t.high, t.key
            assert t.sourced, t.key
    assert all(t.fixed == FIXED for t in TARGETS if t.kind == VALIDATION)
    assert len({t.key for t in TARGETS}) == len(TARGETS)


def test_sections_are_computed_from_the_table():
    table = judge.judge(_values(inside=True), replicates=20)
    text = judge.sections_markdown(table)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [f"## {judge.TITLES[k]}" for k in KINDS]
    blocks = text.split("## ")[1:]
    for kind, block in zip(KINDS, blocks, strict=True):
        keys = [line.split("|")[1].strip() for line in block.splitlines() if line.startswith("| ")]
        assert keys[1:] == [t.key for t in TARGETS if t.kind == kind]  # first is the header
    for t in TARGETS:
        row = table.set_index("target").loc[t.key]
        assert row["band"] == t.band and row["kind"] == t.kind
        expected = (
            judge.NOT_MODELLED
            if not t.modelled
            else (judge.HOLDS if t.kind == CONSISTENCY else judge.PASS)
        )
        assert row["verdict"] == expected


def test_a_new_row_in_the_table_appears_in_its_section():
    extra = Target("x_test", VALIDATION, "A made-up target", "t", "Nobody 2026", "1", 0.5, 1.5,
                   lambda runs, rep: 1.0, fixed=FIXED)  # fmt: skip
    targets = [*TARGETS, extra]
    values = _values(inside=True) | {"x_test": np.ones(40)}
    table = judge.judge(values, 20, targets)
    section = judge.sections_markdown(table).split("## ")[2]
    assert "| x_test | A made-up target |" in section
    held_out = len([t for t in TARGETS if t.kind == VALIDATION]) + 1
    assert f"validation: {held_out} of {held_out} pass." in judge.summary(table)


def test_only_a_failing_validation_target_fails_and_it_is_named_in_a_sentence():
    values = _values(inside=True)
    values["staged_record"] = values["staged_record"] * 10  # calibration: not a failure
    table = judge.judge(values, 20)
    assert judge.failed_validation(table).empty
    held_out = next(t for t in TARGETS if t.kind == VALIDATION)
    values[held_out.key] = np.full(40, held_out.low / 2)
    table = judge.judge(values, 20)
    assert list(judge.failed_validation(table)["target"]) == [held_out.key]
    sentence = judge.summary(table).splitlines()[-1]
    assert sentence.startswith(f"Validation target {held_out.key} (")
    assert f"fails: the model gives {held_out.low / 2:.3g}" in sentence
    assert held_out.band in sentence


def test_a_verdict_that_changes_between_10_and_40_replicates_is_weak():
    values = _values(inside=True)
    t = by_key("turnover_1937")
    outside = t.high + 1.0
    # the first 10 pass; 30 more far outside pull the mean of 40 out of the band
    values[t.key] = np.concatenate([np.full(10, (t.low + t.high) / 2), np.full(30, outside)])
    row = judge.judge(values, 10).set_index("target").loc[t.key]
    assert row["verdict"] == judge.WEAK
    assert judge.failed_validation(judge.judge(values, 10)).empty


@pytest.mark.slow
def test_validate_reports_three_sections_and_fails_only_on_validation(tmp_path, capsys):
    code = main(["validate", "--replicates", "20", "-o", str(tmp_path)])
    table = pd.read_csv(tmp_path / "validation.csv", keep_default_na=False, na_values=[""])
    assert list(table["target"]) == [t.key for t in TARGETS]
    failed = judge.failed_validation(table)
    assert code == (1 if len(failed) else 0)
    assert (table.loc[table["kind"] == CONSISTENCY, "verdict"] == judge.HOLDS).all()
    report = (tmp_path / "validation.md").read_text()
    for kind in KINDS:
        assert f"## {judge.TITLES[kind]}" in report
    assert "validation.png" in report and (tmp_path / "validation.png").stat().st_size > 10_000
    out = capsys.readouterr().out
    assert "validation:" in out and "calibration:" in out
    status = doc.status_text(table)
    for path in doc.FILES:  # what the README and docs/calibration.md say is what a run gives
        assert doc.blocks(path.read_text())["status"] == status, (
            f"{path}: the validation status is stale; regenerate with `{doc.REGENERATE}`"
        )
    assert set(table.loc[table["kind"] == CALIBRATION, "target"]) == {
        t.key for t in TARGETS if t.kind == CALIBRATION
    }


def test_the_targets_in_the_docs_are_the_table():
    block = doc.blocks(doc.FILES[0].read_text())["targets"]
    assert block == doc.targets_block(), (
        f"docs/calibration.md is stale: regenerate with `{doc.REGENERATE}`"
    )
    n = len([t for t in TARGETS if t.kind == VALIDATION])
    assert f"**{n} held-out validation targets**" in block
    for t in TARGETS:
        assert f"| {t.key} |" in block


def test_a_generated_block_is_replaced_and_the_prose_kept():
    text = "prose\n<!-- BEGIN GENERATED: status -->\nold\n<!-- END GENERATED: status -->\nmore\n"
    new = doc.replace_blocks(text, {"status": "new\n"})
    assert new == text.replace("old", "new")
    assert doc.replace_blocks(text, {}) == text


def test_the_calibrated_defaults_are_the_documented_point_of_the_posterior():
    """docs/calibration.md shows a calibration run's point; the schema ships exactly it."""
    block = doc.blocks(doc.FILES[0].read_text())["calibration"]
    assert "The point for the defaults" in block, "no calibration run documented"
    point = block.split("The point for the defaults")[1]
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| [^|]+ \| ([^|]+) \|$", point, re.M)
    assert {key for key, _ in rows} == {p.key for p in CALIBRATED}
    scenario = Scenario()
    for key, shipped in rows:
        section, name = key.split(".")
        assert getattr(getattr(scenario, section), name) == float(shipped), key


def test_what_the_docs_say_of_the_latest_calibration_is_its_report():
    """The prose above the generated calibration block quotes its tables; they must agree."""
    text = doc.FILES[0].read_text()
    prose = text.split("## The latest calibration")[1].split(
        "<!-- BEGIN GENERATED: calibration -->"
    )[0]
    prose = " ".join(prose.split())  # one line, as read
    block = doc.blocks(text)["calibration"]
    rows = re.findall(r"^\| (\d+) \| [\d.]+ \| \d+ \| [\d.]+% \| (\d+) \|", block, re.M)
    ess = [int(e) for g, e in rows if int(g) >= 2]
    assert f"effective sample size was {min(ess)}-{max(ess)} of 120 from the second" in prose
    widths = [
        float(w)
        for w in re.findall(r"^\| `[a-z_.]+` \| [^|]+ \| [^|]+ \| [^|]+ \| (\d+)% \|", block, re.M)
    ]
    assert f"{round(sum(widths) / len(widths))}% of the prior ranges on average" in prose
    identified = len(re.findall(r"^\| `[a-z_.]+` \|.*\| identified \|", block, re.M))
    assert re.search(rf"and {identified} parameters? (\(.*?\) )?counts? as identified", prose)
    status = doc.blocks(text)["status"]
    passed = re.search(r"calibration: (\d+) of (\d+) pass", status)
    assert f"Its point passes {passed[1]} of the {passed[2]} calibration targets" in prose
    # the convergence the prose tells: the verdict, the generations, epsilon's fall, the drift
    verdict = re.search(
        r"^(not converged|converged): the rule must hold in 2 generations running "
        r"\(generation (\d+) (held|failed), (\d+) (held|failed)\)\..* epsilon fell by ([\d.]+)%",
        block,
        re.M,
    )
    assert (
        verdict and verdict[1] == "not converged" and (verdict[3], verdict[5]) == ("failed", "held")
    )
    assert (
        "It has not converged by the rule above. The rule held at generation " + verdict[4] in prose
    )
    assert f"but not at generation {verdict[2]}" in prose
    assert f"epsilon fell by {round(float(verdict[6]))}%" in prose
    drift = dict(re.findall(r"^\| (\d+) \| [\d.]+ \| \d+ \| .* \| ([\d.]+) \|$", block, re.M))
    assert f"drifted by {drift['4']} errors over generations 2-4" in prose
    assert f"failed at 4 and 5 (the title threshold drifted by {drift['4']}" in prose
    # what the point passes and misses, as the status table says
    verdicts = dict(
        re.findall(
            r"^\| (\w+) \| calibration \| [^|]+ \| [^|]+ \| [^|]+ \| (\w+) \|$", status, re.M
        )
    )
    assert verdicts["turnover_1934"] == "pass" and verdicts["ordinary_output"] == "fail"
    ordinary = re.search(
        r"^\| ordinary_output \| calibration \| [^|]+ \| ([\d.]+) \|", status, re.M
    )
    assert f"({ordinary[1]} t against at most 6)" in prose


def test_the_verdict_panel_puts_no_text_over_another():
    """Each column of the validation figure's table starts after the widest text of the one
    before (a long name such as output_over_baseline_1936 ran into its claim), and the
    verdicts stay inside the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from stakhanov_sim.validation import report

    table = judge.judge(_values(inside=False), 20)
    fig = Figure(figsize=(12, 8.5), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    rows = report._verdicts(axes[1, 1], table)
    report._columns(axes[1, 1], rows)
    renderer = fig.canvas.get_renderer()
    assert len(rows) == len(table)
    for texts in rows:
        boxes = [text.get_window_extent(renderer) for text in texts]
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.x1 < right.x0, [t.get_text() for t in texts]
        assert boxes[-1].x1 <= fig.bbox.x1
