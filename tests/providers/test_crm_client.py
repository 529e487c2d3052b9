"""The HubSpot-compatible client against the fake CRM: one outcome per record for every kind of answer (created
and updated, 207 partials, a record gone, 400 with the CRM's message, a refused token, 429 after Retry-After,
an answer that is not JSON), merges, and tasks upserted by their key and tied to their contact."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from leadgate_dagster.core.crm_delivery import Outcome
from leadgate_dagster.core.crm_payload import Contact, Task
from leadgate_dagster.core.ruleset import load_ruleset, ruleset_from_body
from leadgate_dagster.providers.crm import CrmClient
from tests.fake_crm import TOKEN, FakeCrm

body = load_ruleset().body
body["crm"] |= {"timeout_s": 0.5, "backoff_initial_s": 0.01, "backoff_max_s": 0.02, "retry_after_cap_s": 5}
RULES = ruleset_from_body({**body, "version": "client-test"}).crm


def _contact(n: int, email: str | None = None, crm_id: str | None = None) -> Contact:
    mail = email or f"p{n}@northwind.com"
    return Contact(person_id=f"p{n}", seq=n, destination="crm", crm_id=crm_id, email=mail.lower(),
                   fields={}, properties={"email": mail, "leadgate_person_id": f"p{n}", "leadgate_sync_seq": str(n)},
                   tasks=())


@pytest.fixture
def crm() -> FakeCrm:
    return FakeCrm()


@pytest.fixture
def waits() -> list[float]:
    """The client's sleeps between attempts, recorded instead of slept."""
    return []


@pytest.fixture
def client(crm: FakeCrm, waits: list[float]) -> Iterator[CrmClient]:
    with crm.serving() as url, CrmClient(url, TOKEN, RULES, sleep=waits.append) as c:
        yield c


def test_upsert_creates_then_updates_by_email_and_update_goes_by_id(client: CrmClient, crm: FakeCrm) -> None:
    first = client.upsert([_contact(1), _contact(2, email="Bea@Northwind.com")])
    assert [(d.person_id, d.outcome) for d in first] == [("p1", Outcome.CREATED), ("p2", Outcome.CREATED)]
    again = client.upsert([replace(_contact(1), seq=5, properties={**_contact(1).properties, "leadgate_sync_seq": "5"})])
    assert (again[0].outcome, again[0].crm_id) == (Outcome.UPDATED, first[0].crm_id)
    by_id = client.update([_contact(2, crm_id=first[1].crm_id), _contact(3, crm_id="999999")])
    assert [(d.outcome, d.crm_id) for d in by_id] == [(Outcome.UPDATED, first[1].crm_id), (Outcome.NOT_FOUND, None)]
    assert len(crm.contacts()) == 2


def test_a_207_fails_only_the_records_it_names(client: CrmClient, crm: FakeCrm) -> None:
    crm.bad_emails.add("p2@northwind.com")
    got = {d.person_id: d for d in client.upsert([_contact(1), _contact(2), _contact(3)])}
    assert [got[p].outcome for p in ("p1", "p2", "p3")] == [Outcome.CREATED, Outcome.SCHEMA_MISMATCH, Outcome.CREATED]
    assert got["p2"].message == "VALIDATION_ERROR: Email address p2@northwind.com is invalid"
    assert got["p2"].http_status == 207


def test_a_400_is_a_schema_mismatch_with_the_crms_words_and_is_not_retried(client: CrmClient, crm: FakeCrm) -> None:
    crm.schema.discard("leadgate_sync_seq")
    [d] = client.upsert([_contact(1)])
    assert (d.outcome, d.http_status) == (Outcome.SCHEMA_MISMATCH, 400)
    assert d.message == 'Property values were not valid: Property "leadgate_sync_seq" does not exist'
    assert len(crm.calls) == 1


def test_a_refused_token_is_the_deployments_problem_retried_not_the_records(crm: FakeCrm) -> None:
    with crm.serving() as url, CrmClient(url, "wrong", RULES) as client:
        [d] = client.upsert([_contact(1)])
    assert (d.outcome, d.http_status) == (Outcome.RETRY, 401)


def test_429_waits_for_retry_after_and_5xx_retry_then_succeed(client: CrmClient, crm: FakeCrm,
                                                               waits: list[float]) -> None:
    crm.faults.extend(["429:3", "500"])
    [d] = client.upsert([_contact(1)])
    assert d.outcome is Outcome.CREATED and len(crm.calls) == 3
    assert waits[0] == 3.0 and waits[1] < 0.1  # Retry-After, then the backoff


def test_an_answer_that_is_not_json_is_retried_later(client: CrmClient, crm: FakeCrm) -> None:
    crm.faults.append("malformed")
    [d] = client.upsert([_contact(1)])
    assert d.outcome is Outcome.RETRY and "malformed" in d.message
    assert len(crm.contacts()) == 1  # the CRM had stored it: the retry will update it, by email


def test_merge_and_a_refused_merge(client: CrmClient, crm: FakeCrm) -> None:
    a, b = client.upsert([_contact(1), _contact(2)])
    merged = client.merge(str(a.crm_id), str(b.crm_id), "p1")
    assert (merged.outcome, merged.crm_id) == (Outcome.UPDATED, a.crm_id)
    assert [c["id"] for c in crm.contacts()] == [a.crm_id]
    crm.refuse_merges = True
    [c] = client.upsert([_contact(3)])
    refused = client.merge(str(a.crm_id), str(c.crm_id), "p1")
    assert (refused.outcome, refused.message) == (Outcome.SCHEMA_MISMATCH, "Merging these contacts is not allowed")


def test_tasks_are_upserted_by_key_and_tied_to_their_contact(client: CrmClient, crm: FakeCrm) -> None:
    [d] = client.upsert([_contact(1)])
    task = Task(key="k1", subject="Intro call", due_at="2026-12-06T10:00:00Z", meeting_link="https://cal.test/x",
                owner_email="sam@acme.test")
    for _ in range(2):  # a resend is the same task
        [t] = client.upsert_tasks([(task, str(d.crm_id), "p1")])
        assert t.outcome is Outcome.UPDATED
    assert list(crm.tasks) == ["k1"]
    assert crm.tasks["k1"]["contact"] == d.crm_id
    assert crm.tasks["k1"]["properties"]["hs_task_body"] == "https://cal.test/x"
