"""lead_keys candidate indexes that stay fast on a graph of a million leads: similar whole names at one company
(btree_gin + pg_trgm, one index scan, where the company-then-filter plan read every lead of a big company), and
same-sounding surnames at one postal code (replacing trigram names per postal code, whose scan of a busy postal
code cost 15-20 ms per lead and stopped at an arbitrary 50 rows)

Revision ID: 0007_candidate_indexes
Revises: 0006_qualified_leads_contract
"""

from __future__ import annotations

from alembic import op

revision = "0007_candidate_indexes"
down_revision = "0006_qualified_leads_contract"
branch_labels = None
depends_on = None

S = "leadgate"


def upgrade() -> None:
    op.execute("CREATE INDEX ix_lead_keys_company_name_trgm ON leadgate.lead_keys "
               "USING gin (company_slug, full_name gin_trgm_ops) WITH (fastupdate = off)")  # see tables/identity.py
    op.execute("CREATE INDEX ix_lead_keys_postal_dm_last ON leadgate.lead_keys (postal, dmetaphone(last))")
    op.drop_index("ix_lead_keys_postal_name_trgm", table_name="lead_keys", schema=S)


def downgrade() -> None:
    op.execute("CREATE INDEX ix_lead_keys_postal_name_trgm ON leadgate.lead_keys "
               "USING gin (postal, full_name gin_trgm_ops) WITH (fastupdate = off)")
    op.drop_index("ix_lead_keys_postal_dm_last", table_name="lead_keys", schema=S)
    op.drop_index("ix_lead_keys_company_name_trgm", table_name="lead_keys", schema=S)
