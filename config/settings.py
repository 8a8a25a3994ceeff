"""Default settings of the event orchestration app.

Every name here can be overridden by an environment variable with the prefix ``EVENTAPP_``
(for example ``EVENTAPP_DATABASE_URL``). Values of environment variables are read as JSON when they
parse as JSON (``5000``, ``true``) and as plain strings otherwise. See README.md, "Configuration".
"""

#: SQLAlchemy URL of the database. None: SQLite (WAL mode) at instance/eventapp.sqlite3.
DATABASE_URL = None

#: Message queue for several worker processes, e.g. "redis://127.0.0.1:6379/0". None: one process.
MESSAGE_QUEUE_URL = None

#: Signs participant tokens and derives access tokens. None: generated once, kept in instance/secret_key.
SECRET_KEY = None

#: Base URL that phones and other machines use to reach the app, e.g. "http://192.168.1.20:5000".
#: None: built from HOST and PORT (with this machine's network address when HOST is 0.0.0.0).
PUBLIC_BASE_URL = None

#: Where `python run.py` listens.
HOST = "127.0.0.1"
PORT = 5000

#: Async mode of Flask-SocketIO: "eventlet" (default), "gevent" or "threading" (tests only).
ASYNC_MODE = "eventlet"

#: Most simultaneous connections the server accepts (eventlet's own default is 1,024).
MAX_CONNECTIONS = 10000

#: Language of the user interface when a person has not chosen one: "nl" or "en".
DEFAULT_LANGUAGE = "nl"

#: Load the demo event (config/demo_programme.yaml) when the database has no event yet.
LOAD_DEMO = True

#: Apply database migrations when the app starts.
MIGRATE_ON_START = True

#: Refuse offensive words (Dutch and English) in word clouds, open answers and questions.
PROFANITY_FILTER = True
