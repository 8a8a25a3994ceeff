// The host panel's programme: the list the server rendered into the page, marked with what is on now, what is
// done, when each segment started and who is on air; taken anew from the page when the programme is edited.
import { fill, timeOfDay } from "../core/format.js";
import { byId, el, role } from "../core/dom.js";

// page: { site, T, snapshot(), name(key), render() }
export function setupProgramme(page) {
  const T = page.T;
  let scrolledTo = null;

  // Keep the segment on now in sight in the programme's own scroll box (the page itself does not jump).
  function scrollToCurrent(list, li) {
    const id = li ? li.dataset.segmentId : null;
    if (!li || id === scrolledTo || list.scrollHeight <= list.clientHeight) { return; }
    scrolledTo = id;
    list.scrollTop = Math.max(0, li.offsetTop - list.offsetTop - 8);
  }

  function renderProgramme(snapshot) {
    const zone = snapshot.timezone;
    const current = snapshot.status === "live" && snapshot.segment ? snapshot.segment.id : null;
    const rows = new Map((snapshot.runsheet || []).map(function (row) { return [row.id, row]; }));
    let passed = current !== null;
    if (snapshot.status === "ended") { passed = true; }
    if (snapshot.status === "planned") { passed = false; }
    const currentPosition = snapshot.segment ? snapshot.segment.position : -1;
    const list = byId("programme");
    list.querySelectorAll(":scope > li[data-segment-id]").forEach(function (li) {
      const id = Number(li.dataset.segmentId);
      const row = rows.get(id);
      const isCurrent = id === current;
      li.classList.toggle("is-current", isCurrent);
      if (isCurrent) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      const done = snapshot.status === "ended" ? Boolean(row && row.actual_start)
        : passed && row ? row.position < currentPosition : false;
      li.classList.toggle("is-done", done);
      if (row) {
        role("time", li).textContent = timeOfDay(row.planned_start, zone);
        let actual = "";
        if (row.actual_start) {
          actual = fill(T.started_at, { time: timeOfDay(row.actual_start, zone) });
          const minutes = Math.round((row.drift_seconds || 0) / 60);
          if (minutes > 0) { actual += " · " + fill(T.drift_late, { minutes: minutes }); }
          if (minutes < 0) { actual += " · " + fill(T.drift_early, { minutes: -minutes }); }
        }
        role("actual", li).textContent = actual;
      }
      const now = role("now", li);
      now.replaceChildren();
      if (isCurrent) {
        now.append(el("span", { class: "now-tag" }, T.now));
        if (!snapshot.split && snapshot.on_air) {
          const here = snapshot.on_air === page.site;
          now.append(el("span", { class: "now-air" + (here ? " is-here" : "") },
            here ? T.on_air_here : fill(T.on_air_at, { site: page.name(snapshot.on_air) })));
        }
      }
    });
    scrollToCurrent(list, list.querySelector(".is-current"));
  }

  // The programme was edited: take the newly rendered list from the page itself (text rendered by the server).
  async function reloadProgramme() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) { return; }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("programme");
      if (fresh) {
        byId("programme").replaceWith(document.importNode(fresh, true));
        scrolledTo = null;
        page.render();
      }
    } catch (error) {
      /* the old list stays; the next change tries again */
    }
  }

  return { renderProgramme: renderProgramme, reloadProgramme: reloadProgramme };
}
