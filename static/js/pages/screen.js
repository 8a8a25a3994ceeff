// The room screen of one site: a big-type view of the live state, for a projector or a broadcast overlay: what is
// on now, who is on air, the poll on this site's screen with its results, the featured question, reactions.
// Which of them fills the screen is the server's decision (`sites[].screen`, the scene rule in docs/PROTOCOL.md):
// the page draws it and decides nothing. When the connection drops it greys out at once and says so (core/live.js
// decides the status), and it only looks live again after a fresh state has come in over the new connection.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { connect } from "../core/live.js";
import { byId } from "../core/dom.js";
import { ms, siteName, timeOfDay } from "../core/format.js";
import { strings, t } from "../core/strings.js";
import { drawNow } from "../screen/now.js";
import { drawPoll, takeResults, takeVoters, tickPollTimer } from "../screen/poll.js";
import { react } from "../screen/reactions.js";
import { setTimer } from "../screen/timers.js";
import { syncVideo } from "../screen/video.js";
import { updateWall } from "../screen/wall.js";

const TICK_MS = 250;
const WATCHDOG_MS = 3000;      // how often the screen checks that the server still answers (a cable can die silently)
// The scenes that cover the "now" area: it keeps what it had underneath (a video plays on).
const COVERING = ["poll", "question", "holding"];

const body = document.body;
const T = strings();
// The parts of the template this module fills (the poll area and the "now" area have modules of their own).
const parts = Object.fromEntries(["now", "poll", "air", "message", "holding", "holding-text", "featured",
  "segment-timer", "site-timer", "next", "clock", "connection"].map(function (id) { return [id, byId(id)]; }));

let live = null;               // the connection (core/live.js); its first status comes before connect() returns

// What every part of the screen draws from: the newest state and the server's scene for this site.
const page = {
  site: body.dataset.site,
  firstStart: body.dataset.firstStart || "",
  joinCode: body.dataset.joinCode || "",
  overlay: body.classList.contains("overlay"),
  snapshot: null,
  scene: null,
  now: function () { return live ? live.now() : Date.now(); },
};
let featuredKey = null;

live = connect({
  auth: { token: body.dataset.token },
  watchdogMs: WATCHDOG_MS,
  onState: function (next) {
    page.snapshot = next;
    draw();
  },
  onStatus: function (status, detail) {
    showConnection(status, detail);
    if (live) { tick(); }
  },
  on: {
    "poll:results": function (data) {
      takeResults(data);
      drawPollArea();
    },
    "poll:voters": function (data) {
      takeVoters(data);
      drawPollArea();
    },
    "reactions:burst": function (data) { react(data.sites); },
  },
});

// The status core/live.js gives: nothing over the screen while live or in the first moment of connecting.
function showConnection(status, detail) {
  parts.connection.hidden = status === "live" || status === "connecting";
  if (parts.connection.hidden) { return; }
  const text = {
    refused: [T.refused, T.refused_sub],
    waiting: [T.connecting, ""],
    reconnecting: [T.reconnecting, T.reconnecting_sub],
  }[status];
  parts.connection.querySelector(".connection-title").textContent = text[0];
  parts.connection.querySelector(".connection-sub").textContent = text[1];
  if (detail) { parts.connection.title = detail; }
}

function me() { return page.snapshot.sites.find(function (site) { return site.key === page.site; }) || null; }

// What this site's screen shows, as the server decided it (the scene rule).
function sceneOf(site) {
  return site && site.screen ? site.screen : { show: "welcome", air: null, air_site: null, vote: false };
}

function draw() {
  const snapshot = page.snapshot;
  const site = me() || {};
  const scene = page.scene = sceneOf(me());
  const segment = snapshot.segment;
  body.dataset.show = scene.show;
  body.dataset.mode = scene.show === "ended" || scene.show === "welcome" ? scene.show : "segment";
  body.dataset.kind = body.dataset.mode === "segment" && segment ? segment.kind : "";
  body.dataset.ownPart = scene.show === "own_part" ? "1" : "";

  drawAir(scene);
  parts.now.hidden = COVERING.indexOf(scene.show) >= 0;
  if (!parts.now.hidden) { drawNow(page, site); }
  drawMessage(site);
  drawHolding(scene, site);
  drawNext();
  drawPoll(page);
  drawFeatured(scene);
  fit();
  tick();
}

function drawPollArea() {
  if (!page.snapshot) { return; }
  drawPoll(page);
  fit();
}

// Who is on air: this site ("ON AIR"), or another one ("LIVE from Den Haag").
function drawAir(scene) {
  body.dataset.air = scene.air === "on_air" ? "on-air" : scene.air === "live_from" && scene.air_site ? "live-from" : "";
  render(body.dataset.air === "on-air" ? html`<span class="on-air-badge" data-testid="on-air">${T.on_air}</span>`
    : body.dataset.air === "live-from" ? html`<span class="live-from" data-testid="live-from"><span class="live-dot"
      aria-hidden="true"></span><span>${t("live_from", { site: siteName(page.snapshot.sites, scene.air_site) })}</span></span>`
      : nothing, parts.air);
}

function drawMessage(site) {
  const text = (site.message || "").trim();
  parts.message.textContent = text;
  parts.message.hidden = !text;
  body.dataset.message = text ? "1" : "";
}

function drawHolding(scene, site) {
  const on = scene.show === "holding";
  parts.holding.hidden = !on;
  body.dataset.holding = on ? "1" : "";
  parts["holding-text"].textContent = on ? (site.holding_text || page.snapshot.title) : "";
}

function drawNext() {
  const snapshot = page.snapshot;
  const following = snapshot.status !== "ended" && snapshot.next && !snapshot.split ? snapshot.next : null;
  parts.next.textContent = following ? T.next + ": " + following.title : "";
  parts.next.hidden = !following;
}

// The featured question, as text; it enters anew when another one is featured.
function drawFeatured(scene) {
  const question = scene.show === "question" ? page.snapshot.featured_question : null;
  const key = JSON.stringify(question);
  if (key === featuredKey) { return; }
  featuredKey = key;
  parts.featured.hidden = !question;
  body.dataset.featured = question ? "1" : "";
  if (!question) { return; }
  byId("featured-label").textContent = t("featured_from", { site: siteName(page.snapshot.sites, question.site) });
  byId("featured-text").textContent = question.text;
  byId("featured-upvotes").textContent = question.upvotes ? t("upvotes", { n: question.upvotes }) : "";
  parts.featured.classList.remove("enter");
  void parts.featured.offsetWidth;  // restart the (motion-safe) entrance animation
  parts.featured.classList.add("enter");
}

// Shrink the type of the "now" area and the other scenes until they fit (long titles, a message bar). Boxes are
// measured without the entrance animations' transforms (body.fitting), which would make them seem larger or
// smaller than they are once the animation ends.
function fit() {
  body.classList.add("fitting");
  [parts.now, parts.poll, parts.featured, parts.holding].forEach(function (box) {
    if (box.hidden) { return; }
    let scale = 1;
    box.style.setProperty("--fit", "1");
    for (let i = 0; i < 14; i += 1) {
      if (box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) { break; }
      scale -= 0.05;
      box.style.setProperty("--fit", scale.toFixed(2));
    }
  });
  body.classList.remove("fitting");
}

// What moves every tick: the clock, the countdowns, the video, the magic wall's status.
function tick() {
  const now = page.now();
  const snapshot = page.snapshot;
  parts.clock.textContent = timeOfDay(new Date(now).toISOString(), snapshot ? snapshot.timezone : body.dataset.timezone);
  if (!snapshot) { return; }
  const isLive = live.status() === "live";
  const segment = snapshot.status === "live" ? snapshot.segment : null;
  setTimer(parts["segment-timer"], T.time_left, segment ? ms(segment.planned_end) : null, now, isLive);
  const site = me() || {};
  setTimer(parts["site-timer"], T.own_timer, snapshot.status === "live" ? ms(site.timer_ends_at) : null, now, isLive);
  tickPollTimer(page, isLive);
  if (segment && segment.kind === "video") { syncVideo(snapshot.video, now, parts.now.querySelector(".video-card"), isLive); }
  if (segment && segment.kind === "handoff") { updateWall(parts.now.querySelector(".wall"), snapshot.handoff, snapshot.sites, now); }
}

window.addEventListener("resize", fit);
setInterval(tick, TICK_MS);
tick();
