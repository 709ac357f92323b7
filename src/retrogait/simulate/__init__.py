"""Physical simulator of forward and backward running and walking for foot, shank and lower-back IMUs.

Public API::

    from retrogait.simulate import Bout, SimulationConfig, simulate, write_simulation

    config = SimulationConfig("shank", [Bout("forward", "running", 3.0, 60), Bout("backward", "running", 2.5, 60)])
    result = simulate(config)          # result.session (native Session), result.truth (DataFrame)
    write_simulation(result, "run.csv")  # run.csv + run_truth.csv

The model and its sources are described in docs/simulator.md.
"""

from retrogait.simulate.assemble import (
    SENSOR_NAME,
    SIMULATOR_VERSION,
    TRUTH_COLUMNS,
    SimulationResult,
    sensor_name,
    simulate,
    write_simulation,
)
from retrogait.simulate.config import Bout, SimulationConfig, parse_bouts

__all__ = [
    "SENSOR_NAME",
    "SIMULATOR_VERSION",
    "TRUTH_COLUMNS",
    "Bout",
    "SimulationConfig",
    "SimulationResult",
    "parse_bouts",
    "sensor_name",
    "simulate",
    "write_simulation",
]
