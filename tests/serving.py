"""`leadgate serve` as a real process on a free loopback port, for tests that need what a client meets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

LEADGATE = str(Path(sys.executable).parent / "leadgate")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(pg_url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADGATE_", "DAGSTER_"))}
    return {**env, "LEADGATE_DATABASE_URL": pg_url, "LEADGATE_HOME": str(home)}


@contextmanager
def serving(pg_url: str, home: Path, *args: str) -> Iterator[str]:
    """`leadgate serve [args]` until the block ends, once /readyz answers 200; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([LEADGATE, "serve", "--port", str(port), *args], env=serve_env(pg_url, home),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
