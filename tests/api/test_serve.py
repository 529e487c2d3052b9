"""`leadgate serve` as a client meets it: real processes on real ports. Two of them receiving the same
Idempotency-Key at the same moment store one lead and give both callers the same bytes; it refuses to listen
beyond this machine with nobody able to post; /readyz tells whether the schema is current."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from leadgate_dagster.gate.api_access import issue_key
from tests.serving import LEADGATE, free_port, serve_env, serving


def test_two_serve_processes_given_one_key_at_once_store_one_lead(pg_url: str, engine: sa.Engine,
                                                                   tmp_path: Path) -> None:
    _, key = issue_key(engine, "website")
    with serving(pg_url, tmp_path) as a, serving(pg_url, tmp_path) as b:
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
    done = subprocess.run([LEADGATE, "serve", "--host", "0.0.0.0", "--port", str(free_port())],
                          env=serve_env(pg_url, tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "leadgate keys add" in done.stderr


@pytest.mark.parametrize("args", [["--host", "0.0.0.0", "--insecure-dev"], ["--workers", "2"]])
def test_serve_listens_with_insecure_dev_or_several_workers(pg_url: str, engine: sa.Engine, tmp_path: Path,
                                                            args: list[str]) -> None:
    with serving(pg_url, tmp_path, *args) as base:
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
