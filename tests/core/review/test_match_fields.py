"""A pair's explanation line read back field by field, as the console shows it beside both records."""

from __future__ import annotations

from leadgate_dagster.core.identity.comparisons import COMPARISONS
from leadgate_dagster.core.review.match_fields import read_explanation


def test_every_compared_field_with_its_level_and_weight_and_the_notes() -> None:
    line = ("first_name=different -7.6; last_name=different -8.8; email=exact +12.4; phone=different -1.6; "
            "company=exact +3.1 | names conflict | shared phone ignored")
    read = read_explanation(line)
    by_field = {f.field: f for f in read.fields}
    assert list(by_field) == list(COMPARISONS)
    assert (by_field["email"].level, by_field["email"].weight, by_field["email"].meaning) == ("exact", 12.4, "the same")
    assert (by_field["domain"].level, by_field["domain"].weight) == ("null", 0.0)  # left out: missing on a side
    assert read.notes == ("names conflict", "shared phone ignored")
    assert read.total == -2.5


def test_free_text_or_nothing_is_kept_not_lost() -> None:
    assert read_explanation("similar names").notes == ("similar names",)
    assert all(f.level == "null" for f in read_explanation(None).fields) and read_explanation(None).notes == ()
