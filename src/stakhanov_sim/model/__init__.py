"""The model: the mine (``MineModel``), its people and its state, and the mechanisms of a shift.

``mine`` holds the Mesa model and the shift's schedule; ``agents`` the Mesa agents (views onto
the state arrays); ``workforce`` the miners' and staff's state; ``network`` the workmates;
``calendar`` the working days; ``observation`` what is recorded each shift; ``compiled`` the
Numba decorator the kernels share; ``mechanisms`` one module per mechanism of the shift.
"""

from stakhanov_sim.model.mine import MineModel

__all__ = ["MineModel"]
