"""Summary outcomes of one run: the one registry that sweeps, sensitivity analysis and
``compare`` draw on.

A sweep keeps one row per run, not the run's tables, so every question asked of a sweep must
be answerable from these few numbers. Each outcome reads only the model table (one row per
shift, ``results.MODEL_COLUMNS``), so the same functions serve sweeps, sensitivity analysis,
the comparison of scenarios and anyone summarising a saved run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stakhanov_sim.scenarios.schema import Scenario

CONFIDENCE = 0.95  # of every interval over replicates (compare, validation)

DAYS_PER_YEAR = 365.25
PER_THOUSAND_MINERS = 1000.0
FINAL_YEAR = 1937  # the year the campaign's lasting effect is judged in (HISTORY.md)
CAMPAIGN_YEARS = (FINAL_YEAR - 1, FINAL_YEAR)  # the campaign's two full calendar years


@dataclass(frozen=True)
class Outcome:
    """One summary number of a run.

    Attributes:
        name: column name in the sweep's table and key in ``compare``'s summary.
        unit: unit shown in tables and figure labels.
        meaning: what the number says about the mine (the label of tables).
        compute: the model table of one replicate -> the number.
        years: the calendar years the run must cover for the number to exist; a run that
            stops short gets NaN rather than a number from another period.
    """

    name: str
    unit: str
    meaning: str
    compute: Callable[[pd.DataFrame], float]
    years: tuple[int, ...] = ()


def _in_year(model: pd.DataFrame, year: int) -> pd.DataFrame:
    return model[pd.to_datetime(model["date"]).dt.year == year]


def _years_simulated(model: pd.DataFrame) -> float:
    """Calendar length of the run in years (first to last shift, both days counted)."""
    dates = pd.to_datetime(model["date"])
    return ((dates.max() - dates.min()).days + 1) / DAYS_PER_YEAR


def _mean_headcount(model: pd.DataFrame) -> float:
    return float(model["headcount"].mean())


def output_final_year(model: pd.DataFrame) -> float:
    """Mean output per shift in 1937: what the campaign left behind once the records faded."""
    return float(_in_year(model, FINAL_YEAR)["output_tons"].mean())


def plan_fulfilment_final_year(model: pd.DataFrame) -> float:
    """Output over plan, summed over the shifts of 1937."""
    year = _in_year(model, FINAL_YEAR)
    return float(year["output_tons"].sum() / year["plan_tons"].sum())


def mean_output(model: pd.DataFrame) -> float:
    """Mean output per shift over the whole calendar."""
    return float(model["output_tons"].mean())


def peak_share_stakhanovites(model: pd.DataFrame) -> float:
    """Largest share of hewers holding the title on any shift: the campaign's high-water mark."""
    return float(model["share_stakhanovites"].max())


def _campaign_years(model: pd.DataFrame) -> pd.DataFrame:
    years = pd.to_datetime(model["date"]).dt.year
    return model[years.between(*CAMPAIGN_YEARS)]


def wage_gini_campaign_years(model: pd.DataFrame) -> float:
    """Mean wage Gini over 1936-37, the campaign's two full years."""
    return float(_campaign_years(model)["wage_gini"].mean())


def resentment_campaign_years(model: pd.DataFrame) -> float:
    """Mean resentment over 1936-37, the campaign's two full years."""
    return float(_campaign_years(model)["mean_resentment"].mean())


def mean_wage_gini(model: pd.DataFrame) -> float:
    """Mean over shifts of the Gini coefficient of wages: the progressive piece-rate's spread."""
    return float(model["wage_gini"].mean())


def sanctions_rate(model: pd.DataFrame) -> float:
    """Sanction incidents per 1,000 miners per year, so mines of any size compare."""
    years = _years_simulated(model)
    return float(model["sanctions"].sum() / _mean_headcount(model) * PER_THOUSAND_MINERS / years)


def accusations(model: pd.DataFrame) -> float:
    """Foremen and engineers accused over the whole run."""
    return float(model["accusations"].sum())


def turnover_rate(model: pd.DataFrame) -> float:
    """Quits per year as a share of the mean workforce (above 1: more than 100% a year)."""
    return float(model["quits"].sum() / _mean_headcount(model) / _years_simulated(model))


CAMPAIGN = "{}-{}".format(*CAMPAIGN_YEARS)
OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("output_1937_tons", "t per shift", f"Mean output per shift, {FINAL_YEAR}",
                output_final_year, (FINAL_YEAR,)),
        Outcome("plan_fulfilment_1937", "output / plan", f"Plan fulfilment, {FINAL_YEAR}",
                plan_fulfilment_final_year, (FINAL_YEAR,)),
        Outcome("mean_output_tons", "t per shift", "Mean output per shift, whole run",
                mean_output),
        Outcome("peak_share_stakhanovites", "share of hewers",
                "Peak share of Stakhanovites on any shift", peak_share_stakhanovites),
        Outcome("mean_wage_gini", "Gini (0..1)", "Mean wage Gini, whole run", mean_wage_gini),
        Outcome("wage_gini_1936_37", "Gini (0..1)", f"Mean wage Gini, {CAMPAIGN}",
                wage_gini_campaign_years, CAMPAIGN_YEARS),
        Outcome("resentment_1936_37", "0..1", f"Mean resentment, {CAMPAIGN}",
                resentment_campaign_years, CAMPAIGN_YEARS),
        Outcome("sanctions_per_1000_miners_year", "incidents per 1,000 miners a year",
                "Sanctions against rate-busters per 1,000 miners a year", sanctions_rate),
        Outcome("accusations", "persons",
                "Accusations of foremen and engineers, whole run", accusations),
        Outcome("turnover_per_year", "quits / workforce a year",
                "Turnover (quits a year / mean headcount)", turnover_rate),
    )
}  # fmt: skip


def summarise(model: pd.DataFrame, names: list[str]) -> dict[str, float]:
    """The named outcomes of one replicate's model table (NaN for years it does not cover)."""
    covered = set(pd.to_datetime(model["date"]).dt.year)
    return {
        name: OUTCOMES[name].compute(model) if covered.issuperset(OUTCOMES[name].years) else np.nan
        for name in names
    }


def uncovered(names: list[str], scenario: Scenario) -> list[str]:
    """The outcomes whose year the scenario's calendar does not reach (they would be NaN)."""
    start, end = scenario.calendar.start.year, scenario.calendar.end.year
    return [name for name in names if any(not start <= y <= end for y in OUTCOMES[name].years)]


def label(name: str) -> str:
    """Axis or table label with the unit: 'mean_wage_gini (Gini (0..1))'."""
    return f"{name} ({OUTCOMES[name].unit})" if name in OUTCOMES else name


def all_finite(values: np.ndarray) -> bool:
    """True when an outcome column can be analysed (no NaN or infinity)."""
    return bool(np.isfinite(values).all())


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean with a two-sided Student-t interval (NaN bounds with fewer than two values)."""
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(values.mean())
    if values.size < 2:
        return (mean, np.nan, np.nan)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, values.size - 1) * stats.sem(values)
    return (mean, mean - half, mean + half)


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of the paired differences ``a - b`` (replicate by replicate) with its t interval.

    For runs with the same seeds: each pair shares its random numbers (common random
    numbers), so the difference's spread is that of the scenarios' effect, not of the luck.
    """
    keep = ~(np.isnan(a) | np.isnan(b))
    return mean_interval(a[keep] - b[keep])


def welch_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Difference of means ``a - b`` with a Welch (unequal variances) t interval."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return (np.nan, np.nan, np.nan)
    diff = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return (diff, np.nan, np.nan)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = np.sqrt(va + vb)
    if se == 0:
        return (diff, diff, diff)
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, dof) * se
    return (diff, diff - half, diff + half)
