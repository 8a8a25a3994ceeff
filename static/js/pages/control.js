// The chair's live control panel: a view of the crew state, kept live by core/live.js. Everything shown comes from
// the newest state (and the server's clock); every button sends one live action and shows the server's answer.
// The panel keeps no programme state of its own. The site cards are control/sites.js, the run sheet and the cues
// control/runsheet.js.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { connect } from "../core/live.js";
import { clock, fill, siteName, timeOfDay } from "../core/format.js";
import { strings } from "../core/strings.js";
import { byIds } from "../core/dom.js";
import { showConnection } from "../crew/connection.js";
import { actor, keepFocus, refusal } from "../crew/act.js";
import { countdown } from "../crew/timers.js";
import { renderSites } from "../control/sites.js";
import { driftClass, kindBadge, renderCues, renderRunsheet, signed } from "../control/runsheet.js";
import { renderPolls } from "../control/polls.js";
import { renderClosing, renderVideo } from "../control/tools.js";
import { renderModeration, renderStageMessages } from "../control/moderation.js";

const WRAP_UP_MS = 2 * 60 * 1000;      // the countdown turns to "wrap up" this long before the planned end
const TICK_MS = 250;                   // countdowns and clocks are recomputed this often

const T = strings();
const body = document.body;
const pageTitle = document.title;
const ui = byIds(["rehearsal-band", "connection-banner", "event-status", "mode", "connection", "server-clock", "start-event",
  "end-event", "action-error", "action-status", "strip-now-title", "strip-countdown", "progress", "now-title",
  "now-meta", "countdown", "countdown-label", "next-title", "next-meta", "next", "previous", "runsheet-rows",
  "planned-end", "projected-end", "end-difference", "sites", "chairs", "split", "central", "cues", "video",
  "video-state", "video-position", "video-play", "video-pause", "rehearsal-start", "rehearsal-reset", "closing",
  "closing-state", "closing-learnings", "closing-previous", "closing-next", "wall", "wall-state", "wall-take-back",
  "wall-reset", "last-site-key", "cue-form", "screens-form", "seek-form", "panel", "strip-actions", "start-dialog",
  "now-polls", "now-poll-list", "rehearsal-why", "rehearsal-how", "stage-form", "stage-messages", "moderation", "moderation-link",
]);

let snapshot = null;      // the newest state shown
let presence = {};        // the newest presence (from the state or a presence:changed, whichever came last)
let clockFormat = null;   // HH:MM:SS in the event's time zone, once the first state said which
const results = new Map(); // poll id -> the newest poll:results (voters, answers waiting)
let questionsWaiting = 0; // questions waiting for moderation (questions:changed)

function name(key) { return siteName(snapshot ? snapshot.sites : [], key); }
function hhmm(iso) { return iso ? timeOfDay(iso, snapshot.timezone) : ""; }
function hhmmss(iso) { return iso && clockFormat ? clockFormat.format(new Date(iso)) : ""; }
function isLive() { return live.status() === "live"; }  // connected, and showing the server's current state

// ---- feedback ----

function stamp() { return clockFormat ? clockFormat.format(new Date(live.now())) + "  " : ""; }

function showOk(message) {
  ui.actionError.textContent = "";
  ui.actionStatus.textContent = message ? stamp() + message : "";
}

function showError(message) {
  ui.actionStatus.textContent = "";
  ui.actionError.textContent = "";
  ui.actionError.textContent = stamp() + message;  // emptied first, so that the same message is announced again
}

// ---- the connection and actions ----

const live = connect({
  auth: { token: body.dataset.token },
  onState: function (next) {
    snapshot = next;
    presence = next.presence || {};
    renderAll();
  },
  onPresence: function (next) {
    presence = next || {};
    tick();
  },
  onProgramme: function () { if (isLive()) { showOk(T.programme_changed); } },
  on: {
    "poll:results": function (data) {
      results.set(data.poll_id, data);
      if (snapshot) { renderPolls(ui.nowPolls, ui.nowPollList, { T: T, snapshot: snapshot, results: results }); }
      renderWaiting();
      keepFocus();
    },
    "questions:changed": function (data) {
      questionsWaiting = data.waiting || 0;
      renderWaiting();
    },
  },
  onStatus: function (status, detail) {
    const up = showConnection(status, detail, {
      pill: ui.connection,
      pillText: function (shown) { return T.connection[shown] || shown; },
      banner: ui.connectionBanner,
      bannerText: function (shown, reason) {
        return shown === "refused" ? fill(T.banner.refused, { reason: reason }) : (T.banner[shown] || T.banner.reconnecting);
      },
      inert: [ui.panel, ui.stripActions],
    });
    body.classList.toggle("is-offline", !up);
    ui.connection.className = "badge conn-badge conn-" + status;
    ui.connectionBanner.className = "conn-banner conn-" + status;
  },
});

const act = actor(live, {
  refused: function (action, error) { showError(fill(T.refused, { action: action, error: refusal(error) })); },
});

// Send one live action (after a confirmation, if given); show the server's answer.
async function run(action, payload, options) {
  options = options || {};
  if (!isLive()) { showError(T.not_live); return null; }
  if (options.confirm && !window.confirm(options.confirm)) { return null; }
  const reply = await act(action, payload, options.button);
  if (reply) { showOk(options.done !== undefined ? options.done : (T.done[action] || "")); }
  return reply;
}

function goLive(key, button) {
  return run("live:on-air", { site: key }, { button: button, confirm: fill(T.confirm_go_live, { site: name(key) }),
    done: fill(T.done["live:on-air"], { site: name(key) }) });
}

function screenTarget() { return ui.screensForm.elements.site.value || null; }
function stageTarget() { return ui.stageForm.elements.site.value || null; }
function pollAction(action) {
  return function (button) {
    return run(action, { poll_id: Number(button.dataset.poll) }, { button: button });
  };
}
function timerAction(action) {
  return function (button) {
    const payload = { site: button.dataset.site };
    if (button.dataset.seconds) { payload.seconds = Number(button.dataset.seconds); }
    return run(action, payload, { button: button });
  };
}

// The real start asks first, in a dialog that says what happens and offers the rehearsal instead; during a
// rehearsal the start runs the rehearsal and asks nothing.
ui.startDialog.addEventListener("close", function () {
  const choice = ui.startDialog.returnValue;
  ui.startDialog.returnValue = "";
  if (choice === "real") {
    run("event:start", { confirm: true }, { button: ui.startEvent });
  } else if (choice === "rehearsal") {
    run("rehearsal:start", { run: true }, { button: ui.rehearsalStart, done: T.done["rehearsal:start"] });
  }
});

const buttonActions = {
  "event:start": function (button) {
    if (snapshot && snapshot.mode === "rehearsal") { return run("event:start", {}, { button: button }); }
    if (!isLive()) { showError(T.not_live); return null; }
    ui.startDialog.showModal();
    return null;
  },
  "rehearsal:start": function (button) { return run("rehearsal:start", { run: true }, { button: button }); },
  "poll:open": pollAction("poll:open"),
  "poll:close": pollAction("poll:close"),
  "poll:reveal": pollAction("poll:reveal"),
  "poll:reveal-site": pollAction("poll:reveal-site"),
  "poll:dismiss": function (button) { return run("poll:dismiss", { site: null }, { button: button }); },
  "site:timer-adjust": timerAction("site:timer-adjust"),
  "site:timer-pause": timerAction("site:timer-pause"),
  "site:timer-resume": timerAction("site:timer-resume"),
  "stage:clear": async function (button) {
    const reply = await run("stage:message", { text: "", site: stageTarget() },
      { button: button, done: T.done["stage:clear"] });
    if (reply) { ui.stageForm.elements.text.value = ""; }
  },
  "event:end": function (button) { return run("event:end", {}, { button: button, confirm: T.confirm_end }); },
  "programme:jump": function (button) {
    return run("programme:jump", { segment_id: Number(button.dataset.segmentId) },
      { button: button, confirm: fill(T.confirm_jump, { title: button.dataset.title }) });
  },
  "live:on-air": function (button) { return goLive(button.dataset.site, button); },
  "message:clear": async function (button) {
    const reply = await run("screen:message", { text: "", site: screenTarget() },
      { button: button, done: T.done["message:clear"] });
    if (reply) { ui.screensForm.elements.message.value = ""; }
  },
  "screen:clear": function (button) {
    return run("screen:clear", { site: button.dataset.site },
      { button: button, done: fill(T.done["screen:clear"], { site: name(button.dataset.site) }) });
  },
  "screen:holding": function (button) {
    return run("screen:scene", { scene: "holding", text: ui.screensForm.elements.holding.value, site: screenTarget() },
      { button: button, done: T.done["screen:holding"] });
  },
  "screen:programme": function (button) {
    return run("screen:scene", { scene: "programme", text: "", site: screenTarget() },
      { button: button, done: T.done["screen:programme"] });
  },
  "rehearsal:reset": function (button) {
    return run("rehearsal:reset", {}, { button: button, confirm: T.confirm_reset });
  },
  "handoff:take-back": function (button) {
    const wall = snapshot.handoff;
    return run("handoff:take-back", {}, { button: button,
      confirm: fill(T.confirm_take_back, { object: wall.title, site: name(wall.holder) }) });
  },
  "handoff:reset": function (button) {
    const wall = snapshot.handoff;
    return run("handoff:reset", {}, { button: button, confirm: fill(T.confirm_wall_reset,
      { object: wall.title, site: name((wall.order || [])[0] || wall.holder) }) });
  },
};
// The actions a button sends as they are, without a payload or a question first.
["programme:next", "programme:previous", "live:split", "live:central", "video:play", "video:pause",
  "closing:next", "closing:previous"].forEach(function (action) {
  buttonActions[action] = function (button) { return run(action, {}, { button: button }); };
});

document.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled || !buttonActions[button.dataset.action]) { return; }
  buttonActions[button.dataset.action](button);
});

ui.cueForm.addEventListener("submit", async function (event) {
  event.preventDefault();
  const fields = ui.cueForm.elements;
  const reply = await run("cue:send", { text: fields.text.value, site: fields.site.value || null },
    { button: event.submitter });
  if (reply) { fields.text.value = ""; }
});

ui.screensForm.addEventListener("submit", function (event) {
  event.preventDefault();
  if (document.activeElement === ui.screensForm.elements.holding) {  // Enter in the holding text
    buttonActions["screen:holding"]();
    return;
  }
  run("screen:message", { text: ui.screensForm.elements.message.value, site: screenTarget() },
    { button: event.submitter });
});

ui.stageForm.addEventListener("submit", function (event) {
  event.preventDefault();
  run("stage:message", { text: ui.stageForm.elements.text.value, site: stageTarget() }, { button: event.submitter });
});

ui.seekForm.addEventListener("submit", function (event) {
  event.preventDefault();
  run("video:seek", { position: Number(ui.seekForm.elements.position.value) }, { button: event.submitter });
});

// Keyboard shortcuts: N / PageDown / ArrowRight next, P / PageUp / ArrowLeft previous, digits go live.
document.addEventListener("keydown", function (event) {
  if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) { return; }
  if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) { return; }
  const key = event.key;
  if (key === "n" || key === "N" || key === "PageDown" || key === "ArrowRight") {
    run("programme:next");
  } else if (key === "p" || key === "P" || key === "PageUp" || key === "ArrowLeft") {
    run("programme:previous");
  } else if (/^[1-9]$/.test(key)) {
    const site = snapshot && snapshot.sites[Number(key) - 1];
    if (site) { goLive(site.key); } else { showError(fill(T.no_site, { n: key })); }
  } else {
    return;
  }
  event.preventDefault();
});

// ---- rendering: everything from the newest state ----

function renderAll() {
  if (!snapshot) { return; }
  if (!clockFormat) {
    clockFormat = new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", second: "2-digit",
      hourCycle: "h23", timeZone: snapshot.timezone });
  }
  renderStrip();
  renderNow();
  renderRunsheet(ui.runsheetRows, { T: T, snapshot: snapshot, hhmm: hhmm, hhmmss: hhmmss });
  ui.plannedEnd.textContent = hhmm(snapshot.planned_end) || "–";
  renderSiteOptions();
  renderCues(ui.cues, { T: T, snapshot: snapshot, hhmmss: hhmmss });
  renderPolls(ui.nowPolls, ui.nowPollList, { T: T, snapshot: snapshot, results: results });
  renderStageMessages(ui.stageMessages, { T: T, snapshot: snapshot });
  renderWaiting();
  const tools = { T: T, snapshot: snapshot, ui: ui, name: name };
  renderVideo(tools);
  renderClosing(tools);
  ui.lastSiteKey.textContent = String(Math.min(9, snapshot.sites.length));
  tick();
  keepFocus();
}

function renderStrip() {
  const s = snapshot;
  const running = s.status === "live";
  ui.eventStatus.textContent = T.status[s.status] || s.status;
  ui.eventStatus.className = "badge status-badge status-" + s.status;
  ui.mode.textContent = T.mode[s.mode] || s.mode;
  ui.mode.className = "badge mode-badge mode-" + s.mode;
  ui.rehearsalBand.hidden = s.mode !== "rehearsal";
  body.classList.toggle("is-rehearsal", s.mode === "rehearsal");
  ui.startEvent.disabled = running || (s.status === "ended" && s.mode === "real");
  ui.endEvent.disabled = !running;
  ui.next.disabled = !running || !s.next;
  ui.previous.disabled = !running || !s.segment || s.segment.position === 0;
  ui.split.disabled = !running || s.split;
  ui.central.disabled = !running || !s.split;
  const realRun = s.mode === "real" && s.status !== "planned";  // started for real: no rehearsal any more
  ui.rehearsalStart.hidden = realRun;
  ui.rehearsalWhy.hidden = !realRun;
  ui.rehearsalHow.hidden = realRun;
  ui.rehearsalStart.disabled = s.mode === "rehearsal" || s.status !== "planned";
  ui.rehearsalReset.disabled = s.mode !== "rehearsal";
  ui.chairs.textContent = fill(T.chairs, { n: s.chairs });
}

// Where a segment comes from: a site, a live switch to a site, or every site on its own.
function whereText(segment) {
  if (segment.kind === "regional") { return T.split_all; }
  if (segment.site) { return fill(T.live_to, { site: name(segment.site) }); }
  if (segment.origin) { return fill(T.from, { site: name(segment.origin) }); }
  return "";
}

function meta(items) {
  return items.filter(Boolean).map(function (item) {
    return typeof item === "string" ? html`<span class="meta">${item}</span>` : item;
  });
}

function renderNow() {
  const s = snapshot;
  const segment = s.segment;
  ui.nowTitle.textContent = segment ? segment.title : (s.status === "ended" ? T.ended : T.not_started);
  ui.nowTitle.classList.toggle("is-long", Boolean(segment) && segment.title.length > 40);
  render(segment ? meta([
    kindBadge(segment.kind, T), whereText(segment),
    s.on_air ? html`<span class="on-air-pill">${fill(T.on_air_now, { site: name(s.on_air) })}</span>`
      : html`<span class="split-pill">${T.nobody_on_air}</span>`,
    fill(T.started, { time: hhmmss(segment.started_at) }),
    fill(T.planned_end_at, { time: hhmmss(segment.planned_end) }),
  ]) : nothing, ui.nowMeta);
  ui.nowTitle.parentElement.parentElement.classList.toggle("is-idle", !segment);
  const next = s.next;
  ui.nextTitle.textContent = next ? next.title : (segment ? T.no_next : "");
  render(next ? meta([kindBadge(next.kind, T), whereText(next), fill(T.minutes, { n: next.planned_minutes })])
    : nothing, ui.nextMeta);
}

function renderWaiting() {
  if (!snapshot) { return; }
  renderModeration(ui.moderation, ui.moderationLink, { T: T, snapshot: snapshot, results: results,
    questions: questionsWaiting });
}

function renderSiteOptions() {
  const keys = snapshot.sites.map(function (site) { return site.key + "=" + site.name; }).join("|");
  document.querySelectorAll("select[data-sites]").forEach(function (select) {
    if (select.dataset.built === keys) { return; }
    const chosen = select.value;
    const all = { "all-hosts": T.all_hosts, "all-stages": T.all_stages }[select.dataset.sites] || T.all_screens;
    render(html`<option value="">${all}</option>${snapshot.sites.map(function (site) {
      return html`<option value=${site.key}>${site.name}</option>`;
    })}`, select);
    select.value = snapshot.sites.some(function (site) { return site.key === chosen; }) ? chosen : "";
    select.dataset.built = keys;
  });
}

// ---- every 250 ms: clocks and countdowns from the server's time ----

function projectedEnd(now) {
  const s = snapshot;
  if (!s.segment || !s.segment.planned_end) { return s.projected_end ? Date.parse(s.projected_end) : null; }
  let cursor = null;
  s.runsheet.forEach(function (row) {
    if (cursor === null) {
      if (row.id === s.segment.id) { cursor = Math.max(Date.parse(s.segment.planned_end), now); }
      return;
    }
    cursor = Math.max(cursor, Date.parse(row.planned_start)) + row.planned_minutes * 60000;
  });
  return cursor;
}

function tick() {
  if (!snapshot) { return; }
  const now = live.now();
  ui.serverClock.textContent = clockFormat.format(new Date(now));

  const segment = snapshot.segment;
  let state = "idle";
  let done = 0;
  if (segment && segment.planned_end) {
    const end = Date.parse(segment.planned_end);
    const length = segment.planned_minutes * 60000;
    done = length > 0 ? Math.min(1, Math.max(0, 1 - (end - now) / length)) : 1;
    const left = countdown(end, now, WRAP_UP_MS);
    state = left.state;
    ui.countdown.textContent = left.text;
    ui.countdown.classList.toggle("is-long", left.text.length > 5);
    ui.countdownLabel.textContent = { running: T.remaining, wrapup: T.wrap_up, overtime: T.overtime }[state];
    document.title = left.text + " · " + segment.title;
  } else {
    ui.countdown.textContent = "--:--";
    ui.countdownLabel.textContent = "";
    document.title = pageTitle;
  }
  ui.countdown.parentElement.dataset.state = state;
  ui.progress.parentElement.dataset.state = state;
  ui.progress.style.width = (done * 100).toFixed(2) + "%";
  ui.stripNowTitle.parentElement.classList.toggle("is-empty", !segment);
  ui.stripNowTitle.textContent = segment ? segment.title : "";
  ui.stripCountdown.textContent = segment ? ui.countdown.textContent : "";
  ui.stripCountdown.dataset.state = state;

  const projected = projectedEnd(now);
  ui.projectedEnd.textContent = projected ? timeOfDay(new Date(projected).toISOString(), snapshot.timezone) : "–";
  if (projected && snapshot.planned_end) {
    const difference = Math.round((projected - Date.parse(snapshot.planned_end)) / 1000);
    ui.endDifference.textContent = "(" + signed(difference) + ")";
    ui.endDifference.className = "drift " + driftClass(difference);
  } else {
    ui.endDifference.textContent = "";
  }

  renderSites(ui.sites, { T: T, snapshot: snapshot, presence: presence, now: now });

  if (!ui.video.hidden) {
    const video = snapshot.video;
    let position = video.position;
    if (video.state === "playing" && video.changed_at) { position += (now - Date.parse(video.changed_at)) / 1000; }
    ui.videoPosition.textContent = clock(Math.max(0, position) * 1000);
  }
}

setInterval(tick, TICK_MS);
