"""stakhanov-sim: an agent-based model of a Donbas coal mine under the Stakhanovite movement.

Public API: ``MineModel`` (the Mesa model), ``load_scenario`` (a validated config from
YAML), ``run`` (one run or an ensemble, returning ``Results``).
"""

from stakhanov_sim.experiments.results import Results
from stakhanov_sim.experiments.runner import run
from stakhanov_sim.model.mine import MineModel
from stakhanov_sim.scenarios.loading import ConfigError, load_scenario
from stakhanov_sim.scenarios.schema import Scenario

__all__ = ["ConfigError", "MineModel", "Results", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"
