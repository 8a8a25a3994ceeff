"""The benchmark's baseline: a bare python-socketio server on eventlet, with no app logic.

`python bench/bare_server.py --port N --payload snapshot.json` serves Socket.IO on 127.0.0.1:N the way
run.py serves the app (eventlet WSGI server, wide listen backlog, raised connection cap), but all it does is:

- on connect: send `state:changed` with the current payload to the new connection (as the app does);
- on `bench:trigger` (from any client): raise the payload's `version` by one, emit ONE `state:changed`
  broadcast of the payload to every connection, and acknowledge `{"ok": true, "version": N}`;
- on `bench:count`: acknowledge `{"connections": N}`.

The payload is the app's public snapshot taken by bench/broadcast.py, so both servers send messages of the
same size. Not part of the app; used only by bench/broadcast.py.
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402


def build(payload: dict) -> tuple[socketio.Server, socketio.WSGIApp]:
    """The Socket.IO server and its WSGI app around one mutable state."""
    sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=[], logger=False, engineio_logger=False)
    state = dict(payload)
    connected: set[str] = set()

    @sio.event
    def connect(sid, environ, auth=None):
        connected.add(sid)
        sio.emit("state:changed", state, to=sid)

    @sio.event
    def disconnect(sid, reason=None):
        connected.discard(sid)

    @sio.on("bench:trigger")
    def trigger(sid, data=None):
        state["version"] = int(state.get("version", 0)) + 1
        sio.emit("state:changed", state)
        return {"ok": True, "version": state["version"]}

    @sio.on("bench:count")
    def count(sid, data=None):
        return {"connections": len(connected)}

    def plain(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"bare python-socketio server\n"]

    return sio, socketio.WSGIApp(sio, plain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--payload", required=True, help="JSON file: the state to broadcast (needs 'version')")
    parser.add_argument("--max-connections", type=int, default=10000)
    args = parser.parse_args()
    with open(args.payload, encoding="utf-8") as f:
        payload = json.load(f)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    _, app = build(payload)
    print(f"bare server on http://{args.host}:{args.port}", flush=True)
    listener = eventlet.listen((args.host, args.port), backlog=2048)
    eventlet.wsgi.server(listener, app, max_size=args.max_connections, log_output=False)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
