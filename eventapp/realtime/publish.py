"""The one choke point that emits to clients; controller functions call it after they commit."""

from eventapp.extensions import db, socketio
from eventapp.models import Event, LiveState, Poll, PollKind
from eventapp.models.base import utcnow
from eventapp.realtime.rooms import audience_room, crew_room, host_room, participant_room, role_room, speaker_room
from eventapp.views.results import audience_results, crew_results, host_results, results_message
from eventapp.views.speaker import speaker_views
from eventapp.views.state import (
    approval_notices,
    crew_questions_message,
    crew_snapshot,
    host_questions,
    host_snapshot,
    presence_by_site,
    public_snapshot,
    public_state,
    quiz_standings,
    recent,
    remember,
    remember_public_state,
)

#: Seconds the results and the approved questions sent to a connecting client are shared with the next ones (they
#: change without a version; the pump pushes the results about seven times a second anyway).
ON_CONNECT_MAX_AGE = 0.15


def state_changed(event_id: int) -> None:
    """Push the new state: the public snapshot to screens and phones, the crew snapshot to the chair, and to each
    site's hosts the crew snapshot with only their own site's crew-only parts (eventapp/views/state.py).

    The crew goes first: its few connections are then written before the thousand of the audience, so the chair
    sees the result of an action (and its acknowledgement) at once instead of after the last phone
    (docs/performance.md). The phones lose nothing by it: no connection is written before both are queued.
    """
    event = db.session.get(Event, event_id)
    public = public_snapshot(event)
    state = public.model_dump(mode="json")
    remember_public_state(event_id, state)
    crew = crew_snapshot(event, public)
    socketio.emit("state:changed", crew.model_dump(mode="json"), to=role_room(event_id, "chair"))
    for site in event.sites:
        socketio.emit("state:changed", host_snapshot(crew, site.key).model_dump(mode="json"),
                      to=host_room(event_id, site.key))
    socketio.emit("state:changed", state, to=audience_room(event_id))
    for key, view in speaker_views(event, public).items():
        socketio.emit("speaker:changed", view.model_dump(mode="json"), to=speaker_room(event_id, key))


def on_connect(sid: str, event: Event, role: str, site: str | None, participant) -> None:
    """What a client gets the moment it connects: the state, the results of the polls on the screens and the
    questions, as its role may see them; a screen the voter counts, a phone that joined its own answers."""
    from eventapp.results import my_votes

    version = db.session.get(LiveState, event.id).version  # what every phone at this version gets alike is shared
    if role == "speaker":
        socketio.emit("speaker:changed", state_for(event, role, site, version), to=sid)
        return
    socketio.emit("state:changed", state_for(event, role, site, version), to=sid)
    for results in results_on_screens(event, role, site, version=version):
        socketio.emit("poll:results", results, to=sid)
    socketio.emit("questions:changed", questions_on_connect(event, role, site, version=version), to=sid)
    if role == "screen":
        poll_voters(event, to=sid)
    if participant is not None:
        socketio.emit("participant:votes", {"votes": my_votes(participant)}, to=sid)
        standing = quiz_standings(event.id, participant.id).get(participant.id)
        if standing is not None:
            socketio.emit("participant:score", standing, to=sid)


def state_for(event: Event, role: str, site: str | None, version: int) -> dict:
    """The snapshot a client of this role (a host: of this site) gets at the state's `version`, JSON-ready."""
    if role == "chair":
        return crew_snapshot(event).model_dump(mode="json")
    if role == "host":
        return host_snapshot(crew_snapshot(event), site).model_dump(mode="json")
    if role == "speaker":
        return speaker_views(event, public_snapshot(event))[site].model_dump(mode="json")
    return public_state(event, version)


def drop_connections(sids: list[str]) -> None:
    """Disconnect these connections (their link was replaced); their pages reconnect and are refused."""
    for sid in sids:
        socketio.server.disconnect(sid)


def programme_changed(event_id: int, version: int) -> None:
    """The run sheet changed (programme editor): every view takes the new state, the editor reloads its list."""
    state_changed(event_id)
    socketio.emit("programme:changed", {"version": version}, to=crew_room(event_id))  # no crew-only data


def presence_changed(event_id: int) -> None:
    """Someone connected or left: the crew's presence view changes (this is not a state change: no version)."""
    event = db.session.get(Event, event_id)
    by_site = presence_by_site(event)
    presence = {key: view.model_dump(mode="json") for key, view in by_site.items()}
    socketio.emit("presence:changed", {"presence": presence}, to=role_room(event_id, "chair"))
    for key, view in presence.items():  # a host reads its own site's
        socketio.emit("presence:changed", {"presence": {key: view}}, to=host_room(event_id, key))
    poll_voters(event, by_site=by_site)  # the screens' "12 of 40 voted" follows the phones that join


def poll_results(event_id: int, poll_id: int, screens: bool = True, phones: bool = True) -> None:
    """A poll's results as each receiver may see them (eventapp/views/results.py): to the crew and the screens when
    `screens`, to the phones when `phones`. Each emit goes to one room, so it is encoded once for all its
    connections. A reveal that comes into effect later (its `reveal_at`) is pushed again at that moment: the
    audience gets no figure before it may see it."""
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        return
    event = db.session.get(Event, event_id)
    crew = crew_results(poll) if screens else None  # a push to the phones alone needs no crew figures
    if screens:
        message = results_message(crew)
        socketio.emit("poll:results", message, to=role_room(event_id, "chair"))
        poll_site = next((site.key for site in event.sites if site.id == poll.site_id), None)
        for site in event.sites:
            shown = host_results(crew, poll_site, site.key)
            if shown is not None:  # unchanged unless it has pending answers to narrow: encoded once then
                socketio.emit("poll:results", message if shown is crew else results_message(shown),
                              to=host_room(event_id, site.key))
    audience = audience_results(poll) if screens or phones else None
    if audience is not None:
        room = audience_room(event_id) if screens and phones else \
            role_room(event_id, "screen") if screens else role_room(event_id, "participant")
        socketio.emit("poll:results", results_message(audience), to=room)
    if audience is not None and phones and poll.kind == PollKind.QUIZ:
        quiz_scores(event_id)  # the quiz's answer is out: each player's phone gets its own points and rank
    if poll.results_visible and poll.reveal_at is not None and poll.reveal_at > utcnow():
        from eventapp.realtime import pump

        pump.poll_changed_at(event_id, poll_id, poll.reveal_at)
    if screens:
        _emit_voters(event, poll.id, crew.total.voters,
                     {key: figures.voters for key, figures in crew.sites.items()}, presence_by_site(event))


def quiz_scores(event_id: int) -> None:
    """Each quiz player's own points and rank, to their own phones only (one message per player)."""
    for participant_id, standing in quiz_standings(event_id).items():
        socketio.emit("participant:score", standing, to=participant_room(event_id, participant_id))


def poll_voters(event: Event, by_site=None, to: str | None = None) -> None:
    """How many have voted on each poll on the screens, and how many phones are connected per site: to the room
    screens only (a few connections), which show "12 of 40 voted" while the results are still hidden."""
    from sqlalchemy import func, select

    from eventapp.models import LiveState, Site, Vote

    polls = _polls_on_screens(event)
    if not polls:
        return
    by_site = by_site if by_site is not None else presence_by_site(event)
    mode = db.session.get(LiveState, event.id).mode
    for poll in polls:
        counts = dict(db.session.execute(
            select(Site.key, func.count()).select_from(Vote).join(Site, Site.id == Vote.site_id)
            .where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation != "hidden").group_by(Site.key)).all())
        keys = [site.key for site in event.sites if poll.site_id is None or site.id == poll.site_id]
        _emit_voters(event, poll.id, sum(counts.values()), {key: counts.get(key, 0) for key in keys}, by_site, to)


def _emit_voters(event: Event, poll_id: int, voters: int, sites: dict, by_site, to: str | None = None) -> None:
    socketio.emit("poll:voters", {
        "poll_id": poll_id, "voters": voters, "sites": sites,
        "participants": {key: view.participants for key, view in by_site.items()},
    }, to=to or role_room(event.id, "screen"))


def _polls_on_screens(event: Event) -> list:
    from eventapp.models import Poll, SiteScene

    poll_ids = {scene.poll_id for scene in db.session.scalars(db.select(SiteScene).where(
        SiteScene.event_id == event.id, SiteScene.poll_id.is_not(None)))}
    return [db.session.get(Poll, poll_id) for poll_id in sorted(poll_ids)]


def questions(event_id: int) -> None:
    """The question list: every question to the chair, its own site's to each host, the approved ones to screens and
    phones."""
    from eventapp.results import question_list

    event = db.session.get(Event, event_id)
    every = question_list(event, approved_only=False)
    socketio.emit("questions:changed", crew_questions_message(every), to=role_room(event_id, "chair"))
    for site in event.sites:  # a host reads its own site's questions
        socketio.emit("questions:changed", crew_questions_message(host_questions(every, site.key)),
                      to=host_room(event_id, site.key))
    approved = {"questions": question_list(event, approved_only=True)}
    version = db.session.get(LiveState, event_id).version
    remember(("questions", event_id), approved, version=version)  # the phones that connect next get it too
    socketio.emit("questions:changed", approved, to=audience_room(event_id))


def approved(event_id: int, answers: list, questions: list) -> None:
    """Tell each participant whose answer or question was approved, on their own phones only."""
    for participant_id, message in approval_notices(answers, questions):
        socketio.emit("participant:approved", message, to=participant_room(event_id, participant_id))


def reactions(event_id: int, counts) -> None:
    """A burst of reactions per site, for the screens to animate."""
    burst: dict[str, dict[str, int]] = {}
    for (site_key, kind), count in counts.items():
        burst.setdefault(site_key, {})[kind] = count
    socketio.emit("reactions:burst", {"sites": burst}, to=audience_room(event_id))
    socketio.emit("reactions:burst", {"sites": burst}, to=crew_room(event_id))


def results_on_screens(event: Event, role: str, site: str | None, version: int) -> list[dict]:
    """The results of the polls on the sites' screens, for a client of this role (a host: of this site) that
    (re)connects at the state's `version`: the chair gets every one, a host its own site's and the event's, screens
    and phones what they may see (computed once for all that connect at that version within ON_CONNECT_MAX_AGE)."""
    polls = _polls_on_screens(event)
    if role == "chair":  # a few connections, and they see every vote at once
        return [results_message(crew_results(poll)) for poll in polls]
    if role == "host":
        sites = {s.id: s.key for s in event.sites}
        shown = (host_results(crew_results(poll), sites.get(poll.site_id), site) for poll in polls)
        return [results_message(results) for results in shown if results is not None]

    def build():
        shown = (audience_results(poll) for poll in polls)
        return [results_message(results) for results in shown if results is not None]

    return recent(("results", event.id), build, ON_CONNECT_MAX_AGE, version=version)


def questions_on_connect(event: Event, role: str, site: str | None, version: int) -> dict:
    """The question list for a client that (re)connects at the state's `version`: every question to the chair, its
    own site's to a host, the approved ones to screens and phones (built once for all that connect at that version
    within ON_CONNECT_MAX_AGE)."""
    from eventapp.results import question_list

    if role == "chair":
        return crew_questions_message(question_list(event, approved_only=False))
    if role == "host":
        return crew_questions_message(host_questions(question_list(event, approved_only=False), site))
    return recent(("questions", event.id), lambda: {"questions": question_list(event, approved_only=True)},
                  ON_CONNECT_MAX_AGE, version=version)

