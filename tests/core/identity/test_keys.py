from __future__ import annotations

import pandas as pd
import pytest

from leadgate_dagster.core.identity.keys import (
    build_keys,
    email_key,
    ip_hmac,
    normalize_company,
    phone_e164,
    shared_keys,
    website_domain,
)
from leadgate_dagster.core.identity.settings import IdentitySettings


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("John.Smith@Acme.COM", "john.smith@acme.com"),
        ("j.o.h.n.smith+leads@gmail.com", "johnsmith@gmail.com"),
        ("JohnSmith@googlemail.com", "johnsmith@gmail.com"),
        ("john+x@acme.com", "john+x@acme.com"),  # unknown provider: a +tag may be a distinct mailbox
        ("mailto:<ann@example.org>", "ann@example.org"),
        ("not-an-email", None),
        ("a@b", None),
    ],
    ids=["case", "gmail-dots-tag", "googlemail", "corporate-tag-kept", "mailto", "no-at", "no-dot"],
)
def test_email_key(raw: str, want: str | None) -> None:
    assert email_key(raw) == want


@pytest.mark.parametrize(
    ("raw", "region", "want"),
    [
        ("(415) 555-0134", "US", "+14155550134"),
        ("+1 415.555.0134", "DE", "+14155550134"),
        ("030 1234567", "DE", "+49301234567"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("12", "US", None),
    ],
    ids=["us-national", "international-wins", "de-national", "00-prefix", "too-short"],
)
def test_phone_e164(raw: str, region: str, want: str | None) -> None:
    assert phone_e164(raw, region) == want


def test_website_and_company_normalization() -> None:
    assert website_domain("https://www.Acme.co.uk/contact") == "acme.co.uk"
    assert website_domain("mail.eu.acme.com") == "acme.com"
    assert (
        normalize_company("Acme Analytics, Inc.") == normalize_company("ACME ANALYTICS") == "acme analytics"
    )
    assert normalize_company("Café Cloud Sp. z o.o.") == "cafe cloud"


def test_ip_hmac_is_keyed_and_normalized() -> None:
    assert ip_hmac("2001:db8::1", b"k1") == ip_hmac("2001:0db8:0:0::1", b"k1")
    assert ip_hmac("10.0.0.1", b"k1") != ip_hmac("10.0.0.1", b"k2")
    assert ip_hmac("not an ip", b"k1") is None


def test_shared_key_counts_distinct_names_not_spellings() -> None:
    settings = IdentitySettings(shared_key_max_names=3)
    switchboard = "+1 212 555 0100"
    one_person = [("William", "Smith"), ("Bill", "Smith"), ("SMITH", "William"), ("Billy", "smith")]
    many = [("Ann", "Lee"), ("Bo", "Chan"), ("Cy", "Diaz"), ("Di", "Ekko")]
    leads = pd.DataFrame(
        [{"first_name": f, "last_name": la, "phone": "+1 415 555 0134"} for f, la in one_person]
        + [{"first_name": f, "last_name": la, "phone": switchboard} for f, la in many],
        index=[f"r{i}" for i in range(8)],
    )
    shared = shared_keys(build_keys(leads, settings), settings)
    assert shared["key"].tolist() == ["+12125550100"]
    assert shared["distinct_names"].tolist() == [4]


def test_free_mail_domain_is_not_a_company_domain() -> None:
    leads = pd.DataFrame({"email": ["ann@gmail.com", "ann@acme.com", "ann@wp.pl"]}, index=["a", "b", "c"])
    keys = build_keys(leads, IdentitySettings(free_mail_domains_extra=frozenset({"wp.pl"})))
    assert keys["domain"].tolist() == [None, "acme.com", None]
