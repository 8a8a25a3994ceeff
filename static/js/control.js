// The chair's live control panel: a view of the crew snapshot, kept live over Socket.IO.
// Everything shown comes from the newest snapshot (and the server's clock); every button sends one live
// action and shows the server's answer. The panel keeps no programme state of its own.
"use strict";
(function () {
  const WRAP_UP_MS = 2 * 60 * 1000;      // the countdown turns to "wrap up" this long before the planned end
  const STALE_SCREEN_MS = 30 * 1000;     // a screen's heartbeat older than this shows red
  const TICK_MS = 250;                   // countdowns and clocks are recomputed this often

  const text = Live.strings();
  const body = document.body;
  const panel = document.getElementById("panel");
  const $ = function (testId) { return document.querySelector("[data-testid=\"" + testId + "\"]"); };
  const ui = {
    band: $("rehearsal-band"), banner: $("connection-banner"), strip: $("strip"),
    stripActions: document.querySelector(".strip-actions"),
    status: $("event-status"), mode: $("mode"), connection: $("connection"), clock: $("server-clock"),
    start: $("start-event"), end: $("end-event"),
    error: $("action-error"), ok: $("action-status"),
    stripTitle: $("strip-now-title"), stripCountdown: $("strip-countdown"), progress: $("progress"),
    nowTitle: $("now-title"), nowMeta: $("now-meta"), countdown: $("countdown"), countdownLabel: $("countdown-label"),
    nextTitle: $("next-title"), nextMeta: $("next-meta"), next: $("next"), previous: $("previous"),
    rows: $("runsheet-rows"), plannedEnd: $("planned-end"), projectedEnd: $("projected-end"),
    endDifference: $("end-difference"),
    sites: $("sites"), chairs: $("chairs"), split: $("split"), central: $("central"),
    cues: $("cues"), cueForm: document.querySelector("[data-form=cue]"),
    screensForm: document.querySelector("[data-form=screens]"),
    video: $("video"), videoState: $("video-state"), videoPosition: $("video-position"),
    videoPlay: $("video-play"), videoPause: $("video-pause"), seekForm: document.querySelector("[data-form=seek]"),
    rehearsalStart: $("rehearsal-start"), rehearsalReset: $("rehearsal-reset"),
  };

  let snapshot = null;      // the newest snapshot shown
  let presence = {};        // the newest presence (from the snapshot or a presence:changed, whichever came last)
  let connection = "connecting";
  let connectionDetail = "";
  let clockFormat = null;   // HH:MM:SS in the event's time zone, once the first snapshot said which
  const pageTitle = document.title;

  // ---- small helpers ----

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function formatter(timeZone) {
    return new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", second: "2-digit",
      hourCycle: "h23", timeZone: timeZone });
  }

  function hhmm(iso) { return iso ? Live.timeOfDay(iso, snapshot.timezone) : ""; }
  function hhmmss(iso) { return iso && clockFormat ? clockFormat.format(new Date(iso)) : ""; }

  // "+m:ss" late, "-m:ss" early, for a number of seconds.
  function signed(seconds) {
    return (seconds < 0 ? "-" : "+") + Live.clock(Math.abs(seconds) * 1000);
  }

  function driftClass(seconds) {
    if (seconds === null || seconds === undefined) { return ""; }
    if (seconds > 300) { return "drift-very-late"; }
    if (seconds > 30) { return "drift-late"; }
    if (seconds < -30) { return "drift-early"; }
    return "drift-on-time";
  }

  function siteName(key) {
    const site = snapshot && snapshot.sites.find(function (s) { return s.key === key; });
    return site ? site.name : key;
  }

  function kindBadge(kind) { return Live.el("span", { class: "kind kind-" + kind }, text.kinds[kind] || kind); }

  function isLive() { return connection === "live"; }  // connected, and showing the server's current state

  // Replace a container's children, keeping the keyboard focus on the element with the same data-key.
  function rebuild(container, children) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.getAttribute("data-key") : null;
    container.replaceChildren.apply(container, children);
    if (key) {
      const again = container.querySelector("[data-key=\"" + CSS.escape(key) + "\"]");
      if (again && !again.disabled) { again.focus(); }
    }
  }

  // A button that survives re-rendering (by its data-key), so that a click is not lost when a snapshot or a
  // presence update arrives between pressing and releasing it.
  const keptButtons = new Map();
  function keptButton(key, attributes, label) {
    let button = keptButtons.get(key);
    if (!button) {
      button = Live.el("button", { type: "button", "data-key": key });
      keptButtons.set(key, button);
    }
    Object.entries(attributes).forEach(function (pair) { button.setAttribute(pair[0], pair[1]); });
    button.textContent = label;
    return button;
  }

  // ---- feedback ----

  function stamp() { return clockFormat ? clockFormat.format(new Date(conn.now())) + "  " : ""; }

  function showOk(message) {
    ui.error.textContent = "";
    ui.ok.textContent = message ? stamp() + message : "";
  }

  function showError(message) {
    ui.ok.textContent = "";
    ui.error.textContent = "";
    ui.error.textContent = stamp() + message;  // emptied first, so that the same message is announced again
  }

  // ---- actions ----

  // Send one live action (after a confirmation, if given); show the server's answer.
  async function run(name, payload, options) {
    options = options || {};
    if (!isLive()) { showError(text.not_live); return null; }
    if (options.confirm && !window.confirm(options.confirm)) { return null; }
    try {
      const reply = await conn.act(name, payload || {});
      showOk(options.done !== undefined ? options.done : (text.done[name] || ""));
      return reply;
    } catch (error) {
      const details = (error.details || []).map(function (d) { return d.path + ": " + d.reason; }).join("; ");
      showError(fill(text.refused, { action: name, error: error.message + (details ? " (" + details + ")" : "") }));
      return null;
    }
  }

  function goLive(key) {
    const name = siteName(key);
    return run("live:on-air", { site: key },
      { confirm: fill(text.confirm_go_live, { site: name }), done: fill(text.done["live:on-air"], { site: name }) });
  }

  function screenTarget() { return ui.screensForm.elements.site.value || null; }

  const buttonActions = {
    "event:start": function () { return run("event:start"); },
    "event:end": function () { return run("event:end", {}, { confirm: text.confirm_end }); },
    "programme:next": function () { return run("programme:next"); },
    "programme:previous": function () { return run("programme:previous"); },
    "programme:jump": function (button) {
      return run("programme:jump", { segment_id: Number(button.dataset.segmentId) },
        { confirm: fill(text.confirm_jump, { title: button.dataset.title }) });
    },
    "live:split": function () { return run("live:split"); },
    "live:central": function () { return run("live:central"); },
    "live:on-air": function (button) { return goLive(button.dataset.site); },
    "message:clear": async function () {
      const reply = await run("screen:message", { text: "", site: screenTarget() }, { done: text.done["message:clear"] });
      if (reply) { ui.screensForm.elements.message.value = ""; }
    },
    "screen:clear": function (button) {
      return run("screen:clear", { site: button.dataset.site },
        { done: fill(text.done["screen:clear"], { site: siteName(button.dataset.site) }) });
    },
    "screen:holding": function () {
      return run("screen:scene", { scene: "holding", text: ui.screensForm.elements.holding.value, site: screenTarget() },
        { done: text.done["screen:holding"] });
    },
    "screen:programme": function () {
      return run("screen:scene", { scene: "programme", text: "", site: screenTarget() },
        { done: text.done["screen:programme"] });
    },
    "video:play": function () { return run("video:play"); },
    "video:pause": function () { return run("video:pause"); },
    "rehearsal:start": function () { return run("rehearsal:start"); },
    "rehearsal:reset": function () { return run("rehearsal:reset", {}, { confirm: text.confirm_reset }); },
    "closing:next": function () { return run("closing:next"); },
    "closing:previous": function () { return run("closing:previous"); },
    "handoff:take-back": function () {
      const wall = snapshot.handoff;
      return run("handoff:take-back", {}, { confirm: fill(text.confirm_take_back,
        { object: wall.title, site: siteName(wall.holder) }) });
    },
    "handoff:reset": function () {
      const wall = snapshot.handoff;
      return run("handoff:reset", {}, { confirm: fill(text.confirm_wall_reset,
        { object: wall.title, site: siteName((wall.order || [])[0] || wall.holder) }) });
    },
  };

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button || button.disabled || !buttonActions[button.dataset.action]) { return; }
    buttonActions[button.dataset.action](button);
  });

  ui.cueForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const fields = ui.cueForm.elements;
    const reply = await run("cue:send", { text: fields.text.value, site: fields.site.value || null });
    if (reply) { fields.text.value = ""; }
  });

  ui.screensForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (document.activeElement === ui.screensForm.elements.holding) {  // Enter in the holding text
      buttonActions["screen:holding"]();
      return;
    }
    run("screen:message", { text: ui.screensForm.elements.message.value, site: screenTarget() });
  });

  ui.seekForm.addEventListener("submit", function (event) {
    event.preventDefault();
    run("video:seek", { position: Number(ui.seekForm.elements.position.value) });
  });

  // Keyboard shortcuts: N / PageDown / ArrowRight next, P / PageUp / ArrowLeft previous, digits go live.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) { return; }
    const key = event.key;
    if (key === "n" || key === "N" || key === "PageDown" || key === "ArrowRight") {
      run("programme:next");
    } else if (key === "p" || key === "P" || key === "PageUp" || key === "ArrowLeft") {
      run("programme:previous");
    } else if (/^[1-9]$/.test(key)) {
      const site = snapshot && snapshot.sites[Number(key) - 1];
      if (site) { goLive(site.key); } else { showError(fill(text.no_site, { n: key })); }
    } else {
      return;
    }
    event.preventDefault();
  });

  // ---- rendering: everything from the newest snapshot ----

  function render() {
    if (!snapshot) { return; }
    if (!clockFormat) { clockFormat = formatter(snapshot.timezone); }
    renderStrip();
    renderNow();
    renderRunsheet();
    renderSiteOptions();
    renderSites();
    renderCues();
    renderVideo();
    renderClosing();
    tick();
  }

  // The closing round (its site and that site's learnings) and the magic wall (who holds the object).
  function renderClosing() {
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    const round = Boolean(segment && segment.kind === "closing_round");
    $("closing").hidden = !round;
    if (round) {
      const closing = snapshot.closing || {};
      const order = segment.order || [];
      const learnings = closing.site ? (closing.learnings || {})[closing.site] || [] : [];
      $("closing-state").textContent = closing.site ? fill(text.closing_site, { site: siteName(closing.site),
        n: order.indexOf(closing.site) + 1, total: order.length, count: learnings.length }) : text.closing_none;
      rebuild($("closing-learnings"), learnings.map(function (line) { return Live.el("li", {}, line); }));
      const index = order.indexOf(closing.site);
      $("closing-previous").disabled = index <= 0;
      $("closing-next").disabled = index >= order.length - 1;
    }
    const wall = snapshot.handoff;
    const showWall = Boolean(wall && ((segment && segment.kind === "handoff") || wall.state === "in_flight"));
    $("wall").hidden = !showWall;
    if (showWall) {
      const flying = wall.state === "in_flight";
      $("wall-state").textContent = flying
        ? fill(text.wall_flying, { object: wall.title, from: siteName(wall.holder), to: siteName(wall.to) })
        : fill(text.wall_holds, { site: siteName(wall.holder), object: wall.title });
      $("wall-take-back").disabled = !flying;
      $("wall-reset").disabled = !flying && wall.holder === (wall.order || [])[0];
    }
  }

  function renderStrip() {
    const s = snapshot;
    const running = s.status === "live";
    ui.status.textContent = text.status[s.status] || s.status;
    ui.status.className = "badge status-badge status-" + s.status;
    ui.mode.textContent = text.mode[s.mode] || s.mode;
    ui.mode.className = "badge mode-badge mode-" + s.mode;
    ui.band.hidden = s.mode !== "rehearsal";
    body.classList.toggle("is-rehearsal", s.mode === "rehearsal");
    ui.start.disabled = running || (s.status === "ended" && s.mode === "real");
    ui.end.disabled = !running;
    ui.next.disabled = !running || !s.next;
    ui.previous.disabled = !running || !s.segment || s.segment.position === 0;
    ui.split.disabled = !running || s.split;
    ui.central.disabled = !running || !s.split;
    ui.rehearsalStart.disabled = s.mode === "rehearsal" || s.status !== "planned";
    ui.rehearsalReset.disabled = s.mode !== "rehearsal";
    ui.chairs.textContent = fill(text.chairs, { n: s.chairs });
  }

  // Where a segment comes from: a site, a live switch to a site, or every site on its own.
  function whereText(segment) {
    if (segment.kind === "regional") { return text.split_all; }
    if (segment.site) { return fill(text.live_to, { site: siteName(segment.site) }); }
    if (segment.origin) { return fill(text.from, { site: siteName(segment.origin) }); }
    return "";
  }

  function metaItems(items) {
    return items.filter(Boolean).map(function (item) {
      return typeof item === "string" ? Live.el("span", { class: "meta" }, item) : item;
    });
  }

  function renderNow() {
    const s = snapshot;
    const segment = s.segment;
    if (!segment) {
      ui.nowTitle.textContent = s.status === "ended" ? text.ended : text.not_started;
      ui.nowTitle.classList.remove("is-long");
      ui.nowMeta.replaceChildren();
    } else {
      ui.nowTitle.textContent = segment.title;
      ui.nowTitle.classList.toggle("is-long", segment.title.length > 40);
      const onAir = s.on_air
        ? Live.el("span", { class: "on-air-pill" }, fill(text.on_air_now, { site: siteName(s.on_air) }))
        : Live.el("span", { class: "split-pill" }, text.nobody_on_air);
      ui.nowMeta.replaceChildren.apply(ui.nowMeta, metaItems([
        kindBadge(segment.kind), whereText(segment), onAir,
        fill(text.started, { time: hhmmss(segment.started_at) }),
        fill(text.planned_end_at, { time: hhmmss(segment.planned_end) }),
      ]));
    }
    ui.nowTitle.parentElement.parentElement.classList.toggle("is-idle", !segment);
    const next = s.next;
    if (next) {
      ui.nextTitle.textContent = next.title;
      ui.nextMeta.replaceChildren.apply(ui.nextMeta, metaItems([
        kindBadge(next.kind), whereText(next), fill(text.minutes, { n: next.planned_minutes }),
      ]));
    } else {
      ui.nextTitle.textContent = segment ? text.no_next : "";
      ui.nextMeta.replaceChildren();
    }
  }

  function renderRunsheet() {
    const s = snapshot;
    const running = s.status === "live";
    const currentId = s.segment ? s.segment.id : null;
    const rows = s.runsheet.map(function (row) {
      const isCurrent = row.id === currentId;
      const tr = Live.el("tr", { class: "kind-" + row.kind + (isCurrent ? " is-current" : "")
        + (row.actual_end && !isCurrent ? " is-done" : ""), "data-id": String(row.id) });
      if (isCurrent) { tr.setAttribute("aria-current", "step"); }
      tr.append(Live.el("td", { class: "num pos" }, String(row.position + 1)));
      const title = Live.el("td", { class: "title" });
      title.append(kindBadge(row.kind), Live.el("span", { class: "row-title" }, row.title));
      if (isCurrent) { title.append(Live.el("span", { class: "now-tag" }, text.now_marker)); }
      tr.append(title,
        Live.el("td", { class: "num" }, hhmm(row.planned_start)),
        Live.el("td", { class: "num" }, hhmm(row.planned_end)),
        Live.el("td", { class: "num" }, String(row.planned_minutes)),
        Live.el("td", { class: "num actual", "data-testid": "actual-start" }, hhmmss(row.actual_start)),
        Live.el("td", { class: "num actual" }, hhmmss(row.actual_end)),
        Live.el("td", { class: "num drift " + driftClass(row.drift_seconds), "data-testid": "drift" },
          row.drift_seconds === null ? "" : signed(row.drift_seconds)));
      const cell = Live.el("td", { class: "jump" });
      const button = keptButton("jump-" + row.id, { class: "button tiny secondary", "data-action": "programme:jump",
        "data-segment-id": String(row.id), "data-title": row.title,
        "aria-label": fill(text.jump_label, { title: row.title }) }, text.jump);
      button.disabled = !running || isCurrent;
      cell.append(button);
      tr.append(cell);
      return tr;
    });
    rebuild(ui.rows, rows);
    ui.plannedEnd.textContent = hhmm(s.planned_end) || "–";
  }

  function renderSiteOptions() {
    document.querySelectorAll("select[data-sites]").forEach(function (select) {
      const keys = snapshot.sites.map(function (site) { return site.key + "=" + site.name; }).join("|");
      if (select.dataset.built === keys) { return; }
      const chosen = select.value;
      const all = select.dataset.sites === "all-hosts" ? text.all_hosts : text.all_screens;
      const options = [Live.el("option", { value: "" }, all)].concat(snapshot.sites.map(function (site) {
        return Live.el("option", { value: site.key }, site.name);
      }));
      select.replaceChildren.apply(select, options);
      select.value = snapshot.sites.some(function (site) { return site.key === chosen; }) ? chosen : "";
      select.dataset.built = keys;
    });
  }

  function tallyOf(site) {
    if (snapshot.on_air === site.key && !snapshot.split) { return "on_air"; }
    return site.host_status;
  }

  function renderSites() {
    const s = snapshot;
    const running = s.status === "live";
    const segment = s.segment;
    const cards = s.sites.map(function (site, index) {
      const tally = tallyOf(site);
      const card = Live.el("article", { class: "site tally-" + tally, "data-site": site.key, "data-testid": "site-card",
        "aria-labelledby": "site-" + site.key });
      const bar = Live.el("div", { class: "tally", "data-testid": "tally" });
      bar.append(Live.el("span", { class: "tally-word" }, text.tally[tally] || tally),
        Live.el("kbd", { class: "tally-key", title: fill(text.go_live, { site: site.name }) }, String(index + 1)));
      const head = Live.el("div", { class: "site-head" });
      head.append(Live.el("h3", { id: "site-" + site.key }, site.name));
      if (site.venue) { head.append(Live.el("span", { class: "venue" }, site.venue)); }
      card.append(bar, head);

      const facts = Live.el("dl", { class: "site-facts" });
      function fact(label, value, attributes) {
        const row = Live.el("div", attributes || {});
        row.append(Live.el("dt", {}, label), Live.el("dd", {}, value));
        facts.append(row);
        return row;
      }
      const host = fact(text.host, "", { class: "fact host-fact", "data-testid": "host-status" });
      host.lastChild.append(Live.el("span", { class: "host-signal host-" + site.host_status },
        text.host_status[site.host_status] || site.host_status), Live.el("span", { class: "host-panels" }));
      fact(text.screen, "", { class: "fact screen-fact", "data-testid": "screen-presence" });
      fact(text.participants, "", { class: "fact participants-fact", "data-testid": "participants" });
      card.append(facts);

      card.append(screenBox(site));

      const notes = Live.el("ul", { class: "site-notes" });
      const part = segment && segment.parts ? segment.parts[site.key] : null;
      if (part) {
        const li = Live.el("li", { class: "note part", "data-testid": "site-part" });
        li.append(Live.el("strong", {}, part.title));
        const item = site.item_index === null || site.item_index === undefined ? null : part.items[site.item_index];
        li.append(Live.el("span", { class: "part-item" }, item === null || item === undefined ? text.no_item
          : fill(text.item, { n: site.item_index + 1, count: part.items.length, text: item })));
        notes.append(li);
      }
      if (site.timer_ends_at) {
        const li = Live.el("li", { class: "note timer" });
        li.append(Live.el("span", {}, text.timer + " "),
          Live.el("strong", { class: "site-timer", "data-ends-at": site.timer_ends_at }, ""));
        notes.append(li);
      }
      if (notes.children.length) { card.append(notes); }

      const button = keptButton("live-" + site.key, { class: "button go-live", "data-action": "live:on-air",
        "data-site": site.key }, fill(text.go_live, { site: site.name }));
      button.disabled = !running || tally === "on_air";
      card.append(button);
      return card;
    });
    rebuild(ui.sites, cards);
    renderPresence();
    const lastKey = document.querySelector("[data-testid=last-site-key]");
    if (lastKey) { lastKey.textContent = String(Math.min(9, s.sites.length)); }
  }

  // What the site's screen shows now, as the server decided it (sites[].screen), and what is set on it: the poll,
  // the featured question, the holding scene, the message, each marked when something else covers it or when
  // it is pinned; and the one click that puts the screen back on the programme.
  function screenBox(site) {
    const screen = site.screen || { show: "welcome", covered: [] };
    const covered = screen.covered || [];
    const box = Live.el("div", { class: "site-screen", "data-testid": "site-screen", "data-show": screen.show });
    const head = Live.el("p", { class: "screen-shows" });
    head.append(Live.el("span", { class: "screen-shows-label" }, text.screen_shows),
      Live.el("strong", { "data-testid": "site-shows" }, text.shows[screen.show] || screen.show));
    const clear = keptButton("clear-" + site.key, { class: "button secondary small clear-screen",
      "data-action": "screen:clear", "data-site": site.key, "data-testid": "site-clear",
      title: fill(text.clear_screen_title, { site: site.name }) }, text.clear_screen);
    head.append(clear);
    box.append(head);

    const list = Live.el("ul", { class: "site-notes" });
    function note(kind, testId, words, isCovered, pinned) {
      const item = Live.el("li", { class: "note " + kind + (isCovered ? " is-covered" : ""), "data-testid": testId });
      item.append(Live.el("span", { class: "note-text" }, words));
      if (isCovered) { item.append(Live.el("span", { class: "note-flag", "data-testid": "covered" }, text.covered)); }
      if (pinned) {
        item.append(Live.el("span", { class: "note-flag is-pinned", "data-testid": "pinned", title: text.pinned_title },
          text.pinned));
      }
      list.append(item);
    }
    if (site.poll) {
      note("poll", "site-poll", fill(text.site_poll, { key: site.poll.key, question: site.poll.question }),
        covered.indexOf("poll") >= 0, site.poll_pinned);
    }
    const question = snapshot.featured_question;
    if (question) {
      note("question", "site-question", fill(text.site_question, { text: question.text }),
        covered.indexOf("question") >= 0, snapshot.featured_pinned);
    }
    if (site.scene === "holding") {
      note("holding", "site-scene", fill(text.scene_holding, { text: site.holding_text || "…" }),
        covered.indexOf("holding") >= 0, false);
    }
    if (site.message) { note("message", "site-message", fill(text.message_on, { text: site.message }), false, false); }
    if (list.children.length) { box.append(list); }
    clear.disabled = !list.children.length;  // nothing on the screen but the programme
    return box;
  }

  // Who is connected at each site, written into the site cards (presence changes often: no rebuild).
  function renderPresence() {
    ui.sites.querySelectorAll("[data-testid=site-card]").forEach(function (card) {
      const here = presence[card.dataset.site] || {};
      const panels = card.querySelector(".host-panels");
      panels.textContent = here.hosts ? fill(text.host_panels, { n: here.hosts }) : text.no_host_panel;
      panels.classList.toggle("is-bad", !here.hosts);
      const screen = card.querySelector(".screen-fact");
      screen.dataset.count = String(here.screens || 0);
      screen.dataset.lastSeen = here.screen_last_seen || "";
      card.querySelector(".participants-fact dd").textContent = String(here.participants || 0);
    });
  }

  function renderCues() {
    const cues = snapshot.cues.slice().reverse();
    if (!cues.length) {
      ui.cues.replaceChildren(Live.el("li", { class: "empty muted" }, text.no_cues));
      return;
    }
    ui.cues.replaceChildren.apply(ui.cues, cues.map(function (cue) {
      const li = Live.el("li", { class: "cue cue-" + cue.state, "data-testid": "cue" });
      li.append(Live.el("span", { class: "cue-time num" }, hhmmss(cue.sent_at)),
        Live.el("span", { class: "cue-to" }, cue.site ? siteName(cue.site) : text.all_hosts),
        Live.el("span", { class: "cue-text" }, cue.text),
        Live.el("span", { class: "badge cue-state", "data-testid": "cue-state" }, text.cue_state[cue.state] || cue.state));
      if (cue.answered_at) {
        li.append(Live.el("span", { class: "cue-answered muted" }, fill(text.answered, { time: hhmmss(cue.answered_at) })));
      }
      return li;
    }));
  }

  function renderVideo() {
    const segment = snapshot.segment;
    const isVideo = Boolean(segment && segment.kind === "video" && snapshot.status === "live");
    ui.video.hidden = !isVideo;
    if (!isVideo) { return; }
    const state = snapshot.video.state;
    ui.videoState.textContent = text.video_state[state] || state;
    ui.videoState.className = "badge video-" + state;
    ui.videoPlay.disabled = state === "playing";
    ui.videoPause.disabled = state !== "playing";
  }

  // ---- every 250 ms: clocks and countdowns from the server's time ----

  function projectedEnd(now) {
    const s = snapshot;
    if (!s.segment || !s.segment.planned_end) { return s.projected_end ? Date.parse(s.projected_end) : null; }
    let cursor = null;
    s.runsheet.forEach(function (row) {
      if (cursor === null) {
        if (row.id === s.segment.id) { cursor = Math.max(Date.parse(s.segment.planned_end), now); }
        return;
      }
      cursor = Math.max(cursor, Date.parse(row.planned_start)) + row.planned_minutes * 60000;
    });
    return cursor;
  }

  function tick() {
    if (!snapshot) { return; }
    const now = conn.now();
    ui.clock.textContent = clockFormat.format(new Date(now));

    const segment = snapshot.segment;
    const box = ui.countdown.parentElement;
    let state = "idle";
    let done = 0;
    if (segment && segment.planned_end) {
      const left = Date.parse(segment.planned_end) - now;
      const length = segment.planned_minutes * 60000;
      done = length > 0 ? Math.min(1, Math.max(0, 1 - left / length)) : 1;
      if (left >= 0) {
        ui.countdown.textContent = Live.clock(Math.ceil(left / 1000) * 1000);
        state = left <= WRAP_UP_MS ? "wrapup" : "running";
      } else {
        ui.countdown.textContent = "+" + Live.clock(-left);
        state = "overtime";
      }
      ui.countdown.classList.toggle("is-long", ui.countdown.textContent.length > 5);
      ui.countdownLabel.textContent = { running: text.remaining, wrapup: text.wrap_up, overtime: text.overtime }[state];
      document.title = ui.countdown.textContent + " · " + segment.title;
    } else {
      ui.countdown.textContent = "--:--";
      ui.countdownLabel.textContent = "";
      document.title = pageTitle;
    }
    box.dataset.state = state;
    ui.progress.parentElement.dataset.state = state;
    ui.progress.style.width = (done * 100).toFixed(2) + "%";
    ui.stripTitle.parentElement.classList.toggle("is-empty", !segment);
    ui.stripTitle.textContent = segment ? segment.title : "";
    ui.stripCountdown.textContent = segment ? ui.countdown.textContent : "";
    ui.stripCountdown.dataset.state = state;

    const projected = projectedEnd(now);
    ui.projectedEnd.textContent = projected ? clockFormatShort(projected) : "–";
    if (projected && snapshot.planned_end) {
      const difference = Math.round((projected - Date.parse(snapshot.planned_end)) / 1000);
      ui.endDifference.textContent = "(" + signed(difference) + ")";
      ui.endDifference.className = "drift " + driftClass(difference);
    } else {
      ui.endDifference.textContent = "";
    }

    ui.sites.querySelectorAll(".screen-fact").forEach(function (row) {
      const value = row.querySelector("dd");
      const lastSeen = row.dataset.lastSeen ? Date.parse(row.dataset.lastSeen) : null;
      const age = lastSeen === null ? null : Math.max(0, now - lastSeen);
      const connected = Number(row.dataset.count) > 0;
      let words;
      if (!connected) {
        words = text.no_screen + (age === null ? "" : " · " + ago(age));
      } else {
        const count = Number(row.dataset.count);
        words = (count === 1 ? text.connected : fill(text.n_connected, { n: count })) + " · " + ago(age);
      }
      value.textContent = words;
      row.classList.toggle("is-bad", !connected || age === null || age > STALE_SCREEN_MS);
    });
    ui.sites.querySelectorAll(".site-timer").forEach(function (timer) {
      const left = Date.parse(timer.dataset.endsAt) - now;
      timer.textContent = left >= 0 ? Live.clock(Math.ceil(left / 1000) * 1000) : "+" + Live.clock(-left);
      timer.classList.toggle("is-overtime", left < 0);
    });

    if (!ui.video.hidden) {
      const video = snapshot.video;
      let position = video.position;
      if (video.state === "playing" && video.changed_at) { position += (now - Date.parse(video.changed_at)) / 1000; }
      ui.videoPosition.textContent = Live.clock(Math.max(0, position) * 1000);
    }
  }

  function clockFormatShort(ms) { return Live.timeOfDay(new Date(ms).toISOString(), snapshot.timezone); }

  function ago(ms) {
    if (ms === null) { return text.never; }
    const seconds = Math.floor(ms / 1000);
    return seconds < 120 ? fill(text.seconds_ago, { n: seconds }) : fill(text.minutes_ago, { n: Math.floor(seconds / 60) });
  }

  // ---- the connection: never show stale state as if it were live ----

  function renderConnection() {
    const live = isLive();
    body.classList.toggle("is-offline", !live);
    panel.inert = !live;
    ui.stripActions.inert = !live;
    ui.connection.textContent = text.connection[connection] || connection;  // the banner says why
    ui.connection.className = "badge conn-badge conn-" + (live ? "live" : connection);
    ui.banner.hidden = live;
    ui.banner.className = "conn-banner conn-" + connection;
    if (!live) {
      ui.banner.textContent = connection === "refused" ? fill(text.banner.refused, { reason: connectionDetail })
        : (text.banner[connection] || text.banner.reconnecting);
    }
  }

  const conn = Live.connect({
    auth: { token: body.dataset.token },
    onState: function (next) {
      snapshot = next;
      presence = next.presence || {};
      render();
      renderConnection();
    },
    onPresence: function (next) {
      presence = next || {};
      if (snapshot) { renderPresence(); tick(); }
    },
    onProgramme: function () { if (isLive()) { showOk(text.programme_changed); } },
    onStatus: function (name, detail) {
      connection = name;
      connectionDetail = detail;
      renderConnection();
    },
  });

  renderConnection();
  setInterval(tick, TICK_MS);
})();
