// The poll kinds in the browser: one module per kind (several kinds share one where they draw the same way), each
// with the kind's own rules for drawing its results and its ballot. Pages call only this module:
//
//   results(poll, results, ctx)            a lit-html template of the poll's results as the server sent them, for
//                                          the variants "phone", "screen" and "host"
//   mountResults(container, poll, results, ctx)   draws into `container` and keeps it there (Chart.js canvases,
//                                          word clouds): the variants "report" and "control" (the results sheet), and
//                                          any other variant (rendered with lit-html). Call again to update.
//   ballot(poll, answer, ctx)              the phone's voting form of the poll (a lit-html template)
//   resetBallot(poll)                      forget what was picked or typed, so the next ballot starts from the answer
//   ballotFolds(poll)                      whether the ballot is a form that folds away once answered (else buttons
//                                          that stay and show the choice)
//   storedAnswer(poll, wire)               the answer as the server stores it, from what the phone sends
//   describeAnswer(poll, answer)           an answer in words ("Your answer: ...")
//   summary(poll, figures)                 one line about some figures: "14 votes · most chosen: X (43%)"
//   kindLabel(kind)                        a kind in words
//   kindNeeds(kind, need)                  whether a kind's definition has "options", a "scale" or "correct" options
//
// ctx: { variant, sites (the state's sites list), now (server time ms), strings (the page's t function; the kinds'
// own words come from <script id="kind-strings">), site (this phone's or screen's own site), answer (this phone's
// stored answer, marked "yours"), overlay (a screen in a video's corner), cloud (false: no word-cloud canvas on the
// sheet), answers (false: the sheet leaves out the approved open answers) }.
// The ballot's ctx adds: onSubmit(answer) with the answer in the kind's wire format, onInvalid(message), redraw() (the
// ballot's own state changed: render it again), locked, open, editing (an answer given is being changed: show
// "cancel"), onCancel().
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { answersText, context, kindLabel, phoneFigures, say, votersText, votesText } from "./common.js";
import { mountSheet } from "./sheet.js";

// Each kind's module, as eventapp/poll_kinds.py names it (RULES[kind].renderer): a new kind needs no line here.
const BY_KIND = {};
const renderers = say("renderers");
if (typeof renderers !== "object") { throw new Error("the page has no <script id=kind-strings> (templates/base.html)"); }
const names = Array.from(new Set(Object.values(renderers)));
const modules = await Promise.all(names.map(function (name) { return import("./" + name + ".js"); }));
Object.entries(renderers).forEach(function ([kind, name]) { BY_KIND[kind] = modules[names.indexOf(name)].default; });

// The poll kinds this front end draws.
export const KINDS = Object.keys(BY_KIND);

function kindOf(poll) {
  const module = BY_KIND[poll.kind];
  if (!module) { throw new Error("no renderer for the poll kind " + poll.kind); }
  return module;
}

export { kindLabel };

export function kindNeeds(kind, need) { return (say("needs")[need] || []).indexOf(kind) >= 0; }

// --- results -------------------------------------------------------------------------------------------------

export function results(poll, figures, ctx) {
  const c = context(ctx);
  if (!figures) { return nothing; }
  const drawn = kindOf(poll).results(poll, figures, c);
  if (c.variant === "phone") { return phoneFrame(poll, figures, c, drawn); }
  if (c.variant === "screen") {
    const parts = Array.isArray(drawn) ? drawn : [drawn, nothing];
    return html`<div class="results-total" data-testid="results-total">${parts[0]}</div>${parts[1]}`;
  }
  if (c.variant === "host") {
    const voters = (figures.total || {}).voters;
    return html`<div class="poll-results" data-testid="poll-results">${poll.kind === "open" ? nothing
      : voters ? drawn : html`<p class="muted">${say("no_votes")}</p>`}</div>`;
  }
  throw new Error("the " + c.variant + " variant is drawn with mountResults()");
}

// The phone's results: a heading, who answered (all sites, and this site), the sites revealed so far, then the kind.
function phoneFrame(poll, figures, ctx, drawn) {
  const f = phoneFigures(poll, figures, ctx);
  const keyed = Boolean(kindOf(poll).keyed);
  return html`<div class="results-inner"><div class="results-head"><h3 class="section-title">${say("results")}</h3>
    <p class="results-meta${keyed ? " keyed" : ""}"><span class="legend-total">${f.oneSite ? ctx.siteName(poll.site || ctx.site) : say("all_sites")}: ${votersText(f.total.voters)}</span>${f.mine
      ? html`<span class="legend-site">${ctx.siteName(ctx.site)}: ${votersText(f.mine.voters)}</span>` : nothing}</p>
    ${f.revealed ? html`<p class="hint">${say("sites_revealed", { sites: f.revealed.map(ctx.siteName).join(", ") })}</p>` : nothing}</div>
    ${drawn}${f.total.voters ? nothing : html`<p class="hint">${say("no_votes")}</p>`}</div>`;
}

export function mountResults(container, poll, figures, ctx) {
  const c = context(ctx);
  if (c.variant === "report" || c.variant === "control") {
    mountSheet(container, poll, figures, c, kindOf(poll).sheet(poll, figures, c));
  } else {
    render(results(poll, figures, c), container);
  }
}

// One line about some figures (the total, or one site's): "14 votes · most chosen: X (43%)".
export function summary(poll, figures) {
  if (!figures) { return ""; }
  const module = kindOf(poll);
  const parts = [module.countText ? module.countText(figures) : votesText(figures.voters)];
  if (figures.voters) {
    const line = module.summary(poll, figures);
    if (line) { parts.push(line); }
  }
  return parts.join(" · ");
}

// --- the ballot ----------------------------------------------------------------------------------------------

const drafts = new Map();  // poll id -> what was picked or typed on this poll's ballot, not sent yet

export function ballot(poll, answer, ctx) {
  const module = kindOf(poll);
  if (!drafts.has(poll.id)) { drafts.set(poll.id, module.draft(poll, answer)); }
  const noop = function () {};
  const c = Object.assign({ locked: false, open: true, editing: false, onSubmit: noop, onInvalid: noop, onCancel: noop,
    redraw: noop }, context(ctx), { answer: answer === undefined ? null : answer, draft: drafts.get(poll.id) });
  return module.ballot(poll, c);
}

export function resetBallot(poll) { drafts.delete(poll.id); }

export function ballotFolds(poll) { return kindOf(poll).folds(poll); }

export function storedAnswer(poll, wire) { return kindOf(poll).stored(poll, wire); }

export function describeAnswer(poll, answer) { return kindOf(poll).describe(poll, answer); }

export { answersText, votesText };
