// The host panel's closing: the magic wall (catch the object, pass it on) and the site's learnings for the
// closing round (written before it, final once it starts).
import { html, render } from "/vendor/lit-html/lit-html.js";
import { fill } from "../core/format.js";
import { byId, byIds } from "../core/dom.js";

const MAX_LEARNINGS = 10;

// page: { site, T, act, snapshot(), name(key) }
export function setupClosing(page) {
  const T = page.T;
  const ui = byIds(["wall", "wall-state", "wall-catch", "wall-pass", "wall-to", "learnings", "learnings-form",
    "learnings-text", "learnings-count", "learnings-status", "learnings-final"]);
  let saved = null;       // the text the server has, as the textarea shows it
  let passChoices = null; // the sites the object can be passed to, and the suggested one, as last offered

  ui.wallCatch.addEventListener("click", function () { page.act("handoff:catch", {}, ui.wallCatch); });
  ui.wallPass.addEventListener("submit", function (event) {
    event.preventDefault();
    page.act("handoff:pass", { to: ui.wallTo.value }, byId("wall-pass-button"));
  });

  function typed() {
    return ui.learningsText.value.split("\n").map(function (line) { return line.trim(); })
      .filter(function (line) { return line; });
  }

  function showCount() {
    ui.learningsCount.textContent = fill(T.learnings_count, { n: typed().length, max: MAX_LEARNINGS });
    ui.learningsStatus.textContent = saved !== null && ui.learningsText.value !== saved ? T.learnings_unsaved : "";
  }

  ui.learningsText.addEventListener("input", showCount);
  ui.learningsForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const texts = typed();
    if (texts.join("\n") === saved) {  // nothing to send: the server has exactly this
      ui.learningsText.value = saved;
      ui.learningsStatus.textContent = T.learnings_saved;
      return;
    }
    if (await page.act("learnings:write", { learnings: texts }, byId("learnings-save"))) {
      saved = texts.join("\n");
      ui.learningsText.value = saved;
      showCount();
      ui.learningsStatus.textContent = T.learnings_saved;
    }
  });

  function renderWall(snapshot) {
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    const handoff = snapshot.handoff;
    ui.wall.hidden = !(segment && segment.kind === "handoff" && handoff);
    if (ui.wall.hidden) { return; }
    const me = page.site;
    byId("wall-object").textContent = handoff.title;
    const flying = handoff.state === "in_flight";
    let words = fill(T.wall_holds, { site: page.name(handoff.holder) });
    if (flying && handoff.to === me) {
      words = fill(T.wall_flying_to_you, { site: page.name(handoff.holder) });
    } else if (flying) {
      words = fill(T.wall_flying, { from: page.name(handoff.holder), to: page.name(handoff.to) });
    } else if (handoff.holder === me) {
      words = T.wall_you_hold;
    }
    ui.wallState.textContent = words;
    ui.wall.dataset.state = flying ? (handoff.to === me ? "catch" : "flying")
      : (handoff.holder === me ? "hold" : "held");
    ui.wallCatch.hidden = !(flying && handoff.to === me);
    ui.wallPass.hidden = flying || handoff.holder !== me;
    if (!ui.wallPass.hidden) {
      const order = handoff.order || [];
      const index = order.indexOf(me);
      const next = index >= 0 && index + 1 < order.length ? order[index + 1] : null;
      const keys = snapshot.sites.map(function (site) { return site.key; }).filter(function (key) { return key !== me; });
      const wanted = JSON.stringify([keys, next]);
      render(keys.map(function (key) { return html`<option value=${key}>${page.name(key)}</option>`; }), ui.wallTo);
      if (passChoices !== wanted) {  // a new choice of sites: suggest the next in the order, else keep the host's
        passChoices = wanted;
        ui.wallTo.value = next || keys[0] || "";
      }
    }
  }

  function renderLearnings(snapshot) {
    const closing = snapshot.closing || {};
    const mine = (closing.learnings || {})[page.site] || [];
    const regionalStarted = (snapshot.runsheet || []).some(function (row) {
      return row.kind === "regional" && row.actual_start;
    });
    ui.learnings.hidden = !(regionalStarted || closing.locked || mine.length);
    ui.learningsForm.hidden = Boolean(closing.locked);
    ui.learningsFinal.hidden = !closing.locked;
    if (closing.locked) {
      byId("learnings-locked").textContent = T.learnings_locked;
      render(mine.length ? mine.map(function (line) { return html`<li>${line}</li>`; })
        : html`<li class="muted">${T.learnings_none}</li>`, byId("learnings-list"));
      return;
    }
    const server = mine.join("\n");
    // Take the server's list unless the host is editing (typed something not saved yet).
    if (saved === null || ui.learningsText.value === saved) { ui.learningsText.value = server; }
    saved = server;
    showCount();
  }

  return function renderClosing(snapshot) {
    renderWall(snapshot);
    renderLearnings(snapshot);
  };
}
