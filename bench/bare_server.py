"""The benchmark's baseline: a bare python-socketio server on eventlet, with no app logic.

`python bench/bare_server.py --port N --payload snapshot.json` serves Socket.IO on 127.0.0.1:N the way
run.py serves the app (eventlet WSGI server, wide listen backlog, raised connection cap), but all it does is:

- on connect: send `state:changed` with the current payload to the new connection (as the app does);
- on `bench:trigger` (from any client): raise the payload's `version` by one, emit ONE `state:changed`
  broadcast of the payload to every connection, and acknowledge `{"ok": true, "version": N}`;
- on `bench:count`: acknowledge `{"connections": N, "votes": {POLL_ID: N}}`;
- on `poll:vote` (bench/votes.py), `{"poll_id": ID, ...}`: count it in memory (no database, no checks) and
  acknowledge `{"ok": true}`; every `--interval` seconds (0.25, the app's pump) a poll that got votes has its
  count broadcast as `poll:results` `{"poll_id", "total": {"voters": N}, "pad": "..."}` to every connection
  (`--results-to all`, as the app does with results that are shown) or to the clients that connected with
  `{"role": "screen"}` only (`--results-to screens`); `--results-pad N` pads it to the app's message size.

The payload is the app's public snapshot taken by the benchmark, so both servers send messages of the same
size. Not part of the app; used only by bench/broadcast.py and bench/votes.py.
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


def build(payload: dict, interval: float = 0.25, results_to: str = "all", results_pad: int = 0
          ) -> tuple[socketio.Server, socketio.WSGIApp]:
    """The Socket.IO server and its WSGI app around one mutable state."""
    sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=[], logger=False, engineio_logger=False)
    state = dict(payload)
    connected: set[str] = set()
    votes: dict[int, int] = {}
    dirty: set[int] = set()
    pad = "x" * results_pad

    @sio.event
    def connect(sid, environ, auth=None):
        connected.add(sid)
        if isinstance(auth, dict) and auth.get("role") == "screen":
            sio.enter_room(sid, "screen")
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
        return {"connections": len(connected), "votes": votes}

    @sio.on("poll:vote")
    def vote(sid, data=None):
        poll_id = data.get("poll_id") if isinstance(data, dict) else None
        if type(poll_id) is not int:
            return {"ok": False, "error": "poll_id"}
        votes[poll_id] = votes.get(poll_id, 0) + 1
        dirty.add(poll_id)
        return {"ok": True}

    def pump():
        """Like the app's pump: the counts of the polls that got votes, at most once per interval."""
        while True:
            sio.sleep(interval)
            polls = sorted(dirty)
            dirty.clear()
            for poll_id in polls:
                sio.emit("poll:results", {"poll_id": poll_id, "total": {"voters": votes[poll_id]}, "pad": pad},
                         to="screen" if results_to == "screens" else None)

    sio.start_background_task(pump)

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
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between two vote-count pushes")
    parser.add_argument("--results-to", choices=("all", "screens"), default="all")
    parser.add_argument("--results-pad", type=int, default=0, help="characters of padding in poll:results")
    args = parser.parse_args()
    with open(args.payload, encoding="utf-8") as f:
        payload = json.load(f)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    _, app = build(payload, args.interval, args.results_to, args.results_pad)
    print(f"bare server on http://{args.host}:{args.port}", flush=True)
    listener = eventlet.listen((args.host, args.port), backlog=2048)
    eventlet.wsgi.server(listener, app, max_size=args.max_connections, log_output=False)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
