// Form fields of the programme editor, with the server's refusal (or a check made while typing) shown under the
// field it names: the API's details[].path, written as the field's `path` here ("event.title", "site.name",
// "segment.parts.0.polls.1.question").
import { html, nothing } from "/vendor/lit-html/lit-html.js";

// A path as the fields name it: "segments[3].polls[0].question" → "segment.polls.0.question".
export function normalizePath(path) {
  return String(path || "").replace(/\[(\d+)\]/g, ".$1")
    .replace(/^segments\.\d+(\.|$)/, "segment$1").replace(/^sites\.\d+(\.|$)/, "site$1");
}

// The server's refusal as {path: reason}; `prefix` ("site") names the field when the path is the whole body.
export function problemsByPath(error, prefix) {
  const found = {};
  (error.details || []).forEach(function (detail) {
    const path = normalizePath(detail.path) || prefix || "";
    found[path] = found[path] ? found[path] + "; " + detail.reason : detail.reason;
  });
  return found;
}

// The problems that no field on the form shows, for the list above the form.
export function unplaced(problems, paths) {
  return Object.keys(problems).filter(function (path) { return paths.indexOf(path) < 0; })
    .map(function (path) { return { path: path, reason: problems[path] }; });
}

function idOf(path) { return "f-" + path.replace(/[^a-z0-9]+/gi, "-"); }

// One labelled control with its problem; `control(id, described, invalid)` draws the input itself.
function wrap(spec, control) {
  const id = spec.id || idOf(spec.path);
  const problem = (spec.problems || {})[spec.path] || (spec.checks || {})[spec.path] || "";
  const refused = Boolean((spec.problems || {})[spec.path]);
  const errorId = id + "-problem";
  return html`<div class="field ${spec.wide ? "wide" : ""}" data-path=${spec.path}>
    <label for=${id}>${spec.label}</label>
    ${control(id, problem ? errorId : nothing, problem ? "true" : "false")}
    ${problem ? html`<p class="field-problem ${refused ? "refused" : "check"}" id=${errorId}
      data-testid="field-problem">${problem}</p>` : nothing}
  </div>`;
}

// A text (or number, date) input; spec: {path, label, value, onInput, type, problems, checks, attrs}.
export function inputField(spec) {
  return wrap(spec, function (id, described, invalid) {
    return html`<input id=${id} name=${spec.name || spec.path} type=${spec.type || "text"} autocomplete="off"
      .value=${spec.value === null || spec.value === undefined ? "" : String(spec.value)}
      min=${spec.min === undefined ? nothing : spec.min} max=${spec.max === undefined ? nothing : spec.max}
      maxlength=${spec.maxlength || nothing} placeholder=${spec.placeholder || nothing}
      aria-describedby=${described} aria-invalid=${invalid}
      @input=${function (event) { spec.onInput(event.target.value); }}>`;
  });
}

// A select; spec.choices: [[value, label], ...].
export function selectField(spec) {
  return wrap(spec, function (id, described, invalid) {
    return html`<select id=${id} name=${spec.name || spec.path} aria-describedby=${described} aria-invalid=${invalid}
      ?disabled=${Boolean(spec.disabled)}
      @change=${function (event) { spec.onInput(event.target.value); }}>
      ${spec.choices.map(function (choice) {
        return html`<option value=${choice[0]} ?selected=${String(spec.value) === String(choice[0])}>${choice[1]}</option>`;
      })}
    </select>`;
  });
}

export function textareaField(spec) {
  return wrap(spec, function (id, described, invalid) {
    return html`<textarea id=${id} name=${spec.name || spec.path} rows=${spec.rows || 2} maxlength="4000"
      .value=${spec.value || ""} aria-describedby=${described} aria-invalid=${invalid}
      @input=${function (event) { spec.onInput(event.target.value); }}></textarea>`;
  });
}

export function checkboxField(spec) {
  const id = spec.id || idOf(spec.path);
  return html`<div class="field check" data-path=${spec.path}>
    <input id=${id} type="checkbox" .checked=${Boolean(spec.value)}
      @change=${function (event) { spec.onInput(event.target.checked); }}>
    <label for=${id}>${spec.label}</label>
  </div>`;
}

// The problems list of a form: the server's message and what no field shows.
export function problemList(message, rest) {
  if (!message) { return nothing; }
  return html`<div class="problems" role="alert" data-testid="form-problems"><p>${message}</p>
    ${rest.length ? html`<ul>${rest.map(function (item) {
      return html`<li>${item.path ? html`<code>${item.path}</code>: ` : nothing}${item.reason}</li>`;
    })}</ul>` : nothing}</div>`;
}
