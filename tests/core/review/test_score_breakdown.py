"""The score breakdown a reviewer reads: each part's inputs with their points, the priority and every
adjustment with its reason and author."""

from __future__ import annotations

from leadgate_dagster.core.review.score_breakdown import Input, breakdown


def test_parts_inputs_priority_and_adjustments() -> None:
    doc = {"reachability": {"points": 30, "email": "unknown", "email_points": 10, "phone": "valid", "phone_points": 15},
           "consent": {"points": 40, "channel_points": 30, "email_state": "granted"},
           "fit": {"points": 17},
           "priority": {"priority_score": 62, "priority_source": "rules",
                        "adjustment": {"points": 10, "before": 52,
                                       "items": [{"points": 10, "reason": "key account", "by": "reviewer:kim"}]}},
           "waived": ["CONSENT_UNKNOWN"]}
    b = breakdown(doc)
    reach, consent, fit = b.parts
    assert (reach.name, reach.points) == ("reachability", 30)
    assert reach.inputs == (Input("email", "unknown", 10), Input("phone", "valid", 15))
    assert Input("channel", None, 30) in consent.inputs and fit.inputs == ()
    assert Input("priority_score", 62, None) in b.priority and all(i.name != "adjustment" for i in b.priority)
    assert b.adjusted_from == 52 and [(a.points, a.reason, a.by) for a in b.adjustments] == [
        (10, "key account", "reviewer:kim")]
    assert b.waived == ("CONSENT_UNKNOWN",)


def test_an_empty_document_is_an_empty_breakdown() -> None:
    b = breakdown(None)
    assert [p.points for p in b.parts] == [None, None, None] and b.adjustments == () and b.adjusted_from is None
