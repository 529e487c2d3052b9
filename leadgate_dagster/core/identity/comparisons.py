"""Comparison vectors: for each candidate pair, one level per field.

The levels are the model's vocabulary (`COMPARISONS`); the artifact stores an m and a u probability per
level and refuses to load if its levels differ from these. String similarities are computed once per
distinct pair of values (rapidfuzz `cpdist`, in C), not once per pair of records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from leadgate_dagster.core.identity.codes import combined_codes, first_of_each
from leadgate_dagster.core.identity.names import names_conflict, nickname_index
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.validation.data import role_locals

COMPARISONS: dict[str, tuple[str, ...]] = {
    "first_name": ("null", "exact", "nickname", "jw92", "jw80", "different"),
    "last_name": ("null", "exact", "jw92", "jw80", "different"),
    "email": ("null", "exact", "shared", "other_mailbox", "different"),
    "phone": ("null", "exact", "shared", "different"),
    "domain": ("null", "same", "different"),
    "company": ("null", "exact", "similar", "different"),
    "locality": ("null", "postal", "city", "region", "different"),
    "device": ("null", "exact", "shared", "different"),
}
"""Field -> levels. Level 0 ("null": a side is missing) and "shared" levels carry no weight."""


@dataclass(frozen=True)
class Comparisons:
    """levels: one int8 column per field (index into COMPARISONS[field]); facts: the booleans and
    similarities the tier rules read (name conflict, swapped names, key matches, company agreement)."""

    levels: pd.DataFrame
    facts: pd.DataFrame


def _level(choices: list[tuple[np.ndarray, str]], field: str, n: int) -> np.ndarray:
    """First matching level per pair, in priority order; "null" when none matches."""
    names = COMPARISONS[field]
    return (
        np.select([c for c, _ in choices], [names.index(lv) for _, lv in choices], 0).astype(np.int8)
        if choices
        else np.zeros(n, np.int8)
    )


def _on_unique(
    a: np.ndarray, b: np.ndarray, fn: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """fn over the distinct (a, b) value pairs, spread back to all pairs; NaN where a side is None."""
    out = np.full(len(a), np.nan)
    valid = pd.notna(a) & pd.notna(b)
    if valid.any():
        av, bv = a[valid], b[valid]
        first, inverse = first_of_each(combined_codes(av, bv))
        out[valid] = np.asarray(fn(av[first], bv[first]), dtype=float)[inverse]
    return out


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _on_unique(
        a, b, lambda x, y: process.cpdist(list(x), list(y), scorer=JaroWinkler.normalized_similarity)
    )


def _role(emails: np.ndarray) -> np.ndarray:
    """Whether each email key is a role address (info@, sales@: the shared role list of validation)."""
    local = pd.Series(emails, dtype=object).str.split("@").str[0]
    return local.isin(role_locals()).to_numpy()


def personal_mailboxes(keys: pd.DataFrame, shared: pd.DataFrame) -> list[str | None]:
    """Per record, its email key when it is a person's mailbox at the company domain (not free-mail, not a
    role address, not shared), else None; a person has one, so two at one domain mean two people."""
    email = keys["email"]
    domain = email.str.split("@").str[1]
    shared_emails = set(shared.loc[shared["key_type"] == "email", "key"])
    mine = email.notna() & (domain == keys["domain"]) & ~_role(email.to_numpy()) & ~email.isin(shared_emails)
    return [e if ok else None for e, ok in zip(email, mine)]


def _key_match(left: list[np.ndarray], right: list[np.ndarray], shared: set[str]) -> tuple[np.ndarray, ...]:
    """(exact non-shared match, match on a shared key only, both sides have a non-shared key) for a
    multi-valued key such as phone + mobile."""
    n = len(left[0])
    exact, via_shared = np.zeros(n, bool), np.zeros(n, bool)
    for lv in left:
        for rv in right:
            same = pd.notna(lv) & (lv == rv)
            is_shared = pd.Series(lv).isin(shared).to_numpy()
            exact |= same & ~is_shared
            via_shared |= same & is_shared

    def has_own(values: list[np.ndarray]) -> np.ndarray:
        return np.logical_or.reduce([pd.notna(v) & ~pd.Series(v).isin(shared).to_numpy() for v in values])

    return exact, via_shared & ~exact, has_own(left) & has_own(right)


def _name_conflicts(
    L: dict[str, np.ndarray], R: dict[str, np.ndarray], min_similarity: float, wanted: np.ndarray
) -> np.ndarray:
    """names_conflict for the wanted pairs (False elsewhere), once per distinct combination of four names."""
    out = np.zeros(len(wanted), bool)
    if not wanted.any():
        return out
    parts = [side[c][wanted] for side in (L, R) for c in ("first", "last")]
    first, inverse = first_of_each(combined_codes(*parts))
    verdict = np.fromiter(
        (names_conflict(*(p[i] for p in parts), min_similarity) for i in first), bool, len(first)
    )
    out[wanted] = verdict[inverse]
    return out


def compare_pairs(
    keys: pd.DataFrame, pairs: np.ndarray, shared: pd.DataFrame, settings: IdentitySettings
) -> Comparisons:
    """Levels and facts for each candidate pair.

    Args:
        keys: build_keys output, rows in input order.
        pairs: (m, 2) positions into keys.
        shared: shared_keys output.
        settings: name similarity thresholds.

    Returns:
        Comparisons aligned with pairs.
    """
    m = len(pairs)
    L = {c: keys[c].to_numpy(dtype=object)[pairs[:, 0]] for c in keys.columns}
    R = {c: keys[c].to_numpy(dtype=object)[pairs[:, 1]] for c in keys.columns}
    shared_of = {t: set(shared.loc[shared["key_type"] == t, "key"]) for t in ("email", "phone", "device")}

    s_ff, s_ll, s_fl, s_lf = (
        _jw(L["first"], R["first"]),
        _jw(L["last"], R["last"]),
        _jw(L["first"], R["last"]),
        _jw(L["last"], R["first"]),
    )
    swapped = (
        (np.nan_to_num(s_fl + s_lf) - np.nan_to_num(s_ff + s_ll) > 0.15) & (s_fl >= 0.85) & (s_lf >= 0.85)
    )
    r_first = np.where(swapped, R["last"], R["first"])
    r_last = np.where(swapped, R["first"], R["last"])
    s_first = np.where(swapped, s_fl, s_ff)
    s_last = np.where(swapped, s_lf, s_ll)
    nick = nickname_index()
    nickname = (
        _on_unique(
            L["first"],
            r_first,
            lambda x, y: np.fromiter(
                (nick.compatible(a.split()[0], b.split()[0]) for a, b in zip(x, y)), bool, len(x)
            ),
        )
        == 1
    )
    initial = (
        _on_unique(
            L["first"],
            r_first,
            lambda x, y: np.fromiter(
                ((len(a) == 1 or len(b) == 1) and a[0] == b[0] for a, b in zip(x, y)), bool, len(x)
            ),
        )
        == 1
    )
    first_level = _level(
        [
            (pd.isna(L["first"]) | pd.isna(r_first), "null"),
            (L["first"] == r_first, "exact"),
            (nickname, "nickname"),
            ((s_first >= 0.92) | initial, "jw92"),
            (s_first >= 0.80, "jw80"),
            (np.ones(m, bool), "different"),
        ],
        "first_name",
        m,
    )
    last_level = _level(
        [
            (pd.isna(L["last"]) | pd.isna(r_last), "null"),
            (L["last"] == r_last, "exact"),
            (s_last >= 0.92, "jw92"),
            (s_last >= 0.80, "jw80"),
            (np.ones(m, bool), "different"),
        ],
        "last_name",
        m,
    )
    email_exact, email_shared, email_both = _key_match([L["email"]], [R["email"]], shared_of["email"])
    # two different mailboxes at one company domain: a person has one work mailbox, colleagues have two
    box = np.asarray(personal_mailboxes(keys, shared), dtype=object)
    box_l, box_r = box[pairs[:, 0]], box[pairs[:, 1]]
    other_mailbox = pd.notna(box_l) & pd.notna(box_r) & (box_l != box_r) & (L["domain"] == R["domain"])
    email_level = _level(
        [
            (email_exact, "exact"),
            (other_mailbox, "other_mailbox"),
            (email_both, "different"),
            (email_shared, "shared"),
        ],
        "email",
        m,
    )
    phone_exact, phone_shared, phone_both = _key_match(
        [L["phone_1"], L["phone_2"]], [R["phone_1"], R["phone_2"]], shared_of["phone"]
    )
    phone_level = _level(
        [(phone_exact, "exact"), (phone_both, "different"), (phone_shared, "shared")], "phone", m
    )
    # the conflict verdict only decides tier A pairs, so it is only worked out for them
    conflict = _name_conflicts(L, R, settings.name_conflict_similarity, email_exact | phone_exact)
    dev_exact, dev_shared, dev_both = _key_match(
        [L["device_1"], L["device_2"]], [R["device_1"], R["device_2"]], shared_of["device"]
    )
    device_level = _level(
        [(dev_exact, "exact"), (dev_both, "different"), (dev_shared, "shared")], "device", m
    )
    # when both work emails were compared, the email level already says what the domain would
    both_domain = pd.notna(L["domain"]) & pd.notna(R["domain"]) & ~email_exact & ~other_mailbox
    same_domain = both_domain & (L["domain"] == R["domain"])
    domain_level = _level([(same_domain, "same"), (both_domain, "different")], "domain", m)
    company_sim = _on_unique(
        L["company"],
        R["company"],
        lambda x, y: process.cpdist(list(x), list(y), scorer=fuzz.token_set_ratio) / 100.0,
    )
    company_level = _level(
        [
            (pd.notna(company_sim) & (L["company"] == R["company"]), "exact"),
            (company_sim >= 0.9, "similar"),
            (pd.notna(company_sim), "different"),
        ],
        "company",
        m,
    )
    locality_level = _level(
        [
            (pd.notna(L["postal"]) & (L["postal"] == R["postal"]), "postal"),
            (pd.notna(L["city"]) & (L["city"] == R["city"]), "city"),
            (pd.notna(L["region"]) & (L["region"] == R["region"]), "region"),
            (
                np.logical_or.reduce([pd.notna(L[c]) & pd.notna(R[c]) for c in ("postal", "city", "region")]),
                "different",
            ),
        ],
        "locality",
        m,
    )
    # "Acme Analytics" and acmeanalytics.com name one company: compare space-free names and domain labels
    slugs = {
        "n": keys["company"].str.replace(" ", "").to_numpy(dtype=object),
        "d": keys["domain"].str.split(".").str[0].to_numpy(dtype=object),
    }
    slug = {
        "l": {k: v[pairs[:, 0]] for k, v in slugs.items()},
        "r": {k: v[pairs[:, 1]] for k, v in slugs.items()},
    }
    slug_match = np.logical_or.reduce(
        [pd.notna(slug["l"][a]) & (slug["l"][a] == slug["r"][b]) for a in "nd" for b in "nd"]
    )
    levels = pd.DataFrame(
        {
            "first_name": first_level,
            "last_name": last_level,
            "email": email_level,
            "phone": phone_level,
            "domain": domain_level,
            "company": company_level,
            "locality": locality_level,
            "device": device_level,
        }
    )
    facts = pd.DataFrame(
        {
            "swapped": swapped,
            "name_conflict": conflict,
            "s_first": s_first,
            "s_last": s_last,
            "email_exact": email_exact,
            "other_mailbox": other_mailbox,
            "phone_exact": phone_exact,
            "device_exact": dev_exact,
            "same_domain": same_domain
            | ((email_exact | other_mailbox) & pd.notna(L["domain"]) & (L["domain"] == R["domain"])),
            "shared_ignored": np.select(
                [email_shared, phone_shared, dev_shared], ["email", "phone", "device"], ""
            ),
            "company_match": (company_level == 1) | (company_level == 2) | same_domain | slug_match,
            "no_company": pd.isna(L["company"])
            & pd.isna(R["company"])
            & pd.isna(L["domain"])
            & pd.isna(R["domain"]),
            "region_conflict": pd.notna(L["region"]) & pd.notna(R["region"]) & (L["region"] != R["region"]),
        }
    )
    return Comparisons(levels=levels, facts=facts)
