"""Domain errors: raised by the controller and turned into clear replies by the web and socket layers."""


class AppError(Exception):
    """A refused request: `status` is the HTTP status, `message` says what is wrong in plain words."""

    status = 400
    #: Whether sending the same request again (a vote: with the same key) may succeed: nothing was done.
    retry = False

    def __init__(self, message: str, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadInput(AppError):
    """The request's data is malformed or breaks a rule."""

    status = 400


class Forbidden(AppError):
    """The caller may not do this."""

    status = 403


class NotFound(AppError):
    """The thing asked for does not exist."""

    status = 404


class Conflict(AppError):
    """The request does not fit the current state (e.g. deleting the segment that is on now)."""

    status = 409


class TooMany(AppError):
    """The caller (a participant or an address) went over a rate limit; waiting helps."""

    status = 429


class Busy(AppError):
    """The server is behind: the request was not done, and the client should send it again in a moment.

    Its details say "busy", so that a phone keeps a refused vote and sends it again (with the same key).
    """

    status = 503
    retry = True

    def __init__(self, message: str):
        super().__init__(message, [{"path": "", "reason": "busy"}])


class NotStored(AppError):
    """The database failed (gone, refusing connections, disk full): nothing was stored, and the same request sent
    again (a vote with the same key, which counts once) is stored once the database is back.

    Its details say "retry"; the reply says `"retry": true`.
    """

    status = 503
    retry = True

    def __init__(self, message: str):
        super().__init__(message, [{"path": "", "reason": "retry"}])
