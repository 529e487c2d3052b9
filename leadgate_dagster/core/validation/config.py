"""The `validation:` section of a ruleset as the engine's settings: lowercased sets, an uppercased region.

Every threshold, list and switch of the engine comes from here, derived once per ruleset from its typed
section (keys a ruleset leaves out already hold the shipped values).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadgate_dagster.core.ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class EmailRules:
    role_account_policy: str
    role_locals_extra: frozenset[str]
    role_locals_allow: frozenset[str]
    disposable_allowlist: frozenset[str]
    disposable_extra: frozenset[str]
    blocklisted_domains: frozenset[str]
    free_providers_extra: frozenset[str]
    fake_locals_extra: frozenset[str]
    check_tld: bool
    typo_suggestions: bool
    typo_min_label_chars: int
    typo_two_edits_min_chars: int
    catch_all_status: str


@dataclass(frozen=True, slots=True)
class PhoneRules:
    infer_region_from_email_tld: bool
    possible_only_status: str
    fake_tail_digits: int
    nanp_fictional_555: bool
    fictional_prefixes: tuple[str, ...]
    shared_number_max_names: int
    sms_line_types: frozenset[str]
    closed_line_types: frozenset[str]
    country_mismatch_check: bool


@dataclass(frozen=True, slots=True)
class NameRules:
    min_graphemes: dict[str, int]
    max_graphemes: dict[str, int]
    allow_initials: bool
    max_repeated_chars: int
    keyboard_run_min: int
    no_vowel_min_chars: int
    check_profanity: bool
    profanity_allowlist_extra: frozenset[str]
    placeholders_extra: frozenset[str]


@dataclass(frozen=True, slots=True)
class AddressRules:
    check_postal: bool
    require_postal: bool
    require_locality: bool
    parse_us_street: bool
    us_zip_zero_pad: bool


@dataclass(frozen=True, slots=True)
class ValidationConfig:
    version: str
    default_region: str | None
    max_chars: dict[str, int]
    email: EmailRules
    phone: PhoneRules
    names: NameRules
    address: AddressRules


def _lower_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values if str(v).strip())


_CACHE: dict[str, ValidationConfig] = {}


def validation_config(rules: Ruleset) -> ValidationConfig:
    """The validation settings of `rules`, parsed once per ruleset content hash.

    Args:
        rules: the active ruleset.

    Returns:
        Frozen settings.
    """
    cached = _CACHE.get(rules.content_hash)
    if cached is not None:
        return cached
    v = rules.validation
    e, p, n, a = v.email, v.phone, v.names, v.address
    cfg = ValidationConfig(
        version=rules.version,
        default_region=v.default_region.upper() if v.default_region else None,
        max_chars=dict(v.max_chars),
        email=EmailRules(
            role_account_policy=e.role_account_policy,
            role_locals_extra=_lower_set(e.role_locals_extra),
            role_locals_allow=_lower_set(e.role_locals_allow),
            disposable_allowlist=_lower_set(e.disposable_allowlist),
            disposable_extra=_lower_set(e.disposable_extra),
            blocklisted_domains=_lower_set(e.blocklisted_domains),
            free_providers_extra=_lower_set(e.free_providers_extra),
            fake_locals_extra=_lower_set(e.fake_locals_extra),
            check_tld=e.check_tld,
            typo_suggestions=e.typo_suggestions,
            typo_min_label_chars=e.typo_min_label_chars,
            typo_two_edits_min_chars=e.typo_two_edits_min_chars,
            catch_all_status=e.catch_all_status,
        ),
        phone=PhoneRules(
            infer_region_from_email_tld=p.infer_region_from_email_tld,
            possible_only_status=p.possible_only_status,
            fake_tail_digits=p.fake_tail_digits,
            nanp_fictional_555=p.nanp_fictional_555,
            fictional_prefixes=p.fictional_prefixes,
            shared_number_max_names=p.shared_number_max_names,
            sms_line_types=_lower_set(p.sms_line_types),
            closed_line_types=_lower_set(p.closed_line_types),
            country_mismatch_check=p.country_mismatch_check,
        ),
        names=NameRules(
            min_graphemes=dict(n.min_graphemes),
            max_graphemes=dict(n.max_graphemes),
            allow_initials=n.allow_initials,
            max_repeated_chars=n.max_repeated_chars,
            keyboard_run_min=n.keyboard_run_min,
            no_vowel_min_chars=n.no_vowel_min_chars,
            check_profanity=n.check_profanity,
            profanity_allowlist_extra=_lower_set(n.profanity_allowlist_extra),
            placeholders_extra=_lower_set(n.placeholders_extra),
        ),
        address=AddressRules(**a.model_dump()),
    )
    _CACHE[rules.content_hash] = cfg
    return cfg
