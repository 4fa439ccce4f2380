"""NumPy's PCG64 in compiled code: a batch's generators step together, without a C call each.

Every stream of every run is a ``numpy.random.Generator`` on a PCG64 bit generator (O'Neill
2014: a 128-bit linear congruential state, its output permuted by XSL-RR). A batch draws
thousands of numbers per shift from each of its runs' generators (``model.streams``).
Calling NumPy's C function for each number costs a call through a pointer (about 3 ns a
number), and a skipped draw was a Python call per run. Here the same arithmetic is compiled
into the kernel, on the generators' own state in memory (their addresses from NumPy's
documented ``bitgen_t``), and a skip jumps ahead in a few steps (``advance``) as
``PCG64.advance`` does, for every run in one call. The numbers are NumPy's own, bit for bit:
``works()`` checks that on this machine before a stream uses them (``Generator.random`` is
``(next_uint64 >> 11) * 2**-53``), and streams call NumPy's C functions otherwise.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np
from llvmlite import ir
from numba import carray, types
from numba.extending import intrinsic

from stakhanov_sim.model.compiled import kernel

# PCG's default 128-bit multiplier (pcg_setseq_128's), as NumPy's PCG64 uses it.
MULTIPLIER_HI = np.uint64(2549297995355413924)
MULTIPLIER_LO = np.uint64(4865540595714422341)
NO_ORDER = np.empty(0, dtype=np.intp)  # ``fill_uniform``'s ``order`` for the runs' own order

_capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi)
)


def bitgen(generator: np.random.Generator) -> int:
    """The address of ``generator``'s ``bitgen_t`` (NumPy's C API for bit generators), from
    its capsule: cheaper than its ``ctypes`` interface, which makes function objects (75 µs
    a generator, and a batch has a generator per mechanism and run)."""
    return _capsule_pointer(generator.bit_generator.capsule, b"BitGenerator")


def bitgen_fields(address: int) -> tuple[int, int, int, int, int]:
    """The fields of the ``bitgen_t`` at ``address``: the bit generator's state and its
    ``next_uint64``, ``next_uint32``, ``next_double`` and ``next_raw``."""
    fields = ctypes.cast(address, ctypes.POINTER(ctypes.c_void_p))
    return tuple(fields[i] or 0 for i in range(5))


def state_address(generator: np.random.Generator) -> int:
    """Where a PCG64 generator keeps its 128-bit state and increment (four 64-bit words: the
    state's low and high halves, then the increment's); 0 for another bit generator."""
    if type(generator.bit_generator) is not np.random.PCG64:
        return 0
    state = bitgen_fields(bitgen(generator))[0]  # NumPy's pcg64_state: its first field
    # points to them
    return ctypes.cast(state, ctypes.POINTER(ctypes.c_void_p))[0] or 0


@intrinsic
def _mulhi(typingctx, a, b):
    """The high 64 bits of the 128-bit product of two 64-bit words."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))

    return sig, codegen


@intrinsic
def _words(typingctx, address):
    """The 64-bit words at ``address`` (an integer), for ``numba.carray``."""
    sig = types.CPointer(types.uint64)(types.intp)

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], ir.IntType(64).as_pointer())

    return sig, codegen


@kernel
def _multiply_add(a_lo, a_hi, b_lo, b_hi, c_lo, c_hi):
    """``a * b + c`` modulo 2**128, each as its low and high words."""
    lo = a_lo * b_lo
    hi = _mulhi(a_lo, b_lo) + a_lo * b_hi + a_hi * b_lo
    total = lo + c_lo
    return total, hi + c_hi + np.uint64(total < lo)


@kernel
def _output(lo, hi):
    """PCG's XSL-RR output of a state: its halves xored, rotated by its top six bits."""
    x = hi ^ lo
    rotation = hi >> np.uint64(58)
    return (x >> rotation) | (x << ((np.uint64(64) - rotation) & np.uint64(63)))


@kernel
def _step(lo, hi, inc_lo, inc_hi):
    """The next state, and ``Generator.random``'s number from it (``(output >> 11) * 2**-53``)."""
    lo, hi = _multiply_add(lo, hi, MULTIPLIER_LO, MULTIPLIER_HI, inc_lo, inc_hi)
    return lo, hi, np.float64(_output(lo, hi) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel
def fill_uniform(states, n, out, active, order):
    """``n`` uniform numbers from each run's generator (``states``: their addresses), as
    ``Generator.random(n)`` gives them, into ``out`` (``runs * n``): run ``r``'s ``i``-th at
    ``order[r * n + i]``, or at ``r * n + i`` when ``order`` is empty. A run not ``active``
    has its generator moved on just the same and reads 1 (no chance is met).

    Each generator's state stays in registers while its numbers are made. (Four runs taking
    turns, so that their steps overlap, made the fill a tenth faster, too little of a run
    to be worth the longer code.)
    """
    runs = states.size
    numbers = np.empty(runs * n) if order.size else out
    rows = numbers.reshape(runs, n)
    for r in range(runs):
        words = carray(_words(states[r]), 4)
        lo, hi = words[0], words[1]
        for i in range(n):
            lo, hi, rows[r, i] = _step(lo, hi, words[2], words[3])
        words[0], words[1] = lo, hi
    for r in range(runs):
        if not active[r]:
            numbers[r * n : (r + 1) * n] = 1.0
    if order.size:
        for k in range(runs * n):
            out[order[k]] = numbers[k]


@kernel
def advance(states, delta):
    """Move each generator at ``states`` on by ``delta`` steps, as ``PCG64.advance`` does."""
    for r in range(states.size):
        _jump(carray(_words(states[r]), 4), delta)


@kernel
def _jump(words, delta):
    """Move one generator's state (``words``) on by ``delta`` steps: the jump-ahead of a
    linear congruential generator (Brown 1994), a step per bit of ``delta``."""
    mult_lo, mult_hi, plus_lo, plus_hi = MULTIPLIER_LO, MULTIPLIER_HI, words[2], words[3]
    acc_mult_lo, acc_mult_hi = np.uint64(1), np.uint64(0)
    acc_plus_lo, acc_plus_hi = np.uint64(0), np.uint64(0)
    zero = np.uint64(0)
    left = np.uint64(delta)
    while left > zero:
        if left & np.uint64(1):
            acc_mult_lo, acc_mult_hi = _multiply_add(
                acc_mult_lo, acc_mult_hi, mult_lo, mult_hi, zero, zero
            )
            acc_plus_lo, acc_plus_hi = _multiply_add(
                acc_plus_lo, acc_plus_hi, mult_lo, mult_hi, plus_lo, plus_hi
            )
        # plus = (mult + 1) * plus; mult = mult * mult
        plus_lo, plus_hi = _multiply_add(mult_lo, mult_hi, plus_lo, plus_hi, plus_lo, plus_hi)
        mult_lo, mult_hi = _multiply_add(mult_lo, mult_hi, mult_lo, mult_hi, zero, zero)
        left >>= np.uint64(1)
    words[0], words[1] = _multiply_add(
        acc_mult_lo, acc_mult_hi, words[0], words[1], acc_plus_lo, acc_plus_hi
    )


@kernel
def numbers_at(states, n, positions):
    """The numbers at ``positions`` (ascending; run ``r``'s ``i``-th at ``r * n + i``) of
    ``Generator.random(n)`` from each run's generator, which all move on by ``n`` as that
    draw would move them: each generator jumps to the few numbers read, where drawing them
    all made ``n`` numbers a run to read a handful."""
    out = np.empty(positions.size)
    k = 0
    for r in range(states.size):
        words = carray(_words(states[r]), 4)
        done = 0
        while k < positions.size and positions[k] < (r + 1) * n:
            i = positions[k] - r * n
            _jump(words, i - done)
            words[0], words[1], out[k] = _step(words[0], words[1], words[2], words[3])
            done = i + 1
            k += 1
        _jump(words, n - done)
    return out


@kernel
def raw(states):
    """One raw 64-bit output of each generator at ``states`` (``random_raw()``)."""
    out = np.empty(states.size, dtype=np.uint64)
    for r in range(states.size):
        words = carray(_words(states[r]), 4)
        words[0], words[1] = _multiply_add(
            words[0], words[1], MULTIPLIER_LO, MULTIPLIER_HI, words[2], words[3]
        )
        out[r] = _output(words[0], words[1])
    return out


@functools.cache
def works() -> bool:
    """Whether this machine's PCG64 keeps its state as the kernels read it: their numbers,
    raw outputs and jumps, on fresh generators, against NumPy's own (once per process)."""
    try:
        ours = [np.random.default_rng(seed) for seed in (1, 2)]
        numpy = [np.random.default_rng(seed) for seed in (1, 2)]
        states = np.array([state_address(g) for g in ours], dtype=np.intp)
        if not states.all():
            return False
        drawn = np.empty(2 * 7)
        fill_uniform(states, 7, drawn, np.ones(2, np.bool_), NO_ORDER)
        same = np.array_equal(drawn, np.concatenate([g.random(7) for g in numpy]))
        advance(states, 1_000_003)
        for g in numpy:
            g.bit_generator.advance(1_000_003)
        same &= np.array_equal(raw(states), [g.bit_generator.random_raw() for g in numpy])
        return bool(same) and [g.random() for g in ours] == [g.random() for g in numpy]
    except Exception:  # noqa: BLE001 (any failure: the streams call NumPy's C functions)
        return False
