"""Which region a national-format phone number is read with."""

from __future__ import annotations

from functools import lru_cache

from leadgate_dagster.core.validation.config import ValidationConfig

# country-code TLDs sold as generic names (.io, .co, .me ...): they say nothing about where a lead lives
_GENERIC_CCTLDS = frozenset({"ac", "ai", "am", "as", "bz", "cc", "cd", "co", "fm", "gg", "im", "io", "la",
                             "ly", "me", "ms", "mu", "nu", "sh", "so", "st", "tk", "to", "tv", "vc", "ws"})


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


@lru_cache(maxsize=4096)
def _tld_region(tld: str) -> str | None:
    if len(tld) != 2 or tld in _GENERIC_CCTLDS:
        return None
    region = "GB" if tld == "uk" else tld.upper()
    return region if region in _supported() else None


def phone_region(country_iso2: str | None, email_domain: str | None, cfg: ValidationConfig) -> str | None:
    """The lead's country; else the country of its email's ccTLD (when the ruleset allows); else the
    ruleset's default region. None only when the ruleset sets no default region."""
    if country_iso2 and country_iso2 in _supported():
        return country_iso2
    if email_domain and cfg.phone.infer_region_from_email_tld:
        region = _tld_region(email_domain.rsplit(".", 1)[-1])
        if region:
            return region
    return cfg.default_region
