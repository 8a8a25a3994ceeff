"""What any request may carry, checked where it comes in (HTTP bodies, queries and paths in web/security.py,
Socket.IO payloads in the controller's `perform`), so that no endpoint has to: text without NUL characters
(PostgreSQL cannot store them; SQLite can, so the same input would behave differently per database) and data
nested no deeper than MAX_DEPTH (docs/security.md, "Limits and what each protects")."""

from flask_babel import gettext as _

from eventapp.errors import BadInput

#: How deep objects and lists may nest in a request: far deeper than anything the app reads (a segment with its
#: sites' parts and their polls nests a handful of levels), far shallower than what overflows a parser.
MAX_DEPTH = 32


def check_payload(value) -> None:
    """Refuse (BadInput) text with a NUL character anywhere in `value`, and nesting deeper than MAX_DEPTH."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise BadInput(_("text may not contain NUL characters (\\u0000)"))
        elif isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise BadInput(_("the request is nested too deeply (at most %(depth)s levels)", depth=MAX_DEPTH))
            children = [part for pair in item.items() for part in pair] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
