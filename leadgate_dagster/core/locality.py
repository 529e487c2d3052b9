"""A missing locality placed from the postal code, at qualification.

Validation flags ADDRESS_LOCALITY_MISSING but cannot place the postal code: the core may not call the
geocoder, and the offline one sits behind the Postgres enrichment cache so that a run process does not load
the `zipcodes` table (~0.5 s) for postal codes seen before. Qualification has the geocoding answer, so there
a lead whose postal code was placed trades the hold for LOCALITY_FROM_POSTAL_CODE (info); a postal code the
geocoder cannot place (no answer, or a region-level row without a locality) keeps the hold.
"""

from __future__ import annotations

import pandas as pd

from leadgate_dagster.core.columns import list_column, text

MISSING = "ADDRESS_LOCALITY_MISSING"
PLACED = "LOCALITY_FROM_POSTAL_CODE"


def place_localities(leads: pd.DataFrame) -> pd.Series:
    """Each lead's upstream reason codes with MISSING replaced by PLACED where geocoding found a locality.

    Args:
        leads: qualification inputs with `reasons` (lists of codes) and `geo_locality`
            (`core.enrichment_fill` adds it; None where geocoding did not answer).

    Returns:
        The new `reasons`, same index.
    """
    placed = text(leads, "geo_locality").notna()
    return pd.Series([[PLACED if c == MISSING and ok else c for c in codes]
                      for codes, ok in zip(list_column(leads, "reasons"), placed, strict=True)],
                     index=leads.index, dtype=object)
