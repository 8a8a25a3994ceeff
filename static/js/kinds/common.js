// What the poll-kind renderers share: their words, the context they draw in, and the bar lists that several kinds
// draw the same way (choices, statements, points). A kind's own rules stay in its own module.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { fill, number, percent, siteName } from "../core/format.js";

let words = null;

// Inline styles go through the CSSOM (core/style.js): the CSP blocks style attributes. Use as
// <span ${styles({width: "40%"})}>, with CSS property names ("font-size", "--share").
import { styleProperties as styles } from "../core/style.js";
export { styles };

// One of the kinds' words (eventapp/poll_kinds.py ui_strings(), put on every page by templates/base.html), with its
// {placeholders} filled in; the key itself when there is no such word. A key whose value is not a text (the
// renderers, the kinds' needs) gives that value.
export function say(key, values) {
  if (words === null) {
    const element = document.getElementById("kind-strings");
    words = element ? JSON.parse(element.textContent) : {};
  }
  const text = words[key];
  if (text !== undefined && typeof text !== "string") { return text; }
  return fill(text === undefined ? key : text, values || {});
}

// A poll kind in words.
export function kindLabel(kind) {
  say("");
  return (words.kinds || {})[kind] || kind;
}

// The drawing context with its defaults: variant, the event's sites, this surface's own site, ...
export function context(ctx) {
  const c = Object.assign({ variant: "screen", sites: [], now: Date.now(), site: null, answer: null }, ctx || {});
  c.siteName = function (key) { return siteName(c.sites, key); };
  return c;
}

export function votesText(n) { return n === 1 ? say("votes_1") : say("votes_n", { n: number(n || 0) }); }
export function votersText(n) { return n === 1 ? say("voters_1") : say("voters_n", { n: number(n || 0) }); }
export function answersText(n) { return n === 1 ? say("answers_1") : say("answers_n", { n: number(n || 0) }); }

// A figure with at most one decimal, in the page's language ("4", "3.5"): means and average places.
export function decimal(value) {
  return Number(value).toLocaleString(document.documentElement.lang || "nl", { maximumFractionDigits: 1 });
}

// A share from 0 to 1 as the CSS custom property the pages' bars grow by.
export function share(value, of) { return of ? (value / of).toFixed(4) : "0"; }

// The number of colours the screen's bars cycle through (its CSS has tone-c0 ... tone-c5).
export const TONES = 6;

// The figures as the server sent them, in the shape the variants draw: the total, each site's, and in a
// site-by-site reveal the sites shown so far (the newest last).
export function view(results) {
  const step = results.step || null;
  const sites = results.sites || {};
  return {
    total: results.total || { voters: 0 }, sites: sites, step: step,
    shown: results.shown || Object.keys(sites),
    newest: step && results.shown && results.shown.length ? results.shown[results.shown.length - 1] : null,
    approved: results.approved || [], leaderboard: results.leaderboard || null,
  };
}

// The phone shows the total and, beside it, its own site's figures (when the poll ran at several sites).
export function phoneFigures(poll, results, ctx) {
  const sites = results.sites || {};
  const revealed = results.step ? results.shown || [] : null;
  const oneSite = poll.site !== null && poll.site !== undefined || (!revealed && Object.keys(sites).length <= 1);
  return { total: results.total || { voters: 0 }, mine: oneSite ? null : sites[ctx.site] || null,
    revealed: revealed, oneSite: oneSite };
}

// Whether the room screen shows each site's figures beside the total: for a poll of several sites, not in the
// overlay (a corner of a video).
export function breakdown(poll, v, ctx) {
  return ctx.variant === "screen" && !ctx.overlay && !poll.site && Boolean(v.step || Object.keys(v.sites).length > 1);
}

// Whether this surface's own answer includes `key` (the phone marks "your answer").
export function isMine(answer, key) {
  if (answer === null || answer === undefined) { return false; }
  return Array.isArray(answer) ? answer.indexOf(key) >= 0 : answer === key;
}

// --- bars: rows {key, label, count, text, share (0..1 of the bar), tone, correct, mine} -----------------------

// The phone: a bar per row, with this site's figure in a thinner bar under it.
export function phoneBars(rows, siteRows, ctx) {
  const siteLabel = ctx.siteName(ctx.site);
  return html`<ul class="bars" data-testid="result-bars">${rows.map(function (row) {
    const siteRow = siteRows ? siteRows.find(function (r) { return r.key === row.key; }) : null;
    return html`<li class="bar-row${row.correct ? " correct" : ""}${row.mine ? " mine" : ""}">
      <div class="bar-top"><span class="bar-label">${row.label}${row.correct
        ? html` <span class="badge ok">✓ ${say("correct")}</span>` : nothing}${row.mine
        ? html` <span class="badge mine">${say("yours")}</span>` : nothing}</span><span class="bar-value">${row.text}</span></div>
      ${phoneBar("total", row.share)}
      ${siteRow ? html`<div class="bar-site-line">${phoneBar("site", siteRow.share)}<span class="site-figure">${siteLabel}: ${siteRow.text}</span></div>` : nothing}
    </li>`;
  })}</ul>`;
}

function phoneBar(which, part) {
  return html`<div class="bar ${which}" aria-hidden="true"><span class="fill" ${styles({ width: Math.round(100 * part) + "%" })}></span></div>`;
}

// The room screen: a bar per row, its figure and its count; `where` keys the bars so that they grow from where
// they were (the page animates --share from data-share).
export function screenBars(rows, where, extraClass) {
  const quizDone = rows.some(function (row) { return row.correct === true; });
  return html`<ol class="bars${extraClass ? " " + extraClass : ""}" data-testid="result-bars">${rows.map(function (row) {
    const state = quizDone ? (row.correct ? " is-correct" : " is-wrong") : "";
    return html`<li class="bar tone-${row.tone}${state}" data-testid="result-bar" data-count=${String(row.count)}>
      <span class="bar-label">${quizDone && row.correct ? html`<span class="bar-check" aria-label=${say("correct")}>✓</span>` : nothing}${row.rank
        ? html`<span class="rank">${row.rank}</span>` : nothing}<span class="bar-text">${row.label}</span></span>
      <span class="bar-value"><strong>${row.figure}</strong><span class="bar-count">${row.text}</span></span>
      <span class="bar-track"><span class="bar-fill" data-share=${share(row.share, 1)} data-key=${where + ":" + row.key}></span></span>
    </li>`;
  })}</ol>`;
}

// The host panel: small bars with a label and a figure.
export function miniBars(rows) {
  return html`<ol class="mini-bars">${rows.map(function (row) {
    return html`<li class="mini-bar"><span class="mini-label">${row.label}</span><span class="mini-value">${row.text}</span><span class="mini-track"><span class="mini-fill" ${styles({ "--share": share(row.share, 1) })}></span></span></li>`;
  })}</ol>`;
}

// The screen's cards per site: in a site-by-site reveal the sites still to come are shown as such (the server sent
// nothing of them), and the newest one stands out. `line(figures, key)` draws a site's figures.
export function siteCards(poll, v, ctx, line, countText) {
  return html`<ol class="sites-breakdown" data-testid="site-breakdown" aria-label=${say("per_site")}>${ctx.sites.map(function (site) {
    const figures = v.sites[site.key];
    const toCome = !figures && v.step && (poll.reveal_order || []).indexOf(site.key) >= 0;
    if (!figures && !toCome) { return nothing; }
    const classes = "site-card" + (site.key === ctx.site ? " is-here" : "") + (site.key === v.newest ? " is-newest" : "")
      + (figures ? "" : " is-pending");
    if (!figures) {
      return html`<li class=${classes} data-testid="site-card" data-site=${site.key} data-voters="">
        <p class="site-card-head"><span class="site-card-name">${site.name}</span><span class="site-card-votes">?</span></p>
        <p class="site-card-line">${say("still_to_come")}</p></li>`;
    }
    const drawn = line(figures, site.key);
    return html`<li class=${classes} data-testid="site-card" data-site=${site.key} data-voters=${String(figures.voters)}>
      <p class="site-card-head"><span class="site-card-name">${site.name}</span>${drawn.head || nothing}<span class="site-card-votes">${(countText || votesText)(figures.voters, figures)}</span></p>
      ${drawn.body || nothing}</li>`;
  })}</ol>`;
}

// One bar of stacked parts (a site's choices, in the colours of the total's bars).
export function stackedBar(rows, key) {
  const all = rows.reduce(function (acc, row) { return acc + row.count; }, 0);
  return html`<span class="stacked" aria-hidden="true">${rows.filter(function (row) { return row.count; }).map(function (row) {
    return html`<span class="stacked-part tone-${row.tone}" data-share=${share(row.count, all)} data-key=${key + ":" + row.key}></span>`;
  })}</span>`;
}

// "12 · 40%" of a count among voters (the server's counts; the percentage is only written).
export function countText(count, voters) { return number(count) + " · " + percent(count, voters) + "%"; }
