"""The console's pages as a reviewer uses them: the queue filtered, counted and paged; an item page that
explains itself; a pair's records side by side with each field's level and weight; actions that go on to
the next item, refusals and conflicts said plainly; and every value a lead supplied shown as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.review.match_fields import read_explanation
from leadgate_dagster.core.ruleset import load_ruleset
from tests.api.console.conftest import SignedIn, csrf, field
from tests.api.console.hostile import BREAKOUT, IMG, SCRIPT_NAME, SCRIPT_URL, hostile_lead
from tests.gate.review_helpers import ANN_AGAIN, BAD_EMAIL, NO_CONSENT_DE, ROUTED, current, decide, items

RULES = load_ruleset()


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-href="/review/items/(\d+)', page)]


def _plant(engine: sa.Engine, n: int, **columns: object) -> None:
    """`n` bare open items (no lead behind them) for paging and filters."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO leadgate.review_items (kind, lead_id, source, reason_codes, priority, assignee, created_at,
                                               due_at, fallback_at, expires_at)
            SELECT :kind, 'planted-' || :tag || '-' || g, :source, ARRAY[:reason], g, :assignee, :created,
                   :now + interval '4 hours', :now + interval '1 day', :now + interval '10 days'
            FROM generate_series(1, :n) g"""),
            {"kind": "quarantine", "source": "web", "reason": "NAME_JUNK", "assignee": None, "created": now,
             "tag": str(columns.get("tag", "x")), "now": now, "n": n,
             **{k: v for k, v in columns.items() if k != "tag"}})


def test_the_queue_filters_counts_and_pages(signed_in: SignedIn, console: sa.Engine) -> None:
    _plant(console, 60, tag="web")
    _plant(console, 3, tag="fair", source="fair", reason="CONSENT_UNKNOWN", kind="score_review",
           assignee="reviewer:kim", created=datetime.now(UTC) - timedelta(days=2))
    kim = signed_in("kim")
    first = kim.get("/review").text
    assert "63 items, 1–50 shown" in first and len(_ids(first)) == 50 and "page 1 of 2" in first
    assert re.search(r"quarantine <span class=\"count\">60</span>", first)
    assert re.search(r"score review <span class=\"count\">3</span>", first)
    second = kim.get("/review", params={"page": 2}).text
    assert len(_ids(second)) == 13 and not set(_ids(first)) & set(_ids(second))
    with console.connect() as conn:  # highest priority first
        priorities = dict(conn.execute(sa.text("SELECT review_id, priority FROM leadgate.review_items")).all())
    shown = [priorities[i] for i in _ids(first) + _ids(second)]
    assert shown == sorted(shown, reverse=True)
    for params, n in (({"kind": "score_review"}, 3), ({"source": "fair"}, 3), ({"reason": "NAME_JUNK"}, 60),
                      ({"age": "24h"}, 3), ({"assignee": "me"}, 3), ({"assignee": "none"}, 60),
                      ({"status": "resolved"}, 0), ({"kind": "no-such-kind"}, 63)):
        page = kim.get("/review", params=params).text
        assert len(_ids(page)) == min(n, 50), params
    assert "No items match" in kim.get("/review", params={"source": "nowhere"}).text


def test_an_item_page_explains_itself(signed_in: SignedIn, console: sa.Engine) -> None:
    lead = decide(console, RULES, BAD_EMAIL)["bad"]
    [item] = items(console, lead_id=lead)
    page = signed_in("kim").get(f"/review/items/{item.review_id}").text
    assert CATALOGUE["EMAIL_INVALID"].sentence in page  # the check that fired, with its sentence ...
    assert "The part after the @-sign contains invalid characters" in page  # ... and what it saw
    assert re.search(r"reachability <strong>\d+</strong> points", page) and "consent <strong>" in page
    assert "phone_intel" in page and "line_type" in page  # an enrichment answer
    assert "consent at" in page and "2026-01-01T00:00:00Z" in page  # the consent evidence
    assert "QUARANTINE_REVIEW" in page and "Nobody has acted on this item yet" in page
    for key in ("v", "x", "r", "e", "a", "q", "n"):
        assert f'data-key="{key}"' in page


def test_a_pair_shows_both_records_with_each_field_s_level_and_weight(signed_in: SignedIn,
                                                                       console: sa.Engine) -> None:
    decide(console, RULES, ROUTED)
    decide(console, RULES, ANN_AGAIN)
    [pair] = items(console, kind="merge_candidate")
    page = signed_in("kim").get(f"/review/items/{pair.review_id}").text
    compare = page[page.index('class="compare"'):page.index("</table>", page.index('class="compare"'))]
    body = compare[compare.index("<tbody>"):]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<th>([a-z ]+)</th>(.*?)</tr>", body, re.S)}
    stated = read_explanation(pair.explanation)
    assert len(rows) == len(stated.fields) and len([f for f in stated.fields if f.level != "null"]) >= 4
    for f in stated.fields:  # every compared field with the level and weight the match explanation gives it
        row = rows[f.field.replace("_", " ")]
        assert f">{f.level}" in row and f"{f.weight:+.1f}" in row, f.field
    assert "ann.lee@northwind.com" in rows["email"] and "a.lee@northwind.com" in rows["email"]  # both records
    assert "+1 415 555 2671" in rows["phone"] and "+1 415 555 2677" in rows["phone"]
    assert "another mailbox at the same domain" in rows["email"] and "missing on a side" in rows["device"]
    assert f"total {stated.total:+.1f} bits" in page and "different work mailboxes" in page
    assert 'data-key="m"' in page and 'data-key="k"' in page and 'value="verify"' not in page


def test_actions_go_on_to_the_next_item_and_refusals_are_plain(signed_in: SignedIn, console: sa.Engine) -> None:
    leads = decide(console, RULES, BAD_EMAIL, NO_CONSENT_DE)
    [first], [second] = items(console, lead_id=leads["bad"]), items(console, lead_id=leads["de"])
    kim = signed_in("kim")
    token = csrf(kim)
    act = f"/review/items/{first.review_id}/act?kind=quarantine"
    invalid = kim.post(act, data={"csrf_token": token, "action": "route", "to": "ROUTE_AE", "version": "0"})
    assert invalid.status_code == 422 and "route needs a note saying why" in invalid.text
    taken = kim.post(act, data={"csrf_token": token, "action": "assign", "version": "0"}, follow_redirects=False)
    assert taken.headers["location"] == f"/review/items/{first.review_id}?kind=quarantine&done={first.review_id}"
    done = kim.post(act, data={"csrf_token": token, "action": "reject", "version": "1", "note": "no such mailbox"},
                    follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/review/items/{second.review_id}?kind=quarantine&done={first.review_id}"
    landed = kim.get(done.headers["location"]).text
    assert f"Item {first.review_id}: <strong>reject</strong> by reviewer:kim; the lead is now REJECT" in landed
    assert current(console, leads["bad"]).disposition == "REJECT"
    stale = kim.post(act, data={"csrf_token": token, "action": "verify", "version": "1"})
    assert stale.status_code == 409 and "Someone else was first" in stale.text and "already resolved" in stale.text
    last = kim.post(f"/review/items/{second.review_id}/act", data={
        "csrf_token": token, "action": "route", "to": "NURTURE_EMAIL_ONLY", "note": "asked by phone",
        "version": str(second.version)}, follow_redirects=False)
    assert last.headers["location"] == f"/review?done={second.review_id}&empty=1"
    emptied = kim.get(last.headers["location"]).text
    assert "Nothing left to work in this queue" in emptied and f"Item {second.review_id}: <strong>route" in emptied


def test_a_second_reviewer_is_told_someone_else_was_first(signed_in: SignedIn, console: sa.Engine) -> None:
    lead = decide(console, RULES, BAD_EMAIL)["bad"]
    [item] = items(console, lead_id=lead)
    kim, lee = signed_in("kim"), signed_in("lee")
    lee_page = lee.get(f"/review/items/{item.review_id}").text  # lee looks at version 0 ...
    kim.post(f"/review/items/{item.review_id}/act", data={"csrf_token": csrf(kim), "action": "reject",
                                                          "version": "0"})
    late = lee.post(f"/review/items/{item.review_id}/act", data={  # ... and verifies what kim already rejected
        "csrf_token": field(lee_page, "csrf_token"), "action": "verify", "version": field(lee_page, "version")})
    assert late.status_code == 409 and "Someone else was first" in late.text
    assert "resolved by reviewer:kim (reject)" in late.text and current(console, lead).disposition == "REJECT"


def test_every_value_a_lead_supplied_is_shown_as_text(signed_in: SignedIn, console: sa.Engine) -> None:
    lead = hostile_lead(console, RULES)
    [item] = items(console, lead_id=lead)
    kim: TestClient = signed_in("kim")
    for page in (kim.get("/review").text, kim.get(f"/review/items/{item.review_id}").text):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT_NAME not in page
        assert "&lt;img src=x onerror=alert(4)&gt;" in page and IMG not in page
        assert BREAKOUT not in page and "onmouseover=&#34;alert(2)" in page
        assert "<script" not in page.replace('<script src="/review/static/', "")
    item_page = kim.get(f"/review/items/{item.review_id}").text
    assert SCRIPT_URL in item_page and not re.search(r"(href|src|action)=\"javascript:", item_page, re.I)


def test_a_lead_no_owner_could_take_is_given_one_from_its_page(signed_in: SignedIn, console: sa.Engine) -> None:
    from tests.gate.routing_helpers import owners, person, routed, run

    owners(console, {"email": "tx.sdr@x.com", "name": "Tex", "role": "sdr", "regions": "US-TX"})
    run(console, RULES, person(0))  # in California: no SDR covers it
    [item] = items(console, kind="handoff_exception")
    kim = signed_in("kim")
    page = kim.get(f"/review/items/{item.review_id}").text
    assert 'class="assign-owner"' in page and 'name="to" type="email"' in page and "NO_OWNER" in page
    done = kim.post(f"/review/items/{item.review_id}/act", data={
        "csrf_token": csrf(kim), "action": "assign_owner", "to": "tx.sdr@x.com", "version": str(item.version)},
        follow_redirects=False)
    assert done.status_code == 303
    assert routed(console)["p0"].owner_email == "tx.sdr@x.com"
