// The speaker view of a site: what the person on stage sees (time left, what is on and next, the chair's message).
// It draws what the server sends (`speaker:changed`, eventapp/views/speaker.py) and counts down in server time;
// it computes nothing else. The connection (auth, clock offset, heartbeat, resync, status) is core/live.js's.
import { connect } from "../core/live.js";
import { clock, fill } from "../core/format.js";
import { strings } from "../core/strings.js";
import { byIds } from "../core/dom.js";

const TICK_MS = 250;
const T = strings();
const body = document.body;
const ui = byIds(["speaker-air", "speaker-mode", "speaker-now", "speaker-item", "speaker-next", "speaker-message",
  "speaker-clock-label", "speaker-time", "speaker-connection"]);

let view = null;   // the newest speaker view

const live = connect({
  auth: { token: body.dataset.token },
  stateEvent: "speaker:changed",
  onState: function (next) {
    view = next;
    draw();
  },
  onStatus: function (status) {
    ui.speakerConnection.hidden = status === "live";
    ui.speakerConnection.textContent = T[status === "waiting" ? "connecting" : status] || "";
  },
});

function draw() {
  ui.speakerAir.hidden = view.on_air_site === null;
  ui.speakerAir.textContent = view.on_air ? T.on_air : fill(T.live_from,
    { site: view.on_air_site_name || view.on_air_site || "" });  // the name once the server sends it (main has it)
  ui.speakerAir.classList.toggle("is-on-air", view.on_air);
  ui.speakerMode.hidden = view.mode !== "rehearsal";
  const segment = view.segment;
  ui.speakerNow.textContent = segment ? segment.title : (view.status === "ended" ? T.ended : T.not_started);
  ui.speakerItem.hidden = !view.item;
  ui.speakerItem.textContent = view.item ? view.item + (view.next_item ? " → " + view.next_item : "") : "";
  ui.speakerNext.textContent = view.next ? view.next.title : T.nothing_next;
  ui.speakerMessage.hidden = !view.message;
  ui.speakerMessage.textContent = view.message;
  tick();
}

// The time left: the site's own countdown (running or paused) when it has one, else the segment's planned end.
function tick() {
  if (!view) { return; }
  const now = live.now();
  let left = null;
  let label = T.time_left;
  let timer = "none";
  if (view.timer_paused_left !== null && view.timer_paused_left !== undefined) {
    left = view.timer_paused_left * 1000;
    label = T.paused;
    timer = "paused";
  } else if (view.timer_ends_at) {
    left = Date.parse(view.timer_ends_at) - now;
    label = T.timer;
    timer = "running";
  } else if (view.segment && view.segment.planned_end) {
    left = Date.parse(view.segment.planned_end) - now;
  }
  body.dataset.timer = timer;
  const over = left !== null && left < 0;
  body.classList.toggle("is-overtime", over);
  ui.speakerClockLabel.textContent = over ? T.overtime : label;
  ui.speakerTime.textContent = left === null ? "–"
    : (over ? "+" + clock(-left) : clock(Math.ceil(left / 1000) * 1000));
}

setInterval(tick, TICK_MS);
