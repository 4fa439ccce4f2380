# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 3. The ratchet: norms and the progressive piece-rate
#
# **The historical question.** Why did the Stakhanovite campaign leave ordinary workers
# having to produce more to earn the same?
#
# > Stalin, 17 November 1935: new norms should lie "somewhere in the middle" between the
# > existing norms and the records. (Stalin, *Works*, vol. 14)
#
# > "...thanks to the progressive piece-rate system according to which output above the
# > norm was remunerated at higher rates of pay, [earnings] reached dizzying heights."
# > (Siegelbaum, *Seventeen Moments*, "Stakhanovite Movement"; see `docs/sources.md`)
#
# **The mechanism in plain words.** A hewer is paid by the ton. Tons up to his norm earn the
# base rate; tons above it earn more (in the model's schedule, from the Metrostroi 1933
# example: +25% from 100% of the norm, +50% from 110%, double from 125%). Records and
# Stakhanovites' high output then become the evidence for raising the norm: the December
# 1935 plenum ordered a revision, and in early 1936 norms went up while the rate per ton
# was cut. Targets set from today's best performance make tomorrow's target harder (the
# *ratchet*, Weitzman 1980). A hewer who keeps cutting what he cut before now fulfils a
# smaller share of a bigger norm, drops out of the better-paid bands, and earns less.
#
# We run the historical scenario with and without the norm revision (a "fixed" revision of
# zero: norms and rates unchanged) and look at norms, the share meeting them and wages.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

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
NO_REVISION = {"norms.rule": "fixed", "norms.fixed_raise": 0.0, "norms.rate_cut": 0.0}
scenario = load_scenario(HISTORY)
runs = {
    "history (norms revised)": run(scenario),
    "no norm revision": run(load_scenario(HISTORY, overrides=NO_REVISION)),
}
COLOURS = dict(zip(runs, plots.OKABE_ITO, strict=False))
STYLES = dict(zip(runs, ["-", "--"], strict=False))
revision = runs["history (norms revised)"].events.query("event == 'norm revision'")
revision[["date", "detail"]]

# %% [markdown]
# ## The pay schedule, before and after the revision
#
# The scenario holds the schedule (`scenario.pay`). We compute a shift's wage for any
# tonnage, before the revision (norm and rate as in 1935) and just after it (the mean norm
# the revision set, and the rate cut by `norms.rate_cut`).


# %%
def shift_wage(tons, norm_tons, rate_rubles_per_ton, pay):
    """Rubles for one shift: tons in each band of fulfilment at that band's rate."""
    edges = [0.0] + [band.above for band in pay.progressive] + [np.inf]
    multipliers = [1.0] + [band.multiplier for band in pay.progressive]
    fulfilment = np.asarray(tons) / norm_tons
    norms_paid = sum(
        m * np.clip(fulfilment - lo, 0, hi - lo)
        for lo, hi, m in zip(edges[:-1], edges[1:], multipliers, strict=True)
    )
    return norms_paid * norm_tons * rate_rubles_per_ton


model = runs["history (norms revised)"].model
when = revision["date"].iloc[0]
norm_before = scenario.norms.initial_norm_tons
norm_after = float(model.loc[model["date"] >= when, "norm_tons"].iloc[0])  # the revised norm
rate_before = scenario.pay.base_rate_rubles_per_ton
rate_after = rate_before * (1 - scenario.norms.rate_cut)
tons = np.linspace(0, 25, 251)
before = shift_wage(tons, norm_before, rate_before, scenario.pay)
after = shift_wage(tons, norm_after, rate_after, scenario.pay)
target = float(shift_wage(norm_before * 1.2, norm_before, rate_before, scenario.pay))
needed_before, needed_after = np.interp(target, before, tons), np.interp(target, after, tons)
print(
    f"Norm {norm_before:.1f} t -> {norm_after:.1f} t; rate {rate_before:.2f} -> {rate_after:.2f} rubles/t"
)
print(
    f"To earn {target:.0f} rubles a shift: {needed_before:.1f} t before, {needed_after:.1f} t after"
)

# %%
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(tons, before, color=plots.OKABE_ITO[0], label=f"before: norm {norm_before:.1f} t")
ax.plot(tons, after, color=plots.OKABE_ITO[1], linestyle="--",
        label=f"after: norm {norm_after:.1f} t, rate -{scenario.norms.rate_cut:.0%}")  # fmt: skip
ax.axhline(target, color="0.5", linestyle=":", label=f"the same wage, {target:.0f} rubles")
for x, colour in [(needed_before, plots.OKABE_ITO[0]), (needed_after, plots.OKABE_ITO[1])]:
    ax.axvline(x, color=colour, linestyle=":", linewidth=1)
ax.set(title="Produce more to earn the same: one shift's wage under the progressive piece-rate",
       xlabel="coal cut in the shift (tons)", ylabel="wage (rubles per shift)")  # fmt: skip
ax.legend()
plt.show()

# %% [markdown]
# ## Norms, the share meeting them and wages, shift by shift

# %%
panels = [
    ("norm_tons", "Mean hewer norm", "tons per shift", 1),
    (
        "share_meeting_norm",
        "Hewers meeting their norm (20-shift mean)",
        "share of hewers (0-1)",
        20,
    ),
    ("mean_wage_other", "Wage of miners without the title (20-shift mean)", "rubles per shift", 20),
]
fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True, layout="constrained")
for ax, (column, title, unit, window) in zip(axes, panels, strict=True):
    for name, results in runs.items():
        band = plots.ensemble_band(results.model, column, window=window)
        ax.plot(band["date"], band["mean"], color=COLOURS[name], linestyle=STYLES[name],
                label=name)  # fmt: skip
    ax.axvline(revision["date"].iloc[0], color="0.5", linewidth=0.8, label="norm revision")
    ax.set(title=title, ylabel=unit)
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", fontsize=8)
axes[-1].set_xlabel("date")
plt.show()

# %% [markdown]
# ## Around the revision: two months before against two months after

# %%
columns = ["norm_tons", "output_tons", "share_meeting_norm", "mean_wage_other",
           "mean_wage_stakhanovite", "mean_resentment"]  # fmt: skip
two_months = pd.Timedelta(days=60)
rows = {}
for name, results in runs.items():
    m = results.model
    before_rows = m["date"].between(when - two_months, when, inclusive="left")
    after_rows = m["date"].between(when, when + two_months, inclusive="left")
    rows[(name, "2 months before")] = m.loc[before_rows, columns].mean()
    rows[(name, "2 months after")] = m.loc[after_rows, columns].mean()
pd.DataFrame(rows).T.round(2)

# %% [markdown]
# ## THINGS TO NOTICE
#
# - The revision raises the norm by the share the model prints in the event log; the share
#   of hewers meeting their norm falls at once.
# - On the wage curve, the same wage now needs more tons: the kink where the better-paid
#   bands start has moved to the right, and the whole line is flatter (the rate cut).
# - Without a revision the share meeting the norm stays higher after March 1936. Ordinary
#   miners' wages are only a little lower with the revision than without it (compare the
#   two rows "2 months after"): the ratchet shows first in who meets the norm, less in pay.
# - Resentment rises at the revision: a norm raise is a grievance for everyone.
# - The raise does not last. In the top panel the mean norm slides back, and by the end of
#   1936 it is within 1% of its 1935 level. Each shift, a section wins back part of the
#   raise in proportion to its miners' resentment: workers, foremen and norm-setters find
#   slack (`bargain.slack_return`). The sources say only that the revised norms "soon
#   became easy to beat again" (Davies and Khlevnyuk 2002; Filtzer 1986). That the slack
#   returns all the way, and how fast, is the model's assumption, not a sourced fact.
#
# The cell below checks each of these sentences against the table above.

# %%
table = pd.DataFrame(rows).T
revised, unrevised = runs
before = table.loc[(revised, "2 months before")]  # (the wage curves above are drawn)
after = table.loc[(revised, "2 months after")]
no_rev_after = table.loc[(unrevised, "2 months after")]
wage_gap = 1 - after["mean_wage_other"] / no_rev_after["mean_wage_other"]
share_gap = 1 - after["share_meeting_norm"] / no_rev_after["share_meeting_norm"]
check("the same wage now needs more tons", needed_after > needed_before)
check("the whole wage line is flatter (the rate cut)", rate_after < rate_before)
check("the revision raises the norm", after["norm_tons"] > before["norm_tons"])
check("the share of hewers meeting their norm falls at once",
      after["share_meeting_norm"] < before["share_meeting_norm"])  # fmt: skip
check("without a revision the share meeting the norm stays higher", share_gap > 0)
check("ordinary wages are only a little lower with the revision than without it (under 5%)",
      0 <= wage_gap < 0.05)  # fmt: skip
check("the ratchet shows more in who meets the norm than in pay", share_gap > wage_gap)
check("resentment rises at the revision", after["mean_resentment"] > before["mean_resentment"])
check("the revision moves the kink of the wage curve to the right", norm_after > norm_before)
december = model.loc[model["date"].between("1936-12-01", "1936-12-31"), "norm_tons"].mean()
check("by the end of 1936 the mean norm is within 1% of its 1935 level",
      abs(december / norm_before - 1) < 0.01)  # fmt: skip

# %% [markdown]
# ## THINGS TO TRY
#
# - A steeper ratchet: `{"norms.midpoint_weight": 1.0, "norms.max_raise": 1.0}` (norms set
#   at the Stakhanovites' output).
# - A flat piece-rate: `{"pay.progressive": []}`. Do Stakhanovites still earn "dizzying"
#   wages? Does resentment change?
# - The 1939 machine-building rule: `{"norms.rule": "fixed", "norms.fixed_raise": 0.317,
#   "norms.rate_cut": 0.157}`.
#
# ## Questions for discussion
#
# 1. Why would a workshop's workers resist a record-setter even if they admired him?
#    (Think of what his output did to next year's norm.)
# 2. Was the midpoint rule "fair"? Fair to whom: the Stakhanovite, the ordinary hewer, the
#    trust that set the plan?
# 3. Managers in a planned economy hid spare capacity to keep targets low (Berliner 1957).
#    Where in this model could such hoarding appear?
