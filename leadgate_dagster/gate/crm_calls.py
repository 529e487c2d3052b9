"""One chunk of a drain on the wire: the CRM merges of merged persons, the contacts in batches (updated by CRM id
once known, else upserted by email, no two with one email in calls that may run at once), their tasks, and the
webhooks' batches. Up to `crm.max_concurrency` CRM calls are in flight; the client's token bucket keeps them
within the rate limit. Every contact ends with exactly one Delivery; nothing here touches the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from leadgate_dagster.core.crm_delivery import SENT, Delivery, MergeStep, Outcome, plan_merges
from leadgate_dagster.core.crm_payload import Contact
from leadgate_dagster.core.rules.crm import CRM
from leadgate_dagster.gate.crm_destinations import Destinations

T = TypeVar("T")


@dataclass
class ChunkResult:
    deliveries: dict[str, Delivery] = field(default_factory=dict)  # person -> its contact's outcome
    sent_contacts: dict[str, Contact] = field(default_factory=dict)  # person -> what was sent (crm id as used)
    unlinked: list[str] = field(default_factory=list)  # absorbed persons whose record was merged away
    relinked: dict[str, str] = field(default_factory=dict)  # survivor -> the record it keeps after merges
    refused: list[tuple[MergeStep, Delivery]] = field(default_factory=list)  # CRM_MERGE_REFUSED
    merged: int = 0
    fully_merged: list[str] = field(default_factory=list)  # survivors whose records all became one


def send_chunk(contacts: Sequence[Contact], absorbed: Mapping[str, tuple[str, ...]],
               absorbed_links: Mapping[str, str], destinations: Destinations, batch_size: int,
               workers: int = 1) -> ChunkResult:
    """Deliver these contacts (each to a destination the deployment has).

    Args:
        contacts: one per person.
        absorbed: person -> the persons merged into it since its last delivery.
        absorbed_links: absorbed person -> its CRM id, where it had a record.
        destinations: the open clients.
        batch_size: records per call.
        workers: CRM calls in flight at once.
    """
    out = ChunkResult()
    crm: list[Contact] = []
    for contact in contacts:
        if contact.destination == CRM and absorbed.get(contact.person_id):
            merged = _merge(contact, absorbed[contact.person_id], absorbed_links, destinations, out)
            if merged is not None:
                crm.append(merged)
        elif contact.destination == CRM:
            crm.append(contact)
    if crm and destinations.crm is not None:
        _send_crm(crm, destinations, batch_size, workers, out)
    by_hook: dict[str, list[Contact]] = {}
    for contact in contacts:
        if contact.destination != CRM:
            by_hook.setdefault(contact.destination, []).append(contact)
    for destination, group in by_hook.items():
        for batch in _batches(group, batch_size):
            for d in destinations.webhook(destination).send(batch):
                out.deliveries[d.person_id] = d
        out.sent_contacts |= {c.person_id: c for c in group if out.deliveries[c.person_id].outcome in SENT}
    return out


def _merge(contact: Contact, absorbed: tuple[str, ...], absorbed_links: Mapping[str, str],
           destinations: Destinations, out: ChunkResult) -> Contact | None:
    """The survivor's records become one (or it adopts an absorbed person's record); None: a merge call failed
    in a way a retry may mend, so the contact waits for the next drain."""
    assert destinations.crm is not None
    links = {p: absorbed_links[p] for p in absorbed if p in absorbed_links}
    if contact.crm_id:
        links[contact.person_id] = contact.crm_id
    primary, steps = plan_merges(contact.person_id, absorbed, links)
    if primary is None:
        return contact
    out.relinked[contact.person_id] = primary
    for step in steps:
        result = destinations.crm.merge(step.primary, step.other, contact.person_id)
        if result.outcome is Outcome.RETRY:
            out.deliveries[contact.person_id] = result
            return None
        if result.outcome is Outcome.UPDATED:
            out.merged += 1
            out.unlinked.append(step.absorbed)
        else:
            out.refused.append((step, result))
    if not any(step.survivor == contact.person_id for step, _ in out.refused):
        out.fully_merged.append(contact.person_id)
    out.unlinked += [p for p in absorbed if links.get(p) == primary]  # adopted: the survivor keeps it
    return replace(contact, crm_id=primary)


def _send_crm(contacts: list[Contact], destinations: Destinations, batch_size: int, workers: int,
              out: ChunkResult) -> None:
    crm = destinations.crm
    assert crm is not None
    known = [c for c in contacts if c.crm_id]
    calls = [partial(crm.update, batch) for batch in _batches(known, batch_size)]
    for wave in _email_waves([c for c in contacts if not c.crm_id]):
        calls += [partial(crm.upsert, batch) for batch in _batches(wave, batch_size)]
        out.deliveries |= {d.person_id: d for d in _in_flight(calls, workers)}
        calls = []
    out.deliveries |= {d.person_id: d for d in _in_flight(calls, workers)}
    sent = {c.person_id: c for c in contacts if out.deliveries[c.person_id].outcome in SENT}
    tasks = [(t, str(out.deliveries[p].crm_id), p) for p, c in sent.items() for t in c.tasks]
    for d in _in_flight([partial(crm.upsert_tasks, batch) for batch in _batches(tasks, batch_size)], workers):
        if d.outcome not in SENT:  # the contact went through, its task did not: the whole person again
            out.deliveries[d.person_id] = d
    out.sent_contacts |= {p: replace(c, crm_id=out.deliveries[p].crm_id or c.crm_id) for p, c in sent.items()
                          if out.deliveries[p].outcome in SENT}


def _in_flight(calls: Sequence[Callable[[], list[Delivery]]], workers: int) -> list[Delivery]:
    """Every call's deliveries, up to `workers` calls at a time (the client's token bucket paces them all)."""
    if workers <= 1 or len(calls) <= 1:
        return [d for call in calls for d in call()]
    with ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        return [d for done in pool.map(lambda call: call(), calls) for d in done]


def _batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _email_waves(contacts: Sequence[Contact]) -> list[list[Contact]]:
    """The contacts in waves with no email twice in one wave: the calls of a wave may run at once, and two
    persons of one address (one CRM record) are upserted one after the other, the second onto the record the
    first made."""
    waves: list[list[Contact]] = []
    seen: list[set[str | None]] = []
    for c in contacts:
        k = next((i for i, emails in enumerate(seen) if c.email not in emails), len(waves))
        if k == len(waves):
            waves.append([])
            seen.append(set())
        waves[k].append(c)
        seen[k].add(c.email)
    return waves
