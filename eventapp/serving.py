"""Where the running server serves, for the command line: `python run.py --port 5050` and `flask links` agree.

The server writes its public base URL and its process id to `instance/serving.json` when it starts listening. The
CLI takes that address only while the record is true: the process is alive and the address answers. A record left
by a server that was killed is then ignored, so the links never point at a port nobody serves. An explicit
PUBLIC_BASE_URL always wins (a proxy, several workers: docs/deployment.md).
"""

import json
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

RECORD = "serving.json"


def record_path(app: Flask) -> Path:
    return Path(app.instance_path) / RECORD


def record_serving(app: Flask, base_url: str, host: str, port: int) -> None:
    """Note that this process serves `base_url` (listening on host:port); replaces an older record."""
    path = record_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"base_url": base_url, "host": host, "port": port, "pid": os.getpid()}))
    temporary.replace(path)  # a reader never sees half a record


def forget_serving(app: Flask) -> None:
    """Remove the record when it is this process's (the server stops)."""
    path = record_path(app)
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def served_base_url(app: Flask) -> str | None:
    """The base URL the running server serves, or None when no server of this instance is running."""
    try:
        record = json.loads(record_path(app).read_text())
        base_url, host, port, pid = record["base_url"], record["host"], int(record["port"]), int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (_alive(pid) and _answers(host, port)):
        return None
    return base_url if urlsplit(base_url).scheme in ("http", "https") else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _answers(host: str, port: int) -> bool:
    """Whether something accepts connections at host:port (a wildcard address is asked on loopback)."""
    address = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False
