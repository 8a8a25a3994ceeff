// The chair's downloads of a poll's results (CSV, JSON) and votes (CSV): the chair's token goes in the header, so
// they are fetched, not linked.
import { el } from "../core/dom.js";

const body = document.body;

// page: {selected() (the poll chosen, or null), failed(error)}.
export function downloadButtons(page) {
  document.querySelectorAll("[data-download]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const poll = page.selected();
      if (!poll) { return; }
      const what = button.dataset.download;
      const file = { results: "results.csv", votes: "votes.csv", json: "results" }[what];
      const path = "/api/v1/events/" + encodeURIComponent(body.dataset.slug) + "/polls/" + encodeURIComponent(poll.key) + "/" + file;
      try {
        const response = await fetch(path, { headers: { Authorization: "Bearer " + body.dataset.token } });
        if (!response.ok) {
          const data = await response.json().catch(function () { return {}; });
          throw new Error(data.error || "HTTP " + response.status);
        }
        const blob = await response.blob();
        const link = el("a", { href: URL.createObjectURL(blob),
                               download: body.dataset.slug + "-" + poll.key + "-" + (what === "json" ? "results.json" : file) });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      } catch (error) {
        page.failed(error);
      }
    });
  });
}
