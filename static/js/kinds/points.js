// 100 points: each participant spreads exactly 100 points over the options (more points: more important). The
// server adds up each option's points and their mean per voter; the results are bars of points.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number, percent } from "../core/format.js";
import { TONES, breakdown, decimal, miniBars, phoneBars, phoneFigures, say, screenBars, siteCards, stackedBar, styles, view } from "./common.js";
import { tableHead } from "./sheet.js";
import { formButtons, group } from "./ballots.js";
import { optionLabel } from "./choice.js";

const STEP = 10;  // what the - and + buttons take away or add

// Bar rows of some figures: each option's points, its bar as long as its share of the most points given.
function rows(poll, figures, ctx) {
  const options = figures.options || [];
  const max = Math.max(0, ...options.map(function (o) { return o.points; }));
  return options.map(function (o, i) {
    const mine = ctx.answer ? ctx.answer[String(o.id)] || 0 : 0;
    return { key: o.id, label: o.label, count: o.points, tone: "c" + (i % TONES), share: max ? o.points / max : 0,
      figure: say("points_n", { n: number(o.points) }), mine: mine > 0,
      text: o.mean === null || o.mean === undefined ? "" : say("points_mean", { n: decimal(o.mean) }) };
  });
}

function results(poll, figures, ctx) {
  const v = view(figures);
  if (ctx.variant === "phone") {
    const f = phoneFigures(poll, figures, ctx);
    const phoneRow = function (row) { return Object.assign({}, row, { text: row.figure }); };  // a phone is narrow
    return phoneBars(rows(poll, f.total, ctx).map(phoneRow), f.mine ? rows(poll, f.mine, ctx).map(phoneRow) : null, ctx);
  }
  if (ctx.variant === "host") {
    return miniBars(rows(poll, v.total, ctx).map(function (row) { return { label: row.label, text: row.figure, share: row.share }; }));
  }
  return [screenBars(rows(poll, v.total, ctx), "total"), breakdown(poll, v, ctx) ? siteCards(poll, v, ctx, function (site, key) {
    return { body: stackedBar(rows(poll, site, ctx), key) };
  }) : nothing];
}

// The sheet: the total's points as bars, each site's share of its points in percent, the table of points and means.
function sheet(poll, figures, ctx) {
  const shareOf = function (site) {
    const all = (site.options || []).reduce(function (sum, o) { return sum + o.points; }, 0);
    return (site.options || []).map(function (o) { return { label: o.label, value: percent(o.points, all) }; });
  };
  return {
    rows: (poll.options || []).length,
    chart: function (total) {
      return rows(poll, total, ctx).map(function (row) { return { label: row.label, value: row.count, text: row.figure }; });
    },
    siteChart: shareOf,
    table: function (r, keys) {
      const all = [r.total].concat(keys.map(function (key) { return r.sites[key]; }));
      return html`${tableHead(ctx, keys)}<tbody>${(r.total.options || []).map(function (option, index) {
        return html`<tr><th scope="row">${option.label}</th>${all.map(function (site) {
          const cell = (site.options || [])[index] || { points: 0, mean: null };
          return html`<td class="num"><strong>${number(cell.points)}</strong><span class="rv-pct"> ${cell.mean === null ? "–" : decimal(cell.mean)}</span></td>`;
        })}</tr>`;
      })}<tr class="rv-voters-row"><th>${say("voters_label")}</th>${all.map(function (site) {
        return html`<td class="num">${number(site.voters)}</td>`;
      })}</tr></tbody>`;
    },
  };
}

// The ballot: per option its points, typed or stepped by ten, and how many points are still to spread.
function ballot(poll, ctx) {
  const draft = ctx.draft;
  const total = say("points_to_spread");
  const given = poll.options.reduce(function (sum, o) { return sum + (draft.points[o.id] || 0); }, 0);
  const left = total - given;
  const set = function (id, value) {
    draft.points[id] = Math.max(0, Math.min(total, Math.round(Number(value) || 0)));
    ctx.redraw();
  };
  const submit = function (event) {
    event.preventDefault();
    if (left !== 0) { ctx.onInvalid(say(left > 0 ? "points_needed" : "points_too_many", { n: Math.abs(left) })); return; }
    const points = {};
    poll.options.forEach(function (o) { points[String(o.id)] = draft.points[o.id] || 0; });
    ctx.onSubmit({ points: points });
  };
  return html`<form class="poll-form" novalidate @submit=${submit}><fieldset class="choices">${group(say("points_hint"))}
    <ol class="rank-list points-list">${poll.options.map(function (option) {
      const value = draft.points[option.id] || 0;
      return html`<li class="rank-item" data-option=${option.id}><span class="rank-label">${option.label}</span><button type="button"
        class="rank-move" aria-label=${say("points_less", { label: option.label })} ?disabled=${value === 0}
        @click=${function () { set(option.id, value - STEP); }}>−</button><input type="number" class="phone-input points-input"
        min="0" max=${total} step="1" inputmode="numeric" aria-label=${say("points_for", { label: option.label })}
        ${styles({ width: "4.5em", "text-align": "center" })} .value=${String(value)}
        @change=${function (event) { set(option.id, event.target.value); }}><button type="button" class="rank-move"
        aria-label=${say("points_more", { label: option.label })} ?disabled=${left <= 0}
        @click=${function () { set(option.id, value + Math.min(STEP, left)); }}>+</button></li>`;
    })}</ol>
    <p class="hint points-left" role="status" data-left=${left}>${left === 0 ? say("points_done")
      : say(left > 0 ? "points_left" : "points_over", { n: Math.abs(left) })}</p></fieldset>${formButtons(say("submit"), ctx)}</form>`;
}

export default {
  keyed: true,  // the phone's legend says which bar is all sites and which this site
  results: results,
  sheet: sheet,
  summary: function (poll, figures) {
    const best = (figures.options || []).reduce(function (a, b) { return !a || b.points > a.points ? b : a; }, null);
    return best ? say("top_points", { label: best.label }) : "";
  },
  ballot: ballot,
  draft: function (poll, answer) {
    const points = {};
    poll.options.forEach(function (o) { points[o.id] = answer ? answer[String(o.id)] || 0 : 0; });
    return { points: points };
  },
  folds: function () { return true; },
  // As the server stores it: the options given points, in the options' order, keyed by id as text.
  stored: function (poll, wire) {
    const stored = {};
    poll.options.forEach(function (o) { if (wire.points[String(o.id)]) { stored[String(o.id)] = wire.points[String(o.id)]; } });
    return stored;
  },
  describe: function (poll, answer) {
    return Object.keys(answer).map(function (id) { return optionLabel(poll, Number(id)) + " " + answer[id]; }).join(", ");
  },
};
