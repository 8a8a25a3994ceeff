// Reactions on the room screen: emoji rising up the screen, a few at a time; for those who want no motion, a
// small counter of the last seconds' reactions instead.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { byId, el } from "../core/dom.js";

const EMOJI = { applause: "\u{1F44F}", heart: "\u2764\uFE0F", laugh: "\u{1F602}", wow: "\u{1F62E}" };
const MAX_FLOATING = 36;       // emoji on the screen at once, at most
const MAX_PER_BURST = 5;       // of one kind from one burst
const COUNTER_WINDOW_MS = 15000;

const layer = byId("reactions");
const counter = byId("reaction-counter");
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");
let counted = [];              // reactions counted under reduced motion: [{at, kind, n}]

// A burst of reactions (reactions:burst): {site: {kind: count}}.
export function react(sites) {
  const counts = {};
  Object.values(sites || {}).forEach(function (kinds) {
    Object.keys(kinds).forEach(function (kind) {
      if (EMOJI[kind]) { counts[kind] = (counts[kind] || 0) + Number(kinds[kind] || 0); }
    });
  });
  if (calm.matches) {
    Object.keys(counts).forEach(function (kind) { counted.push({ at: Date.now(), kind: kind, n: counts[kind] }); });
    showCounter();
    return;
  }
  Object.keys(counts).forEach(function (kind) {
    for (let i = 0; i < Math.min(counts[kind], MAX_PER_BURST); i += 1) { float(kind, i); }
  });
}

function float(kind, i) {
  if (layer.childElementCount >= MAX_FLOATING) { return; }
  const emoji = el("span", { class: "floater", "data-kind": kind }, EMOJI[kind]);
  emoji.style.left = (4 + Math.random() * 88).toFixed(1) + "%";
  emoji.style.setProperty("--drift", ((Math.random() - 0.5) * 16).toFixed(1));
  emoji.style.setProperty("--size", (0.8 + Math.random() * 0.6).toFixed(2));
  emoji.style.animationDelay = (i * 0.18 + Math.random() * 0.25).toFixed(2) + "s";
  const gone = function () { emoji.remove(); };
  emoji.addEventListener("animationend", gone);
  setTimeout(gone, 7000);  // also when the animation never ran
  layer.append(emoji);
}

// The counter: the sum of each kind over the last seconds; hidden when there is none.
function showCounter() {
  const since = Date.now() - COUNTER_WINDOW_MS;
  counted = counted.filter(function (entry) { return entry.at >= since; });
  const sums = {};
  counted.forEach(function (entry) { sums[entry.kind] = (sums[entry.kind] || 0) + entry.n; });
  const kinds = Object.keys(EMOJI).filter(function (kind) { return sums[kind]; });
  counter.hidden = !kinds.length;
  render(kinds.length ? kinds.map(function (kind) {
    return html`<span class="counter-item" data-kind=${kind}><span aria-hidden="true">${EMOJI[kind]}</span><strong
      >${sums[kind]}</strong></span>`;
  }) : nothing, counter);
}

setInterval(function () { if (counted.length) { showCounter(); } }, 1000);
