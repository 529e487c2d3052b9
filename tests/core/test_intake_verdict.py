"""The inline verdict on posted leads: what a form is told to correct, from the gate's own engines."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.file_reader import record_from_mapping
from leadgate_dagster.core.intake_verdict import lead_verdicts
from leadgate_dagster.core.lead_answers import LeadVerdict
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset
from tests.core.scoring.conftest import with_rules

AS_OF = pd.Timestamp("2026-11-20T12:00:00Z")
PROOF = {"consent_capture": "checkbox", "consent_at": "2026-11-01T10:00:00Z", "consent_text_version": "v3",
         "ip": "203.0.113.9"}
ANN = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@gmail.com"}


def verdicts(*items: Any, rules: Any = None) -> list[LeadVerdict]:
    records = [record_from_mapping(item, record_no=i) for i, item in enumerate(items, start=1)]
    return lead_verdicts(records, rules=rules or load_ruleset(), as_of=AS_OF)


def verdict(item: Any, rules: Any = None) -> LeadVerdict:
    [one] = verdicts(item, rules=rules)
    return one


def codes(issues: list[Any]) -> list[tuple[str, str | None]]:
    return [(i.code, i.field) for i in issues]


def test_a_clean_lead_is_ok_with_its_normalized_contact_data() -> None:
    v = verdict({"First Name": "Ann", "Surname": "Lee", "E-mail Address": " Ann.Lee@GMAIL.com ",
                 "Mobile": "0160 97523841", "Country": "DE", "consent_email": "yes", "consent_sms": "yes",
                 "consent_voice": "yes", **PROOF})
    assert v.ok and v.errors == [] and v.warnings == [] and v.checked == "syntax"
    assert (v.email.status, v.email.normalized, v.email.did_you_mean) == ("valid", "Ann.Lee@gmail.com", None)
    assert (v.phone.status, v.phone.e164, v.phone.line_type, v.phone.region) == ("valid", "+4916097523841",
                                                                                 "mobile", "DE")
    assert v.allowed_channels == ["email", "sms", "voice"]
    assert v.ruleset_version == load_ruleset().version


@pytest.mark.parametrize(("email", "suggested", "status"), [
    ("ann@gmial.com", "ann@gmail.com", "invalid"),  # also on the shipped disposable list
    ("ann@outlok.com", "ann@outlook.com", "risky"),
    ("ann@gmail.con", "ann@gmail.com", "invalid"),
], ids=["gmial", "outlok", "tld-con"])
def test_a_mistyped_mail_domain_gets_did_you_mean(email: str, suggested: str, status: str) -> None:
    v = verdict({**ANN, "email": email})
    assert not v.ok and v.email.did_you_mean == suggested and v.email.status == status
    typo = next(i for i in v.errors if i.code == "EMAIL_DOMAIN_TYPO")
    assert typo.field == "email" and typo.severity == "quarantine"
    assert typo.message == CATALOGUE["EMAIL_DOMAIN_TYPO"].sentence


def test_the_ruleset_decides_what_is_an_error() -> None:
    lenient = with_rules("severity_overrides: {EMAIL_DOMAIN_TYPO: warn}")
    v = verdict({**ANN, "email": "ann@outlok.com", "phone": "+1 415 839 2671"}, rules=lenient)
    assert v.ok and codes(v.warnings)[0] == ("EMAIL_DOMAIN_TYPO", "email")
    assert v.email.did_you_mean == "ann@outlook.com" and v.ruleset_version == "test"


@pytest.mark.parametrize(("phone", "field", "code"), [
    ({"phone": "12345", "country": "US"}, "phone", "PHONE_INVALID"),
    ({"mobile": "+1 415 555 0123"}, "mobile", "PHONE_FICTIONAL"),
    ({"phone": "+49 30 1234567"}, "phone", "PHONE_FAKE_PATTERN"),
    ({"phone": "+1 900 728 4736"}, "phone", "PHONE_PREMIUM_RATE"),
], ids=["too-short", "fictional-555", "fake-run", "premium-rate"])
def test_an_unusable_phone_is_an_error_on_its_field(phone: dict[str, str], field: str, code: str) -> None:
    v = verdict({**ANN, **phone})
    assert (code, field) in codes(v.errors) and not v.ok
    assert v.phone.e164 is None or v.phone.status == "invalid"
    assert v.email.status == "valid" and v.allowed_channels == ["email"]


@pytest.mark.parametrize(("number", "e164", "line_type", "sms"), [
    ("0160 97523841", "+4916097523841", "mobile", True),
    ("030 20394857", "+493020394857", "fixed_line", False),
], ids=["mobile", "landline"])
def test_mobile_and_landline_e164_line_type_and_sms(number: str, e164: str, line_type: str, sms: bool) -> None:
    v = verdict({**ANN, "phone": number, "country": "Germany", "consent_sms": "yes", "consent_voice": "yes",
                 **PROOF})
    assert (v.phone.e164, v.phone.line_type, v.phone.region) == (e164, line_type, "DE")
    assert v.channels.sms.reachable is sms and v.channels.sms.allowed is sms
    assert v.channels.voice.allowed


def test_no_email_and_no_phone_is_a_reject() -> None:
    v = verdict({"first_name": "Ann", "last_name": "Lee", "company": "Northwind"})
    assert not v.ok and codes(v.errors) == [("NO_REACHABLE_CHANNEL", None)]
    assert v.errors[0].severity == "reject"
    assert v.email.status == v.phone.status == "missing" and v.allowed_channels == []


def test_consent_given_refused_and_unknown_per_channel() -> None:
    us = verdict({**ANN, "phone": "+1 415 839 2671", "country": "US", "consent_sms": "yes", "consent_voice": "no",
                  **PROOF})
    assert (us.channels.sms.consent, us.channels.sms.allowed) == ("granted", True)
    assert (us.channels.voice.consent, us.channels.voice.allowed, us.channels.voice.reachable) == ("refused", False,
                                                                                                  True)
    assert ("NO_VOICE_CONSENT", "consent_voice") in codes(us.warnings)
    # no email consent: CAN-SPAM needs none in the US, Germany needs an opt-in
    assert (us.channels.email.consent, us.channels.email.allowed) == ("not_required", True)
    de = verdict({**ANN, "country": "DE"})
    assert (de.channels.email.consent, de.channels.email.allowed) == ("not_given", False)
    assert ("NO_EMAIL_CONSENT", "consent_email") in codes(de.warnings) and de.allowed_channels == []


def test_an_unclear_consent_answer_is_an_error_on_its_field() -> None:
    v = verdict({**ANN, "phone": "+1 415 839 2671", "country": "US", "consent_sms": "maybe later"})
    assert ("CONSENT_AMBIGUOUS", "consent_sms") in codes(v.errors) and v.channels.sms.consent == "ambiguous"


@pytest.mark.parametrize("names", [("Zoë", "Müller-Lüdenscheidt"), ("李", "王"), ("Siobhán", "Ó Súilleabháin"),
                                   ("Aarav", "Śarmā")], ids=["german", "chinese", "irish", "diacritics"])
def test_non_ascii_names_are_fine(names: tuple[str, str]) -> None:
    v = verdict({"first_name": names[0], "last_name": names[1], "email": "ann.lee@gmail.com"})
    assert v.ok and not [i for i in v.errors + v.warnings if i.code.startswith("NAME_")]


def test_junk_names_are_errors_on_the_name_fields() -> None:
    v = verdict({"first_name": "asdf", "last_name": "J0nes", "email": "ann.lee@gmail.com"})
    assert {("NAME_PLACEHOLDER", "first_name"), ("NAME_HAS_DIGITS", "last_name")} <= set(codes(v.errors))


def test_the_verdict_asks_no_dns() -> None:
    """A business domain outside the shipped table stays unknown; its info code is not shown."""
    v = verdict({**ANN, "email": "ann@northwind-example.com"})
    assert v.ok and v.email.status == "unknown" and v.warnings == [] and v.channels.email.reachable


def test_unreadable_items_keep_their_place_and_say_why() -> None:
    first, text, number, empty, last = verdicts(ANN, "just text", 42, {}, {**ANN, "email": "ann@gmial.com"})
    assert first.ok and not last.ok
    for v, code in ((text, "ROW_UNPARSEABLE"), (number, "ROW_UNPARSEABLE"), (empty, "ROW_EMPTY")):
        assert not v.ok and [i.code for i in v.errors] == [code] and v.errors[0].detail
        assert v.email is None and v.phone is None and v.channels is None and v.allowed_channels == []


def test_a_posted_batch_is_judged_as_the_pipeline_judges_a_batch() -> None:
    """One number given by more people than the ruleset allows is flagged on each of them, in order."""
    many = [{"first_name": f, "last_name": "Lee", "email": f"{f}@gmail.com", "phone": "+1 415 839 2671"}
            for f in ("Ann", "Bob", "Cat", "Dan")]
    out = verdicts(*many)
    assert [v.email.normalized for v in out] == [m["email"] for m in many]
    assert all(("PHONE_SHARED", "phone") in codes(v.warnings) for v in out)
    assert ("PHONE_SHARED", "phone") not in codes(verdicts(*many[:3])[0].warnings)  # three may share a line
