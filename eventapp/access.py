"""Access: the secret links of the chair, hosts and screens, join codes, and participant tokens.

A link's token is HMAC(secret key, random nonce), 128 bits, and only its SHA-256 is stored, so a copy of
the database alone opens nothing; with the instance's secret the links command can print it again.
"""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventapp.errors import Forbidden
from eventapp.extensions import db
from eventapp.models import AccessToken, Event, Participant, Role, Site

TOKEN_BYTES = 16  # 128 bits
JOIN_CODE_DIGITS = 6


class Caller:
    """Who is calling, once their token checked out.

    Made from loaded rows (an HTTP request, a Socket.IO connect) or from a connection's ids alone (every Socket.IO
    event after the connect: `Caller.of_connection`); then the event, site and participant are read when first
    used, so that a vote, which needs only their ids, reads none of them.
    """

    def __init__(self, role: Role, event: Event | None = None, site: Site | None = None,
                 participant: Participant | None = None, actor: str | None = None) -> None:
        self.role = role
        #: How the event log names this caller when not by its role and site (the command line: "cli").
        self.actor = actor
        self._event, self._site, self._participant = event, site, participant
        self.event_id = event.id if event is not None else None
        self.site_id = site.id if site is not None else None
        self._site_key = site.key if site is not None else None
        #: Phones that joined: who they are (their site is the caller's site).
        self.participant_id = participant.id if participant is not None else None

    @classmethod
    def of_connection(cls, role: Role, event_id: int, site_id: int | None, participant_id: int | None,
                      site_key: str | None = None) -> "Caller":
        """The caller of a connection, by the ids (and site key) its connect authenticated; nothing is read yet."""
        caller = cls(role)
        caller.event_id, caller.site_id, caller.participant_id = event_id, site_id, participant_id
        caller._site_key = site_key
        return caller

    @property
    def event(self) -> Event:
        if self._event is None:
            self._event = _loaded(Event, self.event_id, _("this event does not exist (anymore)"))
        return self._event

    @property
    def site(self) -> Site | None:
        if self._site is None and self.site_id is not None:
            self._site = _loaded(Site, self.site_id, _("this site does not exist (anymore)"))
        return self._site

    @property
    def site_key(self) -> str | None:
        """The site's key: from the connection when it was made from one (its rooms carry that key), else read."""
        if self._site_key is None and self.site_id is not None:
            self._site_key = self.site.key
        return self._site_key

    @property
    def participant(self) -> Participant | None:
        """The participant; a phone whose participant was deleted (forgotten) is told to join again."""
        if self._participant is None and self.participant_id is not None:
            self._participant = _loaded(Participant, self.participant_id,
                                        _("this phone's sign-in is not valid (anymore): join again"))
        return self._participant

    @property
    def label(self) -> str:
        """How the caller appears in the event log: 'chair', 'host:enschede', 'participant:17', 'cli', ..."""
        if self.actor is not None:
            return self.actor
        if self.participant_id is not None:
            return f"participant:{self.participant_id}"
        return self.role.value if self.site is None else f"{self.role.value}:{self.site.key}"


def _loaded(model, row_id: int, gone: str):
    row = db.session.get(model, row_id)
    if row is None:
        raise Forbidden(gone)
    return row


def derive_token(nonce: str) -> str:
    """The token of a nonce under this instance's secret key."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), b"access:" + nonce.encode(), hashlib.sha256)
    return urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(event: Event, role: Role, site: Site | None) -> AccessToken:
    """Create the access token of a role (and site) of an event, replacing the one it had."""
    existing = db.session.scalar(select(AccessToken).filter_by(event_id=event.id, role=role,
                                                                site_id=site.id if site else None))
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    nonce = secrets.token_hex(16)
    row = AccessToken(event=event, role=role, site=site, nonce=nonce, token_hash=hash_token(derive_token(nonce)))
    db.session.add(row)
    return row


#: The links every site has, besides the join code.
SITE_ROLES = (Role.HOST, Role.SCREEN, Role.SPEAKER)


def issue_all_tokens(event: Event) -> None:
    """Give an event its chair token and a host, screen and speaker token for every site."""
    issue_token(event, Role.CHAIR, None)
    for site in event.sites:
        for role in SITE_ROLES:
            issue_token(event, role, site)


def issue_missing_tokens(event: Event) -> int:
    """Give an event the links it lacks (an event made before a kind of link existed: the speaker view's), leaving
    every existing one as it is; returns how many were made."""
    have = set(db.session.execute(select(AccessToken.role, AccessToken.site_id)
                                  .where(AccessToken.event_id == event.id)).all())
    wanted = [(Role.CHAIR, None)] + [(role, site) for site in event.sites for role in SITE_ROLES]
    missing = [(role, site) for role, site in wanted if (role, site.id if site else None) not in have]
    for role, site in missing:
        issue_token(event, role, site)
    return len(missing)


def token_of(row: AccessToken) -> str:
    """The token of a stored access token; refuses when the secret key no longer matches its hash."""
    token = derive_token(row.nonce)
    if hash_token(token) != row.token_hash:
        raise LookupError("the secret key has changed since this link was made; "
                          "make new links with: flask --app eventapp rotate-links SLUG --all")
    return token


def identify(event: Event, token: str | None) -> Caller | None:
    """The caller a chair, host or screen token stands for within this event, or None."""
    caller = identify_any(token)
    return caller if caller is not None and caller.event.id == event.id else None


def identify_any(token: str | None) -> Caller | None:
    """The caller a chair, host or screen token stands for, in whichever event it belongs to."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == hash_token(token)))
    return Caller(role=row.role, event=row.event, site=row.site) if row is not None else None


def participant_token(participant: Participant) -> str:
    """The signed token a phone keeps (localStorage) to stay the same participant across reloads."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="participant").dumps({"p": participant.public_id})


def identify_participant(token: str | None) -> Caller | None:
    """The participant a phone's signed token stands for, or None."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="participant").loads(token)
    except BadSignature:
        return None
    participant = db.session.scalar(select(Participant).where(Participant.public_id == str(data.get("p"))))
    if participant is None:
        return None
    site = db.session.get(Site, participant.site_id)
    return Caller(role=Role.PARTICIPANT, event=site.event, site=site, participant=participant)


def new_join_code() -> str:
    """A join code no site has yet: digits only, easy to type on a phone."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))
        if code[0] != "0" and db.session.scalar(select(Site.id).where(Site.join_code == code)) is None:
            return code
