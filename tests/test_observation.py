"""Observation (``model.observation``): the ledger's Gini against an independent formula."""

from __future__ import annotations

import numpy as np
import pytest

from stakhanov_sim.model.observation import gini


def gini_by_mean_difference(values) -> float:
    """Gini as half the relative mean absolute difference: sum |x_i - x_j| / (2 n^2 mean)."""
    x = np.asarray(values, dtype=float)
    if x.sum() == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 1, 1, 1], 0.0), ([0, 0, 0, 1], 0.75), ([1, 3], 0.25), ([0, 0], 0.0), ([2, 4, 6], 2 / 9)],
)
def test_gini_of_small_cases_worked_by_hand(values, expected):
    assert gini(np.array(values, dtype=float)) == pytest.approx(expected)
    assert gini_by_mean_difference(values) == pytest.approx(expected)


def test_gini_matches_the_mean_difference_formula_on_random_wages():
    rng = np.random.default_rng(1)
    for _ in range(20):
        wages = rng.lognormal(3, rng.uniform(0.1, 1.5), rng.integers(2, 300))
        assert gini(wages) == pytest.approx(gini_by_mean_difference(wages), abs=1e-12)
        counts = rng.integers(1, 5, wages.size)
        assert gini(wages, counts) == pytest.approx(
            gini_by_mean_difference(np.repeat(wages, counts)), abs=1e-12
        )
