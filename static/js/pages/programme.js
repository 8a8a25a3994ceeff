// The chair's programme editor: lists the segments and adds, edits, moves and deletes them through the API.
// The server checks every change with the programme file's rules; this page shows its answer and keeps
// no programme of its own beyond the last list it loaded. js-yaml is a classic script (window.jsyaml).
import { call, say } from "../core/api.js";
import { connect } from "../core/live.js";
import { showProblems, clearProblems } from "../core/problems.js";

const jsyaml = window.jsyaml;
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

// The fields of the form's own inputs; everything else of a segment is in the details (YAML).
const COMMON_FIELDS = ["kind", "title", "start", "duration", "notes", "origin"];
const DETAIL_FIELDS = ["site", "video", "order", "object", "polls", "parts"];
// Scalars stay text, as when the server reads a programme file; the server's schema converts them,
// so "13:00" or "no" mean the same here as in a file.
const YAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [jsyaml.types.null] });

let programme = { version: -1, segments: [], programme: { sites: [] } };
let onNow = null;     // the id of the segment on now (it cannot be deleted)
let editing = null;   // the segment being edited, or null when adding one
let opener = null;    // the button that opened the dialog; it gets the focus back
let stale = false;    // the programme changed elsewhere while the dialog was open
let loadFailed = false;

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
  clearProblems(dialogProblems);
  clearProblems(pageProblems);
  form.reset();
  dialog.querySelector("#segment-dialog-title").textContent = item ? text.textEditTitle : text.textAddTitle;
  fillPositions();
  document.getElementById("position-field").hidden = Boolean(item);
  if (item) {
    const segment = item.segment;
    fields.kind.value = segment.kind;
    fields.title.value = segment.title;
    fields.start.value = segment.start ? segment.start.slice(0, 5) : "";
    fields.duration.value = segment.duration;
    fields.origin.value = segment.origin || "";
    fields.notes.value = segment.notes;
    fields.details.value = detailsYaml(segment);
  }
  showKindHints();
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

// The selected kind decides whether a site broadcasts it and which details it takes.
function showKindHints() {
  const hint = dialog.querySelector(".kind-hints [data-kind='" + fields.kind.value + "']");
  const takesOrigin = hint.dataset.origin === "yes";
  fields.origin.disabled = !takesOrigin;
  dialog.querySelector("#origin-hint").textContent =
    takesOrigin ? "" : dialog.querySelector(".kind-hints [data-text=no-origin]").textContent;
  dialog.querySelector("#details-hint").textContent = hint.textContent.replace(/\s+/g, " ").trim();
  fields.details.placeholder = hint.dataset.example;
}

fields.kind.addEventListener("change", showKindHints);

// A segment's kind-specific fields as YAML, written the way a programme file writes them.
function detailsYaml(segment) {
  const details = {};
  DETAIL_FIELDS.forEach(function (name) {
    const value = segment[name];
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return; }
    details[name] = value;
  });
  if (details.object) {  // a copy: the loaded programme stays as the server sent it
    details.object = details.object.image ? { title: details.object.title, image: details.object.image }
                                          : { title: details.object.title };
  }
  if (details.polls) { details.polls = details.polls.map(compactPoll); }
  if (details.parts) {
    details.parts = details.parts.map(function (part) {
      const compact = { site: part.site, format: part.format, title: part.title };
      if (part.items.length) { compact.items = part.items; }
      if (part.polls.length) { compact.polls = part.polls.map(compactPoll); }
      if (part.notes) { compact.notes = part.notes; }
      return compact;
    });
  }
  return Object.keys(details).length ? jsyaml.dump(details, { lineWidth: 100, noRefs: true }) : "";
}

function compactPoll(poll) {
  const compact = { key: poll.key, kind: poll.kind, question: poll.question };
  if (poll.options.length) {
    compact.options = poll.options.map(function (option) { return option.correct ? option : option.label; });
  }
  if (poll.scale) { compact.scale = poll.scale; }
  if (poll.hide_results === false) { compact.hide_results = false; }  // hidden until revealed is the default
  return compact;
}

// The form as the API's segment; a problem found here (bad YAML) is thrown as {message, details}.
function readForm() {
  let details = {};
  const source = fields.details.value;
  if (source.trim()) {
    try {
      details = jsyaml.load(source, { schema: YAML_SCHEMA });
    } catch (error) {
      const where = text.textDetails + (error.mark ? ", " + text.textYamlLine + " " + (error.mark.line + 1) : "");
      throw { message: text.textYamlError, details: [{ path: where, reason: error.reason || error.message }] };
    }
  }
  if (details === null || details === undefined) { details = {}; }
  if (typeof details !== "object" || Array.isArray(details)) {
    throw { message: text.textYamlError, details: [{ path: "", reason: text.textNotMapping }] };
  }
  const misplaced = COMMON_FIELDS.filter(function (name) { return name in details; });
  if (misplaced.length) {
    throw { message: text.textNotSaved, details: misplaced.map(function (name) {
      return { path: name, reason: text.textOwnField };
    }) };
  }
  const segment = Object.assign({}, details, {
    kind: fields.kind.value,
    title: fields.title.value,
    start: fields.start.value.trim() || null,
    duration: fields.duration.value === "" ? null : Number(fields.duration.value),
    notes: fields.notes.value,
  });
  if (!fields.origin.disabled && fields.origin.value) { segment.origin = fields.origin.value; }
  return segment;
}

form.addEventListener("submit", async function (event) {
  event.preventDefault();
  clearProblems(dialogProblems);
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
    showProblems(dialogProblems, text.textNotSaved + " " + error.message, error.details);
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
