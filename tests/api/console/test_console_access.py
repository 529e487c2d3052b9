"""Who may see and do what in the console: nobody signed out sees lead data, a reviewer never reaches an admin
page, every state-changing request without the session's CSRF token is refused, sessions are rotated at
sign-in and end when idle, failed sign-ins answer 401 and are slowed, and every page carries the security
headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from starlette.routing import Route

from leadgate_dagster.api.app import app
from leadgate_dagster.api.console import ROUTERS
from leadgate_dagster.api.console.headers import CSP
from leadgate_dagster.core.console.throttle import FREE_FAILURES
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.console_accounts import add_user
from tests.api.console.conftest import PASSWORD, SignedIn, csrf, field, sign_in
from tests.gate.review_helpers import BAD_EMAIL, current, decide, items

RULES = load_ruleset()
PUBLIC = {"/review/sign-in"}


def _console_routes() -> list[tuple[str, str]]:
    """(method, path) of every console route, path parameters filled in."""
    out = []
    for route in (r for router in ROUTERS for r in router.routes):
        if isinstance(route, Route) and route.path not in PUBLIC:
            path = route.path.replace("{review_id}", "1").replace("{name}", "kim")
            out += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return out


def test_the_console_has_the_routes_these_tests_walk() -> None:
    routes = set(_console_routes())
    assert {("GET", "/review"), ("GET", "/review/items/1"), ("POST", "/review/items/1/act"),
            ("GET", "/review/admin/users"), ("POST", "/review/admin/users")} <= routes


def test_nobody_signed_out_sees_lead_data(console: sa.Engine, anonymous_browser: TestClient) -> None:
    decide(console, RULES, BAD_EMAIL)
    for method, path in _console_routes():
        answer = anonymous_browser.request(method, path, follow_redirects=False)
        if method == "GET":
            assert answer.status_code == 303 and answer.headers["location"].startswith("/review/sign-in?next=/review")
        else:
            assert answer.status_code == 401, (method, path)
        assert "bo.ek" not in answer.text and "Northwind" not in answer.text
    assert "bo.ek" not in anonymous_browser.get("/review/items/1").text  # followed: the sign-in form only
    assert anonymous_browser.get("/v1/review/items").status_code == 401


def test_a_reviewer_cannot_reach_admin_pages(signed_in: SignedIn, console: sa.Engine) -> None:
    kim = signed_in("kim", "reviewer")
    token = csrf(kim)
    admin_routes = [(m, p) for m, p in _console_routes() if p.startswith("/review/admin")]
    assert len(admin_routes) >= 4
    for method, path in admin_routes:
        answer = kim.request(method, path, data={"csrf_token": token, "name": "eve", "role": "admin",
                                                 "password": PASSWORD, "new_password": PASSWORD})
        assert answer.status_code == 403 and "Admins only" in answer.text, (method, path)
    with console.connect() as conn:
        assert conn.execute(sa.text("SELECT name, role FROM leadgate.console_users")).all() == [("kim", "reviewer")]
    assert "/review/admin/users" not in kim.get("/review").text  # not even offered
    ann = signed_in("ann", "admin")
    assert ann.get("/review/admin/users").status_code == 200


def test_a_post_without_the_csrf_token_is_refused(signed_in: SignedIn, console: sa.Engine) -> None:
    lead = decide(console, RULES, BAD_EMAIL)["bad"]
    [item] = items(console, lead_id=lead)
    ann, others = signed_in("ann", "admin"), csrf(signed_in("lee", "admin"))
    posts = [(m, p.replace("/items/1/", f"/items/{item.review_id}/")) for m, p in _console_routes() if m == "POST"]
    for _, path in posts:
        for token in (None, "forged", others):  # none, made up, another session's
            data = {"action": "reject", "name": "eve", "role": "admin", "password": PASSWORD,
                    **({"csrf_token": token} if token else {})}
            answer = ann.post(path, data=data)
            assert answer.status_code == 403 and "CSRF" in answer.text, path
    assert current(console, lead).disposition == "QUARANTINE_REVIEW" and items(console, lead_id=lead)[0].version == 0
    assert ann.get("/review").status_code == 200  # still signed in: sign-out was refused too
    with_header = ann.post(f"/review/items/{item.review_id}/act", data={"action": "reject"},
                           headers={"X-CSRF-Token": csrf(ann)}, follow_redirects=False)
    assert with_header.status_code == 303 and current(console, lead).disposition == "REJECT"


def test_a_sign_in_form_from_elsewhere_is_refused(console: sa.Engine, anonymous_browser: TestClient) -> None:
    add_user(console, "kim", "reviewer", PASSWORD)
    answer = anonymous_browser.post("/review/sign-in", data={"name": "kim", "password": PASSWORD,
                                                             "sign_in_token": "made-up"}, follow_redirects=False)
    assert answer.status_code == 403 and "leadgate_session" not in answer.headers.get("set-cookie", "")


def test_failed_sign_ins_answer_401_then_are_slowed(console: sa.Engine, anonymous_browser: TestClient) -> None:
    add_user(console, "kim", "reviewer", PASSWORD)
    for _ in range(FREE_FAILURES):
        answer = sign_in(anonymous_browser, "kim", "wrong password!")
        assert answer.status_code == 401 and "Wrong user name or password" in answer.text
    slowed = sign_in(anonymous_browser, "kim", PASSWORD)  # even the right one, while the name must wait
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    assert "leadgate_session" not in slowed.headers.get("set-cookie", "")


def test_cookies_and_session_rotation(signed_in: SignedIn, console: sa.Engine) -> None:
    add_user(console, "kim", "reviewer", PASSWORD)
    for base, secure in (("http://127.0.0.1", False), ("https://review.example.org", True)):
        browser = TestClient(app, base_url=base)
        browser.cookies.set("leadgate_session", "planted-by-someone-else")
        answer = sign_in(browser, "kim")
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and ("Secure" in cookie) is secure
        assert "planted-by-someone-else" not in cookie
    browser = TestClient(app, base_url="http://127.0.0.1")
    form = browser.get("/review/sign-in").text  # the form is open while the browser still has a live session
    other = TestClient(app, base_url="http://127.0.0.1")
    sign_in(other, "kim")
    old = other.cookies["leadgate_session"]
    browser.cookies.set("leadgate_session", old, domain="127.0.0.1")
    answer = browser.post("/review/sign-in", data={"name": "kim", "password": PASSWORD,
                                                   "sign_in_token": field(form, "sign_in_token")},
                          follow_redirects=False)
    assert answer.status_code == 303 and old not in answer.headers["set-cookie"]
    assert other.get("/review", follow_redirects=False).status_code == 303  # the session it had is over


def test_an_idle_session_ends_and_sign_out_ends_it(signed_in: SignedIn, console: sa.Engine) -> None:
    kim = signed_in("kim")
    assert kim.get("/review", follow_redirects=False).status_code == 200
    with console.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.console_sessions SET last_seen_at = :t"),
                     {"t": datetime.now(UTC) - timedelta(minutes=31)})
    assert kim.get("/review", follow_redirects=False).status_code == 303
    lee = signed_in("lee")
    out = lee.post("/review/sign-out", data={"csrf_token": csrf(lee)}, follow_redirects=False)
    assert out.status_code == 303 and 'leadgate_session=""' in out.headers["set-cookie"]
    with console.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.console_sessions")).scalar_one() == 0


def test_after_sign_in_only_a_console_page_is_a_target(console: sa.Engine) -> None:
    add_user(console, "kim", "reviewer", PASSWORD)
    for target, lands in (("/review/items/7", "/review/items/7"), ("https://evil.example/", "/review"),
                          ("//evil.example/review", "/review"), ("/reviewer\\..\\x", "/review")):
        browser = TestClient(app, base_url="http://127.0.0.1")
        assert sign_in(browser, "kim", target=target).headers["location"] == lands


@pytest.mark.parametrize("path", ["/review/sign-in", "/review", "/review/items/999", "/review/static/console.js"])
def test_security_headers(signed_in: SignedIn, path: str) -> None:
    answer = signed_in("kim").get(path)
    assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    if not path.startswith("/review/static"):
        assert answer.headers["Cache-Control"] == "no-store" and "<script>" not in answer.text


def test_the_json_review_api_takes_a_session_with_its_csrf_header(signed_in: SignedIn, console: sa.Engine) -> None:
    lead = decide(console, RULES, BAD_EMAIL)["bad"]
    [item] = items(console, lead_id=lead)
    kim = signed_in("kim")
    assert [i["id"] for i in kim.get("/v1/review/items").json()] == [item.review_id]
    refused = kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "reject"})
    assert refused.status_code == 403 and refused.json()["error"] == "CSRF_TOKEN_MISSING"
    done = kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "reject"},
                    headers={"X-CSRF-Token": field(kim.get("/review").text, "csrf_token")})
    assert done.status_code == 200 and current(console, lead).decided_by == "reviewer:kim"
