"""`leadgate serve` as a client meets it: real processes on real ports. Two of them receiving the same
Idempotency-Key at the same moment store one lead and give both callers the same bytes; it refuses to listen
beyond this machine with nobody able to post; /readyz tells whether the schema is current."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from leadgate_dagster.gate.api_access import issue_key

LEADGATE = str(Path(sys.executable).parent / "leadgate")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(pg_url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADGATE_", "DAGSTER_"))}
    return {**env, "LEADGATE_DATABASE_URL": pg_url, "LEADGATE_HOME": str(home)}


@contextmanager
def _serving(pg_url: str, home: Path, *args: str) -> Iterator[str]:
    port = _port()
    proc = subprocess.Popen([LEADGATE, "serve", "--port", str(port), *args], env=_env(pg_url, home),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
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


def test_two_serve_processes_given_one_key_at_once_store_one_lead(pg_url: str, engine: sa.Engine,
                                                                   tmp_path: Path) -> None:
    _, key = issue_key(engine, "website")
    with _serving(pg_url, tmp_path) as a, _serving(pg_url, tmp_path) as b:
        assert httpx.get(f"{a}/readyz").json()["status"] == "ready"
        for n in range(10):
            barrier, answers = threading.Barrier(2), {}

            def post(base: str, n: int = n, barrier: threading.Barrier = barrier,
                     answers: dict[str, httpx.Response] = answers) -> None:
                barrier.wait()
                answers[base] = httpx.post(f"{base}/v1/leads", json={"email": f"race{n}@northwind.com"},
                                           headers={"X-API-Key": key, "Idempotency-Key": f"race-{n}"}, timeout=30)

            threads = [threading.Thread(target=post, args=(base,)) for base in (a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [answers[x].status_code for x in (a, b)] == [202, 202]
            assert answers[a].content == answers[b].content
            assert sorted(r.headers.get("Idempotent-Replayed", "") for r in answers.values()) == ["", "true"]
    with engine.connect() as conn:
        per_key = conn.execute(sa.text(
            "SELECT fields ->> 'email', count(*) FROM leadgate.intake_events GROUP BY 1")).all()
    assert sorted(per_key) == sorted((f"race{n}@northwind.com", 1) for n in range(10))


def test_serve_refuses_to_listen_beyond_loopback_with_no_key(pg_url: str, engine: sa.Engine, tmp_path: Path) -> None:
    done = subprocess.run([LEADGATE, "serve", "--host", "0.0.0.0", "--port", str(_port())],
                          env=_env(pg_url, tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "leadgate keys add" in done.stderr


@pytest.mark.parametrize("args", [["--host", "0.0.0.0", "--insecure-dev"], ["--workers", "2"]])
def test_serve_listens_with_insecure_dev_or_several_workers(pg_url: str, engine: sa.Engine, tmp_path: Path,
                                                            args: list[str]) -> None:
    with _serving(pg_url, tmp_path, *args) as base:
        resp = httpx.post(f"{base}/v1/leads", json={"email": "ann@northwind.com"}, headers={"X-Lead-Source": "s"})
        assert resp.status_code == (202 if "--insecure-dev" in args else 401)


def test_readyz_says_when_the_schema_is_behind(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from leadgate_dagster.api.app import app

    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    client = TestClient(app)
    assert client.get("/readyz").json()["status"] == "ready"
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.alembic_version SET version_num = '0009_info_reasons_locality'"))
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503 and behind.json()["status"] == "migrations pending"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE leadgate.alembic_version SET version_num = :v"),
                         {"v": client.get("/readyz").json()["head"]})
    monkeypatch.setenv("LEADGATE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["status"] == "unavailable"
