// The chair's poll form (a dialog): a new poll, or an edit of one. The fields it shows for a kind, and what its
// spec carries, come from eventapp/poll_kinds.py through kinds.kindNeeds().
import { byId, el } from "../core/dom.js";
import { fill } from "../core/format.js";
import { strings } from "../core/strings.js";
import { kindNeeds } from "../kinds/index.js";

// page: {polls(), doc(pollId) (the results API's document of a poll, for a quiz's right answers and hide_results),
// act(name, payload, done), describe(error), creating(key or null), saved(editedPollId or null)}.
export function pollForm(page) {
  const S = strings();
  const t = function (key, values) { return fill(S[key] || key, values || {}); };
  const dialog = byId("poll-dialog");
  const form = byId("poll-form");
  const formError = byId("poll-form-error");
  let editing = null;  // the poll id being edited, or null for a new poll

  function showKindFields() {
    const kind = form.elements.kind.value;
    Array.from(form.querySelectorAll("[data-for-kinds]")).forEach(function (box) {
      box.hidden = box.dataset.forKinds.split(" ").indexOf(kind) < 0;
    });
    renderCorrectOptions();
  }

  function optionLines() {
    return form.elements.options.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function renderCorrectOptions(checked) {
    const box = form.querySelector(".correct-list");
    const before = checked || new Set(Array.from(box.querySelectorAll("input:checked")).map(function (input) { return input.value; }));
    const lines = optionLines();
    const items = lines.map(function (line, index) {
      const label = el("label", { class: "check" });
      const input = el("input", { type: "checkbox", value: line, "data-testid": "f-correct-" + (index + 1) });
      input.checked = before.has(line);
      label.append(input, document.createTextNode(" " + line));
      return label;
    });
    box.replaceChildren.apply(box, items.length ? items : [el("p", { class: "muted" }, S.type_options_first)]);
  }

  function suggestKey() {
    let highest = 0;
    page.polls().forEach(function (p) {
      const match = /^vraag-(\d+)$/.exec(p.key);
      if (match) { highest = Math.max(highest, Number(match[1])); }
    });
    return "vraag-" + (highest + 1);
  }

  function open(poll) {
    editing = poll ? poll.id : null;
    form.reset();
    formError.textContent = "";
    const doc = poll ? page.doc(poll.id) : null;
    byId("poll-dialog-title").textContent = poll ? t("edit_poll", { key: poll.key }) : S.new_poll;
    byId("poll-submit").textContent = poll ? S.save : S.create;
    form.elements.key.readOnly = Boolean(poll);
    form.elements.site.disabled = Boolean(poll);
    let correct = new Set();
    if (poll) {
      form.elements.site.value = poll.site || "";
      form.elements.kind.value = poll.kind;
      form.elements.question.value = poll.question;
      form.elements.key.value = poll.key;
      form.elements.hide_results.checked = Boolean(doc && doc.hide_results);
      const options = doc && doc.poll.id === poll.id ? doc.poll.options : poll.options;
      form.elements.options.value = options.map(function (o) { return o.label; }).join("\n");
      correct = new Set(options.filter(function (o) { return o.correct; }).map(function (o) { return o.label; }));
      if (poll.scale) {
        form.elements.scale_min.value = poll.scale.min;
        form.elements.scale_max.value = poll.scale.max;
        form.elements.scale_min_label.value = poll.scale.min_label;
        form.elements.scale_max_label.value = poll.scale.max_label;
      }
    } else {
      form.elements.key.value = suggestKey();
    }
    showKindFields();
    renderCorrectOptions(correct);
    dialog.showModal();
    form.elements.question.focus();
  }

  function pollSpec() {
    const kind = form.elements.kind.value;
    const spec = { key: form.elements.key.value.trim(), kind: kind, question: form.elements.question.value.trim(),
                   hide_results: form.elements.hide_results.checked };
    if (kindNeeds(kind, "options")) {
      const correct = new Set(Array.from(form.querySelectorAll(".correct-list input:checked")).map(function (input) { return input.value; }));
      spec.options = optionLines().map(function (line) {
        return kindNeeds(kind, "correct") && correct.has(line) ? { label: line, correct: true } : line;
      });
    }
    if (kindNeeds(kind, "scale")) {
      spec.scale = { min: Number(form.elements.scale_min.value), max: Number(form.elements.scale_max.value),
                     min_label: form.elements.scale_min_label.value.trim(), max_label: form.elements.scale_max_label.value.trim() };
    }
    return spec;
  }

  form.elements.kind.addEventListener("change", showKindFields);
  form.elements.options.addEventListener("input", function () { renderCorrectOptions(); });
  document.querySelector("[data-action=cancel-poll]").addEventListener("click", function () { dialog.close(); });
  document.querySelector("[data-action=new-poll]").addEventListener("click", function () { open(null); });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const spec = pollSpec();
    const wasEditing = editing;
    const name = wasEditing ? "poll:update" : "poll:create";
    const payload = wasEditing ? { poll_id: wasEditing, poll: spec }
      : { poll: spec, site: form.elements.site.value || null, segment_id: null };
    try {
      if (!wasEditing) { page.creating(spec.key); }
      await page.act(name, payload, fill(S.done[name], { key: spec.key }));
      dialog.close();
      page.saved(wasEditing);
    } catch (error) {
      page.creating(null);
      formError.textContent = page.describe(error);
    }
  });

  return { open: open };
}
