// The poll card: the question on this site's screen with its ballot (the poll kind's, from static/js/kinds/), this
// phone's answer and how its vote is doing, and the results once the server sends them to phones (it sends them at
// the reveal's moment, with the totals counted: they are drawn as they come).
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { keyed } from "/vendor/lit-html/directives/keyed.js";
import { ballot, ballotFolds, describeAnswer, resetBallot, results as kindResults, summary } from "../kinds/index.js";
import { byId } from "../core/dom.js";
import { clock, ms, number } from "../core/format.js";
import { t } from "../core/strings.js";
import { SITE, currentPoll, redraw, scene, setStatus, store, view } from "./state.js";
import { answerOf, vote } from "./votes.js";

let shownPoll = null; // the id of the poll on the card
let announced = null; // "pollId|step" of the results last announced to screen readers
let ranOut = null; // the poll whose time to answer this phone saw run out
let counted = null; // {poll, endsAt}: the countdown this phone showed last
const RAN_OUT_MARGIN_MS = 2000; // a close this near the deadline (by this phone's clock) was the deadline's

// The time left to answer an open poll with a deadline (`closes_at`), by the server's clock, in ms; null without one.
function timeLeft(poll) {
  if (!poll || poll.state !== "open" || !poll.closes_at || !view.live) { return null; }
  counted = { poll: poll.id, endsAt: ms(poll.closes_at) };
  return counted.endsAt - view.live.now();
}

// Whether the time to answer is up: the ballot locks at once; the server closes the poll itself a moment later (and
// may do so before this phone's clock got there: a close at the deadline is the time running out too).
function timeUp(poll) {
  const left = timeLeft(poll);
  if (left !== null) { return left <= 0; }
  return poll.state === "closed" && (ranOut === poll.id || counted !== null && counted.poll === poll.id
    && Boolean(view.live) && view.live.now() >= counted.endsAt - RAN_OUT_MARGIN_MS);
}

// This phone's answer, and whether the ballot takes a (new) one.
function context(poll) {
  const answer = answerOf(poll);
  const up = timeUp(poll);
  const open = scene().vote && !up;
  return {
    answer: answer,
    open: open,
    timeUp: up,
    locked: !open || (poll.kind === "quiz" && answer !== null) || (!poll.allow_change && answer !== null),
  };
}

function submit(poll, answer) {
  delete view.approved[poll.id]; // a new answer waits for the moderator again
  vote(poll, answer);
  const status = byId("vote-status");
  if (status.scrollIntoView && status.getBoundingClientRect().bottom > window.innerHeight) {
    status.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

// Draw the card from the state, this phone's answer and the results it has.
export function renderPoll() {
  if (!store.joined || !view.snapshot) { return; }
  const poll = currentPoll();
  if ((poll ? poll.id : null) !== shownPoll) {
    view.editing = false;
    shownPoll = poll ? poll.id : null;
  }
  const card = byId("poll");
  card.dataset.kind = poll ? poll.kind : "none";
  card.dataset.pollId = poll ? poll.id : "";
  if (!poll) {
    render(html`<h2 id="poll-title" class="poll-question idle">${t("no_poll")}</h2>`, byId("poll-body"));
    setStatus(byId("vote-status"), "", "");
    byId("answer-summary").hidden = true;
    renderResults(null);
    return;
  }
  const ctx = context(poll);
  const folds = ballotFolds(poll);
  // Forms (several choices, words, text, ranking) fold away once answered; buttons stay and show the choice.
  const showForm = !folds || (ctx.open && (ctx.answer === null || (view.editing && !ctx.locked)));
  if (!showForm) { view.editing = false; }
  const form = ballot(poll, ctx.answer, {
    variant: "phone", site: SITE, sites: view.snapshot.sites, strings: t, locked: ctx.locked, open: ctx.open,
    editing: view.editing && ctx.answer !== null,
    onSubmit: function (answer) { submit(poll, answer); },
    onInvalid: function (message) { view.errors[poll.id] = message; redraw(); },
    onCancel: function () { view.editing = false; redraw(); byId("change-answer").focus(); },
    redraw: redraw,
  });
  // A new poll gets a new ballot (nothing picked or typed on the last one carries over).
  render(html`${keyed(poll.id, html`<h2 id="poll-title" class="poll-question">${poll.question}</h2>
    <div class="ballot" ?hidden=${!showForm}>${form}</div>`)}`, byId("poll-body"));
  renderAnswer(poll, ctx, folds);
  renderResults(poll);
  tickTimer();
}

// The countdown beside the ballot, from the server's clock; when it reaches 0 the ballot locks and says the time is
// up (the server closes the poll; the page only shows it). Called every tick and on every redraw.
export function tickTimer() {
  const box = byId("answer-timer");
  const poll = store.joined ? currentPoll() : null;
  const left = timeLeft(poll);
  const up = poll !== null && timeUp(poll);
  box.hidden = left === null && !up;
  const text = box.hidden ? "" : up ? t("time_up") : t("time_left", { time: clock(Math.ceil(left / 1000) * 1000) });
  if (box.textContent !== text) { box.textContent = text; }
  box.dataset.state = up ? "up" : left !== null && left <= 10000 ? "ending" : "";
  if (up && ranOut !== poll.id) {
    ranOut = poll.id;
    if (answerOf(poll) === null) { resetBallot(poll); } // a choice picked but not sent is no answer
    byId("results-announce").textContent = t("time_up");
    redraw();
  }
}

function renderAnswer(poll, ctx, folds) {
  const hasAnswer = ctx.answer !== null;
  byId("answer-summary").hidden = !hasAnswer && ctx.open;
  if (hasAnswer) {
    byId("your-answer").textContent = t("your_answer", { answer: describeAnswer(poll, ctx.answer) });
    byId("answer-hint").textContent = ctx.timeUp ? t("time_up") : !ctx.open ? t("closed")
      : poll.kind === "open" ? (view.approved[poll.id] ? t("answer_approved") : t("open_moderated"))
        : ctx.locked ? t("final") : t("can_change");
  } else {
    byId("your-answer").textContent = "";
    byId("answer-hint").textContent = ctx.timeUp ? t("time_up_no_vote") : ctx.open ? "" : t("closed_no_vote");
  }
  byId("change-answer").hidden = !(hasAnswer && folds && !ctx.locked && !view.editing);

  const status = byId("vote-status");
  if (view.errors[poll.id]) {
    setStatus(status, view.errors[poll.id], "error");
  } else if (store.pending[poll.id]) {
    if (view.status !== "live") { setStatus(status, t("offline"), "offline"); }
    else if (view.inflight[poll.id]) { setStatus(status, t("sending"), "sending"); }
    else { setStatus(status, t("retrying"), "sending"); }
  } else if (Object.prototype.hasOwnProperty.call(view.votes, poll.id)) {
    setStatus(status, t("sent"), "sent");
  } else {
    setStatus(status, "", "");
  }
}

// "Change my answer": the folded form again, with the answer given in it.
export function changeAnswer() {
  const poll = currentPoll();
  if (!poll || !ballotFolds(poll)) { return; }
  resetBallot(poll);
  view.editing = true;
  redraw();
  const first = byId("poll-body").querySelector(".ballot input, .ballot textarea, .ballot button");
  if (first) { first.focus(); }
}

// Typing or ticking again clears the last complaint about the ballot.
export function clearComplaint() {
  const poll = currentPoll();
  if (poll && view.errors[poll.id]) {
    delete view.errors[poll.id];
    redraw();
  }
}

// The results as the server sent them, drawn by the poll's kind.
function drawResults(poll, results) {
  return kindResults(poll, results, {
    variant: "phone", site: SITE, sites: view.snapshot.sites, strings: t, now: view.live.now(), answer: answerOf(poll),
  });
}

function renderResults(poll) {
  const box = byId("poll-results");
  renderScore(poll);
  if (!poll || !store.joined) {
    box.hidden = true;
    render(nothing, box);
    return;
  }
  if (!poll.results_visible) { delete view.results[poll.id]; } // hidden again by the chair
  const answered = answerOf(poll) !== null;
  const voting = scene().vote;
  // Results show to those who answered (no nudging the undecided) and to everyone once voting is over; the server
  // sends them at the reveal's moment, the same on every phone and screen.
  const results = poll.results_visible && (answered || !voting) ? view.results[poll.id] : null;
  if (!results) {
    box.hidden = !(answered && voting);
    render(box.hidden ? nothing : html`<p class="hint results-wait">${t("results_wait")}</p>`, box);
    return;
  }
  // Each step of a reveal is drawn anew, so that its bars grow in (the box's "animate" class).
  const step = poll.id + "|" + results.step;
  box.hidden = false;
  render(html`${keyed(step, drawResults(poll, results))}`, box);
  if (announced !== step) {
    announced = step;
    byId("results-announce").textContent = t("results_announce") + " " + summary(poll, results.total);
  }
}

// This player's own quiz score (participant:score) under a quiz question's results: "You: 3 points · place 2 of 14";
// with 0 points only "You: 0 points" (the server gives no rank then).
function renderScore(poll) {
  const box = byId("quiz-score");
  const score = view.score;
  const shown = Boolean(poll && poll.kind === "quiz" && poll.results_visible && score && view.results[poll.id]);
  box.hidden = !shown;
  let text = "";
  if (shown) {
    const points = score.points === 1 ? t("points_1") : t("points_n", { n: number(score.points) });
    text = score.points && score.rank ? t("score", { points: points, rank: number(score.rank), players: number(score.players) })
      : t("score_none", { points: points });
  }
  if (box.textContent !== text) { box.textContent = text; }
}
