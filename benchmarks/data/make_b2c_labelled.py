"""Generate a labelled B2C lead set: people with a date of birth and a home address, no company.

A consumer lead source (insurance, energy, lending) sees the same person come back through several forms:
a nickname or a typo in the name, the day and month of birth swapped or a date a few days off, the street
written "St" once and "Street" once, a new address after a move, another email or none. Its traps are
households: relatives share a surname, an address and often a landline; twins share a date of birth too;
father and son may share a whole name. Names follow a skewed distribution, so common names repeat across
strangers. `true_person` is the label. Deterministic: one `random.Random(seed)`.

    python benchmarks/data/make_b2c_labelled.py --out b2c.csv [--seed N] [--people N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lead_vocab import FIRST_NAMES, LAST_NAMES, NICKNAMES

COLUMNS = ("id", "true_person", "first_name", "last_name", "date_of_birth", "street", "city", "postal_code",
           "email", "phone", "mobile")
STREETS = ["Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Church", "Mill",
           "Spring", "River", "Sunset", "Highland", "Forest", "Walnut", "Jackson", "Lincoln", "Meadow", "Ridge",
           "Valley", "Cherry", "Willow", "Franklin", "Madison", "Chestnut", "Dogwood", "Hickory"]
SUFFIXES = {"Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Lane": "Ln", "Court": "Ct",
            "Boulevard": "Blvd"}
CITIES = [("Springfield", "62701"), ("Columbus", "43004"), ("Madison", "53703"), ("Franklin", "37064"),
          ("Greenville", "29601"), ("Bristol", "06010"), ("Clinton", "20735"), ("Salem", "97301"),
          ("Fairview", "75069"), ("Georgetown", "78626"), ("Riverside", "92501"), ("Ashland", "97520"),
          ("Dayton", "45402"), ("Auburn", "36830"), ("Milton", "02186"), ("Oxford", "38655")]
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com"]


def _pick(rng: random.Random, names: list[str]) -> str:
    """Skewed draw: early names are far more common, as real name frequencies are."""
    return names[min(int(rng.paretovariate(1.1)) - 1, len(names) - 1)]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1:]


def _phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"


def _address(rng: random.Random) -> tuple[str, str, str]:
    city, postal = rng.choice(CITIES)
    street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(list(SUFFIXES))}"
    return street, city, postal


def _people(rng: random.Random, n: int) -> list[dict[str, object]]:
    people: list[dict[str, object]] = []
    while len(people) < n:
        last, home, landline = _pick(rng, LAST_NAMES), _address(rng), _phone(rng)
        size = 1 if rng.random() < 0.6 else rng.randint(2, 4)
        base = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 23000))
        for k in range(size):
            dob = base if k > 0 and rng.random() < 0.1 else dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 23000))
            first = str(people[-1]["first"]) if k > 0 and rng.random() < 0.05 else _pick(rng, FIRST_NAMES)
            people.append({"pid": f"P{len(people):05d}", "first": first, "last": last if k == 0 or rng.random() < 0.85
                           else _pick(rng, LAST_NAMES), "dob": dob, "home": home,
                           "landline": landline if size > 1 and rng.random() < 0.6 else None, "mobile": _phone(rng),
                           "email": f"{first.lower()}{rng.choice(['.', '', '_'])}{last.lower()}{rng.randint(1, 99)}"
                                    f"@{rng.choice(FREE)}"})
    return people[:n]


def _record(rng: random.Random, p: dict[str, object], first_record: bool) -> dict[str, str]:
    first, last, dob = str(p["first"]), str(p["last"]), p["dob"]
    street, city, postal = p["home"]  # type: ignore[misc]
    assert isinstance(dob, dt.date)
    noisy = not first_record
    if noisy and rng.random() < 0.15 and first in NICKNAMES:
        first = rng.choice(NICKNAMES[first])
    elif noisy and rng.random() < 0.12:
        first = _typo(rng, first)
    if noisy and rng.random() < 0.1:
        last = _typo(rng, last)
    dob_text = dob.isoformat()
    r = rng.random() if noisy else 1.0
    if r < 0.06 and dob.day <= 12:
        dob_text = f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
    elif r < 0.10:
        dob_text = (dob + dt.timedelta(days=rng.choice([-3, -1, 1, 2, 7]))).isoformat()
    elif r < 0.18:
        dob_text = ""
    elif r < 0.21:
        dob_text = str(dob.year)
    if rng.random() < 0.5:
        dob_text = "/".join(reversed(dob_text.split("-"))) if len(dob_text) == 10 else dob_text
    if noisy and rng.random() < 0.1:
        street, city, postal = _address(rng)  # moved
    elif rng.random() < 0.5:
        for long, short in SUFFIXES.items():
            street = street.replace(long, short)
    if noisy and rng.random() < 0.08:
        street = _typo(rng, street)
    email = str(p["email"])
    if noisy and rng.random() < 0.05:
        local, domain = email.split("@")
        email = f"{_typo(rng, local)}@{domain}"
    email = "" if rng.random() < 0.3 else email
    phone = str(p["landline"] or "") if rng.random() < 0.7 else ""
    mobile = str(p["mobile"]) if rng.random() < 0.6 else ""
    if rng.random() < 0.15:
        first, last = first.upper(), last.upper()
    return {"true_person": str(p["pid"]), "first_name": first, "last_name": last, "date_of_birth": dob_text,
            "street": street, "city": city, "postal_code": postal, "email": email, "phone": phone, "mobile": mobile}


def generate(seed: int = 11, people: int = 2500) -> list[dict[str, str]]:
    """Records in a shuffled order, ids R000001..; 1-4 records per person (about 1.5 on average)."""
    rng = random.Random(seed)
    rows = []
    for p in _people(rng, people):
        count = 1 if rng.random() < 0.55 else min(1 + int(rng.expovariate(0.9)) + 1, 4)
        rows += [_record(rng, p, k == 0) for k in range(count)]
    rng.shuffle(rows)
    return [{"id": f"R{i + 1:06d}", **row} for i, row in enumerate(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--people", type=int, default=2500)
    args = parser.parse_args()
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate(args.seed, args.people))


if __name__ == "__main__":
    main()
