"""Personal data kept only in keyed form: the lead's IP address as a keyed HMAC (`core.ip_hmac`).

`ip_hmac` is what velocity, the consent proof and the RevOps view use; `leads.ip` keeps the value as given
for the IP-risk lookup (see docs/qualified-leads.md, "IP addresses").
"""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.store.tables import leads

leads.append_column(sa.Column("ip_hmac", sa.Text))
sa.Index("ix_leads_ip_hmac", leads.c.ip_hmac)
