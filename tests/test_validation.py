"""The model reproduces the historical patterns (issue 4): a change that breaks history fails CI.

Runs ``stakhanov-sim validate`` on a small ensemble (10 replicates) of the shipped historical
scenario: every pattern must pass. Patterns whose interval crosses the target at this size
are named in ``docs/calibration.md``.
"""

import pandas as pd
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.validation.targets import PATTERNS


@pytest.mark.slow
def test_validation_reproduces_the_historical_patterns(tmp_path, capsys):
    status = main(["validate", "--replicates", "10", "-o", str(tmp_path)])
    table = pd.read_csv(tmp_path / "validation.csv")
    failed = set(table.loc[~table["passed"], "pattern"])
    assert not failed, table[["pattern", "measured", "ci_low", "ci_high", "target"]].to_string()
    assert status == 0
    assert set(table["pattern"]) == {p.key for p in PATTERNS}
    report = (tmp_path / "validation.md").read_text()
    assert "Siegelbaum" in report and "validation.png" in report
    assert (tmp_path / "validation.png").stat().st_size > 10_000
    assert "patterns pass" in capsys.readouterr().out
