"""A HubSpot-compatible contacts API (`LEADGATE_CRM_URL`, bearer `LEADGATE_CRM_TOKEN`), over the providers'
HTTP client: the ruleset's rate limit as a token bucket, 429 after Retry-After, 5xx and timeouts retried with
backoff and jitter, a circuit breaker; another 4xx is an answer about the records (a schema conflict), never
retried, except those about the deployment (a refused token, a wrong URL), which the outbox retries and, once
its budget is spent, alerts on.

Calls, at most `crm.batch_size` (<= 100) records each:

| call | endpoint | for |
|---|---|---|
| `upsert` | `POST /crm/v3/objects/contacts/batch/upsert`, `idProperty` email | persons without a CRM id yet |
| `update` | `POST /crm/v3/objects/contacts/batch/update` | persons whose CRM id is known |
| `merge` | `POST /crm/v3/objects/contacts/merge` | two records of persons the gate merged |
| `upsert_tasks` | `POST /crm/v3/objects/tasks/batch/upsert`, `idProperty` leadgate_task_key, associated to the contact | tasks and meeting links from routing |

An answer is read record by record: 200 or 207 (multi-status) carries `results` and `errors`; each input gets
exactly one outcome, and an input the answer does not account for is retried rather than assumed done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from leadgate_dagster.core.crm_delivery import Delivery, Outcome
from leadgate_dagster.core.crm_payload import Contact, Task
from leadgate_dagster.core.rules.crm import CrmRules
from leadgate_dagster.providers.http_client import (
    HttpSettings,
    ProviderError,
    ProviderHttpClient,
    ProviderStatusError,
)

CONTACTS = "/crm/v3/objects/contacts"
TASKS = "/crm/v3/objects/tasks/batch/upsert"
TASK_KEY = "leadgate_task_key"
TASK_TO_CONTACT = 204  # HubSpot's association type id: task -> contact
# per-record error categories that a later attempt can get past
RETRYABLE = frozenset({"RATE_LIMITS", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "LOCKED"})
NOT_FOUND = frozenset({"OBJECT_NOT_FOUND", "NOT_FOUND"})
# 4xx answers about the deployment (rate, token, URL), not about the records sent
DEPLOYMENT = frozenset({401, 403, 404, 405, 407, 429})


def http_settings(url: str, token: str, rules: CrmRules) -> HttpSettings:
    """The HTTP client's settings for a destination, from the ruleset's `crm` section."""
    rate, burst = rules.client_rate()
    return HttpSettings(base_url=url.rstrip("/"), timeout_s=rules.timeout_s, connect_timeout_s=rules.connect_timeout_s,
                        attempts=rules.attempts, backoff_initial_s=rules.backoff_initial_s,
                        backoff_max_s=rules.backoff_max_s, retry_after_cap_s=rules.retry_after_cap_s,
                        rate_per_s=rate, burst=burst, max_connections=rules.max_concurrency, api_key=token)


def crm_message(detail: str) -> str:
    """The CRM's own sentence from an error body (HubSpot: {"message": ...}), else the body as sent."""
    try:
        body = json.loads(detail)
    except ValueError:
        return detail.strip()
    return str(body.get("message") or detail).strip() if isinstance(body, dict) else detail.strip()


def failed_all(keyed: dict[str, str], exc: ProviderError) -> list[Delivery]:
    """Every input (key -> person) of a call that failed as a whole: a 4xx is a schema conflict, unless it is
    about the deployment rather than the records (429, a refused token, a wrong URL: retried, and an alert once
    the retry budget is spent); anything else (5xx after the retries, a timeout, an open breaker) is retried."""
    if isinstance(exc, ProviderStatusError) and exc.status < 500 and exc.status not in DEPLOYMENT:
        outcome, message = Outcome.SCHEMA_MISMATCH, crm_message(exc.detail) or str(exc)
    else:
        outcome, message = Outcome.RETRY, f"{exc.kind}: {exc}"
    status = exc.status if isinstance(exc, ProviderStatusError) else None
    return [Delivery(person, outcome, http_status=status, message=message) for person in keyed.values()]


@dataclass(frozen=True, slots=True)
class BatchAnswer:
    status: int  # 200, or 207 when some records failed
    results: list[dict[str, Any]]
    errors: list[dict[str, Any]]


class CrmClient:
    """One CRM destination; create it per drain and close it (or use it as a context manager)."""

    def __init__(self, url: str, token: str, rules: CrmRules, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.email_property = rules.properties["email"]
        self.http = ProviderHttpClient(http_settings(url, token, rules), transport=transport, sleep=sleep)

    def __enter__(self) -> CrmClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def upsert(self, contacts: Sequence[Contact]) -> list[Delivery]:
        """Create or update records by email; each contact has an email, and no two share one."""
        keyed = {str(c.email): c.person_id for c in contacts}
        inputs = [{"idProperty": self.email_property, "id": c.email, "properties": c.properties} for c in contacts]
        answer = self._post(f"{CONTACTS}/batch/upsert", inputs, keyed)
        if not isinstance(answer, BatchAnswer):
            return answer
        found: dict[str, Delivery] = {}
        for result in answer.results:
            email = str((result.get("properties") or {}).get(self.email_property) or "").lower()
            if email in keyed and result.get("id"):
                outcome = Outcome.CREATED if result.get("new") else Outcome.UPDATED
                found[email] = Delivery(keyed[email], outcome, crm_id=str(result["id"]), http_status=answer.status)
        return _complete(keyed, found, answer)

    def update(self, contacts: Sequence[Contact]) -> list[Delivery]:
        """Update records by their CRM id."""
        keyed = {str(c.crm_id): c.person_id for c in contacts}
        answer = self._post(f"{CONTACTS}/batch/update", [{"id": c.crm_id, "properties": c.properties}
                                                          for c in contacts], keyed)
        if not isinstance(answer, BatchAnswer):
            return answer
        found = {str(r["id"]): Delivery(keyed[str(r["id"])], Outcome.UPDATED, crm_id=str(r["id"]),
                                        http_status=answer.status)
                 for r in answer.results if str(r.get("id")) in keyed}
        return _complete(keyed, found, answer)

    def merge(self, primary: str, other: str, person_id: str) -> Delivery:
        """Merge record `other` into `primary`; the outcome's crm_id is the record that remains."""
        try:
            answer = self.http.request_json("POST", f"{CONTACTS}/merge",
                                            body={"primaryObjectId": primary, "objectIdToMerge": other})
        except ProviderError as exc:
            return failed_all({other: person_id}, exc)[0]
        kept = str(answer.get("id") or primary) if isinstance(answer, dict) else primary
        return Delivery(person_id, Outcome.UPDATED, crm_id=kept, http_status=200)

    def upsert_tasks(self, tasks: Sequence[tuple[Task, str, str]]) -> list[Delivery]:
        """Create or update each (task, its contact's CRM id, person) by the task's key, associated to the
        contact: a re-sent task is the same task."""
        keyed = {t.key: person for t, _, person in tasks}
        inputs = [{"idProperty": TASK_KEY, "id": t.key,
                   "properties": {TASK_KEY: t.key, "hs_task_subject": t.subject, "hs_task_body": t.meeting_link,
                                  "hs_timestamp": t.due_at or str(int(time.time() * 1000)),
                                  "hs_task_status": "NOT_STARTED", "leadgate_owner_email": t.owner_email},
                   "associations": [{"to": {"id": crm_id}, "types": [
                       {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_CONTACT}]}]}
                  for t, crm_id, _ in tasks]
        answer = self._post(TASKS, inputs, keyed)
        if not isinstance(answer, BatchAnswer):
            return answer
        found = {}
        for r in answer.results:
            key = str((r.get("properties") or {}).get(TASK_KEY) or "")
            if key in keyed:
                found[key] = Delivery(keyed[key], Outcome.UPDATED, crm_id=str(r.get("id")), http_status=answer.status)
        return _complete(keyed, found, answer)

    def _post(self, path: str, inputs: list[dict[str, Any]], keyed: dict[str, str]) -> BatchAnswer | list[Delivery]:
        """The batch call's answer, or every input's outcome when the call failed as a whole."""
        try:
            answer = self.http.request_json("POST", path, body={"inputs": inputs})
        except ProviderError as exc:
            return failed_all(keyed, exc)
        results = answer.get("results") if isinstance(answer, dict) else None
        errors = answer.get("errors", []) if isinstance(answer, dict) else None
        if not isinstance(results, list) or not isinstance(errors, list):
            return [Delivery(p, Outcome.RETRY, message="malformed: not a batch answer") for p in keyed.values()]
        return BatchAnswer(207 if errors else 200, [r for r in results if isinstance(r, dict)],
                           [e for e in errors if isinstance(e, dict)])


def _complete(keyed: dict[str, str], found: dict[str, Delivery], answer: BatchAnswer) -> list[Delivery]:
    """The per-record errors of a 207, then a retry for every input the answer did not account for."""
    for error in answer.errors:
        category = str(error.get("category") or "")
        outcome = (Outcome.RETRY if category in RETRYABLE else
                   Outcome.NOT_FOUND if category in NOT_FOUND else Outcome.SCHEMA_MISMATCH)
        for raw in (error.get("context") or {}).get("ids") or []:
            key = str(raw).lower() if str(raw).lower() in keyed else str(raw)
            if key in keyed and key not in found:
                found[key] = Delivery(keyed[key], outcome, http_status=207,
                                      message=f"{category}: {error.get('message') or ''}".strip(": "))
    return [found.get(k) or Delivery(p, Outcome.RETRY, message="the CRM's answer left the record out")
            for k, p in keyed.items()]
