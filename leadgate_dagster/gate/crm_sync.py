"""The outbox drain: each person with due outbox rows gets its latest state delivered once, oldest first.

A drain holds the outbox's session lock (a second one returns at once), then walks the due persons in chunks:
read their states in one statement, deliver over HTTP with no transaction open, record every outcome in one
transaction (delivery log, links, the rows' status, review items, alerts). A crash between the CRM's answer
and the record leaves the rows due: the next drain sends the same (or a newer) state again, which the CRM's
upsert makes an update of the same record. That is at-least-once delivery without duplicates.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.crm_delivery import (
    EXCEPTION_CODES,
    FAILED_CODE,
    MERGE_REFUSED_CODE,
    RECORD_CODES,
    SENT,
    Delivery,
    Outcome,
    exhausted,
    next_attempt,
)
from leadgate_dagster.core.crm_payload import Contact, build_contact
from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.crm_calls import ChunkResult, send_chunk
from leadgate_dagster.gate.crm_destinations import Destinations
from leadgate_dagster.store import alerts, crm_exceptions, crm_outbox, crm_state, dispositions
from leadgate_dagster.store.crm_outbox import DuePerson

ACTOR = "crm_sync"
FAILED_ALERT = "crm_handoff_failed"
CHUNK_BATCHES = 10  # persons per chunk: this many calls' worth
REPORT = ("persons", "sent", "created", "updated", "delivered", "skipped", "waiting", "retried", "failed",
          "schema_mismatch", "no_email", "not_found", "merged", "merge_refused")


def sync_outbox(engine: sa.Engine, rules: Ruleset, destinations: Destinations, *, now: datetime | None = None,
                max_seconds: float | None = None) -> dict[str, Any]:
    """Drain the outbox once; returns counts (persons, sent, created, updated, delivered, skipped, waiting,
    retried, failed, schema_mismatch, no_email, merged, merge_refused) and `busy` when another drain ran."""
    cfg = rules.crm
    deadline = time.monotonic() + (max_seconds if max_seconds is not None else cfg.drain_max_seconds)
    counts: Counter[str] = Counter()
    with engine.connect() as lock:
        locked = crm_outbox.try_lock(lock)
        lock.commit()  # a session lock: no transaction stays open while the drain runs
        if not locked:
            return {"busy": 1, **dict.fromkeys(REPORT, 0)}
        try:
            after = 0
            while time.monotonic() < deadline:
                at = now or datetime.now(UTC)
                with engine.connect() as conn:
                    due = crm_outbox.due_persons(conn, now=at, after=after, limit=cfg.batch_size * CHUNK_BATCHES)
                    if not due:
                        break
                    rank = [*cfg.handoff_dispositions, "QUARANTINE_REVIEW", "REJECT"]
                    states = crm_state.person_states(conn, [d.person_id for d in due], rank=rank)
                    absorbed_links = crm_state.crm_ids(conn, [p for d in due for p in d.absorbed])
                after = due[-1].first
                counts.update(_chunk(engine, rules, destinations, due, states, absorbed_links, at))
        finally:
            crm_outbox.unlock(lock)
            lock.commit()
    return {"busy": 0, **{k: counts[k] for k in REPORT}}


def _chunk(engine: sa.Engine, rules: Ruleset, destinations: Destinations, due: Sequence[DuePerson],
           states: dict[str, dict[str, Any]], absorbed_links: dict[str, str], now: datetime) -> Counter[str]:
    cfg = rules.crm
    contacts: list[Contact] = []
    skipped: list[DuePerson] = []
    counts: Counter[str] = Counter(persons=len(due))
    for person in due:
        state = states.get(person.person_id)
        if state is None or (not state["link_destination"] and state["disposition"] not in cfg.handoff_dispositions):
            skipped.append(person)  # never delivered, and not to be handed off now: nothing to tell anyone
            continue
        contact = build_contact({**state, "seq": person.seq}, cfg)
        if destinations.has(contact.destination):
            contacts.append(contact)
        else:
            counts["waiting"] += 1  # left due: this deployment lacks its destination
    sendable = [c for c in contacts if not c.missing_key]
    absorbed = {d.person_id: d.absorbed for d in due if d.absorbed}
    result = send_chunk(sendable, absorbed, absorbed_links, destinations, cfg.batch_size, cfg.max_concurrency)
    for c in contacts:
        if c.missing_key:
            result.deliveries[c.person_id] = Delivery(c.person_id, Outcome.NO_EMAIL,
                                                      message="no email address and no CRM id")
    with engine.begin() as conn:
        dispositions.lock(conn)  # the order review actions take their locks in (they write outbox rows)
        counts.update(_record(conn, rules, due, states, contacts, skipped, result, now))
    return counts


def _record(conn: sa.Connection, rules: Ruleset, due: Sequence[DuePerson], states: dict[str, dict[str, Any]],
            contacts: Sequence[Contact], skipped: Sequence[DuePerson], result: ChunkResult,
            now: datetime) -> Counter[str]:
    cfg, by_person = rules.crm, {d.person_id: d for d in due}
    counts: Counter[str] = Counter(skipped=len(skipped), merged=result.merged, merge_refused=len(result.refused))
    crm_outbox.settle(conn, [(d.person_id, d.seq) for d in skipped], status="skipped", now=now)
    sent, retry, failed, exceptions, log, gone = [], [], [], [], [], []
    exhausted_at: dict[str, str] = {}  # destination -> the last error of a person whose budget ran out
    for contact in contacts:
        d = result.deliveries.get(contact.person_id)
        if d is None:  # every contact sent has an outcome; were one missing, its rows would simply stay due
            continue
        person = by_person[contact.person_id]
        lead = states[contact.person_id]["lead_id"]
        log.append({"person_id": contact.person_id, "destination": contact.destination, "seq": person.seq,
                    "crm_id": d.crm_id or contact.crm_id, "outcome": d.outcome.value, "http_status": d.http_status,
                    "message": d.message or None, "payload": contact.properties or contact.fields})
        counts[d.outcome.value] += 1
        if d.outcome in SENT:
            sent.append((contact.person_id, contact.destination, result.sent_contacts[contact.person_id].crm_id,
                         person.seq))
        elif d.outcome is Outcome.NOT_FOUND:
            gone.append(contact.person_id)  # the record is gone from the CRM: upserted by email next drain
        elif d.outcome is Outcome.RETRY and not exhausted(person.attempts + 1, cfg):
            retry.append((contact.person_id, person.seq, next_attempt(person.attempts + 1, now, cfg), d.message))
        else:
            code = EXCEPTION_CODES.get(d.outcome, FAILED_CODE)
            failed.append((contact.person_id, person.seq, f"{code}: {d.message}"))
            exceptions.append((lead, code, d.message, None))
            if code == FAILED_CODE:
                exhausted_at[contact.destination] = d.message
    for step, d in result.refused:
        exceptions.append((states[step.survivor]["lead_id"], MERGE_REFUSED_CODE,
                           f"merging CRM record {step.other} into {step.primary}: {d.message}", step.absorbed))
    counts["retried"] = len(retry)
    counts["failed"] = sum(1 for e in exceptions if e[1] == FAILED_CODE)
    crm_state.log_deliveries(conn, log, now=now)
    relinked = [(p, "crm", crm_id, 0) for p, crm_id in result.relinked.items()]
    crm_state.link(conn, [*relinked, *sent], now=now)
    crm_state.unlink(conn, [*result.unlinked, *gone])
    crm_outbox.settle(conn, [(s[0], s[3]) for s in sent], status="sent", now=now)
    crm_outbox.postpone(conn, retry)
    crm_outbox.settle(conn, [(f[0], f[1]) for f in failed], status="failed", now=now, error=[f[2] for f in failed])
    # what went through settles its open items first; what failed in this chunk opens (or refreshes) its own
    crm_exceptions.resolve_delivered(conn, [s[0] for s in sent], codes=RECORD_CODES, actor=ACTOR, now=now)
    crm_exceptions.resolve_delivered(conn, result.fully_merged, codes=[MERGE_REFUSED_CODE], actor=ACTOR, now=now)
    crm_exceptions.file(conn, exceptions, clock=ReviewClock.from_rules(rules), now=now)
    for destination in {s[1] for s in sent}:
        alerts.resolve_alert(conn, kind=FAILED_ALERT, subject=destination)
    for destination, error in exhausted_at.items():
        alerts.open_alert(conn, kind=FAILED_ALERT, subject=destination, severity="error",
                          message=f"CRM handoff to {destination} failed after {cfg.delivery_attempts} drains: {error}",
                          details={"destination": destination, "last_error": error})
    counts["sent"] = len(sent)
    return counts
