// The room screen of one site: a big-type view of the live state, for a projector or a broadcast overlay: what is
// on now, who is on air, the poll on this site's screen with its results, the featured question, reactions.
// Which of them fills the screen is the server's decision (`sites[].screen`, the scene rule in docs/PROTOCOL.md):
// the page draws it and decides nothing. Results are drawn as received. When the connection drops it greys out
// at once and says so, and it only looks live again after a fresh snapshot has come in over the new connection.
"use strict";
(function () {
  const body = document.body;
  const SITE = body.dataset.site;
  const FIRST_START = body.dataset.firstStart || "";
  const T = Live.strings();
  const WRAP_UP_MS = 2 * 60 * 1000;
  const TICK_MS = 250;
  const WATCHDOG_MS = 3000;      // how often the screen checks that the server still answers
  const MAX_DRIFT_S = 0.5;       // the video is re-seeked when it is further off than this
  const FLIGHT_MS = 3200;        // the magic wall: how long the object flies from one wall to the next

  const byId = function (id) { return document.getElementById(id); };
  const nowBox = byId("now");
  const air = byId("air");
  const message = byId("message");
  const holding = byId("holding");
  const holdingText = byId("holding-text");
  const segmentTimer = byId("segment-timer");
  const siteTimer = byId("site-timer");
  const nextLine = byId("next");
  const clock = byId("clock");
  const connection = byId("connection");

  let snapshot = null;
  let connectionState = "connecting";
  let nowKey = null;       // what the "now" area shows, to rebuild it only when that changes
  let enterKey = null;     // the part of it that, when it changes, plays the entrance animation again
  let video = null;        // the <video> element of a video segment with a file, kept across snapshots
  let wantSound = true;
  let slowStart = false;   // the first connection takes longer than a moment

  // ---- small helpers ----

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function me() {
    return snapshot ? snapshot.sites.find(function (site) { return site.key === SITE; }) : null;
  }

  function siteName(key) {
    const site = snapshot && snapshot.sites.find(function (s) { return s.key === key; });
    return site ? site.name : key;
  }

  function timeOfDay(iso) { return Live.timeOfDay(iso, snapshot ? snapshot.timezone : body.dataset.timezone); }

  function ms(iso) { return iso ? Date.parse(iso) : null; }

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
      tick();
    },
  });

  // A connection can die silently (a cable, a switch); the screen notices within seconds, not minutes.
  setInterval(function () {
    if (!live.socket.connected) { return; }
    live.socket.timeout(WATCHDOG_MS).emit("clock:ping", {}, function (error) {
      if (error && live.socket.connected) {
        connectionState = "reconnecting";
        showConnection();
        live.socket.io.engine.close();  // Socket.IO reconnects by itself and the server sends a new snapshot
      }
    });
  }, WATCHDOG_MS);

  function showConnection(detail) {
    const up = connectionState === "live";
    // Connected but not yet sure the state shown is current: still reconnecting (or, before any state, connecting).
    const syncing = snapshot ? "reconnecting" : "connecting";
    let shown = connectionState === "syncing" ? syncing : connectionState;
    if (shown === "connecting" && slowStart) { shown = "waiting"; }
    body.dataset.connection = shown;
    if (up || shown === "connecting") {
      connection.hidden = true;
      return;
    }
    let title = T.reconnecting;
    let sub = T.reconnecting_sub;
    if (connectionState === "refused") {
      title = T.refused;
      sub = T.refused_sub;
    } else if (connectionState === "connecting") {
      title = T.connecting;
      sub = "";
    }
    connection.querySelector(".connection-title").textContent = title;
    connection.querySelector(".connection-sub").textContent = sub;
    connection.hidden = false;
    if (detail) { connection.title = detail; }
  }

  // ---- rendering ----

  // What this site's screen shows, as the server decided it (the scene rule).
  function scene() {
    const site = me();
    return site && site.screen ? site.screen : { show: "welcome", air: null, air_site: null, vote: false };
  }

  // The screens that cover the "now" area: it keeps what it had underneath (a video plays on).
  const COVERING = ["poll", "question", "holding"];

  function render() {
    if (!snapshot) { return; }
    const site = me() || {};
    const screen = scene();
    const segment = snapshot.segment;
    body.dataset.show = screen.show;
    body.dataset.mode = screen.show === "ended" || screen.show === "welcome" ? screen.show : "segment";
    body.dataset.kind = body.dataset.mode === "segment" && segment ? segment.kind : "";
    body.dataset.ownPart = screen.show === "own_part" ? "1" : "";

    renderAir(screen);
    renderNow(screen.show, segment, site);
    renderMessage(site);
    renderHolding(screen, site);
    renderNext();
    renderPoll();
    renderFeatured(screen);
    fit();
    tick();
  }

  function renderAir(screen) {
    air.replaceChildren();
    body.dataset.air = "";
    if (screen.air === "on_air") {
      body.dataset.air = "on-air";
      air.append(Live.el("span", { class: "on-air-badge", "data-testid": "on-air" }, T.on_air));
    } else if (screen.air === "live_from" && screen.air_site) {
      body.dataset.air = "live-from";
      const banner = Live.el("span", { class: "live-from", "data-testid": "live-from" });
      banner.append(Live.el("span", { class: "live-dot", "aria-hidden": "true" }),
        Live.el("span", {}, fill(T.live_from, { site: siteName(screen.air_site) })));
      air.append(banner);
    }
  }

  function renderNow(show, segment, site) {
    nowBox.hidden = COVERING.indexOf(show) >= 0;
    if (nowBox.hidden) { return; }
    const kind = segment ? segment.kind : "";
    const key = JSON.stringify([show, snapshot.title, segment, snapshot.split, snapshot.on_air, site.item_index,
      snapshot.sites.map(function (s) { return s.name; }), kind === "closing_round" ? snapshot.closing : null,
      kind === "handoff" ? snapshot.handoff : null]);
    if (key === nowKey) { return; }
    nowKey = key;
    // A pass or catch on the magic wall rebuilds the wall, but must not fade the whole area in again (the
    // object's own animation shows the change); everything else enters as before.
    const entering = JSON.stringify(JSON.parse(key).slice(0, 8));
    const replay = entering !== enterKey;
    enterKey = entering;
    const parts = [];
    const label = function (text) { parts.push(Live.el("p", { class: "screen-label" }, text)); };
    const title = function (text, extra) {
      parts.push(Live.el("h1", { class: "screen-title" + (extra ? " " + extra : ""), "data-testid": "now-title" },
        text));
    };
    const sub = function (text) { if (text) { parts.push(Live.el("p", { class: "screen-sub" }, text)); } };

    if (show === "welcome" || !segment && show !== "ended") {
      label(T.welcome);
      title(snapshot.title);
      sub(FIRST_START ? fill(T.starts_at, { time: FIRST_START }) : T.starting);
    } else if (show === "ended") {
      label(snapshot.title);
      title(T.ended);
      sub(T.ended_sub);
    } else if (show === "own_part" && segment.parts && segment.parts[SITE]) {
      const part = segment.parts[SITE];
      label(segment.title);
      title(part.title, "part-title");
      parts.push(itemBox(part, site.item_index));
    } else if (show === "closing_round") {
      closingRound(parts, segment, label, title, sub);
    } else if (show === "magic_wall" && snapshot.handoff) {
      label(T.kinds.handoff);
      title(segment.title, "wall-title");
      parts.push(magicWall(snapshot.handoff));
    } else if (show === "other_part") {
      label(segment.kind === "regional" ? T.kinds.regional : T.split);
      title(segment.title);
      sub(T.regional_other);
    } else {
      label(T.kinds[segment.kind] || T.now);
      title(segment.title);
      if (segment.kind === "break" && segment.planned_end) {
        sub(fill(T.back_at, { time: timeOfDay(segment.planned_end) }));
      }
      if (segment.kind === "closing_round" || segment.kind === "handoff") { parts.push(orderRow(segment)); }
      if (segment.kind === "handoff" && segment.object_title) { parts.push(objectCard(segment)); }
      if (segment.kind === "video") { parts.push(videoArea(segment)); }
    }
    const withVideo = show === "segment" && segment.kind === "video" && Boolean(segment.video_url);
    body.dataset.video = withVideo ? "1" : "";
    if (!withVideo) { dropVideo(); }
    nowBox.replaceChildren.apply(nowBox, parts);
    if (!replay) { return; }
    nowBox.classList.remove("enter");
    void nowBox.offsetWidth;  // restart the (motion-safe) entrance animation
    nowBox.classList.add("enter");
  }

  function itemBox(part, index) {
    const box = Live.el("div", { class: "item", "data-testid": "current-item" });
    if (index === null || index === undefined || !part.items[index]) {
      box.hidden = true;
      return box;
    }
    const kind = (T.formats && T.formats[part.format]) || "";
    box.append(Live.el("p", { class: "item-count" },
      (kind ? kind + " · " : "") + fill(T.item_of, { n: index + 1, total: part.items.length })));
    box.append(Live.el("p", { class: "item-text" }, part.items[index]));
    if (part.items[index + 1]) {
      box.append(Live.el("p", { class: "item-then" }, T.then + ": " + part.items[index + 1]));
    }
    return box;
  }

  // The closing round: before its first site the round's order; then the site whose turn it is, with its learnings.
  function closingRound(parts, segment, label, title, sub) {
    const closing = snapshot.closing || {};
    const order = segment.order || [];
    if (!closing.site) {
      label(T.kinds.closing_round);
      title(segment.title);
      sub(T.closing_round_sub);
      parts.push(orderRow(segment, null));
      return;
    }
    const turn = order.indexOf(closing.site);
    label(T.kinds.closing_round + (turn >= 0 ? " · " + fill(T.closing_turn, { n: turn + 1, total: order.length }) : ""));
    title(fill(T.learnings_of, { site: siteName(closing.site) }), "closing-title");
    const learnings = (closing.learnings || {})[closing.site] || [];
    const list = Live.el("ol", { class: "learnings", "data-testid": "learnings", "data-site": closing.site });
    learnings.forEach(function (text) { list.append(Live.el("li", { class: "learning" }, text)); });
    if (!learnings.length) { list.append(Live.el("li", { class: "learning is-empty" }, T.no_learnings)); }
    list.style.setProperty("--count", String(Math.max(learnings.length, 1)));
    parts.push(list, orderRow(segment, closing.site));
  }

  // The magic wall: one wall per site of its order; the object sits on its holder's wall, or flies from the
  // sender's wall to the receiver's. The flight is a CSS animation started back in time by how long it has been
  // flying (server time), so a screen that (re)connects mid-flight joins it where it is, or shows it arrived.
  function magicWall(wall) {
    const order = (wall.order || []).slice();
    [wall.holder, wall.to].forEach(function (key) { if (key && order.indexOf(key) < 0) { order.push(key); } });
    const flying = wall.state === "in_flight" && Boolean(wall.to);
    const box = Live.el("div", { class: "wall", "data-testid": "magic-wall", "data-state": wall.state,
      "data-holder": wall.holder, "data-to": wall.to || "", "aria-label": T.wall });
    box.style.setProperty("--slots", String(order.length));
    const panels = Live.el("ol", { class: "wall-panels" });
    order.forEach(function (key) {
      const panel = Live.el("li", { class: "wall-panel", "data-site": key });
      const label = Live.el("span", { class: "wall-label" });
      label.append(Live.el("span", { class: "wall-site" }, siteName(key)));
      if (key === SITE) {
        panel.classList.add("is-here");
        label.append(Live.el("span", { class: "wall-here" }, T.wall_here));
      }
      panel.append(label);
      if (key === wall.holder) { panel.classList.add(flying ? "is-sender" : "is-holder"); }
      if (flying && key === wall.to) { panel.classList.add("is-receiver"); }
      panels.append(panel);
    });
    const book = Live.el("figure", { class: "wall-book", "data-testid": "wall-book" });
    const image = wall.image || "";
    if (/^(\/[^/]|https?:\/\/)/.test(image)) { book.append(Live.el("img", { src: image, alt: "" })); }
    book.append(Live.el("figcaption", {}, wall.title));
    book.style.setProperty("--from", String(order.indexOf(wall.holder)));
    book.style.setProperty("--to", String(order.indexOf(flying ? wall.to : wall.holder)));
    const status = Live.el("p", { class: "wall-status", "data-testid": "wall-status", role: "status" });
    box.append(panels, book, status);
    if (flying) {
      const elapsed = Math.max(0, live.now() - (ms(wall.changed_at) || live.now()));
      book.classList.add("is-flying");
      book.style.animationDelay = -Math.min(elapsed, FLIGHT_MS) + "ms, " + (FLIGHT_MS - Math.min(elapsed, FLIGHT_MS)) + "ms";
      book.dataset.landsAt = String(live.now() - elapsed + FLIGHT_MS);
    }
    updateWall(box);
    return box;
  }

  // The wall's status line and the "arrived, waiting to be caught" look, from the server's clock (every tick).
  function updateWall(box) {
    const wall = snapshot && snapshot.handoff;
    if (!box || !wall) { return; }
    const book = box.querySelector(".wall-book");
    const status = box.querySelector(".wall-status");
    let text = fill(T.wall_holds, { site: siteName(wall.holder) });
    let phase = "held";
    if (wall.state === "in_flight" && wall.to) {
      const landed = live.now() >= Number(book.dataset.landsAt || 0);
      phase = landed ? "waiting" : "flying";
      text = landed ? fill(T.wall_waiting, { site: siteName(wall.to) })
        : fill(T.wall_flying, { from: siteName(wall.holder), to: siteName(wall.to) });
    }
    box.dataset.phase = phase;
    if (status.textContent !== text) { status.textContent = text; }
  }

  function orderRow(segment, current) {
    const highlight = current === undefined ? snapshot.on_air : current;
    const row = Live.el("ol", { class: "order", "aria-label": T.order });
    (segment.order || []).forEach(function (key) {
      const chip = Live.el("li", { class: "order-site" }, siteName(key));
      if (key === highlight) { chip.classList.add("is-on-air"); }
      if (key === SITE) { chip.classList.add("is-here"); }
      row.append(chip);
    });
    return row;
  }

  function objectCard(segment) {
    const card = Live.el("figure", { class: "object" });
    const image = segment.object_image || "";
    if (/^(\/[^/]|https?:\/\/)/.test(image)) {
      card.append(Live.el("img", { src: image, alt: "" }));
    }
    card.append(Live.el("figcaption", {}, segment.object_title));
    return card;
  }

  function videoArea(segment) {
    if (!segment.video_url) {
      const card = Live.el("div", { class: "video-card", "data-testid": "video-card" });
      card.append(Live.el("span", { class: "video-state" }), Live.el("span", { class: "video-elapsed" }));
      return card;
    }
    if (!video || video.dataset.url !== segment.video_url) {
      dropVideo();
      video = Live.el("video", { class: "video", "data-testid": "video", preload: "auto", playsinline: "" });
      video.dataset.url = segment.video_url;
      video.src = segment.video_url;
    }
    const wrap = Live.el("div", { class: "video-wrap" });
    wrap.append(video, Live.el("p", { class: "video-sound", hidden: "" }, T.sound_off));
    return wrap;
  }

  function dropVideo() {
    if (video) {
      video.pause();
      video.removeAttribute("src");
      video.load();
      video = null;
    }
  }

  function renderMessage(site) {
    const text = (site.message || "").trim();
    message.textContent = text;
    message.hidden = !text;
    body.dataset.message = text ? "1" : "";
  }

  function renderHolding(screen, site) {
    const on = screen.show === "holding";
    holding.hidden = !on;
    body.dataset.holding = on ? "1" : "";
    holdingText.textContent = on ? (site.holding_text || snapshot.title) : "";
  }

  function renderNext() {
    const following = snapshot.next;
    if (snapshot.status !== "ended" && following && !snapshot.split) {
      nextLine.textContent = T.next + ": " + following.title;
      nextLine.hidden = false;
    } else {
      nextLine.textContent = "";
      nextLine.hidden = true;
    }
  }

  // Shrink the type of the "now" area and the holding scene until it fits (long titles, a message bar).
  // Boxes are measured without the entrance animations' transforms (body.fitting), which would make them seem
  // larger or smaller than they are once the animation ends.
  function fit() {
    body.classList.add("fitting");
    [nowBox, pollBox, featured, holding].forEach(function (box) {
      if (box.hidden) { return; }
      let scale = 1;
      box.style.setProperty("--fit", "1");
      for (let i = 0; i < 14; i += 1) {
        if (box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) { break; }
        scale -= 0.05;
        box.style.setProperty("--fit", scale.toFixed(2));
      }
    });
    body.classList.remove("fitting");
  }

  // ---- what moves every tick: clock, countdowns, the video ----

  function setTimer(element, label, endsAt, now) {
    if (!endsAt || body.dataset.connection !== "live") {
      element.hidden = !endsAt;
      element.querySelector(".timer-value").textContent = endsAt ? "–:––" : "";
      element.classList.remove("is-wrapup", "is-overtime");
      return;
    }
    const left = endsAt - now;
    const over = left < 0;
    element.hidden = false;
    element.classList.toggle("is-wrapup", !over && left <= WRAP_UP_MS);
    element.classList.toggle("is-overtime", over);
    element.querySelector(".timer-label").textContent = over ? T.overtime : label;
    // Rounded up while counting down (0:01 until the very end), then counting the overtime up from +0:00.
    element.querySelector(".timer-value").textContent = over
      ? "+" + Live.clock(-left) : Live.clock(Math.ceil(left / 1000) * 1000);
  }

  function tick() {
    const now = live.now();
    clock.textContent = Live.timeOfDay(new Date(now).toISOString(), snapshot ? snapshot.timezone
      : body.dataset.timezone);
    if (!snapshot) { return; }
    const segment = snapshot.status === "live" ? snapshot.segment : null;
    setTimer(segmentTimer, T.time_left, segment ? ms(segment.planned_end) : null, now);
    const site = me() || {};
    setTimer(siteTimer, T.own_timer, snapshot.status === "live" ? ms(site.timer_ends_at) : null, now);
    if (segment && segment.kind === "video") { syncVideo(now); }
    if (segment && segment.kind === "handoff") { updateWall(nowBox.querySelector(".wall")); }
  }

  function videoPosition(now) {
    const state = snapshot.video || { state: "stopped", position: 0 };
    let position = state.position || 0;
    if (state.state === "playing" && state.changed_at) { position += Math.max(0, now - ms(state.changed_at)) / 1000; }
    return { state: state.state, position: position };
  }

  function syncVideo(now) {
    const target = videoPosition(now);
    const card = nowBox.querySelector(".video-card");
    if (card) {
      card.dataset.state = target.state;
      card.querySelector(".video-state").textContent = target.state === "playing" ? T.video_playing
        : target.state === "paused" ? T.video_paused : T.video_stopped;
      card.querySelector(".video-elapsed").textContent = Live.clock(target.position * 1000);
      return;
    }
    if (!video || body.dataset.connection !== "live") {
      if (video && !video.paused) { video.pause(); }
      return;
    }
    if (video.readyState >= 1 && Math.abs(video.currentTime - target.position) > MAX_DRIFT_S) {
      const duration = video.duration;
      video.currentTime = isFinite(duration) ? Math.min(target.position, duration) : target.position;
    }
    if (target.state === "playing" && video.paused && !video.ended) {
      play();
    } else if (target.state !== "playing" && !video.paused) {
      video.pause();
    }
  }

  function play() {
    video.muted = !wantSound;
    const started = video.play();
    if (started && started.catch) {
      started.catch(function (error) {
        // Browsers refuse sound before anyone touched the page: play muted and say how to get the sound.
        if (error && error.name === "NotAllowedError" && !video.muted) {
          wantSound = false;
          video.muted = true;
          const hint = nowBox.querySelector(".video-sound");
          if (hint) { hint.hidden = false; }
          video.play().catch(function () { /* tried again next tick */ });
        }
      });
    }
  }

  document.addEventListener("click", function () {
    if (!video) { return; }
    wantSound = true;
    video.muted = false;
    const hint = nowBox.querySelector(".video-sound");
    if (hint) { hint.hidden = true; }
  });

  // ---- the poll on this site's screen, its results, the featured question, reactions ----
  // A poll on the screen takes the place of "now": the question, the join code large beside it and the count of
  // voters while people vote; the results as soon as they arrive. The server sends a screen only what it may
  // show, at the reveal's moment (so every screen flips together), with the totals counted: the page draws them
  // as they come. Everything people typed is put in with textContent only (Live.el).

  const pollBox = byId("poll");
  const pollLabel = byId("poll-label");
  const pollQuestion = byId("poll-question");
  const pollCount = byId("poll-count");
  const pollAnnounce = byId("poll-announce");
  const pollResults = byId("poll-results");
  const featured = byId("featured");
  const reactionLayer = byId("reactions");
  const reactionCounter = byId("reaction-counter");
  const OVERLAY = body.classList.contains("overlay");
  const JOIN_CODE = body.dataset.joinCode || "";
  const calm = window.matchMedia("(prefers-reduced-motion: reduce)");
  const number = new Intl.NumberFormat(document.documentElement.lang || "nl", { maximumFractionDigits: 1 });
  const OPTION_COLOURS = 6;
  const ANSWER_CARDS = 12;
  const SITE_WORDS = 3;
  const LEADERS = 8;
  const SITE_LEADERS = 3;
  const EMOJI = { applause: "\u{1F44F}", heart: "\u2764\uFE0F", laugh: "\u{1F602}", wow: "\u{1F62E}" };
  const MAX_FLOATING = 36;       // emoji on the screen at once, at most
  const MAX_PER_BURST = 5;       // of one kind from one burst
  const COUNTER_WINDOW_MS = 15000;

  const results = new Map();     // poll id -> the newest poll:results
  const voters = new Map();      // poll id -> the newest poll:voters
  let pollKey = null;            // what the poll area shows, to rebuild it only when that changes
  let revealKey = null;          // the reveal last animated in (poll, step)
  let featuredKey = null;
  let counted = [];              // reactions counted under reduced motion: [{at, kind, n}]

  live.socket.on("poll:results", function (data) {
    results.set(data.poll_id, data);
    renderPoll();
  });
  live.socket.on("poll:voters", function (data) {
    voters.set(data.poll_id, data);
    renderPoll();
  });
  live.socket.on("reactions:burst", function (data) { react(data.sites || {}); });

  // The poll on this site's screen, when the screen shows it.
  function shownPoll() {
    const site = me();
    return snapshot && site && site.poll && scene().show === "poll" ? site.poll : null;
  }

  // The results this screen may draw: the newest that came for the poll, unless the chair hid them since.
  function shownResults(poll) {
    if (!poll.results_visible) { results.delete(poll.id); }
    return results.get(poll.id) || null;
  }

  // Where a poll is: open for votes, results shown (live while still open), closed without results, not opened.
  function pollPhase(poll, figures, vote) {
    if (figures) { return vote ? "live" : "results"; }
    return vote ? "open" : poll.state === "closed" ? "closed" : "waiting";
  }

  // How large the join code is: large while the screen asks for votes (and before the start, to join), medium
  // beside live results.
  function joinSize(phase) {
    const screen = scene();
    if (screen.vote) { return phase === "live" ? "medium" : "big"; }
    return screen.show === "welcome" ? "big" : "";
  }

  function renderPoll() {
    if (!snapshot) { return; }
    const poll = shownPoll();
    if (!poll) {
      body.dataset.join = joinSize(null);
      if (pollKey !== null) {
        pollKey = null;
        revealKey = null;
        pollBox.hidden = true;
        body.dataset.poll = "";
        fit();
      }
      return;
    }
    const figures = shownResults(poll);
    const vote = scene().vote;
    const phase = pollPhase(poll, figures, vote);
    const count = voters.get(poll.id) || null;
    const key = JSON.stringify([poll, phase, figures, count, snapshot.sites.map(function (s) { return s.name; })]);
    if (key === pollKey) { return; }
    pollKey = key;

    pollBox.hidden = false;
    body.dataset.poll = phase;
    body.dataset.join = joinSize(phase);
    pollBox.dataset.phase = phase;
    pollBox.dataset.kind = poll.kind;
    pollBox.dataset.pollId = String(poll.id);

    const step = figures ? figures.step || null : null;
    const reveal = figures ? JSON.stringify([poll.id, step]) : null;
    const entering = reveal !== null && reveal !== revealKey;
    if (entering) {
      pollBox.dataset.revealedAt = String(Date.now());
      pollBox.dataset.step = step === null ? "" : String(step);
    }
    revealKey = reveal;

    const kindName = (T.poll_kinds && T.poll_kinds[poll.kind]) || "";
    // The overlay has no QR code: while the poll asks for votes it says the code in words.
    const phaseText = OVERLAY && vote ? fill(T.poll_open_overlay, { code: spacedCode() }) : {
      open: T.poll_open, live: T.poll_live, waiting: T.poll_waiting, closed: T.poll_closed,
      results: step ? T.poll_reveal : T.poll_results,
    }[phase];
    pollLabel.textContent = kindName + " · " + phaseText;
    pollQuestion.textContent = poll.question;

    const view = figures ? viewOf(figures) : null;
    renderCount(poll, view, count);
    renderAnnounce(poll, view);
    pollResults.hidden = !view;
    if (view) {
      renderResults(poll, view, entering);
    } else {
      pollResults.replaceChildren();
    }
    fit();
  }

  function spacedCode() { return JOIN_CODE.slice(0, 3) + " " + JOIN_CODE.slice(3); }

  // The figures as the server sent them; in a site-by-site reveal the site revealed last is the newest.
  function viewOf(data) {
    const step = data.step || null;
    return {
      total: data.total, sites: data.sites, shown: data.shown || Object.keys(data.sites), step: step,
      newest: step && data.shown && data.shown.length ? data.shown[data.shown.length - 1] : null,
      approved: data.approved || [], leaderboard: data.leaderboard || null,
    };
  }

  function votesText(n) { return n === 1 ? T.votes_1 : fill(T.votes_n, { n: n }); }

  function answersText(n) { return n === 1 ? T.answers_1 : fill(T.answers_n, { n: n || 0 }); }

  function percent(count, total) { return total ? Math.round((100 * count) / total) + "%" : "0%"; }

  function renderCount(poll, view, count) {
    pollCount.replaceChildren();
    let n = view ? view.total.voters : count ? count.voters : null;
    if (n === null || n === undefined) { n = poll.voters || 0; }
    const figure = Live.el("span", { class: "count-figure", "data-testid": "poll-voters" }, String(n));
    const words = Live.el("span", { class: "count-words" });
    words.append(Live.el("span", { class: "count-voted" }, T.voted));
    if (count && count.participants && !view) {
      const keys = poll.site ? [poll.site] : Object.keys(count.participants);
      const joined = keys.reduce(function (acc, key) { return acc + (count.participants[key] || 0); }, 0);
      if (joined >= n && joined > 0) {
        words.append(Live.el("span", { class: "count-joined" }, fill(T.of_joined, { n: joined })));
      }
    }
    pollCount.append(figure, words);
    // While people vote, the sites' counts side by side: the room sees the others take part too.
    if (!view && count && !poll.site && Object.keys(count.sites || {}).length > 1) {
      const row = Live.el("ul", { class: "count-sites", "data-testid": "poll-site-voters" });
      snapshot.sites.forEach(function (site) {
        if (!(site.key in count.sites)) { return; }
        const chip = Live.el("li", { class: "count-site" + (site.key === SITE ? " is-here" : "") });
        chip.append(Live.el("span", {}, site.name), Live.el("strong", {}, String(count.sites[site.key])));
        row.append(chip);
      });
      pollCount.append(row);
    }
  }

  function renderAnnounce(poll, view) {
    if (!view || !view.newest) {
      pollAnnounce.hidden = true;
      pollAnnounce.textContent = "";
      return;
    }
    const text = fill(T.announce, { site: siteName(view.newest),
      summary: summary(poll, view.sites[view.newest]) });
    pollAnnounce.hidden = false;
    if (pollAnnounce.textContent !== text) {
      pollAnnounce.textContent = text;
      pollAnnounce.classList.remove("enter");
      void pollAnnounce.offsetWidth;  // restart the (motion-safe) entrance
      pollAnnounce.classList.add("enter");
    }
  }

  // One line about one site's figures: "14 votes · most chosen: X (43%)".
  function summary(poll, figures) {
    if (!figures) { return ""; }
    const parts = [poll.kind === "open" ? answersText(figures.answers) : votesText(figures.voters)];
    if (figures.voters) {
      const top = topRow(poll.kind, figures);
      if (top) { parts.push(top); }
    }
    return parts.join(" · ");
  }

  function topRow(kind, figures) {
    if (kind === "scale") { return figures.mean == null ? "" : fill(T.mean_is, { mean: number.format(figures.mean) }); }
    if (kind === "wordcloud") { return figures.words && figures.words.length ? fill(T.top_word, { word: figures.words[0].word }) : ""; }
    if (kind === "ranking") { return figures.options && figures.options.length ? fill(T.top_ranked, { label: figures.options[0].label }) : ""; }
    if (kind === "statement") {
      const agree = (figures.choices || []).find(function (row) { return row.choice === "agree"; });
      return fill(T.agree_pct, { pct: percent(agree ? agree.count : 0, figures.voters) });
    }
    if (figures.options && figures.options.length) {
      const best = figures.options.reduce(function (a, b) { return b.count > a.count ? b : a; });
      return fill(T.top_choice, { label: best.label, pct: percent(best.count, figures.voters) });
    }
    return "";
  }

  // ---- the results ----

  function renderResults(poll, view, entering) {
    const previous = new Map();
    if (!entering) {  // bars grow from where they were; a new reveal grows them from zero
      pollResults.querySelectorAll("[data-key]").forEach(function (element) {
        previous.set(element.dataset.key, element.style.getPropertyValue("--share"));
      });
    }
    const total = Live.el("div", { class: "results-total", "data-testid": "results-total" });
    total.append(figuresView(poll, view.total, view, "total"));
    const parts = [total];
    const correctKnown = poll.kind === "quiz" && (view.total.options || []).some(function (o) { return o.correct; });
    if (correctKnown && view.leaderboard && !OVERLAY) {
      parts.push(leaderboardView(view.leaderboard));
    } else if (!poll.site && (view.step || Object.keys(view.sites).length > 1) && !OVERLAY) {
      parts.push(sitesView(poll, view));
    }
    pollResults.replaceChildren.apply(pollResults, parts);
    pollResults.classList.toggle("entering", entering && !calm.matches);
    // Grow every bar and column to its size in the next frame (the CSS transition animates it, motion allowing).
    const targets = [];
    pollResults.querySelectorAll("[data-share]").forEach(function (element) {
      const target = element.dataset.share;
      const start = element.dataset.key && previous.has(element.dataset.key) ? previous.get(element.dataset.key) : "0";
      if (calm.matches) {
        element.style.setProperty("--share", target);
      } else {
        element.style.setProperty("--share", start || "0");
        targets.push([element, target]);
      }
    });
    if (targets.length) {
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          targets.forEach(function (pair) { pair[0].style.setProperty("--share", pair[1]); });
        });
      });
    }
  }

  function figuresView(poll, figures, view, where) {
    if (poll.kind === "scale") { return scaleView(poll, figures, where); }
    if (poll.kind === "wordcloud") { return cloudView(figures, where); }
    if (poll.kind === "open") { return answersView(view.approved, where); }
    if (poll.kind === "ranking") { return rankingView(figures, where); }
    return barsView(poll, figures, where);
  }

  function share(count, max) { return max ? (count / max).toFixed(4) : "0"; }

  function optionRows(poll, figures) {
    if (poll.kind === "statement") {
      return (figures.choices || []).map(function (row) {
        return { id: row.choice, label: T.choices[row.choice] || row.choice, count: row.count, tone: row.choice };
      });
    }
    return (figures.options || []).map(function (row, i) {
      return { id: row.id, label: row.label, count: row.count, tone: "c" + (i % OPTION_COLOURS), correct: row.correct };
    });
  }

  // Single, multiple, quiz and statement: a bar per option, its share of the voters and its count.
  function barsView(poll, figures, where) {
    const rows = optionRows(poll, figures);
    const list = Live.el("ol", { class: "bars", "data-testid": "result-bars" });
    const quizDone = poll.kind === "quiz" && rows.some(function (row) { return row.correct === true; });
    rows.forEach(function (row) {
      const item = Live.el("li", { class: "bar tone-" + row.tone, "data-testid": "result-bar", "data-count": String(row.count) });
      if (quizDone) { item.classList.add(row.correct ? "is-correct" : "is-wrong"); }
      const label = Live.el("span", { class: "bar-label" });
      if (quizDone && row.correct) { label.append(Live.el("span", { class: "bar-check", "aria-label": T.correct }, "\u2713")); }
      label.append(Live.el("span", { class: "bar-text" }, row.label));
      const value = Live.el("span", { class: "bar-value" });
      value.append(Live.el("strong", {}, percent(row.count, figures.voters)),
        Live.el("span", { class: "bar-count" }, String(row.count)));
      const track = Live.el("span", { class: "bar-track" });
      track.append(Live.el("span", { class: "bar-fill", "data-share": share(row.count, figures.voters),
        "data-key": where + ":" + row.id }));  // the bar is the share of the voters, as the percentage says
      item.append(label, value, track);
      list.append(item);
    });
    return list;
  }

  // A scale: the mean large, and the distribution as columns from min to max.
  function scaleView(poll, figures, where) {
    const box = Live.el("div", { class: "scale-view" });
    const mean = Live.el("div", { class: "scale-mean" });
    mean.append(Live.el("span", { class: "scale-mean-label" }, T.average),
      Live.el("strong", { class: "scale-mean-value" + (figures.mean == null ? " is-empty" : ""),
        "data-testid": "scale-mean" }, figures.mean == null ? "?" : number.format(figures.mean)));
    if (poll.scale) {
      mean.append(Live.el("span", { class: "scale-of" }, fill(T.scale_of, { min: poll.scale.min, max: poll.scale.max })));
    }
    const rows = figures.distribution || [];
    const max = Math.max(1, ...rows.map(function (row) { return row.count; }));
    const columns = Live.el("ol", { class: "scale-columns", "data-testid": "scale-distribution" });
    rows.forEach(function (row, i) {
      const column = Live.el("li", { class: "scale-column", "data-count": String(row.count) });
      const bar = Live.el("span", { class: "scale-bar" });
      bar.append(Live.el("span", { class: "scale-fill", "data-share": share(row.count, max), "data-key": where + ":" + row.value }));
      column.append(Live.el("span", { class: "scale-count" }, String(row.count)), bar,
        Live.el("span", { class: "scale-value" }, String(row.value)));
      columns.append(column);
    });
    const chart = Live.el("div", { class: "scale-chart" });
    chart.append(columns);
    if (poll.scale && (poll.scale.min_label || poll.scale.max_label)) {  // under the first and the last column
      const ends = Live.el("p", { class: "scale-ends" });
      ends.append(Live.el("span", {}, poll.scale.min_label), Live.el("span", {}, poll.scale.max_label));
      chart.append(ends);
    }
    box.append(mean, chart);
    return box;
  }

  // A word cloud in the page's own type: the most given words largest and in the middle, readable from afar.
  function cloudView(figures, where) {
    const words = (figures.words || []).slice(0, OVERLAY ? 10 : 40);
    const cloud = Live.el("ul", { class: "cloud", "data-testid": "word-cloud" });
    if (!words.length) {
      cloud.append(Live.el("li", { class: "cloud-empty" }, T.no_votes));
      return cloud;
    }
    const max = words[0].count;
    const min = words[words.length - 1].count;
    const placed = [];
    words.forEach(function (row, i) {  // biggest in the middle, the rest alternately right and left of it
      if (i % 2) { placed.push(row); } else { placed.unshift(row); }
    });
    placed.forEach(function (row) {
      const rank = words.indexOf(row);
      const weight = max === min ? 1 : Math.sqrt((row.count - min) / (max - min));
      const item = Live.el("li", { class: "word tone-c" + (rank % OPTION_COLOURS), "data-testid": "cloud-word",
        "data-count": String(row.count) }, row.word);
      item.style.setProperty("--w", (where === "total" ? 3.6 + 8.4 * weight : 2).toFixed(2));
      item.style.setProperty("--i", String(rank));
      item.title = String(row.count);
      cloud.append(item);
    });
    return cloud;
  }

  // A ranking: the options in the order of their score (first place scores most).
  function rankingView(figures, where) {
    const rows = figures.options || [];
    const max = Math.max(1, ...rows.map(function (row) { return row.score; }));
    const list = Live.el("ol", { class: "bars ranking", "data-testid": "ranking" });
    rows.forEach(function (row, i) {
      const item = Live.el("li", { class: "bar tone-c" + (i % OPTION_COLOURS), "data-testid": "ranked" });
      const label = Live.el("span", { class: "bar-label" });
      label.append(Live.el("span", { class: "rank" }, String(i + 1)), Live.el("span", { class: "bar-text" }, row.label));
      const value = Live.el("span", { class: "bar-value" });
      value.append(Live.el("strong", {}, fill(T.points_n, { n: row.score })));
      if (row.average_rank != null) {
        value.append(Live.el("span", { class: "bar-count" }, fill(T.average_rank, { n: number.format(row.average_rank) })));
      }
      const track = Live.el("span", { class: "bar-track" });
      track.append(Live.el("span", { class: "bar-fill", "data-share": share(row.score, max), "data-key": where + ":" + row.id }));
      item.append(label, value, track);
      list.append(item);
    });
    return list;
  }

  // Open answers: the approved ones as cards, newest first; text only.
  function answersView(approved) {
    const cards = Live.el("ul", { class: "answers", "data-testid": "answer-cards" });
    if (!approved.length) {
      cards.append(Live.el("li", { class: "cloud-empty" }, T.no_votes));
      return cards;
    }
    approved.slice(0, OVERLAY ? 3 : ANSWER_CARDS).forEach(function (answer, i) {
      const card = Live.el("li", { class: "answer-card", "data-testid": "answer-card" });
      card.style.setProperty("--i", String(i));
      card.append(Live.el("p", { class: "answer-text" }, answer.text),
        Live.el("p", { class: "answer-site" }, siteName(answer.site)));
      cards.append(card);
    });
    return cards;
  }

  // Beside the total: each site's figures, in the event's order; in a site-by-site reveal the sites still to
  // come are shown as such (the server sent nothing of them), and the newest one stands out.
  function sitesView(poll, view) {
    const box = Live.el("ol", { class: "sites-breakdown", "data-testid": "site-breakdown", "aria-label": T.per_site });
    snapshot.sites.forEach(function (site) {
      const figures = view.sites[site.key];
      const toCome = !figures && view.step && (poll.reveal_order || []).indexOf(site.key) >= 0;
      if (!figures && !toCome) { return; }
      const shown = Boolean(figures);
      const card = Live.el("li", { class: "site-card", "data-testid": "site-card", "data-site": site.key,
        "data-voters": shown ? String(figures.voters) : "" });
      if (site.key === SITE) { card.classList.add("is-here"); }
      if (site.key === view.newest) { card.classList.add("is-newest"); }
      const head = Live.el("p", { class: "site-card-head" });
      head.append(Live.el("span", { class: "site-card-name" }, site.name));
      if (!shown) {
        card.classList.add("is-pending");
        head.append(Live.el("span", { class: "site-card-votes" }, "?"));
        card.append(head, Live.el("p", { class: "site-card-line" }, T.still_to_come));
        box.append(card);
        return;
      }
      head.append(Live.el("span", { class: "site-card-votes" },
        poll.kind === "open" ? answersText(figures.answers) : votesText(figures.voters)));
      card.append(head);
      if (poll.kind === "scale") {
        head.insertBefore(Live.el("span", { class: "site-card-mean" },
          figures.mean == null ? "–" : number.format(figures.mean)), head.lastChild);
      } else if (poll.kind === "wordcloud") {
        card.append(Live.el("p", { class: "site-card-line" },
          (figures.words || []).slice(0, SITE_WORDS).map(function (row) { return row.word; }).join(" · ") || "–"));
      } else if (poll.kind === "ranking") {
        card.append(Live.el("p", { class: "site-card-line" }, figures.voters && figures.options.length
          ? "1. " + figures.options[0].label : "–"));
      } else if (poll.kind !== "open") {  // the options' colours are those of the total's bars
        card.append(stackedBar(poll, figures, site.key));
      }
      box.append(card);
    });
    return box;
  }

  function stackedBar(poll, figures, key) {
    const rows = optionRows(poll, figures);
    const all = rows.reduce(function (acc, row) { return acc + row.count; }, 0);
    const bar = Live.el("span", { class: "stacked", "aria-hidden": "true" });
    rows.forEach(function (row) {
      if (!row.count) { return; }
      bar.append(Live.el("span", { class: "stacked-part tone-" + row.tone, "data-share": share(row.count, all),
        "data-key": key + ":" + row.id }));
    });
    return bar;
  }

  // A quiz, once its right answers are told: the best players overall and at this site.
  function leaderboardView(board) {
    const box = Live.el("div", { class: "leaderboard", "data-testid": "leaderboard" });
    const list = function (players, limit) {
      const ol = Live.el("ol", { class: "leaders" });
      players.slice(0, limit).forEach(function (player, i) {
        const row = Live.el("li", { class: "leader" + (player.site === SITE ? " is-here" : "") });
        row.append(Live.el("span", { class: "rank" }, String(i + 1)), Live.el("span", { class: "leader-name" }, player.name),
          Live.el("span", { class: "leader-site" }, siteName(player.site)),
          Live.el("strong", { class: "leader-points" }, String(player.points)));
        ol.append(row);
      });
      return ol;
    };
    box.append(Live.el("h2", {}, T.leaderboard), list(board.overall || [], LEADERS));
    const here = (board.sites || {})[SITE] || [];
    if (here.length) {
      box.append(Live.el("h3", {}, fill(T.leaderboard_site, { site: siteName(SITE) })), list(here, SITE_LEADERS));
    }
    return box;
  }

  // ---- the featured question ----

  function renderFeatured(screen) {
    const question = screen.show === "question" ? snapshot.featured_question : null;
    const key = JSON.stringify(question);
    if (key === featuredKey) { return; }
    featuredKey = key;
    featured.hidden = !question;
    body.dataset.featured = question ? "1" : "";
    if (!question) { return; }
    byId("featured-label").textContent = fill(T.featured_from, { site: siteName(question.site) });
    byId("featured-text").textContent = question.text;
    byId("featured-upvotes").textContent = question.upvotes ? fill(T.upvotes, { n: question.upvotes }) : "";
    featured.classList.remove("enter");
    void featured.offsetWidth;
    featured.classList.add("enter");
  }

  // ---- reactions: emoji rising up the screen, a few at a time; a small counter for those who want no motion ----

  function react(sites) {
    const counts = {};
    Object.keys(sites).forEach(function (site) {
      Object.keys(sites[site]).forEach(function (kind) {
        if (EMOJI[kind]) { counts[kind] = (counts[kind] || 0) + Number(sites[site][kind] || 0); }
      });
    });
    if (calm.matches) {
      Object.keys(counts).forEach(function (kind) { counted.push({ at: Date.now(), kind: kind, n: counts[kind] }); });
      showCounter();
      return;
    }
    Object.keys(counts).forEach(function (kind) {
      for (let i = 0; i < Math.min(counts[kind], MAX_PER_BURST); i += 1) { float(kind, i); }
    });
  }

  function float(kind, i) {
    if (reactionLayer.childElementCount >= MAX_FLOATING) { return; }
    const emoji = Live.el("span", { class: "floater", "data-kind": kind }, EMOJI[kind]);
    emoji.style.left = (4 + Math.random() * 88).toFixed(1) + "%";
    emoji.style.setProperty("--drift", ((Math.random() - 0.5) * 16).toFixed(1));
    emoji.style.setProperty("--size", (0.8 + Math.random() * 0.6).toFixed(2));
    emoji.style.animationDelay = (i * 0.18 + Math.random() * 0.25).toFixed(2) + "s";
    const gone = function () { emoji.remove(); };
    emoji.addEventListener("animationend", gone);
    setTimeout(gone, 7000);  // also when the animation never ran
    reactionLayer.append(emoji);
  }

  function showCounter() {
    const since = Date.now() - COUNTER_WINDOW_MS;
    counted = counted.filter(function (entry) { return entry.at >= since; });
    const sums = {};
    counted.forEach(function (entry) { sums[entry.kind] = (sums[entry.kind] || 0) + entry.n; });
    const kinds = Object.keys(EMOJI).filter(function (kind) { return sums[kind]; });
    reactionCounter.hidden = !kinds.length;
    reactionCounter.replaceChildren.apply(reactionCounter, kinds.map(function (kind) {
      const item = Live.el("span", { class: "counter-item", "data-kind": kind });
      item.append(Live.el("span", { "aria-hidden": "true" }, EMOJI[kind]), Live.el("strong", {}, String(sums[kind])));
      return item;
    }));
  }
  setInterval(function () { if (counted.length) { showCounter(); } }, 1000);

  window.addEventListener("resize", fit);
  showConnection();
  // The page as served is current; "connecting" only shows (and greys it) when connecting takes a while.
  setTimeout(function () {
    slowStart = true;
    showConnection();
  }, 1000);
  setInterval(tick, TICK_MS);
  tick();
})();
