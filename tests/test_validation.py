"""The model reproduces the historical patterns (issue 4): a change that breaks history fails CI.

Runs ``stakhanov-sim validate`` on a small ensemble of the shipped historical scenario. The
patterns the model is known not to reproduce are listed, with the reason, in
``docs/calibration.md``; any other failure, or one of those starting to pass, fails here.
"""

import pandas as pd
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.validation import PATTERNS

KNOWN_DISAGREEMENTS = {"e3"}  # wage Gini after the norm revision: see docs/calibration.md


@pytest.mark.slow
def test_validation_reproduces_the_historical_patterns(tmp_path, capsys):
    status = main(["validate", "--replicates", "3", "-o", str(tmp_path)])
    table = pd.read_csv(tmp_path / "validation.csv")
    failed = set(table.loc[~table["passed"], "pattern"])
    assert failed == KNOWN_DISAGREEMENTS, table[["pattern", "measured", "target"]].to_string()
    assert status == (1 if failed else 0)
    assert set(table["pattern"]) == {p.key for p in PATTERNS}
    report = (tmp_path / "validation.md").read_text()
    assert "Siegelbaum" in report and "validation.png" in report
    assert (tmp_path / "validation.png").stat().st_size > 10_000
    assert "patterns pass" in capsys.readouterr().out
