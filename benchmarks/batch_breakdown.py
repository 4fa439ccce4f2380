"""Where a batch's shift goes, against one mine as large as the whole batch.

The batch: ``--runs`` default runs (``history_1935_37``, 380 miners each) stepped together
without Mesa agents, as ``run --replicates`` steps them. The one mine: the same scenario with
``--runs`` times the sections (as many job slots as the batch), stepped alone. Both over the
whole calendar, after a first run that loads the kernels; CPU per shift of each call
``MineModel.step`` makes, timed by ``shift_breakdown.breakdown`` (the timers add a little,
so the numbers rank the costs).

Usage: ``.venv/bin/python benchmarks/batch_breakdown.py [--runs 100] [--top 15]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from shift_breakdown import breakdown

from stakhanov_sim import Scenario, load_scenario
from stakhanov_sim.model.mine import MineModel


def batch(scenario: Scenario, runs: int) -> MineModel:
    seeds = np.random.SeedSequence(1).spawn(runs)
    return MineModel(scenario, rng=seeds, replicate=list(range(runs)), mesa_agents=False)


def one_mine(scenario: Scenario, runs: int) -> MineModel:
    data = scenario.model_dump()
    data["mine"]["sections"] *= runs
    large = Scenario.model_validate(data)
    return MineModel(large, rng=[np.random.SeedSequence(1)], replicate=[0], mesa_agents=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    scenario = load_scenario("history_1935_37")
    slots = args.runs * scenario.miners_per_section * scenario.mine.sections
    for name, make in (("batch", batch), ("one mine", one_mine)):
        total, shifts, spent = breakdown(scenario, 1, lambda s, make=make: make(s, args.runs))
        per_shift = total / shifts * 1e6
        print(f"{name}: {per_shift:.0f} µs CPU a shift, {per_shift / slots:.3f} µs a worker-shift")
        for label, seconds in spent.most_common(args.top):
            print(f"{seconds / shifts * 1e6:8.1f} µs  {label}")


if __name__ == "__main__":
    main()
