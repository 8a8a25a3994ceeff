// The control panel's site cards: each site's tally (on air, ready, needs time, standby), its host's signal and
// panels, its screen (connected, last heard of), its participants, what its screen shows and what is set on it,
// its own part and timer, and the button that puts it on air. Drawn with lit-html on every push and every tick:
// only what changed is touched, so a button keeps the keyboard focus and a click is never lost to a redraw.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { clock, fill } from "../core/format.js";
import { countdown } from "../crew/timers.js";

const STALE_SCREEN_MS = 30 * 1000;     // a screen's heartbeat older than this shows red

// ctx: { T, snapshot, presence, now }
export function renderSites(container, ctx) {
  const running = ctx.snapshot.status === "live";
  render(repeat(ctx.snapshot.sites, function (site) { return site.key; }, function (site, index) {
    return siteCard(site, index, running, ctx);
  }), container);
}

function tallyOf(site, snapshot) {
  if (snapshot.on_air === site.key && !snapshot.split) { return "on_air"; }
  return site.host_status;
}

function ago(ms, T) {
  if (ms === null) { return T.never; }
  const seconds = Math.floor(ms / 1000);
  return seconds < 120 ? fill(T.seconds_ago, { n: seconds }) : fill(T.minutes_ago, { n: Math.floor(seconds / 60) });
}

// Whether the site's screen is connected, and how long since it was last heard of.
function screenFact(here, now, T) {
  const lastSeen = here.screen_last_seen ? Date.parse(here.screen_last_seen) : null;
  const age = lastSeen === null ? null : Math.max(0, now - lastSeen);
  const count = here.screens || 0;
  const words = count === 0 ? T.no_screen + (age === null ? "" : " · " + ago(age, T))
    : (count === 1 ? T.connected : fill(T.n_connected, { n: count })) + " · " + ago(age, T);
  return { words: words, bad: count === 0 || age === null || age > STALE_SCREEN_MS };
}

function siteCard(site, index, running, ctx) {
  const T = ctx.T;
  const snapshot = ctx.snapshot;
  const tally = tallyOf(site, snapshot);
  const here = ctx.presence[site.key] || {};
  const screen = screenFact(here, ctx.now, T);
  const segment = snapshot.segment;
  const part = segment && segment.parts ? segment.parts[site.key] : null;
  const item = part && site.item_index !== null && site.item_index !== undefined ? part.items[site.item_index] : null;
  const paused = site.timer_paused_left !== null && site.timer_paused_left !== undefined;
  const timer = paused ? { text: clock(site.timer_paused_left * 1000), state: "paused" }
    : site.timer_ends_at ? countdown(Date.parse(site.timer_ends_at), ctx.now, 0) : null;
  const notes = [
    part ? html`<li class="note part" data-testid="site-part"><strong>${part.title}</strong><span class="part-item"
      >${item === null || item === undefined ? T.no_item
        : fill(T.item, { n: site.item_index + 1, count: part.items.length, text: item })}</span></li>` : null,
    timer ? timerNote(site, timer, running, T) : null,
  ].filter(Boolean);
  return html`<article class=${"site tally-" + tally} data-site=${site.key} data-testid="site-card"
    aria-labelledby=${"site-" + site.key} data-key=${"site-" + site.key}>
    <div class="tally" data-testid="tally"><span class="tally-word">${T.tally[tally] || tally}</span><kbd
      class="tally-key" title=${fill(T.go_live, { site: site.name })}>${index + 1}</kbd></div>
    <div class="site-head"><h3 id=${"site-" + site.key}>${site.name}</h3>${site.venue
      ? html`<span class="venue">${site.venue}</span>` : nothing}</div>
    <dl class="site-facts">
      <div class="fact host-fact" data-testid="host-status"><dt>${T.host}</dt><dd><span
        class=${"host-signal host-" + site.host_status}>${T.host_status[site.host_status] || site.host_status}</span
        ><span class=${"host-panels" + (here.hosts ? "" : " is-bad")}>${here.hosts
          ? fill(T.host_panels, { n: here.hosts }) : T.no_host_panel}</span></dd></div>
      <div class=${"fact screen-fact" + (screen.bad ? " is-bad" : "")} data-testid="screen-presence"><dt>${T.screen}</dt
        ><dd>${screen.words}</dd></div>
      <div class="fact participants-fact" data-testid="participants"><dt>${T.participants}</dt
        ><dd>${String(here.participants || 0)}</dd></div>
    </dl>
    ${screenBox(site, snapshot, T)}
    ${notes.length ? html`<ul class="site-notes">${notes}</ul>` : nothing}
    <button type="button" class="button go-live" data-action="live:on-air" data-site=${site.key}
      ?disabled=${!running || tally === "on_air"}>${fill(T.go_live, { site: site.name })}</button>
  </article>`;
}

// The site's own countdown (running or paused) with one minute more or less, and pause or resume.
function timerNote(site, timer, running, T) {
  const paused = timer.state === "paused";
  const button = function (action, label, title, seconds) {
    return html`<button type="button" class="button tiny secondary" data-action=${action} data-site=${site.key}
      data-seconds=${seconds === undefined ? nothing : String(seconds)} aria-label=${fill(title, { site: site.name })}
      ?disabled=${!running}>${label}</button>`;
  };
  return html`<li class="note timer" data-testid="site-timer" data-key=${"timer-" + site.key}><span>${T.timer + " "}</span
    ><strong class=${"site-timer" + (timer.state === "overtime" ? " is-overtime" : "") + (paused ? " is-paused" : "")}
      data-testid="site-timer-left">${timer.text}</strong>${paused ? html`<span class="note-flag"
      data-testid="site-timer-paused">${T.timer_paused}</span>` : nothing}
    <span class="timer-buttons">
      ${button("site:timer-adjust", T.timer_minus, T.timer_minus_label, -60)}
      ${button("site:timer-adjust", T.timer_plus, T.timer_plus_label, 60)}
      ${paused ? button("site:timer-resume", T.timer_resume, T.timer_resume_label)
        : button("site:timer-pause", T.timer_pause, T.timer_pause_label)}
    </span></li>`;
}

// What the site's screen shows now, as the server decided it (sites[].screen), and what is set on it: the poll,
// the featured question, the holding scene, the message, each marked when something else covers it or when it is
// pinned; and the one click that puts the screen back on the programme.
function screenBox(site, snapshot, T) {
  const screen = site.screen || { show: "welcome", covered: [] };
  const covered = screen.covered || [];
  const note = function (kind, testId, words, isCovered, pinned) {
    return html`<li class=${"note " + kind + (isCovered ? " is-covered" : "")} data-testid=${testId}><span
      class="note-text">${words}</span>${isCovered ? html`<span class="note-flag" data-testid="covered">${T.covered}</span>`
        : nothing}${pinned ? html`<span class="note-flag is-pinned" data-testid="pinned"
        title=${T.pinned_title}>${T.pinned}</span>` : nothing}</li>`;
  };
  const question = snapshot.featured_question;
  const notes = [
    site.poll ? note("poll", "site-poll", fill(T.site_poll, { key: site.poll.key, question: site.poll.question }),
      covered.indexOf("poll") >= 0, site.poll_pinned) : null,
    question ? note("question", "site-question", fill(T.site_question, { text: question.text }),
      covered.indexOf("question") >= 0, snapshot.featured_pinned) : null,
    site.scene === "holding" ? note("holding", "site-scene", fill(T.scene_holding, { text: site.holding_text || "…" }),
      covered.indexOf("holding") >= 0, false) : null,
    site.message ? note("message", "site-message", fill(T.message_on, { text: site.message }), false, false) : null,
  ].filter(Boolean);
  return html`<div class="site-screen" data-testid="site-screen" data-show=${screen.show}>
    <p class="screen-shows"><span class="screen-shows-label">${T.screen_shows}</span><strong data-testid="site-shows"
      >${T.shows[screen.show] || screen.show}</strong><button type="button" class="button secondary small clear-screen"
      data-action="screen:clear" data-site=${site.key} data-testid="site-clear"
      title=${fill(T.clear_screen_title, { site: site.name })} ?disabled=${!notes.length}>${T.clear_screen}</button></p>
    ${notes.length ? html`<ul class="site-notes">${notes}</ul>` : nothing}
  </div>`;
}
