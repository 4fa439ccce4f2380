"""``stakhanov-sim calibrate`` end to end on a tiny mine: the same sample on a pool, and
killed half way then finished on Dask (issue 14).

One calibration on a local pool is the reference the other must repeat exactly; it is made
once for the file (each calibration is some twenty runs of the model and a report). The
second is both the resumed run and the run on Dask: one calibration fewer in the suite.
"""

import math
import subprocess
import sys

import pandas as pd
import pyabc
import pytest

from stakhanov_sim.cli import main
from stakhanov_sim.experiments import calibrated

TINY = """extends: history_1935_37
mine:
  sections: 2
  hewers_per_section: 5
"""


def _calibrate(folder, name, *where) -> list[str]:
    config = folder / "tiny.yaml"
    config.write_text(TINY)
    return ["calibrate", str(config), "--budget", "16", "--population", "5", "--predictive",
            "3", "--point-replicates", "1", "--noise-replicates", "3", "--seed", "5", "-o", str(folder / name),
            *where]  # fmt: skip


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """The reference: the tiny calibration on a local pool of two workers."""
    folder = tmp_path_factory.mktemp("calibrate")
    assert main(_calibrate(folder, "pool", "--workers", "2")) == 0
    return folder / "pool"


@pytest.mark.slow
def test_calibrate_writes_the_sample_its_point_report_and_predictive_bands(pooled):
    for name in ("posterior.parquet", "report.md", "pairs.png", "predictive.png", "predictive.csv",
                 "point.csv"):  # fmt: skip
        assert (pooled / name).stat().st_size > 0, name
    report = (pooled / "report.md").read_text()
    assert "## Convergence" in report and "identified" in report
    point = pd.read_csv(pooled / "point.csv").set_index("parameter")["value"]
    assert set(point.index) == {p.key for p in calibrated.CALIBRATED}
    particles = pd.read_parquet(pooled / "posterior.parquet")
    assert (particles[point.index] == point).all(axis=1).any()  # the point is a particle
    predictive = pd.read_csv(pooled / "predictive.csv")
    assert {"calibration", "validation"} == set(predictive["kind"])
    assert math.isclose(particles["weight"].sum(), 1.0)
    assert set(p.key for p in calibrated.CALIBRATED) <= set(particles.columns)


@pytest.mark.slow
def test_calibrate_killed_half_way_on_a_pool_resumes_on_dask_to_the_same_sample(
    pooled, tmp_path, capsys
):
    """Killed once its first generation is stored, then finished on a local Dask
    cluster: the pool's sample exactly, so a resumed calibration and one on Dask (every later
    generation, the point and the predictive runs) both repeat it."""
    args = [
        sys.executable,
        "-m",
        "stakhanov_sim",
        *_calibrate(tmp_path, "killed", "--workers", "2"),
    ]
    with subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        for line in process.stdout:  # kill it as soon as the first generation is stored
            if line.startswith("generation 0"):
                process.kill()
                break
        process.wait(timeout=60)
    history = pyabc.History(f"sqlite:///{tmp_path / 'killed' / calibrated.DB_FILE}", _id=1)
    assert history.max_t == 0  # killed before generation 1 was stored
    assert main(_calibrate(tmp_path, "killed", "--dask-local", "2")) == 0
    assert "generation 1" in capsys.readouterr().out  # Dask sampled at least one generation
    pd.testing.assert_frame_equal(
        pd.read_parquet(pooled / "posterior.parquet"),
        pd.read_parquet(tmp_path / "killed" / "posterior.parquet"),
    )
