"""Default settings of the event orchestration app.

Every name here can be overridden by an environment variable with the prefix ``EVENTAPP_``
(for example ``EVENTAPP_DATABASE_URL``). Values of environment variables are read as JSON when they
parse as JSON (``5000``, ``true``) and as plain strings otherwise. See README.md, "Configuration".
"""

#: SQLAlchemy URL of the database. None: SQLite (WAL mode) at instance/eventapp.sqlite3.
DATABASE_URL = None

#: Seconds a write to SQLite waits for another connection's (or process's) write lock before it is refused as
#: "the database is busy; try again" (503, or an ack with ok false). The wait happens off the event loop.
SQLITE_BUSY_TIMEOUT = 15

#: Message queue for several worker processes, e.g. "redis://127.0.0.1:6379/0". None: one process.
MESSAGE_QUEUE_URL = None

#: Name of this deployment on the message queue: its Socket.IO channel and the prefix of its rate-limit keys.
#: Two deployments (or test runs) that share one Redis need different names, or they hear each other.
MESSAGE_QUEUE_CHANNEL = "eventapp"

#: Signs participant tokens and derives access tokens. None: generated once, kept in instance/secret_key.
SECRET_KEY = None

#: Base URL that phones and other machines use to reach the app, e.g. "http://192.168.1.20:5000".
#: None: built from HOST and PORT (with this machine's network address when HOST is 0.0.0.0).
PUBLIC_BASE_URL = None

#: Proxies in front of the app that add X-Forwarded-For/-Proto/-Host (1 behind config/nginx/eventapp.conf).
#: With 0 the proxy's own address would be every client's, and one rate limit per address would hold them all.
PROXY_COUNT = 0

#: Where `python run.py` listens.
HOST = "127.0.0.1"
PORT = 5000

#: This worker process's name in the Presence table (who holds which connection). None: this machine's host name
#: and PORT, which stay the same when the worker restarts, so that it clears the connections of its earlier run.
#: Give each worker its own when several share one database.
WORKER_ID = None

#: Async mode of Flask-SocketIO: "eventlet" (default), "gevent" or "threading" (tests only).
ASYNC_MODE = "eventlet"

#: Most simultaneous connections the server accepts for everyone (eventlet's own default is 1,024).
MAX_CONNECTIONS = 10000

#: Connections beyond MAX_CONNECTIONS kept for the crew: over them the server serves only requests with a link's
#: token and Socket.IO connections of the chair, hosts and screens, so a full server still takes the chair's.
CREW_CONNECTIONS = 200

#: Most simultaneous connections from one address (a room of phones behind one venue NAT shares one). Not
#: applied behind a proxy (PROXY_COUNT > 0), where every connection comes from the proxy: limit there.
MAX_CONNECTIONS_PER_ADDRESS = 2000

#: Seconds a connection may take to send a request (its first, or the next on a kept-alive connection) before
#: the server closes it: a connection that never completes a request does not hold a place.
REQUEST_TIMEOUT = 10

#: Seconds a connection may stay silent within a request or a WebSocket (Socket.IO pings every 25 s).
IDLE_TIMEOUT = 60

#: Largest Socket.IO message the server accepts, in bytes; a bigger one closes that connection.
MAX_MESSAGE_BYTES = 64 * 1024

#: Largest HTTP request body, in bytes (Flask refuses a bigger one with 413).
MAX_CONTENT_LENGTH = 1024 * 1024

#: Log one line per HTTP request (eventlet's access log), with tokens in query strings redacted.
ACCESS_LOG = False

#: Print every access link (with its token) when `python run.py` starts. Set to false where the server's output
#: goes to a log that others can read (systemd journal, container logs): `flask links` prints them on demand.
PRINT_LINKS = True

#: Language of the user interface when a person has not chosen one: "nl" or "en".
DEFAULT_LANGUAGE = "nl"

#: Load the demo event (config/demo_programme.yaml) when the database has no event yet.
LOAD_DEMO = True

#: Apply database migrations when the app starts.
MIGRATE_ON_START = True

#: Refuse offensive words (Dutch and English) in word clouds, open answers and questions.
PROFANITY_FILTER = True
