"""The identity graph against a real Postgres: incremental matching, idempotence, the advisory lock under two
concurrent batches, order independence, reversible merges, splits, golden records and the graph's invariants."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset, ruleset_from_body
from leadgate_dagster.gate import identity_admin
from leadgate_dagster.gate.golden import refresh_golden, survive
from leadgate_dagster.gate.identity import identity_stage
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.stages import raw_stage
from leadgate_dagster.store import golden, identity_checks
from leadgate_dagster.store.intake import claim_batches
from leadgate_dagster.store.tables import metadata

RULES = load_ruleset()
HEADER = "First Name,Last Name,Email,Phone,Company,Country\n"
ANN = "Ann,Lee,ann.lee@northwind.com,,Northwind,US\n"
ANN_CAPS = "Ann,Lee,ANN.LEE@Northwind.com,+1 415 555 2671,Northwind,US\n"
ANN_PHONE = "Ann,Lee,,+1 415 555 2671,Northwind,US\n"
ANN_BOTH = "Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,US\n"
BOB_ON_ANNS = "Bob,Lee,ann.lee@northwind.com,,Northwind,US\n"
PEOPLE = [ANN, ANN_CAPS, "Bill,Smith,bill.smith@acme.com,,Acme,US\n", "William,Smith,,+1 212 555 0199,Acme,US\n",
          "William,Smith,william.smith@acme.com,+1 212 555 0199,Acme,US\n", "Jon,Doe,jon@doe.org,,,US\n",
          "Kim,Park,kim.park@initech.com,+1 646 555 0142,Initech,US\n", "Kim,Park,kpark@gmail.com,+1 646 555 0142,,US\n"]


def batch(engine: sa.Engine, *rows: str, source: str = "webinar") -> str:
    """Ingest rows as one file and claim them as one batch through the raw stage."""
    data = (HEADER + "".join(rows)).encode()
    ingest_bytes(engine, data, filename=f"{uuid.uuid4().hex}.csv", source=source, rules=RULES)
    [(batch_id, _)] = claim_batches(engine, max_events=1000, max_batches=1, lease_seconds=60)
    raw_stage(engine, batch_id, RULES)
    return batch_id


def run(engine: sa.Engine, *rows: str, source: str = "webinar", rules: Ruleset = RULES) -> tuple[str, dict[str, object]]:
    batch_id = batch(engine, *rows, source=source)
    return batch_id, identity_stage(engine, batch_id, rules)


def links(engine: sa.Engine, batch_id: str) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.text("""
            SELECT lp.*, l.record_no FROM leadgate.lead_person lp JOIN leadgate.leads l USING (lead_id)
            WHERE l.batch_id = :b ORDER BY l.record_no"""), {"b": batch_id}).all()


def snapshot(engine: sa.Engine, *tables: str) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM leadgate.{t}")).all()), key=str)
                for t in tables}


def codes(engine: sa.Engine, lead_id: str) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text(
            "SELECT code FROM leadgate.lead_checks WHERE lead_id = :l AND stage = 'identity'"), {"l": lead_id})}


GRAPH = ("persons", "lead_person", "identity_keys", "identity_key_names", "lead_keys", "merge_log", "review_items",
         "golden_records")


def test_a_batch_joins_the_existing_person_and_rerunning_changes_nothing(engine: sa.Engine) -> None:
    _, first = run(engine, ANN)
    assert first["new_persons"] == 1
    b2, report = run(engine, ANN_CAPS)
    [old], [new] = links(engine, _first_batch(engine)), links(engine, b2)
    assert new.person_id == old.person_id and new.duplicate_of == old.lead_id and new.tier == "A"
    assert "DUP_TIER_A" in codes(engine, new.lead_id) and report["tier_a_matches"] == 1
    before = snapshot(engine, *GRAPH, "lead_checks")
    again = identity_stage(engine, b2, RULES)
    assert again["linked"] == 0 and again["already_linked"] == 1
    assert snapshot(engine, *GRAPH, "lead_checks") == before


def _first_batch(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT batch_id FROM leadgate.leads ORDER BY received_at LIMIT 1")).scalar_one()


def test_conflicting_names_on_one_email_alone_are_two_persons_and_no_review(engine: sa.Engine) -> None:
    b1, _ = run(engine, ANN)
    b2, report = run(engine, BOB_ON_ANNS)
    [ann], [bob] = links(engine, b1), links(engine, b2)
    assert bob.person_id != ann.person_id and bob.decision == "new" and report["review_items"] == 0


def test_conflicting_names_on_one_email_go_to_review_and_keep_their_own_person(engine: sa.Engine) -> None:
    body = json.loads(json.dumps(RULES.body))
    body["identity"]["review_floor"] = 0.0  # review whatever the evidence beyond the email says
    b1, _ = run(engine, ANN)
    b2, report = run(engine, BOB_ON_ANNS, rules=ruleset_from_body(body))
    [ann], [bob] = links(engine, b1), links(engine, b2)
    assert bob.person_id != ann.person_id and bob.decision == "review" and report["review_items"] == 1
    assert "DUP_NAME_CONFLICT" in codes(engine, bob.lead_id)
    with engine.connect() as conn:
        item = conn.execute(sa.text("SELECT * FROM leadgate.review_items")).one()
    assert (item.lead_id, item.candidate_person_id, item.tier, item.status) == (bob.lead_id, ann.person_id, "A", "open")


def test_a_lead_proving_two_persons_one_merges_them_and_unmerge_restores_them(engine: sa.Engine) -> None:
    b1, _ = run(engine, ANN)
    b2, _ = run(engine, ANN_PHONE)  # same name and company, but no shared key: review at most, two persons
    [p1], [p2] = links(engine, b1), links(engine, b2)
    assert p1.person_id != p2.person_id
    before = snapshot(engine, "persons", "lead_person")
    b3, report = run(engine, ANN_BOTH)
    assert report["person_merges"] == 1
    with engine.connect() as conn:
        log = conn.execute(sa.text("SELECT * FROM leadgate.merge_log")).one()
        survivor_of_p2 = conn.execute(sa.text("SELECT person_id FROM leadgate.lead_person WHERE lead_id = :l"),
                                      {"l": p2.lead_id}).scalar_one()
    assert (log.survivor, log.absorbed, log.tier) == (p1.person_id, p2.person_id, "A")
    assert log.actor.startswith(f"rule:{RULES.version}/") and log.evidence["edges"][0]["contributions_bits"]
    assert survivor_of_p2 == p1.person_id
    with engine.connect() as conn:
        assert not any(identity_checks.integrity(conn, b3).values())
    identity_admin.unmerge(engine, log.merge_id, actor="reviewer:test")
    after = snapshot(engine, "persons", "lead_person")
    [b3_link] = links(engine, b3)
    after["lead_person"] = [r for r in after["lead_person"] if r[0] != b3_link.lead_id]
    assert after == before
    with pytest.raises(ValueError, match="already undone"):
        identity_admin.unmerge(engine, log.merge_id, actor="reviewer:test")


def test_manual_merge_and_unmerge_are_exact_and_split_moves_leads(engine: sa.Engine) -> None:
    b1, _ = run(engine, ANN, "Jon,Doe,jon@doe.org,,,US\n")
    ann, jon = links(engine, b1)
    before = snapshot(engine, "persons", "lead_person")
    merge_id = identity_admin.merge(engine, ann.person_id, jon.person_id, actor="reviewer:kim")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(DISTINCT person_id) FROM leadgate.lead_person")).scalar_one() == 1
        assert not any(identity_checks.integrity(conn, b1).values())
    identity_admin.unmerge(engine, merge_id, actor="reviewer:kim")
    assert snapshot(engine, "persons", "lead_person") == before
    identity_admin.merge(engine, ann.person_id, jon.person_id, actor="reviewer:kim")
    new = identity_admin.split(engine, ann.person_id, [jon.lead_id], actor="reviewer:kim")
    with engine.connect() as conn:
        moved = conn.execute(sa.text("SELECT person_id FROM leadgate.lead_person WHERE lead_id = :l"),
                             {"l": jon.lead_id}).scalar_one()
        actions = [r[0] for r in conn.execute(sa.text("SELECT action FROM leadgate.merge_log ORDER BY merge_id"))]
    assert moved == new != ann.person_id and actions == ["merge", "merge", "split"]
    with pytest.raises(ValueError):
        identity_admin.split(engine, ann.person_id, [ann.lead_id], actor="reviewer:kim")  # all of its leads


def test_two_concurrent_batches_holding_one_person_create_it_once(engine: sa.Engine) -> None:
    batches = [batch(engine, ANN), batch(engine, ANN_CAPS)]
    barrier, errors = threading.Barrier(2), []

    def work(batch_id: str) -> None:
        try:
            barrier.wait()
            identity_stage(engine, batch_id, RULES)  # each thread: its own connection and transaction
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.persons")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(DISTINCT person_id) FROM leadgate.lead_person")).scalar_one() == 1


def _partition(engine: sa.Engine) -> set[frozenset[tuple[str, int]]]:
    """Persons as sets of (row content, occurrence): comparable across runs whatever the lead ids."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT lp.person_id, l.first_name, l.last_name, l.email, l.phone FROM leadgate.lead_person lp
            JOIN leadgate.leads l USING (lead_id)""")).all()
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r.person_id, set()).add("|".join(str(v) for v in r[1:]))
    return {frozenset(g) for g in groups.values()}


def _truncate(engine: sa.Engine) -> None:
    names = ", ".join(f'leadgate."{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))


def test_the_same_leads_in_either_order_give_the_same_persons(engine: sa.Engine) -> None:
    first, second = PEOPLE[::2], PEOPLE[1::2]
    run(engine, *first)
    run(engine, *second)
    forward = _partition(engine)
    _truncate(engine)
    run(engine, *second)
    run(engine, *first)
    assert _partition(engine) == forward
    assert len(forward) < len(PEOPLE)  # some leads did merge


def test_golden_record_prefers_trust_then_verified_then_recency_and_keeps_curated_fields(engine: sa.Engine) -> None:
    now = pd.Timestamp("2026-01-02", tz="UTC")
    leads = pd.DataFrame({
        "person_id": ["p"] * 3, "lead_id": ["l1", "l2", "l3"], "source": ["webinar", "webinar", "crm"],
        "received_at": [now, now + pd.Timedelta("1h"), now - pd.Timedelta("1d")],
        "email_normalized": ["a@x.com", "b@x.com", None], "email_status": ["valid", "unknown", None],
        "first_name": ["Ann", "Annie", "Anne"], "last_name": ["Lee"] * 3})
    rows = survive(leads, trust={"crm": 3}, curated={("p", "last_name")}).set_index("field")
    assert rows.loc["email", "value"] == "a@x.com"  # valid beats the more recent unknown
    assert rows.loc["first_name", "value"] == "Anne" and rows.loc["first_name", "source"] == "crm"
    assert "last_name" not in rows.index
    b1, _ = run(engine, ANN)
    [ann] = links(engine, b1)
    with engine.begin() as conn:
        golden.curate(conn, ann.person_id, "first_name", "Annabel", actor="reviewer:kim")
        refresh_golden(conn, [ann.person_id], RULES)
        values = dict(conn.execute(sa.text("SELECT field, value FROM leadgate.golden_records WHERE person_id = :p"),
                                   {"p": ann.person_id}).all())
    assert values["first_name"] == "Annabel" and values["last_name"] == "Lee"


def test_integrity_finds_a_merge_without_its_log_row_and_a_cycle(engine: sa.Engine) -> None:
    b1, _ = run(engine, ANN, "Jon,Doe,jon@doe.org,,,US\n")
    ann, jon = links(engine, b1)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.persons SET merged_into = :a WHERE person_id = :j"),
                     {"a": ann.person_id, "j": jon.person_id})
        conn.execute(sa.text("UPDATE leadgate.persons SET merged_into = :j WHERE person_id = :a"),
                     {"a": ann.person_id, "j": jon.person_id})
        broken = identity_checks.integrity(conn, b1)
    assert set(broken["merged_without_log"]) == {ann.person_id, jon.person_id}
    assert set(broken["cycles"]) == {ann.person_id, jon.person_id}
    assert len(broken["links_to_merged"]) == 2 and broken["leads_without_person"] == []


def test_cli_unmerge_undoes_a_merge(engine: sa.Engine, pg_url: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from leadgate_dagster.cli import main

    b1, _ = run(engine, ANN, "Jon,Doe,jon@doe.org,,,US\n")
    ann, jon = links(engine, b1)
    merge_id = identity_admin.merge(engine, ann.person_id, jon.person_id, actor="reviewer:kim")
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.setenv("LEADGATE_HOME", str(tmp_path))
    assert main(["identity", "unmerge", str(merge_id)]) == 0
    assert "undone" in capsys.readouterr().out
    assert len({r.person_id for r in links(engine, b1)}) == 2


def test_a_busy_postal_code_proposes_its_most_similar_same_sounding_names(engine: sa.Engine) -> None:
    """Leads without a company are found through their postal code and surname's sound; a postal code holding
    many such names proposes its `window` most similar ones (the right person among them), not all."""
    header = "First Name,Last Name,Postal Code,Country\n"
    crowd = "".join(f"{first},Jordan,77002,US\n" for first in
                    ["Mark", "Lucy", "Omar", "Priya", "Tom", "Ines", "Raj", "Zoe", "Hugo", "Mei", "Ada", "Leo",
                     "Nia", "Sam", "Eva", "Max", "Ivy", "Kai", "Uma", "Ben"])
    ingest_bytes(engine, (header + crowd + "Kathryn,Jordan,77002,US\n").encode(), filename="crowd.csv",
                 source="expo", rules=RULES)
    [(first_batch, _)] = claim_batches(engine, max_events=1000, max_batches=1, lease_seconds=60)
    raw_stage(engine, first_batch, RULES)
    identity_stage(engine, first_batch, RULES)
    from leadgate_dagster.core.identity import IdentitySettings
    from leadgate_dagster.core.identity.keys import build_keys
    from leadgate_dagster.store import identity

    settings = IdentitySettings.from_ruleset(RULES)
    probe = build_keys(pd.DataFrame({"first_name": ["Katherine"], "last_name": ["Jordon"], "postal_code": ["77002"],
                                     "country": ["US"]}, index=["probe"]), settings)
    with engine.connect() as conn:
        found = identity.candidate_leads(conn, probe, pd.DataFrame(columns=["key_type", "key"]),
                                         settings.block_window)
        names = dict(conn.execute(sa.text("SELECT lead_id, first_name FROM leadgate.leads")).all())
    assert len(found) == settings.block_window < 21
    assert "Kathryn" in {names[c] for c in found}
