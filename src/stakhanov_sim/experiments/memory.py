"""Large tables in ordinary memory pages, made by the system's allocator.

An ensemble's tables are hundreds of megabytes, made once and soon freed, so what they cost
is mostly the first touch of fresh memory. NumPy asks Linux for transparent huge pages for
every array of 4 MB or more (``madvise(MADV_HUGEPAGE)``; numpy.org, "Global state": it can
be switched off). On the 2-core virtual machines the benchmarks run on, a first touch of
such memory cost several times that of ordinary pages: the agent table of 200 default runs
took 4.4 s to make with huge pages and 0.4-1.3 s without; and pyarrow's default allocator
(mimalloc there) took 0.73-0.90 s for one of its label columns, the system's ``malloc``
0.17 s (``benchmarks/README.md``, round 19). No array a shift's arithmetic uses is that
large (a few hundred kilobytes for a batch of 100 runs), so the kernels lose nothing.

``small_pages`` switches both off while a batch is made, its tables built and saved, and
puts back what was there before: in a user's own process (a notebook calling ``run``),
NumPy and pyarrow are left as they were found.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pyarrow as pa

try:  # NumPy's switch (``NUMPY_MADVISE_HUGEPAGE`` at import; this function after)
    from numpy._core.multiarray import _set_madvise_hugepage
except ImportError:  # pragma: no cover - a NumPy without it: its arrays are left alone
    _set_madvise_hugepage = None


@contextlib.contextmanager
def small_pages() -> Iterator[None]:
    """Within the block, NumPy's large arrays are not advised onto huge pages and pyarrow
    allocates with the system's ``malloc``; both as before after it."""
    pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    huge = _set_madvise_hugepage(False) if _set_madvise_hugepage else None
    try:
        yield
    finally:
        if _set_madvise_hugepage:
            _set_madvise_hugepage(huge)
        pa.set_memory_pool(pool)
