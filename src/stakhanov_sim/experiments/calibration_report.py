"""``stakhanov-sim calibrate``: run ABC-SMC, then write the posterior and judge it.

Output directory::

    DIR/abc.db                 pyabc's History (SQLite): every generation; resume from it
    DIR/calibration.json       the setup and its fingerprint
    DIR/posterior.parquet      the last generation: one row per particle, parameters and weight
    DIR/generations.csv        epsilon, simulations, acceptance rate, ESS, posterior shifts
    DIR/parameters.csv         each parameter's prior range, posterior mean and 90% interval
    DIR/point.csv              the point for the shipped defaults (``choose_point``)
    DIR/point_candidates.csv   the particles it was chosen from, with their replicate means
    DIR/predictive.csv         posterior predictive band of every calibration and validation target
    DIR/pairs.png              pairwise posterior plots
    DIR/predictive.png         the predictive bands against the targets' bands
    DIR/report.md              all of it, with how convergence was judged
"""

from __future__ import annotations

import datetime as dt
import math
import shlex
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from stakhanov_sim.experiments import calibrated
from stakhanov_sim.experiments import calibration as cal
from stakhanov_sim.experiments.results import atomic_write
from stakhanov_sim.experiments.sweep import parallelism
from stakhanov_sim.figures.plots import OKABE_ITO
from stakhanov_sim.scenarios import ConfigError, load_scenario
from stakhanov_sim.validation.targets import CALIBRATION, TARGETS, VALIDATION

INTERVAL = (0.05, 0.95)  # the posterior interval reported: 90%
IDENTIFIED, PARTLY = 0.4, 0.75  # posterior interval width / prior range below which
SETTLED = 0.05  # a posterior mean moving less than this share of its prior range has settled
EPSILON_SETTLED = 0.1  # ... and epsilon falling by less than this share has settled
# ... or less than this many Monte Carlo standard errors (posterior sd / sqrt(ESS)): a wide
# posterior's mean wanders that much between generations by chance alone, however long it runs
NOISE_Z = 3.0
DRIFT_LAGS = 2  # a mean is compared with the last two generations': a steady drift, each step
# within chance, shows over two
# The rule must hold in this many generations running: in the calibration behind the shipped
# defaults it held at generation 3, with epsilon still falling 9.4%, and failed at 4 and 5
# (a mean drifting 3.9 and 3.6 errors), so one generation's calm is not convergence.
CONFIRM = 2
PREDICTIVE_DRAWS = 40
EDGE = 0.05  # a posterior interval within this share of its prior's end presses on that end
POINT_CANDIDATES, POINT_REPLICATES = 20, 10  # particles tried for the defaults, runs of each
PAIR_TICKS = 3  # at most this many ticks on each axis of the pairwise plot
PAIR_PANEL_IN = 2.1  # side of one panel of the pairwise plot, inches
# Its margins in inches (left: two-line axis labels; top: the title; bottom: two-line labels)
# and the gaps between panels (a share of a panel): fixed, as the labels are 8 pt, two lines.
PAIR_LEFT_IN, PAIR_BOTTOM_IN, PAIR_RIGHT_IN, PAIR_TOP_IN, PAIR_GAP = 1.0, 0.9, 0.15, 0.75, 0.45


@dataclass(frozen=True)
class CalibrationReport:
    """What ``calibrate`` did and wrote."""

    generations: int
    simulations: int
    converged: bool
    files: list[Path]


def calibrate(
    setup: cal.Setup,
    out: Path,
    budget: int,
    executor: Executor,
    predictive_draws: int = PREDICTIVE_DRAWS,
    point_replicates: int = POINT_REPLICATES,
    past_convergence: bool = False,
) -> CalibrationReport:
    """Run (or resume) the calibration up to ``budget`` simulations, or until it has converged
    (unless ``past_convergence``), and write its report."""
    setup = cal.with_spread(setup, out, executor)

    def settled(history) -> bool:
        return convergence(generation_table(history, setup.parameters))[0]

    history = cal.run_generations(
        setup, out, executor, budget, _say_generation, None if past_convergence else settled
    )
    if history.max_t < 0:
        raise cal.CalibrationError(f"{out}: no generation finished within the budget of {budget}")
    particles = posterior(history)
    atomic_write(out / calibrated.POSTERIOR_FILE, lambda p: particles.to_parquet(p, index=False))
    generations = generation_table(history, setup.parameters)
    parameters = parameter_table(particles, setup.parameters)
    point, candidates = choose_point(setup, particles, executor, replicates=point_replicates)
    predictive = predictive_table(setup, particles, executor, predictive_draws)
    converged, how = convergence(generations)
    files = [
        _csv(generations, out / "generations.csv"),
        _csv(parameters, out / "parameters.csv"),
        _csv(point.rename_axis("parameter").reset_index(name="value"), out / "point.csv"),
        _csv(candidates, out / "point_candidates.csv"),
        _csv(predictive, out / "predictive.csv"),
        plot_pairs(particles, setup.parameters, out / "pairs.png"),
        plot_predictive(predictive, out / "predictive.png"),
    ]
    text = report_markdown(
        setup, budget, int(history.total_nr_simulations), generations, parameters, predictive, how,
        point, point_replicates, command(setup, budget, predictive_draws, point_replicates,
                                         past_convergence),
    )  # fmt: skip
    atomic_write(out / "report.md", lambda p: Path(p).write_text(text))
    return CalibrationReport(
        len(generations),
        int(history.total_nr_simulations),
        converged,
        [out / calibrated.POSTERIOR_FILE, *files, out / "report.md"],
    )


def _say_generation(history, t: int) -> None:
    pops = history.get_all_populations()
    row = pops[pops["t"] == t].iloc[0]
    print(
        f"generation {t}: epsilon {row['epsilon']:.3g}, {int(row['samples'])} simulations, "
        f"{history.total_nr_simulations} in all",
        flush=True,
    )


def _csv(table: pd.DataFrame, path: Path) -> Path:
    atomic_write(path, lambda p: table.to_csv(p, index=False))
    return path


def posterior(history) -> pd.DataFrame:
    """The last generation's particles: parameters, weight (summing to 1) and distance."""
    frame, weights = history.get_distribution(t=history.max_t)
    frame = frame.reset_index(drop=True)
    frame.columns.name = None
    distances = history.get_weighted_distances(t=history.max_t)["distance"].to_numpy()
    return frame.assign(weight=weights / weights.sum(), distance=distances)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> np.ndarray:
    """Quantiles of a weighted sample (the weighted empirical distribution, interpolated)."""
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return np.interp(qs, cumulative, values)


def parameter_table(particles: pd.DataFrame, parameters) -> pd.DataFrame:
    """Prior range, posterior mean and interval, and whether the targets identify it."""
    rows = []
    w = particles["weight"].to_numpy()
    for p in parameters:
        values = particles[p.key].to_numpy()
        low, high = weighted_quantiles(values, w, INTERVAL)
        ratio = (high - low) / (p.high - p.low)
        rows.append({"parameter": p.key, "prior_low": p.low, "prior_high": p.high,
                     "posterior_mean": float(np.average(values, weights=w)),
                     "interval_low": low, "interval_high": high, "width_over_prior": ratio,
                     "identified": _identified(ratio),
                     "edge": _edge(p, low, high) if ratio < PARTLY else ""})  # fmt: skip
    return pd.DataFrame(rows)


def posterior_density(particles: pd.DataFrame, parameters) -> np.ndarray:
    """The posterior's density at each particle: pyabc's multivariate normal kernel estimate
    fitted to the weighted last generation (the kernel ABC-SMC proposes from)."""
    keys = [p.key for p in parameters]
    kernel = pyabc.MultivariateNormalTransition()
    kernel.fit(particles[keys], particles["weight"].to_numpy())
    return np.asarray(kernel.pdf(particles[keys]), dtype=float)


def choose_point(
    setup: cal.Setup,
    particles: pd.DataFrame,
    executor: Executor,
    candidates: int = POINT_CANDIDATES,
    replicates: int = POINT_REPLICATES,
) -> tuple[pd.Series, pd.DataFrame]:
    """The point for the defaults, and the candidates it was chosen from.

    One run per particle is a noisy measure of a stochastic model, and ABC-SMC's weights can
    rest on a handful of particles, so the mode alone is a fragile choice. The ``candidates``
    particles of highest posterior density are each run ``replicates`` times (seeds from the
    calibration's seed), and the point is the one whose replicate means lie closest to the
    calibration targets' band centres, by the calibration's own distance (with the spread of
    a mean of ``replicates`` runs). Only calibration targets are used: the held-out ones play
    no part in the choice.
    """
    keys = [p.key for p in setup.parameters]
    density = posterior_density(particles, setup.parameters)
    order = np.argsort(-density, kind="stable")[: min(candidates, len(particles))]
    seeds = np.random.SeedSequence([setup.seed, calibrated.POINT_STREAM]).generate_state(replicates)
    jobs = [
        calibrated.Particle(setup.base, setup.targets, _values(particles, int(r), keys),
                            tuple(int(s) for s in seeds))
        for r in order
    ]  # fmt: skip
    # the candidates' replicates together, a group of candidates to each worker
    measured = calibrated.measure_spread_out(jobs, executor, parallelism(executor))
    values = pd.DataFrame([stats for part in measured for stats in part])
    values = values.replace(calibrated.MISSING, np.nan)
    values["candidate"] = np.repeat(order, replicates)
    means = values.groupby("candidate", sort=False).mean()
    targets = [t for t in TARGETS if t.key in setup.targets]
    spread = dict(setup.spread)
    scaled = [(means[t.key] - (t.low + t.high) / 2) / cal.uncertainty(t, spread.get(t.key, 0.0), replicates)
              for t in targets]  # fmt: skip
    distance = np.sqrt(sum(d**2 for d in scaled)).fillna(np.inf)
    table = particles.loc[order, keys].assign(density=density[order], distance=distance.to_numpy())
    table = table.join(means.add_prefix("mean_"))
    best = int(distance.to_numpy().argmin())
    return particles.loc[int(order[best]), keys].astype(float), table.reset_index(names="particle")


def _values(particles: pd.DataFrame, row: int, keys: list[str]) -> dict[str, float]:
    """A particle's calibrated parameters."""
    return {key: float(particles.loc[row, key]) for key in keys}


def _edge(p, low: float, high: float) -> str:
    """Which end of its prior range the posterior interval presses on, if any."""
    near = EDGE * (p.high - p.low)
    ends = [
        name
        for name, hit in (("lower", low - p.low < near), ("upper", p.high - high < near))
        if hit
    ]
    return " and ".join(ends)


def _identified(ratio: float) -> str:
    if ratio < IDENTIFIED:
        return "identified"
    return "partly" if ratio < PARTLY else "not identified"


def generation_table(history, parameters) -> pd.DataFrame:
    """Per generation: epsilon, simulations, acceptance rate, ESS, largest shift of a mean."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].sort_values("t")
    rows, earlier = [], []  # earlier: each earlier generation's means and their errors
    for row in pops.itertuples():
        frame, w = history.get_distribution(t=int(row.t))
        w = w / w.sum()
        ess = float(1 / np.sum(w**2))
        means = {p.key: float(np.average(frame[p.key], weights=w)) for p in parameters}
        errors = {p.key: _standard_error(frame[p.key], means[p.key], w, ess) for p in parameters}
        shift = (
            max(abs(means[p.key] - earlier[-1][0][p.key]) / (p.high - p.low) for p in parameters)
            if earlier
            else np.nan
        )
        drift = max((_unsettled_z(means, errors, *e, parameters) for e in earlier[-DRIFT_LAGS:]),
                    default=np.nan)  # fmt: skip
        rows.append({"generation": int(row.t), "epsilon": float(row.epsilon),
                     "simulations": int(row.samples), "acceptance_rate": len(w) / row.samples,
                     "ess": ess, "largest_mean_shift": shift, "largest_drift_z": drift})  # fmt: skip
        earlier.append((means, errors))
    return pd.DataFrame(rows)


def _unsettled_z(means, errors, means_before, errors_before, parameters) -> float:
    """The largest move between two generations' means, in Monte Carlo standard errors, of a
    mean that moved at least ``SETTLED`` of its prior range (0 when none did)."""
    return max(
        (
            mean_move_in_errors(abs(means[p.key] - means_before[p.key]), errors[p.key],
                                errors_before[p.key])
            for p in parameters
            if abs(means[p.key] - means_before[p.key]) >= SETTLED * (p.high - p.low)
        ),
        default=0.0,
    )  # fmt: skip


def _standard_error(values: pd.Series, mean: float, w: np.ndarray, ess: float) -> float:
    """Monte Carlo standard error of a weighted ``mean``: the weighted sd over sqrt(ESS)."""
    return float(np.sqrt(np.average((values - mean) ** 2, weights=w) / ess))


def mean_move_in_errors(move: float, error: float, error_before: float) -> float:
    """A mean's move between two generations in standard errors of the difference of two
    independent Monte Carlo means."""
    scale = math.hypot(error, error_before)
    return move / scale if scale > 0 else math.inf


def convergence(generations: pd.DataFrame) -> tuple[bool, str]:
    """Converged when the rule held in each of the last ``CONFIRM`` generations: epsilon fell
    by less than ``EPSILON_SETTLED`` and every posterior mean settled against each of the two
    generations before it (it moved less than ``SETTLED`` of its prior range, or less than
    ``NOISE_Z`` Monte Carlo standard errors, a move chance alone explains)."""
    judged = len(generations) - DRIFT_LAGS  # generations with two before them
    if judged < CONFIRM:
        return False, f"only {len(generations)} generation(s): too few to judge convergence"
    last_ones = range(len(generations) - CONFIRM, len(generations))
    held = {_generation(generations, i): rule_held(generations, i)[0] for i in last_ones}
    settled = all(held.values())
    _, shift, drift, drop = rule_held(generations, len(generations) - 1)
    verdict = "converged" if settled else "not converged"
    each = ", ".join(f"{g} {'held' if h else 'failed'}" for g, h in held.items())
    return settled, (
        f"{verdict}: the rule must hold in {CONFIRM} generations running (generation {each}). "
        f"In the last, since the generation before, the largest move of a posterior mean was "
        f"{shift:.1%} of its prior range; against each of the last two generations, the largest "
        f"move of a mean by more than {SETTLED:.0%} of its range was {drift:.1f} Monte Carlo "
        f"standard errors (settled below {NOISE_Z:.0f}); epsilon fell by {drop:.1%} (settled "
        f"below {EPSILON_SETTLED:.0%}); acceptance rate "
        f"{generations.iloc[-1]['acceptance_rate']:.1%}"
    )


def _generation(generations: pd.DataFrame, i: int) -> int:
    """The number of the ``i``-th generation of the table (its position where unnumbered)."""
    return int(generations["generation"].iloc[i]) if "generation" in generations else i


def rule_held(generations: pd.DataFrame, i: int) -> tuple[bool, float, float, float]:
    """Whether the rule held at the ``i``-th generation; its largest mean shift (share of the
    prior range), drift (Monte Carlo errors) and epsilon's fall."""
    now, before = generations.iloc[i], generations.iloc[i - 1]
    shift, drift = float(now["largest_mean_shift"]), float(now["largest_drift_z"])
    drop = float(1 - now["epsilon"] / before["epsilon"])
    return bool(drift < NOISE_Z and drop < EPSILON_SETTLED), shift, drift, drop  # z 0: settled


def predictive_table(
    setup: cal.Setup, particles: pd.DataFrame, executor: Executor, draws: int
) -> pd.DataFrame:
    """Posterior predictive band of every calibration and validation target.

    ``draws`` parameter sets are drawn from the posterior by weight, each run once with its
    own seed: the band holds what the targets leave open as well as chance.
    """
    targets = [t for t in TARGETS if t.kind in (CALIBRATION, VALIDATION)]
    modelled = [t for t in targets if t.modelled]
    rng = np.random.default_rng(np.random.SeedSequence([setup.seed, calibrated.PREDICTIVE_STREAM]))
    rows = rng.choice(len(particles), size=draws, p=particles["weight"].to_numpy())
    keys = [p.key for p in setup.parameters]
    seeds = rng.integers(calibrated.SEED_BITS, size=draws)
    names = tuple(t.key for t in modelled)
    jobs = [calibrated.Particle(setup.base, names, _values(particles, int(r), keys), (int(s),))
            for r, s in zip(rows, seeds, strict=True)]  # fmt: skip
    measured = calibrated.measure_spread_out(jobs, executor, parallelism(executor))
    values = pd.DataFrame([run for part in measured for run in part])
    table = []
    for t in targets:
        v = (
            values[t.key].replace(calibrated.MISSING, np.nan).to_numpy()
            if t.modelled
            else np.array([])
        )
        lo, hi = np.nanquantile(v, INTERVAL) if v.size else (np.nan, np.nan)
        inside = float(np.mean([t.met(x) for x in v])) if v.size else np.nan
        table.append({"target": t.key, "kind": t.kind, "unit": t.unit, "low": t.low,
                      "high": t.high, "mean": float(np.nanmean(v)) if v.size else np.nan,
                      "predictive_low": lo, "predictive_high": hi, "share_in_band": inside,
                      "draws": int(v.size)})  # fmt: skip
    return pd.DataFrame(table)


def plot_pairs(particles: pd.DataFrame, parameters, path: Path) -> Path:
    """Pairwise posterior: weighted histograms on the diagonal, particles below it."""
    keys = [p.key for p in parameters]
    k = len(keys)
    side = PAIR_PANEL_IN * k + 1
    fig = Figure(figsize=(side, side))
    # Fixed margins, not the constrained layout: measuring 144 panels' labels cost most of
    # the figure's time, and the labels are as wide whatever the posterior.
    fig.subplots_adjust(left=PAIR_LEFT_IN / side, bottom=PAIR_BOTTOM_IN / side,
                        right=1 - PAIR_RIGHT_IN / side, top=1 - PAIR_TOP_IN / side,
                        wspace=PAIR_GAP, hspace=PAIR_GAP)  # fmt: skip
    grid = fig.add_gridspec(k, k)
    # The lower triangle only: an axes above the diagonal would be made only to be hidden.
    axes = {(i, j): fig.add_subplot(grid[i, j]) for i in range(k) for j in range(i + 1)}
    w = particles["weight"].to_numpy()
    size = 6 + 60 * w / w.max()
    for i, (pi, ki) in enumerate(zip(parameters, keys, strict=True)):
        for j, (pj, kj) in enumerate(zip(parameters, keys, strict=True)):
            if j > i:
                continue
            ax = axes[i, j]
            if i == j:
                ax.hist(particles[ki], bins=15, range=(pi.low, pi.high), weights=w,
                        color=OKABE_ITO[0], label="posterior")  # fmt: skip
                ax.axhline(1 / 15, color="black", ls=":", lw=0.8, label="prior")
                ax.set_ylabel("weight")
                ax.set_title(ki.split(".")[1], fontsize=9)
            else:
                ax.scatter(particles[kj], particles[ki], s=size, color=OKABE_ITO[0], alpha=0.5,
                           label="particle (size: weight)")  # fmt: skip
                ax.set(xlim=(pj.low, pj.high), ylim=(pi.low, pi.high))
                if j == 0:
                    ax.set_ylabel(_axis_label(ki), fontsize=8)
            if i == k - 1:
                ax.set_xlabel(_axis_label(kj), fontsize=8)
            # Numbers on the outer panels only, as in a corner plot: a column shares its x
            # range and a row its y range (each prior's), and 600 tick labels took most of
            # the figure's time without telling more.
            ax.tick_params(labelsize=7, labelbottom=i == k - 1, labelleft=j == 0 or i == j)
            ax.xaxis.set_major_locator(MaxNLocator(PAIR_TICKS))  # long labels (0.0025) must
            ax.yaxis.set_major_locator(MaxNLocator(PAIR_TICKS))  # not run into each other
    handles = [*axes[0, 0].get_legend_handles_labels()]
    if k > 1:
        extra = axes[1, 0].get_legend_handles_labels()
        handles = [handles[0] + extra[0], handles[1] + extra[1]]
    fig.legend(*handles, loc="upper right")
    fig.suptitle(
        "Posterior of the calibrated parameters (axes span each prior range)", fontweight="bold"
    )
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    return path


def _axis_label(key: str) -> str:
    return f"{key.split('.')[1]}\n({calibrated.unit_of(key)})"


def plot_predictive(predictive: pd.DataFrame, path: Path) -> Path:
    """Each target's predictive band, in units of its band's half-width around the centre."""
    rows = predictive[predictive["draws"] > 0].reset_index(drop=True)
    fig = Figure(figsize=(8, 0.45 * len(rows) + 1.6), layout="constrained")
    ax = fig.subplots()
    centre, half = (rows["low"] + rows["high"]) / 2, (rows["high"] - rows["low"]) / 2
    y = np.arange(len(rows))[::-1]
    ax.axvspan(-1, 1, color=OKABE_ITO[2], alpha=0.25, label="target band")
    for kind, colour, marker in ((CALIBRATION, OKABE_ITO[0], "o"), (VALIDATION, OKABE_ITO[1], "s")):
        sel = rows["kind"] == kind
        lo = (rows["predictive_low"] - centre) / half
        hi = (rows["predictive_high"] - centre) / half
        mid = (rows["mean"] - centre) / half
        ax.hlines(
            y[sel], lo[sel], hi[sel], color=colour, lw=3, label=f"{kind}: 90% predictive band"
        )
        ax.plot(mid[sel], y[sel], marker, color=colour, label=f"{kind}: predictive mean")
    ax.set_yticks(y, rows["target"])
    ax.set(xlabel="distance from the band's centre, in band half-widths (band: -1 to 1)",
           title="Posterior predictive check: every calibration and validation target")  # fmt: skip
    ax.legend(loc="lower right", fontsize=8)
    atomic_write(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    return path


def _weights_lines(setup) -> list[str]:
    """How each target weighs in the distance: its band and one run's spread."""
    spread = dict(setup.spread)
    lines = [
        "## The distance",
        "",
        "Each target's distance from its band's centre is counted in units of its whole "
        "uncertainty, the band's half-width and one run's standard deviation added in quadrature "
        f"(the spread measured over {setup.noise_replicates} runs of the scenario as given, "
        "before the first generation).",
        "",
        "| target | band half-width | one run's standard deviation | uncertainty |",
        "|---|---|---|---|",
    ]
    runs = setup.runs_per_particle
    if runs > 1:
        lines[2] += (
            f" Each particle is measured on the mean of {runs} runs stepped together, so the "
            f"spread counts divided by the square root of {runs}."
        )
    for t in TARGETS:
        if t.key in setup.targets:
            sd = spread.get(t.key, 0.0)
            whole = cal.uncertainty(t, sd, runs)
            lines.append(f"| {t.key} | {(t.high - t.low) / 2:.3g} | {sd:.3g} | {whole:.3g} |")
    return [*lines, ""]


def command(
    setup: cal.Setup, budget: int, predictive: int, point_replicates: int, past_convergence: bool
) -> str:
    """The ``calibrate`` command that gives this calibration's files: every option that
    decides them (not the executor, which changes nothing), and as ``--set`` each value in
    which the calibrated scenario differs from its config file as that file reads now."""
    words = [
        "stakhanov-sim", "calibrate", setup.config, "--budget", str(budget),
        "--population", str(setup.population), "--seed", str(setup.seed),
        "--predictive", str(predictive), "--point-replicates", str(point_replicates),
        "--noise-replicates", str(setup.noise_replicates),
        "--runs-per-particle", str(setup.runs_per_particle),
    ]  # fmt: skip
    if past_convergence:
        words.append("--past-convergence")
    for assignment in overrides(setup):
        words += ["--set", assignment]
    return shlex.join(words)


def overrides(setup: cal.Setup) -> list[str]:
    """``key=value`` for each parameter in which the calibrated scenario (``setup.base``)
    differs from its config file (none when the file cannot be read)."""
    try:
        config = load_scenario(setup.config).model_dump(mode="json")
    except (ConfigError, OSError, ValueError):
        return []
    found = []
    for group, values in setup.base.items():
        if not isinstance(values, dict):
            continue  # the name, description and seed (``--seed``)
        for name, value in values.items():
            if isinstance(value, list | dict) or config.get(group, {}).get(name) == value:
                continue
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            found.append(f"{group}.{name}={text}")
    return found


def report_markdown(
    setup,
    budget,
    used,
    generations,
    parameters,
    predictive,
    how,
    point,
    point_replicates,
    made_with,
) -> str:
    """report.md: setup, parameters, the point for the defaults, convergence, predictive check.
    ``made_with``: the command (``command``)."""
    lines = [
        "# Calibration (ABC-SMC, pyabc)",
        "",
        f"Made on {dt.datetime.now():%Y-%m-%d %H:%M} with `{made_with}`: {used} "
        f"simulations ({setup.population} of them a first sample from the prior that sets the "
        f"first epsilon) in {len(generations)} generations.",
        f"Calibration targets: {', '.join(setup.targets)}. Held-out validation targets were not used.",
        "",
        *_weights_lines(setup),
        "## Parameters",
        "",
        f"Posterior mean and {INTERVAL[1] - INTERVAL[0]:.0%} interval (weighted quantiles of the last generation). "
        f'"identified": the interval is under {IDENTIFIED:.0%} of the prior range; "partly": under {PARTLY:.0%}; '
        f"a uniform prior's own interval is 90%.",
        "",
        f'"presses on": the interval reaches within {EDGE:.0%} of that end of the prior range, '
        "so the targets may want a value the range leaves out (not judged for a parameter not identified).",
        "",
        "| parameter | prior range | posterior mean | 90% interval | width / prior | identified | presses on |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in parameters.itertuples():
        lines.append(
            f"| `{r.parameter}` | {r.prior_low:g} to {r.prior_high:g} | {r.posterior_mean:.4g} | "
            f"{r.interval_low:.4g} to {r.interval_high:.4g} | {r.width_over_prior:.0%} | {r.identified} | {r.edge or '-'} |"
        )
    lines += ["", "![Pairwise posterior](pairs.png)", "", "## The point for the defaults", "",
              f"Of the {POINT_CANDIDATES} particles of the last generation where the posterior's "
              f"kernel density estimate is highest, each run {point_replicates} times, the one "
              "whose replicate means lie closest to the calibration targets' band centres (the "
              "calibration's own distance, with the spread of a mean; held-out targets play no part): `point.csv`, with the "
              "candidates in `point_candidates.csv`. One run per particle is too noisy, and the "
              "weights too uneven, for the mode alone. The shipped defaults of the calibrated "
              "parameters are this point, rounded to three significant figures.", "",
              "| parameter | posterior mode | shipped default |", "|---|---|---|"]  # fmt: skip
    lines += [f"| `{key}` | {value:.6g} | {value:.3g} |" for key, value in point.items()]
    lines += ["", "## Convergence", "", how + ".", ""]
    lines += [
        "| generation | epsilon | simulations | acceptance rate | effective sample size | largest move of a posterior mean (share of prior range) | "
        f"largest move over {SETTLED:.0%} of a range against the last two generations (Monte Carlo standard errors) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in generations.itertuples():
        first = np.isnan(r.largest_mean_shift)
        lines.append(
            f"| {r.generation} | {r.epsilon:.3g} | {r.simulations} | {r.acceptance_rate:.1%} | "
            f"{r.ess:.0f} | {'-' if first else f'{r.largest_mean_shift:.1%}'} | "
            f"{'-' if first else f'{r.largest_drift_z:.1f}'} |"
        )
    lines += ["", "## Posterior predictive check", "",
              f"{int(predictive['draws'].max())} parameter sets drawn from the posterior, one run each.", "",
              "| target | kind | band | predictive mean | 90% predictive band | share of draws in band |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for r in predictive.itertuples():
        if r.draws == 0:
            lines.append(
                f"| {r.target} | {r.kind} | {r.low:g} to {r.high:g} | not modelled yet | | |"
            )
            continue
        lines.append(
            f"| {r.target} | {r.kind} | {r.low:g} to {r.high:g} ({r.unit}) | {r.mean:.3g} | "
            f"{r.predictive_low:.3g} to {r.predictive_high:.3g} | {r.share_in_band:.0%} |"
        )
    lines += ["", "![Posterior predictive](predictive.png)", ""]
    return "\n".join(lines)
