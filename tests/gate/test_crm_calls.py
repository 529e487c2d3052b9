"""A chunk on the wire: several calls in flight, never two upserts of one email at once or in one call, and
the persons of one address on the one record the first of them made."""

from __future__ import annotations

from dataclasses import replace

import pytest

from leadgate_dagster.core.crm_delivery import Outcome
from leadgate_dagster.core.crm_payload import Contact, Task
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.crm_calls import send_chunk
from leadgate_dagster.gate.crm_destinations import Destinations
from leadgate_dagster.providers.crm import CrmClient
from tests.fake_crm import TOKEN, FakeCrm

RULES = load_ruleset().crm


def _contact(person: str, email: str) -> Contact:
    return Contact(person_id=person, seq=1, destination="crm", crm_id=None, email=email, fields={},
                   properties={"email": email, "leadgate_person_id": person}, tasks=())


@pytest.mark.parametrize("workers", [1, 4])
def test_persons_sharing_an_address_are_upserted_one_after_the_other(workers: int) -> None:
    contacts = [_contact("a", "ann@northwind.com"), _contact("b", "bea@northwind.com"),
                _contact("c", "ann@northwind.com"), _contact("d", "cleo@northwind.com"),
                _contact("e", "ann@northwind.com"), _contact("f", "dora@northwind.com")]
    crm = FakeCrm()
    with crm.serving() as url:
        destinations = Destinations(crm=CrmClient(url, TOKEN, RULES))
        try:
            result = send_chunk(contacts, {}, {}, destinations, batch_size=3, workers=workers)
        finally:
            destinations.close()
    assert crm.violations == []  # no call carried one address twice
    assert {p: d.outcome for p, d in result.deliveries.items()} == {
        "a": Outcome.CREATED, "b": Outcome.CREATED, "c": Outcome.UPDATED, "d": Outcome.CREATED,
        "e": Outcome.UPDATED, "f": Outcome.CREATED}
    assert len({result.deliveries[p].crm_id for p in "ace"}) == 1 and len(crm.contacts()) == 4


def test_a_routed_persons_task_follows_its_contact_to_the_record_the_crm_gave() -> None:
    task = Task(key="t-1", subject="Intro call", due_at="2026-12-07T09:00:00Z", meeting_link="https://cal.test/a",
                owner_email="sam@acme.test")
    contact = replace(_contact("a", "ann@northwind.com"), tasks=(task,))
    crm = FakeCrm()
    with crm.serving() as url:
        destinations = Destinations(crm=CrmClient(url, TOKEN, RULES))
        try:
            result = send_chunk([contact], {}, {}, destinations, batch_size=10)
        finally:
            destinations.close()
    record = result.deliveries["a"].crm_id
    assert result.deliveries["a"].outcome is Outcome.CREATED and result.sent_contacts["a"].crm_id == record
    assert crm.tasks["t-1"]["contact"] == record
