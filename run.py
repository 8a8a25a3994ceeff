"""Start the event app: `python run.py [--host HOST] [--port PORT] [--workers N]`.

Monkey-patching comes first, before anything else is imported, as eventlet and gevent require.
"""

import os
import sys
import warnings

# eventlet is in maintenance mode and says so on import; the choice is deliberate (README, "Async mode").
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

ASYNC_MODE = os.environ.get("EVENTAPP_ASYNC_MODE", "eventlet")
if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    # psycopg (PostgreSQL) with its C speed-ups waits for the server in C, which stops eventlet's hub for the
    # whole query; its select() wait, green after the patch, lets the other connections run meanwhile. psycopg
    # chooses that by itself under gevent, not under eventlet (docs/performance.md, "Several workers").
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import gc  # noqa: E402
import logging  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.connections import GATE  # noqa: E402
from eventapp.extensions import socketio  # noqa: E402
from eventapp.links import event_links  # noqa: E402
from eventapp.models import Event  # noqa: E402
from eventapp.realtime import deadlines, presence, relay  # noqa: E402
from eventapp.serving import forget_serving, record_serving  # noqa: E402
from eventapp.settings import public_base_url  # noqa: E402
from eventapp.web.security import RedactTokens  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, prepare the database, print the links and serve until stopped."""
    parser = argparse.ArgumentParser(description="Run the event orchestration app.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 for the venue network)")
    parser.add_argument("--port", type=int, help="port to listen on (default 5000)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes, on ports PORT to PORT+N-1 behind a proxy with sticky sessions "
                             "(more than one needs EVENTAPP_MESSAGE_QUEUE_URL; docs/deployment.md)")
    # A worker of the supervisor below: the supervisor records where the app serves, not each worker.
    parser.add_argument("--supervised", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workers, supervised = args.workers, args.supervised
    del args.workers, args.supervised
    overrides = {k.upper(): v for k, v in vars(args).items() if v is not None}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # no log line of any library shows a token
        handler.addFilter(RedactTokens())
    app = create_app(overrides)
    host, port = app.config["HOST"], app.config["PORT"]
    if workers < 1 or port + workers - 1 > 65535:
        parser.error(f"--workers must be at least 1, and port {port} + {workers - 1} at most 65535")
    if workers > 1:
        if not app.config.get("MESSAGE_QUEUE_URL"):
            parser.error("several workers share their Socket.IO rooms through a message queue: "
                         "set EVENTAPP_MESSAGE_QUEUE_URL (e.g. redis://127.0.0.1:6379/0)")
        if app.config["PRINT_LINKS"]:
            print_links(app)
        with app.app_context():  # the database connections are the workers' from now on
            from eventapp.extensions import db

            db.engine.dispose()
        record_serving(app, public_base_url(app.config), host, port)
        try:
            supervise_workers(host, port, workers)
        finally:
            forget_serving(app)
        return
    raise_open_file_limit()
    presence.start_worker(app)  # this worker's connections of an earlier run are gone; their clients reconnect
    relay.start(app)  # pushes the changes that other processes (the CLI) left in the outbox
    deadlines.start(app)  # closes the polls whose time to answer is up (their stored deadline)
    if app.config["PRINT_LINKS"]:
        print_links(app)
    else:
        print("Links are not printed (EVENTAPP_PRINT_LINKS=false): `flask --app eventapp links` shows them.")
    print(f"Serving on http://{host}:{port} ({app.config['ASYNC_MODE']}); stop with Ctrl+C.", flush=True)
    tune_garbage_collector()
    if not supervised:  # `flask links` prints this address while this process serves it (eventapp/serving.py)
        record_serving(app, public_base_url(app.config), host, port)
    try:
        serve(app, host, port)
    finally:
        if not supervised:
            forget_serving(app)


def supervise_workers(host: str, port: int, count: int) -> None:
    """Run `count` workers (this script, one per port) until stopped, and start again one that dies.

    The database is already migrated (and the demo loaded) by this process, once, so the workers do not race
    to do it. A worker that dies loses only its connections: its clients reconnect, through the proxy, to
    another worker, and everything they see is read from the database.
    """
    env = {**os.environ, "EVENTAPP_MIGRATE_ON_START": "false", "EVENTAPP_PRINT_LINKS": "false"}

    def start(number: int) -> subprocess.Popen:
        command = [sys.executable, __file__, "--host", host, "--port", str(port + number), "--supervised"]
        return subprocess.Popen(command, env=env)

    stopping = []

    def stop(signum, frame):
        """SIGTERM ends the loop below. Raising from here instead would, under gevent, raise in its hub, which
        logs a traceback for a normal stop."""
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    workers = [start(number) for number in range(count)]
    print(f"Started {count} workers on http://{host}:{port} to :{port + count - 1}; stop with Ctrl+C.", flush=True)
    try:
        while not stopping:
            time.sleep(0.5)
            for number, worker in enumerate(workers):
                # A SIGTERM to the whole process group (systemctl stop) ends the workers too: the supervisor sees
                # them die after its own handler ran (sleep() goes on after a handler), and must not restart them.
                if worker.poll() is not None and not stopping:
                    logging.warning("worker on port %d exited (%s); starting it again", port + number,
                                    worker.returncode)
                    workers[number] = start(number)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()


def raise_open_file_limit() -> None:
    """Every connection is a file descriptor: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def tune_garbage_collector() -> None:
    """Fewer, cheaper collections: with a thousand connections the server holds some 340,000 objects, and the
    default thresholds stop it for ~200 ms every twenty actions (docs/performance.md). Objects made at start-up
    are frozen out of every later collection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def print_links(app) -> None:
    """Print where to open every surface of every event."""
    from eventapp.extensions import db

    with app.app_context():
        for event in db.session.scalars(db.select(Event).order_by(Event.id)):
            links = event_links(event)
            print(f"\n{event.title} ({event.slug})")
            print(f"  control panel        {links['chair']['url']}")
            for key, site in links["sites"].items():
                print(f"  {key:<12} host     {site['host']['url']}")
                print(f"  {key:<12} screen   {site['screen']['url']}")
                print(f"  {key:<12} speaker  {site['speaker']['url']}")
                print(f"  {key:<12} join     {site['join']['url']}  (code {site['join']['code']})")
        print(flush=True)


#: One access-log line per request, the same under eventlet and gevent; it passes the root handlers' RedactTokens.
ACCESS_LOG_FORMAT = '%(client_ip)s "%(request_line)s" %(status_code)s %(body_length)s %(wall_seconds).3f'
LISTEN_BACKLOG = 2048


def serve(app, host: str, port: int) -> None:
    """Serve HTTP and Socket.IO with a wide listen backlog, MAX_CONNECTIONS for everyone plus the crew's reserve,
    a cap per address, and timeouts that close connections which send no request or fall silent."""
    GATE.configure(app.config)
    if app.config["ASYNC_MODE"] == "eventlet":
        serve_eventlet(app, host, port)
    elif app.config["ASYNC_MODE"] == "gevent":
        serve_gevent(app, host, port)
    else:
        socketio.run(app, host=host, port=port, log_output=bool(app.config["ACCESS_LOG"]),
                     allow_unsafe_werkzeug=True)


def serve_eventlet(app, host: str, port: int) -> None:
    """eventlet's WSGI server, each connection admitted by GATE (its own cap would be 1,024 connections).
    `keepalive` is how long it waits for a request line, `socket_timeout` for anything else it reads or writes."""
    import eventlet.wsgi

    class GatedPool:
        """The server's pool of GATE.capacity green threads; a connection over its address's cap is closed at
        once (the server closes the socket when the green thread it gets back ends), and every other one is
        released from GATE when it closes."""

        def __init__(self) -> None:
            self.pool = eventlet.GreenPool(GATE.capacity)

        def spawn(self, handle, connection):
            address, port = connection[0][0], connection[0][1]
            if not GATE.admit(address, port):
                return eventlet.spawn(lambda: None)

            def serve_connection():
                try:
                    handle(connection)
                finally:
                    GATE.release(address, port)

            return self.pool.spawn(serve_connection)

        def waitall(self):
            return self.pool.waitall()

    listener = eventlet.listen((host, port), backlog=LISTEN_BACKLOG)
    eventlet.wsgi.server(listener, app, custom_pool=GatedPool(), keepalive=int(app.config["REQUEST_TIMEOUT"]),
                         socket_timeout=int(app.config["IDLE_TIMEOUT"]),
                         log_output=bool(app.config["ACCESS_LOG"]), log=logging.getLogger("eventapp.access"),
                         log_format=ACCESS_LOG_FORMAT)


def serve_gevent(app, host: str, port: int) -> None:
    """gevent's WSGI server. WebSocket comes from simple-websocket, which python-engineio's gevent driver uses
    when gevent-websocket (unmaintained since 2017) is not installed. A pool of GATE.capacity greenlets is the
    cap: without one, pywsgi accepts without limit until the process runs out of file descriptors. Each
    connection is admitted by GATE, and closed when it sends no request line within REQUEST_TIMEOUT or falls
    silent for IDLE_TIMEOUT (pywsgi has no timeouts of its own)."""
    from gevent import pool, pywsgi

    request_timeout, idle_timeout = int(app.config["REQUEST_TIMEOUT"]), int(app.config["IDLE_TIMEOUT"])

    class GatedServer(pywsgi.WSGIServer):
        """pywsgi's server with GATE's admission: a connection over its address's cap is closed at once."""

        def handle(self, sock, address):
            if not GATE.admit(address[0], address[1]):
                sock.close()
                return
            try:
                sock.settimeout(idle_timeout)
                super().handle(sock, address)
            finally:
                GATE.release(address[0], address[1])

    class AccessLogHandler(pywsgi.WSGIHandler):
        """pywsgi's request handler with eventlet's access-log line, so both modes log alike, and a WebSocket's
        end that leaves nothing but WebSocket frames on the connection."""

        def websocket_requested(self) -> bool:
            """The request asks for a WebSocket: the same test python-engineio makes before it upgrades."""
            connection = [token.strip() for token in self.environ.get("HTTP_CONNECTION", "").lower().split(",")]
            return "upgrade" in connection and self.environ.get("HTTP_UPGRADE", "").lower() == "websocket"

        def process_result(self) -> None:
            """A WebSocket ends its connection, and pywsgi writes nothing after it.

            simple-websocket writes its own 101 and runs the WebSocket on the socket. When the WebSocket of an
            upgraded long-polling connection ends, python-engineio still answers the upgrade request with a 200
            (under eventlet it returns eventlet's ALREADY_HANDLED instead); pywsgi would write that HTTP response
            after the WebSocket's closing frame, and the browser logs "Invalid frame header". A refused upgrade
            (400, 401) has had no 101 and is answered as usual. Without the close, pywsgi would read the client's
            last frames as the next HTTP request and log each as an error ("Invalid HTTP method").
            """
            if not self.websocket_requested():
                super().process_result()
                return
            self.close_connection = True
            ended_websocket = self.status is not None and self.code == 200 and self.environ.get(
                "PATH_INFO", "").startswith("/socket.io/")
            if not ended_websocket:
                super().process_result()

        def run_application(self) -> None:
            """A client that leaves during a WebSocket upgrade is a reset connection, as pywsgi expects it.

            python-engineio's simple-websocket wrapper raises a bare OSError() when it sends on a WebSocket the
            client has closed (e.g. the probe's answer, when a page replaces its connection mid-upgrade); pywsgi
            reads the errno from args[0], fails with an IndexError and logs a traceback for every such client.
            With an errno, pywsgi ends the connection quietly, as it does for any client that has gone.
            """
            try:
                super().run_application()
            except OSError as error:
                if error.args or not self.websocket_requested():
                    raise
                raise ConnectionResetError(errno.ECONNRESET, "the client closed the WebSocket") from error

        def read_requestline(self) -> str:
            """The request line, within REQUEST_TIMEOUT (a timeout ends the connection, as a reset does)."""
            self.socket.settimeout(request_timeout)
            try:
                return super().read_requestline()
            finally:
                if self.socket is not None:
                    self.socket.settimeout(idle_timeout)

        def format_request(self) -> str:
            client = self.client_address[0] if isinstance(self.client_address, tuple) else self.client_address
            status = (self._orig_status or self.status or "000").split()[0]
            wall = (self.time_finish or self.time_start) - self.time_start
            return ACCESS_LOG_FORMAT % {"client_ip": client or "-", "request_line": self.requestline or "",
                                        "status_code": status, "body_length": self.response_length or 0,
                                        "wall_seconds": wall}

    access_log = logging.getLogger("eventapp.access") if app.config["ACCESS_LOG"] else None
    server = GatedServer((host, port), app, backlog=LISTEN_BACKLOG, spawn=pool.Pool(GATE.capacity),
                               handler_class=AccessLogHandler, log=access_log,
                               error_log=logging.getLogger("eventapp.server"))
    server.serve_forever()

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is the normal way to stop
        main(sys.argv[1:])
