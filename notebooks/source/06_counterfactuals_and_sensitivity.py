# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 6. Counterfactuals and sensitivity: which levers mattered?
#
# **The historical question.** Did the Stakhanovite campaign raise the mine's output? What
# would have happened with ample supplies, with norms left alone, or without the campaign?
#
# > Short campaigns broke down on supply and tool shortages; "a short-term rise was usually
# > followed by a decline". The net effect on labour productivity is disputed, possibly none
# > (P. Gregory). (Soviet-era economic histories and Davies and Khlevnyuk 2002; see
# > `docs/sources.md`)
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

from stakhanov_sim import load_scenario, run
from stakhanov_sim.experiments import outcomes
from stakhanov_sim.experiments.compare import summarise
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
# ## Which levers matter? Differences from history, unpaired and paired
#
# For each scenario and replicate we compute a few outcomes over the whole run, then each
# scenario's difference from history with a 95% interval. `compare.summarise` does it (it
# makes the table `stakhanov-sim compare` writes) in two ways:
#
# - **unpaired**: the difference of the two means, with a Welch t interval, as if the
#   scenarios' runs were unrelated draws;
# - **paired**: replicate by replicate. Every scenario here ran with the scenario's seed, so
#   replicate *k* of each draws the same random numbers for every mechanism they share
#   (each mechanism has a random stream of its own: *common random numbers*). The
#   differences of the pairs leave out the luck the two runs share, and their t interval
#   is that of the lever's effect alone.

# %%
SHOWN = {  # outcome: its label in the figure
    "output_1937_tons": "1937 output (t per shift)",
    "wage_gini_1936_37": "wage Gini, 1936-37",
    "resentment_1936_37": "mean resentment, 1936-37 (0-1)",
    "sanctions_per_1000_miners_year": "sanctions per 1,000 miners a year",
}
table = summarise(ensembles)
levers = table[(table["scenario"] != "history") & table["outcome"].isin(list(SHOWN))].copy()
levers["unpaired ±"] = (levers["diff_ci_high"] - levers["diff_ci_low"]) / 2
levers["paired ±"] = (levers["paired_ci_high"] - levers["paired_ci_low"]) / 2
levers = levers.set_index(["outcome", "scenario"])
levers[["diff", "unpaired ±", "paired ±"]].round(3)

# %%
others = [name for name in ensembles if name != "history"]
fig, axes = plt.subplots(1, len(SHOWN), figsize=(13, 3.8), layout="constrained")
for ax, (outcome, label) in zip(axes, SHOWN.items(), strict=True):
    part = levers.loc[outcome].loc[others]
    y = np.arange(len(others))
    ax.errorbar(part["diff"], y + 0.15, xerr=part["unpaired ±"], fmt="o", color="0.55",
                capsize=3, label="unpaired 95% CI")  # fmt: skip
    ax.errorbar(part["diff"], y - 0.15, xerr=part["paired ±"], fmt="s", color=plots.OKABE_ITO[0],
                capsize=3, linewidth=2, label="paired 95% CI (same seeds)")  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, others if ax is axes[0] else [""] * len(others))
    ax.set(title=label, xlabel="scenario minus history")
    ax.locator_params(axis="x", nbins=4)  # (room for the numbers of the sanctions' panel)
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8)
fig.suptitle(f"Which levers matter: scenario minus history, {REPLICATES} runs each "
             "(in the unit of each panel's title)")  # fmt: skip
plt.show()

# %% [markdown]
# ## THINGS TO NOTICE
#
# - The unpaired intervals are wide with 3 runs: some differences you might read off a
#   single run vanish into them. Which differences stand clear, and for which outcomes?
# - Pairing narrows the interval most where a lever changes little of the run. Leaving the
#   norms alone changes the runs only from March 1936: 1937 output differs from history by
#   a few tons, with a paired interval less than a quarter as wide as the unpaired one.
#   Some differences that lie within their unpaired interval stand clear of their paired
#   one: they are the lever's, not luck's.
# - Without the campaign the runs part at once (no records, no titles, no sanctions), so
#   pairing gains less there than for the norm revision.
# - Compare "no campaign" with "history" in 1937: did the campaign leave the mine with more
#   coal, or less?
# - A lever can move one outcome and not another: compare each lever's intervals across the
#   four outcomes.
#
# The cell below checks the first three points against the table above.

# %%
within = levers["diff"].abs() < levers["unpaired ±"]
within_paired = levers["diff"].abs() < levers["paired ±"]
print(f"{within.sum()} of {len(within)} differences lie within their unpaired 95% interval, "
      f"{within_paired.sum()} within their paired one")  # fmt: skip
check("some differences from history lie within their unpaired interval", within.any())
check("others stand clear of it", not within.all())
narrowing = levers["paired ±"] / levers["unpaired ±"]
revision = levers.loc[("output_1937_tons", "no norm revision")]
check("leaving the norms alone, 1937 output differs from history by a few tons",
      abs(revision["diff"]) < 10)  # fmt: skip
check("with a paired interval less than a quarter as wide as the unpaired one",
      narrowing[("output_1937_tons", "no norm revision")] < 0.25)  # fmt: skip
check("some differences within their unpaired interval stand clear of their paired one",
      (within & ~within_paired).any())  # fmt: skip
check("pairing gains less without the campaign than for the norm revision",
      narrowing[("output_1937_tons", "no campaign")]
      > narrowing[("output_1937_tons", "no norm revision")])  # fmt: skip

# %% [markdown]
# ## A short campaign on its own: the ten-days of January 1936
#
# The quotation at the top says short campaigns rose and then declined. In the
# "Stakhanovite ten-days" of January 1936, output across the country rose for five days and
# fell in the next five, "as it became impossible to maintain this speedup"; in the Donbas
# it fell below the norm (*TIME*, 10 Feb 1936). The scenario `stakhanovite_ten_days` holds
# only that burst (campaign intensity 1.6 for 9 shifts from 10 Jan 1936) and nothing else
# of the campaign. What the model shows depends on two numbers the sources do not give:
#
# - how hard an eager hewer storms at full intensity (`production.campaign_effort`). The
#   calibration set it at 0.016, but its targets leave it open: the posterior's mean is
#   0.235 (`docs/calibration.md`);
# - how much storming tires him (`production.storming_fatigue`, fatigue per unit of extra
#   effort, fading by 15% a shift). The shipped defaults leave it at 0.
#
# Below, the full-size mine, 10 replicates of each of three settings (all runs on the same
# seeds), and each run's output over its mean in the 9 shifts before the burst.

# %%
TEN_DAYS, BURST_SHIFTS = "1936-01-10", 9
STORMING = {"production.campaign_effort": 0.235}
SETTINGS = {
    "shipped defaults": {},
    "storming at the posterior mean, no fatigue": STORMING,
    "storming that tires (storming_fatigue 0.5)": STORMING | {"production.storming_fatigue": 0.5},
}
bursts = {
    name: run(load_scenario("stakhanovite_ten_days", overrides), replicates=10, workers=1)
    for name, overrides in SETTINGS.items()
}


def around_the_burst(model, column, start, stop):
    """Each replicate's ``column`` in the shifts ``start`` to ``stop`` from the burst's first
    (a row per replicate)."""
    rows = []
    for _, one in model.groupby("replicate"):
        first = outcomes.shift_of(one, TEN_DAYS)
        rows.append(one[column].to_numpy()[first + start : first + stop])
    return np.array(rows)


fig, ax = plt.subplots(figsize=(10, 4.5))
ax.axvspan(0, BURST_SHIFTS, color="0.9", label="the ten-days (intensity 1.6)")
for (name, results), colour, style in zip(
    bursts.items(), plots.OKABE_ITO, plots.LINE_STYLES, strict=False
):
    output = around_the_burst(results.model, "output_tons", -BURST_SHIFTS, 2 * BURST_SHIFTS)
    share = output / output[:, :BURST_SHIFTS].mean(axis=1, keepdims=True)  # over the level before
    shifts = np.arange(-BURST_SHIFTS, 2 * BURST_SHIFTS)
    mean, lo, hi = np.array([outcomes.mean_interval(shift) for shift in share.T]).T
    ax.plot(shifts, mean, color=colour, linestyle=style, label=name)
    ax.fill_between(shifts, lo, hi, color=colour, alpha=0.2)
ax.axhline(1, color="black", linewidth=0.8)
ax.set(title="The ten-days of January 1936 alone: output around the burst, mean of 10 runs "
       "with 95% band", xlabel="shifts from the burst's first (10 Jan 1936)",
       ylabel="output over the 9 shifts before (ratio)")  # fmt: skip
ax.legend(fontsize=8, loc="lower left")
plt.show()

# %% [markdown]
# ## THINGS TO NOTICE (the ten-days)
#
# - At the shipped defaults the burst hardly shows: every part of it, and the shifts after
#   it, stay within 3% below and 5% above the level before. Storming is too weak to matter.
# - Storming at the posterior mean, with no fatigue, raises output by more than 2% and keeps
#   it up to the end of the burst: a speed-up that could be kept up.
# - Only when storming tires does the burst rise and fall: up in its first five shifts,
#   down by more than two points in its last four, and more than 5% below the level before
#   in the shifts after it. The sources' story needs both numbers, and the calibration
#   fixes neither.
# - The deepest fall comes once the burst is over: while it lasts, the storming hides the
#   fatigue it builds; then the effort stops and the fatigue stays, fading shift by shift.
# - The rise is small even when hewers storm hard: supplies do not rise with them, and the
#   shortfall of supplies grows during the burst.
#
# The cell below checks these points (the burst's shape, `outcomes.burst_response`, as
# `tests/test_history.py` does).

# %%
shapes = {
    name: outcomes.BurstResponse(*np.mean([
        outcomes.burst_response(one, TEN_DAYS, BURST_SHIFTS)
        for _, one in results.model.groupby("replicate")
    ], axis=0))
    for name, results in bursts.items()
}  # fmt: skip
for name, shape in shapes.items():
    print(f"{name}: first five {shape.first_half:.3f}, last four {shape.second_half:.3f}, "
          f"nine after {shape.after:.3f}")  # fmt: skip
shipped, kept_up, tiring = shapes.values()
check("at the shipped defaults every part stays within 3% below and 5% above",
      all(0.97 < part < 1.05 for part in shipped))  # fmt: skip
check("storming without fatigue raises output more than 2% and keeps it up",
      kept_up.second_half >= kept_up.first_half > 1.02)  # fmt: skip
check("storming that tires rises in the first five shifts", tiring.first_half > 1.01)
check("falls by more than two points in the last four",
      tiring.second_half < tiring.first_half - 0.02)  # fmt: skip
check("and lies more than 5% below the level before after it", tiring.after < 0.95)
check("the deepest fall comes once the burst is over", tiring.after < tiring.second_half)
check("the rise is small even when hewers storm hard", kept_up.first_half < 1.1)

storming = bursts["storming at the posterior mean, no fatigue"].model
shortfall = {
    "before": around_the_burst(storming, "supply_shortfall", -BURST_SHIFTS, 0).mean(),
    "during": around_the_burst(storming, "supply_shortfall", 0, BURST_SHIFTS).mean(),
}
print(f"supply shortfall before the burst {shortfall['before']:.3f}, "
      f"during it {shortfall['during']:.3f}")  # fmt: skip
check("the shortfall of supplies grows during the burst",
      shortfall["during"] > shortfall["before"])  # fmt: skip

# %% [markdown]
# ## THINGS TO TRY
#
# - Raise `REPLICATES` to 10 and watch the bands narrow (it takes longer).
# - Add a lever: a flat piece-rate `{"pay.progressive": []}`, equal sharing of supplies
#   `{"supply.special_conditions_first": False}`, no sanctions
#   `{"social.sanction_rate": 0.0}`, or no scapegoating `{"management.scapegoating_rate": 0.0}`.
# - Draw the standard comparison figures: `plots.plot_compare(ensembles, "my_figures")`
#   writes six side-by-side PNGs into the folder `my_figures`.
# - In the ten-days, try `production.storming_fatigue` at 0.25 and 1.0: how much fatigue
#   does it take for the burst to end below where it began?
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
