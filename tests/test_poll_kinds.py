"""Each poll kind's rules: which answers it takes, how it stores them, and how it counts them."""

from types import SimpleNamespace

import pytest

from eventapp.models import PollKind
from eventapp.poll_kinds import AnswerError, normalize_answer, quiz_score, tally

SITES = ["den-haag", "enschede", "eindhoven", "online"]


def poll(kind: PollKind, labels=("Ja", "Nee", "Misschien"), correct=(), scale=(1, 5)):
    options = [SimpleNamespace(id=10 + i, label=label, correct=label in correct) for i, label in enumerate(labels)]
    return SimpleNamespace(kind=kind, options=options, scale_min=scale[0], scale_max=scale[1])


@pytest.mark.parametrize(("kind", "raw", "stored"), [
    (PollKind.SINGLE, {"option": 11}, [11]),
    (PollKind.QUIZ, {"option": 12}, [12]),
    (PollKind.MULTIPLE, {"options": [12, 10]}, [10, 12]),
    (PollKind.SCALE, {"value": 5}, 5),
    (PollKind.STATEMENT, {"choice": "neutral"}, "neutral"),
    (PollKind.WORDCLOUD, {"words": ["  Samen  Werken ", "Energie!", "samen werken"]}, ["samen werken", "energie"]),
    (PollKind.WORDCLOUD, {"words": "Vertrouwen"}, ["vertrouwen"]),
    (PollKind.OPEN, {"text": "  Meer   structuur,\nminder projecten "}, "Meer structuur, minder projecten"),
    (PollKind.RANKING, {"order": [12, 10, 11]}, [12, 10, 11]),
])
def test_a_valid_answer_is_stored_normalized(kind, raw, stored):
    assert normalize_answer(poll(kind), raw) == stored


@pytest.mark.parametrize(("kind", "raw", "message"), [
    (PollKind.SINGLE, {"option": 99}, "one of the poll's options"),
    (PollKind.SINGLE, {"option": "11"}, "one of the poll's options"),
    (PollKind.SINGLE, {"option": True}, "one of the poll's options"),
    (PollKind.SINGLE, [11], "an answer is an object"),
    (PollKind.MULTIPLE, {"options": []}, "one or more"),
    (PollKind.MULTIPLE, {"options": [10, 10]}, "chosen twice"),
    (PollKind.SCALE, {"value": 6}, "from 1 to 5"),
    (PollKind.SCALE, {"value": 2.5}, "whole number"),
    (PollKind.STATEMENT, {"choice": "maybe"}, "agree, neutral or disagree"),
    (PollKind.WORDCLOUD, {"words": []}, "one to 3 words"),
    (PollKind.WORDCLOUD, {"words": ["a", "b", "c", "d"]}, "one to 3 words"),
    (PollKind.WORDCLOUD, {"words": ["x" * 31]}, "at most 30"),
    (PollKind.WORDCLOUD, {"words": ["  ...  "]}, "empty"),
    (PollKind.WORDCLOUD, {"words": [5]}, "words are text"),
    (PollKind.OPEN, {"text": "   "}, "write an answer"),
    (PollKind.OPEN, {"text": "x" * 501}, "at most 500"),
    (PollKind.RANKING, {"order": [10, 11]}, "every option in order"),
    (PollKind.RANKING, {"order": [10, 10, 11]}, "every option in order"),
])
def test_an_answer_that_does_not_fit_the_poll_is_refused_with_a_reason(kind, raw, message):
    with pytest.raises(AnswerError, match=message):
        normalize_answer(poll(kind), raw)


def test_choice_results_count_each_option_in_total_and_per_site():
    results = tally(poll(PollKind.SINGLE), [("enschede", [10]), ("enschede", [11]), ("online", [10])], SITES)
    assert results["total"]["voters"] == 3
    assert [o["count"] for o in results["total"]["options"]] == [2, 1, 0]
    assert [o["count"] for o in results["sites"]["enschede"]["options"]] == [1, 1, 0]
    assert results["sites"]["den-haag"] == {"voters": 0, "options": [
        {"id": 10, "label": "Ja", "count": 0}, {"id": 11, "label": "Nee", "count": 0},
        {"id": 12, "label": "Misschien", "count": 0}]}


def test_scale_results_give_the_distribution_and_the_mean():
    results = tally(poll(PollKind.SCALE), [("den-haag", 4), ("den-haag", 5), ("eindhoven", 2)], SITES)
    assert [d["count"] for d in results["total"]["distribution"]] == [0, 1, 0, 1, 1]
    assert results["total"]["mean"] == 3.67
    assert results["sites"]["den-haag"]["mean"] == 4.5
    assert results["sites"]["online"]["mean"] is None


def test_statement_results_count_agree_neutral_and_disagree():
    results = tally(poll(PollKind.STATEMENT), [("eindhoven", "agree"), ("eindhoven", "agree"),
                                               ("online", "disagree")], SITES)
    assert results["total"]["choices"] == [{"choice": "agree", "count": 2}, {"choice": "neutral", "count": 0},
                                           {"choice": "disagree", "count": 1}]


def test_word_cloud_counts_words_across_participants():
    results = tally(poll(PollKind.WORDCLOUD), [("den-haag", ["samen", "energie"]), ("enschede", ["samen"])], SITES)
    assert results["total"]["words"] == [{"word": "samen", "count": 2}, {"word": "energie", "count": 1}]


def test_ranking_scores_by_borda_count_and_gives_the_average_rank():
    results = tally(poll(PollKind.RANKING), [("den-haag", [12, 10, 11]), ("online", [12, 11, 10])], SITES)
    assert [(o["label"], o["score"], o["average_rank"]) for o in results["total"]["options"]] == [
        ("Misschien", 4, 1.0), ("Ja", 1, 2.5), ("Nee", 1, 2.5)]


def test_a_quiz_scores_only_right_answers_and_rewards_speed():
    quiz = poll(PollKind.QUIZ, correct=("Nee",))
    assert quiz_score(quiz, [10], 1.0) == 0
    assert quiz_score(quiz, [11], 0.0) == 1500
    assert quiz_score(quiz, [11], 10.0) == 1250
    assert quiz_score(quiz, [11], 60.0) == 1000
