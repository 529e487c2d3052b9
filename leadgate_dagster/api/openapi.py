"""What the OpenAPI document says that FastAPI cannot infer: the intake endpoints read their body
themselves (to refuse it by size and type before parsing), so its schema is declared here, and every /v1/
endpoint names the credentials it takes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API key from `leadgate keys add`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "webhook": {"type": "apiKey", "in": "header", "name": "webhook-signature",
                "description": "Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers "
                               "with a secret from `leadgate webhooks add`; name the source with ?source=NAME"},
    "session": {"type": "apiKey", "in": "cookie", "name": "leadgate_session",
                "description": "the review console's session (sign in at /review); a POST also sends the session's "
                               "CSRF token as X-CSRF-Token"},
}
SECURED: dict[str, Any] = {"security": [{"bearer": []}, {"apiKey": []}, {"webhook": []}]}


def json_body(schema: dict[str, Any], description: str, *, max_items: int) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description, "content": {"application/json": {
        "schema": {"oneOf": [schema, {"type": "array", "items": schema, "minItems": 1, "maxItems": max_items}]}}}}}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            doc.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
