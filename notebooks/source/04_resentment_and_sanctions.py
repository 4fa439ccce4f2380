# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 4. Resentment and sanctions against rate-busters
#
# **The historical question.** Why were Stakhanovites, celebrated in the press, abused and
# even attacked by their workmates?
#
# > "...they were not necessarily popular. Even before the raising of output norms in early
# > 1936, workers who had not been favored with the best conditions and consequently
# > struggled to fulfill their norms expressed resentment of Stakhanovites by verbally and
# > even physically abusing them." (Siegelbaum, *Seventeen Moments*, "Stakhanovite
# > Movement"; see `docs/sources.md`)
#
# In December 1935 the press reported that at a Stalino mine two assistant foremen, a
# checkweigher and an electrician were arrested for murdering a Stakhanovite (TIME,
# 16 Dec 1935).
#
# **The mechanism in plain words.** Each miner carries a resentment between 0 and 1. It
# grows with the pay gap to his section's Stakhanovites (relative deprivation), with losing
# timbermen and supplies to the favoured, with failing his norm, with each new title and
# privilege handed to a workmate, and with every norm raise; it spreads a little among
# workmates and fades slowly. Above a threshold, a resentful miner may abuse a *rate-buster*
# of his section (a Stakhanovite, or anyone far above the norm), in words or, sometimes,
# with his fists. The victim cuts less for a while and loses some of his appetite for
# records; abused and resentful miners are also likelier to leave the mine. Shop-floor
# sanctions against rate-busters are an old finding of industrial sociology (Roy 1952).
#
# We compare history with a mine where nobody sanctions anybody (`social.sanction_rate` 0).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
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
runs = {
    "history": run(load_scenario(HISTORY)),
    "no sanctions": run(load_scenario(HISTORY, overrides={"social.sanction_rate": 0.0})),
}
COLOURS = dict(zip(runs, plots.OKABE_ITO, strict=False))
STYLES = dict(zip(runs, ["-", "--"], strict=False))
history = runs["history"]

# %% [markdown]
# ## Resentment and sanctions over time

# %%
fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True, layout="constrained")
band = plots.ensemble_band(history.model, "mean_resentment", window=20)
axes[0].plot(band["date"], band["mean"], color=COLOURS["history"], label="mean resentment")
axes[0].axhline(load_scenario(HISTORY).social.sanction_threshold, color="black",
                linestyle=":", label="threshold for sanctions")  # fmt: skip
axes[0].set(title="Mean resentment of employed miners (20-shift mean; grey lines: policy events)",
            ylabel="resentment (0-1)")  # fmt: skip
monthly = history.model.set_index("date")[["sanctions", "sanctions_on_stakhanovites"]]
monthly = monthly.resample("MS").sum()
axes[1].bar(monthly.index, monthly["sanctions"], width=25, color=plots.OKABE_ITO[1],
            label="all sanctions")  # fmt: skip
axes[1].bar(monthly.index, monthly["sanctions_on_stakhanovites"], width=25,
            color=plots.OKABE_ITO[2], hatch="//", label="of which against Stakhanovites")  # fmt: skip
axes[1].set(title="Sanctions against rate-busters", ylabel="incidents per month", xlabel="date")
for ax in axes:
    for date in plots.policy_events(history.events, history.model)["date"]:
        ax.axvline(date, color="0.75", linewidth=0.7, zorder=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", fontsize=8)
plt.show()

# %% [markdown]
# ## Who is resentful? Who is abused?
#
# The agent table lets us split resentment by group; the event log says who abused whom.

# %%
agents = history.agents.assign(
    group=lambda a: a["stakhanovite"].map({True: "Stakhanovites", False: "other miners"})
)
dates = history.model.set_index("shift")["date"]
by_group = agents.groupby(["shift", "group"])["resentment"].mean().unstack()
fig, ax = plt.subplots(figsize=(9, 3.5))
for (group, series), colour, style in zip(
    by_group.items(), plots.OKABE_ITO[1:], ["-", "--"], strict=False
):
    ax.plot(series.index.map(dates), series, color=colour, linestyle=style, label=group)
ax.set(title="Resentment by group (agent snapshots)", xlabel="date", ylabel="resentment (0-1)")
ax.set_ylim(bottom=0)
ax.legend()
plt.show()

# %%
sanctions = history.events.query("event == 'sanction'")
print(f"{len(sanctions)} sanctions; kinds:")
print(sanctions["detail"].value_counts().to_string())
total = history.model["sanctions"].sum()
on_stakhanovites = history.model["sanctions_on_stakhanovites"].sum()
share_stakh = history.model["share_stakhanovites"].mean()
print(f"Share of sanctions against Stakhanovites: {on_stakhanovites / max(total, 1):.0%} "
      f"(Stakhanovites were on average {share_stakh:.0%} of hewers)")  # fmt: skip

# %% [markdown]
# ## What did sanctions cost?

# %%
rows = {}
for name, results in runs.items():
    m = results.model
    abused = results.events.query("event == 'sanction'")["target_id"].nunique()
    rows[name] = {
        "sanctions (total)": m["sanctions"].sum(),
        "miners abused at least once": abused,
        "records set": m["records_set"].sum(),
        "mean share of Stakhanovites": m["share_stakhanovites"].mean(),
        "quits (total)": m["quits"].sum(),
        "mean output (t per shift)": m["output_tons"].mean(),
    }
pd.DataFrame(rows).T.round(3)

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
for name, results in runs.items():
    band = plots.ensemble_band(results.model, "share_stakhanovites", window=1)
    ax.plot(band["date"], band["mean"], color=COLOURS[name], linestyle=STYLES[name], label=name)
ax.set(title="Share of Stakhanovites with and without sanctions", xlabel="date",
       ylabel="share of hewers (0-1)")  # fmt: skip
ax.set_ylim(bottom=0)
ax.legend()
plt.show()

# %% [markdown]
# ## THINGS TO NOTICE
#
# - Resentment rises with the first titles and privileges in autumn 1935, *before* the norm
#   revision, as the source says; the revision then adds a jump for everyone.
# - Sanctions fall mostly on Stakhanovites, far beyond their share of the workforce.
# - One run is one draw: with few incidents, the difference between the two scenarios may
#   be noise. Notebook 6 shows how to run ensembles with bands.
#
# The cell below checks the first two sentences against the numbers above.

# %%
events = load_scenario(HISTORY).campaign.events
revised = pd.Timestamp(next(e.date for e in events if e.kind == "norm_revision"))
resentment = history.model.set_index("date")["mean_resentment"]
at_start = resentment.iloc[:20].mean()
before = resentment[revised - pd.Timedelta(days=30) : revised - pd.Timedelta(days=1)].mean()
after = resentment[revised : revised + pd.Timedelta(days=30)].mean()
share_on_stakhanovites = on_stakhanovites / max(total, 1)
check("resentment rises before the norm revision (to over twice its level at the start)",
      before > 2 * at_start)  # fmt: skip
check("the revision adds a jump", after > before)
check("sanctions fall mostly on Stakhanovites", share_on_stakhanovites > 0.5)
check("far beyond their share of the workforce (over twice it)",
      share_on_stakhanovites > 2 * share_stakh)  # fmt: skip

# %% [markdown]
# ## THINGS TO TRY
#
# - Lower the threshold for sanctions (`"social.sanction_threshold": 0.3`) or raise the
#   rate (`"social.sanction_rate": 0.05`).
# - Remove the cause rather than the symptom: share supplies equally
#   (`"supply.special_conditions_first": False`) or pay a flat rate (`"pay.progressive": []`).
#   Which lowers sanctions more?
# - Make resentment fade faster (`"social.decay": 0.1`).
#
# ## Questions for discussion
#
# 1. Roy (1952) found machine operators in Chicago punishing "rate-busters" too. What do a
#    Chicago machine shop and a Donbas mine have in common, and what not?
# 2. The press called attacks on Stakhanovites the work of "class enemies". What does the
#    model suggest instead? What can a model of this kind *not* tell us about motives?
# 3. Is resentment here a cause, a symptom, or both?
