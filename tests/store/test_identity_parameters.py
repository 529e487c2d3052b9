"""`leadgate identity estimate` / `activate` against a real Postgres: a candidate judges nothing until activated."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.identity import IdentitySettings
from leadgate_dagster.core.ruleset import ruleset_from_body
from leadgate_dagster.gate import identity as identity_gate
from leadgate_dagster.gate.identity_estimate import activate, estimate_from_graph
from leadgate_dagster.store import identity_parameters
from tests.store.test_identity_graph import RULES, batch

HEADER = "First Name,Last Name,Date of Birth,Street,City,Zip,Email\n"
ROWS = [f"{f},{la},19{70 + i % 20}-0{1 + i % 9}-1{i % 10},{i} Oak Street,Salem,97301,{f.lower()}{i}@mail.io\n"
        for i, (f, la) in enumerate([("Ann", "Lee"), ("Tom", "Kim"), ("Eva", "Park"), ("Li", "Wong"),
                                     ("Max", "Berg"), ("Ida", "Holm")] * 4)]


@pytest.fixture
def small_estimates() -> object:
    body = json.loads(json.dumps(RULES.body))
    body["identity"]["estimation"]["min_records"] = 10  # a test graph is small
    body["identity"]["estimation"]["min_pairs_per_field"] = 1
    return ruleset_from_body(body)


def test_a_candidate_judges_nothing_until_activated(engine: sa.Engine, small_estimates: object,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.store.test_identity_graph as graph

    monkeypatch.setattr(graph, "HEADER", HEADER)
    identity_gate.identity_stage(engine, batch(engine, *ROWS), small_estimates)  # type: ignore[arg-type]
    settings = IdentitySettings.from_ruleset(small_estimates)  # type: ignore[arg-type]
    version, found, blocking = estimate_from_graph(engine, small_estimates, sample=1000,  # type: ignore[arg-type]
                                                   author="test")
    assert version.startswith("v2+em.") and found.report["records"] == len(ROWS) and blocking
    again, _, _ = estimate_from_graph(engine, small_estimates, sample=1000, author="test")  # type: ignore[arg-type]
    assert again == version  # the same graph and seed give the same parameters
    with engine.connect() as conn:
        assert identity_parameters.active(conn) is None
        assert identity_gate._judging_model(conn, settings).version == "v2"
        assert identity_parameters.listing(conn)["version"].tolist() == [version]
    assert not activate(engine, "v2+em.nope", author="test", reason="typo")
    assert activate(engine, version, author="reviewer:ops", reason="quarterly re-estimate")
    with engine.connect() as conn:
        assert identity_gate._judging_model(conn, settings).version == version
        row = identity_parameters.listing(conn).iloc[0]
    assert (row.is_active, row.activated_by, row.reason) == (True, "reviewer:ops", "quarterly re-estimate")
