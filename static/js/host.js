// The host panel of one site: who is on air, the segment on now with its countdown, the chair's cues, the
// host's signal, during a regional segment control of the site's own part (its items and its timer), the site's
// own polls (open, close, reveal, on and off its screen, a quick new one) and the moderation of its answers and questions.
// It shows only what the newest snapshot says; when the connection drops it dims, says so, and takes no clicks.
"use strict";
(function () {
  const body = document.body;
  const SITE = body.dataset.site;
  const FIRST_START = body.dataset.firstStart || "";
  const T = Live.strings();
  const WRAP_UP_MS = 2 * 60 * 1000;

  const byId = function (id) { return document.getElementById(id); };
  const layout = byId("host-live");
  const pill = byId("conn-pill");
  const banner = byId("banner");
  const alertBox = byId("alert");
  const air = byId("air");
  const nowKind = byId("now-kind");
  const nowTitle = byId("now-title");
  const nextLine = byId("next");
  const countdown = byId("countdown");
  const part = byId("part");
  const partTitle = byId("part-title");
  const partItems = byId("part-items");
  const partEmpty = byId("part-empty");
  const itemPrevious = byId("item-previous");
  const itemNext = byId("item-next");
  const itemClear = byId("item-clear");
  const timerDisplay = byId("timer-display");
  const timerForm = byId("timer-form");
  const timerMinutes = byId("timer-minutes");
  const timerStop = byId("timer-stop");
  const cueList = byId("cues");
  const noCues = byId("no-cues");
  const cueCount = byId("cue-count");

  let snapshot = null;
  let connectionState = "connecting";
  let slowStart = false;
  let itemsKey = null;

  // ---- helpers ----

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function me() {
    return snapshot ? snapshot.sites.find(function (site) { return site.key === SITE; }) || {} : {};
  }

  function siteName(key) {
    const site = snapshot && snapshot.sites.find(function (s) { return s.key === key; });
    return site ? site.name : key;
  }

  function timeOfDay(iso) { return Live.timeOfDay(iso, snapshot ? snapshot.timezone : body.dataset.timezone); }

  function ownPart() {
    const segment = snapshot && snapshot.status === "live" ? snapshot.segment : null;
    return segment && snapshot.split && segment.parts ? segment.parts[SITE] || null : null;
  }

  // ---- the connection ----

  const live = Live.connect({
    auth: { token: body.dataset.token },
    onState: function (next) {
      snapshot = next;
      render();
      showConnection();
    },
    onStatus: function (status, detail) {
      connectionState = status;
      showConnection(detail);
    },
    onProgramme: reloadProgramme,
  });

  function showConnection(detail) {
    const up = connectionState === "live";
    // Connected but not yet sure the state shown is current: still reconnecting (or, before any state, connecting).
    const syncing = snapshot ? "reconnecting" : "connecting";
    let shown = connectionState === "syncing" ? syncing : connectionState;
    if (shown === "connecting" && slowStart) { shown = "waiting"; }
    body.dataset.connection = shown;
    pill.textContent = { live: T.live, connecting: T.connecting, waiting: T.connecting, reconnecting: T.reconnecting,
      refused: T.refused }[shown];
    const dim = shown !== "live" && shown !== "connecting";
    layout.inert = shown !== "live";
    banner.hidden = !dim;
    if (dim) {
      banner.textContent = shown === "refused" ? T.banner_refused : shown === "waiting" ? T.banner_waiting
        : T.banner_reconnecting;
      if (shown === "refused" && detail) { banner.title = detail; }
    }
  }

  // ---- actions ----

  async function act(name, payload, button) {
    if (button) { button.disabled = true; }
    try {
      await live.act(name, payload);
      alertBox.textContent = "";
      return true;
    } catch (error) {
      const details = (error.details || []).map(function (d) { return d.path + ": " + d.reason; }).join("; ");
      alertBox.textContent = T.refused_action + " " + error.message + (details ? " (" + details + ")" : "");
      return false;
    } finally {
      if (button) { button.disabled = false; render(); }
    }
  }

  document.querySelectorAll(".signal").forEach(function (button) {
    button.addEventListener("click", function () { act("host:status", { status: button.dataset.status }, button); });
  });

  partItems.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-index]");
    if (button) { act("site:item", { index: Number(button.dataset.index) }, button); }
  });
  itemPrevious.addEventListener("click", function () {
    const index = me().item_index;
    if (index !== null && index !== undefined && index > 0) { act("site:item", { index: index - 1 }, itemPrevious); }
  });
  itemNext.addEventListener("click", function () {
    const index = me().item_index;
    act("site:item", { index: index === null || index === undefined ? 0 : index + 1 }, itemNext);
  });
  itemClear.addEventListener("click", function () { act("site:item", { index: null }, itemClear); });

  document.querySelectorAll("[data-minutes]").forEach(function (button) {
    button.addEventListener("click", function () {
      act("site:timer", { seconds: Number(button.dataset.minutes) * 60 }, button);
    });
  });
  timerForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const minutes = Number(timerMinutes.value);
    if (!timerMinutes.value || !Number.isFinite(minutes) || minutes < 1) {  // the server knows the maximum
      alertBox.textContent = T.minutes_invalid;
      timerMinutes.focus();
      return;
    }
    act("site:timer", { seconds: Math.round(minutes * 60) }, timerForm.querySelector("button")).then(function (ok) {
      if (ok) { timerMinutes.value = ""; }
    });
  });
  timerStop.addEventListener("click", function () { act("site:timer", { seconds: null }, timerStop); });

  cueList.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-cue]");
    if (button) { act("cue:answer", { cue_id: Number(button.dataset.cue), state: button.dataset.state }, button); }
  });

  // ---- the closing: the magic wall and the site's learnings ----

  const wall = byId("wall");
  const wallState = byId("wall-state");
  const wallCatch = byId("wall-catch");
  const wallPass = byId("wall-pass");
  const wallTo = byId("wall-to");
  const learningsCard = byId("learnings");
  const learningsForm = byId("learnings-form");
  const learningsText = byId("learnings-text");
  const learningsCount = byId("learnings-count");
  const learningsStatus = byId("learnings-status");
  const learningsFinal = byId("learnings-final");
  const MAX_LEARNINGS = 10;
  let savedLearnings = null;  // the text the server has, as the textarea shows it

  wallCatch.addEventListener("click", function () { act("handoff:catch", {}, wallCatch); });
  wallPass.addEventListener("submit", function (event) {
    event.preventDefault();
    act("handoff:pass", { to: wallTo.value }, byId("wall-pass-button"));
  });

  function typedLearnings() {
    return learningsText.value.split("\n").map(function (line) { return line.trim(); })
      .filter(function (line) { return line; });
  }

  function showLearningsCount() {
    const n = typedLearnings().length;
    learningsCount.textContent = fill(T.learnings_count, { n: n, max: MAX_LEARNINGS });
    learningsStatus.textContent = savedLearnings !== null && learningsText.value !== savedLearnings
      ? T.learnings_unsaved : "";
  }

  learningsText.addEventListener("input", showLearningsCount);
  learningsForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const texts = typedLearnings();
    if (texts.join("\n") === savedLearnings) {  // nothing to send: the server has exactly this
      learningsText.value = savedLearnings;
      learningsStatus.textContent = T.learnings_saved;
      return;
    }
    act("learnings:write", { learnings: texts }, byId("learnings-save")).then(function (ok) {
      if (ok) {
        savedLearnings = texts.join("\n");
        learningsText.value = savedLearnings;
        showLearningsCount();
        learningsStatus.textContent = T.learnings_saved;
      }
    });
  });

  function renderWall() {
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    const handoff = snapshot.handoff;
    wall.hidden = !(segment && segment.kind === "handoff" && handoff);
    if (wall.hidden) { return; }
    byId("wall-object").textContent = handoff.title;
    const flying = handoff.state === "in_flight";
    let text = fill(T.wall_holds, { site: siteName(handoff.holder) });
    if (flying && handoff.to === SITE) {
      text = fill(T.wall_flying_to_you, { site: siteName(handoff.holder) });
    } else if (flying) {
      text = fill(T.wall_flying, { from: siteName(handoff.holder), to: siteName(handoff.to) });
    } else if (handoff.holder === SITE) {
      text = T.wall_you_hold;
    }
    wallState.textContent = text;
    wall.dataset.state = flying ? (handoff.to === SITE ? "catch" : "flying") : (handoff.holder === SITE ? "hold" : "held");
    wallCatch.hidden = !(flying && handoff.to === SITE);
    wallPass.hidden = flying || handoff.holder !== SITE;
    if (!wallPass.hidden) {
      const order = handoff.order || [];
      const index = order.indexOf(SITE);
      const next = index >= 0 && index + 1 < order.length ? order[index + 1] : null;
      const keys = snapshot.sites.map(function (site) { return site.key; }).filter(function (key) { return key !== SITE; });
      const wanted = JSON.stringify([keys, next]);
      if (wallTo.dataset.key !== wanted) {
        wallTo.dataset.key = wanted;
        wallTo.replaceChildren.apply(wallTo, keys.map(function (key) {
          return Live.el("option", { value: key }, siteName(key));
        }));
        wallTo.value = next || keys[0] || "";
      }
    }
  }

  function renderLearnings() {
    const closing = snapshot.closing || {};
    const mine = (closing.learnings || {})[SITE] || [];
    const regionalStarted = (snapshot.runsheet || []).some(function (row) {
      return row.kind === "regional" && row.actual_start;
    });
    learningsCard.hidden = !(regionalStarted || closing.locked || mine.length);
    learningsForm.hidden = Boolean(closing.locked);
    learningsFinal.hidden = !closing.locked;
    if (closing.locked) {
      byId("learnings-locked").textContent = T.learnings_locked;
      const items = mine.length ? mine.map(function (text) { return Live.el("li", {}, text); })
        : [Live.el("li", { class: "muted" }, T.learnings_none)];
      byId("learnings-list").replaceChildren.apply(byId("learnings-list"), items);
      return;
    }
    const server = mine.join("\n");
    // Take the server's list unless the host is editing (typed something not saved yet).
    if (savedLearnings === null || learningsText.value === savedLearnings) {
      learningsText.value = server;
    }
    savedLearnings = server;
    showLearningsCount();
  }

  // ---- rendering ----

  function render() {
    if (!snapshot) { return; }
    renderNow();
    renderPart();
    renderSignal();
    renderCues();
    renderPolls();
    renderProgramme();
    renderWall();
    renderLearnings();
    tick();
  }

  function renderNow() {
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    let badge = "";
    let sub = "";
    let state = "idle";
    if (snapshot.status === "planned") {
      badge = T.not_started;
      sub = FIRST_START ? fill(T.not_started_sub, { time: FIRST_START }) : "";
    } else if (snapshot.status === "ended") {
      badge = T.ended;
      sub = T.ended_sub;
    } else if (snapshot.split) {
      state = "split";
      badge = T.split;
      sub = ownPart() ? T.split_sub : T.split_none;
    } else if (screenNow().air === "on_air") {  // the badge of this site's screen (the scene rule's)
      state = "on-air";
      badge = T.on_air;
      sub = T.on_air_sub;
    } else if (screenNow().air === "live_from") {
      state = "live-from";
      badge = fill(T.live_from, { site: siteName(screenNow().air_site) });
      sub = fill(T.live_from_sub, { site: siteName(screenNow().air_site) });
    }
    air.dataset.state = state;
    air.replaceChildren(Live.el("span", { class: "air-badge", "data-testid": "air-badge" }, badge),
      Live.el("span", { class: "air-sub" }, sub));

    nowKind.textContent = segment ? (T.kinds[segment.kind] || segment.kind) : "";
    nowTitle.textContent = segment ? segment.title : snapshot.title;
    const following = snapshot.next;
    if (following && snapshot.status !== "ended") {
      let what = "";
      const onAirNext = following.kind === "live" ? following.site === SITE
        : (following.kind !== "regional" && following.kind !== "break" && following.origin === SITE);
      if (onAirNext) {
        what = T.next_on_air;
      } else if (following.kind === "regional" && following.parts && following.parts[SITE]) {
        what = fill(T.next_part, { title: following.parts[SITE].title });
      }
      nextLine.textContent = T.next + ": " + following.title + (what ? " — " + what : "");
    } else {
      nextLine.textContent = "";
    }
  }

  function renderPart() {
    const own = ownPart();
    part.hidden = !own;
    body.dataset.ownPart = own ? "1" : "";
    if (!own) {
      itemsKey = null;
      return;
    }
    const index = me().item_index;
    partTitle.textContent = own.title;
    const key = JSON.stringify([snapshot.segment.id, own.items]);
    if (key !== itemsKey) {
      itemsKey = key;
      partItems.replaceChildren.apply(partItems, own.items.map(function (text, i) {
        const button = Live.el("button", { type: "button", class: "item-button", "data-index": String(i),
          "data-testid": "item-button" });
        button.append(Live.el("span", { class: "item-number" }, String(i + 1)), Live.el("span", {}, text));
        return button;
      }));
    }
    partItems.querySelectorAll("button[data-index]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.index) === index));
    });
    partEmpty.hidden = own.items.length > 0;
    itemPrevious.parentElement.hidden = own.items.length === 0;
    const hasIndex = index !== null && index !== undefined;
    itemPrevious.disabled = !hasIndex || index <= 0;
    itemNext.disabled = own.items.length === 0 || (hasIndex && index >= own.items.length - 1);
    itemClear.disabled = !hasIndex;
    timerStop.disabled = !me().timer_ends_at;
  }

  function renderSignal() {
    const status = me().host_status || "standby";
    document.querySelectorAll(".signal").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.status === status));
    });
  }

  // The cues for this site: sent to it, or to all hosts. A cue to all that this site answered comes back as a
  // copy for this site (same text and time): the copy replaces the original here, the newest copy wins.
  function myCues() {
    const groups = new Map();
    (snapshot.cues || []).forEach(function (cue) {
      if (cue.site !== null && cue.site !== SITE) { return; }
      const key = cue.text + "\u0000" + cue.sent_at;
      const shown = groups.get(key);
      const better = !shown || (cue.site === SITE && (shown.site === null || cue.id > shown.id));
      if (better) { groups.set(key, cue); }
    });
    return Array.from(groups.values()).sort(function (a, b) {
      return Date.parse(b.sent_at) - Date.parse(a.sent_at) || b.id - a.id;
    });
  }

  function renderCues() {
    const cues = myCues();
    noCues.hidden = cues.length > 0;
    const open = cues.filter(function (cue) { return cue.state === "sent"; }).length;
    cueCount.textContent = open ? String(open) : "";
    cueList.replaceChildren.apply(cueList, cues.map(function (cue) {
      const item = Live.el("li", { class: "cue is-" + cue.state, "data-testid": "cue", "data-state": cue.state });
      const head = Live.el("div", { class: "cue-head" });
      const stateText = cue.state === "ready" ? T.cue_ready : cue.state === "needs_time" ? T.cue_needs_time
        : T.cue_new;
      head.append(Live.el("span", { class: "cue-state" }, stateText),
        Live.el("span", { class: "cue-meta" }, timeOfDay(cue.sent_at)));
      item.append(head, Live.el("p", { class: "cue-text" }, cue.text));
      const buttons = Live.el("div", { class: "cue-buttons" });
      [["ready", T.cue_ready], ["needs_time", T.cue_needs_time]].forEach(function (choice) {
        buttons.append(Live.el("button", { type: "button", class: "button cue-" + choice[0], "data-cue": String(cue.id),
          "data-state": choice[0], "aria-pressed": String(cue.state === choice[0]) }, choice[1]));
      });
      item.append(buttons);
      return item;
    }));
  }

  // ---- the site's own polls, the event's polls (read only), moderation ----
  // The host runs only its own site's polls; the server refuses anything else, and the refusal shows in the alert
  // area like any other. Results come in poll:results (the crew gets them always), questions in questions:changed.

  const ownPolls = byId("own-polls");
  const noOwnPolls = byId("no-own-polls");
  const eventPolls = byId("event-polls");
  const pollForm = byId("poll-form");
  const newKind = byId("new-poll-kind");
  const newQuestion = byId("new-poll-question");
  const newOptions = byId("new-poll-options");
  const questionList = byId("questions");
  const noQuestions = byId("no-questions");
  const questionCount = byId("question-count");
  const pollResults = new Map();   // poll id -> the newest poll:results
  let questions = [];
  let kindChosen = false;          // the host picked a kind: the form no longer suggests one

  live.socket.on("poll:results", function (data) {
    pollResults.set(data.poll_id, data);
    if (snapshot) { renderPolls(); }
  });
  live.socket.on("questions:changed", function (data) {
    questions = (data.questions || []).filter(function (question) { return question.site === SITE; });
    renderQuestions();
  });

  function pollsOf(site) {
    return (snapshot && snapshot.polls || []).filter(function (poll) { return poll.site === site; });
  }

  function screenNow() { return (me() || {}).screen || {}; }

  function onMyScreen(poll) { return Boolean(me().poll && me().poll.id === poll.id); }

  byId("polls").addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) { return; }
    const action = button.dataset.action;
    if (action === "poll:dismiss") {
      act(action, { site: SITE }, button);
    } else if (action === "answer:moderate") {
      act(action, { vote_id: Number(button.dataset.vote), decision: button.dataset.decision }, button);
    } else {
      act(action, { poll_id: Number(button.dataset.poll) }, button);
    }
  });

  questionList.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-question]");
    if (button) {
      act("question:moderate", { question_id: Number(button.dataset.question), state: button.dataset.state }, button);
    }
  });

  // The form shows the fields the chosen kind needs.
  function showKindFields() {
    const kind = newKind.value;
    const needsOptions = ["single", "multiple", "quiz", "ranking"].indexOf(kind) >= 0;
    byId("new-poll-options-field").hidden = !needsOptions;
    byId("new-poll-quiz-hint").hidden = kind !== "quiz";
    byId("new-poll-scale-field").hidden = kind !== "scale";
  }
  newKind.addEventListener("change", function () {
    kindChosen = true;
    showKindFields();
  });

  // A site whose part runs on statements (Eindhoven's format) gets a statement as the suggested kind.
  function suggestKind() {
    if (kindChosen) { return; }
    const part = ownPart();
    const statements = (part && part.format === "statements")
      || pollsOf(SITE).some(function (poll) { return poll.kind === "statement"; });
    newKind.value = statements ? "statement" : "single";
    showKindFields();
  }

  pollForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const kind = newKind.value;
    const question = newQuestion.value.trim();
    if (!question) {
      alertBox.textContent = T.question_missing;
      newQuestion.focus();
      return;
    }
    const poll = { key: SITE + "-" + Date.now().toString(36), kind: kind, question: question,
      hide_results: byId("new-poll-hide").checked };
    if (["single", "multiple", "quiz", "ranking"].indexOf(kind) >= 0) {
      const lines = newOptions.value.split("\n").map(function (line) { return line.trim(); })
        .filter(function (line) { return line; });
      if (!lines.length) {
        alertBox.textContent = T.options_missing;
        newOptions.focus();
        return;
      }
      poll.options = lines.map(function (line) {
        const correct = kind === "quiz" && line.charAt(0) === "*";
        return { label: correct ? line.slice(1).trim() : line, correct: correct };
      });
    }
    if (kind === "scale") {
      poll.scale = { min: Number(byId("new-poll-min").value), max: Number(byId("new-poll-max").value),
        min_label: byId("new-poll-min-label").value.trim(), max_label: byId("new-poll-max-label").value.trim() };
    }
    act("poll:create", { poll: poll, site: SITE, segment_id: null }, byId("new-poll-create")).then(function (ok) {
      if (!ok) { return; }
      newQuestion.value = "";
      newOptions.value = "";
      alertBox.textContent = "";
      byId("poll-create").open = false;
    });
  });

  function renderPolls() {
    suggestKind();
    const own = pollsOf(SITE);
    noOwnPolls.hidden = own.length > 0;
    syncList(ownPolls, own, function (poll, item) {
      item.className = "poll-row is-" + poll.state + (onMyScreen(poll) ? " is-on-screen" : "");
      item.dataset.testid = "own-poll";
      item.dataset.key = poll.key;
      const results = pollResults.get(poll.id);
      piece(item, "badges", [poll, onMyScreen(poll), screenNow().show, votersOf(poll), visibilityOf(poll)], function () {
        return badges(poll);
      });
      piece(item, "question", poll.question, function () { return Live.el("p", { class: "poll-question" }, poll.question); });
      piece(item, "buttons", [poll.id, poll.state, poll.results_visible, onMyScreen(poll)], function () {
        return pollButtons(poll);
      });
      piece(item, "results", [poll.kind, poll.options, results && results.total], function () {
        return results ? resultsBox(poll, results) : Live.el("div", { hidden: "" });
      });
      piece(item, "pending", [results && results.pending, results && (results.approved || []).length], function () {
        return poll.kind === "open" && results ? pendingBox(results) : Live.el("div", { hidden: "" });
      });
    });
    syncList(eventPolls, pollsOf(null), function (poll, item) {
      item.className = "poll-row is-read-only is-" + poll.state;
      item.dataset.testid = "event-poll";
      piece(item, "badges", [poll, onMyScreen(poll), screenNow().show, votersOf(poll), visibilityOf(poll)], function () {
        return badges(poll);
      });
      piece(item, "question", poll.question, function () { return Live.el("p", { class: "poll-question" }, poll.question); });
      // An open question to every site: the host approves its own site's answers.
      const results = poll.kind === "open" ? pollResults.get(poll.id) : null;
      piece(item, "pending", [results && results.pending], function () {
        return results ? pendingBox(results, SITE) : Live.el("div", { hidden: "" });
      });
    });
  }

  // Lists and their parts are updated in place, not rebuilt: results come in four times a second, and a button
  // replaced under the host's finger would lose the click.
  function syncList(list, polls, update) {
    const existing = new Map();
    Array.from(list.children).forEach(function (item) { existing.set(item.dataset.pollId, item); });
    polls.forEach(function (poll, index) {
      let item = existing.get(String(poll.id));
      existing.delete(String(poll.id));
      if (!item) {
        item = Live.el("li", { "data-poll-id": String(poll.id) });
      }
      update(poll, item);
      if (list.children[index] !== item) { list.insertBefore(item, list.children[index] || null); }
    });
    existing.forEach(function (item) { item.remove(); });
  }

  function piece(parent, name, keyValue, make) {
    const key = JSON.stringify(keyValue === undefined ? null : keyValue);
    const current = Array.from(parent.children).find(function (child) { return child.dataset.part === name; });
    if (current && current.dataset.partKey === key) { return; }
    const element = make();
    element.dataset.part = name;
    element.dataset.partKey = key;
    if (current) { current.replaceWith(element); } else { parent.append(element); }
  }

  function badges(poll) {
    const row = Live.el("p", { class: "poll-badges" });
    row.append(Live.el("span", { class: "poll-kind" }, (T.poll_kinds && T.poll_kinds[poll.kind]) || poll.kind),
      Live.el("span", { class: "poll-state is-" + poll.state, "data-testid": "poll-state" },
        (T.poll_states && T.poll_states[poll.state]) || poll.state));
    if (onMyScreen(poll)) {
      // Set on the screen, but the scene rule may show something else over it (the closing round, say).
      const shown = screenNow().show === "poll";
      row.append(Live.el("span", { class: "poll-flag is-screen", "data-testid": "on-screen" },
        shown ? T.on_screen : T.on_screen_covered));
    }
    const visibility = visibilityOf(poll);
    row.append(Live.el("span", { class: "poll-flag" + (poll.results_visible ? " is-shown" : ""),
      "data-testid": "poll-visibility", "data-visibility": visibility }, T.results[visibility]));
    row.append(Live.el("span", { class: "poll-voters", "data-testid": "poll-voters" },
      fill(T.voters_n, { n: votersOf(poll) })));
    return row;
  }

  // Who sees the poll's results now (a key of T.results); it changes at a reveal's moment, with the results push.
  function visibilityOf(poll) { return Live.resultsVisibility(poll, live.now()); }

  function votersOf(poll) {
    const results = pollResults.get(poll.id);
    return results ? results.total.voters : poll.voters || 0;
  }

  function pollButtons(poll) {
    const buttons = Live.el("div", { class: "poll-buttons" });
    const button = function (action, label, style) {
      buttons.append(Live.el("button", { type: "button", class: "button" + (style ? " " + style : ""),
        "data-action": action, "data-poll": String(poll.id) }, label));
    };
    if (poll.state !== "open") { button("poll:open", T.poll_open); }
    if (poll.state === "open") { button("poll:close", T.poll_close, "secondary"); }
    if (!poll.results_visible) { button("poll:reveal", T.poll_reveal); }
    if (poll.results_visible) { button("poll:hide", T.poll_hide, "secondary"); }
    if (!onMyScreen(poll)) { button("poll:show", T.poll_show, "secondary"); }
    if (onMyScreen(poll)) { button("poll:dismiss", T.poll_dismiss, "secondary"); }
    return buttons;
  }

  // The live results of one own poll, compact; for an open question, the answers waiting for approval.
  function resultsBox(poll, results) {
    const box = Live.el("div", { class: "poll-results", "data-testid": "poll-results" });
    const total = results.total;
    if (poll.kind === "open") { return box; }
    if (!total.voters) {
      box.append(Live.el("p", { class: "muted" }, T.no_results));
      return box;
    }
    const bars = function (rows, max) {
      const list = Live.el("ol", { class: "mini-bars" });
      rows.forEach(function (row) {
        const li = Live.el("li", { class: "mini-bar" });
        const fillBar = Live.el("span", { class: "mini-fill" });
        fillBar.style.setProperty("--share", max ? (row.value / max).toFixed(4) : "0");
        li.append(Live.el("span", { class: "mini-label" }, row.label), Live.el("span", { class: "mini-value" }, row.text),
          Live.el("span", { class: "mini-track" }));
        li.lastChild.append(fillBar);
        list.append(li);
      });
      return list;
    };
    const pct = function (n) { return total.voters ? Math.round((100 * n) / total.voters) + "%" : "0%"; };
    if (total.options && poll.kind !== "ranking") {
      const max = Math.max(0, ...total.options.map(function (o) { return o.count; }));
      box.append(bars(total.options.map(function (o) {
        return { label: (o.correct ? "\u2713 " : "") + o.label, value: o.count, text: o.count + " · " + pct(o.count) };
      }), max));
    } else if (poll.kind === "ranking") {
      const max = Math.max(0, ...total.options.map(function (o) { return o.score; }));
      box.append(bars(total.options.map(function (o, i) {
        return { label: (i + 1) + ". " + o.label, value: o.score, text: fill(T.points_n, { n: o.score }) };
      }), max));
    } else if (total.choices) {
      const max = Math.max(0, ...total.choices.map(function (c) { return c.count; }));
      box.append(bars(total.choices.map(function (c) {
        return { label: T.choices[c.choice] || c.choice, value: c.count, text: c.count + " · " + pct(c.count) };
      }), max));
    } else if (total.distribution) {
      const max = Math.max(0, ...total.distribution.map(function (d) { return d.count; }));
      box.append(Live.el("p", { class: "mini-mean" }, fill(T.average, { mean: total.mean == null ? "–" : total.mean })),
        bars(total.distribution.map(function (d) {
          return { label: String(d.value), value: d.count, text: String(d.count) };
        }), max));
    } else if (total.words) {
      const words = Live.el("p", { class: "mini-words" });
      total.words.slice(0, 15).forEach(function (row) {
        words.append(Live.el("span", { class: "mini-word" }, row.word + " (" + row.count + ")"));
      });
      box.append(words);
    }
    return box;
  }

  // An open question's answers from this site, waiting for the host's approval before they go on the screen.
  function pendingBox(results, onlySite) {
    const box = Live.el("div", { class: "poll-pending" });
    const pending = (results.pending || []).filter(function (answer) { return !onlySite || answer.site === onlySite; });
    if (onlySite && !pending.length) {
      box.hidden = true;
      return box;
    }
    if (!onlySite) {
      box.append(Live.el("p", { class: "mini-approved" }, fill(T.answers_approved, { n: (results.approved || []).length })));
    }
    if (pending.length) {
      box.append(Live.el("h4", {}, fill(T.answers_waiting, { n: pending.length })));
      const list = Live.el("ol", { class: "pending", "data-testid": "pending-answers" });
      pending.forEach(function (answer) {
        const li = Live.el("li", { class: "pending-answer", "data-testid": "pending-answer" });
        li.append(Live.el("p", { class: "pending-text" }, answer.text));
        const buttons = Live.el("div", { class: "pending-buttons" });
        [["approved", T.approve, ""], ["hidden", T.hide, " secondary"]].forEach(function (choice) {
          buttons.append(Live.el("button", { type: "button", class: "button" + choice[2], "data-action": "answer:moderate",
            "data-vote": String(answer.id), "data-decision": choice[0] }, choice[1]));
        });
        li.append(buttons);
        list.append(li);
      });
      box.append(list);
    }
    return box;
  }

  let questionsKey = null;

  function renderQuestions() {
    const key = JSON.stringify(questions);
    if (key === questionsKey) { return; }
    questionsKey = key;
    const order = { pending: 0, approved: 1, answered: 2, hidden: 3 };
    const list = questions.slice().sort(function (a, b) { return order[a.state] - order[b.state]; });
    noQuestions.hidden = list.length > 0;
    const waiting = list.filter(function (question) { return question.state === "pending"; }).length;
    questionCount.textContent = waiting ? String(waiting) : "";
    questionList.replaceChildren.apply(questionList, list.map(function (question) {
      const item = Live.el("li", { class: "question is-" + question.state, "data-testid": "host-question",
        "data-state": question.state });
      const head = Live.el("p", { class: "question-head" });
      head.append(Live.el("span", { class: "question-state" }, T.question_states[question.state] || question.state),
        Live.el("span", { class: "muted" }, fill(T.upvotes, { n: question.upvotes })));
      item.append(head, Live.el("p", { class: "question-text" }, question.text));
      const buttons = Live.el("div", { class: "question-buttons" });
      [["approved", T.approve], ["answered", T.answered], ["hidden", T.hide]].forEach(function (choice) {
        if (choice[0] === question.state) { return; }
        buttons.append(Live.el("button", { type: "button", class: "button secondary", "data-question": String(question.id),
          "data-state": choice[0] }, choice[1]));
      });
      item.append(buttons);
      return item;
    }));
  }

  let scrolledTo = null;

  // Keep the segment on now in sight in the programme's own scroll box (the page itself does not jump).
  function scrollToCurrent(list, li) {
    const id = li ? li.dataset.segmentId : null;
    if (!li || id === scrolledTo || list.scrollHeight <= list.clientHeight) { return; }
    scrolledTo = id;
    list.scrollTop = Math.max(0, li.offsetTop - list.offsetTop - 8);
  }

  function renderProgramme() {
    const current = snapshot.status === "live" && snapshot.segment ? snapshot.segment.id : null;
    const rows = new Map((snapshot.runsheet || []).map(function (row) { return [row.id, row]; }));
    let passed = current !== null;
    if (snapshot.status === "ended") { passed = true; }
    if (snapshot.status === "planned") { passed = false; }
    const currentPosition = snapshot.segment ? snapshot.segment.position : -1;
    document.querySelectorAll("#programme > li[data-segment-id]").forEach(function (li) {
      const id = Number(li.dataset.segmentId);
      const row = rows.get(id);
      const isCurrent = id === current;
      li.classList.toggle("is-current", isCurrent);
      if (isCurrent) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      const done = snapshot.status === "ended" ? Boolean(row && row.actual_start)
        : passed && row ? row.position < currentPosition : false;
      li.classList.toggle("is-done", done);
      if (row) {
        li.querySelector("[data-role=time]").textContent = timeOfDay(row.planned_start);
        let actual = "";
        if (row.actual_start) {
          actual = fill(T.started_at, { time: timeOfDay(row.actual_start) });
          const minutes = Math.round((row.drift_seconds || 0) / 60);
          if (minutes > 0) { actual += " · " + fill(T.drift_late, { minutes: minutes }); }
          if (minutes < 0) { actual += " · " + fill(T.drift_early, { minutes: -minutes }); }
        }
        li.querySelector("[data-role=actual]").textContent = actual;
      }
      const now = li.querySelector("[data-role=now]");
      now.replaceChildren();
      if (isCurrent) {
        now.append(Live.el("span", { class: "now-tag" }, T.now));
        if (!snapshot.split && snapshot.on_air) {
          now.append(Live.el("span", { class: "now-air" + (snapshot.on_air === SITE ? " is-here" : "") },
            snapshot.on_air === SITE ? T.on_air_here : fill(T.on_air_at, { site: siteName(snapshot.on_air) })));
        }
      }
    });
    const list = byId("programme");
    scrollToCurrent(list, list.querySelector(".is-current"));
  }

  // The programme was edited: take the newly rendered list from the page itself (text rendered by the server).
  async function reloadProgramme() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) { return; }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const list = page.getElementById("programme");
      if (list) {
        byId("programme").replaceWith(document.importNode(list, true));
        scrolledTo = null;
        render();
      }
    } catch (error) {
      /* the old list stays; the next change tries again */
    }
  }

  // ---- countdowns ----

  function setCountdown(endsAt, now) {
    const left = endsAt - now;
    const over = left < 0;
    countdown.classList.toggle("is-wrapup", !over && left <= WRAP_UP_MS);
    countdown.classList.toggle("is-overtime", over);
    countdown.querySelector(".countdown-label").textContent = over ? T.overtime : T.time_left;
    countdown.querySelector(".countdown-value").textContent = over ? "+" + Live.clock(-left)
      : Live.clock(Math.ceil(left / 1000) * 1000);
  }

  function tick() {
    if (!snapshot) { return; }
    const now = live.now();
    const up = body.dataset.connection === "live";
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    const end = segment && segment.planned_end ? Date.parse(segment.planned_end) : null;
    countdown.hidden = !end;
    if (end) {
      if (up) {
        setCountdown(end, now);
      } else {
        countdown.querySelector(".countdown-value").textContent = "–:––";
      }
      countdown.querySelector(".countdown-until").textContent = fill(T.until, { time: timeOfDay(segment.planned_end) });
    }
    const timerEnd = me().timer_ends_at ? Date.parse(me().timer_ends_at) : null;
    timerDisplay.classList.toggle("is-running", Boolean(timerEnd));
    if (!timerEnd) {
      timerDisplay.textContent = T.timer_none;
      timerDisplay.classList.remove("is-wrapup", "is-overtime");
    } else if (!up) {
      timerDisplay.textContent = "–:––";
    } else {
      const left = timerEnd - now;
      timerDisplay.classList.toggle("is-wrapup", left >= 0 && left <= WRAP_UP_MS);
      timerDisplay.classList.toggle("is-overtime", left < 0);
      timerDisplay.textContent = left < 0 ? "+" + Live.clock(-left) : Live.clock(Math.ceil(left / 1000) * 1000);
    }
  }

  showConnection();
  setTimeout(function () {
    slowStart = true;
    showConnection();
  }, 1000);
  setInterval(tick, 250);
})();
