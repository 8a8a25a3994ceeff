"""The append-only event log (also the "as run" record) and the live state's version number."""

from typing import Any

from eventapp.extensions import db
from eventapp.models import EventLogEntry, LiveState


def record(event_id: int, actor: str, action: str, data: dict[str, Any] | None = None) -> int:
    """Append an action to the log and raise the state version, in the caller's transaction.

    Returns the new version. The live state row is locked for the update, so that concurrent actions
    on PostgreSQL get consecutive versions.
    """
    live = db.session.get(LiveState, event_id, with_for_update=True)
    live.version += 1
    db.session.add(EventLogEntry(event_id=event_id, mode=live.mode, actor=actor, action=action, data=data or {}))
    return live.version
