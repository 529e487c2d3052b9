"""Splink 5 on a labelled set, in this process, with its documented default settings for the set's shape.

The settings follow Splink's own tutorials (the fake_1000 / historical_50k person examples and the
comparison library's defaults): a comparison per column present (NameComparison, DateOfBirthComparison,
EmailComparison, exact city / postcode with term-frequency adjustments, Jaro-Winkler on company and street),
the prior from deterministic rules at recall 0.7, u from 1e6 random pairs, m by EM on two blocking rules.
Values get the light cleaning Splink's docs ask of its users (lowercase, trimmed, digits-only phones,
ISO dates, a website's domain). Only for the benchmark: Splink is in the `[bench]` extra, never a runtime
dependency.

Splink gives pairwise probabilities, not a decision, so the benchmark reports its *best* F1 over clustering
thresholds (connected components of the pairs at or above the threshold), the most favourable reading.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999, 0.99999)


def _clean(leads: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=leads.index)
    text = {c: leads[c].map(lambda v: v.strip().lower() if isinstance(v, str) and v.strip() else None)
            for c in leads.columns}
    for c in ("first_name", "last_name", "city", "postal_code", "street", "company", "email"):
        if c in text:
            out[c] = text[c]
    if "last_name" in out:
        out = out.rename(columns={"last_name": "surname"})
    if "date_of_birth" in text:
        out["dob"] = leads["date_of_birth"].map(_iso_date)
    for c in ("phone", "mobile"):
        if c in text:
            out[c] = text[c].map(lambda v: (re.sub(r"\D", "", v)[-10:] or None) if v else None)
    if "website" in text:
        out["website"] = text["website"].map(
            lambda v: re.sub(r"^(https?://)?(www\.)?", "", v).split("/")[0] if v else None)
    out = out.dropna(axis=1, how="all")
    out.insert(0, "unique_id", np.arange(len(out)))
    return out.reset_index(drop=True)


def _iso_date(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return pd.to_datetime(text, format=fmt).strftime("%Y-%m-%d")
        except (ValueError, TypeError):
            continue
    return None


def _settings(df: pd.DataFrame, shape: str) -> tuple[object, list[object], list[object]]:
    """(SettingsCreator, deterministic rules for the prior, EM blocking rules) for the columns present."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    has = set(df.columns)
    comparisons: list[object] = []
    if "first_name" in has:
        comparisons.append(cl.NameComparison("first_name").configure(term_frequency_adjustments=True))
    if "surname" in has:
        comparisons.append(cl.NameComparison("surname").configure(term_frequency_adjustments=True))
    if "dob" in has:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "email" in has:
        comparisons.append(cl.EmailComparison("email"))
    if "company" in has:
        comparisons.append(cl.JaroWinklerAtThresholds("company", [0.95, 0.88]).configure(
            term_frequency_adjustments=True))
    if "street" in has:
        comparisons.append(cl.JaroWinklerAtThresholds("street", [0.95, 0.88]))
    for c in ("city", "postal_code"):
        if c in has:
            comparisons.append(cl.ExactMatch(c).configure(term_frequency_adjustments=True))
    for c in ("phone", "mobile", "website"):
        if c in has:
            comparisons.append(cl.ExactMatch(c))
    if shape == "leads":
        blocking = [block_on(c) for c in ("email", "phone", "mobile") if c in has]
        blocking += [block_on("first_name", "surname"), block_on("company", "surname")]
        deterministic = [block_on(c) for c in ("email", "phone") if c in has]
        em = [block_on("first_name", "surname"), block_on("email")]
    elif shape == "organisation":
        blocking = [block_on("postal_code"), block_on("phone"), block_on("website")]
        deterministic = [block_on("company", "street"), block_on("phone", "postal_code")]
        em = [block_on("postal_code"), block_on("phone")]
    else:
        blocking = [block_on("first_name", "surname")]
        blocking += [block_on(c) for c in ("dob", "email", "phone", "mobile") if c in has]
        if "postal_code" in has:
            blocking.append(block_on("surname", "postal_code"))
        if "company" in has:
            blocking.append(block_on("company", "surname"))
        deterministic = [block_on("first_name", "surname", *(["dob"] if "dob" in has else ["city"]))]
        deterministic += [block_on("email")] if "email" in has else []
        em = [block_on("first_name", "surname"), block_on("dob") if "dob" in has else block_on("city")]
    settings = SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                               blocking_rules_to_generate_predictions=blocking, retain_intermediate_calculation_columns=False)
    return settings, deterministic, em


def splink_predictions(leads: pd.DataFrame, shape: str) -> tuple[np.ndarray, np.ndarray]:
    """(pairs (m, 2) of row positions, match probability per pair) from Splink's predict()."""
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    df = _clean(leads)
    settings, deterministic, em = _settings(df, shape)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as exc:  # Splink 5 refuses an m that underflows; the other rule still trains
            print(f"  splink: EM on {rule.get_blocking_rule('duckdb').blocking_rule_sql} skipped: {exc}"[:160])
    pred = linker.inference.predict(threshold_match_probability=min(THRESHOLDS)).as_pandas_dataframe()
    pairs = pred[["unique_id_l", "unique_id_r"]].to_numpy(dtype=np.int64)
    return pairs, pred["match_probability"].to_numpy(dtype=float)


def partition(n: int, pairs: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]
