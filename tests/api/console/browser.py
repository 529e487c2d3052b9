"""A real browser on a real server: `leadgate serve` on a free port against the test database, and Debian's
chromium driven by Playwright. Browser downloads are not used (and fail offline): `.ci/run` installs
chromium, and a missing one fails these tests rather than skipping them."""

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
import pytest

CHROMIUM = "/usr/bin/chromium"
LEADGATE = str(Path(sys.executable).parent / "leadgate")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(pg_url: str, home: Path) -> Iterator[str]:
    """`leadgate serve` on a free loopback port until the block ends; yields its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADGATE_", "DAGSTER_"))}
    env.update(LEADGATE_DATABASE_URL=pg_url, LEADGATE_HOME=str(home))
    port = free_port()
    proc = subprocess.Popen([LEADGATE, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
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


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
