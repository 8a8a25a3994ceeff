// A word cloud: one to three words each; the server counts them (lower case, trimmed) and sends the most given.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number } from "../core/format.js";
import { TONES, breakdown, say, siteCards, styles, view } from "./common.js";
import { formButtons, group } from "./ballots.js";

const CLOUD_COLOURS = ["#1d4ed8", "#c2410c", "#047857", "#7e22ce", "#be123c"];
const MAX_WORDS = 3;
const SITE_WORDS = 3;  // on a room screen's site card

function phoneResults(poll, results, ctx) {
  const sites = results.sites || {};
  const mine = poll.site || Object.keys(sites).length <= 1 ? null : sites[ctx.site];
  const top = ((results.total || {}).words || []).slice(0, 12);
  const max = top.length ? top[0].count : 1;
  return html`${top.length ? html`<ol class="cloud" aria-label=${say("all_sites")} data-testid="word-results">${top.map(function (w) {
    return html`<li class="cloud-word w${Math.max(1, Math.ceil((w.count / max) * 4))}" ${styles({ "--len": String(w.word.length) })}><span class="cloud-text">${w.word}</span><span class="cloud-count">${w.count}</span></li>`;
  })}</ol>` : html`<p class="hint">${say("no_words")}</p>`}${mine && mine.words && mine.words.length
    ? html`<p class="site-words">${ctx.siteName(ctx.site)}: ${mine.words.slice(0, 5).map(function (w) { return w.word + " (" + w.count + ")"; }).join(", ")}</p>` : nothing}`;
}

// The room screen: the most given words largest and in the middle, readable from afar.
function screenResults(poll, results, ctx) {
  const v = view(results);
  const words = (v.total.words || []).slice(0, ctx.overlay ? 10 : 40);
  let cloud;
  if (!words.length) {
    cloud = html`<ul class="cloud" data-testid="word-cloud"><li class="cloud-empty">${say("no_votes")}</li></ul>`;
  } else {
    const max = words[0].count;
    const min = words[words.length - 1].count;
    const placed = [];
    words.forEach(function (row, i) { if (i % 2) { placed.push(row); } else { placed.unshift(row); } });
    cloud = html`<ul class="cloud" data-testid="word-cloud">${placed.map(function (row) {
      const rank = words.indexOf(row);
      const weight = max === min ? 1 : Math.sqrt((row.count - min) / (max - min));
      return html`<li class="word tone-c${rank % TONES}" data-testid="cloud-word" data-count=${String(row.count)} title=${String(row.count)}
        ${styles({ "--w": (3.6 + 8.4 * weight).toFixed(2), "--i": String(rank), "--len": String(row.word.length) })}>${row.word}</li>`;
    })}</ul>`;
  }
  return [cloud, breakdown(poll, v, ctx) ? siteCards(poll, v, ctx, function (figures) {
    return { body: html`<p class="site-card-line">${(figures.words || []).slice(0, SITE_WORDS).map(function (row) { return row.word; }).join(" · ") || "–"}</p>` };
  }) : nothing];
}

function hostResults(poll, results) {
  const total = view(results).total;
  if (!total.voters) { return nothing; }
  return html`<p class="mini-words">${(total.words || []).slice(0, 15).map(function (row) {
    return html`<span class="mini-word">${row.word} (${row.count})</span>`;
  })}</p>`;
}

// The sheet's cloud, drawn by wordcloud2 (the page's classic script) when the page has it.
function drawCloud(container, results) {
  const canvas = container.querySelector("canvas.rv-cloud");
  if (!canvas) { return; }
  const words = (results.total || {}).words || [];
  const width = canvas.parentElement.clientWidth || 600;
  canvas.width = width;
  canvas.height = Math.round(Math.min(420, Math.max(240, width * 0.5)));
  if (!words.length) { return; }
  const max = words[0].count;
  window.WordCloud(canvas, {
    list: words.map(function (w) { return [w.word, w.count]; }),
    weightFactor: function (count) { return 14 + 46 * (count / max); },
    fontFamily: "system-ui, sans-serif", fontWeight: "700",
    color: function (word) { return CLOUD_COLOURS[word.length % CLOUD_COLOURS.length]; },
    backgroundColor: "rgba(0,0,0,0)", rotateRatio: 0, shuffle: false, drawOutOfBound: false,
    shrinkToFit: true, gridSize: Math.round(canvas.width / 80), minSize: 10,
  });
}

function sheet(poll, results, ctx) {
  const cloud = ctx.cloud !== false && window.WordCloud && window.WordCloud.isSupported;
  return {
    total: function (r) {
      const words = (r.total.words || []).slice(0, 40);
      const max = words.length ? words[0].count : 1;
      return html`${cloud ? html`<canvas class="rv-cloud" role="img" aria-label=${poll.question}></canvas>` : nothing}
        <ol class="rv-words" data-testid="rv-words">${words.length ? words.map(function (word) {
          return html`<li class="rv-word"><span class="rv-word-text" ${styles({ "font-size": (0.95 + 1.6 * (word.count / max)).toFixed(2) + "em" })}>${word.word}</span><span class="rv-word-count">${number(word.count)}</span></li>`;
        }) : html`<li class="rv-empty">${say("no_votes")}</li>`}</ol>`;
    },
    sites: function (r, keys) {
      return html`<div class="rv-site-words">${keys.map(function (key) {
        const figures = r.sites[key];
        const top = (figures.words || []).slice(0, 8);
        return html`<div class="rv-site-column"><h5 data-site=${key}>${ctx.siteName(key)} <span class="rv-voters">${say("sheet_voters", { n: number(figures.voters) })}</span></h5>
          <ol class="rv-top-words">${top.length ? top.map(function (word) {
            return html`<li><span>${word.word}</span><span class="rv-word-count">${number(word.count)}</span></li>`;
          }) : html`<li class="rv-empty">${say("no_votes")}</li>`}</ol></div>`;
      })}</div>`;
    },
    drawn: cloud ? drawCloud : null,
  };
}

function ballot(poll, ctx) {
  const draft = ctx.draft;
  const submit = function (event) {
    event.preventDefault();
    const words = draft.words.map(function (word) { return word.trim(); }).filter(Boolean);
    if (!words.length) { ctx.onInvalid(say("words_needed")); return; }
    ctx.onSubmit({ words: words });
  };
  const fields = [];
  for (let n = 1; n <= MAX_WORDS; n += 1) {
    const id = "word-" + poll.id + "-" + n;
    fields.push(html`<label for=${id} class="field-label">${say(n === 1 ? "word_label" : "word_optional", { n: n })}</label><input
      id=${id} class="phone-input word" maxlength="30" autocomplete="off" autocapitalize="none" enterkeyhint=${n === MAX_WORDS ? "send" : "next"}
      .value=${draft.words[n - 1] || ""} @input=${function (event) { draft.words[n - 1] = event.target.value; }}>`);
  }
  return html`<form class="poll-form" novalidate @submit=${submit}><fieldset class="choices">${group(say("words_hint"))}${fields}</fieldset>${formButtons(say("submit_words"), ctx)}</form>`;
}

export default {
  results: function (poll, results, ctx) {
    if (ctx.variant === "phone") { return phoneResults(poll, results, ctx); }
    if (ctx.variant === "host") { return hostResults(poll, results); }
    return screenResults(poll, results, ctx);
  },
  sheet: sheet,
  summary: function (poll, figures) { return figures.words && figures.words.length ? say("top_word", { word: figures.words[0].word }) : ""; },
  ballot: ballot,
  draft: function (poll, answer) { return { words: Array.isArray(answer) ? answer.slice(0, MAX_WORDS) : [] }; },
  folds: function () { return true; },
  stored: function (poll, wire) { return wire.words.map(function (w) { return w.trim().toLowerCase(); }); },
  describe: function (poll, answer) { return answer.join(", "); },
};
