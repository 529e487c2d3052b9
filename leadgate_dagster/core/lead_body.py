"""The shape a posted lead must have, checked before anything is stored, so a misconfigured client is told
at once (422, naming each field) instead of seeing 202 and losing its leads to a rejection later.

A lead is a JSON object of scalars. A key named as a canonical field must have its type (text fields are
strings: a phone or postal code sent as a number has already lost its `+` or leading zeros); any other key
is a scalar, read as text and mapped like a file's column (`E-mail Address` is `email`). `LeadIn` is that
schema, published in the API's OpenAPI document, and nothing else is checked here: what the document
promises is what a client gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS, EMAIL_OPT_OUT

Scalar = str | int | float | bool | None
_FLAGS = ("consent_email", "consent_sms", "consent_voice", "demo_requested", EMAIL_OPT_OUT)
_COUNTS = ("employee_count",)


class _Lead(BaseModel):
    # a lead whose every value is null or "" (`{}` included) is refused: nothing in it could be judged
    model_config = ConfigDict(extra="allow", title="Lead", strict=True,
                              json_schema_extra={"not": {"additionalProperties": {"enum": [None, ""]}}})
    __pydantic_extra__: dict[str, Scalar] = Field(init=False)


def _field_type(name: str) -> Any:
    if name in _FLAGS:
        return bool | str | None
    if name in _COUNTS:
        return int | str | None
    return str | None


LeadIn: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "LeadIn", __base__=_Lead, __doc__="One lead: canonical fields (or any header spelling of them) and extra "
                                      "scalar fields carried along.",
    **{name: (_field_type(name), None) for name in (*CANONICAL_FIELDS, EMAIL_OPT_OUT)})


def shape_errors(body: Any, *, max_items: int) -> list[dict[str, Any]]:
    """What makes `body` something other than a lead object or a list of 1..max_items of them."""
    if isinstance(body, dict):
        return []
    if not isinstance(body, list):
        return [{"index": None, "field": None, "error": "BODY_NOT_LEADS",
                 "message": f"the body is a JSON {_json_type(body)}; send a lead object or a list of them"}]
    if not body:
        return [{"index": None, "field": None, "error": "BODY_EMPTY", "message": "the list holds no leads"}]
    if len(body) > max_items:
        return [{"index": None, "field": None, "error": "BODY_TOO_MANY_ITEMS",
                 "message": f"{len(body)} items; at most {max_items} per request (send several requests)"}]
    return [{"index": i, "field": None, "error": "ITEM_NOT_AN_OBJECT",
             "message": f"item {i} is a JSON {_json_type(item)}, not a lead object"}
            for i, item in enumerate(body) if not isinstance(item, dict)]


def lead_errors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every field of every lead whose type is not the published one, and every lead with no value at all."""
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not any(v not in (None, "") for v in item.values()):
            errors.append({"index": index, "field": None, "error": "LEAD_EMPTY",
                           "message": "the lead holds no values"})
            continue
        try:
            LeadIn.model_validate(item)
        except ValidationError as exc:
            errors += [_error(index, str(e["loc"][0]), _message(e)) for e in exc.errors() if e["loc"]]
    return _one_per_field(errors)


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] in ("string_type", "bool_type", "int_type", "float_type"):
        return f"must be {_expected(error['loc'])}, got a JSON {_json_type(error['input'])}"
    return str(error["msg"])


def _expected(loc: tuple[Any, ...]) -> str:
    name = str(loc[0])
    if name in _FLAGS:
        return "a boolean or a string"
    if name in _COUNTS:
        return "an integer or a string"
    if name in LeadIn.model_fields:
        return "a string"
    return "a string, number, boolean or null"


def _error(index: int, field: str, message: str) -> dict[str, Any]:
    return {"index": index, "field": field, "error": "FIELD_WRONG_TYPE", "message": f"{field}: {message}"}


def _one_per_field(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A union type fails once per member; the client needs one line per field."""
    seen: set[tuple[Any, Any]] = set()
    return [e for e in errors if not ((e["index"], e["field"]) in seen or seen.add((e["index"], e["field"])))]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array",
            dict: "object"}.get(type(value), type(value).__name__)
