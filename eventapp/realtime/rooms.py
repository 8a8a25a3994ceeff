"""Names of the Socket.IO rooms, from one place.

Every connection joins its event's audience room (screens, phones) or crew room (chair, hosts), its site's
room, and its role's room; a host also its site's host room (it reads only its own site's crew-only data).
"""


def audience_room(event_id: int) -> str:
    """Screens and phones: they get the public snapshot."""
    return f"event:{event_id}:audience"


def crew_room(event_id: int) -> str:
    """The chair and the hosts: they get the crew snapshot."""
    return f"event:{event_id}:crew"


def site_room(event_id: int, site_key: str) -> str:
    """Everyone at one site of an event."""
    return f"site:{event_id}:{site_key}"


def role_room(event_id: int, role: str) -> str:
    """Everyone of one role (chair, host, screen, participant) of an event."""
    return f"role:{role}:{event_id}"


def host_room(event_id: int, site_key: str) -> str:
    """The host panels of one site: they get the crew's messages with only their own site's crew-only parts."""
    return f"host:{event_id}:{site_key}"


def speaker_room(event_id: int, site_key: str) -> str:
    """The speaker views of one site: they get the speaker's payload (eventapp/views/speaker.py), nothing else."""
    return f"speaker:{event_id}:{site_key}"


def participant_room(event_id: int, participant_id: int) -> str:
    """The phones of one participant (every tab its token opened): what is theirs alone (their approvals, their
    quiz score) goes here, never to anyone else."""
    return f"participant:{event_id}:{participant_id}"
