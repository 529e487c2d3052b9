"""How one source's headers are read: its own header map first, then the shared synonyms; and how an opt-out
column's answer turns into email consent.

A source whose export names a column in a way no synonym knows declares it in the ruleset
(`intake.header_map`), instead of the column being carried along unread. An opt-out or unsubscribe column holds
the opposite of consent, so its answer is turned around with the ruleset's own consent words: "yes" (opted
out) is an email refusal, "no" is not an opt-in and so says nothing, and anything else cannot be read safely
either way, so it is kept as a consent value that reads as ambiguous and waits for review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadgate_dagster.core.lead_schema import map_headers, normalize_header
from leadgate_dagster.core.ruleset import Ruleset

_REFUSAL = "opted_out"


@dataclass(frozen=True, slots=True)
class HeaderRules:
    """`own`: normalize_header(header) -> field for this source; `yes` / `no`: the consent words. Without
    words (a reader with no ruleset) every opt-out answer reads as ambiguous, never as consent."""

    own: Mapping[str, str] = field(default_factory=dict)
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()

    def consent_from_opt_out(self, answer: str) -> str | None:
        """The consent_email value an opt-out column's (cleaned, non-blank) answer stands for; None: nothing."""
        word = answer.strip().lower()
        if word in self.yes:
            return _REFUSAL if _REFUSAL in self.no or not self.no else min(self.no)
        if word in self.no:
            return None
        return f"opt-out column says {answer!r}"


def header_rules(rules: Ruleset, source: str) -> HeaderRules:
    """The header rules for files and API posts from `source` (an inbox subfolder, the API's source, `qa`)."""
    consent = rules.consent
    own = {normalize_header(h): f for h, f in rules.intake.header_map.get(source, {}).items()}
    return HeaderRules(own=own, yes=frozenset(w.strip().lower() for w in consent.yes_values),
                       no=frozenset(w.strip().lower() for w in consent.no_values))


def unmapped_columns(headers: Sequence[str], *, rules: Ruleset, source: str) -> list[str]:
    """The columns of a file from `source` that map to no lead field: kept in `extra`, never read by the gate."""
    mapping = map_headers(headers, header_rules(rules, source).own)
    return [h for h, f in zip(headers, mapping, strict=True) if f is None]
