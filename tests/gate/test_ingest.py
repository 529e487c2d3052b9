"""Intake never loses a row and never takes one twice."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.ingest import import_registered_file, ingest_bytes

RULES = load_ruleset()
CSV = b"First Name,Last Name,Email,Phone,Lead ID\nAnn,Lee,ann@northwind.com,+1 212 288 8104,A1\nBo,Ek,bo@ek.se,,A2\n"


def _events(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT lead_id, source, record_no, replay_of, intake_codes, fields, payload "
            "FROM leadgate.intake_events ORDER BY event_id")).all()


def test_a_file_is_ingested_once_by_content(engine: sa.Engine) -> None:
    first = ingest_bytes(engine, CSV, filename="a.csv", source="webinar", rules=RULES)
    again = ingest_bytes(engine, CSV, filename="renamed.csv", source="webinar", rules=RULES)
    assert (first.status, first.records, first.inserted) == ("parsed", 2, 2)
    assert again.status == "duplicate"
    events = _events(engine)
    assert [e.record_no for e in events] == [1, 2]
    assert events[0].fields["email"] == "ann@northwind.com" and events[0].payload["First Name"] == "Ann"


def test_same_external_id_is_a_replay_at_any_time(engine: sa.Engine) -> None:
    ingest_bytes(engine, CSV, filename="a.csv", source="webinar", rules=RULES)
    changed = CSV.replace(b"bo@ek.se", b"bo@ek.com")  # different file, same partner ids
    ingest_bytes(engine, changed, filename="b.csv", source="webinar", rules=RULES)
    events = _events(engine)
    assert len(events) == 4
    assert events[2].replay_of == events[0].lead_id and events[3].replay_of == events[1].lead_id
    assert "INTAKE_REPLAY" in events[3].intake_codes
    # another source with the same ids is not a replay: ids are per source
    ingest_bytes(engine, CSV + b"\n", filename="c.csv", source="partner_x", rules=RULES)
    assert all(e.replay_of is None for e in _events(engine)[4:])


def test_same_content_is_a_replay_only_within_the_window(engine: sa.Engine) -> None:
    body = b"Email,Phone\nann@northwind.com,+1 212 288 8104\n"
    ingest_bytes(engine, body, filename="a.csv", source="form", rules=RULES)
    ingest_bytes(engine, body + b"\n\n", filename="b.csv", source="form", rules=RULES)
    with engine.begin() as conn:  # the next submission arrives a week after the first two
        conn.execute(sa.text("UPDATE leadgate.intake_events SET received_at = now() - interval '8 days'"))
    ingest_bytes(engine, body + b"\n", filename="c.csv", source="form", rules=RULES)
    first, retry, next_week = _events(engine)
    assert retry.replay_of == first.lead_id
    assert next_week.replay_of is None  # new intent, not a retry


def test_unreadable_file_is_rejected_with_its_reason(engine: sa.Engine) -> None:
    outcome = ingest_bytes(engine, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, filename="logo.png",
                           source="inbox", rules=RULES)
    assert outcome.status == "rejected" and outcome.error_code in {"FILE_UNSUPPORTED_FORMAT", "FILE_UNREADABLE"}
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT status, error_code FROM leadgate.intake_files")).one()
    assert row.status == "rejected" and row.error_code == outcome.error_code
    assert _events(engine) == []


def test_large_file_is_deferred_then_imported_in_resumable_chunks(engine: sa.Engine) -> None:
    body = "Email\n" + "".join(f"user{i}@example.org\n" for i in range(12))
    data = body.encode()
    outcome = ingest_bytes(engine, data, filename="big.csv", source="import", rules=RULES, defer_above=5)
    assert outcome.status == "deferred" and _events(engine) == []
    first = import_registered_file(engine, data, filename="big.csv", source="import", rules=RULES)
    rerun = import_registered_file(engine, data, filename="big.csv", source="import", rules=RULES)
    assert (first.records, first.inserted) == (12, 12)
    assert (rerun.records, rerun.inserted) == (12, 0)  # a resumed import adds nothing twice
    assert [e.record_no for e in _events(engine)] == list(range(1, 13))


def test_the_batch_sensor_leaves_fresh_file_events_to_the_inbox_sensor(engine: sa.Engine) -> None:
    from leadgate_dagster.gate.api_intake import accept_leads
    from leadgate_dagster.store.intake import claim_batches

    ingest_bytes(engine, CSV, filename="a.csv", source="webinar", rules=RULES)
    accept_leads(engine, [{"email": "c@northwind.com"}], idempotency_key=None, caller=open_door("api"), rules=RULES)
    [(_, n)] = claim_batches(engine, max_events=100, max_batches=2, lease_seconds=60, file_grace_seconds=60)
    assert n == 1  # only the API event: the file's two are the inbox sensor's to claim
    [(_, n)] = claim_batches(engine, max_events=100, max_batches=2, lease_seconds=60, file_grace_seconds=0)
    assert n == 2


def test_unmapped_columns_open_one_alert_per_source_and_column_set(engine: sa.Engine) -> None:
    body = b"Email,Opt In Status,Notes\nann@northwind.com,yes,x\n"
    first = ingest_bytes(engine, body, filename="a.csv", source="expo", rules=RULES)
    ingest_bytes(engine, body + b"bo@northwind.com,no,y\n", filename="b.csv", source="expo", rules=RULES)
    ingest_bytes(engine, body + b"\n", filename="c.csv", source="partner_x", rules=RULES)
    ingest_bytes(engine, CSV, filename="d.csv", source="expo", rules=RULES)  # every column mapped: no alert
    assert first.unmapped == ("Opt In Status", "Notes")
    with engine.connect() as conn:
        alerts = conn.execute(sa.text("SELECT subject, severity, details FROM leadgate.alerts "
                                      "WHERE kind = 'unmapped_columns' ORDER BY alert_id")).all()
    assert [a.subject for a in alerts] == ["expo: Opt In Status, Notes", "partner_x: Opt In Status, Notes"]
    assert alerts[0].details["columns"] == ["Opt In Status", "Notes"] and alerts[0].details["file"] == "a.csv"


def test_a_sources_header_map_applies_to_its_files_and_api_posts(engine: sa.Engine) -> None:
    from leadgate_dagster.core.ruleset import ruleset_from_body
    from leadgate_dagster.gate.api_intake import accept_leads

    body = load_ruleset().body
    body["intake"]["header_map"] = {"expo": {"Opt In Status": "consent_email"}}
    rules = ruleset_from_body(body)
    data = b"Email,Opt In Status\nann@northwind.com,yes\n"
    assert ingest_bytes(engine, data, filename="a.csv", source="expo", rules=rules).unmapped == ()
    ingest_bytes(engine, data + b"\n", filename="b.csv", source="other", rules=rules)
    accept_leads(engine, [{"email": "bo@northwind.com", "Opt In Status": "yes"}], idempotency_key=None,
                 caller=open_door("expo"), rules=rules)
    fields = [e.fields for e in _events(engine)]
    assert fields == [{"email": "ann@northwind.com", "consent_email": "yes"}, {"email": "ann@northwind.com"},
                      {"email": "bo@northwind.com", "consent_email": "yes"}]
