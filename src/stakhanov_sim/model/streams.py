"""The run's random streams: one ``numpy.random.Generator`` per mechanism.

All streams are spawned from the run's seed (``Generator.spawn``, that is
``SeedSequence.spawn``), so they are independent of each other and the same in every
process. Because each mechanism draws only from its own stream, and draws the same amount
every shift whatever the mine's state, two runs with the same seed use the same random
numbers for the same decisions: a counterfactual differs from the history only where its
change acts (common random numbers). A new mechanism adds a field here (at the end, so the
other streams keep their numbers) and draws only from it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Streams(NamedTuple):
    """One generator per mechanism (fields in spawning order; append new ones at the end)."""

    network: np.random.Generator  # the workmates' links, drawn once
    sampling: np.random.Generator  # the slots of the agent table's sample, drawn once
    recruits: np.random.Generator  # skill and eagerness: the n-th recruit's are the n-th drawn
    records: np.random.Generator  # which foremen are asked for a record
    production: np.random.Generator  # each hewer's luck at the face
    supply: np.random.Generator  # the noise of each delivery
    equipment: np.random.Generator  # breakdowns
    recognition: np.random.Generator  # who takes up the new methods
    social: np.random.Generator  # who sanctions whom, and how
    turnover: np.random.Generator  # who quits, which vacancies are filled
    management: np.random.Generator  # foot-dragging and accusations
    accidents: np.random.Generator  # who is hurt or killed at the face
    methods: np.random.Generator  # who learns the methods in a Stakhanovite school
    supervisors: np.random.Generator  # lower supervisors' abuse of Stakhanovites
    blame: np.random.Generator  # denunciations from below and trials after accidents
    repression: np.random.Generator  # arrests in the mass operations of 1937

    @classmethod
    def spawn(cls, rng: np.random.Generator) -> Streams:
        """The run's streams, children of ``rng`` (same seed, same streams)."""
        return cls(*rng.spawn(len(cls._fields)))
