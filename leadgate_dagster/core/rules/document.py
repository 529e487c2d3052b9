"""A whole ruleset document: `version` and every section, validated at once.

Problems come back all together, each naming its dotted key path (and its line when the ruleset came from a
YAML file), so `leadgate rules check` can list them and a stored ruleset that no longer parses says exactly
which keys broke.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, NamedTuple

from pydantic import ConfigDict, Field, ValidationError, field_validator

from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.rules.api import ApiRules
from leadgate_dagster.core.rules.consent import ConsentRules
from leadgate_dagster.core.rules.crm import CrmRules
from leadgate_dagster.core.rules.disposition import DispositionRules
from leadgate_dagster.core.rules.eligibility import EligibilityRules
from leadgate_dagster.core.rules.enrichment import EnrichmentRules
from leadgate_dagster.core.rules.identity import IdentityGraphRules, IdentityRules
from leadgate_dagster.core.rules.key_lines import KeyPath, line_of
from leadgate_dagster.core.rules.operations import AlertRules, BatchingRules, IntakeRules
from leadgate_dagster.core.rules.review import ReviewRules
from leadgate_dagster.core.rules.routing import RoutingRules
from leadgate_dagster.core.rules.scoring import ScoringRules
from leadgate_dagster.core.rules.section import Section
from leadgate_dagster.core.rules.validation import ValidationRules


class RulesetDocument(Section):
    model_config = ConfigDict(coerce_numbers_to_str=True)  # `version: 2026.1` is the string "2026.1"

    version: Annotated[str, Field(min_length=1)]
    intake: IntakeRules
    api: ApiRules
    batching: BatchingRules
    alerts: AlertRules
    severity_overrides: dict[str, Severity]
    consent: ConsentRules
    eligibility: EligibilityRules
    scoring: ScoringRules
    disposition: DispositionRules
    validation: ValidationRules
    identity: IdentityRules
    identity_graph: IdentityGraphRules
    enrichment: EnrichmentRules
    review: ReviewRules
    crm: CrmRules
    routing: RoutingRules

    @field_validator("severity_overrides")
    @classmethod
    def _known_codes(cls, overrides: dict[str, Severity]) -> dict[str, Severity]:
        unknown = sorted(set(overrides) - set(CATALOGUE))
        if unknown:
            raise ValueError(f"unknown reason codes {unknown}")
        return overrides


SECTIONS = tuple(name for name in RulesetDocument.model_fields if name != "version")


class Problem(NamedTuple):
    path: KeyPath
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = ".".join(self.path) or "(the document)"
        return f"{where}{f' (line {self.line})' if self.line else ''}: {self.message}"


class RulesetError(ValueError):
    """A ruleset that does not parse; `problems` holds every problem found, one per key, and `subject` says
    which ruleset when that is not obvious (the stored active one)."""

    def __init__(self, problems: Iterable[Problem], subject: str = "") -> None:
        self.problems = tuple(problems)
        self.subject = subject
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([f"{subject} does not parse:", *lines] if subject else lines))

    def located(self, lines: dict[KeyPath, int]) -> RulesetError:
        """The same problems, in line order, each with its key's line in the YAML file `lines` came from."""
        located = [p._replace(line=line_of(p.path, lines)) for p in self.problems]
        return RulesetError(sorted(located, key=lambda p: p.line or 0), self.subject)


def problems_of(errors: list[Any]) -> list[Problem]:
    """One problem per pydantic error; a key outside a closed set of names (a provider kind) is one problem,
    not one more per setting its block lacks."""
    bad_keys = {tuple(str(p) for p in e["loc"][:-1]) for e in errors if e["loc"][-1:] == ("[key]",)}
    problems = []
    for e in errors:
        path = tuple(str(part) for part in e["loc"] if part != "[key]")
        if e["loc"][-1:] == ("[key]",):
            expected = str(e["msg"]).replace("Input should be", "expected")
            message = f"unknown key ({expected})"
        elif any(path[:len(bad)] == bad for bad in bad_keys):
            continue
        else:
            message = "unknown key" if e["type"] == "extra_forbidden" else str(e["msg"])
        problems.append(Problem(path, message.removeprefix("Value error, ")))
    return problems


def parse_document(body: dict[str, Any]) -> RulesetDocument:
    """Validate a complete ruleset body (defaults already merged in); raises RulesetError."""
    try:
        return RulesetDocument.model_validate(body)
    except ValidationError as exc:
        raise RulesetError(problems_of(exc.errors())) from None
