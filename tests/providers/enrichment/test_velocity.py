"""Velocity counts on rows inserted into `leadgate.leads` (the real, migrated Postgres)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from leadgate_dagster.core.enrichment_signals import velocity_findings
from leadgate_dagster.core.ip_hmac import ip_hmac
from leadgate_dagster.store.tables import leads
from leadgate_dagster.store.velocity import velocity_counts

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _lead(lead_id: str, minutes: float, batch: str = "b1", **keys: str | None) -> dict[str, object]:
    row: dict[str, object] = {"lead_id": lead_id, "batch_id": batch, "channel": "api",
                              "received_at": T0 + timedelta(minutes=minutes), "email_key": None,
                              "phone_e164": None, "ip": None, "device_fingerprint": None, "replay_of": None}
    row.update(keys)
    row["ip_hmac"] = ip_hmac(row["ip"], b"velocity-test") if isinstance(row["ip"], str) else None  # raw stage
    return row


def test_counts_per_key_within_the_window(engine: sa.Engine) -> None:
    rows = [
        # three earlier sightings of the same IP: two inside the 24 h window, one outside it
        _lead("old", -60 * 30, "b0", ip="203.0.113.7"),
        _lead("e1", -60 * 5, "b0", ip="203.0.113.7", email_key="ann@x.com"),
        _lead("e2", -30, "b0", ip="203.0.113.7", device_fingerprint="dev-1"),
        _lead("r1", -20, "b0", ip="203.0.113.7", replay_of="e2"),  # a replay is not a new sighting
        _lead("later", 60, "b2", ip="203.0.113.7"),  # after the batch lead: not counted for it
        _lead("n1", 0, ip="203.0.113.7", email_key="ann@x.com", phone_e164="+14155550100",
              device_fingerprint="dev-1"),
        _lead("n2", 0, ip="::ffff:198.51.100.1", email_key="bob@x.com"),
        _lead("e3", -10, "b0", ip="198.51.100.1"),  # the same address spelt differently: one key
        _lead("n3", 0, email_key="bob@x.com", ip=""),
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(leads), rows)
        counts = velocity_counts(conn, ["n1", "n2", "n3", "missing"], timedelta(hours=24))
    assert counts.to_dict("index") == {
        "n1": {"email_seen": 2, "phone_seen": 1, "ip_seen": 3, "device_seen": 2},
        "n2": {"email_seen": 2, "phone_seen": 0, "ip_seen": 2, "device_seen": 0},
        "n3": {"email_seen": 2, "phone_seen": 0, "ip_seen": 0, "device_seen": 0},  # same instant counts both
    }
    assert list(counts.dtypes.unique()) == ["int64"]
    with engine.connect() as conn:
        narrow = velocity_counts(conn, ["n1"], timedelta(hours=1))
    assert narrow.loc["n1", "ip_seen"] == 2 and narrow.loc["n1", "email_seen"] == 1


def test_velocity_findings_thresholds() -> None:
    limits = {"email": 3, "phone": 3, "ip": 10, "device": 5}
    assert velocity_findings({"email_seen": 3, "ip_seen": 10}, limits) == []
    assert velocity_findings({"email_seen": 4, "ip_seen": 11, "device_seen": 1}, limits) == [
        ("VELOCITY_HIGH", "email=4>3, ip=11>10")]


def test_no_leads_gives_an_empty_frame(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        assert velocity_counts(conn, [], timedelta(hours=1)).empty
