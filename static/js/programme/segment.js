// The kind-specific fields of the segment dialog: the live site, the video file, the magic wall's object, each
// site's part (format, title, items) and the polls of a segment or a part. They edit a draft of the segment (a copy
// of what the server sent), so that whatever has no field here (the order of sites; a part's notes) is saved back
// unchanged; the dialog's "Advanced (YAML)" box shows those fields.
import { html, nothing, render } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { t } from "../core/strings.js";
import { KINDS, kindLabel, kindNeeds } from "../kinds/index.js";
import { checkboxField, inputField, selectField } from "./fields.js";

const FORMATS = ["statements", "stages", "groups", "free"];
// The fields this dialog has a form field for; the others of a kind go to the YAML box.
export const FORM_FIELDS = ["site", "video", "object", "parts", "polls", "origin"];

// What a poll asks for, checked while the chair types (the server checks again and has the last word).
export function checkPoll(poll, path) {
  const found = {};
  if (!String(poll.question || "").trim()) { found[path + ".question"] = t("empty_question"); }
  if (kindNeeds(poll.kind, "options")) {
    const labels = poll.options.map(function (option) { return option.label.trim().toLowerCase(); });
    labels.forEach(function (label, index) {
      if (!label) { found[path + ".options." + index + ".label"] = t("empty_option"); }
      else if (labels.indexOf(label) < index) { found[path + ".options." + index + ".label"] = t("duplicate_option"); }
    });
    if (labels.filter(Boolean).length < 2) { found[path + ".options"] = t("few_options"); }
    if (kindNeeds(poll.kind, "correct") && !poll.options.some(function (option) { return option.correct; })) {
      found[path + ".options"] = (found[path + ".options"] ? found[path + ".options"] + " " : "") + t("no_correct");
    }
  }
  if (kindNeeds(poll.kind, "scale") && poll.scale && Number(poll.scale.min) >= Number(poll.scale.max)) {
    found[path + ".scale.max"] = t("scale_order");
  }
  return found;
}

// A poll in the API's form: only what its kind takes.
export function pollOut(poll) {
  const out = { key: poll.key, kind: poll.kind, question: poll.question, hide_results: poll.hide_results !== false };
  if (kindNeeds(poll.kind, "options")) {
    out.options = poll.options.map(function (option) {
      return kindNeeds(poll.kind, "correct") ? { label: option.label, correct: Boolean(option.correct) }
                                             : { label: option.label };
    });
  }
  if (kindNeeds(poll.kind, "scale")) {
    const scale = poll.scale || { min: 1, max: 5 };
    out.scale = { min: Number(scale.min), max: Number(scale.max), min_label: scale.min_label || "",
                  max_label: scale.max_label || "" };
  }
  if (poll.answer_seconds !== null && poll.answer_seconds !== undefined && poll.answer_seconds !== "") {
    out.answer_seconds = Number(poll.answer_seconds);
  }
  return out;
}

let serial = 0;
function tag(object) { if (!object._tag) { Object.defineProperty(object, "_tag", { value: ++serial }); } return object; }

// Draws the fields of `draft` for its kind into `container`; ctx: {kinds (fields per kind), sites, problems,
// newKey() (an unused poll key), redraw()}.
export function drawKindFields(container, draft, ctx) {
  const fields = ctx.kinds[draft.kind] || [];
  const problems = ctx.problems;
  const checks = {};
  (fields.indexOf("polls") >= 0 ? draft.polls : []).forEach(function (poll, index) {
    Object.assign(checks, checkPoll(poll, "segment.polls." + index));
  });
  if (fields.indexOf("parts") >= 0) {
    draft.parts.forEach(function (part, p) {
      part.polls.forEach(function (poll, index) {
        Object.assign(checks, checkPoll(poll, "segment.parts." + p + ".polls." + index));
      });
    });
  }
  const base = { problems: problems, checks: checks };
  const siteChoices = ctx.sites.map(function (site) { return [site.key, site.name]; });

  function changed() { ctx.redraw(); }
  // After a row is added or removed, the keyboard focus goes to the new row or to the button that adds one.
  function focusLast(selector) {
    const found = container.querySelectorAll(selector);
    if (found.length) { found[found.length - 1].focus(); }
  }
  function setter(object, name, path) {
    return function (value) { object[name] = value; delete problems[path]; changed(); };
  }
  function f(object, name, path, label, extra) {
    return Object.assign({ path: path, label: label, value: object[name], onInput: setter(object, name, path) },
                         base, extra || {});
  }

  function pollForm(poll, index, list, path, legend) {
    const options = kindNeeds(poll.kind, "options");
    const correct = kindNeeds(poll.kind, "correct");
    if (options && !poll.options.length) { poll.options = [{ label: "", correct: false }, { label: "", correct: false }]; }
    if (kindNeeds(poll.kind, "scale") && !poll.scale) { poll.scale = { min: 1, max: 5, min_label: "", max_label: "" }; }
    const optionsProblem = problems[path + ".options"] || checks[path + ".options"];
    return html`<fieldset class="poll-form" data-testid="poll-form" data-path=${path}>
      <legend>${legend}</legend>
      ${problems[path] ? html`<p class="field-problem refused" data-testid="field-problem">${problems[path]}</p>`
                       : nothing}
      <div class="form-row">
        ${selectField(f(poll, "kind", path + ".kind", t("poll_kind"),
                        { choices: KINDS.map(function (kind) { return [kind, kindLabel(kind)]; }) }))}
        ${inputField(f(poll, "key", path + ".key", t("poll_key"), { maxlength: 40 }))}
        <button type="button" class="button small danger" @click=${function () {
          list.splice(index, 1); changed();
          focusLast("[data-path='" + path.replace(/\.\d+$/, "") + "'] > [data-role=add-poll]");
        }}>
          ${t("remove_poll")}</button>
      </div>
      ${inputField(f(poll, "question", path + ".question", t("question"), { maxlength: 500 }))}
      ${options ? html`<div class="options" role="group" aria-label=${t("options")} data-path=${path + ".options"}>
        <p class="group-label">${t("options")}</p>
        ${repeat(poll.options, tag, function (option, o) {
          const optionPath = path + ".options." + o;
          return html`<div class="option-row" data-testid="option-row">
            ${inputField(f(option, "label", optionPath + ".label", t("option", { n: o + 1 }), { maxlength: 200 }))}
            ${correct ? checkboxField(f(option, "correct", optionPath + ".correct", t("correct"))) : nothing}
            <button type="button" class="button small secondary" aria-label=${t("remove") + " " + t("option", { n: o + 1 })}
              @click=${function () {
                poll.options.splice(o, 1); changed(); focusLast("[data-path='" + path + ".options'] > .button");
              }}>${t("remove")}</button>
          </div>`;
        })}
        ${optionsProblem ? html`<p class="field-problem ${problems[path + ".options"] ? "refused" : "check"}"
          data-testid="field-problem">${optionsProblem}</p>` : nothing}
        <button type="button" class="button small secondary" @click=${function () {
          poll.options.push({ label: "", correct: false }); changed();
          focusLast("[data-path='" + path + ".options'] .option-row input[type=text]");
        }}>${t("add_option")}</button>
      </div>` : nothing}
      ${kindNeeds(poll.kind, "scale") ? html`<div class="form-row">
        ${inputField(f(poll.scale, "min", path + ".scale.min", t("scale_min"), { type: "number", min: 0, max: 10 }))}
        ${inputField(f(poll.scale, "max", path + ".scale.max", t("scale_max"), { type: "number", min: 1, max: 10 }))}
        ${inputField(f(poll.scale, "min_label", path + ".scale.min_label", t("min_label"), { maxlength: 60 }))}
        ${inputField(f(poll.scale, "max_label", path + ".scale.max_label", t("max_label"), { maxlength: 60 }))}
      </div>` : nothing}
      <div class="form-row">
        ${checkboxField(f(poll, "hide_results", path + ".hide_results", t("hide_results")))}
        ${correct || poll.answer_seconds ? inputField(f(poll, "answer_seconds", path + ".answer_seconds",
          t("answer_seconds"), { type: "number", min: 1, max: 3600 })) : nothing}
      </div>
    </fieldset>`;
  }

  function pollList(list, path) {
    return html`<div class="polls" data-path=${path}>
      <h3>${t("polls")}</h3>
      ${repeat(list, tag, function (poll, index) {
        return pollForm(poll, index, list, path + "." + index, t("poll", { n: index + 1 }));
      })}
      <button type="button" class="button small secondary" data-role="add-poll" @click=${function () {
        list.push({ key: ctx.newKey(), kind: "single", question: "", options: [], scale: null, hide_results: true,
                    answer_seconds: null });
        changed();
        focusLast("[data-path='" + path + "'] .poll-form select");
      }}>${t("add_poll")}</button>
    </div>`;
  }

  function partForm(part, p) {
    const path = "segment.parts." + p;
    const siteName = (ctx.sites.find(function (site) { return site.key === part.site; }) || {}).name || part.site;
    return html`<fieldset class="part-form" data-testid="part-form" data-path=${path}>
      <legend>${t("part_of", { site: siteName })}</legend>
      ${problems[path] ? html`<p class="field-problem refused" data-testid="field-problem">${problems[path]}</p>`
                       : nothing}
      <div class="form-row">
        ${selectField(f(part, "site", path + ".site", t("site"), { choices: siteChoices }))}
        ${selectField(f(part, "format", path + ".format", t("format"),
                        { choices: FORMATS.map(function (format) { return [format, t("format_" + format)]; }) }))}
        ${inputField(f(part, "title", path + ".title", t("part_title"), { wide: true, maxlength: 200 }))}
      </div>
      <div class="items" role="group" aria-label=${t("items")} data-path=${path + ".items"}>
        <p class="group-label">${t("items")}</p>
        ${part.items.map(function (item, i) {
          const holder = { value: item };
          return html`<div class="option-row">
            ${inputField({ path: path + ".items." + i, label: t("item", { n: i + 1 }), value: item, problems: problems,
                           checks: checks, maxlength: 200,
                           onInput: function (value) { holder.value = value; part.items[i] = value; } })}
            <button type="button" class="button small secondary" aria-label=${t("remove") + " " + t("item", { n: i + 1 })}
              @click=${function () {
                part.items.splice(i, 1); changed(); focusLast("[data-path='" + path + ".items'] > .button");
              }}>${t("remove")}</button>
          </div>`;
        })}
        <button type="button" class="button small secondary" @click=${function () {
          part.items.push(""); changed();
          focusLast("[data-path='" + path + ".items'] .option-row input");
        }}>
          ${t("add_item")}</button>
      </div>
      ${pollList(part.polls, path + ".polls")}
      <button type="button" class="button small danger" @click=${function () { draft.parts.splice(p, 1); changed(); focusLast("[data-role=add-part]"); }}>
        ${t("remove_part")}</button>
    </fieldset>`;
  }

  if (!draft.object) { draft.object = { title: "", image: "" }; }
  render(html`
    ${fields.indexOf("site") >= 0 ? selectField(f(draft, "site", "segment.site", t("live_site"),
      { choices: [["", t("no_site")]].concat(siteChoices) })) : nothing}
    ${fields.indexOf("video") >= 0 ? inputField(f(draft, "video", "segment.video", t("video"),
      { placeholder: "/static/video/message.mp4" })) : nothing}
    ${fields.indexOf("object") >= 0 ? html`<div class="form-row">
      ${inputField(f(draft.object, "title", "segment.object.title", t("object_title"), { wide: true, maxlength: 200 }))}
      ${inputField(f(draft.object, "image", "segment.object.image", t("object_image"), { wide: true }))}
    </div>` : nothing}
    ${fields.indexOf("parts") >= 0 ? html`<div class="parts-editor" data-path="segment.parts">
      ${repeat(draft.parts, tag, partForm)}
      <button type="button" class="button small secondary" data-role="add-part" @click=${function () {
        const used = draft.parts.map(function (part) { return part.site; });
        const free = ctx.sites.find(function (site) { return used.indexOf(site.key) < 0; }) || ctx.sites[0];
        draft.parts.push({ site: free ? free.key : "", format: "free", title: "", items: [], polls: [], notes: "" });
        changed();
      }}>${t("add_part")}</button>
    </div>` : nothing}
    ${fields.indexOf("polls") >= 0 ? pollList(draft.polls, "segment.polls") : nothing}
  `, container);
  return checks;
}

// The draft as the API's segment: the fields of its kind only.
export function segmentOut(draft, kinds) {
  const fields = kinds[draft.kind] || [];
  const out = { kind: draft.kind, title: draft.title, start: draft.start, duration: draft.duration, notes: draft.notes };
  fields.forEach(function (name) {
    const value = draft[name];
    if (name === "polls") { out.polls = value.map(pollOut); return; }
    if (name === "parts") {
      out.parts = value.map(function (part) {
        return { site: part.site, format: part.format, title: part.title,
                 items: part.items.filter(function (item) { return item.trim(); }),
                 polls: part.polls.map(pollOut), notes: part.notes || "" };
      });
      return;
    }
    if (name === "object") {
      out.object = value && (value.title || value.image)
        ? Object.assign({ title: value.title }, value.image ? { image: value.image } : {}) : null;
      return;
    }
    if (value === "" || value === undefined) { return; }
    out[name] = value;
  });
  return out;
}
