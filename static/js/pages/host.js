// The host panel of one site: who is on air, the segment on now with its countdown, the chair's cues, the host's
// signal, during a regional segment control of the site's own part (its items and its timer), the site's own
// polls and the moderation of its answers and questions (host/polls.js), the magic wall and the learnings
// (host/closing.js), the programme (host/programme.js). It shows only what the newest state says; while it is
// not live, core/live.js says so and the panel dims and takes no clicks.
import { html, render } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { connect } from "../core/live.js";
import { clock, fill, siteName, timeOfDay } from "../core/format.js";
import { strings } from "../core/strings.js";
import { byId, byIds } from "../core/dom.js";
import { showConnection } from "../crew/connection.js";
import { actor, keepFocus, refusal } from "../crew/act.js";
import { countdown } from "../crew/timers.js";
import { setupPolls } from "../host/polls.js";
import { setupClosing } from "../host/closing.js";
import { setupProgramme } from "../host/programme.js";

const body = document.body;
const SITE = body.dataset.site;
const FIRST_START = body.dataset.firstStart || "";
const T = strings();
const WRAP_UP_MS = 2 * 60 * 1000;

const ui = byIds(["host-live", "alert", "air", "countdown", "part", "part-items", "item-previous", "item-next",
  "item-clear", "timer-display", "timer-minutes", "timer-stop", "timer-adjust", "timer-pause"]);

let snapshot = null;

function me() {
  return snapshot ? snapshot.sites.find(function (site) { return site.key === SITE; }) || {} : {};
}
function name(key) { return siteName(snapshot ? snapshot.sites : [], key); }
function time(iso) { return timeOfDay(iso, snapshot ? snapshot.timezone : body.dataset.timezone); }
function screenNow() { return me().screen || {}; }
function ownPart() {
  const segment = snapshot && snapshot.status === "live" ? snapshot.segment : null;
  return segment && snapshot.split && segment.parts ? segment.parts[SITE] || null : null;
}
function alert(words) { ui.alert.textContent = words; }
function timerPaused() { return me().timer_paused_left !== null && me().timer_paused_left !== undefined; }

// ---- the parts, and the connection ----

const page = {
  site: SITE, T: T, me: me, name: name, ownPart: ownPart, screenNow: screenNow, alert: alert, keepFocus: keepFocus,
  snapshot: function () { return snapshot; },
  now: function () { return live.now(); },
  act: function (name, payload, button) { return act(name, payload, button); },
  render: renderAll,
};
const polls = setupPolls(page);
const renderClosing = setupClosing(page);
const programme = setupProgramme(page);

const live = connect({
  auth: { token: body.dataset.token },
  onState: function (next) {
    snapshot = next;
    renderAll();
  },
  onStatus: function (status, detail) {
    showConnection(status, detail, {
      pill: byId("conn-pill"),
      pillText: function (shown) { return T[shown === "waiting" ? "connecting" : shown]; },
      banner: byId("banner"),
      bannerText: function (shown) {
        return { refused: T.banner_refused, waiting: T.banner_waiting, reconnecting: T.banner_reconnecting }[shown]
          || "";
      },
      inert: [ui.hostLive],
    });
    tick();
  },
  onProgramme: programme.reloadProgramme,
  on: polls.on,
});

const act = actor(live, {
  ok: function () { alert(""); },
  refused: function (action, error) { alert(T.refused_action + " " + refusal(error)); },
});

// ---- actions ----

document.querySelectorAll(".signal").forEach(function (button) {
  button.addEventListener("click", function () { act("host:status", { status: button.dataset.status }, button); });
});

ui.partItems.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-index]");
  if (button) { act("site:item", { index: Number(button.dataset.index) }, button); }
});
ui.itemPrevious.addEventListener("click", function () {
  const index = me().item_index;
  if (index !== null && index !== undefined && index > 0) { act("site:item", { index: index - 1 }, ui.itemPrevious); }
});
ui.itemNext.addEventListener("click", function () {
  const index = me().item_index;
  act("site:item", { index: index === null || index === undefined ? 0 : index + 1 }, ui.itemNext);
});
ui.itemClear.addEventListener("click", function () { act("site:item", { index: null }, ui.itemClear); });

document.querySelectorAll("[data-minutes]").forEach(function (button) {
  button.addEventListener("click", function () {
    act("site:timer", { seconds: Number(button.dataset.minutes) * 60 }, button);
  });
});
byId("timer-form").addEventListener("submit", async function (event) {
  event.preventDefault();
  const minutes = Number(ui.timerMinutes.value);
  if (!ui.timerMinutes.value || !Number.isFinite(minutes) || minutes < 1) {  // the server knows the maximum
    alert(T.minutes_invalid);
    ui.timerMinutes.focus();
    return;
  }
  if (await act("site:timer", { seconds: Math.round(minutes * 60) }, event.target.querySelector("button"))) {
    ui.timerMinutes.value = "";
  }
});
ui.timerStop.addEventListener("click", function () { act("site:timer", { seconds: null }, ui.timerStop); });
ui.timerAdjust.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-seconds]");
  if (button) { act("site:timer-adjust", { seconds: Number(button.dataset.seconds) }, button); }
});
ui.timerPause.addEventListener("click", function () {
  act(timerPaused() ? "site:timer-resume" : "site:timer-pause", {}, ui.timerPause);
});

byId("cues").addEventListener("click", function (event) {
  const button = event.target.closest("button[data-cue]");
  if (button) { act("cue:answer", { cue_id: Number(button.dataset.cue), state: button.dataset.state }, button); }
});

// ---- rendering ----

function renderAll() {
  if (!snapshot) { return; }
  renderNow();
  renderPart();
  renderSignal();
  renderCues();
  polls.renderPolls();
  programme.renderProgramme(snapshot);
  renderClosing(snapshot);
  tick();
  keepFocus();
}

function airBadge(badge, sub) {
  return html`<span class="air-badge" data-testid="air-badge">${badge}</span><span class="air-sub">${sub}</span>`;
}
ui.air.replaceChildren();  // the served "Connecting…", from now on drawn here
render(airBadge(T.connecting, ""), ui.air);

function renderNow() {
  const segment = snapshot.status === "live" ? snapshot.segment : null;
  const screen = screenNow();
  let badge = "";
  let sub = "";
  let state = "idle";
  if (snapshot.status === "planned") {
    badge = T.not_started;
    sub = FIRST_START ? fill(T.not_started_sub, { time: FIRST_START }) : "";
  } else if (snapshot.status === "ended") {
    badge = T.ended;
    sub = T.ended_sub;
  } else if (snapshot.split) {
    state = "split";
    badge = T.split;
    sub = ownPart() ? T.split_sub : T.split_none;
  } else if (screen.air === "on_air") {  // the badge of this site's screen (the scene rule's)
    state = "on-air";
    badge = T.on_air;
    sub = T.on_air_sub;
  } else if (screen.air === "live_from") {
    state = "live-from";
    badge = fill(T.live_from, { site: name(screen.air_site) });
    sub = fill(T.live_from_sub, { site: name(screen.air_site) });
  }
  ui.air.dataset.state = state;
  render(airBadge(badge, sub), ui.air);

  byId("now-kind").textContent = segment ? (T.kinds[segment.kind] || segment.kind) : "";
  byId("now-title").textContent = segment ? segment.title : snapshot.title;
  const following = snapshot.next;
  let nextText = "";
  if (following && snapshot.status !== "ended") {
    let what = "";
    const onAirNext = following.kind === "live" ? following.site === SITE
      : (following.kind !== "regional" && following.kind !== "break" && following.origin === SITE);
    if (onAirNext) {
      what = T.next_on_air;
    } else if (following.kind === "regional" && following.parts && following.parts[SITE]) {
      what = fill(T.next_part, { title: following.parts[SITE].title });
    }
    nextText = T.next + ": " + following.title + (what ? " — " + what : "");
  }
  byId("next").textContent = nextText;
}

function renderPart() {
  const own = ownPart();
  ui.part.hidden = !own;
  body.dataset.ownPart = own ? "1" : "";
  if (!own) { return; }
  const index = me().item_index;
  byId("part-title").textContent = own.title;
  // Keyed by the segment and the item: the button pressed keeps the keyboard focus when the push comes back.
  render(repeat(own.items, function (text, i) { return snapshot.segment.id + ":" + i; }, function (text, i) {
    return html`<button type="button" class="item-button" data-index=${String(i)} data-testid="item-button"
      aria-pressed=${String(i === index)}><span class="item-number">${i + 1}</span><span>${text}</span></button>`;
  }), ui.partItems);
  byId("part-empty").hidden = own.items.length > 0;
  ui.itemPrevious.parentElement.hidden = own.items.length === 0;
  const hasIndex = index !== null && index !== undefined;
  ui.itemPrevious.disabled = !hasIndex || index <= 0;
  ui.itemNext.disabled = own.items.length === 0 || (hasIndex && index >= own.items.length - 1);
  ui.itemClear.disabled = !hasIndex;
  ui.timerStop.disabled = !me().timer_ends_at && !timerPaused();
  ui.timerAdjust.hidden = !me().timer_ends_at && !timerPaused();
  ui.timerPause.textContent = timerPaused() ? T.timer_resume : T.timer_pause;
}

function renderSignal() {
  const status = me().host_status || "standby";
  document.querySelectorAll(".signal").forEach(function (button) {
    button.setAttribute("aria-pressed", String(button.dataset.status === status));
  });
}

// The cues for this site: sent to it, or to all hosts. A cue to all that this site answered comes back as a copy
// for this site (same text and time): the copy replaces the original here, the newest copy wins.
function myCues() {
  const groups = new Map();
  (snapshot.cues || []).forEach(function (cue) {
    if (cue.site !== null && cue.site !== SITE) { return; }
    const key = cue.text + "\u0000" + cue.sent_at;
    const shown = groups.get(key);
    if (!shown || (cue.site === SITE && (shown.site === null || cue.id > shown.id))) { groups.set(key, cue); }
  });
  return Array.from(groups.values()).sort(function (a, b) {
    return Date.parse(b.sent_at) - Date.parse(a.sent_at) || b.id - a.id;
  });
}

function renderCues() {
  const cues = myCues();
  byId("no-cues").hidden = cues.length > 0;
  const open = cues.filter(function (cue) { return cue.state === "sent"; }).length;
  byId("cue-count").textContent = open ? String(open) : "";
  // Keyed by text and time: the copy that replaces a cue to all hosts keeps its place and its focused button.
  render(repeat(cues, function (cue) { return cue.text + "\u0000" + cue.sent_at; }, function (cue) {
    const stateText = cue.state === "ready" ? T.cue_ready : cue.state === "needs_time" ? T.cue_needs_time : T.cue_new;
    return html`<li class=${"cue is-" + cue.state} data-testid="cue" data-state=${cue.state}
      data-key=${"cue-" + cue.sent_at}>
      <div class="cue-head"><span class="cue-state">${stateText}</span><span class="cue-meta">${time(cue.sent_at)}</span
      ></div>
      <p class="cue-text">${cue.text}</p>
      <div class="cue-buttons">${[["ready", T.cue_ready], ["needs_time", T.cue_needs_time]].map(function ([state, label]) {
        return html`<button type="button" class=${"button cue-" + state} data-cue=${String(cue.id)} data-state=${state}
          aria-pressed=${String(cue.state === state)}>${label}</button>`;
      })}</div>
    </li>`;
  }), byId("cues"));
}

// ---- countdowns, four times a second ----

function tick() {
  if (!snapshot) { return; }
  const now = live.now();
  const up = body.dataset.connection === "live";
  const segment = snapshot.status === "live" ? snapshot.segment : null;
  const end = segment && segment.planned_end ? Date.parse(segment.planned_end) : null;
  ui.countdown.hidden = !end;
  if (end) {
    const left = countdown(end, now, WRAP_UP_MS);
    ui.countdown.classList.toggle("is-wrapup", up && left.state === "wrapup");
    ui.countdown.classList.toggle("is-overtime", up && left.state === "overtime");
    ui.countdown.querySelector(".countdown-label").textContent = left.state === "overtime" ? T.overtime : T.time_left;
    ui.countdown.querySelector(".countdown-value").textContent = up ? left.text : "–:––";
    ui.countdown.querySelector(".countdown-until").textContent = fill(T.until, { time: time(segment.planned_end) });
  }
  const timerEnd = me().timer_ends_at ? Date.parse(me().timer_ends_at) : null;
  ui.timerDisplay.classList.toggle("is-running", Boolean(timerEnd));
  ui.timerDisplay.classList.toggle("is-paused", timerPaused());
  if (timerPaused()) {
    ui.timerDisplay.textContent = fill(T.timer_paused, { time: clock(me().timer_paused_left * 1000) });
    ui.timerDisplay.classList.remove("is-wrapup", "is-overtime");
  } else if (!timerEnd) {
    ui.timerDisplay.textContent = T.timer_none;
    ui.timerDisplay.classList.remove("is-wrapup", "is-overtime");
  } else if (!up) {
    ui.timerDisplay.textContent = "–:––";
  } else {
    const left = countdown(timerEnd, now, WRAP_UP_MS);
    ui.timerDisplay.classList.toggle("is-wrapup", left.state === "wrapup");
    ui.timerDisplay.classList.toggle("is-overtime", left.state === "overtime");
    ui.timerDisplay.textContent = left.text;
  }
}

setInterval(tick, 250);
