"""A lead with a postal code but no city: the geocoder places the postal code and qualification lets the
placed locality stand in for the city; only a postal code it cannot place keeps ADDRESS_LOCALITY_MISSING."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.core.locality import MISSING, PLACED, place_localities

HEADER = "First Name,Last Name,Email,Phone,Region,Postal Code,Country,Consent Email\n"


def _qa(tmp_path: Path, pg_url: str, rows: list[str]) -> list[dict[str, str]]:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    assert main(["qa", str(src), "--out", str(out), "--database-url", pg_url]) == 0
    return list(csv.DictReader(out.open(encoding="utf-8")))


def test_a_placed_postal_code_stands_in_for_the_missing_city() -> None:
    leads = pd.DataFrame({"reasons": [[MISSING, "ADDRESS_COUNTRY_MISSING"], [MISSING], ["NAME_MISSING"]],
                          "geo_locality": ["New York", None, "Berlin"]}, index=["a", "b", "c"])
    assert place_localities(leads).tolist() == [[PLACED, "ADDRESS_COUNTRY_MISSING"], [MISSING], ["NAME_MISSING"]]


def test_us_and_gb_leads_without_a_city_are_placed_and_an_unknown_zip_still_holds(tmp_path, pg_url,
                                                                                   engine) -> None:
    tag = uuid.uuid4().hex[:8]
    rows = _qa(tmp_path, pg_url, [
        f"Ann,Lee,ann.{tag}@northwind.com,+1 212 288 8104,NY,10001,US,yes",
        f"Tom,Hill,tom.{tag}@northwind.com,+44 20 7219 3000,,SW1A 1AA,GB,yes",
        f"Bo,Ray,bo.{tag}@northwind.com,+1 212 288 8105,NY,00000,US,yes",
    ])
    codes = [r["reason_codes"].split(";") for r in rows]
    for placed in codes[:2]:
        assert PLACED in placed and MISSING not in placed
    assert all(r["disposition"] != "QUARANTINE_REVIEW" for r in rows[:2])
    assert MISSING in codes[2] and PLACED not in codes[2] and rows[2]["disposition"] == "QUARANTINE_REVIEW"
    with engine.connect() as conn:
        view = dict(conn.execute(sa.text(
            "SELECT email, locality FROM leadgate.qualified_leads WHERE email LIKE :t"), {"t": f"%.{tag}@%"}).all())
    assert view == {f"ann.{tag}@northwind.com": "New York", f"tom.{tag}@northwind.com": "London (Westminster)",
                    f"bo.{tag}@northwind.com": None}
