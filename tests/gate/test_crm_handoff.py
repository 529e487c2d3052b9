"""The CRM handoff end to end against a fake HubSpot-compatible CRM: routed persons become one record each,
a replay or duplicate updates that record, a hold or reject clears it for sales, merges merge in the CRM."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.fake_crm import FakeCrm
from tests.gate.crm_helpers import assert_reconciled, links, outbox, route, routed_row, rules_for_tests, sync
from tests.gate.review_helpers import HOPELESS


def test_routed_persons_become_one_record_each_and_a_second_drain_sends_nothing(engine: sa.Engine,
                                                                                tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    route(engine, rules, *(routed_row(i) for i in range(5)), HOPELESS)
    assert {r.cause for r in outbox(engine)} == {"pipeline"} and len(outbox(engine)) == 5  # the reject: no row
    crm = FakeCrm()
    with crm.serving() as url:
        report = sync(engine, rules, url)
        assert (report["sent"], report["created"], report["persons"]) == (5, 5, 5)
        assert_reconciled(engine, rules, crm)
        calls = len(crm.calls)
        assert sync(engine, rules, url)["persons"] == 0
        assert len(crm.calls) == calls


def test_no_crm_url_means_the_outbox_waits(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    route(engine, rules, routed_row(1))
    report = sync(engine, rules, None)
    assert (report["waiting"], report.get("sent", 0)) == (1, 0)
    assert [r.status for r in outbox(engine)] == ["pending"] and links(engine) == {}
