"""The pre-score: three capped parts that always add up to the score, neutral fallbacks with their reason."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.core.scoring import pre_score
from tests.core.scoring.conftest import batch, lead, with_rules

STATUSES = st.sampled_from(["valid", "risky", "unknown", "invalid", "missing", None, "garbage"])
CONSENT = st.sampled_from(["yes", "no", "", None, "maybe", "TRUE", "1"])
TEXT = st.one_of(st.none(), st.text(max_size=12))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({
    "email_status": STATUSES, "phone_status": STATUSES, "address_status": STATUSES,
    "phone_type": st.sampled_from(["mobile", "fixed_line", "pager", None, "voip"]),
    "consent_email": CONSENT, "consent_sms": CONSENT, "consent_voice": CONSENT,
    "consent_capture": st.sampled_from(["checkbox", "imported", "", None, "??"]),
    "consent_at": st.sampled_from(["2026-11-01", "nonsense", None, "2001-01-01T00:00:00Z"]),
    "job_title": TEXT, "industry": TEXT, "employee_count": st.one_of(st.none(), st.integers(-5, 10**6), TEXT),
    "country_iso2": st.sampled_from(["US", "DE", "IR", None, "zz"]),
}), min_size=1, max_size=8))
def test_score_is_the_sum_of_its_parts_and_within_bounds(rows: list[dict[str, Any]]) -> None:
    rules = load_ruleset()
    cfg = rules.scoring
    out = pre_score(batch(*rows), rules=rules).frame
    assert (out["score"] == out["score_reachability"] + out["score_consent"] + out["score_fit"]).all()
    assert out["score"].between(0, 100).all()
    for part in ("reachability", "consent", "fit"):
        assert out[f"score_{part}"].between(0, getattr(cfg, part).max).all()


def _score(rules: Ruleset, **changes: Any) -> tuple[dict[str, int], list[str], dict[str, Any]]:
    result = pre_score(batch(lead(**changes)), rules=rules)
    inputs = {part: frame.iloc[0].to_dict() for part, frame in result.inputs.items()}
    return result.frame.iloc[0].to_dict(), result.findings.as_lists()[0], inputs


def test_a_complete_lead_scores_each_part_from_its_rubric(rules: Ruleset) -> None:
    score, codes, inputs = _score(rules, industry="Software", employee_count="51-200")
    assert score == {"score": 100, "score_reachability": 40, "score_consent": 40, "score_fit": 20}
    assert codes == []
    assert inputs["fit"]["seniority"] == "vp" and inputs["fit"]["company_size"] == "51-200"
    assert inputs["consent"]["proof_points"] == 6 and inputs["consent"]["eligibility"] == "eligible"


@pytest.mark.parametrize(("changes", "part", "points", "fallback"), [
    ({"email_status": "unknown", "phone_status": "missing", "phone_type": None}, "score_reachability", 15, True),
    ({"email_status": None, "phone_status": "missing", "phone_type": None}, "score_reachability", 15, True),
    ({"email_status": "invalid", "phone_status": "missing", "phone_type": None}, "score_reachability", 5, False),
    ({"job_title": None}, "score_fit", 10, True),
    ({"job_title": "Consultant"}, "score_fit", 7, False),
], ids=["unknown-email-is-neutral", "unvalidated-email-is-neutral", "invalid-email-is-zero",
        "no-title-is-neutral", "title-without-department"])
def test_neutral_midpoint_only_for_unavailable_inputs(rules: Ruleset, changes: dict[str, Any], part: str,
                                                      points: int, fallback: bool) -> None:
    score, codes, _ = _score(rules, **changes)
    assert score[part] == points
    assert ("SCORE_NEUTRAL_FALLBACK" in codes) is fallback


def test_columns_the_caller_never_gave_are_neutral_without_a_code(rules: Ruleset) -> None:
    score, codes, inputs = _score(rules)  # BASE gives no industry / employee_count column at all
    assert inputs["fit"]["industry"] == "not_provided" and inputs["fit"]["industry_points"] == 2
    assert score["score_fit"] == 16 and codes == []


def test_consent_is_never_neutral(rules: Ruleset) -> None:
    score, _, inputs = _score(rules, consent_email=None, consent_sms=None, consent_voice=None)
    assert score["score_consent"] == 10 and inputs["consent"]["channel_points"] == 0


def test_ineligible_leads_lose_the_eligibility_points(rules: Ruleset) -> None:
    score, _, inputs = _score(rules, country_iso2="IR")
    assert score["score_consent"] == 36 and inputs["consent"]["eligibility_points"] == 0  # 30 + 6 proof + 0


def test_maxima_must_add_up_to_100() -> None:
    with pytest.raises(ValueError, match=r"^scoring \(line \d+\): .*maxima add up to 110, not 100"):
        with_rules("scoring: {fit: {max: 30}}")
