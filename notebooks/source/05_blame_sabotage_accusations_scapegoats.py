# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 5. Blame: sabotage, accusations and scapegoats
#
# **The historical question.** When the campaign failed to deliver the coal it promised,
# who was blamed, and did blaming them help?
#
# > "Foremen and engineers, only too well aware that 'recordmania' and the provision of
# > special conditions for Stakhanovites created disruptions in production and bottlenecks
# > in supplies, also on occasion 'sabotaged' the movement. At least that was the accusation
# > made against many who often served as scapegoats for the failure of the Stakhanovite
# > movement to fulfill its promise..." (source text, *The Stakhanovite Movement*)
#
# **The mechanism in plain words.** A foreman whose section is disrupted (timbermen taken
# for records, supplies short, equipment broken) may drag his feet: for a shift he refuses
# records and special conditions. Every month (25 shifts) the trust compares the mine's
# output with its plan, which rises each year. If the mine fell short, and the political
# climate calls for culprits (from February 1936 "wreckers"; from autumn 1936 the terror),
# some foremen and engineers are accused: the more the shortfall and the harsher the
# climate, the more of them. Those who dragged their feet are likelier to be picked, but
# anyone can be. The accused are removed and replaced by newcomers with little experience,
# who organise work worse and repair less, so output falls further.
#
# We compare history with a mine whose trust never looks for culprits
# (`management.scapegoating_rate` 0).

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
    "no scapegoating": run(load_scenario(HISTORY, overrides={"management.scapegoating_rate": 0})),
}
COLOURS = dict(zip(runs, plots.OKABE_ITO, strict=False))
STYLES = dict(zip(runs, ["-", "--"], strict=False))
history = runs["history"]

# %% [markdown]
# ## The plan, the shortfall and the accusations, month by month

# %%
monthly = (
    history.model.set_index("date")
    .resample("MS")
    .agg({"output_tons": "sum", "plan_tons": "sum", "sabotage_acts": "sum", "accusations": "sum"})
)
monthly["shortfall"] = (1 - monthly["output_tons"] / monthly["plan_tons"]).clip(lower=0)
fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True, layout="constrained")
axes[0].bar(monthly.index, monthly["shortfall"], width=25, color=plots.OKABE_ITO[3],
            label="plan shortfall")  # fmt: skip
axes[0].set(
    title="How far the mine missed its monthly plan (grey lines: policy events)",
    ylabel="share of plan missed",
)
axes[1].plot(monthly.index, monthly["sabotage_acts"], color=plots.OKABE_ITO[0], marker="o",
             label="foot-dragging (refused records and favours)")  # fmt: skip
axes[1].plot(monthly.index, monthly["accusations"], color=plots.OKABE_ITO[1], marker="s",
             linestyle="--", label="accusations")  # fmt: skip
axes[1].set(title="Foot-dragging and accusations", ylabel="count per month", xlabel="date")
for ax in axes:
    for date in plots.policy_events(history.events, history.model)["date"]:
        ax.axvline(date, color="0.75", linewidth=0.7, zorder=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# ## Who was accused?
#
# The event log names each accused man and the charge. Were the accused the ones who had
# dragged their feet? We look, for each accusation, whether the accused had a "sabotage"
# event in the month before.

# %%
events = history.events
accusations = events.query("event == 'accusation'")
print(accusations["detail"].str.split(";").str[0].value_counts().to_string())
sabotage = events.query("event == 'sabotage'")
period = load_scenario(HISTORY).management.plan_check_shifts


def dragged_feet_before(row):
    recent = sabotage[
        (sabotage["shift"] > row["shift"] - period) & (sabotage["shift"] <= row["shift"])
    ]
    return row["target_id"] in set(recent["actor_id"])


accused_saboteurs = accusations.apply(dragged_feet_before, axis=1)
print(f"\n{len(accusations)} accusations; {accused_saboteurs.mean():.0%} of the accused had "
      "dragged their feet in the month before; the rest were simply there.")  # fmt: skip

# %% [markdown]
# ## Did blaming help?

# %%
fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True, layout="constrained")
for ax, column, title, unit, window, cumulative in [
    (axes[0], "output_tons", "Coal output (20-shift mean)", "tons per shift", 20, False),
    (axes[1], "staff_replaced", "Foremen and engineers replaced (running total)", "count", 1, True),
]:
    for name, results in runs.items():
        band = plots.ensemble_band(results.model, column, window=window, cumulative=cumulative)
        ax.plot(band["date"], band["mean"], color=COLOURS[name], linestyle=STYLES[name],
                label=name)  # fmt: skip
    ax.set(title=title, ylabel=unit)
    ax.set_ylim(bottom=0)
plan = plots.ensemble_band(history.model, "plan_tons")
axes[0].plot(plan["date"], plan["mean"], color="black", linestyle=":", label="plan")
axes[0].autoscale(axis="y")  # make room for the plan, raised in 1937
axes[0].set_ylim(bottom=0)
for ax in axes:
    ax.legend(loc="lower left", fontsize=8)
axes[1].set_xlabel("date")
plt.show()

# %%
rows = {}
for name, results in runs.items():
    m = results.model[results.model["date"].dt.year == 1937]
    rows[name] = {
        "1937 output (t per shift)": m["output_tons"].mean(),
        "1937 output / plan": m["output_tons"].sum() / m["plan_tons"].sum(),
        "1937 equipment downtime": m["equipment_downtime"].mean(),
        "staff replaced, whole run": results.model["staff_replaced"].sum(),
    }
pd.DataFrame(rows).T.round(3)

# %% [markdown]
# ## THINGS TO NOTICE
#
# - Accusations come in months when the plan was missed, and most of them in 1937, when
#   the purge raised the climate of blame, although the mine's troubles began with the
#   campaign itself.
# - Most of the accused had dragged their feet in the month before (the share is printed
#   above): the trust's suspicion found real foot-dragging. But that foot-dragging was
#   itself a foreman's answer to the disruption of records and special conditions, and
#   some of the accused had not dragged their feet at all.
# - Blaming does little for the coal: in 1937 the mine cuts about as much with scapegoating
#   as without it (within 2%), while many more experienced foremen and engineers are
#   replaced by newcomers. The shortfall that fed the blame is not cured by it.
#
# The cell below checks each of these sentences against the numbers above.

# %%
by_year = history.model.groupby(history.model["date"].dt.year)["accusations"].sum()
accused_months = monthly.loc[monthly["accusations"] > 0, "shortfall"]
output_1937 = {name: rows[name]["1937 output (t per shift)"] for name in runs}
replaced = {name: rows[name]["staff replaced, whole run"] for name in runs}
check("accusations come in months when the plan was missed", (accused_months > 0).all())
check("most accusations come in 1937", by_year.loc[1937] > by_year.loc[:1936].sum())
check("most of the accused had dragged their feet in the month before",
      accused_saboteurs.mean() > 0.5)  # fmt: skip
check("some of the accused had not dragged their feet at all", not accused_saboteurs.all())
check("in 1937 the mine cuts about as much with scapegoating as without it (within 2%)",
      abs(output_1937["history"] / output_1937["no scapegoating"] - 1) < 0.02)  # fmt: skip
check("with scapegoating many more foremen and engineers are replaced",
      replaced["history"] > 2 * replaced["no scapegoating"])  # fmt: skip

# %% [markdown]
# ## THINGS TO TRY
#
# - Harsher blame: `{"management.scapegoating_rate": 1.0}`.
# - Accuse only the foot-draggers: `{"management.sabotage_weight": 100}`. Does output change?
# - Better replacements: `{"management.replacement_experience": 0.8}`.
# - Remove the disruption instead: `{"supply.timber_per_shift": 1.6}`.
#
# ## Questions for discussion
#
# 1. Was a foreman who refused special conditions a saboteur, a realist or both?
# 2. Why might a system of planning need scapegoats? What else could it have done with a
#    missed plan?
# 3. The model gives every accused man a replacement the same shift. What did the historical
#    record look like, and how would you change the model to capture it?
