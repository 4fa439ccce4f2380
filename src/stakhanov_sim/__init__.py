"""stakhanov-sim: an agent-based model of a Donbas coal mine under the Stakhanovite movement.

Public API: ``MineModel`` (the Mesa model), ``load_scenario`` (a validated config from
YAML), ``run`` (one run or an ensemble, returning ``Results``).
"""

from stakhanov_sim.config import ConfigError, load_scenario
from stakhanov_sim.model import MineModel
from stakhanov_sim.results import Results
from stakhanov_sim.runner import run
from stakhanov_sim.scenario import Scenario

__all__ = ["ConfigError", "MineModel", "Results", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"
