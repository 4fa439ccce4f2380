"""Foremen's and engineers' state: experience, the foremen's foot-dragging, the agent in each post.

A post is a job (a section's foreman, a group of sections' engineer); when its holder is
removed, a newcomer is appointed to it (``MineModel.appoint``). Foremen who drag their feet
decide so at the end of a shift (``mechanisms.management.drag_feet``) and act on it during
the next (``mechanisms.records``): ``refusing`` carries that decision across the shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LONG_AGO = -(10**9)  # the shift the first holders were appointed: before any grace period


@dataclass
class Staff:
    """Engineers' (and, with ``Foremen``, foremen's) state, one element per post.

    Attributes:
        experience: share of full experience (0 for a raw promotee, 1 for a veteran).
        agent_id: the Mesa ``unique_id`` of the man in each post.
        appointed: the shift on which he was appointed (the first holders: long before).
    """

    size: int
    experience: np.ndarray = field(init=False)
    agent_id: np.ndarray = field(init=False)
    appointed: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.experience = np.ones(self.size)
        self.agent_id = np.full(self.size, -1, dtype=np.int64)
        self.appointed = np.full(self.size, LONG_AGO, dtype=np.int64)


@dataclass
class Foremen(Staff):
    """Foremen's state: that of all staff, plus their foot-dragging.

    Attributes:
        refusing: decided at the end of the last shift to refuse records and special
            conditions during this one.
        sabotage_count: times he refused since the last plan review (the trust's suspicion).
    """

    refusing: np.ndarray = field(init=False)
    sabotage_count: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.refusing = np.zeros(self.size, dtype=bool)
        self.sabotage_count = np.zeros(self.size, dtype=np.int32)
