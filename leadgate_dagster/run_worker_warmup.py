"""Imported by the run launcher's forkserver (never by a run): warms what every run worker would otherwise
load cold, then forgets leadgate's own modules.

A run worker is forked from the forkserver, so whatever the forkserver has loaded a run gets for free: a cold
worker spent ≈ 1.3 s of a 50-lead batch's stages on first-use work (compiling regular expressions, loading
pycountry's database, phonenumbers' metadata, usaddress's tagger, the identity engine's name tables).
Validating and matching a handful of made-up leads here does that work once. leadgate's modules are then dropped from `sys.modules`, so each run
still imports the code as it is on disk (a reloaded code location never runs stale code); what stays warm is
the libraries' state and `re`'s compiled-pattern cache, keyed by pattern text.
"""

from __future__ import annotations

import logging
import sys

import pandas as pd

SAMPLE = [  # one lead per shape the gate reads: countries, phone formats, addresses, names, mail domains
    {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@northwind.com", "phone": "+1 415 555 2671",
     "company": "Northwind Traders", "job_title": "VP Sales", "country": "US", "city": "San Francisco",
     "region": "CA", "postal_code": "94105", "street": "1 Market St"},
    {"first_name": "José", "last_name": "García", "email": "jose@gmial.com", "phone": "06 12 34 56 78",
     "company": "Acme Iberia S.L.", "job_title": "Director de Marketing", "country": "FR", "postal_code": "75002"},
    {"first_name": "Hans", "last_name": "Müller", "email": "info@mailinator.com", "mobile": "+49 151 23456789",
     "company": "Globex GmbH", "country": "Germany", "postal_code": "10115", "city": "Berlin"},
    {"first_name": "asdf", "last_name": "asdf", "email": "test@@x", "phone": "1111111111", "country": "GB",
     "postal_code": "SW1A 1AA"},
]


def warm_libraries() -> None:
    """First-use loads of libraries the stages reach outside validation and matching: zipcodes' table (offline
    geocoding of a postal code the cache has not seen) and pycountry's subdivisions (US states)."""
    import pycountry
    import zipcodes

    zipcodes.matching("10001")
    pycountry.subdivisions.get(country_code="US")


def warm() -> None:
    warm_libraries()
    from leadgate_dagster.core.identity import IdentitySettings, load_model, resolve_identities
    from leadgate_dagster.core.ruleset import load_ruleset
    from leadgate_dagster.core.validation import validate_batch

    rules = load_ruleset()
    leads = pd.DataFrame(SAMPLE + SAMPLE[:2], index=[f"warm-{i}" for i in range(len(SAMPLE) + 2)], dtype=object)
    validate_batch(leads, rules=rules)
    resolve_identities(leads, rules=rules, model=load_model(IdentitySettings.from_ruleset(rules).model))


def _forget_leadgate() -> None:
    """Drop every leadgate module but the (empty) package and this one, and the package's attributes naming
    them, so `import` and `from leadgate_dagster import x` both load x from disk again."""
    package = sys.modules["leadgate_dagster"]
    for name in [n for n in sys.modules if n.startswith("leadgate_dagster.") and n != __name__]:
        del sys.modules[name]
        child = name.removeprefix("leadgate_dagster.")
        if "." not in child and child != __name__.rpartition(".")[2]:
            package.__dict__.pop(child, None)


try:
    warm()
except Exception:  # an optimisation only: the forkserver (and every run) must not fail because of it
    logging.getLogger(__name__).warning("run worker warm-up failed; runs start cold", exc_info=True)
finally:
    _forget_leadgate()
