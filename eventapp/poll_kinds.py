"""The rules of each poll kind, in one place: what a poll of that kind must define, which answers it takes,
and how its answers are counted.

A poll here is anything with `kind`, `options` (each with `id`, `label`, `correct`), `scale_min` and
`scale_max`: the model, or a spec during validation.

A kind is: a member of PollKind, its KindRule (what its definition needs, and the module in static/js/kinds/ that
draws it), its label and words in ui_strings(), and its branches in normalize_answer(), _count() and answer_text().
docs/frontend.md ("Poll kinds") tells how to add one.
"""
import enum
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from pydantic import BaseModel


class PollKind(enum.StrEnum):
    """The poll kinds (stored by value: a new kind needs no migration)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    WORDCLOUD = "wordcloud"
    OPEN = "open"
    STATEMENT = "statement"
    RANKING = "ranking"
    QUIZ = "quiz"
    POINTS = "points"

#: The fixed answers of a statement: agree, neutral, disagree.
STATEMENT_ANSWERS = ("agree", "neutral", "disagree")
WORDCLOUD_MAX_ENTRIES = 3
WORDCLOUD_MAX_LENGTH = 30
OPEN_MAX_LENGTH = 500
#: A "100 points" answer spreads exactly this many points over the options.
POINTS_TO_SPREAD = 100
#: Word clouds show this many words at most.
CLOUD_SIZE = 60
#: A quiz answer scores this much when right, plus up to QUIZ_SPEED_BONUS for speed.
QUIZ_POINTS = 1000
QUIZ_SPEED_BONUS = 500
QUIZ_SPEED_WINDOW_S = 20
#: A poll's time to answer (`answer_seconds`: it closes by itself when the time is up), in seconds.
ANSWER_SECONDS_MIN = 5
ANSWER_SECONDS_MAX = 3600


class AnswerError(ValueError):
    """An answer that does not fit its poll; the message says why in plain words."""


@dataclass(frozen=True)
class KindRule:
    """What a poll kind needs in its definition, and which module of static/js/kinds/ draws it."""

    renderer: str
    min_options: int = 0
    max_options: int = 0
    needs_scale: bool = False
    needs_correct_option: bool = False


RULES: dict[PollKind, KindRule] = {
    PollKind.SINGLE: KindRule("choice", min_options=2, max_options=20),
    PollKind.MULTIPLE: KindRule("choice", min_options=2, max_options=20),
    PollKind.RANKING: KindRule("ranking", min_options=2, max_options=10),
    PollKind.QUIZ: KindRule("choice", min_options=2, max_options=10, needs_correct_option=True),
    PollKind.SCALE: KindRule("scale", needs_scale=True),
    PollKind.STATEMENT: KindRule("statement"),
    PollKind.WORDCLOUD: KindRule("wordcloud"),
    PollKind.OPEN: KindRule("open"),
    PollKind.POINTS: KindRule("points", min_options=2, max_options=20),
}


def kinds_needing(need: str) -> str:
    """The kinds whose definition has "options", a "scale" or a "correct" option, space-separated (for forms)."""
    test = {"options": lambda rule: rule.max_options > 0, "scale": lambda rule: rule.needs_scale,
            "correct": lambda rule: rule.needs_correct_option}[need]
    return " ".join(kind.value for kind, rule in RULES.items() if test(rule))


def kind_label(kind: PollKind | str) -> str:
    """A poll kind in words, for every page (the templates and static/js/kinds/ take it from here)."""
    return kind_labels()[str(kind)]


def kind_labels() -> dict[str, str]:
    """Every poll kind in words: the one source for every page, so that a kind has one name everywhere
    ("Meerkeuze" once meant single choice on one page and several answers on another)."""
    return ui_strings()["kinds"]


def ui_strings() -> dict:
    """The words the poll-kind renderers (static/js/kinds/) draw with, in the page's language.

    Every page gets them (templates/base.html puts them in <script id="kind-strings">), so a kind's renderer finds
    its words wherever it draws; a new kind adds its label and its words here.
    """
    return {
        # the module of static/js/kinds/ that draws each kind, and what its definition needs (for the editors)
        "renderers": {kind: rule.renderer for kind, rule in RULES.items()},
        "needs": {need: kinds_needing(need).split() for need in ("options", "scale", "correct")},
        "kinds": {
            PollKind.SINGLE: _("Single choice"), PollKind.MULTIPLE: _("Multiple answers"), PollKind.SCALE: _("Scale"),
            PollKind.WORDCLOUD: _("Word cloud"), PollKind.OPEN: _("Open question"),
            PollKind.STATEMENT: _("Statement"), PollKind.RANKING: _("Ranking"), PollKind.QUIZ: _("Quiz"),
            PollKind.POINTS: _("100 points"),
        },
        # 100 points
        "points_to_spread": POINTS_TO_SPREAD,
        "points_hint": _("Spread exactly 100 points over the options: more points, more important."),
        "points_for": _("Points for “{label}”"), "points_less": _("10 points less for “{label}”"),
        "points_more": _("10 points more for “{label}”"),
        "points_left": _("{n} points left"), "points_over": _("{n} points too many"),
        "points_done": _("All 100 points spread"),
        "points_needed": _("Spread exactly 100 points: {n} left."),
        "points_too_many": _("Spread exactly 100 points: {n} too many."),
        "points_mean": _("{n} on average"), "top_points": _("most points: {label}"),
        # the results, everywhere
        "agree": _("Agree"), "neutral": _("Neutral"), "disagree": _("Disagree"),
        "votes_n": _("{n} votes"), "votes_1": _("1 vote"),
        "voters_n": _("{n} people answered"), "voters_1": _("1 person answered"),
        "answers_n": _("{n} answers"), "answers_1": _("1 answer"),
        "no_votes": _("No votes yet."), "no_words": _("No words yet."),
        "average": _("Average"), "average_is": _("Average {mean}"), "mean_is": _("average {mean}"),
        "scale_of": _("on a scale of {min} to {max}"),
        "points_n": _("{n} points"), "average_rank": _("average place {n}"),
        "correct": _("Correct"), "yours": _("Your answer"), "all_sites": _("All sites"),
        "results": _("Results"), "sites_revealed": _("Revealed so far: {sites}"),
        "still_to_come": _("Still to come"), "per_site": _("Per site"),
        "leaderboard": _("Leaderboard"), "leaderboard_site": _("Best in {site}"), "overall": _("Overall"),
        "pts_n": _("{n} pts"), "no_players": _("No players yet."),
        "agree_pct": _("{pct} agree"), "top_choice": _("most chosen: {label} ({pct})"),
        "top_word": _("top word: {word}"), "top_ranked": _("number one: {label}"),
        "approved_answers": _("Approved answers"), "no_approved": _("No answers shown yet."),
        "answers_per_site": _("answers per site"),
        "waiting_n": _("{n} waiting for moderation"), "waiting_1": _("1 waiting for moderation"),
        # the results sheet (report, results page, the chair's poll page)
        "total": _("Total"), "voters_label": _("Voters"), "mean_label": _("Mean"), "item": _("Answer"),
        "sheet_voters": _("{n} voted"), "sheet_mean": _("mean {value}"),
        "ranking_caption": _("Average place per site (1 = first)"),
        # the ballots on the phone
        "submit": _("Send answer"), "submit_words": _("Send words"), "submit_ranking": _("Send this order"),
        "cancel": _("Cancel"),
        "choose_one": _("Tap your answer"),
        "choose_quiz": _("Choose your answer, then send it. You cannot change it afterwards."),
        "choose_many": _("Choose one or more"), "choose_scale": _("Tap a number from {min} to {max}"),
        "choose_statement": _("Do you agree?"),
        "word_label": _("Word {n}"), "word_optional": _("Word {n} (optional)"),
        "words_hint": _("One to three words, at most 30 characters each."),
        "words_needed": _("Type at least one word."),
        "open_label": _("Your answer"),
        "open_hint": _("At most 500 characters. Answers are shown on the screen after moderation."),
        "open_needed": _("Write an answer first."), "chars_left": _("{n} characters left"),
        "pick_needed": _("Choose at least one option."),
        "rank_hint": _("Put the options in order, most important first, with the arrow buttons."),
        "move_up": _("Move “{label}” up"), "move_down": _("Move “{label}” down"),
        "moved": _("“{label}” is now number {n} of {total}"),
    }


def definition_problems(kind: PollKind, option_labels: list[str], correct_flags: list[bool],
                        has_scale: bool, answer_seconds: int | None = None) -> list[str]:
    """What is wrong with a poll definition of this kind (empty when it is fine)."""
    rule = RULES[kind]
    problems = []
    if answer_seconds is not None and not ANSWER_SECONDS_MIN <= answer_seconds <= ANSWER_SECONDS_MAX:
        problems.append(f"answer_seconds is the time to answer: {ANSWER_SECONDS_MIN} to {ANSWER_SECONDS_MAX} "
                        f"seconds, not {answer_seconds}")
    count = len(option_labels)
    if rule.max_options == 0 and count:
        problems.append(f"a {kind} poll has no options")
    elif rule.max_options and not rule.min_options <= count <= rule.max_options:
        problems.append(f"a {kind} poll needs {rule.min_options} to {rule.max_options} options, not {count}")
    if len({label.casefold() for label in option_labels}) != count:
        problems.append("options must differ from each other")
    if any(correct_flags) and not rule.needs_correct_option:
        problems.append(f"only quiz polls mark options as correct, not {kind} polls")
    if rule.needs_correct_option and count and not any(correct_flags):
        problems.append("a quiz poll needs at least one option marked correct")
    if rule.needs_scale and not has_scale:
        problems.append("a scale poll needs a scale (min and max)")
    if has_scale and not rule.needs_scale:
        problems.append(f"only scale polls have a scale, not {kind} polls")
    return problems


# --- answers -------------------------------------------------------------------------------------------------

def normalize_answer(poll, raw: Any) -> Any:
    """The answer as it is stored, from what a phone sent; AnswerError when it does not fit the poll.

    single, quiz: {"option": ID} -> [ID] · multiple: {"options": [ID, ...]} -> [ID, ...] · scale: {"value": N} -> N
    · statement: {"choice": "agree"} -> "agree" · wordcloud: {"words": [TEXT, ...]} -> [normalized, ...]
    · open: {"text": TEXT} -> TEXT · ranking: {"order": [ID, ...]} (every option once) -> [ID, ...]
    · points: {"points": {"ID": N, ...}} (whole numbers from 0, exactly 100 in all; options left out get 0)
    -> {"ID": N, ...} (only the options given points)
    """
    if not isinstance(raw, dict):
        raise AnswerError(_("an answer is an object, such as {\"option\": 12}"))
    option_ids = [option.id for option in poll.options]
    kind = poll.kind
    if kind in (PollKind.SINGLE, PollKind.QUIZ):
        return [_one_option(raw.get("option"), option_ids)]
    if kind == PollKind.MULTIPLE:
        chosen = raw.get("options")
        if not isinstance(chosen, list) or not chosen:
            raise AnswerError(_("choose one or more options"))
        picked = [_one_option(value, option_ids) for value in chosen]
        if len(set(picked)) != len(picked):
            raise AnswerError(_("an option is chosen twice"))
        return sorted(picked, key=option_ids.index)
    if kind == PollKind.SCALE:
        value = raw.get("value")
        if type(value) is not int or not poll.scale_min <= value <= poll.scale_max:
            raise AnswerError(_("choose a whole number from %(min)d to %(max)d",
                                min=poll.scale_min, max=poll.scale_max))
        return value
    if kind == PollKind.STATEMENT:
        choice = raw.get("choice")
        if choice not in STATEMENT_ANSWERS:
            raise AnswerError(_("answer agree, neutral or disagree"))
        return choice
    if kind == PollKind.WORDCLOUD:
        words = raw.get("words")
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not 1 <= len(words) <= WORDCLOUD_MAX_ENTRIES:
            raise AnswerError(_("send one to %(max)d words", max=WORDCLOUD_MAX_ENTRIES))
        cleaned = [normalize_word(word) for word in words]
        if any(not word for word in cleaned):
            raise AnswerError(_("a word is empty"))
        if any(len(word) > WORDCLOUD_MAX_LENGTH for word in cleaned):
            raise AnswerError(_("a word is at most %(max)d characters", max=WORDCLOUD_MAX_LENGTH))
        return list(dict.fromkeys(cleaned))
    if kind == PollKind.OPEN:
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnswerError(_("write an answer"))
        text = " ".join(text.split())
        if len(text) > OPEN_MAX_LENGTH:
            raise AnswerError(_("an answer is at most %(max)d characters", max=OPEN_MAX_LENGTH))
        return text
    if kind == PollKind.RANKING:
        order = raw.get("order")
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(map(str, option_ids)) \
                or any(type(value) is not int for value in order):
            raise AnswerError(_("put every option in order, each once"))
        return order
    if kind == PollKind.POINTS:
        return _spread_points(raw.get("points"), option_ids)
    raise AnswerError(f"unknown poll kind {kind}")


def _spread_points(points: Any, option_ids: list[int]) -> dict[str, int]:
    """A "100 points" answer: the points of each option, keyed by option id as text (JSON's keys are text)."""
    if not isinstance(points, dict):
        raise AnswerError(_("give the points as an object, such as {\"12\": 60, \"13\": 40}"))
    known = {str(option_id) for option_id in option_ids}
    if any(str(key) not in known for key in points):
        raise AnswerError(_("give points to the poll's options only"))
    if any(type(value) is not int or value < 0 for value in points.values()):
        raise AnswerError(_("points are whole numbers from 0"))
    if len({str(key) for key in points}) != len(points):
        raise AnswerError(_("an option is given points twice"))
    if sum(points.values()) != POINTS_TO_SPREAD:
        raise AnswerError(_("spread exactly %(n)d points, not %(given)d", n=POINTS_TO_SPREAD,
                            given=sum(points.values())))
    ordered = sorted(points.items(), key=lambda item: option_ids.index(int(item[0])))
    return {str(key): value for key, value in ordered if value}


def answer_text(kind: PollKind, answer: Any, labels: dict[int, str]) -> str:
    """A stored answer in words (the votes export): option labels, the value, the words, the text, the order."""
    if kind in (PollKind.SINGLE, PollKind.QUIZ, PollKind.MULTIPLE):
        return " | ".join(labels.get(option_id, f"#{option_id}") for option_id in answer)
    if kind == PollKind.RANKING:
        return " > ".join(labels.get(option_id, f"#{option_id}") for option_id in answer)
    if kind == PollKind.WORDCLOUD:
        return " | ".join(answer)
    if kind == PollKind.POINTS:
        return " | ".join(f"{labels.get(int(key), f'#{key}')} {given}" for key, given in answer.items())
    return str(answer)


def results_table(kind: PollKind, groups: list[tuple[str, str, dict]], text) -> tuple[list[str], list[list]] | None:
    """The results CSV of a kind: its header and one row per option, value, choice or word of each group (site key,
    site name, figures), each with the number of voters; `text` makes a phone's text safe for a spreadsheet. None
    for an open question (the export lists its approved answers instead)."""
    if kind in (PollKind.SINGLE, PollKind.MULTIPLE, PollKind.QUIZ):
        first = groups[0][2]["options"]
        quiz = kind == PollKind.QUIZ and bool(first) and "correct" in first[0]  # the right answers are told
        header = ["site", "site_name", "option", *(["correct"] if quiz else []), "count", "percent", "voters"]
        rows = [[key, name, option["label"], *([_yes_no(option.get("correct"))] if quiz else []), option["count"],
                 _percent(option["count"], figures["voters"]), figures["voters"]]
                for key, name, figures in groups for option in figures["options"]]
    elif kind == PollKind.SCALE:
        header = ["site", "site_name", "value", "count", "percent", "voters", "mean"]
        rows = [[key, name, row["value"], row["count"], _percent(row["count"], figures["voters"]), figures["voters"],
                 "" if figures["mean"] is None else figures["mean"]]
                for key, name, figures in groups for row in figures["distribution"]]
    elif kind == PollKind.STATEMENT:
        header = ["site", "site_name", "choice", "count", "percent", "voters"]
        rows = [[key, name, row["choice"], row["count"], _percent(row["count"], figures["voters"]), figures["voters"]]
                for key, name, figures in groups for row in figures["choices"]]
    elif kind == PollKind.WORDCLOUD:
        header = ["site", "site_name", "word", "count", "percent", "voters"]
        rows = [[key, name, text(row["word"]), row["count"], _percent(row["count"], figures["voters"]),
                 figures["voters"]] for key, name, figures in groups for row in figures["words"]]
    elif kind == PollKind.RANKING:
        header = ["site", "site_name", "rank", "option", "score", "average_rank", "voters"]
        rows = [[key, name, place, option["label"], option["score"],
                 "" if option["average_rank"] is None else option["average_rank"], figures["voters"]]
                for key, name, figures in groups for place, option in enumerate(figures["options"], 1)]
    elif kind == PollKind.POINTS:
        header = ["site", "site_name", "option", "points", "mean", "voters"]
        rows = [[key, name, option["label"], option["points"], "" if option["mean"] is None else option["mean"],
                 figures["voters"]] for key, name, figures in groups for option in figures["options"]]
    else:
        return None
    return header, rows


def _percent(count: int, voters: int) -> str:
    return f"{100 * count / voters:.1f}" if voters else "0.0"


def _yes_no(flag) -> str:
    return "yes" if flag else "no"


def normalize_word(word: Any) -> str:
    """A word-cloud entry as it is counted: lower case, single spaces, no punctuation at its ends."""
    if not isinstance(word, str):
        raise AnswerError(_("words are text"))
    return re.sub(r"\s+", " ", word).strip().strip(".,;:!?\"'()").casefold()


def _one_option(value: Any, option_ids: list[int]) -> int:
    if type(value) is not int or value not in option_ids:
        raise AnswerError(_("choose one of the poll's options"))
    return value


def quiz_score(poll, answer: list[int], seconds_after_open: float) -> int:
    """Points for a quiz answer: nothing when wrong; when right, the base plus a bonus for a quick answer."""
    correct = {option.id for option in poll.options if option.correct}
    if answer[0] not in correct:
        return 0
    speed = max(0.0, 1 - max(0.0, seconds_after_open) / QUIZ_SPEED_WINDOW_S)
    return QUIZ_POINTS + round(QUIZ_SPEED_BONUS * speed)


# --- results -------------------------------------------------------------------------------------------------

def tally(poll, answers: list[tuple[str, Any]], site_keys: list[str]) -> dict:
    """The results of a poll: the total and each site's, from (site key, stored answer) pairs.

    Every figure has the same shape for the total and per site, so a screen can show any of them.
    """
    by_site = {key: [] for key in site_keys}
    for site_key, answer in answers:
        by_site.setdefault(site_key, []).append(answer)
    return {
        "kind": poll.kind.value,
        "total": _count(poll, [answer for _, answer in answers]),
        "sites": {key: _count(poll, site_answers) for key, site_answers in by_site.items()},
    }


# What tally() counts, as the `poll:results` message carries it (eventapp/views/results.py, docs/PROTOCOL.md): one
# model for every kind, each kind filling its own fields.

class OptionFigures(BaseModel):
    """An option's figures: its count (single, multiple, quiz), its score and average rank (ranking), or its points
    (100 points)."""

    id: int
    label: str
    count: int | None = None
    #: A quiz's right answer: only in the crew's results, and the audience's once the quiz is closed.
    correct: bool | None = None
    score: int | None = None
    average_rank: float | None = None
    #: 100 points: the points given to the option, and the mean per voter.
    points: int | None = None
    mean: float | None = None


class ValueCount(BaseModel):
    """How many chose this value of a scale."""

    value: int
    count: int


class ChoiceCount(BaseModel):
    """How many chose agree, neutral or disagree on a statement."""

    choice: str
    count: int


class WordCount(BaseModel):
    """How often a word was sent to a word cloud."""

    word: str
    count: int


class Figures(BaseModel):
    """The figures of the whole event or of one site; which fields are present depends on the poll's kind."""

    voters: int
    options: list[OptionFigures] | None = None
    distribution: list[ValueCount] | None = None
    mean: float | None = None
    choices: list[ChoiceCount] | None = None
    words: list[WordCount] | None = None
    answers: int | None = None


def _count(poll, answers: list[Any]) -> dict:
    kind = poll.kind
    result: dict[str, Any] = {"voters": len(answers)}
    if kind in (PollKind.SINGLE, PollKind.MULTIPLE, PollKind.QUIZ):
        counts = Counter(option_id for answer in answers for option_id in answer)
        result["options"] = [{"id": o.id, "label": o.label, "count": counts[o.id],
                              **({"correct": o.correct} if kind == PollKind.QUIZ else {})} for o in poll.options]
    elif kind == PollKind.SCALE:
        counts = Counter(answers)
        result["distribution"] = [{"value": v, "count": counts[v]} for v in range(poll.scale_min, poll.scale_max + 1)]
        result["mean"] = round(sum(answers) / len(answers), 2) if answers else None
    elif kind == PollKind.STATEMENT:
        counts = Counter(answers)
        result["choices"] = [{"choice": choice, "count": counts[choice]} for choice in STATEMENT_ANSWERS]
    elif kind == PollKind.WORDCLOUD:
        counts = Counter(word for answer in answers for word in answer)
        result["words"] = [{"word": w, "count": c} for w, c in counts.most_common(CLOUD_SIZE)]
    elif kind == PollKind.RANKING:
        size = len(poll.options)
        points = Counter()
        for order in answers:
            for position, option_id in enumerate(order):
                points[option_id] += size - 1 - position  # Borda count: first place scores most
        result["options"] = sorted(
            ({"id": o.id, "label": o.label, "score": points[o.id],
              "average_rank": round(1 + (size - 1) - points[o.id] / len(answers), 2) if answers else None}
             for o in poll.options), key=lambda row: -row["score"])
    elif kind == PollKind.OPEN:
        result["answers"] = len(answers)
    elif kind == PollKind.POINTS:
        points = Counter()
        for answer in answers:
            points.update({int(option_id): given for option_id, given in answer.items()})
        result["options"] = [{"id": o.id, "label": o.label, "points": points[o.id],
                              "mean": round(points[o.id] / len(answers), 1) if answers else None} for o in poll.options]
    return result
