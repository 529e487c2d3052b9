"""The ruleset parsed once into frozen typed sections: shipped defaults fill what a ruleset leaves out, an
unknown key or a wrong type is refused naming the key (and its line in a file), the shipped hash is stable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pydantic
import pytest

from leadgate_dagster.core.ruleset import (
    RulesetError,
    canonical_hash,
    load_ruleset,
    parse_ruleset,
    ruleset_from_body,
)

# The shipped ruleset's identity. Parsing into typed sections left the hash as it was (0302ddd0... for
# 2026.11.1); a deliberate change to the shipped defaults changes both: bump `version` and record them here.
SHIPPED = ("2026.12.6", "2899c2ddad72ba5a4eeb40fbef198926ac37899b43820064bc6f54af3a243b9b")


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "override.yaml"
    path.write_text(text)
    return path


def test_the_shipped_hash_changes_only_with_its_version() -> None:
    shipped = load_ruleset()
    assert (shipped.version, shipped.content_hash) == SHIPPED
    assert ruleset_from_body(shipped.body).content_hash == shipped.content_hash


def test_a_ruleset_written_before_a_key_existed_takes_the_shipped_value() -> None:
    shipped = load_ruleset()
    older = load_ruleset().body
    del older["intake"]["import_chunk_rows"]
    del older["validation"]["dns"]["negative_ttl_hours"]
    del older["enrichment"]["providers"]["geocoding"]["miss_ttl_hours"]
    del older["identity_graph"]
    rules = ruleset_from_body(older)
    assert rules.intake.import_chunk_rows == shipped.intake.import_chunk_rows == 5000
    assert rules.validation.dns.negative_ttl_hours == shipped.validation.dns.negative_ttl_hours
    assert rules.enrichment.providers["geocoding"] == shipped.enrichment.providers["geocoding"]
    assert rules.identity_graph == shipped.identity_graph
    assert rules.content_hash == canonical_hash(older) != shipped.content_hash  # the stored body's own hash


def test_an_override_file_names_only_what_it_changes(tmp_path: Path) -> None:
    rules = load_ruleset(_file(tmp_path, "version: o-2\nscoring:\n  engagement:\n    half_life_days: 7\n"))
    shipped = load_ruleset()
    assert rules.scoring.engagement.half_life_days == 7.0
    assert rules.scoring.engagement.event_weights == shipped.scoring.engagement.event_weights
    assert rules.validation == shipped.validation


def test_an_unknown_key_is_refused_with_its_path_and_line(tmp_path: Path) -> None:
    text = "version: o-3\nscoring:\n  engagement:\n    half_life_dayz: 7\n"
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_file(tmp_path, text))
    assert [str(p) for p in caught.value.problems] == [
        "scoring.engagement.half_life_dayz (line 4): unknown key"]
    with pytest.raises(RulesetError, match=r"^batching\.lease_second \(line 4\): unknown key$"):
        parse_ruleset("version: p-1\nbatching:\n  max_events_per_batch: 10\n  lease_second: 5\n")


def test_a_wrong_type_is_refused_naming_the_key(tmp_path: Path) -> None:
    text = "version: o-4\nintake:\n  replay_window_hours: 24\n  import_chunk_rows: lots\n"
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_file(tmp_path, text))
    assert str(caught.value).startswith("intake.import_chunk_rows (line 4): Input should be a valid integer")
    body = load_ruleset().body
    body["scoring"]["engagement"]["half_life_days"] = "two weeks"
    with pytest.raises(RulesetError, match=r"^scoring\.engagement\.half_life_days: Input should be a valid nu"):
        ruleset_from_body(body)  # a stored body has no lines


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = ("version: o-5\nvalidation:\n  dns:\n    mode: sometimes\nenrichment:\n  providers:\n"
            "    crystal_ball: {mode: http}\nqa: {}\n")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_file(tmp_path, text))
    problems = {".".join(p.path): p.line for p in caught.value.problems}
    assert problems == {"validation.dns.mode": 4, "enrichment.providers.crystal_ball": 7, "qa": 8}


def test_sections_are_frozen() -> None:
    rules = load_ruleset()
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        rules.intake.replay_window_hours = 1  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        rules.enrichment.providers["geocoding"].mode = "http"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.intake = rules.intake  # type: ignore[misc]
