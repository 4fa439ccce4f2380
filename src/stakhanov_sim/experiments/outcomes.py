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
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from stakhanov_sim.scenarios.schema import Scenario

CONFIDENCE = 0.95  # of every interval over replicates (compare, validation)

DAYS_PER_YEAR = 365.25
PER_THOUSAND_MINERS = 1000.0
FINAL_YEAR = 1937  # when the lasting effect is judged: the plan missed (docs/sources.md)
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


# Outcomes the historical targets are judged on (validation/targets.py). Each reads the
# tables of ONE replicate; all but the hewers' ordinary output need the model table alone.

CAMPAIGN_START = pd.Timestamp("1935-08-31")  # Stakhanov's staged record
PRE_CAMPAIGN_MONTHS_1935 = 8  # January-August 1935, before the campaign


def _between(model: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    dates = pd.to_datetime(model["date"])
    return model[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]


def staged_record_norms(model: pd.DataFrame) -> float:
    """Fulfilment of the first record shift (the staged record of 31 Aug 1935), in norms."""
    records = model[model["records_set"] > 0]
    return float(records["max_fulfilment"].iloc[0]) if len(records) else 0.0


def ordinary_output_per_hewer_shift(model: pd.DataFrame, agents: pd.DataFrame) -> float:
    """Mean output of a hewer at work on the shifts sampled before 31 Aug 1935 (tons).

    Hewers with no output on a sampled shift (absent, or a vacancy) are left out: the press
    figure is what a working hewer cut in a shift.
    """
    before = model.loc[pd.to_datetime(model["date"]) < CAMPAIGN_START, "shift"]
    hewers = agents[(agents["trade"] == "hewer") & (agents["output_tons"] > 0)]
    return float(hewers.loc[hewers["shift"].isin(before), "output_tons"].mean())


def record_escalation_mid_september(model: pd.DataFrame) -> float:
    """Best shift of 1-15 Sept 1935 over the first record (Izotov's 240 t of 11 Sept)."""
    first = staged_record_norms(model)
    best = _between(model, "1935-09-01", "1935-09-15")["max_fulfilment"].max()
    return float(best / first) if first > 0 else 0.0


def stakhanovite_share_august_1936(model: pd.DataFrame) -> float:
    """Mean share of Stakhanovites among hewers in August 1936."""
    return float(_between(model, "1936-08-01", "1936-08-31")["share_stakhanovites"].mean())


# The days around 20 Oct and 1 Dec 1935 between which the source counts the growth.
AROUND_20_OCT_1935 = ("1935-10-15", "1935-10-25")
AROUND_1_DEC_1935 = ("1935-11-26", "1935-12-06")


def stakhanovite_growth_autumn_1935(model: pd.DataFrame) -> float:
    """Stakhanovites around 1 Dec 1935 over those around 20 Oct 1935 (5-day means)."""
    early = _between(model, *AROUND_20_OCT_1935)["n_stakhanovites"].mean()
    late = _between(model, *AROUND_1_DEC_1935)["n_stakhanovites"].mean()
    return float(late / max(early, 1.0))


def _mean_output_in(model: pd.DataFrame, year: int) -> float:
    return float(_in_year(model, year)["output_tons"].mean())


def output_growth_1936(model: pd.DataFrame) -> float:
    """Output per shift in 1936 over 1935, 1935 rebuilt as a whole year.

    The run starts on 1 Aug 1935, so January-August 1935 are taken at the August (pre-campaign)
    rate and September-December as simulated: the sources' yearly totals compare whole years.
    """
    august = _between(model, "1935-08-01", "1935-08-30")["output_tons"].mean()
    autumn = _between(model, "1935-09-01", "1935-12-31")["output_tons"].mean()
    months = PRE_CAMPAIGN_MONTHS_1935
    year_1935 = (months * august + (12 - months) * autumn) / 12
    return float(_mean_output_in(model, 1936) / year_1935)


def output_growth_1937(model: pd.DataFrame) -> float:
    """Output per shift in 1937 over 1936."""
    return _mean_output_in(model, 1937) / _mean_output_in(model, 1936)


def hewer_wage_growth_1936(model: pd.DataFrame) -> float:
    """Hewers' mean wage per shift in 1936 over 1935."""
    return float(
        _in_year(model, 1936)["mean_wage_hewer"].mean()
        / _in_year(model, 1935)["mean_wage_hewer"].mean()
    )


def ordinary_hewer_wage_1936(model: pd.DataFrame) -> float:
    """Mean wage of hewers without the title in 1936 over 1935."""
    return float(
        _in_year(model, 1936)["mean_wage_ordinary_hewer"].mean()
        / _in_year(model, 1935)["mean_wage_ordinary_hewer"].mean()
    )


def accusations_per_post_1937(model: pd.DataFrame, posts: int) -> float:
    """People accused in 1937 per foreman's and engineer's post."""
    return float(_in_year(model, 1937)["accusations"].sum() / posts)


def fatal_accidents_per_1000_year(model: pd.DataFrame) -> float:
    """Miners killed at the face per 1,000 miners a year, over the whole run."""
    per_1000 = _mean_headcount(model) / 1000
    return float(model["fatal_accidents"].sum() / per_1000 / _years_simulated(model))


def turnover_in_year(model: pd.DataFrame, year: int) -> float:
    """Quits in a calendar year over that year's mean headcount (annual labour turnover)."""
    rows = _in_year(model, year)
    return float(rows["quits"].sum() / rows["headcount"].mean())


def shift_of(model: pd.DataFrame, date: str) -> int:
    """The row of one replicate's model table where ``date`` falls (or the first after it)."""
    return int(np.searchsorted(pd.to_datetime(model["date"]).to_numpy(), np.datetime64(date)))


class BurstResponse(NamedTuple):
    """Output in the parts of a campaign burst and after it, each over the level before it."""

    first_half: float  # the burst's first shifts (half of them, rounded up)
    second_half: float  # its remaining shifts
    after: float  # as many shifts again after it ended


def burst_response(model: pd.DataFrame, start: str, shifts: int) -> BurstResponse:
    """The shape of a burst of ``shifts`` shifts from ``start`` (the ten-days of January 1936:
    output "increased" in its first five days and fell in the next five, TIME, 10 Feb 1936).

    Each part's mean output per shift over the mean of the ``shifts`` shifts before the burst
    (one replicate's model table).
    """
    output = model["output_tons"].to_numpy()
    first = shift_of(model, start)
    half = (shifts + 1) // 2
    before = output[max(first - shifts, 0) : first].mean()

    def part(a: int, b: int) -> float:
        return float(output[first + a : first + b].mean() / before)

    return BurstResponse(part(0, half), part(half, shifts), part(shifts, 2 * shifts))
