"""Velocity: how often each lead's email, phone, IP and device were seen in `leads` within a window.

One statement for a whole batch. For each key kind it takes the earlier leads that share a key with the
batch (through the key's index) inside [first arrival - window, last arrival], and counts with a window
function per key ordered by arrival (`RANGE BETWEEN window PRECEDING AND CURRENT ROW`), so a key shared by
10k leads costs a sort, not 10k x 10k comparisons. The batch's keys go in as one array (`= ANY`): an
index scan, or a hashed array probe, even before the planner has statistics on freshly loaded leads (with
`IN (subquery)` and no statistics it chose a nested loop: 8 s for a 10k batch instead of 0.2 s). A lead
counts itself (a first sighting is 1) and every lead received at the same instant. Replays (a retried submission: same content within the replay window)
are not new sightings and are left out; a replay in the batch gets 0, as it carries its original's results.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

# the IP is compared through its keyed HMAC (written by the raw stage): spellings of one address agree
KINDS: dict[str, str] = {"email": "email_key", "phone": "phone_e164", "ip": "ip_hmac",
                         "device": "device_fingerprint"}
COLUMNS = tuple(f"{kind}_seen" for kind in KINDS)


def _sql() -> str:
    keyed = "\n      UNION ALL\n".join(
        f"""      SELECT '{kind}' AS kind, l.{col} AS k, l.lead_id, l.received_at
      FROM leadgate.leads l, span
      WHERE l.{col} = ANY(ARRAY(SELECT DISTINCT {col} FROM b WHERE {col} <> ''))
        AND l.received_at BETWEEN span.lo AND span.hi AND l.replay_of IS NULL"""
        for kind, col in KINDS.items())
    picks = ", ".join(f"coalesce(max(c.n) FILTER (WHERE c.kind = '{kind}'), 0) AS {kind}_seen"
                      for kind in KINDS)
    return f"""
    WITH b AS (
      SELECT lead_id, received_at, {", ".join(KINDS.values())}
      FROM leadgate.leads WHERE lead_id = ANY(:ids)
    ), span AS (
      SELECT min(received_at) - CAST(:window AS interval) AS lo, max(received_at) AS hi FROM b
    ), keyed AS (
{keyed}
    ), counted AS (
      SELECT kind, lead_id, count(*) OVER (
               PARTITION BY kind, k ORDER BY received_at
               RANGE BETWEEN CAST(:window AS interval) PRECEDING AND CURRENT ROW) AS n
      FROM keyed
    )
    SELECT b.lead_id, {picks}
    FROM b LEFT JOIN counted c ON c.lead_id = b.lead_id
    GROUP BY b.lead_id
    ORDER BY b.lead_id
    """


_QUERY = sa.text(_sql()).bindparams(sa.bindparam("ids", type_=ARRAY(sa.Text)),
                                    sa.bindparam("window", type_=sa.Interval))


def velocity_counts(conn: Connection, lead_ids: Sequence[str], window: timedelta) -> pd.DataFrame:
    """Sightings of each lead's keys within `window` before (and at) its arrival.

    Args:
        conn: an open connection.
        lead_ids: the leads to count for (a batch); ids not in `leads` are absent from the result.
        window: how far back a sighting counts (the ruleset's `enrichment.velocity.window_hours`).

    Returns:
        One row per lead, indexed by lead_id, with int columns email_seen, phone_seen, ip_seen, device_seen
        (0 when the lead has no such key).
    """
    ids = sorted(set(lead_ids))
    if not ids:
        return pd.DataFrame(columns=list(COLUMNS), dtype="int64").rename_axis("lead_id")
    rows = conn.execute(_QUERY, {"ids": ids, "window": window}).all()
    df = pd.DataFrame(rows, columns=["lead_id", *COLUMNS]).set_index("lead_id")
    return df.astype("int64")
