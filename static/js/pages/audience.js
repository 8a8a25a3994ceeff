// The chair's "Polls and Q&A" page: every poll of the event with its live results per site, the actions that run
// a poll (open, close, reveal at once or site by site, show, take off), creating and editing polls, moderating open
// answers and the Q&A. Live over Socket.IO with the chair's token; a poll's full results (with the answers waiting
// for moderation) are fetched from the results API when it is chosen, then kept current by `poll:results`.
import { call } from "../core/api.js";
import { byId, el } from "../core/dom.js";
import { fill, resultsVisibility } from "../core/format.js";
import { connect } from "../core/live.js";
import { downloadButtons } from "../audience/downloads.js";
import { pollForm } from "../audience/poll-form.js";
import { renderQuestionList } from "../audience/questions.js";
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
    revealTimer: null,       // shows "results shown" when the reveal moment has come
  };

  const resultsBody = document.getElementById("results-body");
  const banner = byId("connection-banner");
  const badge = byId("connection");
  const errorBox = byId("action-error");
  const okBox = byId("action-status");
  const groups = byId("poll-groups");
  const detail = $(".poll-detail");
  const emptyDetail = byId("poll-empty");

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
    if (poll && results.poll_id === state.selected) { byId("poll-voters").textContent = t("voters", { n: votersOf(poll) }); }
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
    byId("poll-key").textContent = poll.key;
    byId("poll-kind").textContent = kindLabel(poll.kind);
    const stateBadge = byId("poll-state");
    stateBadge.textContent = stateLabel(poll.state);
    stateBadge.className = "badge state-badge state-" + poll.state;
    byId("poll-scope").textContent = poll.site ? siteName(poll.site) : S.whole_event;
    byId("poll-heading").textContent = poll.question;
    byId("poll-voters").textContent = t("voters", { n: votersOf(poll) });
    const showing = screensShowing(poll);
    const own = pollSites(poll);
    byId("poll-screens").textContent = !showing.length ? S.not_on_screens
      : showing.length === own.length && own.length > 1 ? S.on_all_screens
        : t("on_screens", { sites: showing.map(function (s) { return s.name; }).join(", ") });
    const visibility = byId("poll-visibility");
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
    const note = byId("reveal-site-note");
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
    const link = byId("share-link");
    link.href = url;
    link.textContent = url;
    const qr = byId("share-qr");
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
    const box = byId("answer-moderation");
    box.hidden = !poll || poll.kind !== "open";
    if (box.hidden) { return; }
    const results = state.results.get(poll.id) || {};
    const pending = results.pending || [];
    byId("pending-count").textContent = pending.length ? "(" + pending.length + ")" : "";
    byId("approve-all-answers").hidden = !pending.length;
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
    const pendingList = byId("pending-answers");
    const approvedList = byId("approved-answers");
    const pendingItems = pending.map(function (a) { return answerItem(a, ["approved", "hidden"]); });
    const approvedItems = (results.approved || []).map(function (a) { return answerItem(a, ["hidden"]); });
    pendingList.replaceChildren.apply(pendingList, pendingItems.length ? pendingItems : [el("li", { class: "muted empty" }, S.no_pending)]);
    approvedList.replaceChildren.apply(approvedList, approvedItems.length ? approvedItems : [el("li", { class: "muted empty" }, S.no_approved)]);
  }

  function renderQuestions() {
    renderQuestionList({ snapshot: state.snapshot, questions: state.questions, filter: state.filter, siteName: siteName,
      act: act });
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
  // Approve all: every site's waiting answers of the selected poll, or every site's waiting questions.
  byId("approve-all-answers").addEventListener("click", function () {
    const poll = pollById(state.selected);
    if (poll) { act("answer:approve-all", { poll_id: poll.id, site: null }, S.done["answer:approve-all"]).catch(function () {}); }
  });
  byId("approve-all-questions").addEventListener("click", function () {
    act("question:approve-all", { site: null }, S.done["question:approve-all"]).catch(function () {});
  });
  $$("[data-filter]").forEach(function (b) {
    b.addEventListener("click", function () { state.filter = b.dataset.filter; renderQuestions(); });
  });

  // ---- downloads ----
  downloadButtons({ selected: function () { return pollById(state.selected); }, failed: function (error) {
    sayError(t("download_failed", { error: error.message }));
  } });

  // ---- the poll form (new and edit) ----
  const pollDialog = pollForm({
    polls: polls,
    doc: function (id) { return state.docs.get(id); },
    act: act,
    describe: describe,
    creating: function (key) { state.selectAfterCreate = key; },
    saved: function (editing) {
      if (editing) { fetchResults(editing); } else { renderPolls(); renderDetail(); if (state.selected) { fetchResults(state.selected); } }
    },
  });
  function openDialog(poll) { pollDialog.open(poll); }
}
