"""Generate a labelled account list: organisation sites (company, street, postal code, city, phone, website).

A RevOps account export holds each site of a customer once per system it came from: legal form written out
or dropped, "Street" or "St", the phone formatted differently or missing. Its traps: the sites of one
organisation share its name, website and often its switchboard number but are different accounts; two
organisations sit in one building; organisations with similar names trade in different towns. The label
`true_site` is the entity. Deterministic: one `random.Random(seed)`.

    python benchmarks/data/make_accounts_labelled.py --out accounts.csv [--seed N] [--orgs N]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lead_vocab import COMPANY_HEADS
from make_b2c_labelled import CITIES, STREETS, SUFFIXES, _phone, _typo

COLUMNS = ("id", "true_site", "company", "street", "city", "postal_code", "phone", "website")
TRADES = ["Logistics", "Dental", "Software", "Foods", "Plumbing", "Capital", "Systems", "Engineering", "Media",
          "Health", "Legal", "Motors", "Analytics", "Builders", "Consulting", "Energy"]
LEGAL = [("Inc", "Incorporated"), ("LLC", "L.L.C."), ("Ltd", "Limited"), ("Corp", "Corporation"), ("Co", "Company")]


def _orgs(rng: random.Random, n: int) -> list[dict[str, object]]:
    orgs: list[dict[str, object]] = []
    buildings: list[tuple[str, str, str]] = []
    for i in range(n):
        head, trade = rng.choice(COMPANY_HEADS), rng.choice(TRADES)
        legal = rng.choice(LEGAL)
        sites = []
        for _ in range(1 if rng.random() < 0.5 else rng.randint(2, 6)):
            if buildings and rng.random() < 0.08:  # a shared office building
                address = rng.choice(buildings)
            else:
                city, postal = rng.choice(CITIES)
                address = (f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(list(SUFFIXES))}", city, postal)
                buildings.append(address)
            sites.append({"address": address, "phone": _phone(rng)})
        switchboard = _phone(rng)
        for site in sites:
            if len(sites) > 1 and rng.random() < 0.6:
                site["phone"] = switchboard
        orgs.append({"oid": i, "name": f"{head} {trade}", "legal": legal,
                     "domain": f"{head.lower().replace(' ', '')}{trade.lower()}.com", "sites": sites})
    return orgs


def _record(rng: random.Random, org: dict[str, object], site: dict[str, object], city_tag: bool) -> dict[str, str]:
    short, long = org["legal"]  # type: ignore[misc]
    name = f"{org['name']} {rng.choice([short, long, ''])}".strip()
    street, city, postal = site["address"]  # type: ignore[misc]
    if city_tag and rng.random() < 0.5:
        name = f"{name} - {city}"
    if rng.random() < 0.1:
        name = _typo(rng, name)
    if rng.random() < 0.2:
        name = name.upper()
    if rng.random() < 0.5:
        for a, b in SUFFIXES.items():
            street = street.replace(a, b)
    if rng.random() < 0.08:
        street = _typo(rng, street)
    digits = str(site["phone"])
    phone = rng.choice([digits, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"])
    return {"company": name, "street": street, "city": city, "postal_code": postal,
            "phone": phone if rng.random() < 0.8 else "",
            "website": rng.choice([str(org["domain"]), f"https://www.{org['domain']}/", ""])}


def generate(seed: int = 13, orgs: int = 900) -> list[dict[str, str]]:
    """Records in a shuffled order, ids A000001..; 1-3 records per site."""
    rng = random.Random(seed)
    rows = []
    for org in _orgs(rng, orgs):
        sites = org["sites"]
        assert isinstance(sites, list)
        for s, site in enumerate(sites):
            count = 1 if rng.random() < 0.5 else rng.randint(2, 3)
            rows += [{"true_site": f"O{org['oid']:04d}-{s}", **_record(rng, org, site, len(sites) > 1)}
                     for _ in range(count)]
    rng.shuffle(rows)
    return [{"id": f"A{i + 1:06d}", **row} for i, row in enumerate(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--orgs", type=int, default=900)
    args = parser.parse_args()
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate(args.seed, args.orgs))


if __name__ == "__main__":
    main()
