"""The README's and docs/review-console.md's screenshots of the review console, made in a real browser.

    python benchmarks/console_screenshots.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--out docs/images]

A throwaway database gets 400 synthetic leads (`synth.py`) and a duplicate pair through the real pipeline and
one run of the queue job (priorities, score reviews); `leadgate serve` runs on it, and Debian's chromium
(driven by Playwright) signs in and saves review-queue.png, review-item.png (a held lead) and
review-merge.png (a merge candidate's records side by side).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import synth
from throwaway_db import throwaway_database

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.console_accounts import add_user
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.gate.review_queue import run_queue
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.intake import claim_batches
from leadgate_dagster.store.migrate import upgrade
from tests.api.console.browser import chromium
from tests.serving import serving

PAIR = (b"First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,SMS Opt-In,Email Opt-In,"
        b"Call Opt-In,Consent At,Consent Text Version,Lead ID\n"
        b"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,yes,yes,yes,2026-01-01T00:00:00Z,v1,a1\n")
# Ann again from another work mailbox, her number one digit off: a tier B pair for a person to judge
PAIR_2 = PAIR.replace(b"ann.lee@", b"a.lee@").replace(b"2671", b"2677").replace(b",a1", b",a2")


def seed(engine: sa.Engine) -> None:
    rules = load_ruleset()
    ingest_bytes(engine, synth.csv_bytes(synth.lead_rows(400, seed=16, prefix="web-")), filename="web.csv",
                 source="web_form", rules=rules)
    for name, data in (("ann.csv", PAIR), ("bob.csv", PAIR_2)):
        ingest_bytes(engine, data, filename=name, source="webinar", rules=rules)
        while batches := claim_batches(engine, max_events=5000, max_batches=4, lease_seconds=600):
            for batch_id, _ in batches:
                run_all_stages(engine, batch_id, rules)
    run_queue(engine, rules, datetime.now(UTC))


def shoot(base: str, out: Path) -> None:
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1360, "height": 860}, device_scale_factor=1).new_page()
        page.goto(f"{base}/review")
        page.fill("input[name=name]", "kim")
        page.fill("input[name=password]", "a long enough password")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/review")
        page.keyboard.press("j")
        page.screenshot(path=str(out / "review-queue.png"))
        page.goto(f"{base}/review?kind=quarantine")
        page.keyboard.press("w")
        page.wait_for_url(f"{base}/review/items/*")
        page.screenshot(path=str(out / "review-item.png"), full_page=True)
        page.goto(f"{base}/review?kind=merge_candidate&source=webinar")
        page.keyboard.press("w")
        page.wait_for_url(f"{base}/review/items/*")
        page.screenshot(path=str(out / "review-merge.png"), full_page=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a server to create a throwaway database on")
    parser.add_argument("--out", default=str(HERE.parent / "docs" / "images"), help="where the PNGs go")
    args = parser.parse_args()
    with throwaway_database(args.database_url, "leadgate_shots") as url:
        engine = engine_for(url)
        upgrade(engine)
        seed(engine)
        add_user(engine, "kim", "reviewer", "a long enough password")
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as home, serving(url, Path(home)) as base:
            shoot(base, out)
        print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
