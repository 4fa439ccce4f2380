"""The mechanisms of the second edition's history, each tested for its direction.

Every test runs the historical scenario twice on the same seeds, with the mechanism on (the
defaults) and off (or weakened), and checks the difference points the way the sources say.
The random streams are per mechanism, so the two runs differ only where the mechanism acts.
The tests whose docstrings cite docs/calibration.md check limits of the model it states.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stakhanov_sim import load_scenario, run
from stakhanov_sim.experiments import outcomes
from stakhanov_sim.experiments.runner import run_batch
from stakhanov_sim.model.mechanisms import bargain
from stakhanov_sim.validation.targets import by_key

SEEDS = 3  # replicates per arm: enough for directions, which are large and paired


def _history(overrides: dict | None = None, replicates: int = SEEDS, name="history_1935_37"):
    results = run(load_scenario(name, overrides or {}), replicates=replicates, progress=False)
    table = results.model.copy()
    table["date"] = pd.to_datetime(table["date"])
    table["year"] = table["date"].dt.year
    return table, results.events


@pytest.fixture(scope="module")
def history():
    return _history()


def _yearly(table: pd.DataFrame, column: str, how: str = "mean") -> pd.Series:
    per_run = table.groupby(["year", "replicate"])[column].agg(how)
    return per_run.groupby("year").mean()


def test_division_of_labour_raises_output_as_the_methods_spread(history):
    """At the calibrated defaults the methods spread slowly (little uptake from workmates), so
    the division of labour adds most in 1937 (8 replicates: +0.9% in 1936, +3.3% in 1937)."""
    off, _ = _history({"methods.division_gain": 0.0})
    assert _yearly(history[0], "output_tons")[1937] > 1.01 * _yearly(off, "output_tons")[1937]


def test_concentration_of_mining_raises_output_in_1936(history):
    off, _ = _history({"methods.concentration_gain": 0.0})
    assert _yearly(history[0], "output_tons")[1936] > 1.05 * _yearly(off, "output_tons")[1936]


def test_stakhanovite_schools_spread_the_methods(history):
    off, _ = _history({"methods.school_rate": 0.0})
    on_share = _yearly(history[0], "share_new_methods")[1936]
    assert on_share > _yearly(off, "share_new_methods")[1936]


def test_accidents_happen_at_about_the_sourced_rate_and_records_raise_the_risk(history):
    table, events = history
    years = (table["date"].max() - table["date"].min()).days / 365.25
    deaths = table["fatal_accidents"].sum() / SEEDS
    per_1000_year = deaths / (table["headcount"].mean() / 1000) / years
    assert 1.0 < per_1000_year < 8.0  # the sourced 2.84, raised by records, storming and wear
    safe, _ = _history(
        {"accidents.record_risk": 0, "accidents.storming_risk": 0, "accidents.wear_risk": 0}
    )
    assert safe["accidents"].sum() < table["accidents"].sum()
    assert (events["event"] == "fatal accident").sum() == table["fatal_accidents"].sum()


def test_no_accidents_without_risk():
    table, _ = _history({"accidents.fatal_per_1000_year": 0.0}, replicates=1)
    assert table["accidents"].sum() == 0 and table["fatal_accidents"].sum() == 0


def test_padding_overstates_output_only_under_plan_pressure(history):
    table, _ = history
    assert (table["reported_output_tons"] >= table["output_tons"] - 1e-9).all()
    assert _yearly(table, "reported_output_tons")[1937] > _yearly(table, "output_tons")[1937]
    honest, _ = _history({"reporting.max_padding": 0.0}, replicates=1)
    assert (honest["reported_output_tons"] == honest["output_tons"]).all()


def test_slack_returns_after_the_revision(history):
    rigid, _ = _history({"bargain.slack_return": 0.0})
    late_1936 = lambda t: t[(t["date"] >= "1936-09-01") & (t["date"] < "1937-01-01")]  # noqa: E731
    assert late_1936(history[0])["norm_tons"].mean() < late_1936(rigid)["norm_tons"].mean()


def test_hewers_earn_more_in_1936_and_ordinary_hewers_are_not_ruined(history):
    table, _ = history
    hewers = _yearly(table, "mean_wage_hewer")
    assert hewers[1936] > hewers[1935]
    ordinary = _yearly(table, "mean_wage_ordinary_hewer")
    assert ordinary[1936] > 0.7 * ordinary[1935]


def test_low_pay_drives_quits(history):
    patient, _ = _history({"social.quit_low_pay": 0.0})
    assert history[0]["quits"].sum() > patient["quits"].sum()


def test_the_record_race_of_september_1935(history):
    _, events = history
    records = events[events["event"] == "record"].copy()
    records["date"] = pd.to_datetime(records["date"])
    records["tons"] = records["detail"].str.extract(r"cut (\d+) t")[0].astype(float)
    first = records[records["date"] <= "1935-08-31"].groupby("replicate")["tons"].max()
    by_mid_sept = records[records["date"] <= "1935-09-15"].groupby("replicate")["tons"].max()
    assert (by_mid_sept / first).mean() > 2.0
    no_race, no_race_events = _history({"records.race_decay": 1.0, "records.attempt_rate": 0.0})
    september = lambda e: ((e["event"] == "record") & (e["date"].astype(str) < "1935-10-01")).sum()  # noqa: E731
    assert september(events) > september(no_race_events)


def test_violence_starts_in_the_autumn_of_1935(history):
    table, events = history
    autumn = table[(table["date"] >= "1935-09-01") & (table["date"] < "1936-01-01")]
    assert autumn["sanctions"].sum() > 0
    by_supervisors = events["detail"].str.contains("lower supervisors", na=False)
    quiet, quiet_events = _history({"social.supervisor_sanction_rate": 0.0})
    assert by_supervisors.sum() > quiet_events["detail"].str.contains("lower supervisors").sum()


def test_blame_from_below_and_its_limits(history):
    table, events = history
    posts = 13  # ten foremen and three engineers in the default mine
    assert _yearly(table, "accusations", "sum")[1937] <= posts
    assert table["accusations_from_below"].sum() > 0
    silent, _ = _history({"blame.denunciation_rate": 0.0})
    assert silent["accusations_from_below"].sum() == 0
    charges = events.loc[events["event"] == "accusation", ["date", "detail"]]
    late = charges[charges["date"].astype(str) >= "1937-02-01"]["detail"]
    assert late.str.contains("Trotskyist wrecking").all()


def test_mass_operations_arrest_ordinary_miners_only_from_august_1937(history):
    table, _ = history
    assert table.loc[table["date"] < "1937-08-05", "arrests"].sum() == 0
    assert table["arrests"].sum() > 0
    spared, _ = _history({"blame.arrests_per_year": 0.0}, replicates=1)
    assert spared["arrests"].sum() == 0


def test_the_plan_ratchets_on_last_years_output(history):
    flat, _ = _history({"management.plan_ratchet": 0.0}, replicates=1)
    assert _yearly(history[0], "plan_tons")[1937] > _yearly(flat, "plan_tons")[1937]


@pytest.mark.slow
def test_the_campaign_rises_in_1936_and_falls_short_in_1937():
    """Issue 13's headline, at 20 replicates: a real rise, then no more growth (USSR coal
    was roughly flat, 1936-37) and a fall short of the raised plan."""
    table, _ = _history(replicates=20)
    base, _ = _history(replicates=20, name="baseline_no_campaign")
    output = _yearly(table, "output_tons")
    assert output[1936] > 1.05 * output[1935]
    assert output[1936] > 1.05 * _yearly(base, "output_tons")[1936]
    assert output[1937] < by_key("output_growth_1937").high * output[1936]  # no more growth
    assert output[1937] < _yearly(table, "plan_tons")[1937]


def test_the_growth_of_autumn_1935_would_need_more_titles_than_hewers_meeting_the_norm(history):
    """docs/calibration.md, "Known and left as they are": the held-out 4.7-fold growth fails
    because the title spreads early. By 20 Oct 1935 about a tenth of the hewers hold it;
    around 1 Dec only about a fifth meet their norm in a shift, so a count three times that of
    20 Oct (the band's floor) would need the title on more hewers than meet the norm, which no
    rule the sources allow (meeting the norm at least) gives."""
    table, _ = history
    (a, b), (c, d) = outcomes.AROUND_20_OCT_1935, outcomes.AROUND_1_DEC_1935
    october = table[(table["date"] >= a) & (table["date"] <= b)]
    december = table[(table["date"] >= c) & (table["date"] <= d)]
    titled = october.groupby("replicate")["share_stakhanovites"].mean().mean()
    meeting = december.groupby("replicate")["share_meeting_norm"].mean().mean()
    assert 0.05 < titled < 0.15  # about a tenth
    assert 0.15 < meeting < 0.3  # about a fifth
    assert meeting < by_key("stakhanovite_growth").low * titled


def test_a_title_earned_by_meeting_the_norm_stays_under_the_share_of_august_1936(history):
    """docs/calibration.md, "Known and left as they are": the title's rule, not its threshold,
    keeps the share of Stakhanovites under the sourced 40% of August 1936. Meeting the norm
    (a threshold of 1, the shock worker's, which the title superseded) is the lowest the
    sources allow, and only about a third of the hewers meet it that month."""
    table, _ = history
    august = table[(table["date"] >= "1936-08-01") & (table["date"] <= "1936-08-31")]
    meeting = august.groupby("replicate")["share_meeting_norm"].mean().mean()
    assert 0.25 < meeting < by_key("share_august_1936").low  # about a third
    at_the_norm, _ = _history({"recognition.title_threshold": 1.0}, replicates=4)
    share = at_the_norm.groupby("replicate").apply(
        outcomes.stakhanovite_share_august_1936, include_groups=False
    )
    assert share.mean() < by_key("share_august_1936").low


def test_the_revised_norm_slides_back_to_the_old_one_within_the_year(history):
    """docs/calibration.md, "Known and left as they are": the revision of March 1936 raises
    the mean norm by a fifth to two fifths (the midpoint rule on each run's records); the
    slack won back (``bargain.slack_return``, an assumption) brings it within 1% of the old
    norm by December 1936, and there it stays through 1937."""
    table, events = history
    old = load_scenario("history_1935_37").norms.initial_norm_tons
    when = events.loc[events["event"] == "norm revision", "date"].min()
    revised = table[table["date"] >= pd.Timestamp(when)].groupby("replicate")["norm_tons"].first()
    assert (revised / old - 1).between(0.15, 0.45).all()
    december = table[(table["date"] >= "1936-12-01") & (table["date"] <= "1936-12-31")]
    assert abs(december["norm_tons"].mean() / old - 1) < 0.01
    assert abs(_yearly(table, "norm_tons")[1937] / old - 1) < 0.01


def test_the_trust_never_finds_the_wage_fund_overspent_at_the_defaults(monkeypatch):
    """docs/calibration.md, "Known and left as they are": the fund is planned from the norm's
    pay, which the hewers did not earn before the campaign, so in 1936 the bill runs at about
    0.94 of the fund and the trust never tightens; with no growth and no tolerance it does.
    Planned from the real bill of the first plan period (before the record), the 1936 fund
    would be overspent, but by little."""
    ratios = []
    overspent = bargain.overspent

    def watched(bill, fund, p):
        ratios.append(bill / fund)
        return overspent(bill, fund, p)

    monkeypatch.setattr(bargain, "overspent", watched)

    def stepped(overrides: dict) -> tuple[pd.DataFrame, pd.Series]:
        """Three runs' events and the dates of the plan reviews (one before every
        ``plan_check_shifts``-th shift)."""
        scenario = load_scenario("history_1935_37", overrides)
        results = run_batch(scenario, np.random.SeedSequence(1935).spawn(3), [0, 1, 2])
        every = scenario.management.plan_check_shifts
        dates = results.model.loc[results.model["replicate"] == 0, "date"]
        return results.events, dates.iloc[every::every]

    events, review_dates = stepped({})
    reviews = np.array(ratios)  # plan reviews x runs
    in_1936 = (review_dates.iloc[: len(reviews)].dt.year == 1936).to_numpy()
    assert not (events["event"] == "norm tightening").any()
    assert 0.88 < reviews[in_1936].mean() < 1.0  # about 0.94
    assert reviews.max() < 1.1  # never past the tolerance
    real = reviews / reviews[0]  # as if planned from the first period's real bill
    assert 0.85 < reviews[0].mean() < 0.97  # about 0.92 of the norm's pay
    assert 1.0 < real[in_1936].mean() < 1.05  # about 1% over
    assert real[in_1936].max() < 1.15  # by up to about a tenth in a plan period
    strict, _ = stepped({"bargain.wage_fund_growth": 0.0, "bargain.wage_fund_tolerance": 0.0})
    assert (strict["event"] == "norm tightening").any()


TEN_DAYS = ("1936-01-10", 9)  # the burst of the stakhanovite_ten_days scenario
STORMING = {"production.campaign_effort": 0.235}  # the calibration's posterior mean


def test_the_storming_effort_quoted_is_the_default_and_the_posterior_mean():
    """docs/calibration.md, the stakhanovite_ten_days scenario, notebook 6 and the tests
    below quote the shipped storming effort (0.0156) and the calibration's posterior mean
    (0.235): a recalibration that moves either fails here, pointing at those texts."""
    assert load_scenario("history_1935_37").production.campaign_effort == 0.0156
    report = (Path(__file__).resolve().parents[1] / "docs" / "calibration.md").read_text()
    posterior = report.split("#### Parameters")[1].split("####")[0]  # the generated table
    (mean,) = re.findall(r"\| `production\.campaign_effort` \| [^|]+\| ([0-9.]+) \|", posterior)
    assert round(float(mean), 3) == STORMING["production.campaign_effort"]


def test_the_methods_spread_in_autumn_1935_without_output_or_the_norm_following(history):
    """docs/calibration.md, "Known and left as they are": around 1 Dec 1935 about a quarter of
    the hewers have taken up the methods, more than meet their norm (about a fifth), and
    output a shift in September-December 1935 stays within a few percent of August's."""
    table, _ = history
    december = table[table["date"].between(*outcomes.AROUND_1_DEC_1935)]
    adopted, meeting = december["share_new_methods"].mean(), december["share_meeting_norm"].mean()
    assert 0.2 < adopted < 0.35 and 0.15 < meeting < adopted
    august = table[table["date"].between("1935-08-01", "1935-08-30")]["output_tons"].mean()
    autumn = table[table["date"].between("1935-09-01", "1935-12-31")]["output_tons"].mean()
    assert 0.95 < autumn / august < 1.05


@pytest.mark.slow
def test_no_single_lever_of_the_titles_spread_reaches_the_growth_of_autumn_1935():
    """docs/calibration.md, "Known and left as they are": a wider cap on special conditions,
    twice the division of labour's gain, a title at the norm or a weaker press before the
    Conference each leave the growth of autumn 1935 between about 1.7 and 2 (10 replicates,
    under 2.1 in each), far under the held-out band's floor of 3; the wider cap brings the
    share of August 1936 into its band only by taking the non-Stakhanovites' wage of 1936 far
    out of its own (about 0.64)."""
    growth_band, share_band = by_key("stakhanovite_growth"), by_key("share_august_1936")
    wage_band = by_key("ordinary_wages_1936")
    defaults = load_scenario("history_1935_37")
    levers = {  # one at a time
        "cap 0.5": {"records.special_conditions_cap": 0.5},
        "division gain x2": {"methods.division_gain": 2 * defaults.methods.division_gain},
        "title at the norm": {"recognition.title_threshold": 1.0},
        "press / 3": {"recognition.broadcast": defaults.recognition.broadcast / 3},
    }
    for name, overrides in levers.items():
        table, _ = _history(overrides, replicates=10)
        runs = [m for _, m in table.groupby("replicate")]
        growth = np.mean([outcomes.stakhanovite_growth_autumn_1935(m) for m in runs])
        assert 1.6 < growth < 2.1 < growth_band.low, name
        if name == "cap 0.5":
            share = np.mean([outcomes.stakhanovite_share_august_1936(m) for m in runs])
            wage = np.mean([outcomes.ordinary_hewer_wage_1936(m) for m in runs])
            assert share_band.met(share)
            assert 0.55 < wage < 0.75 and wage < wage_band.low  # about 0.64


def _ten_days(overrides: dict) -> outcomes.BurstResponse:
    """The mean shape of the ten-days over 10 replicates of the scenario that has only them."""
    table, _ = _history(overrides, replicates=10, name="stakhanovite_ten_days")
    shapes = [outcomes.burst_response(m, *TEN_DAYS) for _, m in table.groupby("replicate")]
    return outcomes.BurstResponse(*np.mean(shapes, axis=0))


@pytest.mark.slow
def test_storming_rises_and_falls_only_when_it_tires():
    """docs/calibration.md, "Known and left as they are": in the ten-days of January 1936
    output rose for five days and fell in the next five (TIME, 10 Feb 1936). At the shipped
    defaults the burst leaves output within a few percent, and nothing follows it; with the
    calibration's posterior mean for storming and no fatigue from it, output rises and stays
    up; with its fatigue (``production.storming_fatigue``) it rises, falls back, and falls
    below the level before."""
    shipped = _ten_days({})
    assert all(0.97 < part < 1.05 for part in shipped)
    kept_up = _ten_days(STORMING)
    assert kept_up.second_half >= kept_up.first_half > 1.02
    assert kept_up.after > 0.99
    tiring = _ten_days(STORMING | {"production.storming_fatigue": 0.5})
    assert tiring.first_half > 1.01  # a rise,
    assert tiring.second_half < tiring.first_half - 0.02  # a fall in the next days,
    assert tiring.after < 0.95  # and a decline below the level before


def test_the_shape_of_a_burst_is_read_from_the_dates():
    """``outcomes.burst_response`` on a table worked by hand: four shifts before at 10 t,
    a burst of three (12, 11, 9) and three after (8, 8, 9)."""
    dates = pd.date_range("1936-01-06", periods=10).astype(str)
    table = pd.DataFrame({"date": dates, "output_tons": [7, 10, 10, 10, 12, 11, 9, 8, 8, 9]})
    shape = outcomes.burst_response(table, "1936-01-10", 3)
    assert shape == pytest.approx((11.5 / 10, 9 / 10, 25 / 3 / 10))


# An assumed shape for "day by day throughout the autumn of 1935, the campaign intensified"
# (Siegelbaum, Seventeen Moments): steps instead of the timeline's 0.3 from 2 Sep.
AUTUMN_STEPS = (
    ("1935-09-02", 0.1), ("1935-09-20", 0.2), ("1935-10-05", 0.35), ("1935-10-20", 0.5),
    ("1935-11-01", 0.7),
)  # fmt: skip


@pytest.mark.slow
def test_a_campaign_rising_through_the_autumn_still_falls_short_of_the_growth():
    """docs/calibration.md, "Known and left as they are": a press campaign that intensifies
    step by step up to the Conference raises the growth of autumn 1935 from about 1.7 to about
    2.2 (10 replicates), still under the held-out band's floor of 3."""
    events = [e.model_dump(mode="json") for e in load_scenario("history_1935_37").campaign.events]
    press = [e for e in events if e["kind"] == "campaign" and e["date"] == "1935-09-02"]
    assert len(press) == 1  # the step this test replaces
    rising = [e for e in events if e not in press] + [
        {"date": d, "kind": "campaign", "intensity": i, "label": "Press campaign"}
        for d, i in AUTUMN_STEPS
    ]
    growth = {}
    for name, timeline in (("step", events), ("rising", sorted(rising, key=lambda e: e["date"]))):
        table, _ = _history({"campaign.events": timeline}, replicates=10)
        growth[name] = np.mean(
            [outcomes.stakhanovite_growth_autumn_1935(m) for _, m in table.groupby("replicate")]
        )
    assert 1.5 < growth["step"] < 1.9  # about 1.7
    assert 1.9 < growth["rising"] < 2.5  # about 2.2
    assert growth["rising"] < by_key("stakhanovite_growth").low
