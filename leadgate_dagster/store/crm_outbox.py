"""The CRM outbox: rows written in the transaction of the change they announce, the persons due for a
delivery, and what became of each delivery.

A person is announced only while it matters to the CRM: a decision that hands it off (the caller names the
handoff dispositions), or any change once the person was handed off (it has a link or an outbox row). The
drainer holds a session advisory lock, so two drains never send one person's states out of order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

_DRAIN_LOCK = 7_215_018
# the person is known to the CRM handoff: delivered before, or announced before
_KNOWN = """(EXISTS (SELECT 1 FROM leadgate.crm_links k WHERE k.person_id = {p})
             OR EXISTS (SELECT 1 FROM leadgate.crm_outbox o WHERE o.person_id = {p}))"""


def enqueue_decisions(conn: sa.Connection, lead_ids: Sequence[str], *, handoff: Sequence[str]) -> int:
    """Announce the current decisions of these leads that the CRM has not heard of: those that hand the
    lead's person off, and any of a person already handed off. A decision is announced once (re-running a
    batch adds nothing); `cause` is whatever decided it."""
    if not lead_ids:
        return 0
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.crm_outbox (person_id, lead_id, disposition_id, cause)
        SELECT lp.person_id, d.lead_id, d.disposition_id, d.decided_by
        FROM leadgate.dispositions d JOIN leadgate.lead_person lp ON lp.lead_id = d.lead_id
        WHERE d.is_current AND d.lead_id = ANY(:ids)
          AND (d.disposition = ANY(:handoff) OR {_KNOWN.format(p="lp.person_id")})
        ORDER BY d.disposition_id
        ON CONFLICT (disposition_id) WHERE disposition_id IS NOT NULL DO NOTHING
    """), {"ids": list(lead_ids), "handoff": list(handoff)}).rowcount


def enqueue_current(conn: sa.Connection, *, handoff: Sequence[str]) -> int:
    """Announce every current handoff decision the CRM has not heard of (decisions made before the outbox
    existed): `leadgate crm backfill`."""
    return conn.execute(sa.text("""
        INSERT INTO leadgate.crm_outbox (person_id, lead_id, disposition_id, cause)
        SELECT lp.person_id, d.lead_id, d.disposition_id, 'backfill'
        FROM leadgate.dispositions d JOIN leadgate.lead_person lp ON lp.lead_id = d.lead_id
        WHERE d.is_current AND d.disposition = ANY(:handoff)
          AND NOT EXISTS (SELECT 1 FROM leadgate.crm_outbox o WHERE o.disposition_id = d.disposition_id)
        ORDER BY d.disposition_id
        ON CONFLICT (disposition_id) WHERE disposition_id IS NOT NULL DO NOTHING
    """), {"handoff": list(handoff)}).rowcount


def enqueue_merge(conn: sa.Connection, *, survivor: str, absorbed: str) -> int:
    """A person merge, in its transaction: the absorbed person's pending rows now announce the survivor, and
    the merge itself is announced when either person is known (its CRM record is merged in the drain)."""
    conn.execute(sa.text("UPDATE leadgate.crm_outbox SET person_id = :s WHERE person_id = :a AND status = 'pending'"),
                 {"s": survivor, "a": absorbed})
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.crm_outbox (person_id, absorbed_person_id, cause)
        SELECT CAST(:s AS text), CAST(:a AS text), 'merge'
        WHERE {_KNOWN.format(p="CAST(:s AS text)")} OR {_KNOWN.format(p="CAST(:a AS text)")}
    """), {"s": survivor, "a": absorbed}).rowcount


def enqueue_persons(conn: sa.Connection, person_ids: Sequence[str], *, cause: str) -> int:
    """Announce those of these persons the CRM handoff knows (an unmerge, a split)."""
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.crm_outbox (person_id, cause)
        SELECT p, :cause FROM unnest(CAST(:ids AS text[])) AS p WHERE {_KNOWN.format(p="p")}
    """), {"ids": sorted(set(person_ids)), "cause": cause}).rowcount


def retry(conn: sa.Connection, person_id: str, *, absorbed: str | None, cause: str, now: datetime) -> int:
    """A reviewer's retry: the person's failed rows are due again with a fresh budget, and one more row makes
    the person due even when none had failed (a refused merge: `absorbed`, whose record to merge again)."""
    requeued = conn.execute(sa.text("""
        UPDATE leadgate.crm_outbox SET status = 'pending', attempts = 0, next_attempt_at = :now, done_at = NULL
        WHERE person_id = :p AND status = 'failed'
    """), {"p": person_id, "now": now}).rowcount
    conn.execute(sa.text("""
        INSERT INTO leadgate.crm_outbox (person_id, absorbed_person_id, cause, next_attempt_at)
        VALUES (:p, :a, :cause, :now)
    """), {"p": person_id, "a": absorbed, "cause": cause, "now": now})
    return requeued + 1


@dataclass(frozen=True, slots=True)
class DuePerson:
    person_id: str
    first: int  # the oldest due row: the drain's order and its place
    seq: int  # the newest due row: what a delivery covers
    attempts: int  # failed drains so far
    absorbed: tuple[str, ...]  # persons merged into this one, oldest first


def due_persons(conn: sa.Connection, *, now: datetime, after: int, limit: int) -> list[DuePerson]:
    """Persons with pending rows due at `now`, oldest first, starting after the person whose oldest due row
    is `after` (a drain walks the outbox once)."""
    rows = conn.execute(sa.text("""
        SELECT person_id, min(outbox_id) AS first, max(outbox_id) AS seq, max(attempts) AS attempts,
               COALESCE(array_agg(absorbed_person_id ORDER BY outbox_id)
                        FILTER (WHERE absorbed_person_id IS NOT NULL), '{}') AS absorbed
        FROM leadgate.crm_outbox WHERE status = 'pending' AND next_attempt_at <= :now
        GROUP BY person_id HAVING min(outbox_id) > :after
        ORDER BY first LIMIT :limit
    """), {"now": now, "after": after, "limit": limit}).all()
    return [DuePerson(r.person_id, int(r.first), int(r.seq), int(r.attempts), tuple(r.absorbed)) for r in rows]


def due_mark(conn: sa.Connection) -> str:
    """"<newest due row>:<rows due>" now, "" when nothing is due (one scan of the pending index): it changes
    when rows arrive, fall due again or are delivered, and not while rows wait for a missing destination."""
    row = conn.execute(sa.text("SELECT max(outbox_id) AS newest, count(*) AS n FROM leadgate.crm_outbox "
                               "WHERE status = 'pending' AND next_attempt_at <= now()")).one()
    return f"{row.newest}:{row.n}" if row.n else ""


def settle(conn: sa.Connection, rows: Sequence[tuple[str, int]], *, status: str, now: datetime,
           error: Sequence[str | None] | None = None) -> int:
    """Close each (person, seq)'s rows up to seq that are not done yet: sent (failed ones included: the newer
    state covers them), skipped (nothing to tell the CRM) or failed (an exception was filed)."""
    if not rows:
        return 0
    done = "('pending', 'failed')" if status == "sent" else "('pending')"
    return conn.execute(sa.text(f"""
        UPDATE leadgate.crm_outbox o SET status = :status, done_at = :now, last_error = COALESCE(q.e, o.last_error)
        FROM unnest(CAST(:p AS text[]), CAST(:s AS bigint[]), CAST(:e AS text[])) AS q(p, s, e)
        WHERE o.person_id = q.p AND o.outbox_id <= q.s AND o.status IN {done}
    """), {"status": status, "now": now, "p": [r[0] for r in rows], "s": [r[1] for r in rows],
           "e": list(error) if error else [None] * len(rows)}).rowcount


def postpone(conn: sa.Connection, rows: Sequence[tuple[str, int, datetime, str]]) -> int:
    """(person, seq, next attempt, error): a failed drain counts against each of the person's pending rows."""
    if not rows:
        return 0
    return conn.execute(sa.text("""
        UPDATE leadgate.crm_outbox o SET attempts = o.attempts + 1, next_attempt_at = q.n, last_error = q.e
        FROM unnest(CAST(:p AS text[]), CAST(:s AS bigint[]), CAST(:n AS timestamptz[]), CAST(:e AS text[]))
             AS q(p, s, n, e)
        WHERE o.person_id = q.p AND o.outbox_id <= q.s AND o.status = 'pending'
    """), {"p": [r[0] for r in rows], "s": [r[1] for r in rows], "n": [r[2] for r in rows],
           "e": [r[3] for r in rows]}).rowcount


def try_lock(conn: sa.Connection) -> bool:
    """The drainer's session lock (held on this connection until `unlock`); False when another drain runs."""
    return bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _DRAIN_LOCK}).scalar())


def unlock(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _DRAIN_LOCK})


def depth(conn: sa.Connection, *, now: datetime) -> dict[str, Any]:
    """The outbox as the asset reports it: pending rows and persons, those due, the oldest due row's age,
    failed rows (an exception is open for them) and what the last hour delivered."""
    row = conn.execute(sa.text("""
        SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
               count(DISTINCT person_id) FILTER (WHERE status = 'pending') AS pending_persons,
               count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= :now) AS due,
               extract(epoch FROM :now - min(created_at) FILTER (WHERE status = 'pending'
                                                                  AND next_attempt_at <= :now)) AS due_age,
               extract(epoch FROM :now - min(created_at) FILTER (WHERE status = 'pending')) AS pending_age,
               count(*) FILTER (WHERE status = 'failed') AS failed
        FROM leadgate.crm_outbox WHERE status IN ('pending', 'failed')
    """), {"now": now}).one()
    return {"pending_rows": int(row.pending), "pending_persons": int(row.pending_persons), "due_rows": int(row.due),
            "oldest_due_age_s": round(float(row.due_age or 0.0), 1),
            "oldest_pending_age_s": round(float(row.pending_age or 0.0), 1), "failed_rows": int(row.failed)}
