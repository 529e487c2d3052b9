"""Survivorship: the golden record of a person, one value per field with its provenance.

Rules, in order: the most trusted source (the ruleset's `identity_graph.golden.source_trust`, unknown sources
0), then the best verified status (a valid email beats a risky one, which beats an unknown one; invalid values
never survive), then the most recent. A field a reviewer curated is never recomputed: enrichment and new leads
do not overwrite a human's decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import golden

# field -> (column of `leads`, the status column that verifies it or None)
GOLDEN_FIELDS: dict[str, tuple[str, str | None]] = {
    "first_name": ("first_name", None), "last_name": ("last_name", None),
    "email": ("email_normalized", "email_status"), "phone": ("phone_e164", "phone_status"),
    "company": ("company", None), "job_title": ("job_title", None), "city": ("city", None),
    "country": ("country", None),
}
VERIFIED_RANK = {"valid": 3, "risky": 2, "unknown": 1}
REJECTED_STATUSES = frozenset({"invalid", "missing", "junk"})
GOLDEN_COLUMNS = ["person_id", "field", "value", "source_lead_id", "source", "reason"]


def survive(leads: pd.DataFrame, *, trust: Mapping[str, int], curated: set[tuple[str, str]]) -> pd.DataFrame:
    """Pick each person's value per field.

    Args:
        leads: person_id, lead_id, source, received_at and the GOLDEN_FIELDS columns with their statuses.
        trust: source -> trust rank (higher wins).
        curated: (person_id, field) pairs a reviewer set; they are left out.

    Returns:
        One row per (person, field) with a value: GOLDEN_COLUMNS.
    """
    out = []
    if leads.empty:
        return pd.DataFrame(columns=GOLDEN_COLUMNS)
    base = leads.assign(trust=leads["source"].map(lambda s: trust.get(str(s), 0)))
    for name, (column, status_col) in GOLDEN_FIELDS.items():
        if column not in base.columns:
            continue
        status_col = status_col if status_col in base.columns else None
        cand = base[base[column].notna() & (base[column].astype(str).str.strip() != "")].copy()
        if status_col:
            cand = cand[~cand[status_col].isin(REJECTED_STATUSES)]
            cand["verified"] = cand[status_col].map(VERIFIED_RANK).fillna(0)
        else:
            cand["verified"] = 0
        cand = cand.sort_values(["person_id", "trust", "verified", "received_at", "lead_id"],
                                ascending=[True, False, False, False, True])
        for row in cand.drop_duplicates("person_id").itertuples():
            if (row.person_id, name) in curated:
                continue
            status = f", {getattr(row, status_col)}" if status_col else ""
            out.append((row.person_id, name, str(getattr(row, column)), row.lead_id, row.source,
                        f"source trust {row.trust}{status}, most recent of the best"))
    return pd.DataFrame(out, columns=GOLDEN_COLUMNS)


def refresh_golden(conn: sa.Connection, person_ids: Sequence[str], rules: Ruleset) -> int:
    """Recompute the golden records of these persons (a person merged away keeps only its curated fields,
    so an unmerge gives them back). Returns the number of computed rows written."""
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    trust = rules.identity_graph.golden.source_trust
    cols = sorted({c for c, _ in GOLDEN_FIELDS.values()} | {s for _, s in GOLDEN_FIELDS.values() if s})
    leads = golden.person_leads(conn, ids, cols)
    rows = survive(leads, trust=trust, curated=golden.curated_fields(conn, ids))
    return golden.replace(conn, ids, rows)
