"""One chunk of a drain on the wire: the CRM merges of merged persons, the contacts in batches (updated by CRM id
once known, else upserted by email, no two with one email in one call), their tasks, and the webhooks' batches.
Every contact ends with exactly one Delivery; nothing here touches the database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
               absorbed_links: Mapping[str, str], destinations: Destinations, batch_size: int) -> ChunkResult:
    """Deliver these contacts (each to a destination the deployment has).

    Args:
        contacts: one per person.
        absorbed: person -> the persons merged into it since its last delivery.
        absorbed_links: absorbed person -> its CRM id, where it had a record.
        destinations: the open clients.
        batch_size: records per call.
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
        _send_crm(crm, destinations, batch_size, out)
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


def _send_crm(contacts: list[Contact], destinations: Destinations, batch_size: int, out: ChunkResult) -> None:
    assert destinations.crm is not None
    known = [c for c in contacts if c.crm_id]
    for batch in _batches(known, batch_size):
        for d in destinations.crm.update(batch):
            out.deliveries[d.person_id] = d
    for batch in _email_batches([c for c in contacts if not c.crm_id], batch_size):
        for d in destinations.crm.upsert(batch):
            out.deliveries[d.person_id] = d
    sent = {c.person_id: c for c in contacts if out.deliveries[c.person_id].outcome in SENT}
    tasks = [(t, str(out.deliveries[p].crm_id), p) for p, c in sent.items() for t in c.tasks]
    for batch in _batches(tasks, batch_size):
        for d in destinations.crm.upsert_tasks(batch):
            if d.outcome not in SENT:  # the contact went through; its task did not: the whole person again
                out.deliveries[d.person_id] = d
    out.sent_contacts |= {p: replace(c, crm_id=out.deliveries[p].crm_id or c.crm_id) for p, c in sent.items()
                          if out.deliveries[p].outcome in SENT}


def _batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _email_batches(contacts: Sequence[Contact], size: int) -> Iterator[list[Contact]]:
    """Batches of at most `size` in which no email appears twice (two persons of one address are one CRM
    record: the second is upserted by a later call, onto the record the first made)."""
    pending = list(contacts)
    while pending:
        batch, seen, rest = [], set(), []
        for c in pending:
            if len(batch) < size and c.email not in seen:
                batch.append(c)
                seen.add(c.email)
            else:
                rest.append(c)
        yield batch
        pending = rest
