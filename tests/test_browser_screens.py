"""Room screens and host panels in a real browser against the real server: who is on air, a regional
segment run from a host panel, the chair's message, the holding scene, the reconnecting state across a server
restart, and the transparent overlay. Every test leaves screenshots under test-artifacts/ (projector 1920x1080,
laptop 1366x768)."""

import base64
import re
import sqlite3
import struct
import threading
import zlib
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import RealServer, with_query
from tests.crew import Chair, url, wait_live

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def shot(page, folder, name: str, **options) -> None:
    """A screenshot of the page as it is, after the entrance animation."""
    page.wait_for_timeout(600)
    page.screenshot(path=str(folder / f"{name}.png"), **options)


def assert_fits(page) -> None:
    """A screen never scrolls, and what is on now fits its box (the text shrinks instead of being cut)."""
    sizes = page.evaluate("""() => {
        const root = document.documentElement, now = document.getElementById('now');
        return {width: root.scrollWidth, height: root.scrollHeight, viewWidth: innerWidth, viewHeight: innerHeight,
                nowScroll: now.scrollHeight, nowBox: now.clientHeight};
    }""")
    assert sizes["width"] <= sizes["viewWidth"] and sizes["height"] <= sizes["viewHeight"], sizes
    assert sizes["nowScroll"] <= sizes["nowBox"] + 1, sizes


def seconds(countdown: str) -> int:
    """'1:19:55' or '8:44' in seconds."""
    total = 0
    for part in countdown.strip().split(":"):
        total = total * 60 + int(part)
    return total


def png_alpha(data: bytes, x: int, y: int) -> int:
    """The alpha of one pixel of an 8-bit PNG (small images only: the filters are undone in Python).

    Chromium writes an opaque picture without an alpha channel (RGB): every pixel of it has alpha 255.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            if (depth, colour) == (8, 2):
                return 255
            assert (depth, colour) == (8, 6), f"an unexpected PNG (depth {depth}, colour type {colour})"
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * 4, [], bytearray(width * 4)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - 4] if i >= 4 else 0
            up = previous[i]
            corner = previous[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    return rows[y][x * 4 + 3]


# ---- who is on air ----

def test_the_site_on_air_shows_on_air_while_the_others_show_live_from_it(live_chair, server_links, open_page,
                                                                          artifacts):
    enschede = open_page(url(server_links, "enschede", "screen"))
    den_haag = open_page(url(server_links, "den-haag", "screen"))
    host = open_page(url(server_links, "enschede", "host"), LAPTOP)
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("live:on-air", {"site": "enschede"})

    expect(enschede.get_by_test_id("on-air")).to_have_text("ON AIR")
    expect(enschede.get_by_test_id("live-from")).to_have_count(0)
    expect(den_haag.get_by_test_id("live-from")).to_have_text("LIVE from Enschede")
    expect(den_haag.get_by_test_id("on-air")).to_have_count(0)
    expect(host.get_by_test_id("air-badge")).to_have_text("ON AIR")
    for page in (enschede, den_haag):
        wait_live(page)
        expect(page.get_by_test_id("now-title")).to_have_text("Centrale aftrap")
        expect(page.get_by_test_id("segment-countdown")).to_be_visible()
        assert_fits(page)
    # Both count down to the same server time: read side by side, they agree to the second.
    first = seconds(enschede.get_by_test_id("segment-countdown").locator(".timer-value").inner_text())
    second = seconds(den_haag.get_by_test_id("segment-countdown").locator(".timer-value").inner_text())
    assert abs(first - second) <= 1, (first, second)
    assert 9 * 60 - 5 <= first <= 10 * 60

    shot(enschede, artifacts, "screen-enschede-on-air")
    shot(den_haag, artifacts, "screen-den-haag-live-from-enschede")
    shot(host, artifacts, "host-enschede-on-air")
    for page in (enschede, den_haag):
        page.set_viewport_size(LAPTOP)
        assert_fits(page)
    shot(enschede, artifacts, "screen-enschede-on-air-laptop")
    shot(den_haag, artifacts, "screen-den-haag-live-from-enschede-laptop")

    # The chair switches on: the banner follows on every screen.
    live_chair.do("live:on-air", {"site": "den-haag"})
    expect(den_haag.get_by_test_id("on-air")).to_have_text("ON AIR")
    expect(enschede.get_by_test_id("live-from")).to_have_text("LIVE from Den Haag")
    expect(host.get_by_test_id("air-badge")).to_have_text("LIVE from Den Haag")


# ---- a regional segment, run from the host panel ----

def test_a_regional_segment_shows_each_sites_part_and_the_item_its_host_puts_on(live_chair, server_links, open_page,
                                                                                 artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})
    host = open_page(url(server_links, "enschede", "host"), LAPTOP)
    enschede = open_page(url(server_links, "enschede", "screen"))
    den_haag = open_page(url(server_links, "den-haag", "screen"), LAPTOP)

    expect(enschede.get_by_test_id("now-title")).to_have_text("Drie podia in de Grolsch Veste")
    expect(den_haag.get_by_test_id("now-title")).to_have_text("Miniworkshop samenwerken")
    expect(enschede.get_by_test_id("current-item")).to_be_hidden()
    expect(enschede.get_by_test_id("screen-air")).to_be_empty()  # nobody is on air while split
    expect(host.get_by_test_id("air-badge")).to_have_text("OWN PART")

    items = host.get_by_test_id("item-button")
    expect(items).to_have_count(3)
    items.nth(1).click()
    expect(items.nth(1)).to_have_attribute("aria-pressed", "true")
    item = enschede.get_by_test_id("current-item")
    expect(item).to_contain_text("Podium 2: Samenwerking tussen vraag en aanbod")
    expect(item).to_contain_text("2 of 3")
    expect(den_haag.get_by_test_id("current-item")).to_be_hidden()  # another site's part is not touched
    expect(den_haag.get_by_test_id("now-title")).to_have_text("Miniworkshop samenwerken")

    host.get_by_test_id("item-next").click()
    expect(item).to_contain_text("Podium 3: Regio in Beeld")
    expect(items.nth(2)).to_have_attribute("aria-pressed", "true")  # the panel has the new state (not just the screen)
    expect(host.get_by_test_id("item-next")).to_be_disabled()
    host.get_by_test_id("item-previous").click()
    expect(item).to_contain_text("Podium 2")

    host.get_by_role("button", name="10 min", exact=True).click()
    site_timer = enschede.get_by_test_id("site-timer")
    expect(site_timer).to_be_visible()
    expect(site_timer.locator(".timer-value")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    expect(den_haag.get_by_test_id("site-timer")).to_be_hidden()
    expect(host.get_by_test_id("timer-display")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))

    # A refusal of the server shows in the alert area and changes nothing.
    host.get_by_label("Minutes").fill("300")
    host.get_by_role("button", name="Start", exact=True).click()
    expect(host.get_by_role("alert")).to_contain_text("4 hours")
    expect(site_timer.locator(".timer-value")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))

    host.get_by_role("button", name="Needs time", exact=True).click()
    expect(host.get_by_role("button", name="Needs time", exact=True)).to_have_attribute("aria-pressed", "true")
    sites = {site["key"]: site for site in live_chair.state()["sites"]}
    assert sites["enschede"]["host_status"] == "needs_time"
    assert sites["enschede"]["item_index"] == 1
    assert sites["den-haag"]["item_index"] is None
    expect(host.get_by_test_id("host-alert")).to_be_empty()  # a done action clears the last refusal

    for page in (enschede, den_haag):
        assert_fits(page)
    shot(host, artifacts, "host-enschede")
    shot(enschede, artifacts, "screen-enschede-regional")
    shot(den_haag, artifacts, "screen-den-haag-regional-laptop")

    host.get_by_test_id("timer-stop").click()
    expect(site_timer).to_be_hidden()


def test_a_host_answers_cues_for_its_site_and_for_all_hosts(live_chair, server_links, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("cue:send", {"text": "Klaar voor de livegroet uit de Grolsch Veste?", "site": "enschede"})
    live_chair.do("cue:send", {"text": "Nog vijf minuten tot de afsluiting", "site": None})
    live_chair.do("cue:send", {"text": "Alleen voor Eindhoven", "site": "eindhoven"})
    host = open_page(url(server_links, "enschede", "host"), LAPTOP)

    cues = host.get_by_test_id("cue")
    expect(cues).to_have_count(2)
    expect(host.get_by_test_id("host-cues")).not_to_contain_text("Alleen voor Eindhoven")
    to_all = cues.filter(has_text="Nog vijf minuten")
    to_us = cues.filter(has_text="Klaar voor de livegroet")
    to_all.get_by_role("button", name="Ready").click()
    expect(to_all).to_have_attribute("data-state", "ready")
    expect(cues).to_have_count(2)  # the answer replaces the cue to all; it is not shown twice
    to_us.get_by_role("button", name="Needs time").click()
    expect(to_us).to_have_attribute("data-state", "needs_time")
    shot(host, artifacts, "host-enschede-cues")

    answered = [cue for cue in live_chair.state()["cues"] if cue["text"] == "Nog vijf minuten tot de afsluiting"]
    assert {(cue["site"], cue["state"]) for cue in answered} == {(None, "sent"), ("enschede", "ready")}


def test_the_host_panel_takes_an_edited_programme_without_a_reload(live_chair, server_links, open_page):
    host = open_page(url(server_links, "enschede", "host"), LAPTOP)
    wait_live(host)
    host.evaluate("window.__samePage = true")  # gone if the page reloaded
    segment_id = live_chair.segment_id("break")
    headers = {"Authorization": f"Bearer {live_chair.token}"}
    base = f"{live_chair.server.base_url}/api/v1/events/{server_links['event']}"
    programme = requests.get(f"{base}/programme", headers=headers, timeout=10).json()
    spec = next(item["segment"] for item in programme["segments"] if item["id"] == segment_id)
    response = requests.put(f"{base}/segments/{segment_id}", json={"segment": {**spec, "title": "Koffie en thee"}},
                            headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    expect(host.get_by_test_id("host-programme")).to_contain_text("Koffie en thee")
    assert host.evaluate("window.__samePage") is True


# ---- the chair's message, the holding scene, before the start and after the end ----

def test_a_message_and_a_holding_scene_from_the_chair_appear_on_the_screen(live_chair, server_links, open_page,
                                                                           artifacts):
    live_chair.do("event:start", {"confirm": True})
    enschede = open_page(url(server_links, "enschede", "screen"))
    eindhoven = open_page(url(server_links, "eindhoven", "screen"))
    wait_live(enschede)
    text = "Nog 2 minuten: rond het gesprek af en kom terug naar de zaal"
    live_chair.post("screen/message", {"text": text, "site": "enschede"})

    expect(enschede.get_by_test_id("screen-message")).to_have_text(text)
    expect(eindhoven.get_by_test_id("screen-message")).to_be_hidden()
    assert_fits(enschede)
    shot(enschede, artifacts, "screen-enschede-message")

    live_chair.post("screen/scene", {"scene": "holding", "text": "Pauze: we gaan om 14:55 verder", "site": "enschede"})
    expect(enschede.get_by_test_id("screen-holding")).to_be_visible()
    expect(enschede.get_by_test_id("screen-holding")).to_contain_text("Pauze: we gaan om 14:55 verder")
    expect(enschede.get_by_test_id("screen-message")).to_be_visible()  # the message stays on top
    expect(eindhoven.get_by_test_id("screen-holding")).to_be_hidden()
    shot(enschede, artifacts, "screen-enschede-holding")

    live_chair.post("screen/scene", {"scene": "programme", "site": "enschede"})
    live_chair.post("screen/message", {"text": "", "site": "enschede"})
    expect(enschede.get_by_test_id("screen-holding")).to_be_hidden()
    expect(enschede.get_by_test_id("screen-message")).to_be_hidden()


def test_the_screen_welcomes_before_the_start_and_closes_after_the_end(live_chair, server_links, open_page, artifacts):
    screen = open_page(url(server_links, "eindhoven", "screen"))
    wait_live(screen)
    now = screen.get_by_test_id("screen-now")
    expect(now).to_contain_text("Landelijke bijeenkomst Perspectief op Werk")
    expect(now).to_contain_text("We start at 13:00")
    join = screen.get_by_test_id("screen-join")
    expect(join).to_contain_text(server_links["sites"]["eindhoven"]["join"]["code"][:3])
    assert join.bounding_box()["height"] > 500  # large before the start
    assert_fits(screen)
    shot(screen, artifacts, "screen-eindhoven-welcome")
    screen.set_viewport_size(LAPTOP)
    assert_fits(screen)
    shot(screen, artifacts, "screen-eindhoven-welcome-laptop")
    screen.set_viewport_size(PROJECTOR)

    live_chair.do("event:start", {"confirm": True})
    expect(now).to_contain_text("Centrale aftrap")
    assert join.bounding_box()["height"] < 300  # small in the corner during the programme

    live_chair.do("event:end")
    expect(now).to_contain_text("Thank you for being here")
    expect(screen.get_by_test_id("segment-countdown")).to_be_hidden()
    shot(screen, artifacts, "screen-eindhoven-closing")


def set_video(live_chair, server_links, video: str | None) -> int:
    """Give the demo's video segment this file (None: none), through the programme API; its id."""
    segment_id = live_chair.segment_id("video")
    headers = {"Authorization": f"Bearer {live_chair.token}"}
    base = f"{live_chair.server.base_url}/api/v1/events/{server_links['event']}"
    programme = requests.get(f"{base}/programme", headers=headers, timeout=10).json()
    spec = next(item["segment"] for item in programme["segments"] if item["id"] == segment_id)
    response = requests.put(f"{base}/segments/{segment_id}", json={"segment": {**spec, "video": video}},
                            headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return segment_id


def test_a_video_segment_without_a_file_shows_a_title_card_with_the_elapsed_time(live_chair, server_links, open_page,
                                                                                artifacts):
    set_video(live_chair, server_links, None)  # the demo's segment has a file (static/media/demo.webm)
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("video")})
    screen = open_page(url(server_links, "online", "screen"))
    card = screen.get_by_test_id("video-card")
    expect(card).to_have_attribute("data-state", "stopped")
    live_chair.do("video:play")
    expect(card).to_have_attribute("data-state", "playing")
    expect(card.locator(".video-elapsed")).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5000)
    live_chair.do("video:pause")
    expect(card).to_have_attribute("data-state", "paused")
    shot(screen, artifacts, "screen-online-video")


def test_the_demo_programmes_video_segment_plays_its_own_file_on_the_room_screen(live_chair, server_links, open_page,
                                                                                artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("video")})
    screen = open_page(url(server_links, "enschede", "screen"))
    expect(screen.get_by_test_id("video")).to_have_attribute("src", "/static/media/demo.webm")
    wait_live(screen)
    live_chair.do("video:play")
    screen.wait_for_timeout(1500)
    state = screen.evaluate("""() => {
        const video = document.querySelector('[data-testid=video]');
        return {paused: video.paused, time: video.currentTime, duration: video.duration, width: video.videoWidth};
    }""")
    assert not state["paused"] and state["time"] >= 0.5, state
    assert (round(state["duration"]), state["width"]) == (6, 1280), state  # decoded: six seconds of 1280x720
    shot(screen, artifacts, "screen-enschede-demo-video")


RECORD_CLIP = """async seconds => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 180;
    const draw = canvas.getContext('2d'), started = performance.now();
    const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm'});
    const chunks = [];
    recorder.ondataavailable = event => chunks.push(event.data);
    const timer = setInterval(() => {
        draw.fillStyle = '#234'; draw.fillRect(0, 0, 320, 180); draw.fillStyle = '#fff';
        draw.font = 'bold 64px sans-serif';
        draw.fillText(((performance.now() - started) / 1000).toFixed(1) + 's', 40, 115);
    }, 40);
    recorder.start(250);
    await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    recorder.stop();
    await new Promise(resolve => { recorder.onstop = resolve; });
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let text = '';
    bytes.forEach(byte => { text += String.fromCharCode(byte); });
    return btoa(text);
}"""


class QuietFiles(SimpleHTTPRequestHandler):
    """Serves a folder without logging every request."""

    def log_message(self, *args):
        """Say nothing."""


@pytest.fixture
def video_url(browser, tmp_path):
    """A short video (recorded from a canvas by Chromium itself), served over HTTP as a venue's file server would."""
    recorder = browser.new_page()
    try:
        data = base64.b64decode(recorder.evaluate(RECORD_CLIP, 8))
    finally:
        recorder.close()
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "clip.webm").write_bytes(data)
    files = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietFiles, directory=str(folder)))
    threading.Thread(target=files.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{files.server_address[1]}/clip.webm"
    files.shutdown()
    files.server_close()


def video_state(page) -> dict:
    """What the screen's <video> element is doing."""
    return page.evaluate("""() => {
        const video = document.querySelector('[data-testid=video]');
        return {paused: video.paused, time: video.currentTime, src: video.currentSrc};
    }""")


def test_a_video_plays_pauses_and_seeks_in_step_on_every_screen(live_chair, server_links, open_page, video_url,
                                                                 artifacts):
    segment_id = set_video(live_chair, server_links, video_url)
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": segment_id})
    screens = [open_page(url(server_links, site, "screen")) for site in ("enschede", "eindhoven")]
    for screen in screens:
        expect(screen.get_by_test_id("video")).to_have_attribute("src", video_url)
        wait_live(screen)
    assert all(video_state(screen)["paused"] for screen in screens)

    live_chair.do("video:play")
    screens[0].wait_for_timeout(2500)
    playing = [video_state(screen) for screen in screens]
    assert not any(state["paused"] for state in playing), playing
    assert 1.5 <= playing[0]["time"] <= 4, playing
    assert abs(playing[0]["time"] - playing[1]["time"]) < 0.75, playing

    live_chair.do("video:seek", {"position": 6})
    screens[0].wait_for_timeout(800)
    sought = [video_state(screen) for screen in screens]
    assert all(6 <= state["time"] <= 7.8 for state in sought), sought

    live_chair.do("video:pause")
    position = live_chair.state()["video"]["position"]
    for screen in screens:
        screen.wait_for_function("() => document.querySelector('[data-testid=video]').paused")
    paused = [video_state(screen) for screen in screens]
    assert all(abs(state["time"] - position) <= 0.5 for state in paused), (position, paused)
    shot(screens[0], artifacts, "screen-enschede-video")


# ---- the connection ----

def test_the_screen_greys_out_while_the_server_is_away_and_recovers_with_the_current_state(
        real_server, live_chair, server_links, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("live:on-air", {"site": "enschede"})
    screen = open_page(url(server_links, "eindhoven", "screen"), allow_network_errors=True)
    host = open_page(url(server_links, "eindhoven", "host"), LAPTOP, allow_network_errors=True)
    expect(screen.get_by_test_id("live-from")).to_have_text("LIVE from Enschede")
    wait_live(screen)
    wait_live(host)
    live_chair.close()

    real_server.stop()
    expect(screen.locator("body")).to_have_attribute("data-connection", "reconnecting", timeout=1000)  # within 1 s
    expect(screen.get_by_test_id("screen-connection")).to_contain_text("Reconnecting")
    assert "grayscale" in screen.evaluate("getComputedStyle(document.getElementById('stage')).filter")
    expect(screen.get_by_test_id("segment-countdown").locator(".timer-value")).to_have_text("–:––")
    expect(host.get_by_test_id("host-banner")).to_contain_text("Reconnecting")
    expect(host.get_by_test_id("connection")).to_have_text("Reconnecting…")
    shot(screen, artifacts, "screen-eindhoven-reconnecting")
    shot(host, artifacts, "host-eindhoven-reconnecting")

    restarted = RealServer(real_server.instance, port=real_server.port).start()
    try:
        # The state moves on right after the restart: the screen must show that, not what it had.
        Chair(restarted, server_links).post("live/on-air", {"site": "den-haag"})
        wait_live(screen)
        expect(screen.get_by_test_id("live-from")).to_have_text("LIVE from Den Haag")
        expect(screen.get_by_test_id("screen-connection")).to_be_hidden()
        screen.wait_for_function("() => getComputedStyle(document.getElementById('stage')).filter === 'none'")
        expect(screen.get_by_test_id("segment-countdown").locator(".timer-value")).to_have_text(
            re.compile(r"^\d+:\d\d$"))
        wait_live(host)
        expect(host.get_by_test_id("host-banner")).to_be_hidden()
        expect(host.get_by_test_id("air-badge")).to_have_text("LIVE from Den Haag")
        shot(screen, artifacts, "screen-eindhoven-recovered")
    finally:
        restarted.stop()


#: Before the page's scripts run: note every change of the page's connection state.
SOCKET_PROBE = """
(() => {
  window.__states = [];
  window.__connection = [];
  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver(() => window.__connection.push([performance.now(), document.body.dataset.connection]))
      .observe(document.body, { attributes: true, attributeFilter: ["data-connection"] });
  });
})();
"""

#: The Socket.IO module the pages import, wrapped: keep the page's connection at hand and note when each state
#: message arrives (before the page's own handler sees it).
SOCKET_MODULE = """
import { io as connect } from "/vendor/socket.io.esm.min.js?unwrapped";
export * from "/vendor/socket.io.esm.min.js?unwrapped";
export function io(...args) {
  const socket = connect(...args);
  socket.onAny((name) => { if (name === "state:changed") { window.__states.push(performance.now()); } });
  window.__socket = socket;
  return socket;
}
"""


def probe_socket(page) -> None:
    """Watch the page's Socket.IO connection (SOCKET_PROBE, SOCKET_MODULE)."""
    page.add_init_script(SOCKET_PROBE)
    page.route(lambda address: address.endswith("/vendor/socket.io.esm.min.js"),
               lambda route: route.fulfill(status=200, content_type="text/javascript", body=SOCKET_MODULE))


def test_a_screen_that_got_the_state_over_its_new_connection_is_live_at_once_after_a_reconnect(
        live_chair, server_links, page):
    live_chair.do("event:start", {"confirm": True})
    probe_socket(page)
    page.goto(url(server_links, "enschede", "screen"))
    wait_live(page)
    for _ in range(2):  # the first reconnect, and one more
        before = page.evaluate("() => window.__states.length")
        page.evaluate("() => window.__socket.io.engine.close()")  # the transport dies; Socket.IO reconnects
        page.wait_for_function("before => window.__states.length > before", arg=before, timeout=10000)
        arrived = page.evaluate("before => window.__states[before]", before)
        page.wait_for_function("arrived => performance.now() > arrived + 500", arg=arrived)
        # The state came over the new connection: half a second later the screen is live, not "reconnecting"
        # until a resync seconds later.
        expect(page.locator("body")).to_have_attribute("data-connection", "live", timeout=1)
        expect(page.get_by_test_id("screen-connection")).to_be_hidden(timeout=1)
        changes = page.evaluate("arrived => window.__connection.filter(change => change[0] > arrived)", arrived)
        assert changes and changes[-1][1] == "live", changes  # and it stayed live since


# ---- the overlay for streaming software ----

def test_after_a_restore_from_a_backup_the_pages_show_the_restored_state_though_its_version_is_older(
        real_server, live_chair, server_links, open_page):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("live:on-air", {"site": "enschede"})
    database = real_server.instance / "eventapp.sqlite3"
    backup = real_server.instance / "backup.sqlite3"
    with sqlite3.connect(database) as source, sqlite3.connect(backup) as copy:
        source.backup(copy)  # SQLite's online backup, while the server runs
    live_chair.do("live:on-air", {"site": "den-haag"})
    live_chair.do("live:on-air", {"site": "eindhoven"})
    screen = open_page(url(server_links, "enschede", "screen"), allow_network_errors=True)
    host = open_page(url(server_links, "enschede", "host"), LAPTOP, allow_network_errors=True)
    panel = open_page(with_query(server_links["chair"]["url"], "lang=en"), LAPTOP, allow_network_errors=True)
    phone = open_page(server_links["sites"]["enschede"]["join"]["url"] + "?lang=en", PHONE,
                      allow_network_errors=True)
    expect(screen.get_by_test_id("live-from")).to_have_text("LIVE from Eindhoven")
    expect(panel.locator(".on-air-pill")).to_contain_text("Eindhoven")
    expect(phone.locator("#on-air")).to_have_text("LIVE from Eindhoven")
    wait_live(host)
    live_chair.close()

    real_server.stop()
    for leftover in real_server.instance.glob("eventapp.sqlite3-*"):  # the WAL of the database being replaced
        leftover.unlink()
    backup.replace(database)
    restored = RealServer(real_server.instance, port=real_server.port).start()
    try:
        wait_live(screen)
        expect(screen.get_by_test_id("on-air")).to_have_text("ON AIR")  # Enschede's own screen: on air again
        wait_live(host)
        expect(host.get_by_test_id("air-badge")).to_have_text("ON AIR")
        expect(panel.locator(".on-air-pill")).to_contain_text("Enschede")
        expect(panel.locator("body")).not_to_have_class(re.compile(r"\bis-offline\b"))
        expect(phone.locator("#on-air")).to_contain_text("LIVE from Enschede")
    finally:
        restored.stop()


def test_the_overlay_has_a_transparent_background_and_no_qr_code(live_chair, server_links, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("live:on-air", {"site": "enschede"})
    live_chair.do("screen:message", {"text": "Stel uw vraag via de QR-code in de zaal", "site": "enschede"})
    overlay = open_page(url(server_links, "enschede", "screen", "&overlay=1"))
    expect(overlay.get_by_test_id("on-air")).to_have_text("ON AIR")
    expect(overlay.get_by_test_id("screen-message")).to_be_visible()
    expect(overlay.get_by_test_id("screen-join")).to_have_count(0)
    expect(overlay.locator("svg")).to_have_count(0)
    wait_live(overlay)
    assert overlay.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    shot(overlay, artifacts, "screen-enschede-overlay", omit_background=True)
    # The middle of the picture is empty: fully transparent; the lower-third bar is not.
    middle = overlay.screenshot(clip={"x": 960, "y": 400, "width": 2, "height": 2}, omit_background=True)
    assert png_alpha(middle, 0, 0) == 0
    box = overlay.get_by_test_id("screen-now").bounding_box()
    bar = overlay.screenshot(clip={"x": box["x"] + 4, "y": box["y"] + 4, "width": 2, "height": 2},
                             omit_background=True)
    assert png_alpha(bar, 0, 0) > 200
