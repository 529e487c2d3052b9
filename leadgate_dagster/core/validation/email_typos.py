"""did_you_mean suggestions for mistyped mail domains ("gmial.com" -> "gmail.com", "x.con" -> "x.com")."""

from __future__ import annotations

from functools import lru_cache

from leadgate_dagster.core.validation.data import common_domains, common_tlds, iana_tlds, mail_providers


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(common_domains()) | frozenset(mail_providers())


def _osa(a: str, b: str) -> int:
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


def _fix_tld(domain: str) -> str | None:
    head, _, tld = domain.rpartition(".")
    if not head or tld in iana_tlds():
        return None
    best = min(common_tlds(), key=lambda t: (_osa(tld, t), common_tlds().index(t)))
    return f"{head}.{best}" if _osa(tld, best) <= 1 else None


def suggest_domain(ascii_domain: str, *, min_label_chars: int, two_edits_min_chars: int) -> str | None:
    """The common domain `ascii_domain` was probably meant to be, or None.

    Only near misses of well-known mail domains are suggested, and never for a domain that is itself known:
    a business domain one letter away from a short one (aon.com / aol.com) is left alone by
    `min_label_chars`, which applies to the suggested domain's first label.

    Args:
        ascii_domain: lowercased IDNA domain.
        min_label_chars: shortest first label of a suggestion.
        two_edits_min_chars: first labels at least this long may be two edits away.

    Returns:
        The suggested domain, or None.
    """
    known = _known()
    if ascii_domain in known:
        return None
    fixed = _fix_tld(ascii_domain)
    candidate = fixed or ascii_domain
    if candidate in known:
        return candidate
    best: tuple[int, str] | None = None
    for target in common_domains():
        label = target.split(".", 1)[0]
        if len(label) < min_label_chars or abs(len(target) - len(candidate)) > 2:
            continue
        limit = 2 if len(label) >= two_edits_min_chars else 1
        d = _osa(candidate, target)
        if d <= limit and (best is None or d < best[0]):
            best = (d, target)
    if best is not None:
        return best[1]
    return fixed
