"""Generate the labelled lead-like set that measures identity resolution (issue 5, Quality bars).

About 2,000 people at a few hundred companies, 1-4 records each, with the noise real lead files carry
(nicknames, typos, dropped accents, case noise, swapped first/last, company-name variants, assorted
phone formats, gmail dots and +tags) and the traps that make auto-merge dangerous: namesakes at other
companies, relatives with the same surname at the same company (sometimes sharing a household phone
or a home computer), a company's info@ address and switchboard, and trade-show kiosks shared by many
people. `true_person` is the label. Deterministic: one `random.Random(seed)`, never the global seed.

    python benchmarks/data/make_leads_labelled.py            # rewrites benchmarks/data/leads_labelled.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lead_vocab import (
    COMPANY_HEADS,
    COMPANY_TAILS,
    COUNTRIES,
    FIRST_NAMES,
    FREE_MAIL,
    LAST_NAMES,
    NICKNAMES,
    WORK_STYLES,
)

SEED = 20261105
COLUMNS = (
    "id",
    "true_person",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "mobile",
    "company",
    "website",
    "city",
    "region",
    "postal_code",
    "country",
    "device_fingerprint",
    "ip",
)


@dataclass
class Company:
    name: str
    domain: str
    country: str
    city: str
    region: str
    postal: str
    switchboard: tuple[str, str]  # (country code, national digits)
    office_ip: str
    work_locals: set[str] = field(default_factory=set)


@dataclass
class Person:
    pid: str
    first: str
    last: str
    company: Company
    work_email: str
    personal_email: str
    personal_phone: tuple[str, str]
    devices: list[str]
    home_ip: str


def _ascii_lower(s: str) -> str:
    return "".join(ch for ch in anyascii(s).lower() if ch.isalnum())


def _ip(rng: random.Random) -> str:
    return f"{rng.randint(20, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _phone(rng: random.Random, country: str) -> tuple[str, str]:
    spec = COUNTRIES[country]
    area = rng.choice(spec["areas"])
    rest = "".join(str(rng.randint(0, 9)) for _ in range(spec["digits"] - len(area)))
    return spec["cc"], area + rest


def _format_phone(rng: random.Random, phone: tuple[str, str]) -> str:
    cc, nat = phone
    if cc == "1":
        a, b, c = nat[:3], nat[3:6], nat[6:]
        return rng.choice(
            [
                f"+1 ({a}) {b}-{c}",
                f"({a}) {b}-{c}",
                f"{a}-{b}-{c}",
                f"{a}.{b}.{c}",
                f"{nat}",
                f"+1{nat}",
                f"1-{a}-{b}-{c}",
                f"+1 {a} {b} {c}",
            ]
        )
    groups = " ".join(nat[i : i + 3] for i in range(0, len(nat), 3))
    return rng.choice(
        [f"+{cc} {groups}", f"0{nat}", f"+{cc}{nat}", f"00{cc} {nat}", f"0{groups}", f"+{cc} (0){nat}"]
    )


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return s[:i] + s[i + 1 :]
    if kind == 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind == 2:
        return s[:i] + s[i] + s[i:]
    return s[:i] + rng.choice("aeiourstnl") + s[i + 1 :]


def _case_noise(rng: random.Random, s: str) -> str:
    return rng.choice([s.upper(), s.lower(), s.title(), s])


def _make_companies(rng: random.Random, n: int) -> list[Company]:
    companies: list[Company] = []
    seen: set[str] = set()
    while len(companies) < n:
        country = rng.choices(list(COUNTRIES), weights=[c["weight"] for c in COUNTRIES.values()])[0]
        spec = COUNTRIES[country]
        name = f"{rng.choice(COMPANY_HEADS)} {rng.choice(COMPANY_TAILS)}"
        if name in seen:
            continue
        seen.add(name)
        slug = "".join(_ascii_lower(w) for w in name.split())
        city, region, postal = rng.choice(spec["cities"])
        companies.append(
            Company(
                name=f"{name} {rng.choice(spec['suffixes'])}",
                domain=f"{slug}.{spec['tld']}",
                country=country,
                city=city,
                region=region,
                postal=postal,
                switchboard=_phone(rng, country),
                office_ip=_ip(rng),
            )
        )
    return companies


def _work_email(rng: random.Random, company: Company, first: str, last: str) -> str:
    f, la = _ascii_lower(first), _ascii_lower(last)
    local = rng.choice(WORK_STYLES).format(f=f, l=la, fi=f[:1], li=la[:1])
    base, k = local, 2
    while local in company.work_locals:  # a mailbox belongs to one person
        local, k = f"{base}{k}", k + 1
    company.work_locals.add(local)
    return f"{local}@{company.domain}"


def _person(rng: random.Random, pid: str, first: str, last: str, company: Company, taken: set[str]) -> Person:
    f, la = _ascii_lower(first), _ascii_lower(last)
    personal = ""
    while not personal or personal in taken:  # a mailbox belongs to one person
        personal = (
            rng.choice(
                [
                    f"{f}.{la}",
                    f"{f}{la}{rng.randint(1, 99)}",
                    f"{f[:1]}{la}{rng.randint(60, 99)}",
                    f"{la}.{f}",
                    f"{f}_{rng.randint(100, 999)}",
                ]
            )
            + f"@{rng.choice(FREE_MAIL)}"
        )
    taken.add(personal)
    return Person(
        pid=pid,
        first=first,
        last=last,
        company=company,
        work_email=_work_email(rng, company, first, last),
        personal_email=personal,
        personal_phone=_phone(rng, company.country),
        devices=[f"{rng.getrandbits(128):032x}" for _ in range(rng.choice([1, 1, 2]))],
        home_ip=_ip(rng),
    )


def _people(rng: random.Random, companies: list[Company], n_base: int) -> list[Person]:
    weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(companies))]
    first_w = [1.0 / (i + 1) ** 0.5 for i in range(len(FIRST_NAMES))]
    last_w = [1.0 / (i + 1) ** 0.5 for i in range(len(LAST_NAMES))]
    people: list[Person] = []
    taken: set[str] = set()  # personal mailboxes handed out so far
    for _ in range(n_base):
        company = rng.choices(companies, weights=weights)[0]
        first, last = rng.choices(FIRST_NAMES, first_w)[0], rng.choices(LAST_NAMES, last_w)[0]
        people.append(_person(rng, f"P{len(people) + 1:05d}", first, last, company, taken))
    base = list(people)
    for p in rng.sample(base, k=round(0.10 * n_base)):  # trap: a namesake at another company
        other = rng.choice([c for c in companies if c is not p.company])
        people.append(_person(rng, f"P{len(people) + 1:05d}", p.first, p.last, other, taken))
    for p in rng.sample(base, k=round(0.05 * n_base)):  # trap: a relative at the same company
        first = rng.choice([n for n in FIRST_NAMES if _ascii_lower(n)[:2] != _ascii_lower(p.first)[:2]])
        rel = _person(rng, f"P{len(people) + 1:05d}", first, p.last, p.company, taken)
        if rng.random() < 0.3:
            rel.personal_phone = p.personal_phone  # household line
        if rng.random() < 0.4:
            rel.devices = [p.devices[0]]  # the family computer
        people.append(rel)
    return people


def _names(rng: random.Random, p: Person) -> tuple[str, str, str]:
    first, last = p.first, p.last
    nicks = NICKNAMES.get(first)
    if nicks and rng.random() < 0.25:
        first = rng.choice(nicks)
    if rng.random() < 0.07:
        if rng.random() < 0.5:
            first = _typo(rng, first)
        else:
            last = _typo(rng, last)
    if anyascii(first + last) != first + last and rng.random() < 0.5:
        first, last = anyascii(first), anyascii(last)
    if rng.random() < 0.15:
        first, last = _case_noise(rng, first), _case_noise(rng, last)
    if rng.random() < 0.03:
        first, last = last, first
    if rng.random() < 0.05:
        return "", "", rng.choice([f"{first} {last}", f"{last}, {first}"])
    if rng.random() < 0.02:
        first = ""
    return first, last, ""


def _email(rng: random.Random, p: Person) -> str:
    roll = rng.random()
    if roll < 0.60:
        email = p.work_email
    elif roll < 0.85:
        email = p.personal_email
        local, domain = email.split("@")
        if domain == "gmail.com" and rng.random() < 0.2:
            email = rng.choice([f"{local}+leads@{domain}", f"{'.'.join(local)}@{domain}"])
    elif roll < 0.92:
        email = f"info@{p.company.domain}"
    else:
        return ""
    return email if rng.random() > 0.1 else email.title()


def _company_name(rng: random.Random, c: Company) -> str:
    bare = c.name.rsplit(" ", 1)[0]
    variants = [
        c.name,
        c.name,
        bare,
        bare.upper(),
        c.name.lower(),
        f"{bare}, {c.name.rsplit(' ', 1)[1]}",
        bare.replace(" and ", " & "),
        bare.replace(" ", ""),
    ]
    return "" if rng.random() < 0.1 else rng.choice(variants)


def _record(rng: random.Random, p: Person, kiosks: list[str]) -> dict[str, str]:
    c = p.company
    first, last, full = _names(rng, p)
    phone = mobile = ""
    roll = rng.random()
    if roll < 0.55:
        formatted = _format_phone(rng, p.personal_phone)
        phone, mobile = (formatted, "") if rng.random() < 0.7 else ("", formatted)
    elif roll < 0.80:
        phone = _format_phone(rng, c.switchboard)
    where = rng.random()
    city, region, postal = (c.city, c.region, c.postal) if where < 0.85 else ("", "", "")
    if where >= 0.95:
        city, region, postal = rng.choice(COUNTRIES[c.country]["cities"])
    device = ""
    roll = rng.random()
    if roll < 0.30:
        device = rng.choice(p.devices)
    elif roll < 0.33:
        device = rng.choice(kiosks)
    ip = "" if rng.random() < 0.6 else (c.office_ip if rng.random() < 0.7 else p.home_ip)
    website = ""
    if rng.random() < 0.25:
        website = rng.choice(
            [f"https://www.{c.domain}", c.domain, f"www.{c.domain}/contact", f"http://{c.domain}/"]
        )
    country = rng.choice(COUNTRIES[c.country]["spellings"]) if rng.random() < 0.85 else ""
    return {
        "true_person": p.pid,
        "first_name": first,
        "last_name": last,
        "full_name": full,
        "email": _email(rng, p),
        "phone": phone,
        "mobile": mobile,
        "company": _company_name(rng, c),
        "website": website,
        "city": _case_noise(rng, city) if rng.random() < 0.1 else city,
        "region": region,
        "postal_code": postal,
        "country": country,
        "device_fingerprint": device,
        "ip": ip,
    }


def generate(seed: int = SEED, n_base_people: int = 1740, n_companies: int = 320) -> list[dict[str, str]]:
    """Build the labelled records, shuffled, with ids in file order.

    Args:
        seed: the only source of randomness; another seed gives an independent training set.
        n_base_people: people before the traps add namesakes (10%) and relatives (5%).
        n_companies: companies the people work at (sizes are skewed, as in real lead files).

    Returns:
        One dict per record with the COLUMNS as keys.
    """
    rng = random.Random(seed)
    companies = _make_companies(rng, n_companies)
    people = _people(rng, companies, n_base_people)
    kiosks = [f"{rng.getrandbits(128):032x}" for _ in range(6)]
    records = [
        _record(rng, p, kiosks)
        for p in people
        for _ in range(rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0])
    ]
    rng.shuffle(records)
    return [{"id": f"L{i + 1:06d}", **r} for i, r in enumerate(records)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", default=str(Path(__file__).with_name("leads_labelled.csv")))
    args = parser.parse_args(argv)
    rows = generate(args.seed)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} records of {len({r['true_person'] for r in rows})} people -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
