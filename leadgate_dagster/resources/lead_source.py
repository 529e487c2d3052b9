"""A lead-source API's endpoint and credentials, one resource per configured source (`lead_source_<name>`).

The token is configured as `dg.EnvVar(<the source's token_env>)`: Dagster resolves it when a tick starts
and never shows its value, and a missing variable fails that source's ticks with a message naming it,
leaving every other sensor and job alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from leadgate_dagster.core.lead_sources import LeadSourceSpec
from leadgate_dagster.providers.lead_source import LeadSourceClient


class LeadSourceResource(dg.ConfigurableResource):
    url: str
    token: str = ""

    def client(self, spec: LeadSourceSpec) -> LeadSourceClient:
        """An HTTP client for one tick (close it, or use it as a context manager)."""
        return LeadSourceClient(spec, url=self.url, token=self.token)


def resource_key(spec: LeadSourceSpec) -> str:
    return f"lead_source_{spec.name}"


def lead_source_resources(specs: Iterable[LeadSourceSpec]) -> dict[str, LeadSourceResource]:
    """One resource per source, its token from the environment variable the source names."""
    return {resource_key(s): LeadSourceResource(url=s.url, token=dg.EnvVar(s.token_env) if s.token_env else "")
            for s in specs}
