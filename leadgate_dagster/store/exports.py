"""Read models for exports: one row per record of a file, with the gate's results."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa


def results_of_file(conn: sa.Connection, file_id: str) -> pd.DataFrame:
    """Gate results per record of one file, in record order. A replay shows its original's validation."""
    return pd.read_sql(sa.text("""
        SELECT e.record_no AS row, d.disposition, d.score, d.score_reachability AS qa_score_reachability,
               d.score_consent AS qa_score_consent, d.score_fit AS qa_score_fit,
               d.reason_codes, COALESCE(l.email_status, o.email_status) AS email_status,
               COALESCE(l.email_flags, o.email_flags) AS email_flags,
               COALESCE(l.phone_e164, o.phone_e164) AS phone_e164,
               COALESCE(l.phone_status, o.phone_status) AS phone_status,
               lp.person_id, dl.file_id AS dup_file_id, dl.record_no AS dup_record_no, lp.duplicate_of,
               d.allowed_channels, d.ruleset_version, d.model_version, d.owner_email, d.owner_rule, d.account_id,
               d.account_match, d.account_match_confidence, d.alternate_offer, e.payload
        FROM leadgate.intake_events e
        JOIN leadgate.leads l ON l.lead_id = e.lead_id
        LEFT JOIN leadgate.leads o ON o.lead_id = l.replay_of
        LEFT JOIN leadgate.dispositions d ON d.lead_id = e.lead_id AND d.is_current
        LEFT JOIN leadgate.lead_person lp ON lp.lead_id = e.lead_id
        LEFT JOIN leadgate.leads dl ON dl.lead_id = lp.duplicate_of
        WHERE e.file_id = :f ORDER BY e.record_no
    """), conn, params={"f": file_id})


def batch_preview(conn: sa.Connection, batch_id: str, limit: int = 10) -> pd.DataFrame:
    """The first leads of a batch with their disposition, for a masked preview in the asset's metadata."""
    return pd.read_sql(sa.text("""
        SELECT l.source, l.email_normalized AS email, l.phone_e164 AS phone, d.disposition, d.score,
               array_to_string(d.reason_codes, ';') AS reasons
        FROM leadgate.leads l JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
        WHERE l.batch_id = :b ORDER BY l.received_at, l.record_no LIMIT :n
    """), conn, params={"b": batch_id, "n": limit})
