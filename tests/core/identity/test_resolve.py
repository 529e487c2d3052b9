from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from leadgate_dagster.core.identity import IdentityResolution, MatchModel, resolve_identities
from leadgate_dagster.core.ruleset import Ruleset
from tests.core.identity.conftest import leads_frame, with_identity

Resolve = Callable[..., IdentityResolution]
ACME = {
    "company": "Acme Analytics Inc.",
    "city": "Boston",
    "region": "MA",
    "postal_code": "02110",
    "country": "US",
}


def test_exact_email_with_nickname_auto_merges(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "William", "last_name": "Smith", "email": "w.smith@acme.com", **ACME},
            {"first_name": "Bill", "last_name": "SMITH", "email": "W.Smith@Acme.com", **ACME},
        ]
    )
    a = res.assignments
    assert a["decision"].tolist() == ["new", "auto_merge"]
    assert a.loc["r2", "matched_to"] == "r1" and a.loc["r2", "tier"] == "A"
    assert a["person_id"].nunique() == 1 and a.loc["r2", "reason_codes"] == "DUP_TIER_A"


def test_household_line_between_conflicting_names_is_not_a_match(resolve: Resolve) -> None:
    # a household line: two people, one phone; nothing beyond the phone says "one person"
    res = resolve(
        [
            {"first_name": "Mark", "last_name": "Jones", "phone": "(415) 555-0134", **ACME},
            {"first_name": "Maria", "last_name": "Jones", "phone": "415.555.0134", **ACME},
        ]
    )
    a, pairs = res.assignments, res.pairs
    assert a["decision"].tolist() == ["new", "new"] and a["person_id"].nunique() == 2
    assert pairs.loc[0, ["tier", "decision"]].tolist() == ["A", "no_match"]
    assert "names conflict" in pairs.loc[0, "explanation"]
    assert "joined by a contested key" in pairs.loc[0, "explanation"]


def test_tier_a_with_conflicting_first_names_goes_to_review_when_evidence_allows(
    rules: Ruleset, model: MatchModel
) -> None:
    rows = [
        {"first_name": "Mark", "last_name": "Jones", "phone": "(415) 555-0134", **ACME},
        {"first_name": "Maria", "last_name": "Jones", "phone": "415.555.0134", **ACME},
    ]
    res = resolve_identities(leads_frame(rows), rules=with_identity(rules, review_floor=0.0), model=model)
    a, pairs = res.assignments, res.pairs
    assert a["decision"].tolist() == ["new", "review"]
    assert a["person_id"].nunique() == 2 and a.loc["r2", "matched_to"] == "r1"
    assert a.loc["r2", "reason_codes"] == "DUP_NAME_CONFLICT"
    assert pairs.loc[0, ["tier", "decision"]].tolist() == ["A", "review"]
    assert "names conflict" in pairs.loc[0, "explanation"]


def test_swapped_first_and_last_still_match(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "Anna", "last_name": "Kowalski", "email": "anna.k@gmail.com"},
            {"first_name": "Kowalski", "last_name": "Anna", "email": "annak@gmail.com"},
        ]
    )
    assert res.assignments["decision"].tolist() == ["new", "auto_merge"]
    assert "swapped" in res.pairs.loc[0, "explanation"]


def test_tier_c_is_never_automatic(rules: Ruleset, model: MatchModel) -> None:
    rows = [
        {"first_name": "Jonathan", "last_name": "Meyer", **ACME},
        {"first_name": "Jonathon", "last_name": "Meyers", **ACME},
        {"first_name": "Jon", "last_name": "Meyer", **ACME, "company": "ACME ANALYTICS"},
    ]
    eager = with_identity(rules, tier_c_review=0.0, tier_b_auto_merge=0.0, review_floor=0.0)
    res = resolve_identities(leads_frame(rows), rules=eager, model=model)
    pairs = res.pairs.set_index(["id_l", "id_r"])
    # Jonathan Meyer / Jonathon Meyers: similar names at one company, whatever the thresholds
    assert pairs.loc[("r1", "r2"), ["tier", "decision"]].tolist() == ["C", "review"]
    assert set(res.pairs.loc[res.pairs["tier"] == "C", "decision"]) == {"review"}
    assert res.assignments.loc["r2", "decision"] == "review"


def test_shared_info_address_is_not_evidence(resolve: Resolve) -> None:
    names = [("Ann", "Lee"), ("Bo", "Chan"), ("Cy", "Diaz"), ("Di", "Ekko"), ("Ed", "Fox")]
    res = resolve([{"first_name": f, "last_name": la, "email": "info@acme.com", **ACME} for f, la in names])
    assert res.assignments["decision"].eq("new").all()
    assert res.shared_keys[["key_type", "key"]].values.tolist() == [["email", "info@acme.com"]]
    assert res.assignments["reason_codes"].eq("DUP_SHARED_KEY").all()


def test_anonymous_record_does_not_chain_two_people(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "Jane", "last_name": "Doe", "email": "office@tiny.io"},
            {"first_name": "John", "last_name": "Roe", "phone": "+1 212 555 0100"},
            {"email": "office@tiny.io", "phone": "(212) 555-0100"},
        ]
    )
    persons = res.assignments["person_id"]
    assert persons["r1"] != persons["r2"]
    assert "would join conflicting names" in " ".join(res.pairs["explanation"])


def test_tier_b_domain_and_name_auto_merges_but_not_two_mailboxes(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "Priya", "last_name": "Shah", "email": "priya.shah@acme.com", **ACME},
            {
                "first_name": "Priya",
                "last_name": "Shah",
                "email": "priya.shah@gmail.com",
                **ACME,
                "website": None,
            },
            {"first_name": "Priya", "last_name": "Shah", "email": "pshah2@acme.com", **ACME},
        ]
    )
    pairs = res.pairs.set_index(["id_l", "id_r"])
    assert pairs.loc[("r1", "r3"), ["tier", "decision"]].tolist() == ["B", "review"]
    assert "different work mailboxes" in pairs.loc[("r1", "r3"), "explanation"]
    a = res.assignments
    assert a.loc["r1", "person_id"] != a.loc["r3", "person_id"]
    assert a.loc["r3", "decision"] == "review"


def test_tier_b_on_website_domain_auto_merges(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "Priya", "last_name": "Shah", "email": "priya.shah@acme.com", **ACME},
            {"first_name": "Priya", "last_name": "Shah", "website": "https://www.acme.com/", **ACME},
        ]
    )
    assert res.pairs.loc[0, "tier"] == "B"
    assert res.assignments["decision"].tolist() == ["new", "auto_merge"]
    assert res.assignments.loc["r2", "reason_codes"] == "DUP_TIER_B"


def test_pairs_carry_contributions_per_field(resolve: Resolve) -> None:
    res = resolve(
        [
            {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.com", **ACME},
            {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.com", **ACME},
        ]
    )
    assert list(res.pairs.columns) == ["id_l", "id_r", "tier", "probability", "decision", "explanation"]
    row = res.contributions.iloc[0]
    assert row["email"] > 5 and row["first_name"] > 0 and row["phone"] == 0


def test_empty_batch(resolve: Resolve) -> None:
    res = resolve([])
    assert res.assignments.empty and res.pairs.empty


def test_model_must_match_ruleset(rules: Ruleset, model: MatchModel) -> None:
    with pytest.raises(ValueError, match="names model"):
        resolve_identities(
            leads_frame([{"first_name": "A"}]),
            rules=with_identity(rules, model="identity_model_v0"),
            model=model,
        )


def test_duplicate_ids_are_refused(rules: Ruleset, model: MatchModel) -> None:
    frame = pd.DataFrame({"first_name": ["A", "B"]}, index=["x", "x"])
    with pytest.raises(ValueError, match="unique"):
        resolve_identities(frame, rules=rules, model=model)
