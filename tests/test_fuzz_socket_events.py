"""Fuzzing every Socket.IO event: whatever a client sends, the server acknowledges with a clear yes or no, never
fails inside a handler, and a refusal leaves the database as it was.

Hypothesis generates the payloads (arbitrary JSON, and objects with the payload's own keys holding values of the
right or the wrong type, sometimes with extra keys or extra arguments); they go through Flask-SocketIO's test
client, so they are encoded and decoded as a real client's would be. Each test runs on one app whose state
the accepted payloads move on, so later examples meet a state that earlier ones made.
"""

import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventapp.controller.actions import ACTIONS, BY_NAME
from eventapp.extensions import db, socketio
from eventapp.models import (
    CueState,
    HostStatus,
    LiveState,
    PollKind,
    Presence,
    QuestionState,
    Scene,
    Worker,
)
from tests.test_live_actions import CALLERS, CASES

#: Bounded so that the file runs in about a minute on two cores (FUZZ_EXAMPLES=200 for a longer hunt);
#: derandomized so that CI repeats its examples.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 25)), deadline=None, derandomize=True,
                database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                      HealthCheck.data_too_large, HealthCheck.filter_too_much])

#: Warnings are errors here, and two of hypothesis' are not about the app: long payloads (5000 characters) make an
#: example's repr large; and background threads (the pump's, the presence updates', some left by earlier tests)
#: may draw from the `random` module while hypothesis generates, which it then blames on the strategies.
pytestmark = [
    pytest.mark.own_database,  # its socket clients' presence is written by a background thread
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
    pytest.mark.filterwarnings(
        "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"),
]

#: Tables whose rows change without any action: who is connected and when it was last seen.
UNFINGERPRINTED = {Presence.__tablename__, Worker.__tablename__}

# --- what a client may send -------------------------------------------------------------------------------------

numbers = st.one_of(st.integers(), st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from(
    [0, -1, 1, 2**31, 2**63, -(2**63), 10**20]), st.floats(allow_nan=True, allow_infinity=True))
texts = st.one_of(st.text(max_size=30), st.sampled_from([
    "", " ", "<script>alert(1)</script>", "<b>vet</b> &amp; \"quote\"", "💥🎉", "\u202egnp.exe", "\x00",
    "ﬀ" * 50, "x" * 5000, "enschede", "den-haag", "Enschede", "ready", "needs_time", "approved", "None",
    "1", "-1", "1e309"]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)

ENUM_WORDS = sorted({*CueState, *HostStatus, *Scene, *QuestionState, *PollKind, "approved", "hidden", "applause",
                     "heart"})


def poll_specs() -> st.SearchStrategy:
    """Poll definitions: mostly the right shape with any values, sometimes anything at all."""
    return st.one_of(json_values, st.fixed_dictionaries(
        {"key": st.one_of(st.sampled_from(["vraag-1", "vraag-3", "nieuw", "x" * 41, "Hoofd Letter"]), json_values),
         "kind": st.one_of(st.sampled_from(list(PollKind)), json_values),
         "question": st.one_of(texts, json_values)},
        optional={"options": st.one_of(st.lists(st.one_of(texts, st.fixed_dictionaries(
                      {"label": texts}, optional={"correct": json_values})), max_size=6), json_values),
                  "scale": st.one_of(st.fixed_dictionaries({}, optional={"min": numbers, "max": numbers,
                                                                         "min_label": texts, "max_label": texts}),
                                     json_values),
                  "hide_results": json_values}))


def answers() -> st.SearchStrategy:
    """Vote answers: each kind's own keys with any values, or anything at all."""
    keys = ["option", "options", "text", "value", "values", "order", "word", "words", "choice"]
    return st.one_of(json_values, st.dictionaries(st.sampled_from(keys), st.one_of(
        numbers, texts, st.lists(st.one_of(numbers, texts), max_size=5), json_values), max_size=3))


def field_values(name: str, ids: dict, sites: list[str]) -> st.SearchStrategy:
    """Values for one payload field: plausible ones (real ids, site keys, enum words) and arbitrary JSON."""
    plausible = {
        "site": st.sampled_from(sites), "to": st.sampled_from(sites),
        "state": st.sampled_from(ENUM_WORDS), "status": st.sampled_from(ENUM_WORDS),
        "scene": st.sampled_from(ENUM_WORDS), "decision": st.sampled_from(ENUM_WORDS),
        "kind": st.sampled_from(ENUM_WORDS),
        "text": texts, "key": st.text(min_size=8, max_size=70),
        "index": st.integers(-2, 5), "seconds": st.integers(-10, 20000), "position": numbers,
        "poll": poll_specs(), "answer": answers(),
        "learnings": st.lists(texts, max_size=12),
    }.get(name)
    if name.endswith("_id"):
        plausible = st.sampled_from(ids.get(name, [0]) + [0, -1, 2**31, 2**63, 10**30])
    return st.one_of(json_values, plausible) if plausible is not None else json_values


def payloads(action, ids: dict, sites: list[str]) -> st.SearchStrategy:
    """Payloads for an action: its own keys (some left out) with any values, maybe an extra key, or any JSON."""
    fields = action.payload.model_fields
    shaped = st.fixed_dictionaries({}, optional={name: field_values(name, ids, sites) for name in fields})
    with_extra = st.builds(lambda d, k, v: {**d, k: v}, shaped, st.text(max_size=10), json_values)
    return st.one_of(shaped, shaped, with_extra, json_values)


def arguments(data: st.SearchStrategy) -> st.SearchStrategy:
    """What follows the event name: nothing, one payload (mostly), or more than one."""
    return st.one_of(st.just(()), data.map(lambda d: (d,)), data.map(lambda d: (d,)),
                     st.tuples(data, json_values))


# --- what the server must do ------------------------------------------------------------------------------------


class HandlerFailures(logging.Handler):
    """Collects what the socket layer logs as a failure (on_error's "socket handler failed")."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def failures():
    """Every error logged while the test runs: an unhandled exception in a handler fails the test."""
    handler = HandlerFailures()
    loggers = [logging.getLogger(name) for name in ("eventapp", "socketio", "engineio", "flask_socketio")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def fingerprint() -> dict:
    """Every row of every table (but who is connected): what a refused input must leave exactly as it was."""
    db.session.expire_all()
    return {table.name: db.session.execute(table.select().order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables if table.name not in UNFINGERPRINTED}


def known_ids() -> dict:
    """The ids a payload may name, so that some payloads reach past the lookup into the controller."""
    from eventapp.models import Cue, Poll, Question, Segment, Vote

    return {name: list(db.session.scalars(db.select(model.id))) for name, model in (
        ("segment_id", Segment), ("poll_id", Poll), ("cue_id", Cue), ("vote_id", Vote), ("question_id", Question))}


def send(client, name: str, args: tuple):
    """Emit the event with its arguments and return the acknowledgement."""
    return client.emit(name, *args, callback=True)


def check_ack(reply, failures, name, args):
    """A dict with ok true or false, and no failure logged."""
    assert not failures.records, (name, args, [r.getMessage() for r in failures.records],
                                  [r.exc_info for r in failures.records])
    assert isinstance(reply, dict) and reply.get("ok") in (True, False), (name, args, reply)
    if reply["ok"] is False:
        assert isinstance(reply.get("error"), str) and reply["error"], (name, args, reply)


def connect(app, auth):
    """A Socket.IO test client of the given caller, with its welcome messages read."""
    client = socketio.test_client(app, auth=auth, query_string="lang=en")
    assert client.is_connected()
    client.get_received()
    return client


#: (action, role) for every role that may call it; a host is Enschede's host, a participant joined Enschede.
ACTION_CALLS = [(action.name, role.value) for action in ACTIONS for role in action.roles]


@pytest.mark.parametrize(("name", "who"), ACTION_CALLS)
def test_any_payload_of_an_action_gets_an_ack_and_a_refusal_changes_nothing(app, demo, links, failures, name, who):
    action = BY_NAME[name]
    prepare, _ = CASES[name]
    prepare(demo)
    client = connect(app, CALLERS[who](links))
    sites = [site.key for site in demo.sites] + ["utrecht", ""]
    ids = known_ids()

    @FUZZ
    @given(args=arguments(payloads(action, ids, sites)))
    def run(args):
        failures.records.clear()
        before = fingerprint()
        reply = send(client, name, args)
        check_ack(reply, failures, name, args)
        if reply["ok"] is False:
            assert fingerprint() == before, (name, args, reply)
        else:
            client.get_received()  # what it published

    run()


#: Cheap reads: fewer examples each, there are seven events times five callers.
FUZZ_OTHER = settings(FUZZ, max_examples=12)
OTHER_EVENTS = ["state:sync", "presence:heartbeat", "clock:ping", "programme:launch", "no-colon", "connect",
                "disconnect"]


@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize("name", OTHER_EVENTS)
def test_any_payload_of_the_other_events_gets_an_ack_and_changes_nothing(app, demo, links, failures, name, who):
    CASES["event:end"][0](demo)  # the event is running
    client = connect(app, CALLERS[who](links))
    data = st.one_of(json_values, st.fixed_dictionaries({}, optional={"version": st.one_of(
        st.sampled_from([0, 1, db.session.get(LiveState, demo.id).version]), json_values)}))

    @FUZZ_OTHER
    @given(args=arguments(data))
    def run(args):
        failures.records.clear()
        before = fingerprint()
        reply = send(client, name, args)
        assert not failures.records, (name, args, [r.getMessage() for r in failures.records])
        if name == "clock:ping":  # documented without "ok" (docs/PROTOCOL.md): the server's clock, always
            assert isinstance(reply, dict) and isinstance(reply.get("server_time"), float), (name, args, reply)
        else:
            check_ack(reply, failures, name, args)
        assert fingerprint() == before, (name, args, reply)

    run()
