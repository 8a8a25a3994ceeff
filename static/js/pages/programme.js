// The chair's programme editor: the event, its sites, and the segments, added, edited, moved and deleted through
// the API. The server checks every change with the programme file's rules; this page shows its answer (at the field
// it names) and keeps no programme of its own beyond the last one it loaded.
import { call, say } from "../core/api.js";
import { connect } from "../core/live.js";
import { showProblems, clearProblems } from "../core/problems.js";
import { t } from "../core/strings.js";
import { eventEditor } from "../programme/event.js";
import { sitesEditor } from "../programme/sites.js";
import { newEventForm } from "../programme/new-event.js";
import { problemsByPath } from "../programme/fields.js";
import { FORM_FIELDS, drawKindFields, segmentOut } from "../programme/segment.js";
import { advancedYaml, readAdvanced } from "../programme/advanced.js";

const editor = document.getElementById("programme-editor");
const text = editor.dataset;  // translated texts, data-text-*
const rows = document.getElementById("segments");
const status = document.getElementById("programme-status");
const pageProblems = document.getElementById("programme-problems");
const addButton = editor.querySelector("[data-action=add]");
const rowTemplate = document.getElementById("segment-row");
const dialog = document.getElementById("segment-dialog");
const form = dialog.querySelector("form");
const dialogProblems = document.getElementById("dialog-problems");
const fields = form.elements;

// The fields of the form's own inputs; the kind's fields are drawn by programme/segment.js, and any without a form
// field there (the order of sites) are in the "Advanced (YAML)" box.
const COMMON_FIELDS = ["kind", "title", "start", "duration", "notes", "origin"];
const KINDS = JSON.parse(document.getElementById("editor-kinds").textContent);
const kindFields = document.getElementById("kind-fields");

let programme = { version: -1, segments: [], programme: { sites: [] } };
let onNow = null;     // the id of the segment on now (it cannot be deleted)
let editing = null;   // the segment being edited, or null when adding one
let opener = null;    // the button that opened the dialog; it gets the focus back
let stale = false;    // the programme changed elsewhere while the dialog was open
let loadFailed = false;
let draft = null;     // the segment in the dialog, as programme/segment.js edits it
let problems = {};    // the server's refusal of the dialog, by field path

const eventForm = eventEditor(document.getElementById("event-form"), function () { load(); });
const sites = sitesEditor(document.getElementById("sites"), document.getElementById("sites-status"),
                          document.getElementById("sites-problems"), function () { return load(); });
newEventForm(document.getElementById("new-event-form"), document.getElementById("new-event-status"));

// ---- the list ----

async function load(focus) {
  let state;
  try {
    [programme, state] = await Promise.all([call("GET", "/programme"), call("GET", "/state")]);
  } catch (error) {
    showProblems(pageProblems, text.textLoadFailed + " " + error.message, error.details);
    loadFailed = true;
    return;
  }
  if (loadFailed) { clearProblems(pageProblems); loadFailed = false; }
  stale = false;
  onNow = state.segment ? state.segment.id : null;
  eventForm.show(programme.programme.event);
  sites.show(programme.programme.sites);
  const focused = document.activeElement;
  const keep = rows.contains(focused) && focused.dataset.action
    ? { action: focused.dataset.action, id: focused.dataset.id } : null;
  render();
  if (focus || keep) { focusAfterReload(focus || keep); }
}

// Another tab or person changed the programme, or the event moved on: keep the list true.
connect({
  auth: { token: document.body.dataset.token },
  onState: function (snapshot) {
    onNow = snapshot.segment ? snapshot.segment.id : null;
    markOnNow();
  },
  onProgramme: function (change) {
    if (change.version <= programme.version) { return; }
    if (dialog.open) { stale = true; } else { load(); }
  },
});

function markOnNow() {
  rows.querySelectorAll("tr[data-id]").forEach(function (row) {
    const isOn = String(onNow) === row.dataset.id;
    row.classList.toggle("on-now", isOn);
    row.querySelector(".on-now-badge").hidden = !isOn;
  });
}

function render() {
  const siteName = siteNames();
  const kindName = kindNames();
  const starts = plannedStarts(programme.segments);
  const last = programme.segments.length - 1;
  rows.replaceChildren();
  programme.segments.forEach(function (item, index) {
    const segment = item.segment;
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.dataset.id = item.id;
    row.className = "kind-" + segment.kind;
    row.querySelector(".position").textContent = String(item.position + 1);
    const start = row.querySelector(".start");
    start.textContent = starts[index].time;
    if (starts[index].follows) {
      start.classList.add("follows");
      start.title = text.textFollows;
      start.append(hiddenText(" (" + text.textFollows + ")"));
    }
    row.querySelector(".duration").textContent = String(segment.duration);
    row.querySelector(".kind").textContent = kindName[segment.kind] || segment.kind;
    const title = row.querySelector(".segment-title");
    title.textContent = segment.title;
    title.id = "segment-title-" + item.id;
    fillSummary(row.querySelector(".parts"), segment, siteName);
    const notes = row.querySelector(".notes");
    notes.textContent = segment.notes;
    notes.hidden = !segment.notes;
    const from = segment.site || segment.origin;
    row.querySelector(".origin").textContent = from ? (siteName[from] || from)
      : (segment.kind === "regional" ? text.textEachSite : "");
    row.querySelectorAll("[data-action]").forEach(function (button) {
      button.dataset.id = item.id;
      button.setAttribute("aria-describedby", title.id);
    });
    row.querySelector("[data-action=up]").disabled = index === 0;
    row.querySelector("[data-action=down]").disabled = index === last;
    rows.append(row);
  });
  markOnNow();
  if (!programme.segments.length) {
    const row = document.createElement("tr");
    const cell = document.createElement("td");
    cell.colSpan = 7;
    cell.textContent = text.textEmpty;
    row.append(cell);
    rows.append(row);
  }
}

// What a segment holds besides its title: each site's part, the polls, the order of sites, the object, the video.
function fillSummary(list, segment, siteName) {
  function add(label, value) {
    const li = document.createElement("li");
    if (label) {
      const strong = document.createElement("strong");
      strong.textContent = label;
      li.append(strong, ": ");
    }
    li.append(value);
    list.append(li);
  }
  segment.parts.forEach(function (part) { add(siteName[part.site] || part.site, part.title); });
  segment.polls.forEach(function (poll) { add(text.textPoll, poll.question); });
  segment.parts.forEach(function (part) {
    part.polls.forEach(function (poll) { add(text.textPoll + " · " + (siteName[part.site] || part.site), poll.question); });
  });
  if (segment.order.length) {
    add(text.textOrder, segment.order.map(function (key) { return siteName[key] || key; }).join(" → "));
  }
  if (segment.object) { add(text.textObject, segment.object.title); }
  if (segment.video) { add(text.textVideo, segment.video); }
  list.hidden = !list.children.length;
}

// Each segment's planned start; a segment without one follows the previous (as eventapp/schedule.py plans it).
function plannedStarts(segments) {
  let cursor = 0;
  return segments.map(function (item) {
    const given = item.segment.start;
    const minutes = given ? Number(given.slice(0, 2)) * 60 + Number(given.slice(3, 5)) : cursor;
    cursor = minutes + item.segment.duration;
    const wrapped = minutes % (24 * 60);
    return { time: pad(Math.floor(wrapped / 60)) + ":" + pad(wrapped % 60), follows: !given };
  });
}

function pad(number) { return String(number).padStart(2, "0"); }

function hiddenText(value) {
  const span = document.createElement("span");
  span.className = "visually-hidden";
  span.textContent = value;
  return span;
}

function siteNames() {
  const names = {};
  programme.programme.sites.forEach(function (site) { names[site.key] = site.name; });
  return names;
}

function kindNames() {
  const names = {};
  Array.from(fields.kind.options).forEach(function (option) { names[option.value] = option.textContent; });
  return names;
}

// After a reload the list is new: put the focus back on the same action of the same segment when it can take it.
function focusAfterReload(focus) {
  const candidates = [
    "[data-action=" + focus.action + "][data-id='" + focus.id + "']",
    "[data-action=edit][data-id='" + focus.id + "']",
    "tr:nth-child(" + ((focus.index || 0) + 1) + ") [data-action=edit]",
    "tr:last-child [data-action=edit]",
  ];
  for (const selector of candidates) {
    const button = rows.querySelector(selector);
    if (button && !button.disabled) { button.focus(); return; }
  }
  addButton.focus();
}

function itemOf(id) {
  return programme.segments.find(function (item) { return String(item.id) === String(id); });
}

// ---- actions on a row ----

rows.addEventListener("click", function (event) {
  const button = event.target.closest("button[data-action]");
  if (!button) { return; }
  const item = itemOf(button.dataset.id);
  if (!item) { return; }
  if (button.dataset.action === "edit") { openDialog(item, button); }
  if (button.dataset.action === "up") { move(item, -1, "up"); }
  if (button.dataset.action === "down") { move(item, 1, "down"); }
  if (button.dataset.action === "delete") { remove(item); }
});

addButton.addEventListener("click", function () { openDialog(null, addButton); });

async function move(item, step, action) {
  clearProblems(pageProblems);
  try {
    await call("POST", "/segments/" + item.id + "/move", { position: item.position + step });
  } catch (error) {
    showProblems(pageProblems, text.textNotSaved + " " + error.message, error.details);
    return;
  }
  say(status, text.textMoved);
  await load({ action: action, id: item.id });
}

async function remove(item) {
  clearProblems(pageProblems);
  if (!window.confirm(text.textConfirmDelete.replace("{title}", item.segment.title))) { return; }
  try {
    await call("DELETE", "/segments/" + item.id);
  } catch (error) {
    showProblems(pageProblems, text.textNotSaved + " " + error.message, error.details);
    return;
  }
  say(status, text.textDeleted);
  await load({ action: "delete", id: item.id, index: item.position });
}

// ---- the dialog ----

function openDialog(item, button) {
  editing = item;
  opener = button;
  problems = {};
  clearProblems(dialogProblems);
  clearProblems(pageProblems);
  clearFieldProblems();
  form.reset();
  dialog.querySelector("#segment-dialog-title").textContent = item ? text.textEditTitle : text.textAddTitle;
  fillPositions();
  fillOrigins();
  document.getElementById("position-field").hidden = Boolean(item);
  draft = item ? JSON.parse(JSON.stringify(item.segment))
               : { kind: fields.kind.value, title: "", start: null, duration: null, notes: "", origin: null, site: null,
                   video: null, order: [], object: null, polls: [], parts: [] };
  if (item) {
    const segment = item.segment;
    fields.kind.value = segment.kind;
    fields.title.value = segment.title;
    fields.start.value = segment.start ? segment.start.slice(0, 5) : "";
    fields.duration.value = segment.duration;
    fields.origin.value = segment.origin || "";
    fields.notes.value = segment.notes;
  }
  showKind();
  dialog.showModal();
  (item ? fields.title : fields.kind).focus();
}

// Where a new segment goes: at the start, or after any segment (the end by default).
function fillPositions() {
  const select = fields.position;
  select.replaceChildren(new Option(text.textAtStart, "0"));
  programme.segments.forEach(function (item) {
    select.append(new Option(text.textAfter + " " + (item.position + 1) + ". " + item.segment.title,
                             String(item.position + 1)));
  });
  select.value = String(programme.segments.length);
}

// The sites as they are now (the Sites section may have added one since the page was drawn).
function fillOrigins() {
  const select = fields.origin;
  const none = select.options[0];
  select.replaceChildren(none);
  programme.programme.sites.forEach(function (site) { select.append(new Option(site.name, site.key)); });
}

// The selected kind decides whether a site broadcasts it, which fields it has, and what the YAML box holds.
function showKind() {
  draft.kind = fields.kind.value;
  const kindFieldNames = KINDS.fields[draft.kind] || [];
  const takesOrigin = kindFieldNames.indexOf("origin") >= 0;
  fields.origin.disabled = !takesOrigin;
  dialog.querySelector("#origin-hint").textContent = takesOrigin ? "" : t("no_origin");
  const rest = kindFieldNames.filter(function (name) { return FORM_FIELDS.indexOf(name) < 0; });
  dialog.querySelector("#details-hint").textContent =
    rest.length ? t("advanced_hint", { fields: rest.join(", ") }) : t("advanced_none");
  fields.details.value = advancedYaml(draft, rest);
  fields.details.disabled = !rest.length;
  drawKind();
}

function drawKind() {
  drawKindFields(kindFields, draft, {
    kinds: KINDS.fields, sites: programme.programme.sites, problems: problems, newKey: newPollKey, redraw: drawKind,
  });
}

fields.kind.addEventListener("change", showKind);

// A poll key nobody uses yet in the programme (the chair may change it).
function newPollKey() {
  const taken = new Set((programme.programme.polls || []).map(function (poll) { return poll.key; }));
  programme.segments.concat([{ segment: draft }]).forEach(function (item) {
    item.segment.polls.forEach(function (poll) { taken.add(poll.key); });
    item.segment.parts.forEach(function (part) { part.polls.forEach(function (poll) { taken.add(poll.key); }); });
  });
  let number = taken.size + 1;
  while (taken.has("poll-" + number)) { number += 1; }
  return "poll-" + number;
}

// The form as the API's segment; a problem found here (bad YAML) is thrown as {message, details}.
function readForm() {
  const details = readAdvanced(fields.details.disabled ? "" : fields.details.value,
                               COMMON_FIELDS.concat(FORM_FIELDS), text);
  Object.assign(draft, details, {
    kind: fields.kind.value,
    title: fields.title.value,
    start: fields.start.value.trim() || null,
    duration: fields.duration.value === "" ? null : Number(fields.duration.value),
    notes: fields.notes.value,
    origin: !fields.origin.disabled && fields.origin.value ? fields.origin.value : null,
  });
  return segmentOut(draft, KINDS.fields);
}

// The refusal at the dialog's own inputs (title, start...): marked invalid, the reason under the input.
function clearFieldProblems() {
  form.querySelectorAll(".segment-form > .form-row [aria-invalid=true], .segment-form > label [aria-invalid=true]")
    .forEach(function (input) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-errormessage"); });
  form.querySelectorAll("p.common-problem").forEach(function (element) { element.remove(); });
}

function showFieldProblems() {
  COMMON_FIELDS.forEach(function (name) {
    const reason = problems["segment." + name];
    if (!reason) { return; }
    const input = fields[name];
    const note = document.createElement("p");
    note.className = "field-problem refused common-problem";
    note.id = "problem-" + name;
    note.dataset.testid = "field-problem";
    note.textContent = reason;
    input.closest("label").after(note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", note.id);
  });
}

function placedOnForm(path) {
  if (COMMON_FIELDS.some(function (name) { return path === "segment." + name; })) { return true; }
  return Boolean(kindFields.querySelector("[data-path='" + path + "']"));
}

form.addEventListener("submit", async function (event) {
  event.preventDefault();
  clearProblems(dialogProblems);
  clearFieldProblems();
  let segment;
  try {
    segment = readForm();
  } catch (problem) {
    showProblems(dialogProblems, problem.message, problem.details);
    return;
  }
  const saveButton = form.querySelector("[type=submit]");
  saveButton.disabled = true;
  let saved;
  try {
    saved = editing
      ? await call("PUT", "/segments/" + editing.id, { segment: segment })
      : await call("POST", "/segments", { segment: segment, position: Number(fields.position.value) });
  } catch (error) {
    for (const key in problems) { delete problems[key]; }
    Object.assign(problems, problemsByPath(error, "segment"));
    drawKind();
    showFieldProblems();
    const rest = Object.keys(problems).filter(function (path) { return !placedOnForm(path); })
      .map(function (path) { return { path: path, reason: problems[path] }; });
    showProblems(dialogProblems, text.textNotSaved + " " + error.message, rest);
    return;
  } finally {
    saveButton.disabled = false;
  }
  say(status, editing ? text.textSaved : text.textAdded);
  opener = null;
  dialog.close();
  await load({ action: "edit", id: saved.id });
});

form.querySelector("[data-action=cancel]").addEventListener("click", function () { dialog.close(); });

dialog.addEventListener("close", function () {
  if (opener && opener.isConnected) { opener.focus(); }
  if (stale) { load(); }
});

say(status, text.textLoading);
load().then(function () { if (status.textContent === text.textLoading) { say(status, ""); } });
