// The report page (the white book): draws each poll's results with the same view as the results pages, from the
// report document embedded in the page (the JSON export's own document); prints; downloads the JSON.
"use strict";
(function () {
  const body = document.body;
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const report = JSON.parse(document.getElementById("report-data").textContent);
  const siteOrder = (body.dataset.sites || "").split(" ").filter(Boolean);
  const names = {};
  report.sites.forEach(function (site) { names[site.key] = site.name; });

  document.querySelectorAll("[data-results]").forEach(function (container) {
    const item = report.polls[Number(container.dataset.results)];
    container.replaceChildren();
    const view = ResultsView.create(container, { strings: strings, siteNames: names, siteOrder: siteOrder, cloud: true });
    view.update(item.poll, item.results, item.sites.map(function (site) { return site.key; }));
  });

  document.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });

  const status = document.querySelector("[data-testid=report-status]");
  document.querySelector("[data-action=json]").addEventListener("click", async function () {
    try {
      const data = await EventApi.call("GET", "/report");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = body.dataset.slug + "-report.json";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    } catch (error) {
      EventApi.say(status, error.message, true);
    }
  });
})();
