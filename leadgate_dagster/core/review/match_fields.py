"""A pair's match explanation read back field by field, for the console's side-by-side view.

The identity engine writes one line per pair (`core/identity/tiers.py`: "first_name=nickname +3.1;
email=exact +12.4 | names conflict"): each compared field with its comparison level and its weight in bits,
then notes. A field left out of the line was missing on one side (level "null", no weight). A line that is
not in this form (an older free-text explanation) is kept whole as a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadgate_dagster.core.identity.comparisons import COMPARISONS

_PART = re.compile(r"([a-z_]+)=([a-z0-9_]+) ([+-]\d+(?:\.\d+)?)")

# the lead columns each compared field is computed from, shown side by side
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "email": ("email",),
    "phone": ("phone", "mobile"),
    "domain": ("company_domain", "website"),
    "company": ("company",),
    "locality": ("postal_code", "city", "region", "country"),
    "device": ("device_fingerprint",),
    "date_of_birth": ("date_of_birth",),
    "street": ("street",),
    "job_title": ("job_title",),
}

LEVEL_TEXT = {
    "null": "missing on a side: not compared",
    "exact": "the same",
    "same": "the same",
    "nickname": "a nickname of the other",
    "jw92": "spelled almost the same (Jaro-Winkler ≥ 0.92)",
    "jw80": "spelled alike (Jaro-Winkler ≥ 0.80)",
    "similar": "similar",
    "shared": "shared by several people: ignored",
    "other_mailbox": "another mailbox at the same domain",
    "postal": "the same postal code",
    "city": "the same city",
    "region": "the same region",
    "transposed": "day and month swapped",
    "typo": "one digit apart",
    "within_days": "a few days apart",
    "year_only": "only the year agrees",
    "different": "different",
}


@dataclass(frozen=True, slots=True)
class FieldMatch:
    field: str
    level: str
    weight: float  # bits for (+) or against (-) one person; 0 for a field not compared
    meaning: str


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    fields: tuple[FieldMatch, ...]  # every compared field, in the engine's order
    notes: tuple[str, ...]  # what changed the outcome: swapped names, shared keys ignored, conflicting names

    @property
    def total(self) -> float:
        return round(sum(f.weight for f in self.fields), 1)


def read_explanation(text: str | None) -> MatchExplanation:
    """The explanation line as one row per compared field (missing ones as "null") plus its notes."""
    head, *notes = (text or "").split(" | ")
    found = {m.group(1): (m.group(2), float(m.group(3))) for m in _PART.finditer(head)}
    if head.strip() and not found:
        return MatchExplanation(_fields({}), (text or "",))
    return MatchExplanation(_fields(found), tuple(n.strip() for n in notes if n.strip()))


def _fields(found: dict[str, tuple[str, float]]) -> tuple[FieldMatch, ...]:
    rows = []
    for name in (*COMPARISONS, *(k for k in found if k not in COMPARISONS)):
        level, weight = found.get(name, ("null", 0.0))
        rows.append(FieldMatch(name, level, weight, LEVEL_TEXT.get(level, level)))
    return tuple(rows)
