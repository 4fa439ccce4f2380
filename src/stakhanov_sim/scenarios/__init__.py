"""Scenarios: the parameter schema, loading and checking YAML files, the shipped scenarios.

``schema`` defines every parameter (default, unit, range, meaning, source); ``loading`` reads a
scenario by name or path, resolves ``extends:`` and applies ``--set`` overrides; ``paramdoc``
writes the parameter reference; ``configs/`` holds the scenarios installed with the package.
"""

from stakhanov_sim.scenarios.loading import ConfigError, load_scenario
from stakhanov_sim.scenarios.schema import Scenario

__all__ = ["ConfigError", "Scenario", "load_scenario"]
