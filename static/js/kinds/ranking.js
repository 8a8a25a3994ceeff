// A ranking: every option in order, most important first. The server counts points (Borda: first place scores
// most) and each option's average place; the options come in the order of their points.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number } from "../core/format.js";
import { TONES, breakdown, decimal, miniBars, say, screenBars, siteCards, view } from "./common.js";
import { tableHead } from "./sheet.js";
import { formButtons, group } from "./ballots.js";
import { optionLabel } from "./choice.js";

function place(row) { return row.average_rank === null || row.average_rank === undefined ? null : decimal(row.average_rank); }

function phoneResults(poll, results, ctx) {
  const total = results.total || { options: [] };
  const sites = results.sites || {};
  const mine = poll.site ? null : sites[ctx.site] || null;
  const sitePlaces = {};
  if (mine && mine.voters && Object.keys(sites).length > 1) {
    (mine.options || []).forEach(function (o, i) { sitePlaces[o.id] = i + 1; });
  }
  return html`<ol class="ranking-results">${(total.options || []).map(function (o) {
    let detail = say("points_n", { n: o.score });
    if (place(o) !== null) { detail += " · " + say("average_rank", { n: place(o) }); }
    if (sitePlaces[o.id]) { detail += " · " + ctx.siteName(ctx.site) + ": #" + sitePlaces[o.id]; }
    return html`<li><span class="rank-label">${o.label}</span><span class="rank-detail">${detail}</span></li>`;
  })}</ol>`;
}

function screenResults(poll, results, ctx) {
  const v = view(results);
  const options = v.total.options || [];
  const max = Math.max(1, ...options.map(function (row) { return row.score; }));
  const rows = options.map(function (row, i) {
    return { key: row.id, label: row.label, rank: i + 1, count: row.score, tone: "c" + (i % TONES), share: row.score / max,
      figure: say("points_n", { n: row.score }), text: place(row) === null ? "" : say("average_rank", { n: place(row) }) };
  });
  return [screenBars(rows, "total", "ranking"), breakdown(poll, v, ctx) ? siteCards(poll, v, ctx, function (figures) {
    return { body: html`<p class="site-card-line">${figures.voters && figures.options.length ? "1. " + figures.options[0].label : "–"}</p>` };
  }) : nothing];
}

function hostResults(poll, results) {
  const total = view(results).total;
  if (!total.voters) { return nothing; }
  const max = Math.max(0, ...(total.options || []).map(function (o) { return o.score; }));
  return miniBars((total.options || []).map(function (o, i) {
    return { label: (i + 1) + ". " + o.label, text: say("points_n", { n: o.score }), share: max ? o.score / max : 0 };
  }));
}

// The ballot: the options in a list, moved with arrow buttons (keyboard and screen readers included).
function ballot(poll, ctx) {
  const draft = ctx.draft;
  const move = function (index, step, direction) {
    const target = index + step;
    if (target < 0 || target >= draft.order.length) { return; }
    const id = draft.order[index];
    draft.order.splice(index, 1);
    draft.order.splice(target, 0, id);
    draft.focus = { id: id, direction: direction };
    draft.announce = say("moved", { label: optionLabel(poll, id), n: target + 1, total: draft.order.length });
    ctx.redraw();
  };
  const submit = function (event) { event.preventDefault(); ctx.onSubmit({ order: draft.order.slice() }); };
  const focusAfter = function (element) {  // keep the focus on the moved option's arrow
    const focus = draft.focus;
    if (!focus || !element) { return; }
    draft.focus = null;
    const item = element.querySelector('[data-option="' + focus.id + '"]');
    const target = item && item.querySelector('[data-move="' + focus.direction + '"]');
    if (target) { (target.disabled ? item.querySelector("button:not([disabled])") : target).focus(); }
  };
  queueMicrotask(function () { focusAfter(document.querySelector('.rank-list[data-poll="' + poll.id + '"]')); });
  return html`<form class="poll-form" novalidate @submit=${submit}><fieldset class="choices">${group(say("rank_hint"))}
    <ol class="rank-list" data-poll=${poll.id}>${draft.order.map(function (id, index) {
      const label = optionLabel(poll, id);
      return html`<li class="rank-item" data-option=${id}><span class="rank-place" aria-hidden="true">${index + 1}</span><span class="rank-label">${label}</span><button
        type="button" class="rank-move" aria-label=${say("move_up", { label: label })} data-move="up" ?disabled=${index === 0}
        @click=${function () { move(index, -1, "up"); }}>▲</button><button type="button" class="rank-move" data-move="down"
        aria-label=${say("move_down", { label: label })} ?disabled=${index === draft.order.length - 1}
        @click=${function () { move(index, 1, "down"); }}>▼</button></li>`;
    })}</ol><p class="visually-hidden" aria-live="assertive">${draft.announce || ""}</p></fieldset>${formButtons(say("submit_ranking"), ctx)}</form>`;
}

export default {
  results: function (poll, results, ctx) {
    if (ctx.variant === "phone") { return phoneResults(poll, results, ctx); }
    if (ctx.variant === "host") { return hostResults(poll, results); }
    return screenResults(poll, results, ctx);
  },
  sheet: function (poll, results, ctx) {
    return {
      rows: (poll.options || []).length,
      chart: function (total) {
        return (total.options || []).map(function (o, i) {
          return { label: (i + 1) + ". " + o.label, value: o.score,
            text: o.average_rank === null || o.average_rank === undefined ? "" : say("points_n", { n: number(o.score) }) };
        });
      },
      table: function (r, keys) {
        const all = [r.total].concat(keys.map(function (key) { return r.sites[key]; }));
        return html`<caption class="rv-caption">${say("ranking_caption")}</caption>${tableHead(ctx, keys)}<tbody>${(r.total.options || []).map(function (option) {
          return html`<tr><th>${option.label}</th>${all.map(function (figures) {
            const found = (figures.options || []).find(function (o) { return o.id === option.id; });
            return html`<td class="num">${found && found.average_rank !== null && found.average_rank !== undefined ? number(found.average_rank, 1) : "–"}</td>`;
          })}</tr>`;
        })}</tbody>`;
      },
    };
  },
  summary: function (poll, figures) {
    return figures.options && figures.options.length ? say("top_ranked", { label: figures.options[0].label }) : "";
  },
  ballot: ballot,
  draft: function (poll, answer) {
    const ids = poll.options.map(function (o) { return o.id; });
    const valid = Array.isArray(answer) && answer.length === ids.length;
    return { order: valid ? answer.slice() : ids, focus: null, announce: "" };
  },
  folds: function () { return true; },
  stored: function (poll, wire) { return wire.order; },
  describe: function (poll, answer) {
    return answer.map(function (id, i) { return (i + 1) + ". " + optionLabel(poll, id); }).join("  ");
  },
};
