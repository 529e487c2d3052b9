"""Comparison vectors: for each candidate pair, one level per field.

The levels are the model's vocabulary (`COMPARISONS`); the artifact stores an m and a u probability per
level and refuses to load if its levels differ from these. Records are compared through their key codes
(key_codes.py): equality is an integer comparison, and string similarities are computed once per distinct
pair of values (rapidfuzz `cpdist`, in C), not once per pair of records. `compare_coded` takes any chunk of
pairs, and each pair's levels depend on its two records only, so chunking cannot change a result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from leadgate_dagster.core.identity.codes import first_of_each
from leadgate_dagster.core.identity.key_codes import KeyTable, code_keys, take
from leadgate_dagster.core.identity.keys import personal_mailboxes
from leadgate_dagster.core.identity.levels import (
    COMPARISONS,
    dob_levels,
    freq_at,
    on_codes,
    pick_level,
    street_levels,
)
from leadgate_dagster.core.identity.names import names_conflict, nickname_index
from leadgate_dagster.core.identity.settings import IdentitySettings

__all__ = ["COMPARISONS", "Comparisons", "compare_coded", "compare_pairs", "personal_mailboxes"]

@dataclass(frozen=True)
class Comparisons:
    """levels: one int8 column per field (index into COMPARISONS[field]); facts: the booleans and
    similarities the tier rules read (name conflict, swapped names, key matches, company agreement, keys
    matched only through a contested key), and tf_<field>: the frequency of the agreed value at a field's
    exact level (NaN elsewhere) for term-frequency adjustments."""

    levels: pd.DataFrame
    facts: pd.DataFrame


def _jw(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return process.cpdist(list(x), list(y), scorer=JaroWinkler.normalized_similarity)


def _key_match(
    left: list[np.ndarray], right: list[np.ndarray], shared: list[np.ndarray], contested: list[np.ndarray]
) -> tuple[np.ndarray, ...]:
    """(exact non-shared match, match on a shared key only, exact match on an uncontested key) for a
    multi-valued key such as phone + mobile; shared / contested: per left column, whether its value is a
    shared / contested key."""
    n = len(left[0])
    exact, via_shared, clean = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    for lv, is_shared, is_contested in zip(left, shared, contested, strict=False):
        for rv in right:
            same = (lv >= 0) & (lv == rv)
            exact |= same & ~is_shared
            via_shared |= same & is_shared
            clean |= same & ~is_shared & ~is_contested
    return exact, via_shared & ~exact, clean


def _has_own(values: list[np.ndarray], shared: list[np.ndarray]) -> np.ndarray:
    """Whether a record has a key of this kind that is not shared."""
    return np.logical_or.reduce([(v >= 0) & ~s for v, s in zip(values, shared, strict=False)])


def _name_conflicts(
    L: dict[str, np.ndarray],
    R: dict[str, np.ndarray],
    names: np.ndarray,
    min_similarity: float,
    wanted: np.ndarray,
) -> np.ndarray:
    """names_conflict for the wanted pairs (False elsewhere), once per distinct combination of four names."""
    out = np.zeros(len(wanted), bool)
    if not wanted.any():
        return out
    parts = [side[c][wanted] for side in (L, R) for c in ("first", "last")]
    code = np.zeros(int(wanted.sum()), np.int64)
    for part in parts:  # refactorize after each column, so the combined code never overflows
        code = pd.factorize(code * np.int64(len(names) + 1) + part + 1)[0].astype(np.int64)
    first, inverse = first_of_each(code)
    lookup = np.append(names, None)  # code -1 (missing) -> None
    verdict = np.fromiter(
        (names_conflict(*(lookup[p[i]] for p in parts), min_similarity) for i in first), bool, len(first)
    )
    out[wanted] = verdict[inverse]
    return out


def compare_pairs(
    keys: pd.DataFrame, pairs: np.ndarray, shared: pd.DataFrame, settings: IdentitySettings,
    contested: pd.DataFrame | None = None,
) -> Comparisons:
    """Levels and facts for each candidate pair.

    Args:
        keys: build_keys output, rows in input order.
        pairs: (m, 2) positions into keys.
        shared: shared_keys output.
        settings: name similarity thresholds.
        contested: guards.contested_keys output, if any.

    Returns:
        Comparisons aligned with pairs.
    """
    return compare_coded(code_keys(keys, shared, contested, tf_min_count=settings.estimation.tf_min_count),
                         pairs, settings)


def add_name_conflicts(comparisons: Comparisons, table: KeyTable, pairs: np.ndarray, wanted: np.ndarray,
                       settings: IdentitySettings) -> None:
    """Work out the name-conflict verdict for more pairs (those a decision may now depend on: tier A pairs
    have theirs already); done after scoring, so it runs on the few pairs that scored high enough."""
    todo = wanted & ~comparisons.facts["email_exact"].to_numpy() & ~comparisons.facts["phone_exact"].to_numpy()
    if todo.any():
        L, R = take(table, pairs[:, 0]), take(table, pairs[:, 1])
        found = _name_conflicts(L, R, table.uniques["name"], settings.name_conflict_similarity, todo)
        comparisons.facts["name_conflict"] = comparisons.facts["name_conflict"].to_numpy() | found


def compare_coded(table: KeyTable, pairs: np.ndarray, settings: IdentitySettings) -> Comparisons:
    """compare_pairs on coded keys: code the batch once (key_codes.code_keys), then compare any number of
    chunks of its pairs.

    Args:
        table: the coded keys of the batch.
        pairs: (m, 2) positions into the batch.
        settings: name similarity thresholds.

    Returns:
        Comparisons aligned with pairs.
    """
    m = len(pairs)
    L, R = take(table, pairs[:, 0]), take(table, pairs[:, 1])
    shared_l = {c: v[pairs[:, 0]] for c, v in table.shared.items()}
    shared_r = {c: v[pairs[:, 1]] for c, v in table.shared.items()}
    contested_l = {c: v[pairs[:, 0]] for c, v in table.contested.items()}
    names = table.uniques["name"]

    s_ff, s_ll, s_fl, s_lf = (
        on_codes(L[a], R[b], names, names, _jw)
        for a, b in (("first", "first"), ("last", "last"), ("first", "last"), ("last", "first"))
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
        on_codes(
            L["first"],
            r_first,
            names,
            names,
            lambda x, y: np.fromiter(
                (nick.compatible(a.split()[0], b.split()[0]) for a, b in zip(x, y, strict=False)), bool, len(x)
            ),
        )
        == 1
    )
    initial = (
        on_codes(
            L["first"],
            r_first,
            names,
            names,
            lambda x, y: np.fromiter(
                ((len(a) == 1 or len(b) == 1) and a[0] == b[0] for a, b in zip(x, y, strict=False)), bool, len(x)
            ),
        )
        == 1
    )
    first_level = pick_level(
        [
            ((L["first"] < 0) | (r_first < 0), "null"),
            (L["first"] == r_first, "exact"),
            (nickname, "nickname"),
            ((s_first >= settings.name_jw_high) | initial, "jw92"),
            (s_first >= settings.name_jw_low, "jw80"),
            (np.ones(m, bool), "different"),
        ],
        "first_name",
        m,
    )
    last_level = pick_level(
        [
            ((L["last"] < 0) | (r_last < 0), "null"),
            (L["last"] == r_last, "exact"),
            (s_last >= settings.name_jw_high, "jw92"),
            (s_last >= settings.name_jw_low, "jw80"),
            (np.ones(m, bool), "different"),
        ],
        "last_name",
        m,
    )
    emails = ("email", "email_2")
    email_exact, email_shared, email_clean = _key_match(
        [L[c] for c in emails], [R[c] for c in emails], [shared_l[c] for c in emails],
        [contested_l[c] for c in emails])
    email_both = _has_own([L[c] for c in emails], [shared_l[c] for c in emails]) & _has_own(
        [R[c] for c in emails], [shared_r[c] for c in emails])
    # two different mailboxes at one company domain: a person has one work mailbox, colleagues have two
    box_l, box_r = L["mailbox"], R["mailbox"]
    other_mailbox = (box_l >= 0) & (box_r >= 0) & (box_l != box_r) & (L["domain"] == R["domain"])
    email_level = pick_level(
        [
            (email_exact, "exact"),
            (other_mailbox, "other_mailbox"),
            (email_both, "different"),
            (email_shared, "shared"),
        ],
        "email",
        m,
    )
    phones = ("phone_1", "phone_2", "phone_3")
    phone_exact, phone_shared, phone_clean = _key_match(
        [L[c] for c in phones], [R[c] for c in phones], [shared_l[c] for c in phones],
        [contested_l[c] for c in phones]
    )
    phone_both = _has_own([L[c] for c in phones], [shared_l[c] for c in phones]) & _has_own(
        [R[c] for c in phones], [shared_r[c] for c in phones]
    )
    phone_level = pick_level(
        [(phone_exact, "exact"), (phone_both, "different"), (phone_shared, "shared")], "phone", m
    )
    # the conflict verdict only decides tier A pairs, so it is only worked out for them
    conflict = _name_conflicts(L, R, names, settings.name_conflict_similarity, email_exact | phone_exact)
    devices = ("device_1", "device_2")
    dev_exact, dev_shared, _ = _key_match(
        [L[c] for c in devices], [R[c] for c in devices], [shared_l[c] for c in devices],
        [np.zeros(m, bool) for _ in devices]
    )
    dev_both = _has_own([L[c] for c in devices], [shared_l[c] for c in devices]) & _has_own(
        [R[c] for c in devices], [shared_r[c] for c in devices]
    )
    device_level = pick_level(
        [(dev_exact, "exact"), (dev_both, "different"), (dev_shared, "shared")], "device", m
    )
    # when both work emails were compared, the email level already says what the domain would
    same_domain_value = (L["domain"] >= 0) & (L["domain"] == R["domain"])
    both_domain = (L["domain"] >= 0) & (R["domain"] >= 0) & ~email_exact & ~other_mailbox
    same_domain = both_domain & same_domain_value
    domain_level = pick_level([(same_domain, "same"), (both_domain, "different")], "domain", m)
    companies = table.uniques["company"]
    company_sim = on_codes(
        L["company"],
        R["company"],
        companies,
        companies,
        lambda x, y: process.cpdist(list(x), list(y), scorer=fuzz.token_set_ratio) / 100.0,
    )
    company_level = pick_level(
        [
            (pd.notna(company_sim) & (L["company"] == R["company"]), "exact"),
            (company_sim >= settings.company_similar, "similar"),
            (pd.notna(company_sim), "different"),
        ],
        "company",
        m,
    )
    places = ("postal", "city", "region")
    locality_level = pick_level(
        [
            *(((L[c] >= 0) & (L[c] == R[c]), c) for c in places),
            (np.logical_or.reduce([(L[c] >= 0) & (R[c] >= 0) for c in places]), "different"),
        ],
        "locality",
        m,
    )
    # "Acme Analytics" and acmeanalytics.com name one company: compare space-free names and domain labels
    slugs = ("slug_name", "slug_domain")
    slug_match = np.logical_or.reduce([(L[a] >= 0) & (L[a] == R[b]) for a in slugs for b in slugs])
    dob_level_ = dob_levels(table, L, R, settings)
    street_level, street_contested = street_levels(table, L, R, shared_l, contested_l, settings)
    title_level = pick_level([((L["title"] >= 0) & (L["title"] == R["title"]), "exact"),
                          ((L["title"] >= 0) & (R["title"] >= 0), "different")], "job_title", m)
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
            "date_of_birth": dob_level_,
            "street": street_level,
            "job_title": title_level,
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
            "same_domain": same_domain | ((email_exact | other_mailbox) & same_domain_value),
            "shared_ignored": np.select(
                [email_shared, phone_shared, dev_shared], ["email", "phone", "device"], ""
            ),
            "company_match": (company_level == 1) | (company_level == 2) | same_domain | slug_match,
            "no_company": (L["company"] < 0) & (R["company"] < 0) & (L["domain"] < 0) & (R["domain"] < 0),
            "region_conflict": (L["region"] >= 0) & (R["region"] >= 0) & (L["region"] != R["region"]),
            # dates of birth that differ say "two people"; for records naming no person (an account list), two
            # different streets say "two sites", however alike the company, website and switchboard
            "dob_conflict": (dob_level_ == COMPARISONS["date_of_birth"].index("different")) | (
                (street_level == COMPARISONS["street"].index("different"))
                & (L["first"] < 0) & (L["last"] < 0) & (R["first"] < 0) & (R["last"] < 0)),
            # matched on email / phone / street only through a key whose holders conflict (guards.py)
            "contested_email": email_exact & ~email_clean,
            "contested_phone": phone_exact & ~phone_clean,
            "contested_street": street_contested,
            "tf_first_name": freq_at(table.freq["first"], L["first"], first_level == 1),
            "tf_last_name": freq_at(table.freq["last"], L["last"], last_level == 1),
            "tf_locality": freq_at(table.freq["city"], L["city"], locality_level == 2),
            "tf_company": freq_at(table.freq["company"], L["company"], company_level == 1),
        }
    )
    return Comparisons(levels=levels, facts=facts)
