"""Measures of the consistency checks: what the model's construction makes true.

Each was once counted as a validation pattern. They cannot fail while the mechanisms are as
they are (the issue that retired them says why for each), so they are reported as a test of
the code, never as evidence about the past. Each measure reads one replicate of the named
ensembles: ``history`` (the historical scenario) and ``baseline`` (the same mine, no campaign).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stakhanov_sim.experiments.outcomes import plan_fulfilment_final_year
from stakhanov_sim.experiments.results import Results

WINDOW_DAYS = 61  # "before" and "after" an event: about two months of shifts
RELATIVE_WINDOW_SAMPLES = 5  # agent-table snapshots before and after a replacement
QUARTER = pd.Timedelta(days=92)


def model_of(results: Results, rep: int) -> pd.DataFrame:
    """The model table of one replicate."""
    return results.model[results.model["replicate"] == rep]


def agents_of(results: Results, rep: int) -> pd.DataFrame:
    """The agent table of one replicate."""
    return results.agents[results.agents["replicate"] == rep]


def events_of(results: Results, rep: int) -> pd.DataFrame:
    """The event log of one replicate."""
    return results.events[results.events["replicate"] == rep]


def _revision_date(runs: dict[str, Results], rep: int) -> pd.Timestamp:
    events = events_of(runs["history"], rep)
    revisions = events[events["event"] == "norm revision"]
    return pd.Timestamp(revisions["date"].min()) if len(revisions) else pd.Timestamp("1936-03-01")


def _before_after(table: pd.DataFrame, when: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    span = pd.Timedelta(days=WINDOW_DAYS)
    before = table[(table["date"] >= when - span) & (table["date"] < when)]
    after = table[(table["date"] >= when) & (table["date"] < when + span)]
    return before, after


def baseline_campaign_signs(runs: dict[str, Results], rep: int) -> float:
    """In the baseline: records, titles, sabotage, accusations, Stakhanovite-shifts, raises."""
    model, events = model_of(runs["baseline"], rep), events_of(runs["baseline"], rep)
    kinds = events["event"].isin(["record", "title", "sabotage", "accusation"]).sum()
    return float(kinds + model["n_stakhanovites"].sum() + (model["norm_raise"] > 0).sum())


def output_over_baseline_1936(runs: dict[str, Results], rep: int) -> float:
    """Output per shift in 1936, history over the no-campaign baseline (same replicate)."""
    history, baseline = model_of(runs["history"], rep), model_of(runs["baseline"], rep)
    year = lambda m: m[pd.to_datetime(m["date"]).dt.year == 1936]["output_tons"].mean()  # noqa: E731
    return float(year(history) / year(baseline))


def accusations_per_post_1937(runs: dict[str, Results], rep: int) -> float:
    """People accused in 1937 per foreman's and engineer's post of the run's mine."""
    from stakhanov_sim.experiments import outcomes
    from stakhanov_sim.model.sections import lay_out
    from stakhanov_sim.model.workforce import layout
    from stakhanov_sim.scenarios.schema import Scenario

    history = runs["history"]
    scenario = Scenario.model_validate(history.manifest["scenario"])
    posts = scenario.mine.mines * scenario.mine.sections
    posts += lay_out(scenario, layout(scenario)).n_engineers
    return outcomes.accusations_per_post_1937(model_of(history, rep), posts)


def accusations_after_shortfall(runs: dict[str, Results], rep: int) -> float:
    """Share of accusations from above preceded, within a quarter, by a month of missed plan.

    Accusations from below (denunciations) and after fatal accidents need no missed plan.
    """
    model = model_of(runs["history"], rep).set_index("date")
    monthly = model[["output_tons", "plan_tons"]].resample("MS").sum()
    missed = monthly.index[monthly["output_tons"] < monthly["plan_tons"]]
    events = events_of(runs["history"], rep)
    from_above = (events["event"] == "accusation") & events["detail"].str.contains(
        "(plan)", regex=False
    )
    accused = pd.to_datetime(events.loc[from_above, "date"])
    if accused.empty:
        return float("nan")
    hits = [any((m <= a) and (a - m <= QUARTER) for m in missed) for a in accused]
    return float(np.mean(hits))


def output_after_replacement(runs: dict[str, Results], rep: int) -> float:
    """Relative output of a section after its foreman is replaced, minus before."""
    agents, events = agents_of(runs["history"], rep), events_of(runs["history"], rep)
    removals = events[(events["event"] == "removal") & events["detail"].str.startswith("foreman")]
    hewers = agents[agents["trade"] == "hewer"]
    by_section = hewers.groupby(["shift", "section"])["output_tons"].mean().unstack()
    relative = by_section.div(by_section.mean(axis=1), axis=0)
    changes = []
    for _, row in removals.iterrows():
        section = agents.loc[agents["agent_id"] == row["actor_id"], "section"]
        if section.empty or section.iloc[0] not in relative.columns:
            continue
        col = relative[section.iloc[0]]
        before = col[col.index < row["shift"]].tail(RELATIVE_WINDOW_SAMPLES)
        after = col[col.index > row["shift"]].head(RELATIVE_WINDOW_SAMPLES)
        if len(before) and len(after):
            changes.append(after.mean() - before.mean())
    return float(np.mean(changes)) if changes else float("nan")


def revision_meeting_norm_change(runs: dict[str, Results], rep: int) -> float:
    """Change in the share of hewers meeting the norm across the revision."""
    before, after = _before_after(model_of(runs["history"], rep), _revision_date(runs, rep))
    return float(after["share_meeting_norm"].mean() - before["share_meeting_norm"].mean())


def sanction_risk_ratio(runs: dict[str, Results], rep: int) -> float:
    """Sanctions per Stakhanovite-shift over sanctions per other-miner-shift."""
    model = model_of(runs["history"], rep)
    on_stakh = model["sanctions_on_stakhanovites"].sum()
    on_other = model["sanctions"].sum() - on_stakh
    stakh_shifts = model["n_stakhanovites"].sum()
    other_shifts = (model["headcount"] - model["n_stakhanovites"]).sum()
    if stakh_shifts == 0:
        return 0.0
    return float((on_stakh / stakh_shifts) / max(on_other / other_shifts, 1.0 / other_shifts))


def sanctions_after_revision(runs: dict[str, Results], rep: int) -> float:
    """Sanctions per shift in two months after the revision over two months before."""
    before, after = _before_after(model_of(runs["history"], rep), _revision_date(runs, rep))
    return float(after["sanctions"].mean() / max(before["sanctions"].mean(), 1e-9))


def plan_missed_1937(runs: dict[str, Results], rep: int) -> float:
    """Share of the 1937 plan fulfilled."""
    return plan_fulfilment_final_year(model_of(runs["history"], rep))
