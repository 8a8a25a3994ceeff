// The live connection every surface shares: one Socket.IO connection to the controller, in one place.
// It keeps the newest state (by version), estimates the server's clock, sends heartbeats, watches for a connection
// that died silently, and tells the page which connection status to show, so that a page never shows stale state
// as if it were live and never keeps its own fresh/stale bookkeeping.
//
// The statuses a page is given (also set as <body data-connection>):
//   "connecting"   the first attempt, for the first moment (the page as served is current: nothing greys out)
//   "waiting"      the first attempt takes longer than a moment
//   "live"         connected, and what the page shows is the server's current state
//   "reconnecting" the connection was lost, or it is back but no fresh state has come over it yet
//   "refused"      the server said no (a bad or replaced link); final
import { io } from "/vendor/socket.io.esm.min.js";

const HEARTBEAT_MS = 10000;
const ACK_TIMEOUT_MS = 10000;
const RESYNC_AFTER_MS = 2000;   // the server sends its state on every connect; if none came after this, ask
const SLOW_START_MS = 1000;     // after this long without a first state, "connecting" becomes "waiting"

// options:
//   auth                  {token} or {participant} or {code}: the Socket.IO auth of this page
//   onState(snapshot)     a new state (the page renders it)
//   stateEvent            the push that carries this page's state: "state:changed" (default), or for a page with
//                         its own view of the state the event that carries it ("speaker:changed")
//   onStatus(status, detail)  the status to show changed (see above); detail is the server's reason, if any
//   onPresence(presence), onProgramme(change)   optional
//   on                    {eventName: handler} for the page's other pushes (e.g. "poll:results")
//   watchdogMs            check every so many ms that the server still answers (room screens: a cable can die
//                         silently); 0 = off
export function connect(options) {
  // Reconnecting: after 1 s, then 2 s apart (+-50%), not up to 5 s apart: a restarted server gets its phones back
  // within seconds of answering (docs/performance.md, 3).
  const socket = io({ auth: options.auth, reconnectionDelayMax: 2000 });
  let version = -1;
  let hasState = false;   // any state arrived since the page was opened
  let fresh = false;      // a state arrived over the connection that is up now
  let refused = false;
  let closed = false;     // closed by the page: it reports nothing more (its timers may still fire)
  let slowStart = false;
  let detail = "";
  let shown = null;
  let offsetMs = 0;       // server clock minus local clock
  let heartbeat = null;

  function currentStatus() {
    if (refused) { return "refused"; }
    if (socket.connected && fresh) { return "live"; }
    if (!hasState) { return slowStart ? "waiting" : "connecting"; }
    return "reconnecting";
  }

  function report() {
    if (closed) { return; }
    const status = currentStatus();
    document.body.dataset.connection = status;
    if (status !== shown && options.onStatus) {
      shown = status;
      options.onStatus(status, detail);
    }
    shown = status;
  }

  // Within one connection an older version than the one shown is a late message and is dropped; the first one
  // after a (re)connect is the truth, whatever its version (a restored database).
  function accept(snapshot) {
    if (fresh && snapshot.version < version) { return; }
    version = snapshot.version;
    hasState = true;
    if (socket.connected) { fresh = true; }
    options.onState(snapshot);
    report();
  }

  // A reconnect normally brings a state by itself; if none came, ask whether the one shown is current.
  function resync() {
    if (fresh || !socket.connected) { return; }
    ack("state:sync", { version: version }).then(function (reply) {
      if (!reply || !reply.ok || fresh || !socket.connected) { return; }
      if (reply.snapshot) {
        accept(reply.snapshot);
      } else {  // the server's version is the one shown
        fresh = true;
        report();
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

  function ack(name, payload, timeoutMs) {
    return new Promise(function (resolve, reject) {
      socket.timeout(timeoutMs || ACK_TIMEOUT_MS).emit(name, payload === undefined ? {} : payload,
        function (error, reply) {
          if (error) { reject(new Error("no answer from the server")); } else { resolve(reply); }
        });
    });
  }

  // The server sends the state in its connect handler, so Socket.IO hands that state to the page before its own
  // "connect" event: a state accepted on this connection already made the page live. `fresh` is reset where a
  // connection ends (disconnect, connect_error), never here.
  socket.on("connect", function () {
    refused = false;
    detail = "";
    report();
    syncClock();
    clearInterval(heartbeat);
    heartbeat = setInterval(function () { socket.emit("presence:heartbeat", {}); }, HEARTBEAT_MS);
    setTimeout(resync, RESYNC_AFTER_MS);
  });
  socket.on("disconnect", function (reason) {
    clearInterval(heartbeat);
    fresh = false;
    report();
    // Dropped by the server (its link was replaced): connect again, to be refused with the reason, or let in.
    if (reason === "io server disconnect") { socket.connect(); }
  });
  socket.on("connect_error", function (error) {
    // A refusal by the server (bad link) is final; anything else is retried by Socket.IO itself.
    fresh = false;
    refused = !socket.active;
    detail = error.message;
    report();
  });
  socket.on(options.stateEvent || "state:changed", accept);
  socket.on("presence:changed", function (data) { if (options.onPresence) { options.onPresence(data.presence); } });
  socket.on("programme:changed", function (data) { if (options.onProgramme) { options.onProgramme(data); } });
  Object.entries(options.on || {}).forEach(function ([name, handler]) { socket.on(name, handler); });

  let watchdog = null;
  if (options.watchdogMs) {
    watchdog = setInterval(function () {
      if (!socket.connected) { return; }
      socket.timeout(options.watchdogMs).emit("clock:ping", {}, function (error) {
        if (error && socket.connected) {
          fresh = false;
          report();
          socket.io.engine.close();  // Socket.IO reconnects by itself and the server sends a new state
        }
      });
    }, options.watchdogMs);
  }
  setTimeout(function () { slowStart = true; report(); }, SLOW_START_MS);
  report();

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
    // An emit with an acknowledgement, resolving with the raw reply (for requests that are not actions).
    ask: ack,
    // The server's time now, in milliseconds since the epoch.
    now: function () { return Date.now() + offsetMs; },
    version: function () { return version; },
    status: currentStatus,
    // Close this connection for good (a phone that signs in again opens a new one).
    // It reports no status after this (the page's new connection does), and its watchdog stops.
    close: function () {
      closed = true;
      clearInterval(heartbeat);
      clearInterval(watchdog);
      socket.disconnect();
    },
  };
}
