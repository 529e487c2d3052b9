"""What a review action answers instead of a result: the item does not exist, someone else was first, or the
request itself is wrong. Each message is meant for the person who acted (and the API's response body)."""

from __future__ import annotations


class ReviewError(Exception):
    """Base of the review actions' errors."""


class ReviewNotFound(ReviewError):
    def __init__(self, review_id: int) -> None:
        super().__init__(f"review item {review_id} does not exist")
        self.review_id = review_id


class ReviewConflict(ReviewError):
    """Someone else acted on the item first (or it changed since the version the person saw): the item's state
    now, so the caller can show it."""

    def __init__(self, message: str, *, status: str, version: int, assignee: str | None) -> None:
        super().__init__(message)
        self.status, self.version, self.assignee = status, version, assignee


class ReviewInvalid(ReviewError, ValueError):
    """The request is wrong (an action the kind does not take, a missing note, a split of a lead's only
    person ...): `problems` lists every reason, each a sentence."""

    def __init__(self, found: list[str]) -> None:
        super().__init__("; ".join(found))
        self.problems = tuple(found)
