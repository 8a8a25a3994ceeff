// A poll's public results page: draws the results it came with (the kinds' results sheet), then fetches them again
// every few seconds while the event runs, so the page follows the votes (no socket: a plain, robust GET of the
// results API). On the "not public yet" page it only waits, and shows the results by itself once they are revealed.
import { byId } from "../core/dom.js";
import { t } from "../core/strings.js";
import { mountResults } from "../kinds/index.js";

const body = document.body;
const REFRESH_MS = 5000;
const SLOW_REFRESH_MS = 60000; // the event has ended and the poll is closed: little can change anymore
const path = "/api/v1/events/" + encodeURIComponent(body.dataset.slug) + "/polls/" + encodeURIComponent(body.dataset.key) +
  "/results";
const headers = body.dataset.token ? { Authorization: "Bearer " + body.dataset.token } : {};

async function fetchResults() {
  const response = await fetch(path, { headers: headers, cache: "no-store" });
  if (response.status === 403 || response.status === 404) { return { gone: true, status: response.status }; }
  if (!response.ok) { throw new Error("HTTP " + response.status); }
  return { doc: await response.json() };
}

function time(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang || "nl", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// Not revealed yet: look again now and then; the page itself shows the results once they are public.
function waitForReveal() {
  setInterval(async function () {
    try {
      const reply = await fetchResults();
      if (!reply.gone) { window.location.reload(); }
    } catch (error) { /* offline for a moment: try again */ }
  }, REFRESH_MS);
}

// The sites as the server sent them (those revealed so far), in the event's order: a site keeps its colour.
function sitesInOrder(shown) {
  return (body.dataset.sites || "").split(" ").filter(Boolean).map(function (key) {
    return shown.find(function (site) { return site.key === key; }) || { key: key, name: key };
  });
}

function followResults() {
  let doc = JSON.parse(byId("results-data").textContent);
  const updated = byId("results-updated");
  const partial = byId("results-partial");
  const voters = byId("results-voters");
  const sheet = byId("results-body");

  function draw() {
    const poll = doc.poll;
    mountResults(sheet, poll, doc.results, { variant: "report", sites: sitesInOrder(doc.sites) });
    voters.textContent = t("voters", { n: doc.results.total.voters });
    partial.hidden = doc.complete;
    partial.textContent = doc.complete ? "" : t("partial", { sites: doc.sites.map(function (s) { return s.name; }).join(", ") });
    const running = doc.status === "live" || poll.state === "open";
    updated.textContent = t("updated", { time: time(doc.generated_at) }) + (running ? " · " + t("live") : "");
  }

  function settled() { return doc.status === "ended" && doc.poll.state === "closed"; }

  async function refresh() {
    if (!document.hidden) {
      try {
        const reply = await fetchResults();
        if (reply.gone) { window.location.reload(); return; } // hidden again, or deleted: the server says what now
        doc = reply.doc;
        draw();
      } catch (error) {
        updated.textContent = t("offline", { time: time(doc.generated_at) });
      }
    }
    setTimeout(refresh, settled() ? SLOW_REFRESH_MS : REFRESH_MS);
  }

  document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
  draw();
  setTimeout(refresh, settled() ? SLOW_REFRESH_MS : REFRESH_MS);
}

if (body.dataset.waiting) { waitForReveal(); } else { followResults(); }
