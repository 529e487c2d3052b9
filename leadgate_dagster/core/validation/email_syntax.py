"""Email syntax with email-validator, fast for the common case.

Most lead addresses are plain ASCII dot-atoms, so their local part is checked with one regular expression and
only the domain goes through email-validator, once per distinct domain. Anything else (quoted locals, Unicode,
odd lengths) goes through email-validator whole. No network: deliverability is the DNS provider's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_FAST = re.compile(rf"({_ATEXT}(?:\.{_ATEXT})*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    local: str  # as given (NFC-normalized by email-validator for Unicode)
    domain: str  # display form: lowercased, IDN in Unicode
    ascii_domain: str  # IDNA form, the key for DNS and identity


def _validator():  # type: ignore[no-untyped-def]
    # imported lazily: email-validator pulls in idna and dnspython, not needed at code-location load
    from email_validator import EmailNotValidError, validate_email

    return validate_email, EmailNotValidError


@lru_cache(maxsize=200_000)
def _domain(domain: str) -> tuple[str, str] | str:
    """(display domain, ASCII domain) or the error message, via email-validator on a minimal address."""
    validate_email, error = _validator()
    try:
        v = validate_email("a@" + domain, check_deliverability=False)
    except error as exc:
        return str(exc)
    return v.domain, v.ascii_domain


def parse_email(text: str) -> ParsedEmail | str:
    """Parse one address; returns the parsed parts or email-validator's error message.

    Args:
        text: a cleaned field value (no surrounding spaces, cut at the ruleset bound).

    Returns:
        ParsedEmail when the address is valid, else a human-readable message saying why not.
    """
    m = _FAST.fullmatch(text)
    if m is not None and len(m.group(1)) <= 64:
        dom = _domain(m.group(2))
        if isinstance(dom, str):
            return dom
        if len(m.group(1)) + 1 + max(len(dom[0]), len(dom[1])) <= 254:
            return ParsedEmail(m.group(1), dom[0], dom[1])
    validate_email, error = _validator()
    try:
        v = validate_email(text, check_deliverability=False)
    except error as exc:
        return str(exc)
    except (UnicodeError, ValueError) as exc:  # defensive: idna on pathological input
        return f"The domain cannot be encoded ({type(exc).__name__})."
    return ParsedEmail(v.local_part, v.domain, v.ascii_domain)
