"""50 clean B2B leads from the US, Canada, Germany and the UK without any consent column: absent consent is
held for review or nurtured by country, never rejected as junk; a revocation, a DNC entry or an explicit "no"
still rejects."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset
from tests.gate.scoring_helpers import decide_file, decisions

RULES = load_ruleset()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "b2b_leads_no_consent.csv"


def _fixture_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(FIXTURE.open(encoding="utf-8")))


def test_clean_b2b_leads_without_consent_columns_are_not_rejected(tmp_path, pg_url, engine) -> None:
    out = tmp_path / "out.csv"
    assert main(["qa", str(FIXTURE), "--out", str(out), "--database-url", pg_url]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 50 and {r["Country"] for r in rows} == {"US", "CA", "DE", "GB"}
    assert sum(r["disposition"] == "REJECT" for r in rows) <= 2
    assert not any({"sms", "voice"} & set(r["allowed_channels"].split(";")) for r in rows)
    by_country = {c: {r["disposition"] for r in rows if r["Country"] == c} for c in ("US", "CA", "DE", "GB")}
    assert by_country == {"US": {"NURTURE_EMAIL_ONLY"}, "GB": {"NURTURE_EMAIL_ONLY"},
                          "DE": {"QUARANTINE_REVIEW"}, "CA": {"QUARANTINE_REVIEW"}}
    assert all("CONSENT_UNKNOWN" in r["reason_codes"].split(";") for r in rows if r["Country"] in {"DE", "CA"})


def test_a_revocation_a_dnc_entry_or_an_explicit_no_still_rejects(engine, pg_url, monkeypatch) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    by_country = {c: [r for r in _fixture_rows() if r["Country"] == c] for c in ("GB", "DE", "CA")}
    picked = [by_country["GB"][0], by_country["DE"][0], by_country["GB"][1], by_country["CA"][0],
              by_country["DE"][1], by_country["GB"][2]]
    revoked, dnc, refused = picked[0]["Work Email"], picked[1]["Work Email"], picked[2]["Work Email"]
    assert main(["suppress", "add", "--email", revoked, "--channel", "email", "--reason", "unsubscribed"]) == 0
    assert main(["suppress", "add", "--email", dnc, "--reason", "asked on the phone"]) == 0
    body = io.StringIO()
    writer = csv.DictWriter(body, [*picked[0], "Email Opt-In", "Lead ID"], lineterminator="\n")
    writer.writeheader()
    for i, row in enumerate(picked):
        writer.writerow({**row, "Email Opt-In": "no" if row["Work Email"] == refused else "", "Lead ID": str(i)})
    decide_file(engine, body.getvalue().encode(), RULES)
    got = {picked[int(k)]["Work Email"]: d for k, d in decisions(engine).items()}
    assert got[revoked].disposition == "REJECT" and "CONSENT_REVOKED" in got[revoked].reason_codes
    assert got[dnc].disposition == "REJECT" and "SUPPRESSED_DNC" in got[dnc].reason_codes
    assert got[refused].disposition == "REJECT" and "CONSENT_UNKNOWN" not in got[refused].reason_codes
    rest = [d for email, d in got.items() if email not in {revoked, dnc, refused}]
    assert rest and all(d.disposition != "REJECT" for d in rest)
