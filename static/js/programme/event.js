// The "Event" section: title, date, time zone, language and notes, saved with PUT /api/v1/events/SLUG.
import { html, render } from "/vendor/lit-html/lit-html.js";
import { call, say } from "../core/api.js";
import { t } from "../core/strings.js";
import { inputField, problemList, problemsByPath, selectField, textareaField, unplaced } from "./fields.js";

const PATHS = ["event.title", "event.date", "event.timezone", "event.language", "event.notes"];
const ZONES = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function eventEditor(form, onSaved) {
  let draft = null;
  let problems = {};
  let message = "";
  let status = "";

  function set(name) {
    return function (value) { draft[name] = value; delete problems["event." + name]; draw(); };
  }

  function draw() {
    if (!draft) { return; }
    const f = function (name, label, extra) {
      return Object.assign({ path: "event." + name, label: label, value: draft[name], onInput: set(name),
                             problems: problems }, extra || {});
    };
    render(html`
      ${problemList(message, unplaced(problems, PATHS))}
      <div class="form-row">
        ${inputField(f("title", t("title"), { wide: true, maxlength: 200 }))}
        ${inputField(f("date", t("date"), { type: "date" }))}
        ${inputField(f("timezone", t("timezone"), { placeholder: "Europe/Amsterdam" }))}
        ${selectField(f("language", t("language"), { choices: [["nl", t("dutch")], ["en", t("english")]] }))}
      </div>
      ${textareaField(f("notes", t("event_notes")))}
      <datalist id="time-zones">${ZONES.map(function (zone) { return html`<option value=${zone}></option>`; })}</datalist>
      <div class="form-actions">
        <button type="submit" class="button" data-testid="save-event">${t("save_event")}</button>
        <span class="status" role="status" aria-live="polite" data-testid="event-status">${status}</span>
      </div>`, form);
    const zone = form.querySelector("[name='event.timezone']");
    if (zone) { zone.setAttribute("list", "time-zones"); }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    problems = {};
    message = "";
    status = "";
    try {
      const saved = await call("PUT", "", { event: draft });
      draft = Object.assign({}, saved.programme.event);
      status = t("event_saved");
      onSaved(saved);
    } catch (error) {
      message = t("not_saved") + " " + error.message;
      problems = problemsByPath(error, "event");
    }
    draw();
  });

  // The event as the server has it; a draft being typed is kept unless it was saved.
  return {
    show: function (spec, force) {
      if (!draft || force) { draft = Object.assign({}, spec); }
      draw();
    },
  };
}
