// Shared formatting: one place for how numbers, percentages, times and placeholders are written on every page.

// A text with {name} placeholders filled from `values`; unknown placeholders stay as they are.
export function fill(template, values) {
  return String(template === undefined || template === null ? "" : template).replace(/\{(\w+)\}/g,
    function (match, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
}

// A whole percentage of `count` out of `total` (0 when there is no total). The server's results carry the counts;
// the percentage is only ever written, never used to count.
export function percent(count, total) { return total ? Math.round((100 * count) / total) : 0; }

// A number in the page's language, with a fixed number of decimals (default none).
export function number(value, digits) {
  return Number(value).toLocaleString(document.documentElement.lang || "nl",
    { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
}

// "mm:ss" (or "h:mm:ss") of a number of milliseconds; negative values get a minus sign (overtime).
export function clock(ms) {
  const sign = ms < 0 ? "-" : "";
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return sign + (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" + rest;
}

// "HH:MM" of an ISO time, in the event's time zone.
export function timeOfDay(iso, timeZone) {
  if (!iso) { return ""; }
  return new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", timeZone: timeZone })
    .format(new Date(iso));
}

// Milliseconds since the epoch of an ISO time; null for none.
export function ms(iso) { return iso ? Date.parse(iso) : null; }

// The name of a site by its key, from a state's `sites` list; the key when it is not (or no longer) there.
export function siteName(sites, key) {
  const site = (sites || []).find(function (s) { return s.key === key; });
  return site ? site.name : key;
}

// What a poll's results label says about who sees them, as a key of the page's strings: "shown", "waiting" (shown
// at the reveal's moment), "live_once_opened", "hidden_until_revealed" or "quiz_hidden" (an open quiz shows nothing
// until it is closed and revealed). The server decides visibility (eventapp/views/results.py); this only names it.
export function resultsVisibility(poll, now) {
  if (poll.results_visible) {
    return poll.reveal_at && Date.parse(poll.reveal_at) > now ? "waiting" : "shown";
  }
  if (poll.kind === "quiz" && poll.state !== "closed") { return "quiz_hidden"; }
  if (poll.state === "draft" && poll.hide_results === false) { return "live_once_opened"; }
  return "hidden_until_revealed";
}
