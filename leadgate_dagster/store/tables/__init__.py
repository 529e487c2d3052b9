"""SQLAlchemy Core tables of leadgate's own schema, one module per group of related tables.

Migrations under `store/migrations/` create these; `tests/store/test_migrations.py` checks that the two agree.
"""

from __future__ import annotations

from leadgate_dagster.store.tables.alerts import alerts
from leadgate_dagster.store.tables.api_access import api_keys, api_rejections, rate_buckets, webhook_secrets
from leadgate_dagster.store.tables.console import (
    console_secrets,
    console_sessions,
    console_sign_in_failures,
    console_users,
)
from leadgate_dagster.store.tables.crm import crm_deliveries, crm_links, crm_outbox
from leadgate_dagster.store.tables.decisions import dispositions, rulesets
from leadgate_dagster.store.tables.dns import mx_cache
from leadgate_dagster.store.tables.enrichment import enrichment_cache, enrichment_retries, enrichments
from leadgate_dagster.store.tables.identity import (
    golden_records,
    identity_key_names,
    identity_keys,
    identity_parameters,
    lead_keys,
    lead_person,
    merge_log,
    persons,
)
from leadgate_dagster.store.tables.intake import api_requests, batches, intake_events, intake_files
from leadgate_dagster.store.tables.leads import lead_checks, leads
from leadgate_dagster.store.tables.review import review_decisions, review_items, review_overrides
from leadgate_dagster.store.tables.routing import (
    account_domains,
    accounts,
    next_steps,
    owner_loads,
    owners,
    routing_rotation,
)
from leadgate_dagster.store.tables.schema import NOW, SCHEMA, TEXTS, TS, metadata
from leadgate_dagster.store.tables.scoring import behavior_events, outcomes, score_models, suppressions

__all__ = [
    "NOW", "SCHEMA", "TEXTS", "TS", "account_domains", "accounts", "alerts", "api_keys", "api_rejections",
    "api_requests", "batches", "behavior_events", "console_secrets", "console_sessions", "console_sign_in_failures",
    "console_users", "crm_deliveries", "crm_links", "crm_outbox", "dispositions", "enrichment_cache",
    "enrichment_retries", "enrichments", "golden_records", "identity_key_names", "identity_keys",
    "identity_parameters", "intake_events", "intake_files", "lead_checks", "lead_keys", "lead_person", "leads",
    "merge_log", "metadata", "mx_cache", "next_steps", "outcomes", "owner_loads", "owners", "persons",
    "rate_buckets", "review_decisions", "review_items", "review_overrides", "routing_rotation", "rulesets",
    "score_models", "suppressions", "webhook_secrets",
]
