"""The `validation:` section of a ruleset, read once per ruleset into frozen, typed settings.

Every threshold, list and switch of the engine comes from here. Keys an overriding ruleset leaves out fall
back to the shipped ruleset's values, so an older ruleset keeps working when the engine learns a new key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset


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


def _lower_set(values: Any) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in (values or ()) if str(v).strip())


@lru_cache(maxsize=1)
def _shipped_section() -> dict[str, Any]:
    return load_ruleset().section("validation")


def _merged(section: dict[str, Any]) -> dict[str, Any]:
    base = _shipped_section()
    out: dict[str, Any] = {}
    for key in set(base) | set(section):
        b, s = base.get(key), section.get(key)
        if isinstance(b, dict) and isinstance(s, dict):
            out[key] = {**b, **s}
        else:
            out[key] = s if key in section else b
    return out


def merged_section(rules: Ruleset) -> dict[str, Any]:
    """The ruleset's `validation:` section with the shipped values filled in for keys it leaves out."""
    return _merged(rules.section("validation"))


_CACHE: dict[str, ValidationConfig] = {}


def validation_config(rules: Ruleset) -> ValidationConfig:
    """The validation settings of `rules`, parsed once per ruleset content hash.

    Args:
        rules: the active ruleset.

    Returns:
        Frozen settings; keys the ruleset leaves out take the shipped ruleset's values.
    """
    cached = _CACHE.get(rules.content_hash)
    if cached is not None:
        return cached
    v = _merged(rules.section("validation"))
    e, p, n, a = v["email"], v["phone"], v["names"], v["address"]
    region = v.get("default_region")
    cfg = ValidationConfig(
        version=rules.version,
        default_region=str(region).upper() if region else None,
        max_chars={str(k): int(x) for k, x in v["max_chars"].items()},
        email=EmailRules(
            role_account_policy=str(e["role_account_policy"]),
            role_locals_extra=_lower_set(e["role_locals_extra"]),
            role_locals_allow=_lower_set(e["role_locals_allow"]),
            disposable_allowlist=_lower_set(e["disposable_allowlist"]),
            disposable_extra=_lower_set(e["disposable_extra"]),
            blocklisted_domains=_lower_set(e["blocklisted_domains"]),
            free_providers_extra=_lower_set(e["free_providers_extra"]),
            fake_locals_extra=_lower_set(e["fake_locals_extra"]),
            check_tld=bool(e["check_tld"]),
            typo_suggestions=bool(e["typo_suggestions"]),
            typo_min_label_chars=int(e["typo_min_label_chars"]),
            typo_two_edits_min_chars=int(e["typo_two_edits_min_chars"]),
            catch_all_status=str(e["catch_all_status"]),
        ),
        phone=PhoneRules(
            infer_region_from_email_tld=bool(p["infer_region_from_email_tld"]),
            possible_only_status=str(p["possible_only_status"]),
            fake_tail_digits=int(p["fake_tail_digits"]),
            nanp_fictional_555=bool(p["nanp_fictional_555"]),
            fictional_prefixes=tuple(str(x) for x in p["fictional_prefixes"] or ()),
            shared_number_max_names=int(p["shared_number_max_names"]),
            sms_line_types=_lower_set(p["sms_line_types"]),
            closed_line_types=_lower_set(p["closed_line_types"]),
            country_mismatch_check=bool(p["country_mismatch_check"]),
        ),
        names=NameRules(
            min_graphemes={str(k): int(x) for k, x in n["min_graphemes"].items()},
            max_graphemes={str(k): int(x) for k, x in n["max_graphemes"].items()},
            allow_initials=bool(n["allow_initials"]),
            max_repeated_chars=int(n["max_repeated_chars"]),
            keyboard_run_min=int(n["keyboard_run_min"]),
            no_vowel_min_chars=int(n["no_vowel_min_chars"]),
            check_profanity=bool(n["check_profanity"]),
            profanity_allowlist_extra=_lower_set(n["profanity_allowlist_extra"]),
            placeholders_extra=_lower_set(n["placeholders_extra"]),
        ),
        address=AddressRules(
            check_postal=bool(a["check_postal"]),
            require_postal=bool(a["require_postal"]),
            require_locality=bool(a["require_locality"]),
            parse_us_street=bool(a["parse_us_street"]),
            us_zip_zero_pad=bool(a["us_zip_zero_pad"]),
        ),
    )
    _CACHE[rules.content_hash] = cfg
    return cfg
