"""The lead-source APIs leadgate polls, as configured in a YAML file (`lead_sources.yaml`).

The file is read when the Definitions load, because each source becomes a sensor and a resource of its own
(the ruleset lives in the database and cannot shape the code location). Each entry says where the API is,
how it pages (a next-page cursor in the answer, or a `since` parameter over items sorted by a field), where
the items and their ids are, and which environment variable holds the token: never the token itself.
Entries are closed like ruleset sections: a misspelt key is an error naming the key and its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from leadgate_dagster.core.rules.document import Problem, problems_of
from leadgate_dagster.core.rules.key_lines import key_lines, line_of

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"  # it names a sensor and a resource key: Dagster allows [A-Za-z0-9_]
ENV_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CursorPaging(_Closed):
    """The answer carries the next page's cursor at `next_path`; the request sends it as `param`. No next
    cursor means the end for now: the last cursor is kept and its page asked again on the next tick, which
    is how items appended since then are found (the page's known items come back as repeats)."""

    style: Literal["cursor"]
    param: str = "cursor"
    next_path: str


class SincePaging(_Closed):
    """The request sends the last seen value of `field` as `param`; the API answers the items from that
    value on, sorted by it. An inclusive API repeats the boundary item, which is stored once."""

    style: Literal["since"]
    param: str = "since"
    field: str
    start: str | None = None  # the first value asked for; None: the API's beginning


class Auth(_Closed):
    """How the token is sent: `Authorization: Bearer <token>`, a header of its own, or a query parameter."""

    style: Literal["bearer", "header", "query"] = "bearer"
    name: str | None = None  # the header or query parameter (header and query styles)

    @model_validator(mode="after")
    def _named(self) -> Auth:
        if self.style == "bearer" and self.name not in (None, "Authorization"):
            raise ValueError("the bearer style always sends the Authorization header; use style: header")
        if self.style != "bearer" and not self.name:
            raise ValueError(f"the {self.style} style needs the name of its {self.style} (name: ...)")
        return self


class LeadSourceSpec(_Closed):
    """One lead-source API. `name` becomes the leads' `source` and names its sensor and resource."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    url: str
    pagination: Annotated[CursorPaging | SincePaging, Field(discriminator="style")]
    items_path: str = "data"  # dotted path to the list of items in the answer; "" when the answer is the list
    id_field: str = "id"  # dotted path to the source's own lead id in an item: the idempotency key
    page_size: Annotated[int, Field(ge=1, le=10_000)] = 100
    page_size_param: str | None = "limit"  # None: the API's own page size, which `page_size` must state
    params: dict[str, str] = Field(default_factory=dict)  # fixed query parameters (a form id, fields=...)
    token_env: Annotated[str, Field(pattern=ENV_PATTERN)] | None = None
    auth: Auth = Auth()
    min_interval_s: Annotated[int, Field(ge=5)] = 60
    max_pages_per_tick: Annotated[int, Field(ge=1, le=1000)] = 10
    timeout_s: Annotated[float, Field(gt=0, le=20)] = 10.0  # a tick must end well inside Dagster's 60 s
    retry_attempts: Annotated[int, Field(ge=1, le=10)] = 4  # exchanges per page within a tick
    retry_backoff_s: Annotated[float, Field(ge=0, le=10)] = 0.5  # first in-tick backoff, doubling
    backoff_max_s: Annotated[float, Field(ge=0)] = 900.0  # longest pause between ticks after failures
    alert_after_failures: Annotated[int, Field(ge=1)] = 3

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"expected an http(s) URL, got {url!r}")
        return url

    @model_validator(mode="after")
    def _token_for_auth(self) -> LeadSourceSpec:
        if "auth" in self.model_fields_set and not self.token_env:
            raise ValueError("auth is set but token_env is not: name the environment variable holding the token")
        return self


class LeadSourcesFile(_Closed):
    sources: list[LeadSourceSpec] = Field(default_factory=list)

    @field_validator("sources")
    @classmethod
    def _unique(cls, sources: list[LeadSourceSpec]) -> list[LeadSourceSpec]:
        names = [s.name for s in sources]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"source names must be unique; given more than once: {', '.join(twice)}")
        return sources


class LeadSourcesError(ValueError):
    """A lead-sources file that does not parse; the message lists every problem with its key and line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join([f"{path} does not parse:", *(str(p) for p in self.problems)]))


def _without_tags(problem: Problem) -> Problem:
    """`sources.0.pagination.cursor.next_path` -> `sources.0.pagination.next_path`: pydantic names the
    union member it tried, which is not a key of the file."""
    path = problem.path
    cut = [i for i in range(1, len(path)) if path[i - 1] == "pagination" and path[i] in ("cursor", "since")]
    return problem._replace(path=path[:cut[0]] + path[cut[0] + 1:]) if cut else problem


def load_lead_sources(path: Path | None) -> tuple[LeadSourceSpec, ...]:
    """The sources configured in `path` (None or an empty file: none).

    Raises:
        LeadSourcesError: the file is missing, is not YAML, or names a bad key or value (all listed).
    """
    if path is None:
        return ()
    try:
        text = path.read_text("utf-8")
        body = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise LeadSourcesError(path, [Problem((), str(exc).replace("\n", " "))]) from None
    if body is None:
        return ()
    try:
        return tuple(LeadSourcesFile.model_validate(body).sources)
    except ValidationError as exc:
        lines = key_lines(text)
        problems = [_without_tags(p) for p in problems_of(exc.errors())]
        raise LeadSourcesError(path, [p._replace(line=line_of(p.path, lines)) for p in problems]) from None
