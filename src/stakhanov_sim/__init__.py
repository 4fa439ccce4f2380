"""stakhanov-sim: an agent-based model of a Donbas coal mine under the Stakhanovite movement.

Public API: ``MineModel`` (the Mesa model), ``load_scenario`` (a validated config from
YAML), ``run`` (one run or an ensemble, returning ``Results``).

The names are imported when first used (PEP 562), so that ``stakhanov-sim --help`` or a
mistake in a config is answered without loading the model, Mesa and Numba (about 2 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stakhanov_sim.experiments.results import Results
    from stakhanov_sim.experiments.runner import run
    from stakhanov_sim.model.mine import MineModel
    from stakhanov_sim.scenarios.loading import ConfigError, load_scenario
    from stakhanov_sim.scenarios.schema import Scenario

_HOME = {
    "ConfigError": "stakhanov_sim.scenarios.loading",
    "MineModel": "stakhanov_sim.model.mine",
    "Results": "stakhanov_sim.experiments.results",
    "Scenario": "stakhanov_sim.scenarios.schema",
    "load_scenario": "stakhanov_sim.scenarios.loading",
    "run": "stakhanov_sim.experiments.runner",
}
__all__ = ["ConfigError", "MineModel", "Results", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'stakhanov_sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
