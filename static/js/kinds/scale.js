// A scale: a whole number from min to max. Results: the mean, and the distribution as columns from min to max.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number, percent } from "../core/format.js";
import { breakdown, countText, decimal, isMine, miniBars, phoneFigures, say, share, siteCards, styles, view } from "./common.js";
import { barsSheet } from "./choice.js";
import { group } from "./ballots.js";

function scaleOf(poll) { return poll.scale || { min: 1, max: 5, min_label: "", max_label: "" }; }

// A value with its end's label, if it has one: "1 (not at all)".
function valueText(poll, value, joiner) {
  const scale = scaleOf(poll);
  let text = String(value);
  if (value === scale.min && scale.min_label) { text += joiner[0] + scale.min_label + joiner[1]; }
  if (value === scale.max && scale.max_label) { text += joiner[0] + scale.max_label + joiner[1]; }
  return text;
}

function rows(poll, figures, ctx) {
  return (figures.distribution || []).map(function (d) {
    return { key: d.value, label: String(d.value), count: d.count, share: figures.voters ? d.count / figures.voters : 0,
      text: countText(d.count, figures.voters), mine: isMine(ctx.answer, d.value) };
  });
}

// A mean as the phone and the screen write it: at most one decimal ("4", "3.5").
function mean(value) { return value === null || value === undefined ? null : decimal(value); }

// The ends of the scale in words, under the first and the last column.
function ends(poll, withValues) {
  const scale = scaleOf(poll);
  if (!scale.min_label && !scale.max_label) { return nothing; }
  return withValues
    ? html`<div class="scale-ends" aria-hidden="true"><span>${scale.min} = ${scale.min_label || scale.min}</span><span>${scale.max} = ${scale.max_label || scale.max}</span></div>`
    : html`<p class="scale-ends"><span>${scale.min_label}</span><span>${scale.max_label}</span></p>`;
}

function phoneResults(poll, results, ctx) {
  const f = phoneFigures(poll, results, ctx);
  const all = rows(poll, f.total, ctx);
  const mine = f.mine ? rows(poll, f.mine, ctx) : null;
  const siteLabel = ctx.siteName(ctx.site);
  return html`<div class="scale-results">
    ${f.total.voters ? html`<p class="eyebrow">${say("average")}</p><div class="means">
      <p class="mean total"><strong>${mean(f.total.mean)}</strong><span>${f.oneSite ? ctx.siteName(poll.site || ctx.site) : say("all_sites")}</span></p>
      ${f.mine && f.mine.voters ? html`<p class="mean site"><strong>${mean(f.mine.mean)}</strong><span>${siteLabel}</span></p>` : nothing}
    </div>` : nothing}
    <div class="histogram" aria-hidden="true" data-testid="result-columns">${all.map(function (row) {
      const siteRow = mine ? mine.find(function (r) { return r.key === row.key; }) : null;
      return html`<div class="column${row.mine ? " mine" : ""}"><span class="column-figure">${percent(row.count, f.total.voters)}%</span>
        <div class="column-bars"><span class="column-bar total" ${styles({ height: percent(row.count, f.total.voters) + "%" })}></span>${siteRow
          ? html`<span class="column-bar site" ${styles({ height: percent(siteRow.count, f.mine.voters) + "%" })}></span>` : nothing}</div>
        <span class="column-value">${row.key}</span></div>`;
    })}</div>
    <ul class="visually-hidden">${all.map(function (row) {
      const siteRow = mine ? mine.find(function (r) { return r.key === row.key; }) : null;
      const site = siteRow ? "; " + siteLabel + ": " + percent(siteRow.count, f.mine.voters) + "% · " + siteRow.count : "";
      return html`<li>${valueText(poll, row.key, [" · ", ""])}: ${percent(row.count, f.total.voters)}% · ${row.count}${site}</li>`;
    })}</ul>
    ${ends(poll, true)}
  </div>`;
}

function screenResults(poll, results, ctx) {
  const v = view(results);
  const figures = v.total;
  const scale = poll.scale;
  const distribution = figures.distribution || [];
  const max = Math.max(1, ...distribution.map(function (row) { return row.count; }));
  const total = html`<div class="scale-view">
    <div class="scale-mean"><span class="scale-mean-label">${say("average")}</span><strong class="scale-mean-value${figures.mean == null ? " is-empty" : ""}"
      data-testid="scale-mean">${figures.mean == null ? "?" : mean(figures.mean)}</strong>${scale
        ? html`<span class="scale-of">${say("scale_of", { min: scale.min, max: scale.max })}</span>` : nothing}</div>
    <div class="scale-chart"><ol class="scale-columns" data-testid="scale-distribution">${distribution.map(function (row) {
      return html`<li class="scale-column" data-count=${String(row.count)}><span class="scale-count">${row.count}</span><span class="scale-bar"><span
        class="scale-fill" data-share=${share(row.count, max)} data-key=${"total:" + row.value}></span></span><span class="scale-value">${row.value}</span></li>`;
    })}</ol>${ends(poll, false)}</div></div>`;
  return [total, breakdown(poll, v, ctx) ? siteCards(poll, v, ctx, function (site) {
    return { head: html`<span class="site-card-mean">${site.mean == null ? "–" : mean(site.mean)}</span>` };
  }) : nothing];
}

function hostResults(poll, results) {
  const total = view(results).total;
  if (!total.voters) { return nothing; }
  const max = Math.max(0, ...(total.distribution || []).map(function (d) { return d.count; }));
  return [html`<p class="mini-mean">${say("average_is", { mean: total.mean == null ? "–" : mean(total.mean) })}</p>`,
    miniBars((total.distribution || []).map(function (d) { return { label: String(d.value), text: number(d.count), share: max ? d.count / max : 0 }; }))];
}

export default {
  keyed: true,  // the phone's legend says which bar is all sites and which this site
  rows: rows,
  results: function (poll, results, ctx) {
    if (ctx.variant === "phone") { return phoneResults(poll, results, ctx); }
    if (ctx.variant === "host") { return hostResults(poll, results); }
    return screenResults(poll, results, ctx);
  },
  sheet: function (poll, results, ctx) {
    const scale = scaleOf(poll);
    const spec = barsSheet(poll, ctx, rows, scale.max - scale.min + 1);
    spec.horizontal = false;
    spec.mean = function (total) { return total.mean === null || total.mean === undefined ? "" : say("sheet_mean", { value: number(total.mean, 1) }); };
    spec.total = function () {
      return html`<p class="rv-scale-ends"><span>${scale.min} ${scale.min_label || ""}</span><span>${scale.max_label || ""} ${scale.max}</span></p>`;
    };
    const counts = spec.table;
    spec.table = function (r, keys) {
      const all = [r.total].concat(keys.map(function (key) { return r.sites[key]; }));
      return html`${counts(r, keys)}<tbody><tr class="rv-mean-row"><th>${say("mean_label")}</th>${all.map(function (figures) {
        return html`<td class="num">${figures.mean === null || figures.mean === undefined ? "–" : number(figures.mean, 2)}</td>`;
      })}</tr></tbody>`;
    };
    return spec;
  },
  summary: function (poll, figures) { return figures.mean == null ? "" : say("mean_is", { mean: mean(figures.mean) }); },
  ballot: function (poll, ctx) {
    const scale = scaleOf(poll);
    const values = [];
    for (let value = scale.min; value <= scale.max; value += 1) { values.push(value); }
    return html`<fieldset class="choices">${group(say("choose_scale", { min: scale.min, max: scale.max }))}
      <div class="scale-buttons${values.length > 6 ? " wrap" : ""}" data-count=${values.length}>${values.map(function (value) {
        return html`<button type="button" class="scale-button" aria-pressed=${String(ctx.answer === value)} ?disabled=${ctx.locked}
          aria-label=${valueText(poll, value, [" (", ")"])} data-value=${value} @click=${function () { ctx.onSubmit({ value: value }); }}>${value}</button>`;
      })}</div><div class="scale-ends" aria-hidden="true"><span>${scale.min} = ${scale.min_label || scale.min}</span><span>${scale.max} = ${scale.max_label || scale.max}</span></div></fieldset>`;
  },
  draft: function () { return {}; },
  folds: function () { return false; },
  stored: function (poll, wire) { return wire.value; },
  describe: function (poll, answer) { return valueText(poll, answer, [" (", ")"]); },
};
