"""Refresh docs/screenshots/: every surface of the demo event, as a person sees it, in headless Chromium.

Starts the real server (`python run.py`) on a free port with a fresh instance folder, drives the demo through the
chair's HTTP API and a few phones over Socket.IO (the event started, the poll segment on, vraag-3 open with votes),
and takes a picture of each page. Run it with the test environment (`make setup-test`), as `make screenshots`.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import socketio
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1440, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`python run.py` on 127.0.0.1 with its own instance folder, stopped at the end."""

    def __init__(self, instance: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "EVENTAPP_INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1"}
        self.log = open(instance.parent / "server.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen([sys.executable, "run.py", "--host", "127.0.0.1", "--port", str(self.port)],
                                        cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/", timeout=1).status_code < 500:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the server did not start; see {self.log.name}")

    def links(self) -> dict:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "links", "--json"], cwd=ROOT,
                                env=self.env, capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


class ChairApi:
    """The chair's actions over the HTTP API (the same actions as the control panel's)."""

    def __init__(self, server: Server, links: dict):
        self.base = f"{server.base}/api/v1/events/{links['event']}"
        self.headers = {"Authorization": f"Bearer {links['chair']['token']}"}

    def do(self, path: str, payload: dict | None = None) -> dict:
        response = requests.post(f"{self.base}/{path}", json=payload or {}, headers=self.headers, timeout=10)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict:
        return requests.get(f"{self.base}/state", headers=self.headers, timeout=10).json()

    def segment_id(self, kind: str) -> int:
        return next(row["id"] for row in self.state()["runsheet"] if row["kind"] == kind)

    def poll(self, key: str) -> dict:
        return next(poll for poll in self.state()["polls"] if poll["key"] == key)


def vote(server: Server, code: str, poll: dict, option: int) -> None:
    """A phone that joins with the site's code and answers."""
    joined = requests.post(f"{server.base}/api/v1/join", json={"code": code}, timeout=10).json()
    phone = socketio.Client(reconnection=False)
    phone.connect(server.base, auth={"participant": joined["token"]}, wait_timeout=10)
    try:
        reply = phone.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": poll["options"][option]["id"]},
                                         "key": uuid.uuid4().hex}, timeout=10)
        assert reply.get("ok"), reply
    finally:
        phone.disconnect()


def shoot(browser, url: str, name: str, viewport: dict | None = None, phone: bool = False, wait_ms: int = 2500):
    context = browser.new_context(**PHONE) if phone else browser.new_context(viewport=viewport or PROJECTOR)
    page = context.new_page()
    page.goto(url)
    page.wait_for_timeout(wait_ms)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=not viewport or viewport is LAPTOP)
    print(f"docs/screenshots/{name}.png")
    return context, page


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder) / "instance")
        try:
            links = server.links()
            chair = ChairApi(server, links)
            sites = links["sites"]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                shoot(browser, sites["enschede"]["screen"]["url"], "screen-welcome")
                shoot(browser, sites["enschede"]["join"]["url"], "phone-join", phone=True)

                chair.do("event/start", {"confirm": True})
                chair.do("programme/jump", {"segment_id": chair.segment_id("poll")})
                poll = chair.poll("vraag-3")
                chair.do("poll/open", {"poll_id": poll["id"]})
                for site, option in (("den-haag", 0), ("den-haag", 1), ("enschede", 0), ("enschede", 0),
                                     ("eindhoven", 2), ("online", 0)):
                    vote(server, sites[site]["join"]["code"], poll, option)
                context, phone = shoot(browser, sites["enschede"]["join"]["url"], "phone-poll", phone=True)
                phone.get_by_role("button", name="Doe mee").click()
                phone.wait_for_timeout(2500)
                phone.screenshot(path=str(OUT / "phone-poll.png"), full_page=True)
                shoot(browser, links["chair"]["url"], "control", LAPTOP)
                shoot(browser, sites["enschede"]["host"]["url"], "host", LAPTOP)
                shoot(browser, sites["enschede"]["screen"]["url"], "screen-poll")
                shoot(browser, sites["enschede"]["screen"]["url"] .replace("#", "?overlay=1#"), "screen-overlay")
                shoot(browser, sites["enschede"]["speaker"]["url"], "speaker")
                chair_base = links["chair"]["url"].split("/control#")[0]
                token = links["chair"]["url"].split("#")[1]
                for page in ("audience", "programme", "links", "report"):
                    shoot(browser, f"{chair_base}/{page}#{token}", f"chair-{page}", LAPTOP)
                shoot(browser, f"{chair_base}/results/vraag-3", "results-page", LAPTOP)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
