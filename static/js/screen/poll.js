// The poll on this site's screen: it takes the place of "now" when the server's scene says so. The question, the
// join code large beside it and the count of voters while people vote; the results as soon as they arrive. The
// server sends a screen only what it may show, at the reveal's moment (so every screen flips together), with the
// totals counted: the page draws them as they come, with the poll kinds' renderers (static/js/kinds/).
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { byId } from "../core/dom.js";
import { clock, ms, siteName } from "../core/format.js";
import { strings, t } from "../core/strings.js";
import { kindLabel, mountResults, summary } from "../kinds/index.js";

const calm = window.matchMedia("(prefers-reduced-motion: reduce)");

// The poll area's parts (in the template).
const area = { box: byId("poll"), label: byId("poll-label"), question: byId("poll-question"), count: byId("poll-count"),
  announce: byId("poll-announce"), results: byId("poll-results"), timer: byId("poll-timer") };
const ENDING_MS = 10000;       // the last seconds to answer stand out
const RAN_OUT_MARGIN_MS = 2000; // a close this near the deadline (by this screen's clock) was the deadline's

const results = new Map();     // poll id -> the newest poll:results
const voters = new Map();      // poll id -> the newest poll:voters
let revealKey = null;          // the reveal last shown (poll, step)

export function takeResults(data) { results.set(data.poll_id, data); }

export function takeVoters(data) { voters.set(data.poll_id, data); }

// The results this screen may draw: the newest that came for the poll, unless the chair hid them since.
function shownResults(poll) {
  if (!poll.results_visible) { results.delete(poll.id); }
  return results.get(poll.id) || null;
}

// Where a poll is: open for votes, results shown (live while still open), closed without results, not opened.
function pollPhase(poll, figures, vote) {
  if (figures) { return vote ? "live" : "results"; }
  return vote ? "open" : poll.state === "closed" ? "closed" : "waiting";
}

// How large the join code is: large while the screen asks for votes (and before the start, to join), medium
// beside live results.
function joinSize(scene, phase) {
  if (scene.vote) { return phase === "live" ? "medium" : "big"; }
  return scene.show === "welcome" ? "big" : "";
}

// Draw the poll area for the scene. page: { snapshot, site, scene, overlay, joinCode, now() }.
export function drawPoll(page) {
  const body = document.body;
  const me = page.snapshot.sites.find(function (site) { return site.key === page.site; });
  const poll = me && me.poll && page.scene.show === "poll" ? me.poll : null;
  if (!poll) {
    body.dataset.join = joinSize(page.scene, null);
    revealKey = null;
    area.box.hidden = true;
    body.dataset.poll = "";
    return;
  }
  const T = strings();
  const figures = shownResults(poll);
  const vote = page.scene.vote;
  const phase = pollPhase(poll, figures, vote);
  area.box.hidden = false;
  body.dataset.poll = phase;
  body.dataset.join = joinSize(page.scene, phase);
  area.box.dataset.phase = phase;
  area.box.dataset.kind = poll.kind;
  area.box.dataset.pollId = String(poll.id);

  const step = figures ? figures.step || null : null;
  const reveal = figures ? JSON.stringify([poll.id, step]) : null;
  const entering = reveal !== null && reveal !== revealKey;
  if (entering) {
    area.box.dataset.revealedAt = String(Date.now());
    area.box.dataset.step = step === null ? "" : String(step);
  }
  revealKey = reveal;

  const kindName = kindLabel(poll.kind);
  // The overlay has no QR code: while the poll asks for votes it says the code in words.
  const phaseText = page.overlay && vote
    ? t("poll_open_overlay", { code: page.joinCode.slice(0, 3) + " " + page.joinCode.slice(3) }) : {
      open: T.poll_open, live: T.poll_live, waiting: T.poll_waiting, closed: T.poll_closed,
      results: step ? T.poll_reveal : T.poll_results,
    }[phase];
  area.label.textContent = kindName + " · " + phaseText;
  area.question.textContent = poll.question;

  render(countView(poll, figures, voters.get(poll.id) || null, page), area.count);
  announce(figures ? announcement(poll, figures, page.snapshot.sites) : null);
  area.results.hidden = !figures;
  if (figures) {
    mountResults(area.results, poll, figures, { variant: "screen", sites: page.snapshot.sites, strings: t,
      now: page.now(), site: page.site, overlay: page.overlay });
    grow(area.results, entering);
  }
}

// Grow every bar and column to the share the renderer gave it (data-share): from where it was, or from zero when
// it is new or a new reveal came (the CSS transition animates it, motion allowing); a new reveal also plays the
// results' entrance again.
function grow(container, entering) {
  if (entering && !calm.matches) {
    container.classList.remove("entering");
    void container.offsetWidth;  // restart the (motion-safe) entrance
    container.classList.add("entering");
  }
  const targets = [];
  container.querySelectorAll("[data-share]").forEach(function (element) {
    const target = element.dataset.share;
    const current = element.style.getPropertyValue("--share");
    if (calm.matches) {
      element.style.setProperty("--share", target);
      return;
    }
    if (entering || current === "") {
      element.style.setProperty("--share", "0");
    } else if (current === target) {
      return;
    }
    targets.push([element, target]);
  });
  if (targets.length) {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        targets.forEach(function ([element, target]) { element.style.setProperty("--share", target); });
      });
    });
  }
}

// In a site-by-site reveal: the site revealed last, and one line about its figures ("Enschede: 14 votes · most
// chosen: X (43%)"); null otherwise.
function announcement(poll, results, sites) {
  const shown = results.step ? results.shown || [] : [];
  const newest = shown.length ? shown[shown.length - 1] : null;
  if (!newest) { return null; }
  return t("announce", { site: siteName(sites, newest), summary: summary(poll, (results.sites || {})[newest]) });
}

// How many voted; while people vote, also how many joined and the sites' counts side by side (the room sees the
// others take part too).
function countView(poll, figures, count, page) {
  let n = figures ? figures.total.voters : count ? count.voters : null;
  if (n === null || n === undefined) { n = poll.voters || 0; }
  let joined = 0;
  if (count && count.participants && !figures) {
    const keys = poll.site ? [poll.site] : Object.keys(count.participants);
    joined = keys.reduce(function (acc, key) { return acc + (count.participants[key] || 0); }, 0);
  }
  const perSite = !figures && count && !poll.site && Object.keys(count.sites || {}).length > 1;
  return html`<span class="count-figure" data-testid="poll-voters">${n}</span><span class="count-words"><span
    class="count-voted">${strings().voted}</span>${joined >= n && joined > 0
      ? html`<span class="count-joined">${t("of_joined", { n: joined })}</span>` : nothing}</span>${perSite
      ? html`<ul class="count-sites" data-testid="poll-site-voters">${page.snapshot.sites
        .filter(function (site) { return site.key in count.sites; })
        .map(function (site) {
          return html`<li class="count-site${site.key === page.site ? " is-here" : ""}"><span>${site.name}</span><strong
            >${count.sites[site.key]}</strong></li>`;
        })}</ul>` : nothing}`;
}

// In a site-by-site reveal: which site came last, and what it said; it enters again when it changes.
function announce(text) {
  area.announce.hidden = !text;
  if (!text) {
    area.announce.textContent = "";
    return;
  }
  if (area.announce.textContent !== text) {
    area.announce.textContent = text;
    area.announce.classList.remove("enter");
    void area.announce.offsetWidth;  // restart the (motion-safe) entrance
    area.announce.classList.add("enter");
  }
}

// The time to answer a poll with a deadline (`closes_at`, while it is open), counted down by the server's clock; at 0
// it says the time is up (the server closes the poll; the screen only shows it), and keeps saying so once the server
// closed it, until the results come. While the screen is not live it shows "–:––" rather than a time that may be
// wrong. Called every tick.
let counted = null;            // {poll, endsAt}: the countdown this screen showed last

export function tickPollTimer(page, live) {
  const me = page.snapshot ? page.snapshot.sites.find(function (site) { return site.key === page.site; }) : null;
  const poll = me && me.poll && page.scene && page.scene.show === "poll" ? me.poll : null;
  const endsAt = poll && poll.state === "open" ? ms(poll.closes_at) : null;
  if (endsAt) { counted = { poll: poll.id, endsAt: endsAt }; }
  // Closed by the server at the deadline (not by the chair before it): the time ran out.
  const ranOut = !endsAt && poll !== null && poll.state === "closed" && area.box.dataset.phase === "closed"
    && counted !== null && counted.poll === poll.id && page.now() >= counted.endsAt - RAN_OUT_MARGIN_MS;
  area.timer.hidden = !endsAt && !ranOut;
  if (area.timer.hidden) { return; }
  const left = ranOut ? 0 : endsAt - page.now();
  const up = ranOut || live && left <= 0;
  const T = strings();
  area.timer.dataset.state = up ? "up" : live && left <= ENDING_MS ? "ending" : "";
  const label = up ? T.time_up : T.answer_time;
  const value = !live ? "–:––" : clock(Math.max(0, Math.ceil(left / 1000) * 1000));
  const labelBox = area.timer.querySelector(".poll-timer-label");
  const valueBox = area.timer.querySelector(".poll-timer-value");
  if (labelBox.textContent !== label) { labelBox.textContent = label; }
  if (valueBox.textContent !== value) { valueBox.textContent = value; }
}
