"""The run's random streams: one ``numpy.random.Generator`` per mechanism.

All streams are spawned from the run's seed (``Generator.spawn``, that is
``SeedSequence.spawn``), so they are independent of each other and the same in every
process. Because each mechanism draws only from its own stream, and draws the same amount
every shift whatever the mine's state, two runs with the same seed use the same random
numbers for the same decisions: a counterfactual differs from the history only where its
change acts (common random numbers). A new mechanism adds a field here (at the end, so the
other streams keep their numbers) and draws only from it.

Where only a few slots need a number each shift (the angry, the vacant), drawing one per slot
would cost more than the mechanism: the stream then gives one 64-bit key a shift, and
``slot_uniform(key, slot)`` turns key and slot into the slot's number (SplitMix64, Steele et
al. 2014), the same in any run with the same key, whichever slots ask.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stakhanov_sim.model.compiled import kernel


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


def skip(stream: np.random.Generator, draws: int) -> None:
    """Move ``stream`` on as if ``stream.random(draws)`` had been drawn, without drawing.

    A mechanism with nothing to decide this shift (no school open, no arrests ordered) still
    keeps step with a run where it has. Each uniform number is one 64-bit output of the bit
    generator, so PCG64 (the streams' generator) jumps ahead in a few steps instead of
    making the numbers: at 10,000 slots, 2 µs instead of 30. A mechanism that skips draws
    only uniform numbers from its stream (``advance`` also drops a half-used 32-bit output).
    """
    bits = stream.bit_generator
    if isinstance(bits, (np.random.PCG64, np.random.PCG64DXSM)):
        bits.advance(draws)
    else:  # a generator without an equivalent jump: draw
        stream.random(draws)


def numbers_at(stream: np.random.Generator, offsets: np.ndarray, span: int) -> np.ndarray:
    """``stream.random(span)[offsets]`` (``offsets`` ascending), leaving ``stream`` where
    that draw would; PCG64 jumps between the few numbers wanted instead of making them all
    (the second draw of a handful of struck miners out of 10,000: 5 µs instead of 30)."""
    bits = stream.bit_generator
    if not isinstance(bits, (np.random.PCG64, np.random.PCG64DXSM)):
        return stream.random(span)[offsets]
    numbers, done = np.empty(offsets.size), 0
    for i, offset in enumerate(offsets.tolist()):
        if offset > done:
            bits.advance(offset - done)
        numbers[i], done = stream.random(), offset + 1
    if span > done:
        bits.advance(span - done)
    return numbers


def shift_key(stream: np.random.Generator) -> np.uint64:
    """This shift's key for ``slot_uniform`` (one draw from ``stream``)."""
    return np.uint64(stream.bit_generator.random_raw())


@kernel
def slot_uniform(key, slot):
    """A uniform number in [0, 1) for ``slot`` under ``key``: SplitMix64's output function."""
    z = key + np.uint64(slot + 1) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * (1.0 / 2.0**53)
