// The participant's phone page: join (no account), see what is on now, answer the site's open poll, see the
// results once revealed, ask and upvote questions, send reactions. Whether the phone asks for a vote, and which
// results it shows, is the server's decision (`sites[].screen.vote`, and the `poll:results` it sends a phone only
// once they may be seen, with the totals counted): the page draws them as they come.
//
// Its parts are in static/js/phone/: state (what the phone keeps), join, votes (kept until acknowledged), poll (the
// card with the kind's ballot and results), questions and reactions. Whatever people typed is only shown as text.
import { connect as connectLive } from "../core/live.js";
import { byId } from "../core/dom.js";
import { t } from "../core/strings.js";
import {
  SITE, SITE_NAME, currentPoll, forget, mySite, nameOf, onRedraw, scene, store, view,
} from "../phone/state.js";
import { join, renderJoined, showJoinError } from "../phone/join.js";
import { flushPending } from "../phone/votes.js";
import { changeAnswer, clearComplaint, renderPoll, tickTimer } from "../phone/poll.js";
import { ask, countQuestion, renderQuestions } from "../phone/questions.js";
import { renderReactions, setUpReactions } from "../phone/reactions.js";

const RETRY_MS = 5000; // pending votes are sent again this often while connected
const TICK_MS = 250; // the time to answer counts down this often
const NOTICE_MS = 10000; // a notice (an approval) shows this long
let generation = 0; // the connection whose news the page takes (an older one's late news is dropped)

// --- the connection --------------------------------------------------------------------------------------------

// Connect with this phone's sign-in, or with the site's join code before joining. A sign-in or a new one replaces
// the connection: the old one is closed first.
function connect() {
  if (view.live) { view.live.close(); }
  const mine = ++generation;
  const current = function () { return mine === generation; };
  const auth = store.joined ? { participant: store.joined.token } : { code: document.body.dataset.code };
  view.status = "connecting";
  view.inflight = {};
  view.live = connectLive({
    auth: auth,
    onState: function (snapshot) { if (current()) { view.snapshot = snapshot; update(); } },
    onStatus: function (status) { if (current()) { onStatus(status, auth); } },
    on: {
      "poll:results": function (results) {
        if (!current()) { return; }
        view.results[results.poll_id] = results;
        const poll = currentPoll();
        if (poll && poll.id === results.poll_id) { renderPoll(); }
      },
      "questions:changed": function (data) {
        if (!current()) { return; }
        view.questions = data.questions || [];
        renderQuestions();
      },
      "participant:votes": function (data) {
        if (!current()) { return; }
        view.votes = {};
        (data.votes || []).forEach(function (vote) { view.votes[vote.poll_id] = vote.answer; });
        renderPoll();
      },
      "participant:score": function (score) {
        if (!current()) { return; }
        view.score = score;
        renderPoll();
      },
      "participant:approved": function (data) {
        if (!current()) { return; }
        if (data.kind === "answer") { view.approved[data.poll_id] = true; }
        notify(t(data.kind === "answer" ? "answer_approved" : "question_approved"));
        renderPoll();
      },
    },
  });
  update();
}

function onStatus(status, auth) {
  view.status = status;
  if (status !== "live") { view.inflight = {}; }
  if (status === "refused" && auth.participant) {
    // The server does not know this phone's sign-in (anymore): forget it and offer the join form again, on a new
    // connection with the site's code (the refused one is closed first).
    forget();
    showJoinError(t("join_again"));
    connect();
    return;
  }
  if (status === "live") { flushPending(); }
  update();
}

function renderConnection() {
  const line = byId("connection");
  let text = "";
  if (view.status === "connecting") { text = t("connecting"); }
  else if (view.status === "reconnecting") { text = store.joined ? t("offline") : t("offline_short"); }
  else if (view.status === "refused") { text = t("refused"); }
  if (line.textContent !== text) { line.textContent = text; }
  line.dataset.state = view.status;
}

// A short notice to this participant (its answer or question was approved), read out by screen readers; it goes
// after a while.
let noticeTimer = null;
function notify(text) {
  const notice = byId("notice");
  notice.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(function () { notice.textContent = ""; }, NOTICE_MS);
}

// --- what is on now --------------------------------------------------------------------------------------------

function show(element, text) {
  element.hidden = !text;
  if (element.textContent !== (text || "")) { element.textContent = text || ""; }
}

function renderNow() {
  const snapshot = view.snapshot;
  if (!snapshot) { return; }
  const site = mySite() || {};
  const segment = snapshot.segment;
  let label = t("now");
  let title = "";
  let sub = "";
  let air = "";
  if (snapshot.status === "ended") {
    label = "";
    title = t("ended");
  } else if (!segment) {
    label = snapshot.next ? t("next") : "";
    title = snapshot.next ? snapshot.next.title : snapshot.title;
    sub = t("planned");
  } else {
    title = segment.title;
    const part = segment.parts && segment.parts[SITE];
    if (snapshot.split && part) {
      sub = t("own_session", { site: SITE_NAME }) + ": " + part.title;
      if (site.item_index !== null && site.item_index !== undefined && part.items[site.item_index]) {
        sub += " · " + t("item", { item: part.items[site.item_index] });
      }
    }
  }
  const screen = scene();
  if (screen.air && screen.air_site) {
    air = t("live_from", { site: nameOf(screen.air_site) });
    if (screen.air === "on_air") { air += " · " + t("here"); }
  }
  let message = site.message || "";
  if (screen.show === "holding" && site.holding_text) { message = site.holding_text; }
  if (!store.joined && screen.vote) { message = message || t("watching"); }
  byId("now").hidden = false;
  show(byId("now-label"), label);
  show(byId("now-title"), title);
  show(byId("now-sub"), sub);
  show(byId("on-air"), air);
  byId("on-air").classList.toggle("here", screen.air === "on_air");
  show(byId("now-message"), message);
}

// --- everything ------------------------------------------------------------------------------------------------

// Draw the page from what the phone keeps and what the server sent (lit-html changes only what differs).
function update() {
  renderConnection();
  renderJoined();
  renderNow();
  renderPoll();
  renderQuestions();
  renderReactions();
}

onRedraw(update);
byId("join-form").addEventListener("submit", function (event) { join(event, connect); });
// The join button is disabled in the page as served: a tap before this module ran would send the form to the server
// as a plain GET and reload the page.
byId("join-button").disabled = false;
byId("ask-form").addEventListener("submit", ask);
byId("ask-text").addEventListener("input", countQuestion);
byId("change-answer").addEventListener("click", changeAnswer);
["input", "change"].forEach(function (type) { byId("poll-body").addEventListener(type, clearComplaint); });
setUpReactions();
setInterval(function () { if (view.status === "live") { flushPending(); } }, RETRY_MS);
setInterval(tickTimer, TICK_MS);
countQuestion();
connect();
