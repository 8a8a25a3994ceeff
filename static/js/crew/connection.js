// The connection status as the crew's panels show it: a pill (or badge) with the status, a banner that says why
// the panel is not live, and the live part of the page inert meanwhile. core/live.js decides the status (also
// set as body[data-connection]); this only shows it.

// view: { pill, pillText(status), banner, bannerText(status, detail) ("" for no banner), inert: [elements] }.
// Returns whether the panel is live.
export function showConnection(status, detail, view) {
  const live = status === "live";
  view.pill.textContent = view.pillText(status);
  const words = live ? "" : view.bannerText(status, detail || "");
  view.banner.hidden = !words;
  if (words) { view.banner.textContent = words; }
  if (status === "refused" && detail) { view.banner.title = detail; } else { view.banner.removeAttribute("title"); }
  view.inert.forEach(function (element) { element.inert = !live; });
  return live;
}
