// The report page (the white book): draws each poll's results with the kinds' results sheet, from the report
// document embedded in the page (the JSON export's own document); prints; downloads the JSON.
import { call, say } from "../core/api.js";
import { byId } from "../core/dom.js";
import { mountResults } from "../kinds/index.js";

const report = JSON.parse(byId("report-data").textContent);

document.querySelectorAll("[data-results]").forEach(function (container) {
  const item = report.polls[Number(container.dataset.results)];
  container.replaceChildren();
  // Every sheet gets all the event's sites, so that a site has the same colour in each; a poll draws only its own.
  mountResults(container, item.poll, item.results, { variant: "report", sites: report.sites });
});

document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });

const status = byId("report-status");
document.querySelector("[data-action=json]").addEventListener("click", async function () {
  try {
    const data = await call("GET", "/report");
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = document.body.dataset.slug + "-report.json";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  } catch (error) {
    say(status, error.message, true);
  }
});
