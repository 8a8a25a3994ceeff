// The magic wall: one wall per site of its order; the object sits on its holder's wall, or flies from the sender's
// wall to the receiver's. The flight is a CSS animation started back in time by how long it has been flying
// (server time), so a screen that (re)connects mid-flight joins it where it is, or shows it arrived.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { ms, siteName } from "../core/format.js";
import { styleProperties } from "../core/style.js";
import { strings, t } from "../core/strings.js";

const FLIGHT_MS = 3200;        // how long the object flies from one wall to the next
const IMAGE = /^(\/[^/]|https?:\/\/)/;

// The flight shown, with its timing as set when it was first drawn: a redraw must not restart or shift it.
let flight = { key: null, delay: "", landsAt: 0 };

function timing(wall, now) {
  const key = JSON.stringify([wall.holder, wall.to, wall.changed_at]);
  if (flight.key !== key) {
    const elapsed = Math.min(Math.max(0, now - (ms(wall.changed_at) || now)), FLIGHT_MS);
    flight = { key: key, delay: -elapsed + "ms, " + (FLIGHT_MS - elapsed) + "ms", landsAt: now - elapsed + FLIGHT_MS };
  }
  return flight;
}

// The wall of the magic wall segment. page: { snapshot, site, now() }.
export function wallView(wall, page) {
  const sites = page.snapshot.sites;
  const order = (wall.order || []).slice();
  [wall.holder, wall.to].forEach(function (key) { if (key && order.indexOf(key) < 0) { order.push(key); } });
  const flying = wall.state === "in_flight" && Boolean(wall.to);
  const when = flying ? timing(wall, page.now()) : null;
  const bookStyle = { "--from": String(order.indexOf(wall.holder)),
    "--to": String(order.indexOf(flying ? wall.to : wall.holder)) };
  if (when) { bookStyle["animation-delay"] = when.delay; }
  const image = wall.image || "";
  return html`<div class="wall" data-testid="magic-wall" data-state=${wall.state} data-holder=${wall.holder}
    data-to=${wall.to || ""} aria-label=${strings().wall}
    ${styleProperties({ "--slots": String(order.length) })}>
    <ol class="wall-panels">${order.map(function (key) {
      const classes = ["wall-panel"];
      if (key === page.site) { classes.push("is-here"); }
      if (key === wall.holder) { classes.push(flying ? "is-sender" : "is-holder"); }
      if (flying && key === wall.to) { classes.push("is-receiver"); }
      return html`<li class=${classes.join(" ")} data-site=${key}><span class="wall-label"><span class="wall-site"
        >${siteName(sites, key)}</span>${key === page.site
          ? html`<span class="wall-here">${strings().wall_here}</span>` : nothing}</span></li>`;
    })}</ol>
    <figure class=${"wall-book" + (flying ? " is-flying" : "")} data-testid="wall-book"
      data-lands-at=${when ? String(when.landsAt) : ""} ${styleProperties(bookStyle)}>${IMAGE.test(image)
        ? html`<img src=${image} alt="">` : nothing}<figcaption>${wall.title}</figcaption></figure>
    <p class="wall-status" data-testid="wall-status" role="status"></p>
  </div>`;
}

// The wall's status line and its phase: held, flying, or arrived and waiting to be caught (by the server's clock).
function wallStatus(wall, sites, when, now) {
  if (!when) { return { phase: "held", text: t("wall_holds", { site: siteName(sites, wall.holder) }) }; }
  if (now >= when.landsAt) { return { phase: "waiting", text: t("wall_waiting", { site: siteName(sites, wall.to) }) }; }
  return { phase: "flying", text: t("wall_flying", { from: siteName(sites, wall.holder), to: siteName(sites, wall.to) }) };
}

// After every redraw and every tick: the status line and the phase (they move on as the flight lands, between two
// states; lit-html leaves both to this function).
export function updateWall(box, wall, sites, now) {
  if (!box || !wall) { return; }
  const flying = wall.state === "in_flight" && Boolean(wall.to);
  const status = wallStatus(wall, sites, flying ? flight : null, now);
  box.dataset.phase = status.phase;
  const line = box.querySelector(".wall-status");
  if (line.textContent !== status.text) { line.textContent = status.text; }
}
