"""Fuzzing the HTTP API with schemathesis, from its own OpenAPI document (/api/v1/openapi.json), in process:
no request gets a server error, every response matches what the document says, and a refused request (4xx)
leaves the database as it was.

Requests name the demo event (a random slug would only ever meet "no such event") and, often, one of its real
polls, segments, cues, votes or questions; they carry the chair's current bearer token (a rotation of the chair's
link replaces it), or Enschede's host's for the actions only a host may call.
"""

import zlib
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

# Imported here, at collection: schemathesis imports it lazily, and pytest's rewriting of it fails inside the
# browser tests' Playwright greenlet ("AST constructor recursion depth mismatch", CPython 3.11).
from schemathesis.specs.openapi import schemas as _openapi_schemas  # noqa: F401
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventapp.controller.actions import BY_NAME
from eventapp.extensions import db
from eventapp.links import event_links
from eventapp.models import Cue, Poll, Question, Role, Segment, Vote
from tests.conftest import DEMO_SLUG
from tests.test_fuzz_socket_events import fingerprint

#: Warnings are errors here; hypothesis warns of a draw from the `random` module during generation (schemathesis'
#: strategies, or background threads of earlier tests) and of large reprs: neither is about the app.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
]

#: (operation, status) -> how often: to see that the requests get past the refusals, too.
STATUSES = Counter()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


#: Per operation; there are about forty. Derandomized so that CI repeats its requests.
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def pick(generated, choices: list):
    """One of the real values, or (one time in len+1) the generated one; chosen from the generated value itself,
    so that a run repeats its requests."""
    index = zlib.crc32(repr(generated).encode()) % (len(choices) + 1)
    return choices[index] if index < len(choices) else generated


#: The models behind the ids a body or a path may name.
ID_MODELS = {"segment_id": Segment, "poll_id": Poll, "cue_id": Cue, "vote_id": Vote, "question_id": Question}


def aim_at_the_demo(case) -> None:
    """Point the request at the demo event, and often at one of its real polls, segments, cues, votes and
    questions, so that requests get past "does not exist" into the controller."""
    parameters = case.path_parameters or {}
    if "slug" in parameters:
        parameters["slug"] = DEMO_SLUG
    if "poll_key" in parameters:
        parameters["poll_key"] = pick(parameters["poll_key"], list(db.session.scalars(db.select(Poll.key))))
    targets = [parameters] + ([case.body] if isinstance(case.body, dict) else [])
    for target in targets:
        for name, model in ID_MODELS.items():
            if isinstance(target.get(name), int):
                target[name] = pick(target[name], list(db.session.scalars(db.select(model.id))))


def token_for(operation, links: dict) -> str:
    """The chair's token, but Enschede's host's for an action only a host may call."""
    action = BY_NAME.get(operation.path.removeprefix("/api/v1/events/{slug}/").replace("/", ":", 1))
    if action is not None and Role.CHAIR not in action.roles:
        return links["sites"]["enschede"]["host"]["token"]
    return links["chair"]["token"]


def fuzz(operation, demo) -> None:
    """Send the operation's generated requests, valid and invalid, with the chair's token, and check each."""

    @FUZZ
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        aim_at_the_demo(case)
        db.session.expire_all()
        token = token_for(operation, event_links(demo))  # read again: a rotation may have replaced it
        before = fingerprint()

        response = case.call(headers={"Authorization": f"Bearer {token}"})

        STATUSES[(operation.label, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)
        if 400 <= response.status_code < 500:
            assert fingerprint() == before, (case.method, case.formatted_path, case.body, response.status_code,
                                             response.text[:300])

    run()


def test_the_api_answers_every_request_as_documented_and_a_refusal_changes_nothing(app, demo):
    """Every operation of the document in turn, on one app whose state the accepted requests move on.

    (schemathesis' own pytest loader, `from_fixture`, fails under pytest 9 here, so the operations' strategies
    are driven by hypothesis directly.)
    """
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        fuzz(operation, demo)
    accepted = {label for (label, status), count in STATUSES.items() if status < 300}
    assert len(accepted) >= 20, f"the fuzz hardly got past the refusals: {sorted(STATUSES.items())}"
