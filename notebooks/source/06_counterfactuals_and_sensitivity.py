# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 6. Counterfactuals and sensitivity: which levers mattered?
#
# **The historical question.** Did the Stakhanovite campaign raise the mine's output? What
# would have happened with ample supplies, with norms left alone, or without the campaign?
#
# > Short campaigns broke down on supply and tool shortages; "a short-term rise was usually
# > followed by a decline". The net effect on labour productivity is disputed, possibly none
# > (P. Gregory). (Soviet-era economic histories and Davies and Khlevnyuk 2002, in the
# > project's `HISTORY.md`)
#
# **The method in plain words.** One run is one draw of chance: a different seed gives
# different records, different accusations, a different curve. To compare scenarios we run
# each several times (an *ensemble* of replicates, each with its own random stream from one
# seed) and draw the mean with a 95% confidence band. Where two bands do not overlap, the
# difference is unlikely to be chance. To keep this notebook under a minute we use a small
# mine (4 sections) and 3 replicates per scenario; for research, use 20 or more replicates
# (`stakhanov-sim run CONFIG --replicates 20`). Runs this short are done one after the
# other (`workers=1`): starting worker processes would cost more than it saves.
#
# Each counterfactual changes one lever with overrides on the historical scenario.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from stakhanov_sim import load_scenario, run
from stakhanov_sim.figures import plots

plots.use_style()  # the look of the figures `stakhanov-sim run` saves


def check(claim: str, holds) -> None:
    """Check one claim of this notebook's text against the numbers computed above.

    It raises an AssertionError quoting the claim when the model no longer bears it out, so
    running the notebooks (`make test` does) catches a sentence that has gone stale.
    """
    if not bool(holds):
        raise AssertionError(f"The text claims: {claim!r}; the model no longer shows it.")
    print(f"checked: {claim}")


HISTORY = "history_1935_37"
SMALL_MINE = {"mine.sections": 4}
REPLICATES = 3
LEVERS = {
    "history": {},
    "no campaign": {"campaign.events": []},
    "ample supply": {
        "supply.timber_per_shift": 1.6,
        "supply.air_per_shift": 1.6,
        "supply.wagons_per_shift": 1.6,
    },  # fmt: skip
    "no norm revision": {"norms.rule": "fixed", "norms.fixed_raise": 0.0, "norms.rate_cut": 0.0},
}
ensembles = {
    name: run(
        load_scenario(HISTORY, overrides={**SMALL_MINE, **lever}), replicates=REPLICATES, workers=1
    )
    for name, lever in LEVERS.items()
}
print({name: f"{r.replicates} replicates" for name, r in ensembles.items()})

# %% [markdown]
# ## Output with its band, scenario by scenario

# %%
fig, ax = plt.subplots(figsize=(10, 4.5))
for (name, results), colour, style in zip(
    ensembles.items(), plots.OKABE_ITO, plots.LINE_STYLES, strict=False
):
    band = plots.ensemble_band(results.model, "output_tons", window=20)
    ax.plot(band["date"], band["mean"], color=colour, linestyle=style, label=name)
    ax.fill_between(band["date"], band["lo"], band["hi"], color=colour, alpha=0.2)
plan = plots.ensemble_band(ensembles["history"].model, "plan_tons")
ax.plot(plan["date"], plan["mean"], color="black", linestyle=":", label="plan")
ax.set(title=f"Coal output, mean of {REPLICATES} runs with 95% band (20-shift rolling mean)",
       xlabel="date", ylabel="tons per shift (4-section mine)")  # fmt: skip
ax.set_ylim(bottom=0)
ax.legend(ncols=3, fontsize=8, loc="lower left")
plt.show()

# %% [markdown]
# ## Which levers matter? Differences from history, with confidence intervals
#
# For each scenario and replicate we compute a few outcomes over the whole run, then the
# difference of the scenario's mean from the historical mean, with a 95% interval (Student t
# on the pooled degrees of freedom; with 3 replicates it is wide, as it should be).


# %%
def outcomes(results):
    m = results.model.assign(year=results.model["date"].dt.year)
    per_run = m.groupby("replicate").apply(
        lambda r: pd.Series({
            "1937 output / plan": r.loc[r["year"] == 1937, "output_tons"].sum()
            / r.loc[r["year"] == 1937, "plan_tons"].sum(),
            "mean wage Gini": r["wage_gini"].mean(),
            "mean resentment": r["mean_resentment"].mean(),
            "sanctions per 100 miners": 100 * r["sanctions"].sum() / r["headcount"].mean(),
        }),
        include_groups=False,
    )  # fmt: skip
    return per_run


per_run = {name: outcomes(r) for name, r in ensembles.items()}
base = per_run["history"]
rows = []
for name, table in per_run.items():
    for outcome in table.columns:
        diff = table[outcome].mean() - base[outcome].mean()
        se = np.sqrt(table[outcome].var() / len(table) + base[outcome].var() / len(base))
        rows.append({"scenario": name, "outcome": outcome, "mean": table[outcome].mean(),
                     "difference from history": diff,
                     "95% half-width": stats.t.ppf(0.975, len(table) + len(base) - 2) * se})  # fmt: skip
summary = pd.DataFrame(rows).set_index(["outcome", "scenario"]).round(3)
summary

# %%
outcome_names = list(base.columns)
fig, axes = plt.subplots(1, len(outcome_names), figsize=(13, 3.8), layout="constrained")
others = [n for n in ensembles if n != "history"]
for ax, outcome in zip(axes, outcome_names, strict=True):
    part = summary.loc[outcome].loc[others]
    ax.barh(range(len(others)), part["difference from history"], xerr=part["95% half-width"],
            color=plots.OKABE_ITO[1:len(others) + 1], capsize=3)  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(others)), others if ax is axes[0] else [""] * len(others))
    ax.set(title=outcome, xlabel="difference from history")
fig.suptitle(f"Which levers matter: scenario minus history, mean of {REPLICATES} runs "
             "(bars: 95% CI of the difference)")  # fmt: skip
plt.show()

# %% [markdown]
# ## THINGS TO NOTICE
#
# - The bands are wide with 3 runs: some differences you might read off a single run vanish
#   into the noise. Which differences stand clear of it, and for which outcomes?
# - Compare "no campaign" with "history" in 1937: did the campaign leave the mine with more
#   coal, or less?
# - A lever can move one outcome and not another: compare each lever's bars across the four
#   outcomes.
#
# The cell below checks the first sentence: with 3 runs some differences from history lie
# within their interval (they may be noise), while others stand clear of it.

# %%
levers_only = summary.drop(index="history", level="scenario")
within = levers_only["difference from history"].abs() < levers_only["95% half-width"]
print(f"{within.sum()} of {len(within)} differences lie within their 95% interval")
check("some differences from history lie within their interval (they may be noise)", within.any())
check("others stand clear of it", not within.all())

# %% [markdown]
# ## THINGS TO TRY
#
# - Raise `REPLICATES` to 10 and watch the bands narrow (it takes longer).
# - Add a lever: a flat piece-rate `{"pay.progressive": []}`, equal sharing of supplies
#   `{"supply.special_conditions_first": False}`, no sanctions
#   `{"social.sanction_rate": 0.0}`, or no scapegoating `{"management.scapegoating_rate": 0.0}`.
# - Draw the standard comparison figures: `plots.plot_compare(ensembles, "my_figures")`
#   writes six side-by-side PNGs into the folder `my_figures`.
# - A one-lever sweep: run `supply.timber_per_shift` at 0.8, 1.0, 1.2 and 1.6 and plot
#   "1937 output / plan" against it. For many levers at once, see `stakhanov-sim sweep`
#   and `stakhanov-sim sensitivity` (Sobol and Morris indices).
#
# ## Questions for discussion
#
# 1. Historians disagree whether Stakhanovism raised productivity at all. What kind of
#    evidence could settle it, and what can a model like this add or not add?
# 2. Which lever would a trust director of 1936 actually have controlled? Which were set in
#    Moscow?
# 3. The model's answer depends on assumed numbers (see `docs/parameters.md`). Which
#    assumption would you test first, and how?
