"""A lead whose values try to be markup, attribute breakouts and script URLs, for the escaping tests (the
in-process ones and the browser's)."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from tests.gate.scoring_helpers import decide_file

SCRIPT_NAME = "<script>alert(1)</script>"
BREAKOUT = '" onmouseover="alert(2)" x="'
SCRIPT_URL = "javascript:alert(3)"
IMG = "<img src=x onerror=alert(4)>"
HOSTILE_FILE = (
    "First Name,Surname,E-mail Address,Mobile,Company Name,Website,Job Title,Country,Lead ID\n"
    f'"{SCRIPT_NAME}","{BREAKOUT.replace(chr(34), chr(34) * 2)}",eve@@northwind,+1 415 555 2680,"{IMG}",'
    f"{SCRIPT_URL},Manager,US,hostile\n").encode()


def hostile_lead(engine: sa.Engine, rules: Ruleset) -> str:
    """Decide the hostile lead (held for its invalid address); returns its lead id."""
    batch = decide_file(engine, HOSTILE_FILE, rules)
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT lead_id FROM leadgate.leads WHERE batch_id = :b"), {"b": batch}).scalar_one()
