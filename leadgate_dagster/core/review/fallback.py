"""Reason families and their fallbacks: which codes hold a lead, what an item's fallback is, and which items
are hopeless (nothing can change and no channel is left) and take it at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from leadgate_dagster.core.identity.incremental import REVIEW_CODES
from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.rules.review import OTHER_FAMILY
from leadgate_dagster.core.ruleset import Ruleset

QUARANTINE_REVIEW = "QUARANTINE_REVIEW"
# strictest first: an item with codes of several families takes the first of these any of them names
STRICTNESS = ("reject", "hold", "keep_apart", "redecide_without")
# the fallbacks that decide the lead again with the family's codes set aside
SETS_ASIDE = frozenset({"keep_apart", "redecide_without"})


def family_of(code: str, rules: Ruleset) -> str:
    """The reason family a code belongs to (`other` when the ruleset lists it in none)."""
    for family, codes in rules.review.families.items():
        if code in codes:
            return family
    return OTHER_FAMILY


def fallback_for(codes: Iterable[str], rules: Ruleset) -> str:
    """The item's fallback: the strictest one among the families of its codes (`other`'s for no code)."""
    actions = {rules.review.fallback[family_of(c, rules)] for c in codes} or {rules.review.fallback[OTHER_FAMILY]}
    return next(a for a in STRICTNESS if a in actions)


def set_aside(codes: Iterable[str], rules: Ruleset) -> list[str]:
    """The codes a deciding fallback waives: those of families whose fallback decides again without them."""
    return [c for c in codes if rules.review.fallback[family_of(c, rules)] in SETS_ASIDE]


def holding_codes(rules: Ruleset) -> frozenset[str]:
    """Codes that can hold a lead: quarantine severity under the ruleset, the pending-match tiers' DUP codes
    and the codes the QUARANTINE_REVIEW precedence rules add. A quarantine item carries those of its lead's."""
    severe = {c for c in CATALOGUE if rules.severity(c) is Severity.QUARANTINE}
    pending = {f"DUP_TIER_{t.upper()}" for t in rules.disposition.pending_match_tiers} & set(CATALOGUE)
    added = {c for r in rules.disposition.precedence if r.then == QUARANTINE_REVIEW for c in r.add}
    return frozenset(severe | pending | added)


def pair_codes() -> frozenset[str]:
    """The identity codes an open identity pair stands for: its merge_candidate item carries them, so the
    lead's quarantine item leaves them out while the pair is open."""
    return frozenset(REVIEW_CODES.values())


def hopeless(codes: Sequence[str], allowed_channels: Sequence[str], rules: Ruleset) -> bool:
    """Nothing a wait or a recheck can change holds the lead, and no channel is left: its fallback is known
    now, so the item takes it at once rather than waiting in a person's queue. A `hold` fallback is a
    person's job by definition, so such an item is never hopeless."""
    unchangeable = set(rules.review.unchangeable_families)
    return (bool(codes) and not allowed_channels and all(family_of(c, rules) in unchangeable for c in codes)
            and fallback_for(codes, rules) != "hold")
