"""Masking for what leaves the database for logs and Dagster's event log: enough to recognise, not to contact."""

from __future__ import annotations


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return ""
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str | None) -> str:
    return f"{value[:3]}***{value[-2:]}" if value and len(value) > 6 else ""
