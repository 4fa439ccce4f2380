# ruff: noqa: B018  (a bare name at the end of a cell displays it)
# %% [markdown]
# # 1. Quickstart: one Donbas mine, August 1935 to December 1937
#
# **The historical question.** What happened at a mine like Tsentral'naia-Irmino when the
# Stakhanovite campaign came, and why did so little of it last?
#
# > "On August 31, 1935, Aleksei Stakhanov, a thirty-year-old miner working at the Central
# > Irmino Mine in the Donets Basin, hewed 102 tons of coal during his six-hour shift. This
# > amount represented fourteen times his quota." (Siegelbaum, *Seventeen Moments*,
# > "Stakhanovite Movement"; see `docs/sources.md`)
#
# Stakhanov was in fact 29 (born 3 January 1906, New Style), and the shift lasted 5 h 45 min
# (*Great Soviet Encyclopedia*, "Stakhanov"); popular accounts round both.
#
# **How the model works, in plain words.** The mine has sections, each run by a foreman.
# In each section *hewers* cut coal and are paid by the ton (a progressive piece-rate: tons
# above the norm pay more); *timbermen* prop the roof and *haulers* move the wagons.
# Every working shift the mine receives timber, compressed air and empty wagons, never
# quite enough. When the campaign asks for records, a foreman puts his best hewer forward
# and gives him *special conditions*: timbermen behind him, a prepared face, supplies first.
# Those helpers and supplies are taken from everyone else. Successful hewers earn the
# Stakhanovite title; the others compare their pay, lose their helpers, and grow resentful.
# The new methods also spread beyond the favoured (hewer hews, timberman props), schools
# teach them, and in 1936 the trust concentrates mining on fewer, better-equipped faces.
# Then the party raises the norms, the trust raises the plan on last year's results, and
# when the mine misses it, someone must be blamed: from above, after accidents, and by
# Stakhanovites denouncing their foremen. One model step is one shift, and the calendar
# follows the historical dates (each with its source in `docs/sources.md`).
#
# In this notebook you run the historical scenario, look at the three tables the model
# writes, and draw the standard figures.

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Image, display

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


# %% [markdown]
# ## Run the historical scenario
#
# A scenario is a YAML file of parameters and a timeline of policy events. `load_scenario`
# reads and checks it (by name for the scenarios that come with the model, so the notebook
# runs from any folder; or give it the path of your own YAML file); `run` works every shift from 1 Aug 1935 to 31 Dec 1937 (a few
# seconds).

# %%
scenario = load_scenario("history_1935_37")
print(scenario.description)
for event in scenario.campaign.events:
    print(event.date, event.kind, "-", event.label)

# %%
results = run(scenario)
print(f"{len(results.model)} shifts simulated in {results.manifest['timings']['run_seconds']} s")

# %% [markdown]
# ## The three tables
#
# `results.model` has one row per shift: output, plan, norms, Stakhanovites, wages,
# resentment, sanctions, shortages and blame for the whole mine.

# %%
results.model.head()

# %%
results.model.columns.tolist()

# %% [markdown]
# `results.agents` is a snapshot of every miner's state every few shifts: his trade,
# section, output, fulfilment (output divided by his norm), wage, whether he holds the
# Stakhanovite title or works on special conditions, and his resentment (0 to 1).

# %%
results.agents.sample(5, random_state=1)

# %% [markdown]
# `results.events` is the log of what happened to whom: records, titles, norm revisions,
# sanctions, sabotage, accusations, quits and the policy events.

# %%
results.events["event"].value_counts()

# %%
results.events.query("event in ['policy', 'record']")[["date", "event", "detail"]]

# %% [markdown]
# ## A yearly summary
#
# Tables are pandas DataFrames, so a summary is one `groupby` away. Output and plan are
# tons per shift for the whole mine; wages are rubles per shift.

# %%
model = results.model.assign(year=results.model["date"].dt.year)
columns = ["output_tons", "reported_output_tons", "plan_tons", "norm_tons",
           "share_meeting_norm", "share_stakhanovites", "mean_wage_hewer",
           "mean_wage_stakhanovite", "mean_wage_other", "mean_resentment", "sanctions",
           "accusations", "fatal_accidents", "arrests"]  # fmt: skip
model.groupby("year")[columns].mean().round(2)

# %% [markdown]
# ## One figure of your own
#
# `plots.ensemble_band` smooths a column of the model table (here over 20 shifts, about a
# month) and, for ensembles, adds a 95% band. `plots.policy_events` gives the dates of the
# campaign's events, drawn here as grey lines.

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
for column, label, colour, style in [
    ("output_tons", "Output", plots.OKABE_ITO[0], "-"),
    ("plan_tons", "Plan", "black", ":"),
]:
    band = plots.ensemble_band(results.model, column, window=20)
    ax.plot(band["date"], band["mean"], color=colour, linestyle=style, label=label)
for date in plots.policy_events(results.events, results.model)["date"]:
    ax.axvline(date, color="0.6", linewidth=0.7)
ax.set(title="Coal output against the plan (20-shift rolling mean; grey: policy events)",
       xlabel="date", ylabel="tons per shift (whole mine)")  # fmt: skip
ax.set_ylim(bottom=0)
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# ## The standard figures
#
# `plots.plot_all` writes the overview dashboard and one figure per theme (the same
# figures `stakhanov-sim run` saves in `runs/<name>/figures/`). Policy events are labelled
# along the top.

# %%
figures = plots.plot_all(results, Path(tempfile.mkdtemp()) / "figures")
for path in figures:
    print(path.name)
display(Image(filename=figures[0]))

# %%
for path in figures[1:]:
    display(Image(filename=path))

# %% [markdown]
# ## THINGS TO NOTICE
#
# - The best single shift jumps to well over ten norms on 31 August 1935, while the mine's
#   output barely moves: a record is one man's shift, the mine is hundreds of men.
# - Output rises in 1936, more than 5% above 1935, as the new methods spread and mining
#   is concentrated. How much it grows in 1937 varies from run to run (the Soviet coal
#   industry as a whole grew by under 1%): compare this run's 1937 with 1936. The plan is
#   raised every year, on last year's results, and from 1936 on the mine falls short of it.
#   What in the grey strip of events comes before it falls behind?
# - The mine reports more coal than it cuts in 1937, when it is furthest behind the plan.
# - The norm steps up in 1936, then slides back: by 1937 it is at its 1935 level again
#   (notebook 3 shows how, and which part of it is an assumption).
# - Stakhanovites' wages are more than twice other miners' wages, every year.
# - Accusations and replacements of staff are rare until 1937, when most of them come.
#
# The cell below checks each of these sentences against the numbers of this run; if the
# model changes and a sentence stops being true, the notebook stops with that sentence.

# %%
yearly = model.groupby("year")[columns].mean()
accused = model.groupby("year")["accusations"].sum()
shifts = results.model.set_index("date")
record_day = shifts.loc["1935-08-31", "max_fulfilment"].max()
month_before = shifts.loc[:"1935-08-30", "output_tons"].mean()
month_after = shifts.loc["1935-09-01":"1935-09-30", "output_tons"].mean()
output_change = yearly["output_tons"] / yearly["output_tons"].iloc[0] - 1
check("the best single shift on 31 August 1935 is well over ten norms", record_day > 10)
check("the mine's output barely moves after the record (within 5% the month after)",
      abs(month_after / month_before - 1) < 0.05)  # fmt: skip
check("output rises in 1936, more than 5% above 1935", output_change.loc[1936] > 0.05)
check("the mine reports more coal than it cuts in 1937",
      yearly.loc[1937, "reported_output_tons"] > yearly.loc[1937, "output_tons"])  # fmt: skip
check("the plan is raised every year", yearly["plan_tons"].is_monotonic_increasing)
check("from 1936 on the mine falls short of its plan",
      (yearly.loc[1936:, "output_tons"] < yearly.loc[1936:, "plan_tons"]).all())  # fmt: skip
check("the norm steps up in 1936", yearly.loc[1936, "norm_tons"] > yearly.loc[1935, "norm_tons"])
check("by 1937 the norm is at its 1935 level again (within 1%)",
      abs(yearly.loc[1937, "norm_tons"] / yearly.loc[1935, "norm_tons"] - 1) < 0.01)  # fmt: skip
check("Stakhanovites' wages are more than twice other miners' wages, every year",
      (yearly["mean_wage_stakhanovite"] / yearly["mean_wage_other"]).min() > 2)  # fmt: skip
check("most accusations come in 1937", accused.loc[1937] > accused.loc[:1936].sum())

# %% [markdown]
# ## THINGS TO TRY
#
# - Run again with another seed: `run(scenario, seed=7)`. Which features stay, which change?
# - Change one lever with an override, for example
#   `load_scenario("history_1935_37", overrides={"supply.timber_per_shift": 1.5})`.
#   Every parameter, its unit and its source is listed in `docs/parameters.md`.
# - Run the same mine with no campaign: `load_scenario("baseline_no_campaign")`.
#
# ## Questions for discussion
#
# 1. The press celebrated 102 tons. What does the model's output line say about what the
#    record did for the mine's coal?
# 2. Which of the three tables would you use to find out *who* gained and *who* lost?
# 3. Which numbers in this model come from the sources, and which are assumptions?
#    (Look at the "Source" column of `docs/parameters.md`.)
