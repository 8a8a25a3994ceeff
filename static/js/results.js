// A poll's public results page: draws the results it came with, then fetches them again every few seconds
// while the event runs, so the page follows the votes (no socket: a plain, robust GET of the results API).
// On the "not public yet" page it only waits, and shows the results by itself once they are revealed.
"use strict";
(function () {
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

  if (body.dataset.waiting) {
    // Not revealed yet: look again now and then; the page itself shows the results once they are public.
    setInterval(async function () {
      try {
        const reply = await fetchResults();
        if (!reply.gone) { window.location.reload(); }
      } catch (error) { /* offline for a moment: try again */ }
    }, REFRESH_MS);
    return;
  }

  const strings = JSON.parse(document.getElementById("strings").textContent);
  let doc = JSON.parse(document.getElementById("results-data").textContent);
  const siteOrder = (body.dataset.sites || "").split(" ").filter(Boolean);
  const updated = document.querySelector("[data-testid=results-updated]");
  const partial = document.querySelector("[data-testid=results-partial]");
  const voters = document.querySelector("[data-testid=results-voters]");
  const names = {};
  const view = ResultsView.create(document.querySelector("[data-testid=results-body]"),
                                  { strings: strings, siteNames: names, siteOrder: siteOrder, cloud: true });
  const fill = ResultsView.fill;

  function time(iso) {
    return new Date(iso).toLocaleTimeString(document.documentElement.lang || "nl", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function draw() {
    doc.sites.forEach(function (site) { names[site.key] = site.name; });
    const poll = doc.poll;
    view.update(poll, doc.results, doc.sites.map(function (site) { return site.key; }));
    voters.textContent = fill(strings.voters, { n: doc.results.total.voters });
    partial.hidden = doc.complete;
    partial.textContent = doc.complete ? "" : fill(strings.partial, { sites: doc.sites.map(function (s) { return s.name; }).join(", ") });
    const running = doc.status === "live" || poll.state === "open";
    updated.textContent = fill(strings.updated, { time: time(doc.generated_at) }) + (running ? " · " + strings.live : "");
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
        updated.textContent = fill(strings.offline, { time: time(doc.generated_at) });
      }
    }
    setTimeout(refresh, settled() ? SLOW_REFRESH_MS : REFRESH_MS);
  }

  document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
  draw();
  setTimeout(refresh, settled() ? SLOW_REFRESH_MS : REFRESH_MS);
})();
