"""Integer codes for combinations of columns: the vectorized way to group and to work per distinct value.

pandas' MultiIndex factorization materializes a tuple per row, which dominates run time on large
batches; folding per-column factorize codes into one int64 stays in numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def combined_codes(*columns: np.ndarray | pd.Series) -> np.ndarray:
    """One dense code per row for the combination of the columns' values (missing is a value too).

    Args:
        columns: equally long arrays of hashable values.

    Returns:
        int64 codes, equal exactly where all columns are equal.
    """
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        part, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=False)
        code = pd.factorize(code * np.int64(len(uniques) + 1) + part)[0].astype(np.int64)
    return code


def first_of_each(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row index of the first occurrence of each code, code of each row remapped to 0..k-1)."""
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)
