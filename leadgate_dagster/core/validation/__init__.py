"""The validation and normalization engine: pure, batch-shaped, driven by the ruleset.

    from leadgate_dagster.core.validation import validate_batch, email_domains
    mx = cached_provider.lookup(email_domains(leads, rules))
    out = validate_batch(leads, rules=rules, mx=mx)
"""

from __future__ import annotations

from leadgate_dagster.core.validation.batch import FIELDS, ValidationOutput, email_domains, validate_batch
from leadgate_dagster.core.validation.config import ValidationConfig, validation_config
from leadgate_dagster.core.validation.mx import (
    MX_NO_DOMAIN,
    MX_NONE,
    MX_NULL,
    MX_OK,
    MX_STATUSES,
    MX_UNKNOWN,
    MxResult,
)

__all__ = [
    "FIELDS",
    "MX_NONE",
    "MX_NO_DOMAIN",
    "MX_NULL",
    "MX_OK",
    "MX_STATUSES",
    "MX_UNKNOWN",
    "MxResult",
    "ValidationConfig",
    "ValidationOutput",
    "email_domains",
    "validate_batch",
    "validation_config",
]
