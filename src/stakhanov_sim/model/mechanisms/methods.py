"""The rise of 1936: the new methods beyond the favoured, schools, and concentrated mining.

In 1936 the Donbas reached the output its five-year plan set for 1937, "thanks to the
Stakhanov movement and to a technical policy of concentration of mining" (Vestnik DonNU 2509).
Three things did it here, each a lever:

- **Division of labour** (Siegelbaum 1988, ch. 2): Stakhanov's method was that the hewer only
  hewed while timbermen propped the roof behind him. A hewer who has taken up the new methods
  gains ``methods.division_gain`` even without special conditions, as long as his section's
  ordinary timbermen are there to prop for him; timbermen diverted to records and to the
  favoured take the gain away again. It grows as the methods spread, so at the calibrated
  defaults it adds most in 1937 (``tests/test_history.py``).
- **Stakhanovite schools** (Siegelbaum 1988, ch. 4): while they run, hewers who have not
  taken up the methods learn them at ``methods.school_rate`` a shift, whatever the press says.
- **Concentration of mining** (Vestnik DonNU 2509): fewer, better-equipped faces raise every
  hewer's output by up to ``methods.concentration_gain``, carried out over
  ``methods.concentration_shifts`` shifts, and wear the equipment harder
  (``methods.concentration_wear``). The NKVD later branded the policy subversive.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import varying
from stakhanov_sim.model.streams import Stream
from stakhanov_sim.scenarios.schema import Scenario

# Fields that hold one value per run of a batch (``runs.varying``, ``mechanisms.PER_RUN``).
PER_RUN_FIELDS = ("division_gain", "school_rate", "concentration_gain", "concentration_wear")


class Params(NamedTuple):
    division_gain: np.ndarray  # each run's (``runs.varying``), as are the rates below
    school_rate: np.ndarray
    concentration_gain: np.ndarray
    concentration_step: float  # share of the target carried out per shift
    concentration_wear: np.ndarray


def params(s: Scenario) -> Params:
    m = s.methods
    return Params(
        division_gain=varying(m.division_gain),
        school_rate=varying(m.school_rate),
        concentration_gain=varying(m.concentration_gain),
        concentration_step=1.0 / m.concentration_shifts,
        concentration_wear=varying(m.concentration_wear),
    )


def concentrate(current: np.ndarray, target: np.ndarray, p: Params) -> None:
    """The share of mining concentrated in each run (``current``, changed in place), a step
    closer to the target."""
    _concentrate(current, target, p.concentration_step)


@kernel
def _concentrate(current, target, step):
    for r in range(current.size):
        if current[r] < target[r]:
            current[r] = min(current[r] + step, target[r])
        else:
            current[r] = max(current[r] - step, target[r])


def technique(concentration: np.ndarray, p: Params) -> np.ndarray:
    """Every hewer's output factor from concentrated, better-equipped faces (per run)."""
    return 1.0 + p.concentration_gain * concentration


def wear_factor(concentration: np.ndarray, p: Params) -> np.ndarray:
    """How much faster equipment wears on concentrated faces."""
    return 1.0 + p.concentration_wear * concentration


@kernel
def divide_labour(adopted, special, employed, support, gain, run_of_section):
    """Raise the support of hewers who work the new way without special conditions.

    ``support`` is what the section's timbermen leave an ordinary hewer (1 = all he needs);
    the division of labour multiplies what that support yields (``gain``: each run's).
    Arrays are ``(sections, hewers)`` views; changes ``support`` in place.
    """
    sections, hewers = adopted.shape
    for s in range(sections):
        g = gain[run_of_section[s]]
        for j in range(hewers):
            if adopted[s, j] and employed[s, j] and not special[s, j]:
                support[s, j] *= 1 + g * support[s, j]


def school(stream: Stream, adopted, employed, schools_open: np.ndarray, p: Params) -> int:
    """Hewers who learn the new methods in a Stakhanovite school this shift; how many.

    One draw per hewer slot every shift, schools open or not (common random numbers);
    ``schools_open`` is each run's, and ``adopted`` and ``employed`` are the hewers' slots,
    run after run.
    """
    chance = p.school_rate * schools_open
    draw = stream.uniform_where(adopted.size // chance.size, chance > 0)
    if draw is None:  # no school open: nobody learns, the streams keep step
        return 0
    return _school(adopted, employed, draw, chance)


@kernel
def _school(adopted, employed, draw, chance):
    """Hewers who learn, with their run's chance (``chance`` per run)."""
    n = 0
    per_run = adopted.size // chance.size
    for k in range(adopted.size):
        if employed[k] and not adopted[k] and draw[k] < chance[k // per_run]:
            adopted[k] = True
            n += 1
    return n
