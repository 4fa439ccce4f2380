"""Compiled kernels: where a shift's array code is fused into one pass with Numba.

A mechanism written as NumPy expressions makes one pass over the slots per operation, and
on a 10,000-miner mine a shift was ~300 such calls, most of them over a few hundred
sections where the call costs more than the arithmetic (benchmarks/README.md). The hottest
mechanisms keep their NumPy form for the rare and random parts (every draw comes from the
mechanism's own stream, ``model.streams``) and hand the arithmetic to a kernel compiled here.

A kernel takes its inputs as named records (NamedTuples of arrays or of parameters) where
there are many, so a call names what it passes. A record crosses into the kernel as a plain
tuple (``tuple(record)``), and the kernel names it again on entry with the same class
(``hewers = Hewers(*hewers)``): Numba types a NamedTuple argument on every call by encoding
its class's and fields' names (about 0.2 µs a field; a shift passes some twenty records),
and a plain tuple in a fraction of that. Records of the workforce's views are made once
(``Workforce.views``). Inside, a kernel reads a record's arrays into local names once:
reading an array from a record inside a loop costs a reference count each time (it made
``pay`` three times slower).

Kernels are compiled on first use and cached on disk (``cache=True``), so only the first run
on a machine pays for compilation. ``fastmath`` stays off: results must not depend on how
wide the CPU's vector units are, so a seed gives the same run on every machine.
"""

from __future__ import annotations

import numba


def kernel(function):
    """Compile ``function`` with Numba's nopython mode, cached between processes."""
    return numba.njit(cache=True, nogil=True, fastmath=False)(function)
