"""`validation`: the email, DNS, phone, name and address checks of the validation engine."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from leadgate_dagster.core.rules.section import LowerWords, Section, Words


class EmailChecks(Section):
    role_account_policy: str
    role_locals_extra: LowerWords
    role_locals_allow: LowerWords
    disposable_allowlist: LowerWords
    disposable_extra: LowerWords
    blocklisted_domains: LowerWords
    free_providers_extra: LowerWords
    fake_locals_extra: LowerWords
    check_tld: bool
    typo_suggestions: bool
    typo_min_label_chars: int
    typo_two_edits_min_chars: int
    catch_all_status: str


class DnsChecks(Section):
    """MX lookups: `offline` answers from the shipped table and the cache only, `live` asks `nameservers`
    (the system resolver when empty)."""

    mode: Literal["offline", "live"]
    timeout_s: float
    deadline_s: float
    max_workers: int
    nameservers: Words
    port: int
    cache_ttl_hours: float
    negative_ttl_hours: float


class PhoneChecks(Section):
    infer_region_from_email_tld: bool
    possible_only_status: str
    fake_tail_digits: int
    nanp_fictional_555: bool
    fictional_prefixes: Words
    shared_number_max_names: int
    sms_line_types: LowerWords
    closed_line_types: LowerWords
    country_mismatch_check: bool


class NameChecks(Section):
    min_graphemes: dict[str, int]  # per script: latin, cyrillic, greek, cjk, other
    max_graphemes: dict[str, int]
    allow_initials: bool
    max_repeated_chars: int
    keyboard_run_min: int
    no_vowel_min_chars: int
    check_profanity: bool
    profanity_allowlist_extra: LowerWords
    placeholders_extra: LowerWords


class AddressChecks(Section):
    check_postal: bool
    require_postal: bool
    require_locality: bool
    parse_us_street: bool
    us_zip_zero_pad: bool


class ValidationRules(Section):
    default_region: str | None
    max_chars: dict[str, int]
    email: EmailChecks
    dns: DnsChecks
    phone: PhoneChecks
    names: NameChecks
    address: AddressChecks

    @field_validator("default_region")
    @classmethod
    def _upper(cls, region: str | None) -> str | None:
        return region.upper() if region else None
