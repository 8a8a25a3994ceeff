// The live connection every surface shares: one Socket.IO connection to the controller.
// It keeps the newest state (by version), estimates the server's clock, sends heartbeats, and tells the
// page when it is live, reconnecting or refused, so that a page never shows stale state as if it were live.
//
// The statuses a page gets: "connecting" (first attempt), "syncing" (connected, but no snapshot has arrived over
// this connection yet), "live" (connected, and what the page shows is the server's current state),
// "reconnecting" (the connection was lost; Socket.IO retries by itself) and "refused" (the server said no).
"use strict";
window.Live = (function () {
  const HEARTBEAT_MS = 10000;
  const ACK_TIMEOUT_MS = 10000;
  // The server sends its state on every connect; if none came after this long, ask for it.
  const RESYNC_AFTER_MS = 2000;

  // The translated strings the page's template put in <script type="application/json" id="strings">.
  function strings() {
    const element = document.getElementById("strings");
    return element ? JSON.parse(element.textContent) : {};
  }

  function connect(options) {
    // options: auth ({token} or {code}), onState(snapshot), onStatus(status, detail), onPresence(presence),
    // onProgramme(change)
    // Reconnecting: after 1 s, then 2 s apart (+-50%), not up to 5 s apart: a restarted server (a few seconds) gets
    // its phones back within seconds of answering, not at the next 5-s round (docs/performance.md, 3).
    const socket = io({ auth: options.auth, reconnectionDelayMax: 2000 });
    let version = -1;
    let fresh = false; // a snapshot arrived over the connection that is up now
    let offsetMs = 0; // server clock minus local clock
    let heartbeat = null;

    function status(name, detail) { if (options.onStatus) { options.onStatus(name, detail || ""); } }

    // A snapshot from the server. Within one connection an older version than the one shown is a late message
    // and is dropped; the first one after a (re)connect is the truth, whatever its version (a restored database).
    function accept(snapshot) {
      if (fresh && snapshot.version < version) { return; }
      version = snapshot.version;
      options.onState(snapshot);
      if (socket.connected && !fresh) {
        fresh = true;
        status("live");
      }
    }

    // A reconnect normally brings a snapshot by itself; if none came, ask whether the one shown is current.
    function resync() {
      if (fresh || !socket.connected) { return; }
      ack("state:sync", { version: version }).then(function (reply) {
        if (!reply || !reply.ok || fresh || !socket.connected) { return; }
        if (reply.snapshot) {
          accept(reply.snapshot);
        } else {  // the server's version is the one shown
          fresh = true;
          status("live");
        }
      }).catch(function () { /* no answer: the next reconnect tries again */ });
    }

    // Estimate the clock offset from a few round trips, keeping the one with the shortest delay.
    async function syncClock() {
      let best = null;
      for (let i = 0; i < 5; i += 1) {
        const sent = Date.now();
        const reply = await ack("clock:ping", {}).catch(function () { return null; });
        const received = Date.now();
        if (reply && (best === null || received - sent < best.rtt)) {
          best = { rtt: received - sent, offset: reply.server_time - (sent + received) / 2 };
        }
      }
      if (best) { offsetMs = best.offset; }
    }

    function ack(name, payload) {
      return new Promise(function (resolve, reject) {
        socket.timeout(ACK_TIMEOUT_MS).emit(name, payload === undefined ? {} : payload, function (error, reply) {
          if (error) { reject(new Error("no answer from the server")); } else { resolve(reply); }
        });
      });
    }

    // The server sends the state in its connect handler, so Socket.IO hands that snapshot to the page before its
    // own "connect" event: a snapshot accepted on this connection already made the page live. `fresh` is reset
    // where a connection ends (disconnect, connect_error), never here.
    socket.on("connect", function () {
      if (!fresh) { status("syncing"); }
      syncClock();
      clearInterval(heartbeat);
      heartbeat = setInterval(function () { socket.emit("presence:heartbeat", {}); }, HEARTBEAT_MS);
      setTimeout(resync, RESYNC_AFTER_MS);
    });
    socket.on("disconnect", function (reason) {
      clearInterval(heartbeat);
      fresh = false;
      status("reconnecting");
      // Dropped by the server (its link was replaced): connect again, to be refused with the reason, or let in.
      if (reason === "io server disconnect") { socket.connect(); }
    });
    socket.on("connect_error", function (error) {
      // A refusal by the server (bad link) is final; anything else is retried by Socket.IO itself.
      fresh = false;
      status(socket.active ? "reconnecting" : "refused", error.message);
    });
    socket.on("state:changed", accept);
    socket.on("presence:changed", function (data) { if (options.onPresence) { options.onPresence(data.presence); } });
    socket.on("programme:changed", function (data) { if (options.onProgramme) { options.onProgramme(data); } });

    return {
      socket: socket,
      // Run an action; resolves with the reply, rejects with an Error carrying the server's message.
      act: async function (name, payload) {
        const reply = await ack(name, payload);
        if (!reply || !reply.ok) {
          const error = new Error((reply && reply.error) || "refused");
          error.details = (reply && reply.details) || [];
          error.retry = Boolean(reply && reply.retry); // nothing was done; the same request may go again
          throw error;
        }
        return reply;
      },
      // The server's time now, in milliseconds since the epoch.
      now: function () { return Date.now() + offsetMs; },
      version: function () { return version; },
    };
  }

  // What a poll's results label says about who sees them, as a key of the page's strings: "shown", "waiting" (shown
  // at the reveal's moment), "live_once_opened", "hidden_until_revealed" or "quiz_hidden" (an open quiz shows
  // nothing until it is closed and revealed). It follows the server's rule (eventapp/views/results.py).
  function resultsVisibility(poll, now) {
    if (poll.results_visible) {
      return poll.reveal_at && Date.parse(poll.reveal_at) > now ? "waiting" : "shown";
    }
    if (poll.kind === "quiz" && poll.state !== "closed") { return "quiz_hidden"; }
    if (poll.state === "draft" && poll.hide_results === false) { return "live_once_opened"; }
    return "hidden_until_revealed";
  }

  // "mm:ss" (or "h:mm:ss") of a number of milliseconds; negative values get a minus sign (overtime).
  function clock(ms) {
    const sign = ms < 0 ? "-" : "";
    let seconds = Math.floor(Math.abs(ms) / 1000);
    const hours = Math.floor(seconds / 3600);
    seconds -= hours * 3600;
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return sign + (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" + rest;
  }

  // "HH:MM" of an ISO time, in the event's time zone.
  function timeOfDay(iso, timeZone) {
    if (!iso) { return ""; }
    return new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", timeZone: timeZone })
      .format(new Date(iso));
  }

  // Create an element with text (never HTML: whatever people typed is shown as text).
  function el(tag, attributes, text) {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function (pair) { element.setAttribute(pair[0], pair[1]); });
    if (text !== undefined && text !== null) { element.textContent = text; }
    return element;
  }

  return { connect: connect, strings: strings, clock: clock, timeOfDay: timeOfDay, el: el,
    resultsVisibility: resultsVisibility };
})();
