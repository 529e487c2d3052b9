"""The offline providers on the shipped data (no network, no database)."""

from __future__ import annotations

import pytest

from leadgate_dagster.providers.enrichment.email_verification import OfflineEmailVerification
from leadgate_dagster.providers.enrichment.firmographics import (
    OfflineFirmographics,
    domain_key,
    revenue_band,
    size_band,
)
from leadgate_dagster.providers.enrichment.geocoding import OfflineGeocoding, postal_key
from leadgate_dagster.providers.enrichment.ip_risk import OfflineIpRisk, ip_key
from leadgate_dagster.providers.enrichment.phone_intel import OfflinePhoneIntel
from leadgate_dagster.providers.enrichment.shipped import firmographics_sample, postal_centroids


def test_us_zip_from_zipcodes() -> None:
    assert postal_key("us", " 94105 ") == "US:94105"
    r = OfflineGeocoding().lookup(["US:94105"])["US:94105"]
    assert (r.status, r.source) == ("ok", "offline")
    assert (r.data["locality"], r.data["region"], r.data["time_zone"]) == ("San Francisco", "CA",
                                                                           "America/Los_Angeles")
    assert r.data["lat"] == pytest.approx(37.79, abs=0.05) and r.data["lon"] == pytest.approx(-122.39, abs=0.05)


@pytest.mark.parametrize(("key", "locality", "region", "precision"), [
    ("GB:SW1A 1AA", "London (Westminster)", "ENG", "district"),
    ("GB:M1 1AE", "Manchester", "ENG", "district"),
    ("GB:EH1 1YZ", "Edinburgh", "SCT", "area"),
    ("GB:SW19 5AE", "London", "ENG", "area"),  # SW19 is not SW1: outward codes never match by prefix
    ("CA:M5V 3L9", "Toronto", "ON", "fsa"),
    ("CA:H2Y 1C6", "Montréal", "QC", "area"),
    ("DE:10117", "Berlin", "BE", "leitregion"),
    ("FR:69002", "Lyon", "ARA", "departement"),
    ("AU:3000", "Melbourne", "VIC", "postal_code"),
    ("AU:2602", "Canberra", "ACT", "postcode_range"),
    ("IN:400001", "Mumbai", "MH", "sorting_district"),
], ids=["gb-district", "gb-district-short", "gb-area", "gb-sw19", "ca-fsa", "ca-letter", "de", "fr", "au",
        "au-act", "in"])
def test_shipped_postal_table(key: str, locality: str, region: str, precision: str) -> None:
    r = OfflineGeocoding().lookup([key])[key]
    assert (r.status, r.data["locality"], r.data["region"], r.data["precision"]) == ("ok", locality, region,
                                                                                     precision)
    assert r.data["time_zone"]


@pytest.mark.parametrize("key", ["US:00000", "ES:28013", "GB:", "DE:ABCDE"],
                         ids=["us-unknown-zip", "country-not-shipped", "empty-code", "junk"])
def test_geocoding_misses(key: str) -> None:
    assert OfflineGeocoding().lookup([key])[key].status == "miss"


def test_postal_table_is_well_formed() -> None:
    table = postal_centroids()
    assert set(table) == {"GB", "CA", "DE", "FR", "AU", "IN"}
    for country, rows in table.items():
        for prefix, row in rows.items():
            assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, (country, prefix)
            assert row["time_zone"] and row["region"], (country, prefix)


def test_firmographics_hit_and_miss() -> None:
    assert domain_key("WWW.SAP.com.") == "sap.com"
    got = OfflineFirmographics().lookup(["sap.com", "nowhere-inc.example"])
    sap = got["sap.com"]
    assert sap.status == "ok" and sap.data["industry"] == "Software" and sap.data["country"] == "DE"
    assert sap.data["size_band"] == "10001+" and sap.data["sample"] is True
    assert got["nowhere-inc.example"].status == "miss"


def test_firmographics_sample_is_sized_and_uses_the_bands() -> None:
    rows = firmographics_sample()
    assert 100 <= len(rows) <= 300
    sizes = {size_band(n) for n in (1, 11, 51, 201, 501, 1001, 5001, 10001)}
    revenues = {revenue_band(v) for v in (0, 1e6, 1e7, 5e7, 1e8, 5e8, 1e9, 1e10)}
    assert {r["size_band"] for r in rows.values()} <= sizes
    assert {r["revenue_band"] for r in rows.values()} <= revenues
    assert {r["basis"] for r in rows.values()} == {"public", "fictional"}


@pytest.mark.parametrize(("n", "band"), [(1, "1-10"), (10, "1-10"), (11, "11-50"), (200, "51-200"),
                                         (201, "201-500"), (10000, "5001-10000"), (10001, "10001+")])
def test_size_band_bounds(n: int, band: str) -> None:
    assert size_band(n) == band


@pytest.mark.parametrize(("raw", "category", "public"), [
    ("10.1.2.3", "private", False), ("192.168.0.10", "private", False), ("127.0.0.1", "loopback", False),
    ("::1", "loopback", False), ("169.254.1.1", "link_local", False), ("100.64.0.1", "reserved", False),
    ("::ffff:10.0.0.1", "private", False), ("104.131.20.30", "hosting", True),
], ids=["rfc1918-10", "rfc1918-192", "loopback", "loopback-v6", "link-local", "cgnat", "v4-mapped", "hosting"])
def test_ip_offline_rules(raw: str, category: str, public: bool) -> None:
    key = ip_key(raw)
    assert key is not None
    r = OfflineIpRisk().lookup([key])[key]
    assert (r.status, r.data["category"], r.data["public"]) == ("ok", category, public)


def test_unknown_public_ip_is_a_miss_and_junk_is_no_key() -> None:
    assert OfflineIpRisk().lookup(["8.8.8.8"])["8.8.8.8"].status == "miss"
    assert ip_key("999.1.1.1") is None and ip_key("") is None


def test_offline_email_verdicts_follow_the_validation_engine() -> None:
    got = OfflineEmailVerification().lookup(["ann@gmail.com", "x@mailinator.com", "info@gmail.com",
                                             "bob@unknown-company.io", "eve@nowhere.invalidtld"])
    assert got["ann@gmail.com"].data["email_status"] == "valid"
    assert got["ann@gmail.com"].data["mailbox_verified"] is False
    assert (got["x@mailinator.com"].data["email_status"], got["x@mailinator.com"].data["email_flags"]) == (
        "invalid", ["disposable"])
    assert "role" in got["info@gmail.com"].data["email_flags"]
    assert got["bob@unknown-company.io"].status == "miss"  # a domain the MX table does not know
    assert got["eve@nowhere.invalidtld"].data["email_status"] == "invalid"  # unknown TLD


def test_phone_intel_offline() -> None:
    got = OfflinePhoneIntel().lookup(["+447911123456", "+14158392671", "+1"])
    gb = got["+447911123456"]
    assert gb.status == "ok" and gb.data["line_type"] == "mobile" and gb.data["carrier"]
    us = got["+14158392671"]
    assert us.data["time_zone"] == "America/Los_Angeles"
    assert got["+1"].status == "miss"
