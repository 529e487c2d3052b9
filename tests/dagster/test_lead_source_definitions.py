"""The code location with and without a lead-sources file: one sensor and one EnvVar-configured resource per
configured source, none without a file, and a file that does not parse stops the load naming its keys.

Definitions are built when `leadgate_dagster.definitions` is imported, so each case imports it in a fresh
interpreter with its own environment, as `dagster dev` or the daemon would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadgate_dagster import settings

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
import dagster as dg
from leadgate_dagster.definitions import defs
dg.Definitions.validate_loadable(defs)
polls = [s for s in defs.sensors if s.name.startswith("lead_source_")]
print(json.dumps({"sensors": [s.name for s in defs.sensors],
                  "polls": [[s.name, s.minimum_interval_seconds, sorted(s.required_resource_keys)] for s in polls],
                  "resources": {k: [r.url, r.token.env_var_name if isinstance(r.token, dg.EnvVar) else r.token]
                                for k, r in defs.resources.items() if k.startswith("lead_source_")}}))
"""
SOURCES = """sources:
  - name: fb_lead_ads
    url: https://graph.example.com/v21.0/123/leads
    pagination: {style: cursor, param: after, next_path: paging.cursors.after}
    token_env: FB_LEADS_TOKEN
    min_interval_s: 120
  - name: webforms
    url: https://forms.example.com/submissions
    pagination: {style: since, field: created_at}
"""


def _load(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "LEADGATE_LEAD_SOURCES"}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**clean, "PYTHONPATH": str(ROOT), "LEADGATE_HOME": str(home), **env})


def test_each_configured_source_is_a_sensor_with_an_envvar_token_resource(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    done = _load(tmp_path, LEADGATE_LEAD_SOURCES=str(path))  # FB_LEADS_TOKEN unset: the load does not need it
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["polls"] == [
        ["lead_source_fb_lead_ads_sensor", 120, ["db", "lead_source_fb_lead_ads", "rules"]],
        ["lead_source_webforms_sensor", 60, ["db", "lead_source_webforms", "rules"]]]
    assert loaded["resources"] == {
        "lead_source_fb_lead_ads": ["https://graph.example.com/v21.0/123/leads", "FB_LEADS_TOKEN"],
        "lead_source_webforms": ["https://forms.example.com/submissions", ""]}


def test_without_a_file_nothing_is_polled_and_a_bad_file_stops_the_load(tmp_path: Path) -> None:
    done = _load(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["sensors"] == [
        "inbox_sensor", "intake_batch_sensor", "contract_sensor", "crm_outbox_sensor"]
    (tmp_path / "lead_sources.yaml").write_text(SOURCES.replace("token_env", "token"))  # found in LEADGATE_HOME
    broken = _load(tmp_path)
    assert broken.returncode != 0
    assert "sources.0.token (line 5): unknown key" in broken.stderr


def test_the_file_is_the_named_one_else_the_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADGATE_LEAD_SOURCES", raising=False)
    monkeypatch.setenv("LEADGATE_HOME", str(tmp_path))
    assert settings.lead_sources_file() is None
    (tmp_path / "lead_sources.yaml").write_text("sources: []\n")
    assert settings.lead_sources_file() == tmp_path / "lead_sources.yaml"
    monkeypatch.setenv("LEADGATE_LEAD_SOURCES", str(tmp_path / "elsewhere.yaml"))
    assert settings.lead_sources_file() == tmp_path / "elsewhere.yaml"  # named: loading it says if it is missing
