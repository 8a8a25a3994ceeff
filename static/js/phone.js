// The participant's phone page: join (no account), see what is on now, answer the site's open poll, see the
// results once revealed, ask and upvote questions, send reactions. Whether the phone asks for a vote, and which
// results it shows, is the server's decision (`sites[].screen.vote`, and the `poll:results` it sends a phone only
// once they may be seen, with the totals counted): the page draws them as they come.
//
// Everything people typed (names, questions, answers, words, option labels) is shown with textContent only.
// A vote is kept in localStorage with its idempotency key until the server acknowledges it (after the commit),
// so a vote made on a weak network or while the server is away is sent again, with the same key, and counts once.
"use strict";
(function () {
  const S = Live.strings();
  const body = document.body;
  const CODE = body.dataset.code;
  const SITE = body.dataset.site;
  const SITE_NAME = body.dataset.siteName;
  const PREFIX = "eventapp.phone." + CODE + ".";
  const RETRY_MS = 5000; // pending votes are sent again this often while connected
  const REACTION_PAUSE_MS = 4000;
  const PENDING_MAX_AGE_MS = 6 * 3600 * 1000;
  const ASKED_MAX_AGE_MS = 12 * 3600 * 1000;
  const el = Live.el;
  const $ = function (id) { return document.getElementById(id); };

  // --- words ---------------------------------------------------------------------------------------------
  function fmt(template, values) {
    return String(template === undefined ? "" : template).replace(/\{(\w+)\}/g, function (match, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }
  function plural(n, one, many) { return n === 1 ? one : fmt(many, { n: n }); }
  function percent(count, of) { return of ? Math.round((count / of) * 100) : 0; }
  function number(value) {
    return typeof value === "number" ? value.toLocaleString(document.documentElement.lang || "nl", {
      maximumFractionDigits: 1 }) : "";
  }

  // --- storage (localStorage may be unavailable: private mode, full disk; the page then works per visit) ----
  function load(name, fallback) {
    try {
      const raw = window.localStorage.getItem(PREFIX + name);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) { return fallback; }
  }
  function save(name, value) {
    try {
      if (value === null || value === undefined) { window.localStorage.removeItem(PREFIX + name); }
      else { window.localStorage.setItem(PREFIX + name, JSON.stringify(value)); }
    } catch (error) { /* nothing to do: the page keeps it in memory */ }
  }

  const store = {
    joined: load("joined", null), // the reply of POST /api/v1/join: {token, participant, name, event, site, ...}
    pending: load("pending", {}), // poll id -> {poll_id, kind, answer, key, seq, at}: votes not yet acknowledged
    seq: load("seq", 0), // the number of this phone's latest answer: a late retry of an older one changes nothing
    upvoted: load("upvoted", []), // question ids this phone upvoted
    asked: load("asked", []), // [{id, text, at}]: own questions, until they are approved
  };
  Object.keys(store.pending).forEach(function (id) {
    if (!store.pending[id] || Date.now() - store.pending[id].at > PENDING_MAX_AGE_MS) { delete store.pending[id]; }
  });

  const view = {
    live: null,
    generation: 0,
    status: "connecting",
    snapshot: null,
    results: {}, // poll id -> the latest poll:results
    votes: {}, // poll id -> this participant's stored answer (acknowledged)
    errors: {}, // poll id -> the server's refusal of the last vote
    inflight: {}, // poll id -> the attempt being sent
    questions: [],
    pollSignature: null,
    pollId: null,
    poll: null, // the rendered poll's controller
    editing: false,
    shownResults: null, // "pollId|step" of the results on the page
    announced: null,
    reactionPause: null,
  };

  // --- the connection ------------------------------------------------------------------------------------
  function connect() {
    if (view.live) { view.live.socket.disconnect(); }
    const generation = ++view.generation;
    const current = function () { return generation === view.generation; };
    const auth = store.joined ? { participant: store.joined.token } : { code: CODE };
    view.status = "connecting";
    view.inflight = {};
    const live = Live.connect({
      auth: auth,
      onState: function (snapshot) { if (current()) { onState(snapshot); } },
      onStatus: function (status, detail) { if (current()) { onStatus(status, detail, auth); } },
    });
    view.live = live;
    live.socket.on("poll:results", function (results) { if (current()) { onResults(results); } });
    live.socket.on("questions:changed", function (data) { if (current()) { onQuestions(data.questions || []); } });
    live.socket.on("participant:votes", function (data) {
      if (!current()) { return; }
      view.votes = {};
      (data.votes || []).forEach(function (vote) { view.votes[vote.poll_id] = vote.answer; });
      renderPoll();
    });
    renderConnection();
  }

  function onStatus(status, detail, auth) {
    view.status = status;
    body.dataset.connection = status;
    if (status !== "live") { view.inflight = {}; }
    if (status === "refused" && auth.participant) {
      // The server does not know this phone's sign-in (anymore): forget it and offer the join form again.
      forget();
      showJoinError(S.join_again);
      connect();
      return;
    }
    if (status === "live") { flushPending(); }
    renderConnection();
    renderPoll();
    renderReactions();
  }

  function renderConnection() {
    const line = $("connection");
    let text = "";
    if (view.status === "connecting") { text = S.connecting; }
    else if (view.status === "reconnecting") { text = store.joined ? S.offline : S.offline_short; }
    else if (view.status === "refused") { text = S.refused; }
    if (line.textContent !== text) { line.textContent = text; }
    line.dataset.state = view.status;
  }

  // --- joining -------------------------------------------------------------------------------------------
  function renderJoined() {
    const joined = Boolean(store.joined);
    body.dataset.joined = joined ? "yes" : "no";
    $("join-card").hidden = joined;
    $("participant").hidden = !joined;
    $("whoami").textContent = joined ? (store.joined.name ? fmt(S.joined_as, { name: store.joined.name })
      : S.joined_anonymous) : "";
  }

  function showJoinError(message) {
    const line = $("join-error");
    line.textContent = message || "";
    line.hidden = !message;
  }

  async function join(event) {
    event.preventDefault();
    const button = $("join-button");
    button.disabled = true;
    showJoinError("");
    try {
      let response;
      try {
        response = await fetch("/api/v1/join", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify({ code: CODE, name: $("join-name").value.trim() }),
        });
      } catch (error) {
        showJoinError(S.network);
        return;
      }
      const data = await response.json().catch(function () { return {}; });
      if (!response.ok || !data.token) {
        const reasons = (data.details || []).map(function (item) { return item.reason; }).join("; ");
        showJoinError(fmt(S.join_failed, { error: reasons || data.error || response.status }));
        return;
      }
      store.joined = data;
      save("joined", data);
      view.votes = {};
      renderJoined();
      connect();
      renderQuestions();
      window.scrollTo(0, 0);
    } finally {
      button.disabled = false;
    }
  }

  function forget() {
    store.joined = null;
    store.pending = {};
    store.seq = 0;
    view.votes = {};
    view.errors = {};
    save("joined", null);
    save("pending", null);
    save("seq", null);
    renderJoined();
  }

  // --- what is on now ------------------------------------------------------------------------------------
  function siteName(key) {
    const site = view.snapshot && view.snapshot.sites.find(function (s) { return s.key === key; });
    return site ? site.name : key;
  }
  function mySite() {
    return view.snapshot ? view.snapshot.sites.find(function (s) { return s.key === SITE; }) : null;
  }

  // What this site's screen and phones show, as the server decided it (the scene rule).
  function scene() {
    const site = mySite();
    return site && site.screen ? site.screen : { show: "welcome", air: null, air_site: null, vote: false };
  }

  function onState(snapshot) {
    view.snapshot = snapshot;
    renderNow();
    renderPoll();
    renderQuestions();
  }

  function show(element, text) {
    element.hidden = !text;
    if (element.textContent !== (text || "")) { element.textContent = text || ""; }
  }

  function renderNow() {
    const snapshot = view.snapshot;
    const site = mySite() || {};
    const segment = snapshot.segment;
    let label = S.now;
    let title = "";
    let sub = "";
    let air = "";
    if (snapshot.status === "ended") {
      label = "";
      title = S.ended;
    } else if (!segment) {
      label = snapshot.next ? S.next : "";
      title = snapshot.next ? snapshot.next.title : snapshot.title;
      sub = S.planned;
    } else {
      title = segment.title;
      const part = segment.parts && segment.parts[SITE];
      if (snapshot.split && part) {
        sub = fmt(S.own_session, { site: SITE_NAME }) + ": " + part.title;
        if (site.item_index !== null && site.item_index !== undefined && part.items[site.item_index]) {
          sub += " · " + fmt(S.item, { item: part.items[site.item_index] });
        }
      }
    }
    const screen = scene();
    if (screen.air && screen.air_site) {
      air = fmt(S.live_from, { site: siteName(screen.air_site) });
      if (screen.air === "on_air") { air += " · " + S.here; }
    }
    let message = site.message || "";
    if (screen.show === "holding" && site.holding_text) { message = site.holding_text; }
    if (!store.joined && screen.vote) { message = message || S.watching; }
    $("now").hidden = false;
    show($("now-label"), label);
    show($("now-title"), title);
    show($("now-sub"), sub);
    show($("on-air"), air);
    $("on-air").classList.toggle("here", screen.air === "on_air");
    show($("now-message"), message);
  }

  // --- the poll ------------------------------------------------------------------------------------------
  // The poll on this site's screen, while the screen shows it (not while something else covers it).
  function currentPoll() {
    const site = mySite();
    return site && site.poll && scene().show === "poll" ? site.poll : null;
  }

  function signature(poll) {
    if (!poll) { return "none"; }
    return JSON.stringify([poll.id, poll.kind, poll.state, poll.allow_change, poll.question, poll.scale,
      poll.options.map(function (o) { return [o.id, o.label]; })]);
  }

  // The answer as the server stores it, from what the phone sends (to show a pending vote like a counted one).
  function storedFrom(kind, answer) {
    switch (kind) {
      case "single": case "quiz": return [answer.option];
      case "multiple": return answer.options;
      case "scale": return answer.value;
      case "statement": return answer.choice;
      case "wordcloud": return answer.words.map(function (w) { return w.trim().toLowerCase(); });
      case "open": return answer.text;
      case "ranking": return answer.order;
      default: return answer;
    }
  }

  // This participant's answer to a poll: the one on its way if any, else the counted one (or null).
  function answerOf(poll) {
    const pending = store.pending[poll.id];
    if (pending) { return storedFrom(poll.kind, pending.answer); }
    return Object.prototype.hasOwnProperty.call(view.votes, poll.id) ? view.votes[poll.id] : null;
  }

  function optionLabel(poll, id) {
    const option = poll.options.find(function (o) { return o.id === id; });
    return option ? option.label : "?";
  }
  const STATEMENT = ["agree", "neutral", "disagree"];
  const STATEMENT_ICONS = { agree: "👍", neutral: "🤷", disagree: "👎" };

  function describe(poll, answer) {
    switch (poll.kind) {
      case "single": case "quiz": case "multiple":
        return answer.map(function (id) { return optionLabel(poll, id); }).join(", ");
      case "scale": {
        let text = String(answer);
        if (poll.scale && answer === poll.scale.min && poll.scale.min_label) { text += " (" + poll.scale.min_label + ")"; }
        if (poll.scale && answer === poll.scale.max && poll.scale.max_label) { text += " (" + poll.scale.max_label + ")"; }
        return text;
      }
      case "statement": return S[answer] || answer;
      case "wordcloud": return answer.join(", ");
      case "open": return answer;
      case "ranking": return answer.map(function (id, i) { return (i + 1) + ". " + optionLabel(poll, id); }).join("  ");
      default: return JSON.stringify(answer);
    }
  }

  function renderPoll() {
    if (!store.joined || !view.snapshot) { return; }
    const poll = currentPoll();
    const sig = signature(poll);
    if (sig !== view.pollSignature) {
      if (!poll || poll.id !== view.pollId) { view.editing = false; }
      view.pollSignature = sig;
      view.pollId = poll ? poll.id : null;
      buildPoll(poll);
    }
    refreshPoll(poll);
    renderResults(poll);
  }

  function buildPoll(poll) {
    const root = $("poll-body");
    root.replaceChildren();
    view.poll = null;
    $("poll").dataset.kind = poll ? poll.kind : "none";
    $("poll").dataset.pollId = poll ? poll.id : "";
    if (!poll) {
      root.append(el("h2", { id: "poll-title", class: "poll-question idle" }, S.no_poll));
      return;
    }
    root.append(el("h2", { id: "poll-title", class: "poll-question" }, poll.question));
    const builder = BUILDERS[poll.kind] || BUILDERS.single;
    view.poll = builder(poll);
    root.append(view.poll.root);
  }

  function changeAnswer() {
    const poll = currentPoll();
    if (!poll || !view.poll || !view.poll.form) { return; }
    view.editing = true;
    view.poll.prefill(answerOf(poll));
    refreshPoll(poll);
    const first = view.poll.root.querySelector("input, textarea, button");
    if (first) { first.focus(); }
  }

  function context(poll) {
    const answer = answerOf(poll);
    const open = scene().vote;
    return {
      answer: answer,
      open: open,
      locked: !open || (poll.kind === "quiz" && answer !== null) || !poll.allow_change && answer !== null,
    };
  }

  function refreshPoll(poll) {
    const status = $("vote-status");
    if (!poll) { setStatus(status, "", ""); $("answer-summary").hidden = true; return; }
    const ctx = context(poll);
    const controller = view.poll;
    controller.refresh(ctx);
    // Forms (several choices, words, text, ranking) fold away once answered; buttons stay and show the choice.
    if (controller.form) {
      const showForm = ctx.open && (ctx.answer === null || (view.editing && !ctx.locked));
      controller.root.hidden = !showForm;
      if (!showForm) { view.editing = false; }
      const cancel = controller.root.querySelector(".cancel-edit");
      if (cancel) { cancel.hidden = !(view.editing && ctx.answer !== null); }
    }
    const summary = $("answer-summary");
    const hasAnswer = ctx.answer !== null;
    summary.hidden = !hasAnswer && ctx.open;
    const your = $("your-answer");
    const hint = $("answer-hint");
    const change = $("change-answer");
    if (hasAnswer) {
      your.textContent = fmt(S.your_answer, { answer: describe(poll, ctx.answer) });
      hint.textContent = !ctx.open ? S.closed : poll.kind === "open" ? S.open_moderated
        : ctx.locked ? S.final : S.can_change;
    } else {
      your.textContent = "";
      hint.textContent = ctx.open ? "" : S.closed_no_vote;
    }
    change.hidden = !(hasAnswer && controller.form && !ctx.locked && !view.editing);

    const pending = store.pending[poll.id];
    if (view.errors[poll.id]) {
      setStatus(status, view.errors[poll.id], "error");
    } else if (pending) {
      if (view.status !== "live") { setStatus(status, S.offline, "offline"); }
      else if (view.inflight[poll.id]) { setStatus(status, S.sending, "sending"); }
      else { setStatus(status, S.retrying, "sending"); }
    } else if (Object.prototype.hasOwnProperty.call(view.votes, poll.id)) {
      setStatus(status, S.sent, "sent");
    } else {
      setStatus(status, "", "");
    }
  }

  function setStatus(element, text, state) {
    if (element.textContent !== text) { element.textContent = text; }
    element.dataset.state = state;
  }

  // Each kind's controls. A builder returns {root, refresh(ctx)}, and for forms also {form: true, prefill(answer)}.
  function choiceButton(text, attributes) {
    const button = el("button", Object.assign({ type: "button", class: "choice", "aria-pressed": "false" },
      attributes || {}));
    button.append(el("span", { class: "choice-mark", "aria-hidden": "true" }), el("span", { class: "choice-text" },
      text));
    return button;
  }

  function group(legend) {
    const fieldset = el("fieldset", { class: "choices" });
    fieldset.append(el("legend", { class: "legend" }, legend));
    return fieldset;
  }

  function buildSingle(poll) {
    const quiz = poll.kind === "quiz";
    const fieldset = group(quiz ? S.choose_quiz : S.choose_one);
    const list = el("div", { class: "choice-list" });
    let picked = null;
    const send = el("button", { type: "button", class: "button big primary", hidden: "" }, S.submit);
    poll.options.forEach(function (option) {
      const button = choiceButton(option.label, { "data-option": option.id });
      button.addEventListener("click", function () {
        if (quiz) {
          picked = option.id;
          controller.refresh(context(poll));
          send.hidden = false;
        } else {
          vote(poll, { option: option.id });
        }
      });
      list.append(button);
    });
    send.addEventListener("click", function () { if (picked !== null) { vote(poll, { option: picked }); } });
    fieldset.append(list);
    if (quiz) { fieldset.append(send); }
    const controller = {
      root: fieldset,
      refresh: function (ctx) {
        const chosen = ctx.answer !== null ? ctx.answer[0] : picked;
        list.querySelectorAll("button").forEach(function (button) {
          const id = Number(button.dataset.option);
          button.setAttribute("aria-pressed", String(id === chosen));
          button.disabled = ctx.locked || !store.joined;
        });
        send.hidden = !quiz || ctx.answer !== null || picked === null || !ctx.open;
      },
    };
    return controller;
  }

  function buildMultiple(poll) {
    const form = el("form", { class: "poll-form", novalidate: "" });
    const fieldset = group(S.choose_many);
    const list = el("div", { class: "choice-list" });
    poll.options.forEach(function (option, index) {
      const id = "multi-" + poll.id + "-" + index;
      const label = el("label", { class: "choice check", for: id });
      const box = el("input", { type: "checkbox", id: id, value: String(option.id) });
      label.append(box, el("span", { class: "choice-mark", "aria-hidden": "true" }),
        el("span", { class: "choice-text" }, option.label));
      list.append(label);
    });
    fieldset.append(list);
    form.append(fieldset, formButtons(S.submit));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const options = Array.from(form.querySelectorAll("input:checked")).map(function (box) { return Number(box.value); });
      if (!options.length) { return formError(poll, S.pick_needed); }
      vote(poll, { options: options });
    });
    return {
      root: form, form: true,
      prefill: function (answer) {
        form.querySelectorAll("input").forEach(function (box) {
          box.checked = Boolean(answer && answer.indexOf(Number(box.value)) >= 0);
        });
      },
      refresh: function () {},
    };
  }

  function buildScale(poll) {
    const scale = poll.scale || { min: 1, max: 5, min_label: "", max_label: "" };
    const fieldset = group(fmt(S.choose_scale, { min: scale.min, max: scale.max }));
    const row = el("div", { class: "scale-buttons" });
    const count = scale.max - scale.min + 1;
    row.dataset.count = String(count);
    if (count > 6) { row.classList.add("wrap"); }
    for (let value = scale.min; value <= scale.max; value += 1) {
      let label = String(value);
      if (value === scale.min && scale.min_label) { label += " (" + scale.min_label + ")"; }
      if (value === scale.max && scale.max_label) { label += " (" + scale.max_label + ")"; }
      const button = el("button", { type: "button", class: "scale-button", "aria-pressed": "false",
        "aria-label": label, "data-value": value }, String(value));
      button.addEventListener("click", function () { vote(poll, { value: value }); });
      row.append(button);
    }
    const ends = el("div", { class: "scale-ends", "aria-hidden": "true" });
    ends.append(el("span", {}, scale.min + " = " + (scale.min_label || scale.min)),
      el("span", {}, scale.max + " = " + (scale.max_label || scale.max)));
    fieldset.append(row, ends);
    return {
      root: fieldset,
      refresh: function (ctx) {
        row.querySelectorAll("button").forEach(function (button) {
          button.setAttribute("aria-pressed", String(Number(button.dataset.value) === ctx.answer));
          button.disabled = ctx.locked;
        });
      },
    };
  }

  function buildStatement(poll) {
    const fieldset = group(S.choose_statement);
    const list = el("div", { class: "choice-list statement" });
    STATEMENT.forEach(function (choice) {
      const button = choiceButton(S[choice], { "data-choice": choice, class: "choice statement-" + choice });
      button.querySelector(".choice-mark").textContent = STATEMENT_ICONS[choice];
      button.addEventListener("click", function () { vote(poll, { choice: choice }); });
      list.append(button);
    });
    fieldset.append(list);
    return {
      root: fieldset,
      refresh: function (ctx) {
        list.querySelectorAll("button").forEach(function (button) {
          button.setAttribute("aria-pressed", String(button.dataset.choice === ctx.answer));
          button.disabled = ctx.locked;
        });
      },
    };
  }

  function buildWords(poll) {
    const form = el("form", { class: "poll-form", novalidate: "" });
    const fieldset = group(S.words_hint);
    for (let n = 1; n <= 3; n += 1) {
      const id = "word-" + poll.id + "-" + n;
      fieldset.append(el("label", { for: id, class: "field-label" }, fmt(n === 1 ? S.word_label : S.word_optional,
        { n: n })));
      fieldset.append(el("input", { id: id, class: "phone-input word", maxlength: "30", autocomplete: "off",
        autocapitalize: "none", enterkeyhint: n === 3 ? "send" : "next" }));
    }
    form.append(fieldset, formButtons(S.submit_words));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const words = Array.from(form.querySelectorAll("input.word")).map(function (input) { return input.value.trim(); })
        .filter(Boolean);
      if (!words.length) { return formError(poll, S.words_needed); }
      vote(poll, { words: words });
    });
    return {
      root: form, form: true,
      prefill: function (answer) {
        form.querySelectorAll("input.word").forEach(function (input, i) { input.value = (answer && answer[i]) || ""; });
      },
      refresh: function () {},
    };
  }

  function buildOpen(poll) {
    const form = el("form", { class: "poll-form", novalidate: "" });
    const id = "open-" + poll.id;
    const fieldset = group(S.open_hint);
    const area = el("textarea", { id: id, class: "phone-input", maxlength: "500", rows: "4",
      "aria-describedby": id + "-count" });
    const counter = el("p", { class: "hint counter", id: id + "-count" });
    const count = function () { counter.textContent = fmt(S.chars_left, { n: 500 - area.value.length }); };
    area.addEventListener("input", count);
    count();
    fieldset.append(el("label", { for: id, class: "field-label" }, S.open_label), area, counter);
    form.append(fieldset, formButtons(S.submit));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) { return formError(poll, S.open_needed); }
      vote(poll, { text: text });
    });
    return {
      root: form, form: true,
      prefill: function (answer) { area.value = answer || ""; count(); },
      refresh: function () {},
    };
  }

  function buildRanking(poll) {
    const form = el("form", { class: "poll-form", novalidate: "" });
    const fieldset = group(S.rank_hint);
    const list = el("ol", { class: "rank-list" });
    const announce = el("p", { class: "visually-hidden", "aria-live": "assertive" });
    let order = poll.options.map(function (o) { return o.id; });

    function draw(focus) {
      list.replaceChildren();
      order.forEach(function (id, index) {
        const label = optionLabel(poll, id);
        const item = el("li", { class: "rank-item", "data-option": id });
        item.append(el("span", { class: "rank-place", "aria-hidden": "true" }, String(index + 1)),
          el("span", { class: "rank-label" }, label));
        const up = el("button", { type: "button", class: "rank-move", "aria-label": fmt(S.move_up, { label: label }),
          "data-move": "up" }, "▲");
        const down = el("button", { type: "button", class: "rank-move", "data-move": "down",
          "aria-label": fmt(S.move_down, { label: label }) }, "▼");
        up.disabled = index === 0;
        down.disabled = index === order.length - 1;
        up.addEventListener("click", function () { move(index, -1, "up"); });
        down.addEventListener("click", function () { move(index, 1, "down"); });
        item.append(up, down);
        list.append(item);
        if (focus && focus.id === id) {
          const target = item.querySelector('[data-move="' + focus.direction + '"]');
          (target.disabled ? item.querySelector("button:not([disabled])") : target).focus();
        }
      });
    }
    function move(index, step, direction) {
      const target = index + step;
      if (target < 0 || target >= order.length) { return; }
      const id = order[index];
      order.splice(index, 1);
      order.splice(target, 0, id);
      draw({ id: id, direction: direction });
      announce.textContent = fmt(S.moved, { label: optionLabel(poll, id), n: target + 1, total: order.length });
    }
    draw(null);
    fieldset.append(list, announce);
    form.append(fieldset, formButtons(S.submit_ranking));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      vote(poll, { order: order.slice() });
    });
    return {
      root: form, form: true,
      prefill: function (answer) {
        if (Array.isArray(answer) && answer.length === order.length) { order = answer.slice(); draw(null); }
      },
      refresh: function () {},
    };
  }

  function formButtons(label) {
    const row = el("div", { class: "form-buttons" });
    const cancel = el("button", { type: "button", class: "button secondary cancel-edit", hidden: "" }, S.cancel);
    cancel.addEventListener("click", function () {
      view.editing = false;
      refreshPoll(currentPoll());
      $("change-answer").focus();
    });
    row.append(el("button", { type: "submit", class: "button big primary" }, label), cancel);
    return row;
  }

  function formError(poll, message) {
    view.errors[poll.id] = message;
    refreshPoll(poll);
  }

  const BUILDERS = {
    single: buildSingle, quiz: buildSingle, multiple: buildMultiple, scale: buildScale, statement: buildStatement,
    wordcloud: buildWords, open: buildOpen, ranking: buildRanking,
  };

  // --- votes ---------------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // A vote the server did not store yet (refused with "retry": the database is away, or busy) goes again with the
  // same key and seq (it counts once), after a growing pause: RETRY_FIRST_MS, twice that... up to RETRY_MAX_MS.
  const RETRY_FIRST_MS = 500;
  const RETRY_MAX_MS = 15000;
  const backoff = {}; // poll id -> {key, tries, due}: the pending vote of that poll waits until `due`

  function retryLater(entry) {
    const pollId = entry.poll_id;
    const tries = backoff[pollId] && backoff[pollId].key === entry.key ? backoff[pollId].tries : 0;
    const delay = Math.min(RETRY_FIRST_MS * Math.pow(2, tries), RETRY_MAX_MS) * (0.75 + Math.random() / 2);
    backoff[pollId] = { key: entry.key, tries: tries + 1, due: Date.now() + delay };
    setTimeout(function () {
      backoff[pollId].due = 0; // its time has come (a timer may fire a millisecond before Date.now() agrees)
      const pending = store.pending[pollId];
      if (pending && pending.key === entry.key) { send(pending); }
    }, delay);
  }

  function backingOff(entry) {
    const wait = backoff[entry.poll_id];
    return Boolean(wait && wait.key === entry.key && wait.due > Date.now());
  }

  function savePending() { save("pending", Object.keys(store.pending).length ? store.pending : null); }

  function vote(poll, answer) {
    if (!store.joined) { return; }
    store.seq += 1;
    save("seq", store.seq);
    const entry = { poll_id: poll.id, kind: poll.kind, answer: answer, key: newKey(), seq: store.seq, at: Date.now() };
    store.pending[poll.id] = entry; // kept until acknowledged, so a reload or reconnect sends it again
    savePending();
    delete view.errors[poll.id];
    view.editing = false;
    send(entry);
    refreshPoll(poll);
    const status = $("vote-status");
    if (status.scrollIntoView && status.getBoundingClientRect().bottom > window.innerHeight) {
      status.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  async function send(entry) {
    if (!view.live || view.status !== "live" || !store.joined) { return; }
    const pollId = entry.poll_id;
    if (view.inflight[pollId] && view.inflight[pollId].key === entry.key) { return; }
    if (backingOff(entry)) { return; } // its retry is scheduled
    const attempt = { key: entry.key };
    view.inflight[pollId] = attempt;
    const stillPending = function () { return store.pending[pollId] && store.pending[pollId].key === entry.key; };
    try {
      const payload = { poll_id: pollId, answer: entry.answer, key: entry.key };
      if (typeof entry.seq === "number") { payload.seq = entry.seq; } // a vote kept from before sequence numbers
      const reply = await view.live.act("poll:vote", payload);
      delete backoff[pollId];
      if (stillPending()) {
        delete store.pending[pollId];
        savePending();
        view.votes[pollId] = reply.vote.answer;
      }
    } catch (error) {
      const busy = Array.isArray(error.details) && error.details.some(function (d) { return d.reason === "busy"; });
      const again = busy || error.retry; // not stored yet: it goes again, never dropped
      if (again && stillPending()) { retryLater(entry); }
      if (!again && Array.isArray(error.details) && stillPending()) {
        // Refused (the poll closed, the answer does not fit...): it will not count; say why.
        delete store.pending[pollId];
        savePending();
        view.errors[pollId] = error.message;
      }
      // No reply in time, or not stored yet: the vote stays pending and goes again with the same key
      // (it counts once).
    } finally {
      if (view.inflight[pollId] === attempt) { delete view.inflight[pollId]; }
      renderPoll();
    }
  }

  function flushPending() {
    Object.keys(store.pending).forEach(function (id) { send(store.pending[id]); });
  }

  // --- results -------------------------------------------------------------------------------------------
  function onResults(results) {
    view.results[results.poll_id] = results;
    const poll = currentPoll();
    if (poll && poll.id === results.poll_id) { renderResults(poll); }
  }

  // The figures as the server sent them: the total (in a site-by-site reveal over the sites revealed so far)
  // and this site's own, when it is among them.
  function figures(poll, results) {
    const sites = results.sites || {};
    const revealed = results.step ? results.shown || [] : null;
    const oneSite = poll.site !== null || (!revealed && Object.keys(sites).length <= 1);
    return { total: results.total, mine: oneSite ? null : sites[SITE] || null, revealed: revealed, oneSite: oneSite };
  }

  function renderResults(poll) {
    const box = $("poll-results");
    if (!poll || !store.joined) { box.hidden = true; view.shownResults = null; return; }
    if (!poll.results_visible) { delete view.results[poll.id]; }  // hidden again by the chair
    const answered = answerOf(poll) !== null;
    const vote = scene().vote;
    // Results show to those who answered (no nudging the undecided) and to everyone once voting is over; the
    // server sends them at the reveal's moment, the same on every phone and screen.
    const results = poll.results_visible && (answered || !vote) ? view.results[poll.id] : null;
    if (!results) {
      box.hidden = !(answered && vote);
      box.replaceChildren();
      if (!box.hidden) { box.append(el("p", { class: "hint results-wait" }, S.results_wait)); }
      view.shownResults = null;
      return;
    }
    const stepKey = poll.id + "|" + results.step;
    const first = view.shownResults !== stepKey;
    view.shownResults = stepKey;
    box.hidden = false;
    box.classList.toggle("animate", first);
    box.replaceChildren(resultsView(poll, results));
    if (view.announced !== stepKey) {
      view.announced = stepKey;
      $("results-announce").textContent = S.results_announce + " " + headline(poll, figures(poll, results).total);
    }
  }

  function votesText(n) { return plural(n, S.vote_one, S.votes); }
  function votersText(n) { return plural(n, S.voter_one, S.voters); }

  function headline(poll, total) {
    if (!total) { return ""; }
    if (total.mean !== undefined && total.mean !== null) { return fmt(S.mean, { mean: number(total.mean) }); }
    const rows = rowsOf(poll, total);
    if (rows && rows.length && total.voters) {
      const top = rows.slice().sort(function (a, b) { return b.count - a.count; })[0];
      return top.label + ": " + percent(top.count, total.voters) + "%";
    }
    if (total.words && total.words.length) { return total.words[0].word; }
    return votersText(total.voters);
  }

  // Rows {key, label, count} of the kinds shown as bars.
  function rowsOf(poll, f) {
    if (!f) { return null; }
    if (poll.kind === "statement" && f.choices) {
      return f.choices.map(function (c) { return { key: c.choice, label: S[c.choice] || c.choice, count: c.count }; });
    }
    if (poll.kind === "scale" && f.distribution) {
      return f.distribution.map(function (d) {
        let label = String(d.value);
        if (poll.scale && d.value === poll.scale.min && poll.scale.min_label) { label += " · " + poll.scale.min_label; }
        if (poll.scale && d.value === poll.scale.max && poll.scale.max_label) { label += " · " + poll.scale.max_label; }
        return { key: d.value, label: label, count: d.count };
      });
    }
    if (["single", "multiple", "quiz"].indexOf(poll.kind) >= 0 && f.options) {
      return f.options.map(function (o) { return { key: o.id, label: o.label, count: o.count, correct: o.correct }; });
    }
    return null;
  }

  function isMine(poll, key) {
    const answer = answerOf(poll);
    if (answer === null) { return false; }
    if (Array.isArray(answer)) { return answer.indexOf(key) >= 0; }
    return answer === key;
  }

  function resultsView(poll, results) {
    const f = figures(poll, results);
    const wrap = el("div", { class: "results-inner" });
    const head = el("div", { class: "results-head" });
    head.append(el("h3", { class: "section-title" }, S.results));
    const keyed = poll.kind === "scale" || Boolean(rowsOf(poll, f.total));
    const meta = el("p", { class: "results-meta" + (keyed ? " keyed" : "") });
    meta.append(el("span", { class: "legend-total" }, (f.oneSite ? siteName(poll.site || SITE) : S.all_sites) + ": " +
      votersText(f.total.voters)));
    if (f.mine) {
      meta.append(el("span", { class: "legend-site" }, SITE_NAME + ": " + votersText(f.mine.voters)));
    }
    head.append(meta);
    if (f.revealed) {
      head.append(el("p", { class: "hint" }, fmt(S.sites_revealed, { sites: f.revealed.map(siteName).join(", ") })));
    }
    wrap.append(head);

    if (poll.kind === "scale") {
      wrap.append(scaleView(poll, f));
    } else if (rowsOf(poll, f.total)) {
      wrap.append(barsView(poll, f));
    } else if (poll.kind === "wordcloud") {
      wrap.append(wordsView(f.total.words || [], S.all_sites));
      if (f.mine && f.mine.words && f.mine.words.length) {
        wrap.append(el("p", { class: "site-words" }, SITE_NAME + ": " + f.mine.words.slice(0, 5).map(function (w) {
          return w.word + " (" + w.count + ")";
        }).join(", ")));
      }
    } else if (poll.kind === "ranking") {
      const list = el("ol", { class: "ranking-results" });
      const sitePlaces = {};
      if (f.mine && f.mine.options) {
        f.mine.options.forEach(function (o, i) { sitePlaces[o.id] = i + 1; });
      }
      (f.total.options || []).forEach(function (o) {
        const item = el("li", {});
        item.append(el("span", { class: "rank-label" }, o.label));
        let detail = fmt(S.score, { n: o.score });
        if (o.average_rank !== null && o.average_rank !== undefined) {
          detail += " · " + fmt(S.avg_rank, { n: number(o.average_rank) });
        }
        if (f.mine && f.mine.voters && sitePlaces[o.id]) { detail += " · " + SITE_NAME + ": #" + sitePlaces[o.id]; }
        item.append(el("span", { class: "rank-detail" }, detail));
        list.append(item);
      });
      wrap.append(list);
    } else if (poll.kind === "open") {
      const approved = results.approved || [];
      wrap.append(el("p", { class: "hint" }, fmt(S.answers_count, { n: f.total.answers || 0 })));
      if (approved.length) {
        wrap.append(el("h4", { class: "subhead" }, S.approved_answers));
        const list = el("ul", { class: "open-answers" });
        approved.forEach(function (a) {
          const item = el("li", {});
          item.append(el("span", {}, a.text), el("span", { class: "muted small" }, " · " + siteName(a.site)));
          list.append(item);
        });
        wrap.append(list);
      }
    }
    if (!f.total.voters) { wrap.append(el("p", { class: "hint" }, S.no_votes)); }
    return wrap;
  }

  // Bars per option (or choice), with this site's figure in a thinner bar under each.
  function barsView(poll, f) {
    const rows = rowsOf(poll, f.total);
    const siteRows = rowsOf(poll, f.mine);
    const list = el("ul", { class: "bars", "data-testid": "result-bars" });
    rows.forEach(function (row) {
      const item = el("li", { class: "bar-row" });
      const top = el("div", { class: "bar-top" });
      const label = el("span", { class: "bar-label" }, row.label);
      if (poll.kind === "quiz" && row.correct) {
        item.classList.add("correct");
        label.append(" ", el("span", { class: "badge ok" }, "✓ " + S.correct));
      }
      if (isMine(poll, row.key)) {
        item.classList.add("mine");
        label.append(" ", el("span", { class: "badge mine" }, S.yours));
      }
      const pct = percent(row.count, f.total.voters);
      top.append(label, el("span", { class: "bar-value" }, pct + "% · " + row.count));
      item.append(top, bar("total", pct));
      const siteRow = siteRows && siteRows.find(function (r) { return r.key === row.key; });
      if (siteRow) {
        const sitePct = percent(siteRow.count, f.mine.voters);
        const line = el("div", { class: "bar-site-line" });
        line.append(bar("site", sitePct), el("span", { class: "site-figure" }, SITE_NAME + ": " + sitePct + "% · " +
          siteRow.count));
        item.append(line);
      }
      list.append(item);
    });
    return list;
  }

  function bar(kind, pct) {
    const outer = el("div", { class: "bar " + kind, "aria-hidden": "true" });
    const fill = el("span", { class: "fill" });
    fill.style.width = pct + "%";
    outer.append(fill);
    return outer;
  }

  // A scale: the averages, then the distribution as columns (and, for screen readers, as a list).
  function scaleView(poll, f) {
    const box = el("div", { class: "scale-results" });
    if (f.total.voters) {
      box.append(el("p", { class: "eyebrow" }, S.average));
      const means = el("div", { class: "means" });
      const total = el("p", { class: "mean total" });
      total.append(el("strong", {}, number(f.total.mean)),
        el("span", {}, f.oneSite ? siteName(poll.site || SITE) : S.all_sites));
      means.append(total);
      if (f.mine && f.mine.voters) {
        const site = el("p", { class: "mean site" });
        site.append(el("strong", {}, number(f.mine.mean)), el("span", {}, SITE_NAME));
        means.append(site);
      }
      box.append(means);
    }
    const rows = rowsOf(poll, f.total) || [];
    const siteRows = rowsOf(poll, f.mine);
    const chart = el("div", { class: "histogram", "aria-hidden": "true", "data-testid": "result-columns" });
    const spoken = el("ul", { class: "visually-hidden" });
    rows.forEach(function (row) {
      const pct = percent(row.count, f.total.voters);
      const siteRow = siteRows && siteRows.find(function (r) { return r.key === row.key; });
      const sitePct = siteRow ? percent(siteRow.count, f.mine.voters) : null;
      const column = el("div", { class: "column" });
      if (isMine(poll, row.key)) { column.classList.add("mine"); }
      column.append(el("span", { class: "column-figure" }, pct + "%"));
      const bars = el("div", { class: "column-bars" });
      const fill = el("span", { class: "column-bar total" });
      fill.style.height = pct + "%";
      bars.append(fill);
      if (sitePct !== null) {
        const siteFill = el("span", { class: "column-bar site" });
        siteFill.style.height = sitePct + "%";
        bars.append(siteFill);
      }
      column.append(bars, el("span", { class: "column-value" }, String(row.key)));
      chart.append(column);
      let text = row.label + ": " + pct + "% · " + row.count;
      if (siteRow) { text += "; " + SITE_NAME + ": " + sitePct + "% · " + siteRow.count; }
      spoken.append(el("li", {}, text));
    });
    box.append(chart, spoken);
    if (poll.scale && (poll.scale.min_label || poll.scale.max_label)) {
      const ends = el("div", { class: "scale-ends", "aria-hidden": "true" });
      ends.append(el("span", {}, poll.scale.min + " = " + (poll.scale.min_label || poll.scale.min)),
        el("span", {}, poll.scale.max + " = " + (poll.scale.max_label || poll.scale.max)));
      box.append(ends);
    }
    return box;
  }

  function wordsView(words, title) {
    const top = words.slice(0, 12);
    if (!top.length) { return el("p", { class: "hint" }, S.no_words); }
    const max = top[0].count;
    const list = el("ol", { class: "cloud", "aria-label": title, "data-testid": "word-results" });
    top.forEach(function (w) {
      const item = el("li", { class: "cloud-word" });
      const weight = Math.max(1, Math.ceil((w.count / max) * 4));
      item.classList.add("w" + weight);
      item.append(el("span", { class: "cloud-text" }, w.word), el("span", { class: "cloud-count" }, String(w.count)));
      list.append(item);
    });
    return list;
  }

  // --- questions -----------------------------------------------------------------------------------------
  function onQuestions(questions) {
    view.questions = questions;
    renderQuestions();
  }

  function saveAsked() { save("asked", store.asked.length ? store.asked : null); }

  function renderQuestions() {
    if (!store.joined) { return; }
    const list = $("question-list");
    const focused = document.activeElement && list.contains(document.activeElement)
      ? document.activeElement.dataset.question : null;
    const known = {};
    view.questions.forEach(function (q) { known[q.id] = true; });
    const before = store.asked.length;
    store.asked = store.asked.filter(function (q) { return !known[q.id] && Date.now() - q.at < ASKED_MAX_AGE_MS; });
    if (store.asked.length !== before) { saveAsked(); }

    const mine = $("my-questions");
    mine.replaceChildren();
    store.asked.forEach(function (q) {
      const item = el("li", { class: "my-question" });
      item.append(el("span", { class: "q-text" }, q.text), el("span", { class: "badge waiting" }, S.asked_waiting));
      mine.append(item);
    });
    mine.hidden = !store.asked.length;

    const featured = view.snapshot && view.snapshot.featured_question ? view.snapshot.featured_question.id : null;
    const sorted = view.questions.slice().sort(function (a, b) {
      const answered = (a.state === "answered") - (b.state === "answered");
      return answered || b.upvotes - a.upvotes || a.id - b.id;
    });
    list.replaceChildren();
    sorted.forEach(function (q) {
      const item = el("li", { class: "question", "data-id": q.id });
      if (q.state === "answered") { item.classList.add("answered"); }
      const text = el("div", { class: "q-main" });
      text.append(el("p", { class: "q-text" }, q.text));
      const meta = el("p", { class: "q-meta" });
      meta.append(el("span", {}, fmt(S.from_site, { site: siteName(q.site) })));
      if (q.state === "answered") { meta.append(" ", el("span", { class: "badge answered" }, "✓ " + S.answered)); }
      if (q.id === featured) { meta.append(" ", el("span", { class: "badge featured" }, S.on_screen)); }
      text.append(meta);
      const done = store.upvoted.indexOf(q.id) >= 0;
      const button = el("button", { type: "button", class: "upvote", "data-question": q.id,
        "aria-pressed": String(done), "aria-label": fmt(S.upvote_label, { text: q.text }) });
      button.append(el("span", { class: "upvote-arrow", "aria-hidden": "true" }, "▲"),
        el("span", { class: "upvote-count" }, String(q.upvotes)));
      button.title = done ? S.upvoted : S.upvote;
      button.disabled = done || q.state !== "approved";
      button.addEventListener("click", function () { upvote(q, button); });
      item.append(text, button);
      list.append(item);
    });
    if (!sorted.length) { list.append(el("li", { class: "empty hint" }, S.no_questions)); }
    if (focused) {
      const again = list.querySelector('[data-question="' + focused + '"]');
      if (again) { again.focus(); }
    }
  }

  function markUpvoted(id) {
    if (store.upvoted.indexOf(id) < 0) { store.upvoted.push(id); save("upvoted", store.upvoted); }
  }

  async function upvote(question, button) {
    if (store.upvoted.indexOf(question.id) >= 0 || !view.live) { return; }
    button.disabled = true;
    try {
      await view.live.act("question:upvote", { question_id: question.id });
      markUpvoted(question.id);
      question.upvotes += 1; // the list from the server follows shortly
    } catch (error) {
      if (Array.isArray(error.details) && /already|\bal\b|reeds/i.test(error.message)) {
        markUpvoted(question.id);
      } else {
        setStatus($("ask-status"), error.message, "error");
      }
    }
    renderQuestions();
  }

  async function ask(event) {
    event.preventDefault();
    const area = $("ask-text");
    const status = $("ask-status");
    const text = area.value.trim();
    if (!text) { setStatus(status, S.question_needed, "error"); area.focus(); return; }
    if (!view.live || view.status !== "live") { setStatus(status, S.offline_short, "error"); return; }
    const button = $("ask-button");
    button.disabled = true;
    setStatus(status, S.sending, "sending");
    try {
      const reply = await view.live.act("question:ask", { text: text });
      store.asked.push({ id: reply.question, text: text, at: Date.now() });
      saveAsked();
      area.value = "";
      countQuestion();
      setStatus(status, S.asked, "sent");
      renderQuestions();
    } catch (error) {
      setStatus(status, error.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  function countQuestion() {
    $("ask-count").textContent = fmt(S.chars_left, { n: 300 - $("ask-text").value.length });
  }

  // --- reactions -----------------------------------------------------------------------------------------
  function renderReactions() {
    const off = view.status !== "live" || view.reactionPause !== null;
    document.querySelectorAll("#reactions .reaction").forEach(function (button) { button.disabled = off; });
  }

  async function react(button) {
    if (!view.live || button.disabled) { return; }
    button.classList.remove("pop");
    void button.offsetWidth; // restart the animation
    button.classList.add("pop");
    try {
      await view.live.act("reaction:send", { kind: button.dataset.kind });
    } catch (error) {
      if (Array.isArray(error.details)) { pauseReactions(); }
    }
  }

  function pauseReactions() {
    clearTimeout(view.reactionPause);
    setStatus($("reaction-status"), S.reactions_easy, "error");
    view.reactionPause = setTimeout(function () {
      view.reactionPause = null;
      setStatus($("reaction-status"), "", "");
      renderReactions();
    }, REACTION_PAUSE_MS);
    renderReactions();
  }

  // --- start ---------------------------------------------------------------------------------------------
  $("join-form").addEventListener("submit", join);
  $("ask-form").addEventListener("submit", ask);
  $("change-answer").addEventListener("click", changeAnswer);
  ["input", "change"].forEach(function (type) {
    $("poll-body").addEventListener(type, function () { // typing or ticking again clears the last complaint
      const poll = currentPoll();
      if (poll && view.errors[poll.id]) { delete view.errors[poll.id]; refreshPoll(poll); }
    });
  });
  $("ask-text").addEventListener("input", countQuestion);
  document.querySelectorAll("#reactions .reaction").forEach(function (button) {
    button.addEventListener("click", function () { react(button); });
  });
  setInterval(function () { if (view.status === "live") { flushPending(); } }, RETRY_MS);
  countQuestion();
  renderJoined();
  renderConnection();
  renderReactions();
  connect();
})();
