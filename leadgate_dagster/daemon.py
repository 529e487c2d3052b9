"""`dagster-daemon`, with the sensor loop's pause shortened from 5 s to `SENSOR_LOOP_SECONDS`.

Dagster's sensor daemon starts a round of sensor ticks at most every 5 s (`MIN_INTERVAL_LOOP_TIME` in
`dagster/_daemon/sensor.py`; no setting exposes it). leadgate's intake sensors long-poll within a tick and
return the moment work appears, so the run is requested at once, but the next tick then waits for the next
round: a file dropped in that gap waited up to 5 s before anyone looked (1.65 s median of 40 single files
before this). With a short pause the next tick starts within a second and long-polls again. Each round costs a
few indexed reads of sensor state, fine on one host. `leadgate dev` runs the daemon through this module; run
`python -m leadgate_dagster.daemon run -w workspace.yaml` wherever `dagster-daemon run` would be used.
"""

from __future__ import annotations

import inspect
import sys

import dagster._daemon.sensor as sensor_daemon

SENSOR_LOOP_SECONDS = 0.5


def shorten_sensor_loop() -> None:
    """Set the pause, refusing loudly if a Dagster upgrade moved it (rather than silently going back to 5 s)."""
    loop = inspect.getsource(sensor_daemon.execute_sensor_iteration_loop)
    if not hasattr(sensor_daemon, "MIN_INTERVAL_LOOP_TIME") or "MIN_INTERVAL_LOOP_TIME" not in loop:
        raise RuntimeError("dagster._daemon.sensor no longer paces its loop with MIN_INTERVAL_LOOP_TIME: "
                           "update leadgate_dagster/daemon.py for this Dagster version")
    sensor_daemon.MIN_INTERVAL_LOOP_TIME = SENSOR_LOOP_SECONDS


def main() -> int:
    shorten_sensor_loop()
    from dagster._daemon.cli import main as daemon_main

    return daemon_main()


if __name__ == "__main__":
    sys.exit(main())
