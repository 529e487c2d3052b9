"""Lead-to-account matching by work-email domain, website and fuzzy company name (legal suffixes and free-mail
handled), and the accounts file's checks."""

from __future__ import annotations

import pandas as pd
import pytest

from leadgate_dagster.core.routing.accounts import company_key, match_accounts, parse_account_rows
from tests.core.routing.helpers import RULES

DOMAINS = {"acme.com": "A1", "globex.com": "A2", "initech.io": "A3"}
NAMES = pd.DataFrame({"account_id": ["A1", "A2", "A4"], "name_key": ["acme", "globex", "umbrella pharma"]})


def _match(**lead: object) -> tuple[object, object, object]:
    row = {"email_domain": None, "email_flags": [], "website": None, "company": None, **lead}
    keys = {k for k in [company_key(str(row["company"]))] if row["company"] and k}
    names = NAMES.merge(pd.DataFrame({"key": sorted(keys)}), how="cross") if keys else NAMES.assign(key=None)
    got = match_accounts(pd.DataFrame([row]), domains=DOMAINS, names=names, rules=RULES).iloc[0]
    return got.account_id, got.account_match, got.account_match_confidence


@pytest.mark.parametrize(("lead", "want"), [
    ({"email_domain": "acme.com"}, ("A1", "email_domain", 100)),
    ({"email_domain": "us.acme.com"}, ("A1", "email_domain", 100)),
    ({"email_domain": "gmail.com", "email_flags": ["free"], "website": "https://www.globex.com/about"},
     ("A2", "website", 100)),
    ({"email_domain": "gmail.com", "email_flags": ["free"], "company": "Umbrella Pharma, Inc."},
     ("A4", "company_name", 100)),
    ({"company": "Umbrela Pharma GmbH"}, ("A4", "company_name", 97)),
    ({"email_domain": "acme.com", "company": "Globex"}, ("A1", "email_domain", 100)),
    ({"company": "Umbrella Logistics"}, (None, None, None)),
    ({"email_domain": "hotmail.com", "company": "Initech"}, (None, None, None)),
], ids=["email-domain", "subdomain", "website", "name-without-legal-suffix", "name-with-a-typo",
        "domain-before-name", "a-different-company", "free-mail-never-matches"])
def test_each_method(lead: dict[str, object], want: tuple[object, object, object]) -> None:
    assert _match(**lead) == want


def test_free_mail_domain_never_matches_even_if_an_account_held_it() -> None:
    got = match_accounts(pd.DataFrame([{"email_domain": "gmail.com", "email_flags": ["free"]}]),
                         domains={"gmail.com": "A9"}, names=NAMES.assign(key=None), rules=RULES)
    assert got.iloc[0].account_id is None


def test_the_accounts_file_is_checked_row_by_row() -> None:
    rows = [
        {"id": "A1", "name": "Acme Inc.", "domains": "acme.com; acme.co.uk", "website": "https://acme.com",
         "owner": "Ann@X.com", "segment": "enterprise"},
        {"id": "A2", "name": "Free", "domains": "gmail.com"},
        {"id": "A3", "name": "Dup", "domains": "acme.co.uk"},
        {"id": "A1", "name": "Again"},
        {"id": "", "name": "", "owner": "nobody@x.com", "segment": "huge"},
        {"id": "A5", "name": "Taken", "domains": "stored.com"},
    ]
    parsed = parse_account_rows(rows, rules=RULES, known_owners={"ann@x.com"}, taken_domains={"stored.com": "B1"})
    assert [str(p) for p in parsed.problems] == [
        "row 2: domains: gmail.com is a free-mail domain: it would match every lead who uses it",
        "row 3: domains: acme.co.uk already belongs to account A1",
        "row 4: id: A1 is listed twice (first in row 1)",
        "row 5: id: an account id is required",
        "row 5: name: a company name is required",
        "row 5: owner: nobody@x.com is not in the owners table (import the owners first)",
        "row 5: segment: 'huge' is not a segment of routing.segments",
        "row 6: domains: stored.com already belongs to account B1",
    ]
    first = parsed.accounts.iloc[0]
    assert (first.name_key, first.owner_email, first.segment) == ("acme", "ann@x.com", "enterprise")
    assert parsed.domains[parsed.domains["account_id"] == "A1"]["domain"].tolist() == ["acme.com", "acme.co.uk"]


def test_a_stored_domain_may_move_to_an_account_the_file_lists() -> None:
    rows = [{"id": "A1", "name": "Acme", "domains": "acme.com"}, {"id": "B1", "name": "Beta", "domains": "beta.com"}]
    parsed = parse_account_rows(rows, rules=RULES, known_owners=set(), taken_domains={"acme.com": "B1"})
    assert parsed.problems == []


def test_unknown_and_missing_columns_are_problems_of_the_file() -> None:
    parsed = parse_account_rows([{"id": "A1", "domian": "acme.com"}], rules=RULES, known_owners=set())
    assert [str(p) for p in parsed.problems][:2] == [
        "file: domian: unknown column (known: domains, id, name, owner, segment, website)",
        "file: name: required column missing"]
