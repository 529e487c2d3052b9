"""Throughput of the validation core on 100,000 synthetic messy leads, one core and two.

    .venv/bin/python benchmarks/validate.py [--leads 100000] [--batch 5000] [--seed 7]

Leads come from a fixed seed (random.Random), with a realistic mix: ~2,000 distinct email domains (free
mail, company domains, disposable and mistyped ones), US numbers in many formats plus GB/DE/FR/international
ones, accented and CJK names, junk, US street addresses for a third of the leads. DNS answers come from a warm
in-memory MX mapping, as the Postgres cache gives them in production. Each figure is measured in fresh worker
processes (forked after import, before any validation), over batches of --batch leads like the sensor makes.
The last line is JSON: {"one_core_leads_per_s": ..., "two_core_leads_per_s": ...}.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import string
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.validation import MxResult, email_domains, validate_batch

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "José", "María", "Zoë", "Chloé", "François", "Jürgen", "Søren", "Ana", "Wei",
         "Li", "李", "王", "Yuki", "Aarav", "Priya", "Mohammed", "Fatima", "Olga", "Siobhán", "Seán", "Mary-Jane"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "O'Brien", "D'Angelo", "McDonald", "Müller", "Schmidt", "Dubois", "Lefèvre", "Núñez", "Nguyen", "Kim",
        "Chen", "Wang", "张", "Tanaka", "Patel", "Sharma", "Khan", "Ivanova", "de la Cruz", "van der Berg"]
JUNK = [("asdf", "asdf"), ("Test", "Test"), ("Mickey", "Mouse"), ("qwerty", "x"), ("aaaa", "bbbb"), ("J0hn", "Sm1th")]
FREE = ["gmail.com"] * 10 + ["yahoo.com"] * 3 + ["hotmail.com"] * 3 + ["outlook.com"] * 2 + [
    "aol.com", "icloud.com", "gmx.de", "web.de", "orange.fr", "hotmail.co.uk", "comcast.net", "proton.me"]
BAD_DOMAINS = ["mailinator.com", "guerrillamail.com", "gmial.com", "yaho.com", "hotmial.com", "gmail.con",
               "example.com"]
TITLES = ["CEO", "VP, Sales", "Head of Marketing", "Software Engineer", "Sr. Account Executive", "Founder",
          "Director of Operations", "Marketing Intern", "CFO", "Product Manager", "Data Analyst", "Owner", None]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Pine St", "Cedar Ln", "Elm St", "Washington Blvd", "Lake Rd",
           "Sunset Blvd", "Park Ave", "2nd St", "Broadway"]
CITIES = [("San Francisco", "CA", "941"), ("New York", "NY", "100"), ("Boston", "MA", "021"),
          ("Austin", "TX", "787"), ("Chicago", "IL", "606"), ("Seattle", "WA", "981"), ("Denver", "CO", "802")]


def _company_domains(rnd: random.Random, n: int) -> list[str]:
    syll = ["ac", "me", "tech", "lo", "gi", "co", "data", "nova", "sys", "ly", "ra", "zen", "tri", "flow", "net"]
    tlds = ["com"] * 6 + ["io", "co.uk", "de", "fr", "net", "org", "ai"]
    return sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 3))) + "." + rnd.choice(tlds)
                   for _ in range(n)})


def _phone(rnd: random.Random, prefixes: list[str]) -> str | None:
    r = rnd.random()
    if r < 0.06:
        return None
    if r < 0.70:
        p = rnd.choice(prefixes)
        tail = f"{rnd.randrange(1000):03d}"
        fmt = rnd.random()
        if fmt < 0.35:
            return f"({p[:3]}) {p[3:6]}-{p[6:]}{tail}"
        if fmt < 0.6:
            return f"{p[:3]}-{p[3:6]}-{p[6:]}{tail}"
        if fmt < 0.75:
            return f"+1 {p[:3]} {p[3:6]} {p[6:]}{tail}"
        if fmt < 0.85:
            return f"1-{p[:3]}-{p[3:6]}-{p[6:]}{tail}"
        if fmt < 0.95:
            return f"{p}{tail}"
        return f"{p[:3]}.{p[3:6]}.{p[6:]}{tail}"
    if r < 0.80:
        return f"+44 7{rnd.randint(400, 999)} {rnd.randrange(10**6):06d}" if rnd.random() < .6 else \
            f"020 7{rnd.randrange(1000):03d} {rnd.randrange(10**4):04d}"
    if r < 0.86:
        return f"+49 151 {rnd.randrange(10**8):08d}"
    if r < 0.92:
        return f"+33 6 {rnd.randrange(10**8):08d}"
    if r < 0.96:
        return f"+{rnd.choice(['61 4', '91 98', '34 6', '81 90'])}{rnd.randrange(10**8):08d}"
    return rnd.choice(["555-5555", "123", "n/a", "(000) 000-0000", "+1 900 555 0123", "1-800-FLOWERS"])


def make_leads(n: int, seed: int) -> pd.DataFrame:
    """n synthetic leads, reproducible from `seed`."""
    rnd = random.Random(seed)
    companies = _company_domains(rnd, 1900)
    prefixes = [f"{rnd.randint(201, 989)}{rnd.randint(200, 999)}{rnd.randint(0, 9)}" for _ in range(2500)]
    rows = []
    for _ in range(n):
        first, last = (rnd.choice(JUNK) if rnd.random() < 0.02 else (rnd.choice(FIRST), rnd.choice(LAST)))
        r = rnd.random()
        domain = rnd.choice(FREE) if r < 0.4 else rnd.choice(BAD_DOMAINS) if r < 0.44 else rnd.choice(companies)
        local = rnd.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rnd.randint(1, 99)}",
                            f"{first}.{last}+news", "info", "test"] if rnd.random() < 0.05 else
                           [f"{first}.{last}", f"{first[0]}{last}", f"{first}{rnd.randint(1, 999)}"])
        local = "".join(c for c in local.lower() if c in string.ascii_lowercase + string.digits + ".+") or "x"
        email = f"{local}@{domain}" if rnd.random() > 0.01 else rnd.choice(["john.doe@", "john doe@x.com", "@"])
        city, state, zip3 = rnd.choice(CITIES)
        has_street = rnd.random() < 0.33
        row = {
            "first_name": first if rnd.random() > 0.05 else None,
            "last_name": last if rnd.random() > 0.05 else None,
            "full_name": f"{first} {last}" if rnd.random() < 0.1 else None,
            "email": email.upper() if rnd.random() < 0.05 else email if rnd.random() > 0.05 else None,
            "phone": _phone(rnd, prefixes),
            "mobile": _phone(rnd, prefixes) if rnd.random() < 0.2 else None,
            "country": rnd.choice(["US", "USA", "United States", None, "GB", "Germany", "FR"]),
            "street": f"{rnd.randint(1, 9999)} {rnd.choice(STREETS)}" if has_street else None,
            "city": city if has_street or rnd.random() < 0.2 else None,
            "region": state if has_street else None,
            "postal_code": f"{zip3}{rnd.randint(0, 99):02d}" if has_street else None,
            "company": rnd.choice(companies).split(".")[0].upper() + rnd.choice([" Inc.", " LLC", "", " GmbH"]),
            "website": f"https://www.{rnd.choice(companies)}/" if rnd.random() < 0.3 else None,
            "job_title": rnd.choice(TITLES),
        }
        rows.append(row)
    return pd.DataFrame(rows, index=[f"lead-{i:06d}" for i in range(n)], dtype=object)


def warm_mx(leads: pd.DataFrame) -> dict[str, MxResult]:
    """Answers for every domain of the leads, as a warm cache would give them."""
    out = {}
    for d in email_domains(leads):
        status = "null_mx" if d == "example.com" else "no_domain" if d.endswith(".con") else "ok"
        out[d] = MxResult(d, status, (f"mx.{d}",) if status == "ok" else (), catch_all=d.endswith(".ai"))
    return out


_STATE: dict[str, object] = {}


def _init(leads: pd.DataFrame, mx: dict[str, MxResult]) -> None:
    _STATE.update(leads=leads, mx=mx, rules=load_ruleset())


def _run(bounds: tuple[int, int]) -> tuple[int, int, float]:
    leads = _STATE["leads"]
    cpu = time.process_time()
    out = validate_batch(leads.iloc[bounds[0]:bounds[1]], rules=_STATE["rules"], mx=_STATE["mx"])  # type: ignore[union-attr,arg-type]
    return os.getpid(), len(out), time.process_time() - cpu


def measure(leads: pd.DataFrame, mx: dict[str, MxResult], batch: int, workers: int) -> tuple[float, float]:
    """(wall-clock leads/s, leads/s from the busiest worker's CPU time: what the cores give when the
    machine is not shared with other work)."""
    chunks = [(i, min(i + batch, len(leads))) for i in range(0, len(leads), batch)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(leads, mx)) as pool:
        list(pool.map(_init_only, range(workers)))  # workers forked and ready before the clock starts
        started = time.perf_counter()
        results = list(pool.map(_run, chunks))
        elapsed = time.perf_counter() - started
    assert sum(r[1] for r in results) == len(leads)
    cpu_by_worker: dict[int, float] = {}
    for pid, _, cpu in results:
        cpu_by_worker[pid] = cpu_by_worker.get(pid, 0.0) + cpu
    return len(leads) / elapsed, len(leads) / max(cpu_by_worker.values())


def _init_only(_: int) -> None:
    time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    leads = make_leads(args.leads, args.seed)
    mx = warm_mx(leads)
    print(f"generated {len(leads):,} leads in {time.perf_counter() - t0:.1f}s: "
          f"{leads['email'].str.split('@').str[-1].nunique():,} distinct email domains, "
          f"{leads['phone'].nunique():,} distinct phones, {len(mx):,} MX answers in the warm cache")

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (wall figures suffer "
          "when other work shares the machine; CPU figures do not)")
    one, one_cpu = measure(leads, mx, args.batch, workers=1)
    print(f"one core : {one:,.0f} leads/s wall, {one_cpu:,.0f} leads/s by CPU time  (target >= 6,000)")
    two, two_cpu = measure(leads, mx, args.batch, workers=2)
    print(f"two cores: {two:,.0f} leads/s wall, {two_cpu:,.0f} leads/s by CPU time  (target >= 12,000)")

    sample = leads.iloc[: min(20_000, len(leads))]
    rules = load_ruleset()
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(0, len(sample), args.batch):
        validate_batch(sample.iloc[i:i + args.batch], rules=rules, mx=mx)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    print(f"\nprofile of {len(sample):,} leads in this process (top 15 by own time):")
    print("\n".join(line for line in text.getvalue().splitlines()[4:] if line.strip()))
    print(json.dumps({"one_core_leads_per_s": round(one), "two_core_leads_per_s": round(two),
                      "one_core_cpu_leads_per_s": round(one_cpu), "two_core_cpu_leads_per_s": round(two_cpu),
                      "leads": args.leads, "batch": args.batch, "seed": args.seed}))


if __name__ == "__main__":
    main()
