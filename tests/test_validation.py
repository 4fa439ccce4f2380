"""The model reproduces the historical patterns (issue 4): a change that breaks history fails CI.

Runs ``stakhanov-sim validate`` on a small ensemble (10 replicates) of the shipped historical
scenario: no pattern may be refuted, that is, every pattern's 95% interval must reach its
target, and all but the fragile ones named in ``docs/calibration.md`` must pass on the mean.
A fragile pattern's mean sits at the edge of its target (the staged record's mean over 200
seeds is 15.0 norms against a target of 10-15), so with 10 replicates whether it passes
depends on the seeds, not on the model.
"""

import pandas as pd
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.validation.targets import PATTERNS

FRAGILE = {"a1", "b", "e3"}  # means at the edge of their targets (docs/calibration.md)


@pytest.mark.slow
def test_validation_reproduces_the_historical_patterns(tmp_path, capsys):
    status = main(["validate", "--replicates", "10", "-o", str(tmp_path)])
    table = pd.read_csv(tmp_path / "validation.csv")
    shown = table[["pattern", "measured", "ci_low", "ci_high", "target"]].to_string()
    passes = {p.key: p.passes for p in PATTERNS}
    refuted = {
        row.pattern
        for row in table.itertuples()
        if not any(passes[row.pattern](v) for v in (row.ci_low, row.measured, row.ci_high))
    }
    assert not refuted, shown
    failed = set(table.loc[~table["passed"], "pattern"])
    assert failed <= FRAGILE, shown
    assert status == (1 if failed else 0)
    assert set(table["pattern"]) == {p.key for p in PATTERNS}
    report = (tmp_path / "validation.md").read_text()
    assert "Siegelbaum" in report and "validation.png" in report
    assert (tmp_path / "validation.png").stat().st_size > 10_000
    assert "patterns pass" in capsys.readouterr().out
