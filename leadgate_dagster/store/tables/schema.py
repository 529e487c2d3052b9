"""The `leadgate` schema's MetaData and the column types its tables share.

Dagster keeps its own storage in `public`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

SCHEMA = "leadgate"
metadata = sa.MetaData(schema=SCHEMA)
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
TEXTS = ARRAY(sa.Text)
