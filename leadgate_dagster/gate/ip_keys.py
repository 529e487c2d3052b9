"""The batch's IP addresses as keyed HMACs (`leads.ip_hmac`), written when the leads are copied from intake,
before anything uses an IP as a key (velocity) or as consent proof."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.core.ip_hmac import ip_hmacs
from leadgate_dagster.store import leads
from leadgate_dagster.store.bulk import update_from_rows


def key_batch_ips(conn: sa.Connection, batch_id: str, key: bytes) -> int:
    """Set `ip_hmac` for the batch's leads that give an IP (None where the value is not an address).

    Idempotent: the same key gives the same values. Returns the number of leads updated.
    """
    df = leads.load_batch(conn, batch_id, columns=["ip"], not_null=["ip"])
    if df.empty:
        return 0
    hashed = ip_hmacs(df["ip"], key)
    return update_from_rows(conn, "leads", "lead_id", ["ip_hmac"], zip(df["lead_id"], hashed, strict=True))
