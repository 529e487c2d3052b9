"""A run launcher whose run workers are forked from a warm process instead of started cold.

Dagster's default launcher asks the code server to *spawn* a run worker: a fresh interpreter that imports
Dagster, pandas, SQLAlchemy and the code location before the run's first step, ≈ 3–4 s of a 50-lead batch's
7 s on this project's machine. This launcher runs the very command the container launchers run
(`dagster api execute_run`, from `ExecuteRunArgs`), in a process forked from a multiprocessing *forkserver*
that imported the third-party libraries once. The code location itself is imported fresh by every run worker,
so a code reload is never served stale code. Runs whose code does not load from a Python module of this
environment go through the default launcher.

Termination sends the worker SIGINT (Dagster's interrupt: the run is marked canceled); run monitoring can ask
whether the worker process is alive.
"""

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, LaunchRunContext, ResumeRunContext, WorkerStatus
from dagster._core.origin import JobPythonOrigin
from dagster._grpc.types import ExecuteRunArgs, ResumeRunArgs
from dagster._serdes import ConfigurableClassData

PID_TAG = "leadgate/run_worker_pid"
# "__main__": the launching process's script (dagster-daemon, dagster-webserver), which every forked child
# would otherwise import again.
PRELOAD = ("__main__", "dagster", "dagster._cli", "dagster._cli.api", "dagster_postgres", "numpy", "pandas", "sqlalchemy",
           "psycopg", "pydantic", "phonenumbers", "rapidfuzz", "httpx", "tenacity", "yaml", "alembic",
           "xml.etree.ElementTree", "nameparser", "charset_normalizer", "leadgate_dagster.run_worker_warmup")


def _run_worker(command: Sequence[str]) -> None:
    """The run worker: `dagster api execute_run|resume_run <args>` in this (forked, warm) process.

    What the forkserver imported is frozen out of the garbage collector first (`gc.freeze`, as pre-forking
    servers do): a full collection then skips those hundreds of thousands of objects, which otherwise cost a
    30-70 ms pause every so often in the middle of a stage, and never writes to their shared pages."""
    from dagster._cli.api import api_cli

    gc.freeze()
    api_cli.main(args=list(command[2:]), prog_name="dagster api")


def _warm() -> None:
    """Nothing: starting it makes the forkserver import what it preloads."""


class ForkserverRunLauncher(dg.DefaultRunLauncher):
    """Run workers forked from a forkserver that has imported `preload_modules` (Dagster and the libraries
    the runs use); one forkserver per launching process (the daemon for sensor and schedule runs, the
    webserver for runs launched from the UI), warmed in the background when the launcher is created."""

    def __init__(self, inst_data: ConfigurableClassData | None = None,
                 preload_modules: Sequence[str] = PRELOAD):
        super().__init__(inst_data=inst_data)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload_modules))
        self._workers: dict[str, Any] = {}
        threading.Thread(target=self._start_worker, args=(_warm,), daemon=True, name="forkserver-warmup").start()

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"preload_modules": dg.Field([str], is_required=False, default_value=list(PRELOAD))}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData,
                          config_value: Mapping[str, Any]) -> "ForkserverRunLauncher":
        return cls(inst_data=inst_data, preload_modules=config_value.get("preload_modules", PRELOAD))

    def _start_worker(self, target: Any, *args: Any) -> Any:
        process = self._context.Process(target=target, args=args, daemon=False)
        process.start()
        return process

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        origin = run.job_code_origin
        if not isinstance(origin, JobPythonOrigin):
            super().launch_run(context)
            return
        self._launch(run, ExecuteRunArgs(job_origin=origin, run_id=run.run_id,
                                         instance_ref=self._instance.get_ref()).get_command_args())

    @property
    def supports_resume_run(self) -> bool:
        return True

    def resume_run(self, context: ResumeRunContext) -> None:
        run = context.dagster_run
        origin = run.job_code_origin
        if not isinstance(origin, JobPythonOrigin):
            raise dg.DagsterInvariantViolationError(f"run {run.run_id} has no Python origin to resume from")
        self._launch(run, ResumeRunArgs(job_origin=origin, run_id=run.run_id,
                                        instance_ref=self._instance.get_ref()).get_command_args())

    def _launch(self, run: dg.DagsterRun, command: Sequence[str]) -> None:
        self._workers = {rid: p for rid, p in self._workers.items() if p.is_alive()}
        process = self._start_worker(_run_worker, list(command))
        self._workers[run.run_id] = process
        self._instance.add_run_tags(run.run_id, {PID_TAG: str(process.pid)})
        self._instance.report_engine_event(f"Forked run worker (pid {process.pid}) from the warm forkserver.", run,
                                           cls=self.__class__)

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return False
        pid = run.tags.get(PID_TAG)
        if pid is None:
            return super().terminate(run_id)
        self._instance.report_run_canceling(run)
        try:
            os.kill(int(pid), signal.SIGINT)
        except ProcessLookupError:
            return False
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        pid = run.tags.get(PID_TAG)
        if pid is None:
            return CheckRunHealthResult(WorkerStatus.UNKNOWN, "run was not launched by this launcher")
        process = self._workers.get(run.run_id)
        if process is not None and not process.is_alive():
            status = WorkerStatus.SUCCESS if process.exitcode == 0 else WorkerStatus.FAILED
            return CheckRunHealthResult(status, f"run worker exited with code {process.exitcode}")
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return CheckRunHealthResult(WorkerStatus.NOT_FOUND, f"run worker pid {pid} is gone")
        return CheckRunHealthResult(WorkerStatus.RUNNING)
