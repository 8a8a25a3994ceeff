// The "Sites" section: the sites in the panels' order, each with edit, move up/down and delete, and a form to add
// or edit one (POST /sites, PUT /sites/KEY, POST /sites/KEY/move, DELETE /sites/KEY). A refusal is shown at the
// field it names, or above the list (a delete the running event refuses).
import { html, nothing, render } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { call, say } from "../core/api.js";
import { t } from "../core/strings.js";
import { showProblems, clearProblems } from "../core/problems.js";
import { inputField, problemList, problemsByPath, selectField, unplaced } from "./fields.js";

const PATHS = ["site.key", "site.name", "site.venue", "site.kind"];

export function sitesEditor(container, status, pageProblems, reload) {
  let sites = [];
  let draft = null;      // the site in the form, or null when the form is closed
  let editing = null;    // the key of the site being edited, or null when adding one
  let problems = {};
  let message = "";

  function set(name) {
    return function (value) { draft[name] = value; delete problems["site." + name]; draw(); };
  }

  function kindName(kind) { return kind === "online" ? t("online") : t("physical"); }

  function row(site, index) {
    const nameId = "site-name-" + site.key;
    return html`<tr data-testid="site" data-key=${site.key}>
      <td class="position">${index + 1}</td>
      <td><span class="site-name" id=${nameId}>${site.name}</span> <code class="muted">${site.key}</code></td>
      <td>${site.venue}</td>
      <td>${kindName(site.kind)}</td>
      <td class="actions">
        <button type="button" class="button small secondary" aria-describedby=${nameId}
          @click=${function (event) { open(site, event.target); }}>${t("edit")}</button>
        <button type="button" class="button small secondary" aria-describedby=${nameId} ?disabled=${index === 0}
          @click=${function () { move(site, index - 1); }}>${t("move_up")}</button>
        <button type="button" class="button small secondary" aria-describedby=${nameId}
          ?disabled=${index === sites.length - 1} @click=${function () { move(site, index + 1); }}>${t("move_down")}</button>
        <button type="button" class="button small danger" aria-describedby=${nameId}
          @click=${function () { remove(site); }}>${t("delete")}</button>
      </td>
    </tr>`;
  }

  function siteForm() {
    if (!draft) { return nothing; }
    const f = function (name, label, extra) {
      return Object.assign({ path: "site." + name, label: label, value: draft[name], onInput: set(name),
                             problems: problems }, extra || {});
    };
    return html`<form class="editor-form site-form" novalidate data-testid="site-form" @submit=${save}>
      <h3>${editing ? t("edit_site") : t("add_site")}</h3>
      ${problemList(message, unplaced(problems, PATHS))}
      <div class="form-row">
        ${editing ? nothing : inputField(f("key", t("key"), { placeholder: "utrecht", maxlength: 40 }))}
        ${inputField(f("name", t("name"), { maxlength: 100 }))}
        ${inputField(f("venue", t("venue"), { wide: true, maxlength: 200 }))}
        ${selectField(f("kind", t("site_kind"), { choices: [["physical", t("physical")], ["online", t("online")]] }))}
      </div>
      <div class="form-actions">
        <button type="submit" class="button">${t("save")}</button>
        <button type="button" class="button secondary" @click=${close}>${t("cancel")}</button>
      </div>
    </form>`;
  }

  function draw() {
    render(html`
      <table class="runsheet sites-table" aria-labelledby="sites-heading">
        <thead><tr><th scope="col">#</th><th scope="col">${t("name")}</th><th scope="col">${t("venue")}</th>
          <th scope="col">${t("site_kind")}</th><th scope="col"><span class="visually-hidden">${t("edit")}</span></th></tr></thead>
        <tbody>${sites.length ? repeat(sites, function (site) { return site.key; }, row)
                              : html`<tr><td colspan="5">${t("no_sites")}</td></tr>`}</tbody>
      </table>
      ${draft ? nothing : html`<button type="button" class="button" data-role="add-site"
        @click=${function (event) { open(null, event.target); }}>${t("add_site")}</button>`}
      ${siteForm()}`, container);
  }

  let opener = null;

  function open(site, button) {
    opener = button;
    editing = site ? site.key : null;
    draft = site ? Object.assign({}, site) : { key: "", name: "", venue: "", kind: "physical" };
    problems = {};
    message = "";
    draw();
    const first = container.querySelector(".site-form input");
    if (first) { first.focus(); }
  }

  function close() {
    draft = null;
    draw();
    const add = container.querySelector("[data-role=add-site]");
    if (opener && opener.isConnected) { opener.focus(); } else if (add) { add.focus(); }
  }

  async function save(event) {
    event.preventDefault();
    problems = {};
    message = "";
    const site = { key: draft.key.trim(), name: draft.name, venue: draft.venue, kind: draft.kind };
    try {
      if (editing) {
        await call("PUT", "/sites/" + encodeURIComponent(editing), { site: site });
      } else {
        await call("POST", "/sites", { site: site, position: sites.length });
      }
    } catch (error) {
      message = t("not_saved") + " " + error.message;
      problems = problemsByPath(error, "site");
      draw();
      return;
    }
    say(status, editing ? t("site_saved") : t("site_added"));
    draft = null;
    opener = null;
    await reload();
    const add = container.querySelector("[data-role=add-site]");
    if (add) { add.focus(); }
  }

  async function move(site, position) {
    clearProblems(pageProblems);
    try {
      await call("POST", "/sites/" + encodeURIComponent(site.key) + "/move", { position: position });
    } catch (error) {
      showProblems(pageProblems, t("not_saved") + " " + error.message, error.details);
      return;
    }
    say(status, t("site_moved"));
    await reload();
  }

  async function remove(site) {
    clearProblems(pageProblems);
    if (!window.confirm(t("confirm_delete_site", { name: site.name }))) { return; }
    try {
      await call("DELETE", "/sites/" + encodeURIComponent(site.key));
    } catch (error) {
      showProblems(pageProblems, t("not_saved") + " " + error.message, error.details);
      return;
    }
    say(status, t("site_deleted"));
    await reload();
  }

  return {
    show: function (list) { sites = list; draw(); },
  };
}
