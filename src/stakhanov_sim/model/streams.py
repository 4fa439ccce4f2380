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

A batch (``model.runs``) has one generator per mechanism and run. Drawing from each of a
batch's generators in turn would cost a Python call per run and draw; instead one compiled
kernel steps all of a batch's PCG64 generators together (``model.pcg64``: NumPy's own
arithmetic on their own state, checked against NumPy on the machine), and skips ahead for
all of them at once; where that check fails, the kernel calls each bit generator's own C
functions (``next_double``, ``next_uint64``: NumPy's ``bitgen_t``, documented for use from
Numba), which is what ``Generator.random`` and ``random_raw`` do. Either way the numbers are
NumPy's. Normal, lognormal and beta numbers call NumPy's own C functions for them the same
way (``random_*``, its documented C API for random numbers, as ``numpy.random._generator``
exports them), so they too are the numbers ``Generator.standard_normal``, ``lognormal`` and
``beta`` give; a NumPy that does not export them is called run by run.
"""

from __future__ import annotations

import ctypes
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from stakhanov_sim.model import pcg64
from stakhanov_sim.model.compiled import kernel
from stakhanov_sim.model.runs import Runs


class Streams(NamedTuple):
    """One stream per mechanism (fields in spawning order; append new ones at the end), each
    a ``Stream``: that mechanism's generator in every run of the batch (``model.runs``)."""

    network: Stream  # the workmates' links, drawn once
    sampling: Stream  # the slots of the agent table's sample, drawn once
    recruits: Stream  # skill and eagerness: the n-th recruit's are the n-th drawn
    records: Stream  # which foremen are asked for a record
    production: Stream  # each hewer's luck at the face
    supply: Stream  # the noise of each delivery
    equipment: Stream  # breakdowns
    recognition: Stream  # who takes up the new methods
    social: Stream  # who sanctions whom, and how
    turnover: Stream  # who quits, which vacancies are filled
    management: Stream  # foot-dragging and accusations
    accidents: Stream  # who is hurt or killed at the face
    methods: Stream  # who learns the methods in a Stakhanovite school
    supervisors: Stream  # lower supervisors' abuse of Stakhanovites
    blame: Stream  # denunciations from below and trials after accidents
    repression: Stream  # arrests in the mass operations of 1937

    @classmethod
    def spawn(cls, rngs: list[np.random.Generator], runs: Runs) -> Streams:
        """Each run's streams, children of its generator (same seed, same streams)."""
        children = [rng.spawn(len(cls._fields)) for rng in rngs]
        return cls(*(Stream([c[i] for c in children], runs) for i in range(len(cls._fields))))


class Stream:
    """One mechanism's generator in each run of a batch.

    Every method draws from each run's generator what that run alone would draw, and lays
    the numbers out in the batch's order: ``uniform(n)`` gives each run's ``n`` numbers one
    run after another (per section, per engineer, per hewer slot: the batch stacks those run
    after run), ``uniform_slots()`` one per job slot, in the batch's slot order. A batch of
    one draws exactly as a single generator.
    """

    def __init__(self, generators: list[np.random.Generator], runs: Runs) -> None:
        self.generators, self.runs = generators, runs
        self.alone = generators[0] if len(generators) == 1 else None
        self._bits = _bit_functions(generators)
        self._every = np.ones(len(generators), dtype=np.bool_)  # every run active

    def __getstate__(self) -> dict:
        """A copy leaves the C addresses behind: they are the originals' (made afresh)."""
        return {k: v for k, v in self.__dict__.items() if k != "_bits"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _bits=_bit_functions(state["generators"]))

    def _draw(self, n: int, active: np.ndarray | None = None, order=None) -> np.ndarray:
        """A batch's ``n`` uniform numbers from each run's generator, run after run (or
        scattered to ``order``: see ``pcg64.fill_uniform``); a run not ``active`` reads 1,
        its generator moved on as if it had drawn."""
        out = np.empty(len(self.generators) * n)
        pcg = self._bits.pcg
        if pcg is not None:
            every = self._every if active is None else active
            pcg64.fill_uniform(pcg, n, out, every, pcg64.NO_ORDER if order is None else order)
            return out
        rows = out.reshape(len(self.generators), n)
        if active is None:
            _fill_uniform(*self._bits.uniform, rows)
        else:
            rows[:] = 1.0
            _fill_uniform(*self._bits.uniform, rows, active)
            self.skip(n, np.flatnonzero(~active))
        if order is None:
            return out
        scattered = np.empty_like(out)
        scattered[order] = out
        return scattered

    def __getitem__(self, run: int) -> np.random.Generator:
        """Run ``run``'s generator (for draws whose size depends on the run's state)."""
        return self.generators[run]

    def uniform(self, n: int) -> np.ndarray:
        """``n`` uniform numbers in [0, 1) for each run, run after run."""
        if self.alone is not None:
            return self.alone.random(n)
        return self._draw(n)

    def uniform_where(self, n: int, active: np.ndarray) -> np.ndarray | None:
        """``uniform(n)`` for the runs where ``active``; the others' streams move on as if
        they had drawn, and their numbers read 1 (no chance is met). ``None`` when no run is
        active (every stream moved on)."""
        if self.alone is not None:
            if active[0]:
                return self.alone.random(n)
            skip(self.alone, n)
            return None
        if active.all():
            return self.uniform(n)
        if not active.any():
            self.skip(n)
            return None
        return self._draw(n, active)

    def uniform_slots_where(self, active: np.ndarray) -> np.ndarray | None:
        """``uniform_slots()`` for the runs where ``active`` (see ``uniform_where``)."""
        if self.alone is not None:
            return self.uniform_where(self.runs.slots, active)
        if not active.any():
            self.skip(self.runs.slots)
            return None
        order = self.runs.run_major  # each run's k-th number into the slot that holds it
        return self._draw(self.runs.slots, None if active.all() else active, order)

    def normal(self, n: int) -> np.ndarray:
        """``n`` standard normal numbers for each run, run after run."""
        if self.alone is not None:
            return self.alone.standard_normal(n)
        out = np.empty((len(self.generators), n))
        if NORMAL_FILL and n:  # NumPy's own fill for each run, in one compiled call
            _fill_normal(NORMAL_FILL, self._bits.bitgen, out, out.ctypes.data)
            return out.ravel()
        for generator, row in zip(self.generators, out, strict=True):
            generator.standard_normal(out=row)
        return out.ravel()

    def uniform_slots(self) -> np.ndarray:
        """One uniform number per job slot of every run, in the batch's slot order."""
        if self.alone is not None:
            return self.alone.random(self.runs.slots)
        return self._draw(self.runs.slots, order=self.runs.run_major)

    def uniform_slots_at(self, slots: np.ndarray) -> np.ndarray:
        """``uniform_slots()[slots]`` (``slots`` ascending), every stream left where that
        draw would leave it: each generator jumps to the few numbers read (``numbers_at``;
        a batch's, every run's in one compiled call, ``pcg64.numbers_at``). No slot at all
        moves every stream on; a batch off PCG64 makes all the numbers."""
        if not slots.size:
            self.skip(self.runs.slots)
            return np.empty(0)
        if self.alone is not None:  # a run alone: its slots are its own
            return numbers_at(self.alone, slots, self.runs.slots)
        if self._bits.pcg is None:
            return self.uniform_slots()[slots]
        positions = self.runs.slot_order[slots]  # where each slot's number is in the draw
        order = np.argsort(positions)
        out = np.empty(slots.size)
        out[order] = pcg64.numbers_at(self._bits.pcg, self.runs.slots, positions[order])
        return out

    def skip(self, n: int, runs: np.ndarray | None = None) -> None:
        """Move each run's generator (or those of ``runs``) on by ``n`` uniform numbers."""
        if self.alone is not None and runs is None:
            skip(self.alone, n)
            return
        if self._bits.pcg is not None:  # every run's jump in one compiled call
            pcg64.advance(self._bits.pcg if runs is None else self._bits.pcg[runs], n)
            return
        for r in range(len(self.generators)) if runs is None else runs.tolist():
            skip(self.generators[r], n)

    def by_run(self, counts: np.ndarray, *draws: tuple[str, float, float]) -> np.ndarray:
        """For each run ``r``, ``counts[r]`` numbers of each distribution of ``draws``
        (``(name, a, b)``: ``"lognormal"`` or ``"beta"``), drawn as
        ``generator.<name>(a, b, counts[r])`` for each in turn would; one row per
        distribution, each run's numbers after the previous run's. For draws whose size
        depends on each run's state (recruits): one compiled call with NumPy's own C
        functions where it exports them, run by run otherwise."""
        out = np.empty((len(draws), int(counts.sum())))
        functions = np.array([DISTRIBUTIONS.get(name, 0) for name, _, _ in draws], np.intp)
        if functions.all():
            shapes = np.array([(a, b) for _, a, b in draws], dtype=np.float64)
            _fill_by_run(functions, shapes, self._bits.bitgen, counts.astype(np.int64), out)
            return out
        first = 0
        for r in np.flatnonzero(counts).tolist():
            k = int(counts[r])
            for d, (name, a, b) in enumerate(draws):
                out[d, first : first + k] = getattr(self.generators[r], name)(a, b, k)
            first += k
        return out

    def keys(self) -> np.ndarray:
        """This shift's key for ``slot_uniform`` in each run (one draw from each)."""
        if self.alone is not None:
            return np.array([shift_key(self.alone)], dtype=np.uint64)
        if self._bits.pcg is not None:
            return pcg64.raw(self._bits.pcg)
        return _raw(*self._bits.uniform)


class BitFunctions(NamedTuple):
    """Each run's bit generator as its C functions and state (addresses)."""

    next_double: np.ndarray
    next_uint64: np.ndarray
    state: np.ndarray
    bitgen: np.ndarray  # each generator's ``bitgen_t`` (what NumPy's distributions take)
    pcg: np.ndarray | None  # each PCG64's state for ``model.pcg64``; None: call C instead

    @property
    def uniform(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What ``_fill_uniform`` and ``_raw`` take."""
        return self.next_double, self.next_uint64, self.state


def _bit_functions(generators: list[np.random.Generator]) -> BitFunctions:
    """The addresses the kernels draw with; a batch's PCG64 states too, where ``model.pcg64``
    works on this machine (a run alone draws its uniform numbers through NumPy)."""
    bitgen = np.array([pcg64.bitgen(g) for g in generators], dtype=np.intp)
    fields = np.array([pcg64.bitgen_fields(a) for a in bitgen.tolist()], dtype=np.intp)
    pcg = None
    if len(generators) > 1:
        pcg = np.array([pcg64.state_address(g) for g in generators], dtype=np.intp)
        pcg = pcg if pcg.all() and pcg64.works() else None
    return BitFunctions(fields[:, 3], fields[:, 1], fields[:, 0], bitgen, pcg)


def _numpy_random_function(name: str) -> int:
    """The address of one of NumPy's C distribution functions (its documented C API for
    random numbers, ``numpy/random/c_distributions.pxd``), as ``numpy.random._generator``
    exports it; 0 where this NumPy does not export it (the draws then go run by run)."""
    try:
        from numpy.random import _generator

        return ctypes.cast(getattr(ctypes.CDLL(_generator.__file__), name), ctypes.c_void_p).value
    except (AttributeError, OSError):
        return 0


# ``Generator.standard_normal(out=row)`` is ``random_standard_normal_fill(bitgen, n, row)``.
NORMAL_FILL = _numpy_random_function("random_standard_normal_fill")
# ``Generator.<name>(a, b, n)`` is ``random_<name>(bitgen, a, b)`` called n times.
DISTRIBUTIONS = {name: _numpy_random_function(f"random_{name}") for name in ("lognormal", "beta")}


@intrinsic
def _call_c(typingctx, result, function, state):
    """Call the C function at address ``function`` with the state at address ``state``;
    ``result`` (0.0 or 0) chooses a ``double`` or a ``uint64_t`` one."""
    returns = types.float64 if isinstance(result, types.Float) else types.uint64
    sig = returns(result, types.intp, types.intp)

    def codegen(context, builder, signature, args):
        out = ir.DoubleType() if returns is types.float64 else ir.IntType(64)
        called = ir.FunctionType(out, [ir.IntType(8).as_pointer()])
        pointer = builder.inttoptr(args[1], called.as_pointer())
        return builder.call(pointer, [builder.inttoptr(args[2], ir.IntType(8).as_pointer())])

    return sig, codegen


@intrinsic
def _call_fill(typingctx, function, bitgen, count, data):
    """Call the C function ``void f(bitgen_t *, npy_intp count, double *out)`` at address
    ``function`` (NumPy's ``random_*_fill``)."""
    sig = types.void(types.intp, types.intp, types.intp, types.intp)

    def codegen(context, builder, signature, args):
        byte, double = ir.IntType(8).as_pointer(), ir.DoubleType().as_pointer()
        called = ir.FunctionType(ir.VoidType(), [byte, ir.IntType(64), double])
        pointer = builder.inttoptr(args[0], called.as_pointer())
        builder.call(
            pointer,
            [builder.inttoptr(args[1], byte), args[2], builder.inttoptr(args[3], double)],
        )
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _call_two(typingctx, function, bitgen, a, b):
    """Call the C function ``double f(bitgen_t *, double a, double b)`` at address
    ``function`` (NumPy's ``random_lognormal``, ``random_beta``)."""
    sig = types.float64(types.intp, types.intp, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        byte, double = ir.IntType(8).as_pointer(), ir.DoubleType()
        called = ir.FunctionType(double, [byte, double, double])
        pointer = builder.inttoptr(args[0], called.as_pointer())
        return builder.call(pointer, [builder.inttoptr(args[1], byte), args[2], args[3]])

    return sig, codegen


@kernel
def _fill_by_run(functions, shapes, bitgen, counts, out):
    """``Stream.by_run``: run after run, ``counts[r]`` numbers of each distribution."""
    first = 0
    for r in range(counts.size):
        for d in range(functions.size):
            for i in range(counts[r]):
                out[d, first + i] = _call_two(functions[d], bitgen[r], shapes[d, 0], shapes[d, 1])
        first += counts[r]


@kernel
def _fill_normal(function, bitgen, out, data):
    """Each run's row of ``out`` (C order, starting at address ``data``) from its
    generator, as ``Generator.standard_normal(out=row)`` fills it."""
    runs, n = out.shape
    for r in range(runs):
        _call_fill(function, bitgen[r], n, data + r * out.strides[0])


@kernel
def _fill_uniform(next_double, next_uint64, state, out, active=None):
    """Each run's row of ``out`` from its generator, as ``Generator.random(out=row)`` fills
    it (only the rows of ``active`` runs, when given)."""
    for r in range(out.shape[0]):
        if active is not None and not active[r]:
            continue
        for i in range(out.shape[1]):
            out[r, i] = _call_c(0.0, next_double[r], state[r])


@kernel
def _raw(next_double, next_uint64, state):
    """One raw 64-bit output of each run's generator (``random_raw()``)."""
    keys = np.empty(state.size, dtype=np.uint64)
    for r in range(state.size):
        keys[r] = _call_c(np.uint64(0), next_uint64[r], state[r])
    return keys


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
