"""The console in a real browser (chromium, driven by Playwright) against `leadgate serve`: a reviewer signs
in, works three items of different kinds with the keyboard alone and the database shows each decision; two
reviewers on one item see who was first; a signed-out visitor and a reviewer on an admin page are refused; a
POST without the CSRF token changes nothing; a lead named <script>alert(1)</script> stays text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.console_accounts import add_user
from leadgate_dagster.gate.review_queue import intake_items
from tests.api.console.browser import chromium
from tests.api.console.hostile import SCRIPT_NAME, SCRIPT_URL, hostile_lead
from tests.gate.review_helpers import ANN_AGAIN, BAD_EMAIL, HIGH_VALUE, ROUTED, current, decide, items, now
from tests.serving import serving

RULES = load_ruleset()
PASSWORD = "a long enough password"
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def base(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(pg_url, tmp_path_factory.mktemp("serve")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _signed_in(browser: Any, base: str, name: str) -> Any:
    """A new browser context (its own cookies) signed in as `name`, on the queue."""
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.goto(f"{base}/review")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/review")
    return page


def test_sign_in_and_work_three_kinds_of_item_by_keyboard(engine: sa.Engine, base: str, browser: Any) -> None:
    leads = decide(engine, RULES, BAD_EMAIL, ROUTED, HIGH_VALUE)
    leads |= decide(engine, RULES, ANN_AGAIN)
    intake_items(engine, RULES, now())  # the score review of the high-value account
    assert sorted(i.kind for i in items(engine, status="open")) == ["merge_candidate", "quarantine", "score_review"]
    add_user(engine, "kim", "reviewer", PASSWORD)

    page = browser.new_context().new_page()
    page.goto(f"{base}/review")
    assert "/review/sign-in" in page.url
    page.fill("input[name=name]", "kim")
    page.fill("input[name=password]", "not the password")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == "Wrong user name or password."
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/review")
    assert "3 items" in page.inner_text("p.summary")

    page.keyboard.press("w")  # work the queue: the first item
    page.wait_for_url(f"{base}/review/items/*")
    worked = []
    for _ in range(3):
        kind, review_id = (part.split()[0] if i else part.strip() for i, part in enumerate(
            page.inner_text("h1").split("#")))
        worked.append(kind)
        if kind == "quarantine":  # route by keyboard: r focuses the disposition, Tab to the note, Enter sends
            page.keyboard.press("r")
            page.keyboard.press("Tab")
            page.keyboard.type("confirmed by phone")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press({"merge candidate": "m", "score review": "v"}[kind])
        # on to the next item (or the emptied queue), saying what was done
        page.wait_for_url(lambda url, done=review_id: f"done={done}" in url)
        assert f"Item {review_id}:" in page.inner_text("p.notice.ok")
    assert sorted(worked) == ["merge candidate", "quarantine", "score review"]
    assert page.url.startswith(f"{base}/review?") and "Nothing left to work in this queue" in page.inner_text("main")

    routed = current(engine, leads["bad"])
    assert (routed.disposition, routed.decided_by) == ("NURTURE_EMAIL_ONLY", "reviewer:kim")
    with engine.connect() as conn:
        merge = conn.execute(sa.text("SELECT actor FROM leadgate.merge_log WHERE action = 'merge'")).scalar_one()
    assert merge == "reviewer:kim" and current(engine, leads["again"]).decided_by == "reviewer:kim"
    [review] = items(engine, kind="score_review")
    assert (review.status, review.resolution, review.resolved_by) == ("resolved", "verify", "reviewer:kim")


def test_the_second_of_two_reviewers_sees_who_was_first(engine: sa.Engine, base: str, browser: Any) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    for name in ("kim", "lee"):
        add_user(engine, name, "reviewer", PASSWORD)
    kim, lee = _signed_in(browser, base, "kim"), _signed_in(browser, base, "lee")
    for page in (kim, lee):
        page.goto(f"{base}/review/items/{item.review_id}")
    kim.keyboard.press("x")  # reject
    kim.wait_for_selector("p.notice.ok")
    lee.keyboard.press("v")  # verify what kim already rejected
    lee.wait_for_selector("#problem")
    said = lee.inner_text("#problem")
    assert "Someone else was first" in said and "resolved by reviewer:kim (reject)" in said
    assert current(engine, lead).disposition == "REJECT"


def test_refused_signed_out_on_admin_pages_and_without_csrf(engine: sa.Engine, base: str, browser: Any) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    add_user(engine, "kim", "reviewer", PASSWORD)
    stranger = browser.new_context().new_page()
    stranger.goto(f"{base}/review/items/{item.review_id}")
    assert "/review/sign-in" in stranger.url and "bo.ek" not in stranger.content()
    kim = _signed_in(browser, base, "kim")
    answer = kim.goto(f"{base}/review/admin/users")
    assert answer.status == 403 and "Admins only" in kim.inner_text("main")
    forged = kim.context.request.post(f"{base}/review/items/{item.review_id}/act", form={"action": "reject"})
    assert forged.status == 403 and "CSRF" in forged.text()
    assert current(engine, lead).disposition == "QUARANTINE_REVIEW"


def test_a_hostile_lead_is_shown_inert(engine: sa.Engine, base: str, browser: Any) -> None:
    lead = hostile_lead(engine, RULES)
    [item] = items(engine, lead_id=lead)
    add_user(engine, "kim", "reviewer", PASSWORD)
    page = _signed_in(browser, base, "kim")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert page.get_by_text(SCRIPT_NAME).first.is_visible()  # the name as text, in the queue
    page.goto(f"{base}/review/items/{item.review_id}")
    page.get_by_text(SCRIPT_NAME).first.hover()
    page.get_by_text(SCRIPT_URL).first.click()
    for cell in page.locator("dd, td").all()[:60]:
        cell.hover()
    assert dialogs == [] and page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.evaluate("[...document.scripts].every(s => s.src.includes('/review/static/'))")
    assert page.url.endswith(f"/review/items/{item.review_id}")  # clicking the "URL" went nowhere
