"""The profanity filter for word clouds, open answers and questions (Dutch and English).

The word lists are those of the npm package naughty-words (the "List of Dirty, Naughty, Obscene and
Otherwise Bad Words"), installed with the front-end packages. The filter can be switched off with the
setting PROFANITY_FILTER.
"""

import json
import re
from functools import lru_cache

from flask import current_app

from eventapp.settings import PROJECT_ROOT

WORD_LISTS = PROJECT_ROOT / "node_modules" / "naughty-words"
LANGUAGES = ("nl", "en")


@lru_cache(maxsize=1)
def _patterns() -> re.Pattern | None:
    words: set[str] = set()
    for language in LANGUAGES:
        path = WORD_LISTS / f"{language}.json"
        if path.exists():
            words |= {w.strip().casefold() for w in json.loads(path.read_text(encoding="utf-8")) if w.strip()}
    if not words:
        return None
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def is_offensive(text: str) -> bool:
    """Whether the text holds a listed word or phrase (as a whole word), when the filter is on."""
    if not current_app.config.get("PROFANITY_FILTER", True):
        return False
    pattern = _patterns()
    if pattern is None:
        raise RuntimeError(f"the profanity word lists are missing from {WORD_LISTS}: run `npm ci`")
    return bool(pattern.search(" ".join(text.split())))
