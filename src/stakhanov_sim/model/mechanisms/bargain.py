"""Norms and wages as a bargain: slack won back from below, the wage fund watched from above.

The revision of spring 1936 raised norms toward the records and cut piece rates, so that
workers "had to produce more to earn what they had earned before" (TIME, 10 Feb 1936). But
the revised norms soon became easy to beat again: workers, foremen and norm-setters under
pressure from both sides found slack, non-Stakhanovites' earnings rose too, and in 1936 the
wage fund was overspent (Davies and Khlevnyuk 2002; Filtzer 1986). Managers, for their part,
hid reserves because a good result invited a higher target (Berliner 1957).

Here, after a revision, each section wins back a share of the raise every shift in proportion
to its miners' resentment (``bargain.slack_return``); the trust plans a wage fund that grows
``bargain.wage_fund_growth`` a year over the pre-campaign wage bill, and when a plan period
overspends it by more than ``bargain.wage_fund_tolerance`` it takes back
``bargain.tightening`` of the slack won since the revision. The pre-campaign bill is every
hewer's norm at the base rate (and the support trades' time rate): more than the hewers
really earned before the campaign, so at the defaults the fund is never overspent and the
trust never tightens (docs/calibration.md, "Known and left as they are").
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.campaign import Campaign
from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.observation import EventLog
from stakhanov_sim.model.runs import Runs, grown, varying
from stakhanov_sim.model.sections import Sections
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("slack_return", "wage_fund_growth", "wage_fund_tolerance", "tightening")


class Params(NamedTuple):
    slack_return: np.ndarray  # each run's, as are the fund's growth, tolerance and tightening
    wage_fund_growth: np.ndarray
    wage_fund_tolerance: np.ndarray
    tightening: np.ndarray
    review_shifts: int  # the trust checks the wage fund with the plan


def params(s: Scenario) -> Params:
    b = s.bargain
    return Params(
        varying(b.slack_return),
        varying(b.wage_fund_growth),
        varying(b.wage_fund_tolerance),
        varying(b.tightening),
        s.management.plan_check_shifts,
    )


def win_back_slack(
    norm_tons, revised_norm, old_norm, resentment, run_of_section, p: Params
) -> None:
    """Each section's norm slides back toward its pre-revision norm with its resentment.

    ``resentment`` is the hewers' ``(sections, hewers)`` view (each section's mean counts,
    0..1); a section whose norm is at or below the old one has no slack to win. Before any
    revision (most of a run's first year) no section has: the means are not taken. Each mean
    is ``resentment.mean(axis=1)``'s sum and division without its Python wrapper.
    """
    if (revised_norm > old_norm).any():
        means = np.add.reduce(resentment, axis=1) / resentment.shape[1]
        _win_back_slack(norm_tons, revised_norm, old_norm, means, run_of_section, p.slack_return)


@kernel
def _win_back_slack(norm_tons, revised_norm, old_norm, resentment, run_of_section, slack_return):
    """Each section's norm, a step back toward the old one (``slack_return``: each run's)."""
    for s in range(norm_tons.size):
        raise_tons = revised_norm[s] - old_norm[s]
        if raise_tons > 0 and norm_tons[s] > old_norm[s]:
            won = slack_return[run_of_section[s]] * resentment[s] * raise_tons
            norm_tons[s] = max(norm_tons[s] - won, old_norm[s])


def watch_the_fund(
    campaign: Campaign,
    sections: Sections,
    runs: Runs,
    wage_bill: np.ndarray,
    pre_campaign_bill: float,
    years: float,
    shift: int,
    p: Params,
    log: EventLog,
) -> np.ndarray:
    """Before shift ``shift``: book the last shift's wage bill (``wage_bill``, per run)
    against its fund; at a review (every plan period), tighten norms where the period
    overspent.

    Returns, per run, the share by which the trust raised the mean norm (0 on most shifts).
    """
    raised = np.zeros(runs.count)
    if shift == 0:  # nobody has been paid yet
        return raised
    campaign.period_bill += wage_bill
    campaign.period_fund += planned_fund(pre_campaign_bill, years, p)
    if shift % p.review_shifts:
        return raised
    over = overspent(campaign.period_bill, campaign.period_fund, p)
    campaign.period_bill[:] = campaign.period_fund[:] = 0.0
    norm_tons, revised_norm = runs.by_run(sections.norm_tons), runs.by_run(sections.revised_norm)
    for run in np.flatnonzero(over).tolist():
        raised[run] = tighten(norm_tons[run], revised_norm[run], p.tightening[run])
        if raised[run] > 0:
            detail = f"wage fund overspent: norms +{raised[run]:.1%}"
            log.add("norm tightening", detail=detail, run=run)
    return raised


def planned_fund(pre_campaign_bill: float, years: float, p: Params) -> float | np.ndarray:
    """The wage fund the trust planned for one shift, ``years`` after the start (each run's,
    or one number when the runs share the fund's growth)."""
    return pre_campaign_bill * grown(p.wage_fund_growth, years)


def overspent(period_bill: np.ndarray, period_fund: np.ndarray, p: Params) -> np.ndarray:
    """Did each run's plan period overspend its fund by more than the trust lets pass?"""
    return (period_fund > 0) & (period_bill > period_fund * (1.0 + p.wage_fund_tolerance))


def tighten(norm_tons: np.ndarray, revised_norm: np.ndarray, tightening: float) -> float:
    """The trust takes back ``tightening`` of the slack won since the revision; the mean raise
    (share).

    ``norm_tons`` and ``revised_norm`` are one run's sections (changed in place)."""
    before = norm_tons.mean()
    gap = np.maximum(revised_norm - norm_tons, 0.0)
    norm_tons += tightening * gap
    return float(norm_tons.mean() / before - 1.0) if before > 0 else 0.0
