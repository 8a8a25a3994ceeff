"""The "100 points" poll kind: each participant spreads exactly 100 points over the options; the results give each
option's points and its mean per voter, in total and per site."""

import pytest

from eventapp.poll_kinds import AnswerError, PollKind, answer_text, definition_problems, normalize_answer, tally
from tests.test_poll_kinds import SITES, poll


def points_poll():
    return poll(PollKind.POINTS, labels=("Scholing", "Matching", "Begeleiding"))


@pytest.mark.parametrize(("raw", "stored"), [
    ({"points": {"10": 50, "11": 30, "12": 20}}, {"10": 50, "11": 30, "12": 20}),
    ({"points": {"12": 60, "10": 40}}, {"10": 40, "12": 60}),  # in the options' order; left out: none
    ({"points": {"10": 100, "11": 0}}, {"10": 100}),  # an option given 0 is not stored
    ({"points": {10: 70, 11: 30}}, {"10": 70, "11": 30}),  # option ids as numbers too
])
def test_a_spread_of_exactly_100_points_is_stored_per_option(raw, stored):
    assert normalize_answer(points_poll(), raw) == stored


@pytest.mark.parametrize(("raw", "message"), [
    ({"points": {"10": 50, "11": 30}}, "spread exactly 100 points, not 80"),
    ({"points": {"10": 90, "11": 30}}, "spread exactly 100 points, not 120"),
    ({"points": {"10": 120, "11": -20}}, "whole numbers from 0"),
    ({"points": {"10": 50.5, "11": 49.5}}, "whole numbers from 0"),
    ({"points": {"10": True, "11": 99}}, "whole numbers from 0"),
    ({"points": {"10": "50", "11": 50}}, "whole numbers from 0"),
    ({"points": {"99": 100}}, "the poll's options only"),
    ({"points": {"10": 50, 10: 50}}, "given points twice"),
    ({"points": [50, 50]}, "as an object"),
    ({"option": 10}, "as an object"),
])
def test_a_spread_that_is_not_exactly_100_points_over_the_options_is_refused(raw, message):
    with pytest.raises(AnswerError, match=message):
        normalize_answer(points_poll(), raw)


def test_a_points_poll_needs_options_as_a_choice_poll_does():
    assert definition_problems(PollKind.POINTS, ["A", "B"], [False, False], False) == []
    assert definition_problems(PollKind.POINTS, ["A"], [False], False) == ["a points poll needs 2 to 20 options, not 1"]
    assert "only quiz polls mark options as correct, not points polls" in \
        definition_problems(PollKind.POINTS, ["A", "B"], [True, False], False)


def test_points_results_add_up_each_options_points_and_give_the_mean_per_voter():
    answers = [("den-haag", {"10": 50, "11": 50}), ("den-haag", {"12": 100}), ("online", {"10": 20, "12": 80})]
    results = tally(points_poll(), answers, SITES)
    assert results["total"] == {"voters": 3, "options": [
        {"id": 10, "label": "Scholing", "points": 70, "mean": 23.3},
        {"id": 11, "label": "Matching", "points": 50, "mean": 16.7},
        {"id": 12, "label": "Begeleiding", "points": 180, "mean": 60.0}]}
    assert [(o["points"], o["mean"]) for o in results["sites"]["den-haag"]["options"]] == [(50, 25.0), (50, 25.0),
                                                                                          (100, 50.0)]
    assert [(o["points"], o["mean"]) for o in results["sites"]["enschede"]["options"]] == [(0, None)] * 3


def test_a_points_answer_in_words_names_each_options_points():
    labels = {10: "Scholing", 11: "Matching", 12: "Begeleiding"}
    assert answer_text(PollKind.POINTS, {"10": 40, "12": 60}, labels) == "Scholing 40 | Begeleiding 60"
