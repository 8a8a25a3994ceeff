// An open question: a text of at most 500 characters; answers show once a moderator approved them.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number } from "../core/format.js";
import { answersText, breakdown, say, siteCards, styles, view } from "./common.js";
import { formButtons, group } from "./ballots.js";

const MAX_LENGTH = 500;
const ANSWER_CARDS = 12;  // on the room screen

// "3 waiting for moderation" (the server's count of the shown sites' answers that wait), or "" when none wait.
function waitingText(results) {
  const n = results.waiting || 0;
  return n === 1 ? say("waiting_1") : n ? say("waiting_n", { n: number(n) }) : "";
}

function phoneResults(poll, results, ctx) {
  const approved = results.approved || [];
  const waiting = waitingText(results);
  return html`<p class="hint">${answersText((results.total || {}).answers || 0)}</p>${waiting
    ? html`<p class="hint waiting" data-testid="waiting">${waiting}</p>` : nothing}${approved.length
    ? html`<h4 class="subhead">${say("approved_answers")}</h4><ul class="open-answers">${approved.map(function (a) {
      return html`<li><span>${a.text}</span><span class="muted small"> · ${ctx.siteName(a.site)}</span></li>`;
    })}</ul>` : nothing}`;
}

// The room screen: the approved answers as cards, newest first; text only.
function screenResults(poll, results, ctx) {
  const v = view(results);
  const cards = v.approved.length
    ? v.approved.slice(0, ctx.overlay ? 3 : ANSWER_CARDS).map(function (answer, i) {
      return html`<li class="answer-card" data-testid="answer-card" ${styles({ "--i": String(i) })}><p class="answer-text">${answer.text}</p><p class="answer-site">${ctx.siteName(answer.site)}</p></li>`;
    })
    : html`<li class="cloud-empty" data-testid=${results.waiting ? "waiting" : nothing}>${waitingText(results) || say("no_votes")}</li>`;
  return [html`<ul class="answers" data-testid="answer-cards">${cards}</ul>`, breakdown(poll, v, ctx)
    ? siteCards(poll, v, ctx, function () { return {}; }, function (voters, figures) { return answersText(figures.answers); }) : nothing];
}

function sheet(poll, results, ctx) {
  return {
    sitesNote: say("answers_per_site"),
    total: ctx.answers === false ? null : function (r) {
      const approved = r.approved || [];
      return html`<h5>${say("approved_answers")}</h5><ul class="rv-answers" data-testid="rv-answers">${approved.length ? approved.map(function (answer) {
        return html`<li><span class="rv-site-tag" data-site=${answer.site}>${ctx.siteName(answer.site)}</span><span class="rv-answer-text">${answer.text}</span></li>`;
      }) : html`<li class="rv-empty">${say("no_approved")}</li>`}</ul>`;
    },
    sites: function (r, keys) {
      return html`<ul class="rv-site-counts">${keys.map(function (key) {
        return html`<li><span class="rv-site-tag" data-site=${key}>${ctx.siteName(key)}</span><strong class="rv-count">${number(r.sites[key].answers || 0)}</strong></li>`;
      })}</ul>`;
    },
  };
}

function ballot(poll, ctx) {
  const draft = ctx.draft;
  const id = "open-" + poll.id;
  const submit = function (event) {
    event.preventDefault();
    const text = draft.text.trim();
    if (!text) { ctx.onInvalid(say("open_needed")); return; }
    ctx.onSubmit({ text: text });
  };
  return html`<form class="poll-form" novalidate @submit=${submit}><fieldset class="choices">${group(say("open_hint"))}
    <label for=${id} class="field-label">${say("open_label")}</label><textarea id=${id} class="phone-input" maxlength=${MAX_LENGTH} rows="4"
      aria-describedby=${id + "-count"} .value=${draft.text} @input=${function (event) { draft.text = event.target.value; ctx.redraw(); }}></textarea>
    <p class="hint counter" id=${id + "-count"}>${say("chars_left", { n: MAX_LENGTH - draft.text.length })}</p></fieldset>${formButtons(say("submit"), ctx)}</form>`;
}

export default {
  results: function (poll, results, ctx) {
    if (ctx.variant === "phone") { return phoneResults(poll, results, ctx); }
    if (ctx.variant === "host") { return nothing; }  // the host panel moderates the answers itself
    return screenResults(poll, results, ctx);
  },
  sheet: sheet,
  summary: function () { return ""; },
  countText: function (figures) { return answersText(figures.answers); },
  ballot: ballot,
  draft: function (poll, answer) { return { text: typeof answer === "string" ? answer : "" }; },
  folds: function () { return true; },
  stored: function (poll, wire) { return wire.text; },
  describe: function (poll, answer) { return answer; },
};
