// What the phone page keeps: this phone's sign-in, votes on their way, upvotes and own questions in localStorage
// (per join code), and what it was last sent. The page's parts read and change it here; after a change they ask
// for a redraw, which the page's entry module does.
import { siteName } from "../core/format.js";

const body = document.body;
export const CODE = body.dataset.code;
export const SITE = body.dataset.site;
export const SITE_NAME = body.dataset.siteName;

const PREFIX = "eventapp.phone." + CODE + ".";
const PENDING_MAX_AGE_MS = 6 * 3600 * 1000;

// localStorage may be unavailable (private mode, a full disk): the page then works per visit.
function load(name, fallback) {
  try {
    const raw = window.localStorage.getItem(PREFIX + name);
    return raw ? JSON.parse(raw) : fallback;
  } catch (error) { return fallback; }
}

// Keep a value (null or undefined: forget it).
export function save(name, value) {
  try {
    if (value === null || value === undefined) { window.localStorage.removeItem(PREFIX + name); }
    else { window.localStorage.setItem(PREFIX + name, JSON.stringify(value)); }
  } catch (error) { /* nothing to do: the page keeps it in memory */ }
}

export const store = {
  joined: load("joined", null), // the reply of POST /api/v1/join: {token, participant, name, event, site, ...}
  pending: load("pending", {}), // poll id -> {poll_id, kind, answer, key, seq, at}: votes not yet acknowledged
  seq: load("seq", 0), // the number of this phone's latest answer: a late retry of an older one changes nothing
  upvoted: load("upvoted", []), // question ids this phone upvoted
  asked: load("asked", []), // [{id, text, at}]: own questions, until they are approved
};
Object.keys(store.pending).forEach(function (id) {
  if (!store.pending[id] || Date.now() - store.pending[id].at > PENDING_MAX_AGE_MS) { delete store.pending[id]; }
});

export const view = {
  live: null, // the connection (core/live.js)
  status: "connecting", // its status
  snapshot: null,
  results: {}, // poll id -> the latest poll:results
  votes: {}, // poll id -> this participant's stored answer (acknowledged)
  errors: {}, // poll id -> why the last vote was refused, or what the form lacks
  inflight: {}, // poll id -> the attempt being sent
  questions: [],
  editing: false, // an answer given is being changed
  score: null, // this player's quiz score (participant:score): {points, rank, players}
  approved: {}, // poll id -> true: the moderator approved this phone's open answer (participant:approved)
};

// Forget this phone's sign-in and everything that belonged to it (the server no longer knows it).
export function forget() {
  store.joined = null;
  store.pending = {};
  store.seq = 0;
  view.votes = {};
  view.errors = {};
  view.score = null;
  view.approved = {};
  save("joined", null);
  save("pending", null);
  save("seq", null);
}

let redrawer = function () {};

// The page draws everything again from the store and the view (lit-html changes only what differs).
export function redraw() { redrawer(); }
export function onRedraw(callback) { redrawer = callback; }

// The name of a site of the event, by its key.
export function nameOf(key) { return siteName(view.snapshot ? view.snapshot.sites : [], key); }

// This phone's site in the state.
export function mySite() {
  return view.snapshot ? view.snapshot.sites.find(function (s) { return s.key === SITE; }) || null : null;
}

// What this site's screen and phones show, as the server decided it (the scene rule).
export function scene() {
  const site = mySite();
  return site && site.screen ? site.screen : { show: "welcome", air: null, air_site: null, vote: false };
}

// The poll on this site's screen, while the screen shows it (not while something else covers it).
export function currentPoll() {
  const site = mySite();
  return site && site.poll && scene().show === "poll" ? site.poll : null;
}

// A status line's text and its look (data-state: "sent", "sending", "offline", "error", or "" for none).
export function setStatus(element, text, state) {
  if (element.textContent !== text) { element.textContent = text; }
  element.dataset.state = state;
}
