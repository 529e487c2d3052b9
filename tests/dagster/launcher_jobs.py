"""Jobs for the run-launcher tests: importable by module path, as a forked run worker loads them."""

import time

import dagster as dg


@dg.op
def say_pid(context: dg.OpExecutionContext) -> None:
    import os

    context.log.info(f"run worker pid {os.getpid()}")


@dg.job(executor_def=dg.in_process_executor)
def quick_job() -> None:
    say_pid()


@dg.op
def wait_long() -> None:
    time.sleep(60)


@dg.job(executor_def=dg.in_process_executor)
def slow_job() -> None:
    wait_long()
