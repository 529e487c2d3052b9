"""Suppression and do-not-contact lists matched against a batch: the one input that wins over any consent.

The store passes the entries that share a key with the batch as a DataFrame:

| column     | meaning                                                                 |
| ---------- | ----------------------------------------------------------------------- |
| key_type   | `email`, `phone` (E.164) or `domain` (a whole company opted out)        |
| key        | the suppressed value                                                    |
| channel    | `all` (global do-not-contact / DNC) or `email`, `sms`, `voice` (opt-out)|
| revoked_at | when the opt-out was recorded (optional; undated entries always apply)  |

An entry recorded after `as_of` is ignored, so re-deciding an old batch gives the answer it had then.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from leadgate_dagster.core.columns import as_utc, column, parse_times, text
from leadgate_dagster.core.consent_policy import Channel

GLOBAL = "all"


class KeyType(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    DOMAIN = "domain"


# lead columns that carry each key type; all are tried, so a raw address matches as well as its identity key
LEAD_KEY_COLUMNS: dict[KeyType, tuple[str, ...]] = {
    KeyType.EMAIL: ("email_key", "email_normalized", "email"),
    KeyType.PHONE: ("phone_e164", "mobile_e164"),
    KeyType.DOMAIN: ("email_domain",),
}


@dataclass(frozen=True, slots=True)
class SuppressionHits:
    """Per lead (same index as the batch): a global do-not-contact hit, and per channel an opt-out hit with
    the latest recorded time of that opt-out (NaT when any matching entry is undated)."""

    dnc: pd.Series
    revoked: dict[Channel, pd.Series]
    revoked_at: dict[Channel, pd.Series]


def _normalized_key(values: pd.Series, key_type: KeyType) -> pd.Series:
    out = values.astype(str).str.strip().str.lower()
    if key_type is KeyType.PHONE:
        out = out.str.replace(r"[^\d+]", "", regex=True)
    return out


def _lead_long(leads: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for key_type, names in LEAD_KEY_COLUMNS.items():
        for name in names:
            values = text(leads, name).dropna()
            if values.empty:
                continue
            positions = leads.index.get_indexer(values.index)
            parts.append(pd.DataFrame({"pos": positions, "key_type": key_type.value,
                                       "key": _normalized_key(values, key_type).to_numpy()}))
    if not parts:
        return pd.DataFrame({"pos": pd.Series(dtype=int), "key_type": pd.Series(dtype=object),
                             "key": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def match_suppressions(leads: pd.DataFrame, suppressions: pd.DataFrame | None,
                       as_of: pd.Timestamp | None = None) -> SuppressionHits:
    """Which leads of the batch the suppression list covers, globally and per channel.

    Args:
        leads: the batch (index unique); key columns as in LEAD_KEY_COLUMNS, absent ones skipped.
        suppressions: entries as described in the module docstring; None or empty means none.
        as_of: the decision time; later entries are ignored. None means now.

    Returns:
        SuppressionHits aligned with `leads.index`.
    """
    n = len(leads)
    none = pd.Series(False, index=leads.index)
    nat = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns, UTC]")
    empty = SuppressionHits(none, dict.fromkeys(Channel, none), dict.fromkeys(Channel, nat))
    if suppressions is None or suppressions.empty or n == 0:
        return empty
    sup = pd.DataFrame({
        "key_type": text(suppressions, "key_type", lower=True),
        "channel": text(suppressions, "channel", lower=True).fillna(GLOBAL),
        "revoked_at": parse_times(column(suppressions, "revoked_at")),
    })
    raw_keys, sup["key"] = text(suppressions, "key"), None
    for key_type in KeyType:
        mine = (sup["key_type"] == key_type.value) & raw_keys.notna()
        sup.loc[mine, "key"] = _normalized_key(raw_keys[mine], key_type)
    sup = sup.dropna(subset=["key_type", "key"])
    sup = sup[sup["revoked_at"].isna() | (sup["revoked_at"] <= as_utc(as_of))]
    hits = _lead_long(leads).merge(sup, on=["key_type", "key"], how="inner")
    if hits.empty:
        return empty
    positions = pd.RangeIndex(n)

    def per_position(mask: pd.Series) -> pd.Series:
        found = pd.Series(False, index=positions)
        found.loc[hits.loc[mask, "pos"].unique()] = True
        return found.set_axis(leads.index)

    revoked, revoked_at = {}, {}
    for ch in Channel:
        mine = hits["channel"] == ch.value
        revoked[ch] = per_position(mine)
        grouped = hits[mine].groupby("pos")["revoked_at"]
        # an undated entry can never be outdated by a newer opt-in, so it makes the whole channel undated
        latest = grouped.max().where(grouped.count() == grouped.size())
        at = pd.Series(pd.NaT, index=positions, dtype="datetime64[ns, UTC]")
        at.loc[latest.index] = latest
        revoked_at[ch] = at.set_axis(leads.index)
    return SuppressionHits(per_position(hits["channel"] == GLOBAL), revoked, revoked_at)
