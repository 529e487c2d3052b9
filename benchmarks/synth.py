"""Synthetic messy leads for the benchmarks: realistic headers, encodings noise, junk, duplicates, replays."""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
import lead_vocab

FIRST = ["Ann", "José", "Chloé", "Li", "Siobhan", "Mark", "Priya", "Hans", "Fatima", "Kenji", "Olivia", "Jack",
         "Noah", "Ana", "Zoë", "Mohammed", "Grace", "Ethan", "Sarah", "Tom", "Emma", "Liam", "Mia", "Lucas"]
LAST = ["Lee", "García", "Dubois", "Wei", "O'Brien", "Becker", "Sharma", "Müller", "Al-Sayed", "Tanaka", "Brown",
        "Taylor", "Davis", "Souza", "Van der Berg", "Khan", "Kim", "Clark", "Connor", "Smith", "Wilson", "Murphy"]
COMPANIES = ["Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises",
             "Acme", "Hooli", "Pied Piper", "Cyberdyne", "Soylent", "Tyrell", "Wonka", "Vandelay"]
FREE = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmial.com"]
JUNK_EMAIL = ["test@mailinator.com", "asdf@asdf", "x@@y.com", "", "noreply@example.com", "info@globex.com"]
# (country, phone pattern with # for random digits, postal code)
COUNTRIES = [("US", "+1 212 ### ####", "10001", "New York"), ("US", "(415) ###-####", "94105", "San Francisco"),
             ("GB", "+44 7911 ######", "SW1A 1AA", "London"), ("DE", "+49 151 ########", "10115", "Berlin"),
             ("FR", "06 ## ## ## ##", "75002", "Paris"), ("IN", "+91 98### #####", "560001", "Bengaluru")]
HEADER = ["First Name", "Surname", "E-mail Address", "Mobile", "Company Name", "Job Title", "Country", "City", "Zip",
          "Email Opt-In", "SMS Opt-In", "Call Opt-In", "Demo Requested", "Lead ID", "Notes"]


def lead_rows(n: int, *, seed: int = 7, prefix: str = "") -> list[list[str]]:
    """`n` rows: ~75% plausible leads, ~15% junk, ~10% duplicates or replays of earlier rows."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for i in range(n):
        if rows and rng.random() < 0.10:
            dup = list(rng.choice(rows))
            if rng.random() < 0.5:
                dup[2] = dup[2].upper()  # same person, case noise
            rows.append(dup)
            continue
        first, last = rng.choice(FIRST + lead_vocab.FIRST_NAMES), rng.choice(LAST + lead_vocab.LAST_NAMES)
        company = (rng.choice(COMPANIES) if rng.random() < 0.1
                   else f"{rng.choice(lead_vocab.COMPANY_HEADS)} {rng.choice(lead_vocab.COMPANY_TAILS)}")
        country, phone_fmt, postal, city = rng.choice(COUNTRIES)
        domain = company.lower().replace(" ", "") + ".com" if rng.random() < 0.7 else rng.choice(FREE)
        email = f"{first}.{last}{i}@{domain}".lower().replace(" ", "").replace("'", "")
        if rng.random() < 0.15:
            email = rng.choice(JUNK_EMAIL)
        phone = "".join(str(rng.randrange(2, 10)) if c == "#" else c for c in phone_fmt) if rng.random() < 0.8 else ""
        def yes(p: float) -> str:
            return "yes" if rng.random() < p else ""

        notes = rng.choice(["", "", "called twice", "=SUM(A1:A9)", "x" * rng.randrange(0, 300)])
        rows.append([first, last, email, phone, company, rng.choice(["VP Sales", "Engineer", "CEO", ""]), country,
                     city, postal, yes(0.8), yes(0.5), yes(0.5), yes(0.2), f"{prefix}{i}", notes])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")
