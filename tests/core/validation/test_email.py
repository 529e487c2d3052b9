from __future__ import annotations

import pytest

from leadgate_dagster.core.validation import MxResult

from .conftest import OK_MX, one, with_overrides

GOOD = {"phone": None}


@pytest.mark.parametrize(
    ("email", "status", "codes", "flags"),
    [
        ("ann@acme.com", "valid", [], []),
        ("Ann.Lee@ACME.com", "valid", [], []),
        ("ann@gmail.com", "valid", [], ["free"]),
        ("not-an-email", "invalid", ["EMAIL_INVALID", "NO_REACHABLE_CHANNEL"], []),
        ("ann@@acme.com", "invalid", ["EMAIL_INVALID", "NO_REACHABLE_CHANNEL"], []),
        ("ann@acme.con", "invalid", ["EMAIL_TLD_UNKNOWN", "EMAIL_DOMAIN_TYPO", "NO_REACHABLE_CHANNEL"],
         ["did_you_mean=acme.com"]),
        ("ann@yaho.com", "risky", ["EMAIL_DOMAIN_TYPO", "EMAIL_DNS_NOT_CHECKED"], ["did_you_mean=yahoo.com"]),
        ("ann@mailinator.com", "invalid", ["EMAIL_DISPOSABLE", "DISPOSABLE_ONLY_CONTACT"], ["disposable"]),
        ("info@acme.com", "risky", ["EMAIL_ROLE_ACCOUNT"], ["role"]),
        ("noreply@acme.com", "risky", ["EMAIL_ROLE_ACCOUNT"], ["role"]),
        ("test@acme.com", "invalid", ["EMAIL_FAKE_LOCAL", "NO_REACHABLE_CHANNEL"], []),
        ("asdfgh@acme.com", "invalid", ["EMAIL_FAKE_LOCAL", "NO_REACHABLE_CHANNEL"], []),
        ("test123@acme.com", "invalid", ["EMAIL_FAKE_LOCAL", "NO_REACHABLE_CHANNEL"], []),
        ("ann@unlisted-company.io", "unknown", ["EMAIL_DNS_NOT_CHECKED"], []),
        ("ann@example.localhost", "invalid", ["EMAIL_INVALID", "NO_REACHABLE_CHANNEL"], []),
        ("jörg@bücher.de", "valid", [], []),
    ],
    ids=["plain", "mixed-case", "free", "no-at", "double-at", "tld-typo", "domain-typo", "disposable-only",
         "role-info", "role-noreply", "fake-test", "fake-mash", "fake-test-digits", "dns-not-checked",
         "special-use-domain", "idn"],
)
def test_email_status_codes_flags(email: str, status: str, codes: list[str], flags: list[str]) -> None:
    row = one({"first_name": "Ann", "last_name": "Lee", "email": email})
    assert row["email_status"] == status
    assert row["reasons"] == codes
    assert row["email_flags"] == flags


def test_display_form_keeps_local_and_idn_and_lowercases_domain() -> None:
    row = one({"email": "Jörg.X@BÜCHER.de"})
    assert row["email_normalized"] == "Jörg.X@bücher.de"
    assert row["email_domain"] == "xn--bcher-kva.de"
    assert row["email_key"] == "jörg.x@xn--bcher-kva.de"


@pytest.mark.parametrize(
    ("email", "key"),
    [("J.Doe+news@GoogleMail.com", "jdoe@gmail.com"), ("j.doe+x@outlook.com", "j.doe@outlook.com"),
     ("j.doe+x@acme.com", "j.doe+x@acme.com"), ("J.Doe@yahoo.com", "j.doe@yahoo.com")],
    ids=["gmail-dots-tags", "outlook-tags", "unknown-provider-keeps-tag", "yahoo-keeps-dots"],
)
def test_identity_key_is_provider_aware_but_delivery_address_is_not(email: str, key: str) -> None:
    mx = {**OK_MX, **{d: MxResult(d, "ok", ("mx",)) for d in ("googlemail.com", "outlook.com", "yahoo.com")}}
    row = one({"first_name": "Ann", "last_name": "Lee", "email": email}, mx=mx)
    assert row["email_key"] == key
    assert row["email_normalized"].split("@")[0] == email.split("@")[0]


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (MxResult("acme.com", "ok", ("mx.acme.com",)), "valid", None),
        (MxResult("acme.com", "ok", ("mx.acme.com",), catch_all=True), "risky", "EMAIL_CATCH_ALL"),
        (MxResult("acme.com", "no_domain"), "invalid", "EMAIL_DOMAIN_NOT_FOUND"),
        (MxResult("acme.com", "null_mx"), "invalid", "EMAIL_NULL_MX"),
        (MxResult("acme.com", "no_mx"), "invalid", "EMAIL_NO_MX"),
        (MxResult("acme.com", "unknown", reason="EMAIL_DNS_UNAVAILABLE"), "unknown", "EMAIL_DNS_UNAVAILABLE"),
        (MxResult("acme.com", "unknown", reason="EMAIL_DOMAIN_UNVERIFIED"), "unknown", "EMAIL_DOMAIN_UNVERIFIED"),
        (None, "unknown", "EMAIL_DNS_NOT_CHECKED"),
    ],
    ids=["mx", "catch-all", "nxdomain", "null-mx", "no-mx", "dns-down", "offline-miss", "no-dns-info"],
)
def test_dns_verdicts(answer: MxResult | None, status: str, code: str | None) -> None:
    row = one({"full_name": "Ann Lee", "email": "ann@acme.com", "phone": "+1 415 555 2671"},
              mx={"acme.com": answer} if answer else None)
    assert row["email_status"] == status
    assert (code in row["reasons"]) if code else row["reasons"] == []
    if status == "risky":
        assert "catch_all" in row["email_flags"]


def test_dns_outage_never_rejects_an_email_only_lead() -> None:
    row = one({"email": "ann@acme.com"}, mx={"acme.com": MxResult("acme.com", "unknown",
                                                                   reason="EMAIL_DNS_UNAVAILABLE")})
    assert row["reachable_channels"] == ["email"]
    assert all(c["severity"] != "reject" for c in row["checks"])


def test_disposable_with_good_phone_is_not_rejected() -> None:
    row = one({"email": "ann@mailinator.com", "phone": "+1 415 555 2671"})
    assert row["email_status"] == "invalid"
    assert "EMAIL_DISPOSABLE" in row["reasons"] and "DISPOSABLE_ONLY_CONTACT" not in row["reasons"]
    assert all(c["severity"] != "reject" for c in row["checks"])


def test_ruleset_lists_allowlist_blocklist_and_role_policy() -> None:
    rules = with_overrides("email: {disposable_allowlist: [mailinator.com], blocklisted_domains: [acme.com],"
                           " role_account_policy: allow}")
    assert one({"email": "ann@mailinator.com"}, rules, mx=None)["email_status"] == "unknown"
    blocked = one({"email": "ann@sub.acme.com", "phone": "+1 415 555 2671"}, rules)
    assert "EMAIL_DOMAIN_BLOCKLISTED" in blocked["reasons"]
    assert {"code": "EMAIL_DOMAIN_BLOCKLISTED", "severity": "reject", "detail": "sub.acme.com"} in blocked["checks"]
    role = one({"full_name": "Ann Lee", "email": "info@example.org"}, rules)
    assert role["email_status"] == "valid" and role["email_flags"] == ["role"] and role["reasons"] == []
