"""Consent columns under the names exports really give them, opt-out columns read inverted, a source's own
header map, and the columns nothing maps named rather than dropped without a word."""

from __future__ import annotations

import json

import pytest

from leadgate_dagster.core.file_reader import FileRejected, count_records, read_lead_file, record_from_mapping
from leadgate_dagster.core.header_rules import header_rules, unmapped_columns
from leadgate_dagster.core.lead_schema import EMAIL_OPT_OUT, map_headers
from leadgate_dagster.core.ruleset import RulesetError, load_ruleset, ruleset_from_body

RULES = load_ruleset()


@pytest.mark.parametrize("header", ["Opted In?", "Opt-in", "Opt In", "Marketing consent", "GDPR consent",
                                    "Permission to contact", "Subscribed", "Marketing Permission",
                                    "Newsletter Opt-In", "Accepts Marketing"])
def test_a_generic_opt_in_column_is_email_consent_only(header: str) -> None:
    assert map_headers([header]) == ["consent_email"]


@pytest.mark.parametrize("header", ["Unsubscribed", "Opt out", "Opt-Out", "Opted Out", "Do not email",
                                    "Email opt out", "HasOptedOutOfEmail", "hs_email_optout", "DoNotEmail",
                                    "Global Unsubscribe"])
def test_an_opt_out_column_is_recognised(header: str) -> None:
    assert map_headers([header]) == [EMAIL_OPT_OUT]


def _consent(headers: str, *values: str, rules_source: str = "web") -> list[str | None]:
    data = (headers + "\n" + "\n".join(values) + "\n").encode()
    _, records = read_lead_file(data, filename="x.csv", headers=header_rules(RULES, rules_source))
    return [r.fields.get("consent_email") for r in records]


def test_an_opt_out_answer_is_turned_around_into_email_consent() -> None:
    got = _consent("Email,Unsubscribed", "a@x.com,TRUE", "b@x.com,false", "c@x.com,", "d@x.com,sometimes")
    assert got == ["opted_out", None, None, "opt-out column says 'sometimes'"]
    # an opt-out overrides an opt-in in the same row; "not opted out" is no opt-in
    assert _consent("Email,Opted In?,Do Not Email", "a@x.com,yes,yes", "b@x.com,yes,no") == ["opted_out", "yes"]
    no_rules, = read_lead_file(b"Email,HasOptedOutOfEmail\na@x.com,1\n", filename="x.csv")[1]
    assert no_rules.fields["consent_email"] == "opt-out column says '1'"  # never read as a yes without the words


def test_an_api_item_reads_its_opt_out_and_its_sources_header_map_like_a_file() -> None:
    rules = _with_header_map({"acme": {"Kontakt erlaubt": "consent_email", "Abgemeldet": "email_opt_out"}})
    item = {"email": "a@x.com", "Kontakt erlaubt": "ja", "hs_email_optout": "true"}
    assert record_from_mapping(item, record_no=1, headers=header_rules(rules, "acme")).fields == {
        "email": "a@x.com", "consent_email": "opted_out"}
    assert record_from_mapping({"email": "a@x.com", "Abgemeldet": "yes"}, record_no=1,
                               headers=header_rules(rules, "other")).extra == {"Abgemeldet": "yes"}


def _with_header_map(header_map: dict[str, dict[str, str]]):
    body = json.loads(json.dumps(RULES.body))
    body["intake"]["header_map"] = header_map
    return ruleset_from_body(body)


def test_a_sources_own_header_map_comes_before_the_synonyms_and_only_for_that_source() -> None:
    rules = _with_header_map({"acme_crm": {"Kontakt erlaubt": "consent_email", "Title": "company"}})
    data = b"Email,Title,Kontakt erlaubt,Notes\na@x.com,Acme,ja,hi\n"
    info, records = read_lead_file(data, filename="x.csv", headers=header_rules(rules, "acme_crm"))
    [record] = list(records)
    assert record.fields == {"email": "a@x.com", "company": "Acme", "consent_email": "ja"}
    assert info.unmapped == ["Notes"]
    assert unmapped_columns(info.headers, rules=rules, source="acme_crm") == ["Notes"]
    assert unmapped_columns(info.headers, rules=rules, source="web") == ["Kontakt erlaubt", "Notes"]


def test_a_file_known_only_through_its_sources_map_has_a_header() -> None:
    rules = _with_header_map({"acme_crm": {"Kunde Mail": "email"}})
    data = b"Kunde Mail,Bemerkung\na@x.com,hi\nb@x.com,\n"
    with pytest.raises(FileRejected):
        read_lead_file(data, filename="x.csv")
    headers = header_rules(rules, "acme_crm")
    assert count_records(data, filename="x.csv", headers=headers) == 2
    assert [r.fields for r in read_lead_file(data, filename="x.csv", headers=headers)[1]] == [
        {"email": "a@x.com"}, {"email": "b@x.com"}]


def test_a_header_map_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(RulesetError, match=r"intake\.header_map"):
        _with_header_map({"acme": {"Opted In?": "consent_mail"}})
