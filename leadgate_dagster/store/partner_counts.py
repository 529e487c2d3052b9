"""How many leads each partner already had accepted today: the input of the partners' daily caps."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa


def accepted_today(conn: sa.Connection, partner_ids: Sequence[str], *, accepted: Sequence[str],
                   exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Per partner, the leads received since midnight UTC whose current disposition is one of `accepted`,
    replays and the `exclude`d leads (the ones being decided now) not counted: partner_id, accepted_today."""
    return pd.read_sql(sa.text("""
        SELECT l.partner_id, count(*) AS accepted_today
        FROM leadgate.leads l JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
        WHERE l.partner_id = ANY(:partners) AND d.disposition = ANY(:accepted) AND l.replay_of IS NULL
          AND l.received_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          AND NOT (l.lead_id = ANY(:exclude))
        GROUP BY l.partner_id ORDER BY l.partner_id
    """), conn, params={"partners": list(partner_ids), "accepted": list(accepted), "exclude": list(exclude)})
