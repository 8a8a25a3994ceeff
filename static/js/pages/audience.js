// The chair's "Polls and Q&A" page: every poll of the event with its live results per site, the actions that run
// a poll (open, close, reveal at once or site by site, show, take off), creating and editing polls, moderating open
// answers and the Q&A. Live over Socket.IO with the chair's token; a poll's full results (with the answers waiting
// for moderation) are fetched from the results API when it is chosen, then kept current by `poll:results`.
import { call } from "../core/api.js";
import { el } from "../core/dom.js";
import { fill, resultsVisibility, timeOfDay } from "../core/format.js";
import { connect } from "../core/live.js";
import { strings } from "../core/strings.js";
import { kindLabel as pollKindLabel, kindNeeds, mountResults } from "../kinds/index.js";

{
  const body = document.body;
  const S = strings();
  const $ = function (selector, root) { return (root || document).querySelector(selector); };
  const $$ = function (selector, root) { return Array.from((root || document).querySelectorAll(selector)); };

  const state = {
    snapshot: null,
    connected: false,
    selected: null,          // poll id
    selectAfterCreate: null, // poll key
    results: new Map(),      // poll id -> results (poll:results shape)
    docs: new Map(),         // poll id -> the results API's document (quiz answers, hide_results)
    pushes: new Map(),       // poll id -> how many poll:results came, so that a slower fetch does not undo one
    definitions: new Map(),  // poll id -> signature of its definition, to refetch after an edit
    questions: [],
    filter: "all",
    editing: null,           // poll id being edited, or null for a new poll
    revealTimer: null,       // shows "results shown" when the reveal moment has come
  };

  const resultsBody = document.getElementById("results-body");
  const banner = $("[data-testid=connection-banner]");
  const badge = $("[data-testid=connection]");
  const errorBox = $("[data-testid=action-error]");
  const okBox = $("[data-testid=action-status]");
  const groups = $("[data-testid=poll-groups]");
  const detail = $(".poll-detail");
  const emptyDetail = $("[data-testid=poll-empty]");
  const dialog = $("[data-testid=poll-dialog]");
  const form = $("[data-testid=poll-form]");
  const formError = $("[data-testid=poll-form-error]");

  function t(key, values) { return fill(S[key] || key, values || {}); }
  function kindLabel(kind) { return pollKindLabel(kind); }
  function stateLabel(name) { return (S.states || {})[name] || name; }
  function sites() { return state.snapshot ? state.snapshot.sites : []; }
  function siteName(key) { const site = sites().find(function (s) { return s.key === key; }); return site ? site.name : key; }
  function polls() { return state.snapshot ? state.snapshot.polls || [] : []; }
  function pollById(id) { return polls().find(function (p) { return p.id === id; }) || null; }
  function pollSites(poll) { return sites().filter(function (s) { return !poll.site || s.key === poll.site; }); }
  function screensShowing(poll) { return sites().filter(function (s) { return s.poll && s.poll.id === poll.id; }); }
  function votersOf(poll) {
    const results = state.results.get(poll.id);
    return results && results.total ? results.total.voters : (poll.voters || 0);
  }

  // ---- feedback ----
  let okTimer = null;
  function sayOk(text) {
    errorBox.textContent = "";
    okBox.textContent = text;
    clearTimeout(okTimer);
    okTimer = setTimeout(function () { okBox.textContent = ""; }, 6000);
  }
  function sayError(text) { okBox.textContent = ""; errorBox.textContent = text; }
  function describe(error) {
    const details = (error.details || []).map(function (d) {
      return (d.path ? d.path + ": " : "") + String(d.reason || "").replace(/^Value error, /, "");
    });
    return error.message + (details.length ? " (" + details.join("; ") + ")" : "");
  }

  async function act(name, payload, done) {
    if (!state.connected) { sayError(S.not_live); return null; }
    try {
      const reply = await live.act(name, payload);
      if (done) { sayOk(done); }
      return reply;
    } catch (error) {
      sayError(t("refused", { action: name, error: describe(error) }));
      throw error;
    }
  }

  // ---- connection ----
  function onStatus(name, detail) {
    const connection = S.connection || {};
    badge.textContent = connection[name] || name;
    badge.className = "badge conn-badge conn-" + name;
    if (name === "live") {  // connected, and the state shown is the server's current one
      state.connected = true;
      banner.hidden = true;
      body.classList.remove("is-offline");
      if (state.selected) { fetchResults(state.selected); }
    } else {
      state.connected = false;
      body.classList.add("is-offline");
      banner.hidden = false;
      banner.className = "conn-banner conn-" + name;
      banner.textContent = fill((S.banner || {})[name] || name, { reason: detail });
    }
  }

  const live = connect({
    auth: { token: body.dataset.token },
    onStatus: onStatus,
    onState: function (snapshot) {
      state.snapshot = snapshot;
      render();
    },
  });
  live.socket.on("poll:results", function (results) {
    state.results.set(results.poll_id, results);
    state.pushes.set(results.poll_id, (state.pushes.get(results.poll_id) || 0) + 1);
    if (results.poll_id === state.selected) { renderResults(); renderModeration(); }
    const poll = pollById(results.poll_id);
    const item = groups.querySelector("[data-poll-id='" + results.poll_id + "'] .poll-voters");
    if (poll && item) { item.textContent = t("voters_short", { n: votersOf(poll) }); }
    if (poll && results.poll_id === state.selected) { $("[data-testid=poll-voters]").textContent = t("voters", { n: votersOf(poll) }); }
  });
  live.socket.on("questions:changed", function (data) {
    state.questions = data.questions || [];
    renderQuestions();
  });

  // ---- rendering ----
  function render() {
    renderPolls();
    renderDetail();
    renderQuestions();
  }

  function renderPolls() {
    const all = polls();
    if (state.selectAfterCreate) {
      const created = all.find(function (p) { return p.key === state.selectAfterCreate; });
      if (created) { state.selected = created.id; state.selectAfterCreate = null; }
    }
    if (state.selected && !pollById(state.selected)) { state.selected = null; }
    const sections = [[null, S.whole_event]].concat(sites().map(function (s) { return [s.key, t("own_polls", { site: s.name })]; }));
    const nodes = [];
    sections.forEach(function (section) {
      const inGroup = all.filter(function (p) { return (p.site || null) === section[0]; });
      if (!inGroup.length && section[0] !== null) { return; }
      const group = el("section", { class: "poll-group", "data-group": section[0] || "event" });
      group.append(el("h3", {}, section[1]));
      const list = el("ul", { class: "poll-list" });
      inGroup.forEach(function (poll) { list.append(pollItem(poll)); });
      if (!inGroup.length) { list.append(el("li", { class: "muted empty" }, S.no_polls)); }
      group.append(list);
      nodes.push(group);
    });
    groups.replaceChildren.apply(groups, nodes);
  }

  function pollItem(poll) {
    const item = el("li", { class: "poll-item state-" + poll.state, "data-poll-id": String(poll.id), "data-key": poll.key,
                            "data-testid": "poll-item" });
    const button = el("button", { type: "button", class: "poll-select", "aria-pressed": String(poll.id === state.selected) });
    const top = el("span", { class: "poll-item-top" });
    top.append(el("span", { class: "poll-key" }, poll.key), el("span", { class: "badge kind-badge" }, kindLabel(poll.kind)),
               el("span", { class: "badge state-badge state-" + poll.state }, stateLabel(poll.state)));
    const showing = screensShowing(poll);
    if (showing.length) {
      top.append(el("span", { class: "badge screen-badge", title: showing.map(function (s) { return s.name; }).join(", ") },
                    showing.length === pollSites(poll).length && showing.length > 1 ? S.badge_all_screens
                      : t("badge_screens", { n: showing.length })));
    }
    if (poll.results_visible) { top.append(el("span", { class: "badge visible-badge" }, S.badge_results)); }
    button.append(top, el("span", { class: "poll-item-question" }, poll.question),
                  el("span", { class: "poll-voters" }, t("voters_short", { n: votersOf(poll) })));
    button.addEventListener("click", function () { select(poll.id); });
    item.append(button);
    return item;
  }

  function select(id) {
    state.selected = id;
    $$(".poll-select", groups).forEach(function (b) {
      b.setAttribute("aria-pressed", String(Number(b.parentElement.dataset.pollId) === id));
    });
    resultsBody.replaceChildren();
    renderDetail();
    fetchResults(id);
  }

  async function fetchResults(id) {
    const poll = pollById(id);
    if (!poll) { return; }
    const pushes = state.pushes.get(id) || 0;
    try {
      const doc = await call("GET", "/polls/" + encodeURIComponent(poll.key) + "/results");
      state.docs.set(id, doc);
      // A push that came in meanwhile is at least as new as what the request counted: keep it.
      if ((state.pushes.get(id) || 0) === pushes) { state.results.set(id, doc.results); }
      if (id === state.selected) { renderResults(); renderModeration(); }
    } catch (error) {
      sayError(t("load_failed", { error: error.message }));
    }
  }

  function signature(poll) {
    return JSON.stringify([poll.kind, poll.question, poll.options.map(function (o) { return o.label; }), poll.scale, poll.state]);
  }

  function renderDetail() {
    const poll = state.selected ? pollById(state.selected) : null;
    detail.hidden = !poll;
    emptyDetail.hidden = Boolean(poll);
    if (!poll) { return; }
    const sig = signature(poll);
    if (state.definitions.get(poll.id) !== sig) {
      if (state.definitions.has(poll.id)) { fetchResults(poll.id); }
      state.definitions.set(poll.id, sig);
    }
    $("[data-testid=poll-key]").textContent = poll.key;
    $("[data-testid=poll-kind]").textContent = kindLabel(poll.kind);
    const stateBadge = $("[data-testid=poll-state]");
    stateBadge.textContent = stateLabel(poll.state);
    stateBadge.className = "badge state-badge state-" + poll.state;
    $("[data-testid=poll-scope]").textContent = poll.site ? siteName(poll.site) : S.whole_event;
    $("[data-testid=poll-question]").textContent = poll.question;
    $("[data-testid=poll-voters]").textContent = t("voters", { n: votersOf(poll) });
    const showing = screensShowing(poll);
    const own = pollSites(poll);
    $("[data-testid=poll-screens]").textContent = !showing.length ? S.not_on_screens
      : showing.length === own.length && own.length > 1 ? S.on_all_screens
        : t("on_screens", { sites: showing.map(function (s) { return s.name; }).join(", ") });
    const visibility = $("[data-testid=poll-visibility]");
    const shown = resultsVisibility(poll, live.now());
    visibility.textContent = S.results[shown];
    visibility.dataset.visibility = shown;
    visibility.className = poll.results_visible ? "is-visible" : "is-hidden";
    clearTimeout(state.revealTimer);  // the label changes by itself at the reveal's moment
    if (shown === "waiting") { state.revealTimer = setTimeout(renderDetail, Date.parse(poll.reveal_at) - live.now() + 50); }

    const button = function (action) { return $("[data-poll-action='" + action + "']"); };
    button("poll:open").disabled = poll.state === "open";
    button("poll:close").disabled = poll.state !== "open";
    button("poll:hide").disabled = !poll.results_visible;
    button("poll:show").disabled = showing.length === own.length;
    button("poll:dismiss").disabled = !showing.length;

    // The Eurovision reveal: which site is next, and how far it got.
    const order = poll.reveal_order && poll.reveal_order.length ? poll.reveal_order : sites().map(function (s) { return s.key; });
    const step = poll.reveal_step || 0;
    const revealSite = button("poll:reveal-site");
    const note = $("[data-testid=reveal-site-note]");
    if (poll.site) {
      revealSite.disabled = true;
      revealSite.textContent = fill(S.reveal_next, { site: "–" });
      note.textContent = S.reveal_own_poll;
    } else if (step >= order.length && poll.reveal_step !== null) {
      revealSite.disabled = true;
      revealSite.textContent = fill(S.reveal_next, { site: "–" });
      note.textContent = S.reveal_all_done + " " + t("reveal_progress", { sites: order.map(siteName).join(", "), n: step, count: order.length });
    } else {
      const nextSite = siteName(order[poll.reveal_step === null ? 0 : step]);
      revealSite.disabled = false;
      revealSite.textContent = t("reveal_next", { site: nextSite });
      revealSite.dataset.site = nextSite;
      note.textContent = t("reveal_next_note", { site: nextSite }) + (poll.reveal_step
        ? " " + t("reveal_progress", { sites: order.slice(0, step).map(siteName).join(", "), n: step, count: order.length }) : "");
    }

    const url = body.dataset.resultsUrl.replace("__key__", encodeURIComponent(poll.key));
    const link = $("[data-testid=share-link]");
    link.href = url;
    link.textContent = url;
    const qr = $("[data-testid=share-qr]");
    const qrSrc = body.dataset.qrUrl.replace("__key__", encodeURIComponent(poll.key));
    if (qr.getAttribute("src") !== qrSrc) { qr.src = qrSrc; }
    renderResults();
    renderModeration();
  }

  function renderResults() {
    const poll = state.selected ? pollById(state.selected) : null;
    const results = poll ? state.results.get(poll.id) : null;
    if (!poll || !results) { return; }
    const doc = state.docs.get(poll.id);
    const shown = Object.assign({}, poll, doc && doc.poll.id === poll.id && poll.kind === "quiz"
      ? { options: doc.poll.options } : {});
    // The quiz's right answers: the chair knows them, so its results show them.
    if (poll.kind === "quiz" && doc) {
      const correct = new Set(doc.poll.options.filter(function (o) { return o.correct; }).map(function (o) { return o.id; }));
      [results.total].concat(Object.values(results.sites || {})).forEach(function (figures) {
        (figures.options || []).forEach(function (o) { o.correct = correct.has(o.id); });
      });
    }
    view(shown, results);
  }

  // The results sheet, with the site names and their order from the snapshot; the approved open answers are in
  // the moderation list beside it.
  function view(poll, results) {
    mountResults(resultsBody, poll, results, { variant: "control", sites: sites(), answers: false });
  }

  function renderModeration() {
    const poll = state.selected ? pollById(state.selected) : null;
    const box = $("[data-testid=answer-moderation]");
    box.hidden = !poll || poll.kind !== "open";
    if (box.hidden) { return; }
    const results = state.results.get(poll.id) || {};
    const pending = results.pending || [];
    $("[data-testid=pending-count]").textContent = pending.length ? "(" + pending.length + ")" : "";
    const answerItem = function (answer, decisions) {
      const item = el("li", { class: "answer", "data-vote-id": String(answer.id), "data-testid": "answer" });
      const text = el("p", { class: "answer-text" }, answer.text);
      const meta = el("span", { class: "site-tag" }, siteName(answer.site));
      const row = el("div", { class: "button-row" });
      decisions.forEach(function (decision) {
        const b = el("button", { type: "button", class: "button tiny " + (decision === "approved" ? "go" : "secondary"),
                                 "data-decision": decision }, decision === "approved" ? S.approve : S.hide);
        b.addEventListener("click", function () {
          act("answer:moderate", { vote_id: answer.id, decision: decision }, S.done["answer:moderate"]).catch(function () {});
        });
        row.append(b);
      });
      item.append(meta, text, row);
      return item;
    };
    const pendingList = $("[data-testid=pending-answers]");
    const approvedList = $("[data-testid=approved-answers]");
    const pendingItems = pending.map(function (a) { return answerItem(a, ["approved", "hidden"]); });
    const approvedItems = (results.approved || []).map(function (a) { return answerItem(a, ["hidden"]); });
    pendingList.replaceChildren.apply(pendingList, pendingItems.length ? pendingItems : [el("li", { class: "muted empty" }, S.no_pending)]);
    approvedList.replaceChildren.apply(approvedList, approvedItems.length ? approvedItems : [el("li", { class: "muted empty" }, S.no_approved)]);
  }

  function renderQuestions() {
    const featured = state.snapshot ? state.snapshot.featured_question : null;
    $("[data-testid=featured-text]").textContent = featured ? featured.text : S.no_featured;
    $("[data-testid=featured-question]").classList.toggle("is-on", Boolean(featured));
    $("[data-action=unfeature]").hidden = !featured;
    const counts = { all: state.questions.length, pending: 0, approved: 0, answered: 0, hidden: 0 };
    state.questions.forEach(function (q) { counts[q.state] = (counts[q.state] || 0) + 1; });
    $$("[data-filter]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.filter === state.filter));
      $(".count", b).textContent = counts[b.dataset.filter] ? String(counts[b.dataset.filter]) : "";
    });
    const shown = state.questions.filter(function (q) { return state.filter === "all" || q.state === state.filter; });
    const list = $("[data-testid=questions]");
    const timezone = state.snapshot ? state.snapshot.timezone : undefined;
    const items = shown.map(function (q) {
      const item = el("li", { class: "question state-" + q.state, "data-question-id": String(q.id), "data-state": q.state,
                              "data-testid": "question" });
      const meta = el("p", { class: "question-meta" });
      meta.append(el("span", { class: "site-tag" }, siteName(q.site)),
                  el("span", { class: "badge qstate-badge" }, (S.question_states || {})[q.state] || q.state),
                  el("span", { class: "upvotes", title: t("upvotes", { n: q.upvotes }) }, "▲ " + q.upvotes),
                  el("time", { class: "muted", datetime: q.asked_at }, timeOfDay(q.asked_at, timezone)));
      if (featured && featured.id === q.id) { meta.append(el("span", { class: "badge featured-badge" }, S.featured)); }
      const row = el("div", { class: "button-row" });
      const add = function (label, className, handler, testid) {
        const b = el("button", { type: "button", class: "button tiny " + className, "data-testid": testid }, label);
        b.addEventListener("click", function () { handler().catch(function () {}); });
        row.append(b);
      };
      const moderate = function (to) {
        return function () { return act("question:moderate", { question_id: q.id, state: to }, S.done["question:moderate"]); };
      };
      if (q.state !== "approved") { add(S.approve, "go", moderate("approved"), "question-approve"); }
      if (q.state === "approved") { add(S.mark_answered, "secondary", moderate("answered"), "question-answered"); }
      if (q.state !== "hidden") { add(S.hide, "secondary", moderate("hidden"), "question-hide"); }
      if ((q.state === "approved" || q.state === "answered") && !(featured && featured.id === q.id)) {
        add(S.feature, "feature", function () {
          return act("question:feature", { question_id: q.id }, S.done["question:feature"]);
        }, "question-feature");
      }
      item.append(meta, el("p", { class: "question-text" }, q.text), row);
      return item;
    });
    list.replaceChildren.apply(list, items.length ? items : [el("li", { class: "muted empty" }, S.no_questions)]);
  }

  // ---- poll actions ----
  $$("[data-poll-action]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const poll = pollById(state.selected);
      if (!poll) { return; }
      const action = button.dataset.pollAction;
      const done = fill((S.done || {})[action] || "", { key: poll.key, site: button.dataset.site || "" });
      try {
        if (action === "edit") { openDialog(poll); return; }
        if (action === "poll:delete") {
          if (!window.confirm(t("confirm_delete", { key: poll.key }))) { return; }
          await act("poll:delete", { poll_id: poll.id }, done);
          return;
        }
        if (action === "poll:dismiss") {
          const showing = screensShowing(poll);
          const everywhere = !poll.site && showing.length === sites().length;
          const targets = everywhere ? [null] : showing.map(function (s) { return s.key; });
          for (const site of targets) { await act("poll:dismiss", { site: site }, done); }
          return;
        }
        await act(action, { poll_id: poll.id }, done);
      } catch (error) { /* shown by act() */ }
    });
  });

  $("[data-action=unfeature]").addEventListener("click", function () {
    act("question:feature", { question_id: null }, S.done["question:unfeature"]).catch(function () {});
  });
  $$("[data-filter]").forEach(function (b) {
    b.addEventListener("click", function () { state.filter = b.dataset.filter; renderQuestions(); });
  });

  // ---- downloads (the chair's token goes in the header, so they are fetched, not linked) ----
  $$("[data-download]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const poll = pollById(state.selected);
      if (!poll) { return; }
      const what = button.dataset.download;
      const file = { results: "results.csv", votes: "votes.csv", json: "results" }[what];
      const path = "/api/v1/events/" + encodeURIComponent(body.dataset.slug) + "/polls/" + encodeURIComponent(poll.key) + "/" + file;
      try {
        const response = await fetch(path, { headers: { Authorization: "Bearer " + body.dataset.token } });
        if (!response.ok) {
          const data = await response.json().catch(function () { return {}; });
          throw new Error(data.error || "HTTP " + response.status);
        }
        const blob = await response.blob();
        const link = el("a", { href: URL.createObjectURL(blob),
                               download: body.dataset.slug + "-" + poll.key + "-" + (what === "json" ? "results.json" : file) });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      } catch (error) {
        sayError(t("download_failed", { error: error.message }));
      }
    });
  });

  // ---- the poll form (new and edit) ----
  function showKindFields() {
    const kind = form.elements.kind.value;
    $$("[data-for-kinds]", form).forEach(function (box) {
      box.hidden = box.dataset.forKinds.split(" ").indexOf(kind) < 0;
    });
    renderCorrectOptions();
  }

  function optionLines() {
    return form.elements.options.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function renderCorrectOptions(checked) {
    const box = $(".correct-list", form);
    const before = checked || new Set($$("input:checked", box).map(function (input) { return input.value; }));
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
    polls().forEach(function (p) {
      const match = /^vraag-(\d+)$/.exec(p.key);
      if (match) { highest = Math.max(highest, Number(match[1])); }
    });
    return "vraag-" + (highest + 1);
  }

  function openDialog(poll) {
    state.editing = poll ? poll.id : null;
    form.reset();
    formError.textContent = "";
    const doc = poll ? state.docs.get(poll.id) : null;
    $("[data-testid=poll-dialog-title]").textContent = poll ? t("edit_poll", { key: poll.key }) : S.new_poll;
    $("[data-testid=poll-submit]").textContent = poll ? S.save : S.create;
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
      const correct = new Set($$(".correct-list input:checked", form).map(function (input) { return input.value; }));
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
  $("[data-action=cancel-poll]").addEventListener("click", function () { dialog.close(); });
  $("[data-action=new-poll]").addEventListener("click", function () { openDialog(null); });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const spec = pollSpec();
    const editing = state.editing;
    const name = editing ? "poll:update" : "poll:create";
    const payload = editing ? { poll_id: editing, poll: spec }
      : { poll: spec, site: form.elements.site.value || null, segment_id: null };
    try {
      if (!editing) { state.selectAfterCreate = spec.key; }
      await act(name, payload, fill(S.done[name], { key: spec.key }));
      dialog.close();
      if (editing) { fetchResults(editing); } else { renderPolls(); renderDetail(); if (state.selected) { fetchResults(state.selected); } }
    } catch (error) {
      state.selectAfterCreate = null;
      formError.textContent = describe(error);
    }
  });
}
