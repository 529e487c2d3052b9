"""ForkserverRunLauncher: runs execute in a worker forked from the warm forkserver, to the end, in the
instance's Postgres storage; termination cancels a running worker; run monitoring sees whether it lives."""

from __future__ import annotations

import os
import time

import dagster as dg
import pytest
from dagster._core.launcher import LaunchRunContext, WorkerStatus

from leadgate_dagster.run_launcher import PID_TAG, ForkserverRunLauncher
from tests.dagster import launcher_jobs


@pytest.fixture
def launcher(dagster_instance: dg.DagsterInstance) -> ForkserverRunLauncher:
    launcher = ForkserverRunLauncher(preload_modules=["dagster", "dagster._cli.api", "dagster_postgres"])
    launcher.register_instance(dagster_instance)
    return launcher


def _launch(instance: dg.DagsterInstance, launcher: ForkserverRunLauncher, job: dg.JobDefinition) -> dg.DagsterRun:
    origin = dg.reconstructable(getattr(launcher_jobs, job.name)).get_python_origin()
    run = instance.create_run_for_job(job_def=job, job_code_origin=origin)
    launcher.launch_run(LaunchRunContext(dagster_run=run, workspace=None))
    return run


def _wait(instance: dg.DagsterInstance, run_id: str, statuses: set[dg.DagsterRunStatus],
          seconds: float = 60) -> dg.DagsterRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in statuses:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} never reached {statuses}: {instance.get_run_by_id(run_id).status}")


def test_a_launched_run_executes_in_a_forked_worker(dagster_instance: dg.DagsterInstance,
                                                    launcher: ForkserverRunLauncher) -> None:
    run = _launch(dagster_instance, launcher, launcher_jobs.quick_job)
    done = _wait(dagster_instance, run.run_id, {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE})
    assert done.status == dg.DagsterRunStatus.SUCCESS
    pid = int(done.tags[PID_TAG])
    assert pid != os.getpid()
    logs = [e.user_message for e in dagster_instance.all_logs(run.run_id)]
    assert f"run worker pid {pid}" in logs  # the op ran in the forked worker, not here
    deadline = time.monotonic() + 30  # the worker exits shortly after it recorded the run's success
    while (health := launcher.check_run_worker_health(done)).status == WorkerStatus.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert health.status == WorkerStatus.SUCCESS


def test_terminate_cancels_a_running_worker(dagster_instance: dg.DagsterInstance,
                                            launcher: ForkserverRunLauncher) -> None:
    run = _launch(dagster_instance, launcher, launcher_jobs.slow_job)
    started = _wait(dagster_instance, run.run_id, {dg.DagsterRunStatus.STARTED})
    assert launcher.check_run_worker_health(started).status == WorkerStatus.RUNNING
    assert launcher.terminate(run.run_id)
    ended = _wait(dagster_instance, run.run_id, {dg.DagsterRunStatus.CANCELED, dg.DagsterRunStatus.FAILURE}, 30)
    assert ended.status == dg.DagsterRunStatus.CANCELED
    assert not launcher.terminate(run.run_id)  # a finished run is not terminated again
