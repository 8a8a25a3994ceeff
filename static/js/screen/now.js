// The "now" area of the room screen: what is on, drawn for the scene the server chose (`sites[].screen.show`):
// the welcome, a segment, this site's own part with the item its host put on, the other sites' session, the
// closing round, the magic wall, the end. lit-html keeps what did not change (a playing video, a flying object).
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { byId } from "../core/dom.js";
import { styleProperties } from "../core/style.js";
import { siteName, timeOfDay } from "../core/format.js";
import { strings, t } from "../core/strings.js";
import { dropVideo, videoArea } from "./video.js";
import { updateWall, wallView } from "./wall.js";

const nowBox = byId("now");
const IMAGE = /^(\/[^/]|https?:\/\/)/;
let drawn = false;             // the server's first page is replaced on the first draw
let entered = null;            // what entered last: when it changes, the entrance animation plays again

// Draw the "now" area. page: { snapshot, site, scene, firstStart, now() }; me: this site in the state.
export function drawNow(page, me) {
  const show = page.scene.show;
  const snapshot = page.snapshot;
  const segment = snapshot.segment;
  const withVideo = show === "segment" && Boolean(segment) && segment.kind === "video" && Boolean(segment.video_url);
  document.body.dataset.video = withVideo ? "1" : "";
  if (!withVideo) { dropVideo(); }
  if (!drawn) {
    nowBox.replaceChildren();
    drawn = true;
  }
  render(nowView(page, me), nowBox);
  updateWall(nowBox.querySelector(".wall"), snapshot.handoff, snapshot.sites, page.now());
  // A pass or catch on the magic wall redraws the wall, but must not fade the whole area in again (the object's
  // own animation shows the change); everything else enters anew when it changes.
  const entering = JSON.stringify([show, snapshot.title, segment, snapshot.split, snapshot.on_air, me.item_index,
    snapshot.sites.map(function (s) { return s.name; }),
    segment && segment.kind === "closing_round" ? snapshot.closing : null]);
  if (entering === entered) { return; }
  entered = entering;
  nowBox.classList.remove("enter");
  void nowBox.offsetWidth;  // restart the (motion-safe) entrance animation
  nowBox.classList.add("enter");
}

function label(text) { return html`<p class="screen-label">${text}</p>`; }

function title(text, extra) {
  return html`<h1 class=${"screen-title" + (extra ? " " + extra : "")} data-testid="now-title">${text}</h1>`;
}

function sub(text) { return text ? html`<p class="screen-sub">${text}</p>` : nothing; }

function nowView(page, me) {
  const T = strings();
  const show = page.scene.show;
  const snapshot = page.snapshot;
  const segment = snapshot.segment;
  if (show === "welcome" || !segment && show !== "ended") {
    return [label(T.welcome), title(snapshot.title),
      sub(page.firstStart ? t("starts_at", { time: page.firstStart }) : T.starting)];
  }
  if (show === "ended") { return [label(snapshot.title), title(T.ended), sub(T.ended_sub)]; }
  if (show === "own_part" && segment.parts && segment.parts[page.site]) {
    const part = segment.parts[page.site];
    return [label(segment.title), title(part.title, "part-title"), itemView(part, me.item_index)];
  }
  if (show === "closing_round") { return closingRound(page, segment); }
  if (show === "magic_wall" && snapshot.handoff) {
    return [label(T.kinds.handoff), title(segment.title, "wall-title"), wallView(snapshot.handoff, page)];
  }
  if (show === "other_part") {
    return [label(segment.kind === "regional" ? T.kinds.regional : T.split), title(segment.title), sub(T.regional_other)];
  }
  return [
    label(T.kinds[segment.kind] || T.now),
    title(segment.title),
    segment.kind === "break" && segment.planned_end
      ? sub(t("back_at", { time: timeOfDay(segment.planned_end, snapshot.timezone) })) : nothing,
    segment.kind === "closing_round" || segment.kind === "handoff" ? orderRow(page, segment, snapshot.on_air) : nothing,
    segment.kind === "handoff" && segment.object_title ? objectCard(segment) : nothing,
    segment.kind === "video" ? videoView(segment) : nothing,
  ];
}

// The item of its part that this site's host put on (a statement, a stage), and the one after it.
function itemView(part, index) {
  if (index === null || index === undefined || !part.items[index]) {
    return html`<div class="item" data-testid="current-item" hidden></div>`;
  }
  const T = strings();
  const kind = (T.formats && T.formats[part.format]) || "";
  return html`<div class="item" data-testid="current-item">
    <p class="item-count">${(kind ? kind + " · " : "") + t("item_of", { n: index + 1, total: part.items.length })}</p>
    <p class="item-text">${part.items[index]}</p>
    ${part.items[index + 1] ? html`<p class="item-then">${T.then + ": " + part.items[index + 1]}</p>` : nothing}
  </div>`;
}

// The closing round: before its first site the round's order; then the site whose turn it is, with its learnings.
function closingRound(page, segment) {
  const T = strings();
  const closing = page.snapshot.closing || {};
  const order = segment.order || [];
  if (!closing.site) {
    return [label(T.kinds.closing_round), title(segment.title), sub(T.closing_round_sub), orderRow(page, segment, null)];
  }
  const turn = order.indexOf(closing.site);
  const learnings = (closing.learnings || {})[closing.site] || [];
  return [
    label(T.kinds.closing_round + (turn >= 0 ? " · " + t("closing_turn", { n: turn + 1, total: order.length }) : "")),
    title(t("learnings_of", { site: siteName(page.snapshot.sites, closing.site) }), "closing-title"),
    html`<ol class="learnings" data-testid="learnings" data-site=${closing.site}
      ${styleProperties({ "--count": String(Math.max(learnings.length, 1)) })}>${learnings.length
        ? learnings.map(function (text) { return html`<li class="learning">${text}</li>`; })
        : html`<li class="learning is-empty">${T.no_learnings}</li>`}</ol>`,
    orderRow(page, segment, closing.site),
  ];
}

// The sites in the order of the round, the current one marked.
function orderRow(page, segment, current) {
  return html`<ol class="order" aria-label=${strings().order}>${(segment.order || []).map(function (key) {
    const classes = "order-site" + (key === current ? " is-on-air" : "") + (key === page.site ? " is-here" : "");
    return html`<li class=${classes}>${siteName(page.snapshot.sites, key)}</li>`;
  })}</ol>`;
}

function objectCard(segment) {
  const image = segment.object_image || "";
  return html`<figure class="object">${IMAGE.test(image) ? html`<img src=${image} alt="">` : nothing}<figcaption
    >${segment.object_title}</figcaption></figure>`;
}

// A video segment: its file playing in step, or a title card (filled every tick, see video.js).
function videoView(segment) {
  if (segment.video_url) { return videoArea(segment); }
  return html`<div class="video-card" data-testid="video-card"><span class="video-state"></span><span
    class="video-elapsed"></span></div>`;
}
