"""How leads come in and are batched, and when the gate raises alerts: `intake`, `batching`, `alerts`."""

from __future__ import annotations

from pydantic import field_validator

from leadgate_dagster.core.lead_schema import HEADER_TARGETS
from leadgate_dagster.core.rules.section import Section


class IntakeRules(Section):
    replay_window_hours: float
    max_field_chars: int
    sensor_parse_max_rows: int
    sensor_parse_max_bytes: int
    sensor_long_poll_seconds: float
    file_settle_seconds: float
    import_chunk_rows: int
    header_map: dict[str, dict[str, str]]

    @field_validator("header_map")
    @classmethod
    def _known_fields(cls, header_map: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """A header mapped to a misspelt field would be dropped as silently as an unmapped one."""
        unknown = sorted({f for mapping in header_map.values() for f in mapping.values()} - HEADER_TARGETS)
        if unknown:
            raise ValueError(f"unknown lead fields {unknown}")
        return header_map


class BatchingRules(Section):
    max_events_per_batch: int
    max_batches_per_tick: int
    max_runs_in_flight: int
    lease_seconds: float
    file_claim_grace_seconds: float


class DispositionDrift(Section):
    recent_leads: int
    min_recent: int
    window_days: int
    min_window: int
    max_share_delta: float


class AlertRules(Section):
    rejection_rate_window: int
    rejection_rate_min_sample: int
    rejection_rate_threshold: float
    unscored_after_minutes: float
    score_sla_seconds: float
    score_coverage_min: float
    score_within_sla_min: float
    disposition_drift: DispositionDrift
