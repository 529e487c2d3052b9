"""Reason codes from enrichment answers and velocity counts, as (code, detail) findings like validation's.

Pure functions over results the runner and `store.velocity` produced; the enrichment stage writes them to
`lead_checks` with stage "enrichment". The catalogue (core/reasons.py) holds every code named here.
"""

from __future__ import annotations

from collections.abc import Mapping

from leadgate_dagster.core.provider_results import ProviderResult

Finding = tuple[str, str]
# IP-risk answers in these categories are IP_HIGH_RISK
HIGH_RISK_CATEGORIES = frozenset({"hosting", "vpn", "proxy", "tor"})
# offline geocoding is complete only where its source is (zipcodes: every US ZIP); elsewhere a miss of the
# small shipped table says nothing about the postal code
COMPLETE_OFFLINE_COUNTRIES = frozenset({"US"})
_EMAIL_FLAG_CODES = {"disposable": "EMAIL_DISPOSABLE", "catch_all": "EMAIL_CATCH_ALL",
                     "role": "EMAIL_ROLE_ACCOUNT"}


def result_findings(kind: str, result: ProviderResult, *, lead_country: str | None = None,
                    ip_country_check: bool = True) -> list[Finding]:
    """The findings one provider's answer gives a lead.

    Args:
        kind: the provider kind.
        result: the answer the lead got (live, cached, stale, offline or neutral).
        lead_country: the lead's ISO country, for IP_COUNTRY_MISMATCH.
        ip_country_check: the ruleset's `enrichment.ip_country_mismatch` switch.

    Returns:
        (code, detail) pairs; a fallback's ENRICHMENT_STALE / ENRICHMENT_UNAVAILABLE comes first.
    """
    out: list[Finding] = [(result.reason, kind)] if result.reason else []
    d = result.data
    if kind == "geocoding" and result.status == "miss":
        country = result.key.partition(":")[0]
        if result.source != "offline" or country in COMPLETE_OFFLINE_COUNTRIES:
            out.append(("ADDRESS_POSTAL_UNMAPPED", result.key))
    if result.status != "ok":
        return out
    if kind == "email_verification":
        flags = d.get("email_flags") or []
        out += [(code, kind) for flag, code in _EMAIL_FLAG_CODES.items() if flag in flags]
        if d.get("email_status") == "invalid" and "disposable" not in flags:
            out.append(("EMAIL_UNDELIVERABLE", str(d.get("sub_status") or d.get("verdict"))))
    elif kind == "ip_risk":
        if d.get("public") is False:
            out.append(("IP_NOT_PUBLIC", str(d.get("category"))))
        elif d.get("category") in HIGH_RISK_CATEGORIES:
            operator = d.get("operator") or "unknown operator"
            out.append(("IP_HOSTING_OR_VPN", f"{d.get('category')}: {operator}"))
        ip_country = d.get("country")
        if ip_country_check and lead_country and ip_country and ip_country != lead_country.upper():
            out.append(("IP_COUNTRY_MISMATCH", f"ip={ip_country} lead={lead_country.upper()}"))
    return out


def velocity_findings(counts: Mapping[str, int], max_seen: Mapping[str, int]) -> list[Finding]:
    """VELOCITY_HIGH when any key was seen more often within the window than the ruleset allows.

    Args:
        counts: one lead's row of `store.velocity.velocity_counts` (email_seen, phone_seen, ip_seen,
            device_seen).
        max_seen: the ruleset's allowance per key kind (email, phone, ip, device).

    Returns:
        At most one finding, whose detail lists every key kind over its allowance ("ip=14>10").
    """
    over = [f"{kind}={int(counts.get(f'{kind}_seen', 0))}>{limit}" for kind, limit in max_seen.items()
            if int(counts.get(f"{kind}_seen", 0)) > limit]
    return [("VELOCITY_HIGH", ", ".join(over))] if over else []
