"""Sales outcomes per lead, and the training frame that joins them with what leadgate knew of the lead."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.store.bulk import copy_rows

COLUMNS = ("lead_id", "converted", "outcome", "value", "occurred_at", "source")


def upsert(conn: sa.Connection, rows: pd.DataFrame) -> int:
    """Store outcomes (COLUMNS); a lead's newer outcome replaces its older one. Returns rows written."""
    if rows.empty:
        return 0
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_outcomes_in"))
    conn.execute(sa.text(f"CREATE TEMP TABLE tmp_outcomes_in ON COMMIT DROP AS SELECT {', '.join(COLUMNS)} "
                         "FROM leadgate.outcomes WITH NO DATA"))
    values = rows[list(COLUMNS)].astype(object).where(rows[list(COLUMNS)].notna(), None)
    copy_rows(conn, "tmp_outcomes_in", COLUMNS, values.itertuples(index=False, name=None))
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.outcomes ({', '.join(COLUMNS)})
        SELECT DISTINCT ON (lead_id) {', '.join(COLUMNS)} FROM tmp_outcomes_in
        ON CONFLICT (lead_id) DO UPDATE SET converted = EXCLUDED.converted, outcome = EXCLUDED.outcome,
            value = EXCLUDED.value, occurred_at = EXCLUDED.occurred_at, source = EXCLUDED.source,
            recorded_at = now()
    """)).rowcount


def counts(conn: sa.Connection) -> tuple[int, int]:
    """(outcomes stored, outcomes whose lead leadgate knows)."""
    row = conn.execute(sa.text("""
        SELECT count(*) AS n, count(l.lead_id) AS known
        FROM leadgate.outcomes o LEFT JOIN leadgate.leads l ON l.lead_id = o.lead_id""")).one()
    return int(row.n), int(row.known)


def training_frame(conn: sa.Connection) -> pd.DataFrame:
    """One row per outcome whose lead leadgate knows: the model's inputs as they were when the lead was
    decided (job title, seniority and department from validation, industry, employee count, demo request,
    and engagement from the current disposition's score inputs) plus `converted`."""
    frame = pd.read_sql(sa.text("""
        SELECT o.lead_id, o.converted, l.job_title, l.industry, l.employee_count, l.demo_requested,
               l.validation->>'seniority' AS seniority, l.validation->>'department' AS department,
               (d.score_inputs->'engagement'->>'engagement_score')::float AS engagement_score,
               d.score_inputs->'engagement'->'intent_signals' AS intent_signals,
               COALESCE((d.score_inputs->'engagement'->>'demo_event')::boolean, false) AS demo_event
        FROM leadgate.outcomes o
        JOIN leadgate.leads l ON l.lead_id = o.lead_id
        LEFT JOIN leadgate.dispositions d ON d.lead_id = o.lead_id AND d.is_current
        ORDER BY o.lead_id
    """), conn)
    # validation gives no seniority/department for a lead without a job title; the feature builder then
    # classifies the (missing) title, which reads as unknown, exactly as at decision time
    return frame.drop(columns=[c for c in ("seniority", "department") if frame[c].isna().all()])
