"""Large tables are made without huge pages, and NumPy and pyarrow are left as they were."""

from __future__ import annotations

import pyarrow as pa
import pytest

from stakhanov_sim.experiments import memory

pytestmark = pytest.mark.skipif(
    memory._set_madvise_hugepage is None, reason="this NumPy has no switch for huge pages"
)


@pytest.mark.parametrize("huge", [True, False])
def test_small_pages_are_used_inside_and_what_was_there_comes_back(huge):
    switch = memory._set_madvise_hugepage  # sets, and says what was set before
    pool = pa.default_memory_pool()
    was = switch(huge)
    try:
        with pytest.raises(KeyError), memory.small_pages():
            assert pa.default_memory_pool().backend_name == "system"
            assert switch(False) is False  # off inside (and left off)
            raise KeyError("an error inside")
        assert switch(huge) is huge  # put back, even after the error
        assert pa.default_memory_pool().backend_name == pool.backend_name
    finally:
        switch(was)
        pa.set_memory_pool(pool)
