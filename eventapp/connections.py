"""The server's connections, counted as `python run.py` accepts them, so that one address cannot take them all
and the crew always finds room (docs/security.md, "Limits and what each protects").

run.py admits each accepted TCP connection here and releases it when it closes; the app asks whether a request
came over a connection of the crew's reserve. Under the test server (threading) nothing is admitted, so nothing
is ever refused.

- At most MAX_CONNECTIONS_PER_ADDRESS connections from one address (not applied behind a proxy, PROXY_COUNT > 0:
  there every connection comes from the proxy, which limits per client itself).
- MAX_CONNECTIONS for everyone, and CREW_CONNECTIONS more that serve only the crew (the server's pool holds
  both; a connection beyond them waits in the listen backlog). A connection accepted beyond MAX_CONNECTIONS is
  in the reserve: over it the app serves only requests that carry a link's token (pages, API) and Socket.IO
  connections of the chair, hosts and screens.
- Timeouts (run.py): a connection that sends no request within REQUEST_TIMEOUT, or falls silent within a request
  or WebSocket for IDLE_TIMEOUT, is closed, so idle connections do not keep their places.
"""

import threading
from collections import Counter


class Gate:
    """The open connections of this process, per address, and which of them are in the crew's reserve."""

    def __init__(self) -> None:
        self.audience_cap = 0
        self.crew_reserve = 0
        self.per_address = 0  # 0: no cap per address
        self.open: Counter[str] = Counter()
        self.total = 0
        self.reserve: set[tuple[str, int]] = set()
        self.lock = threading.Lock()

    def configure(self, config) -> None:
        """Take the caps from the app's settings."""
        self.audience_cap = int(config["MAX_CONNECTIONS"])
        self.crew_reserve = int(config["CREW_CONNECTIONS"])
        self.per_address = 0 if config["PROXY_COUNT"] else int(config["MAX_CONNECTIONS_PER_ADDRESS"])

    @property
    def capacity(self) -> int:
        """Every connection the server holds at once: everyone's, and the crew's reserve."""
        return self.audience_cap + self.crew_reserve

    def admit(self, address: str, port: int) -> bool:
        """Count a new connection from (address, port); False (not counted) when its address has its most: close
        it. The server's pool of `capacity` holds the total: beyond it, connections wait in the listen backlog."""
        with self.lock:
            if self.per_address and self.open[address] >= self.per_address:
                return False
            self.open[address] += 1
            self.total += 1
            if self.total > self.audience_cap:
                self.reserve.add((address, port))
            return True

    def release(self, address: str, port: int) -> None:
        """Forget a connection that closed."""
        with self.lock:
            self.open[address] -= 1
            if self.open[address] <= 0:
                del self.open[address]
            self.total -= 1
            self.reserve.discard((address, port))

    def in_reserve(self, environ: dict) -> bool:
        """Whether the request of this WSGI environ came over a connection of the crew's reserve, as
        `mark_reserve` found when it arrived (a Socket.IO connection keeps its handshake's environ, so its CONNECT
        is judged by the connection its handshake came over, even once that one has closed)."""
        return bool(environ.get(RESERVE_KEY))

    def holds_reserve(self, environ: dict) -> bool:
        """Whether the connection this request arrived over (its address and port) is in the reserve now."""
        if not self.reserve:
            return False
        address = environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or environ.get("REMOTE_ADDR", "")
        try:
            port = int(environ.get("REMOTE_PORT") or 0)
        except ValueError:
            return False
        with self.lock:
            return (address, port) in self.reserve


#: This process's connections.
GATE = Gate()
#: The WSGI environ's mark of a request that came over a connection of the crew's reserve.
RESERVE_KEY = "eventapp.crew_reserve"


def mark_reserve(wsgi_app):
    """The WSGI app `wsgi_app`, with each request marked (RESERVE_KEY) when it arrives over a reserve connection."""

    def app(environ, start_response):
        environ[RESERVE_KEY] = GATE.holds_reserve(environ)
        return wsgi_app(environ, start_response)

    return app
