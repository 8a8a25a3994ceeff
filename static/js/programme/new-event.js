// "New event": a new event made from a minimal programme (a title, a date, one site) with POST /api/v1/events, as
// `flask programme import` makes one; the chair then lands on the new event's programme page with its own chair
// link (the reply's links.chair.token), to add the rest there.
import { html, render } from "/vendor/lit-html/lit-html.js";
import { t } from "../core/strings.js";
import { say } from "../core/api.js";
import { inputField, problemList, problemsByPath, selectField, unplaced } from "./fields.js";

const PATHS = ["event.title", "event.date", "event.slug", "event.language", "site.key", "site.name"];

// A key from words: "Nationale dag 2027" → "nationale-dag-2027".
function keyOf(words, length) {
  return words.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, length).replace(/-+$/, "");
}

export function newEventForm(form, status) {
  const draft = { title: "", date: "", slug: "", language: document.documentElement.lang === "en" ? "en" : "nl",
                  siteName: "", siteKey: "" };
  const typed = { slug: false, siteKey: false };  // a key the chair typed is not derived any more
  let problems = {};
  let message = "";

  function set(name, path) {
    return function (value) {
      draft[name] = value;
      if (name in typed) { typed[name] = true; }
      if (!typed.slug) { draft.slug = keyOf(draft.title + (draft.date ? " " + draft.date : ""), 80); }
      if (!typed.siteKey) { draft.siteKey = keyOf(draft.siteName, 40); }
      delete problems[path];
      draw();
    };
  }

  function f(name, path, label, extra) {
    return Object.assign({ path: path, name: "new-" + path, id: "new-" + path.replace(".", "-"), label: label,
                           value: draft[name], onInput: set(name, path), problems: problems }, extra || {});
  }

  function draw() {
    render(html`
      ${problemList(message, unplaced(problems, PATHS))}
      <div class="form-row">
        ${inputField(f("title", "event.title", t("title"), { wide: true, maxlength: 200 }))}
        ${inputField(f("date", "event.date", t("date"), { type: "date" }))}
        ${selectField(f("language", "event.language", t("language"), { choices: [["nl", t("dutch")], ["en", t("english")]] }))}
        ${inputField(f("slug", "event.slug", t("slug"), { maxlength: 80 }))}
      </div>
      <div class="form-row">
        ${inputField(f("siteName", "site.name", t("first_site") + ": " + t("site_name"), { maxlength: 100 }))}
        ${inputField(f("siteKey", "site.key", t("first_site") + ": " + t("site_key"), { maxlength: 40 }))}
      </div>
      <div class="form-actions">
        <button type="submit" class="button" data-testid="create-event">${t("create_event")}</button>
      </div>`, form);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    problems = {};
    message = "";
    const programme = {
      format: "eventapp-programme/1",
      event: { slug: draft.slug, title: draft.title, date: draft.date || null, language: draft.language },
      sites: [{ key: draft.siteKey, name: draft.siteName }],
      segments: [],
    };
    const response = await fetch("/api/v1/events", {
      method: "POST",
      headers: { "Authorization": "Bearer " + document.body.dataset.token, "Content-Type": "application/json" },
      body: JSON.stringify({ programme: programme }),
    });
    const reply = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      message = t("not_saved") + " " + (reply.error || "HTTP " + response.status);
      problems = problemsByPath({ details: (reply.details || []).map(function (detail) {
        return { path: String(detail.path || "").replace(/^programme\./, ""), reason: detail.reason };
      }) }, "event");
      draw();
      return;
    }
    say(status, t("event_created"));
    window.location.assign("/e/" + encodeURIComponent(reply.event) + "/programme#token="
                           + encodeURIComponent(reply.links.chair.token));
  });

  draw();
}
