// Votes on their way. A vote is kept in localStorage with its idempotency key until the server acknowledges it
// (after the commit), so a vote made on a weak network or while the server is away is sent again, with the same key
// and seq, and counts once.
import { storedAnswer } from "../kinds/index.js";
import { redraw, save, store, view } from "./state.js";

// A vote the server did not store yet (refused with "retry": the database is away, or busy) goes again with the
// same key and seq (it counts once), after a growing pause: RETRY_FIRST_MS, twice that... up to RETRY_MAX_MS.
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 15000;
const backoff = {}; // poll id -> {key, tries, due}: the pending vote of that poll waits until `due`

// This participant's answer to a poll as the server stores it: the one on its way if any, else the counted one
// (or null).
export function answerOf(poll) {
  const pending = store.pending[poll.id];
  if (pending) { return storedAnswer(poll, pending.answer); }
  return Object.prototype.hasOwnProperty.call(view.votes, poll.id) ? view.votes[poll.id] : null;
}

function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

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

// Vote: kept until acknowledged (a reload or a reconnect sends it again), and sent now if the phone is live.
export function vote(poll, answer) {
  if (!store.joined) { return; }
  store.seq += 1;
  save("seq", store.seq);
  const entry = { poll_id: poll.id, kind: poll.kind, answer: answer, key: newKey(), seq: store.seq, at: Date.now() };
  store.pending[poll.id] = entry;
  savePending();
  delete view.errors[poll.id];
  view.editing = false;
  send(entry);
  redraw();
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
    // No reply in time, or not stored yet: the vote stays pending and goes again with the same key (it counts once).
  } finally {
    if (view.inflight[pollId] === attempt) { delete view.inflight[pollId]; }
    redraw();
  }
}

// Send every vote still on its way (on getting live, and every few seconds while live).
export function flushPending() {
  Object.keys(store.pending).forEach(function (id) { send(store.pending[id]); });
}
