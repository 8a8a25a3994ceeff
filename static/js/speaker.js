// The speaker view of a site: what the person on stage sees (time left, what is on and next, the chair's message).
// An ES module that draws what the server sends (`speaker:changed`, eventapp/views/speaker.py) and counts down in
// server time; it computes nothing else. It imports nothing: the vendored Socket.IO client is loaded before it by a
// classic <script> tag and connects with the page's token, as the room screen does.

const body = document.body;
const strings = JSON.parse(document.getElementById("strings").textContent);
const field = (name) => document.querySelector(`[data-testid=speaker-${name}]`);

let view = null;
let offset = 0; // server clock minus this clock, in milliseconds

const socket = window.io({ auth: { token: body.dataset.token }, reconnectionDelayMax: 2000 });
socket.on("connect", () => { status("live"); syncClock(); });
socket.on("disconnect", () => status("reconnecting"));
socket.on("connect_error", () => status(socket.active ? "reconnecting" : "refused"));
socket.on("speaker:changed", (next) => {
  if (view && next.version < view.version) { return; }
  view = next;
  draw();
});
setInterval(tick, 250);
setInterval(() => { if (socket.connected) { socket.emit("presence:heartbeat", {}, () => {}); } }, 10000);
setInterval(syncClock, 60000);

function syncClock() {
  const sent = Date.now();
  socket.emit("clock:ping", {}, (reply) => {
    if (reply && typeof reply.server_time === "number") { offset = reply.server_time - (sent + Date.now()) / 2; }
  });
}

function status(state) {
  body.dataset.connection = state;
  const line = field("connection");
  line.hidden = state === "live";
  line.textContent = strings[state] || "";
}

function draw() {
  const air = field("air");
  air.hidden = view.on_air_site === null;
  air.textContent = view.on_air ? strings.on_air : strings.live_from.replace("{site}", view.on_air_site_name || "");
  air.classList.toggle("is-on-air", view.on_air);
  field("mode").hidden = view.mode !== "rehearsal";
  const segment = view.segment;
  field("now").textContent = segment ? segment.title
    : view.status === "ended" ? strings.ended : strings.not_started;
  const item = field("item");
  item.hidden = !view.item;
  item.textContent = view.item ? view.item + (view.next_item ? " → " + view.next_item : "") : "";
  field("next").textContent = view.next ? view.next.title : strings.nothing_next;
  const message = field("message");
  message.hidden = !view.message;
  message.textContent = view.message;
  tick();
}

function tick() {
  if (!view) { return; }
  const label = field("clock-label");
  const time = field("time");
  let left = null;
  body.dataset.timer = "none";
  if (view.timer_paused_left !== null) {
    left = view.timer_paused_left * 1000;
    label.textContent = strings.paused;
    body.dataset.timer = "paused";
  } else if (view.timer_ends_at) {
    left = Date.parse(view.timer_ends_at) - (Date.now() + offset);
    label.textContent = strings.timer;
    body.dataset.timer = "running";
  } else if (view.segment && view.segment.planned_end) {
    left = Date.parse(view.segment.planned_end) - (Date.now() + offset);
    label.textContent = strings.time_left;
  }
  if (left === null) {
    time.textContent = "–";
    body.classList.remove("is-overtime");
    return;
  }
  const over = left < 0;
  body.classList.toggle("is-overtime", over);
  if (over) { label.textContent = strings.overtime; }
  time.textContent = (over ? "+" : "") + clock(Math.abs(left));
}

function clock(milliseconds) {
  const seconds = Math.floor(milliseconds / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}
