// The results sheet: a poll's results on the report, the public results page and the chair's poll page. The total
// (Chart.js bars, or what the kind draws instead) beside the per-site breakdown (bars per site in percent), and a
// table of every figure per site. A kind says what to draw in a `sheet` spec (see docs/frontend.md, "Poll kinds");
// this module draws it and keeps the charts across updates. Colours come from CSS custom properties (--rv-*), so
// the dark desk and the light, printable pages share this code. Chart.js is the page's classic script
// (window.Chart).
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { number } from "../core/format.js";
import { say } from "./common.js";

//: Site colours, in the order of the event's sites.
export const SITE_COLOURS = ["#4f9cf9", "#f4a259", "#3fbf8f", "#c084fc", "#f06c8b", "#e6d05a"];
const charts = new Set();
const mounted = new WeakMap();  // container -> {signature, owned charts, total chart, site chart}

// The colour of a site, by its place among the event's sites.
export function siteColour(ctx, key) {
  const index = ctx.sites.findIndex(function (site) { return site.key === key; });
  return SITE_COLOURS[(index < 0 ? 0 : index) % SITE_COLOURS.length];
}

function cssVar(element, name, fallback) {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

// The sheet's colours, from the page's CSS.
export function theme(container) {
  return {
    ink: cssVar(container, "--rv-ink", "#14213d"), muted: cssVar(container, "--rv-muted", "#5c6370"),
    grid: cssVar(container, "--rv-grid", "rgba(0,0,0,.1)"), bar: cssVar(container, "--rv-bar", "#1d3557"),
    right: cssVar(container, "--rv-right", "#22a06b"), wrong: cssVar(container, "--rv-wrong", "#8a94a6"),
    font: Number(cssVar(container, "--rv-font", "14")) || 14,
  };
}

// Draws each bar's value ("12 · 40%") at the end of the bar: the numbers matter more than the bars.
const valueLabels = {
  id: "rvValues",
  afterDatasetsDraw: function (chart, args, options) {
    const texts = options.texts || [];
    if (!texts.length) { return; }
    const ctx = chart.ctx;
    const horizontal = chart.options.indexAxis === "y";
    ctx.save();
    ctx.fillStyle = options.color || "#000";
    ctx.font = "600 " + (options.size || 13) + "px system-ui, sans-serif";
    chart.getDatasetMeta(0).data.forEach(function (bar, index) {
      const text = texts[index];
      if (!text) { return; }
      if (horizontal) {
        ctx.textAlign = "left"; ctx.textBaseline = "middle";
        ctx.fillText(text, bar.x + 6, bar.y);
      } else {
        ctx.textAlign = "center"; ctx.textBaseline = "bottom";
        ctx.fillText(text, bar.x, bar.y - 4);
      }
    });
    ctx.restore();
  },
};

function shortLabel(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }

// A long label on two or three lines (Chart.js draws an array as lines), so that the bars keep their room.
function wrapped(text, width, lines) {
  const out = [""];
  String(text).split(/\s+/).forEach(function (word) {
    const last = out.length - 1;
    if (!out[last]) { out[last] = word; } else if ((out[last] + " " + word).length <= width) { out[last] += " " + word; } else { out.push(word); }
  });
  if (out.length > lines) { out.length = lines; out[lines - 1] = shortLabel(out[lines - 1] + " …", width); }
  return out.map(function (line) { return shortLabel(line, width + 4); });
}

function totalChart(canvas, horizontal, colours) {
  const scales = {};
  scales[horizontal ? "x" : "y"] = { beginAtZero: true, grace: horizontal ? "4%" : "12%",
    ticks: { precision: 0, color: colours.muted }, grid: { color: colours.grid } };
  scales[horizontal ? "y" : "x"] = { ticks: { color: colours.ink, font: { size: colours.font, weight: "600" }, autoSkip: false },
    grid: { display: false } };
  return new window.Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [{ data: [], backgroundColor: colours.bar, borderRadius: 4, maxBarThickness: 46 }] },
    options: {
      indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
      animation: { duration: 300 }, scales: scales, layout: { padding: { right: horizontal ? 92 : 0, top: horizontal ? 0 : 22 } },
      plugins: { legend: { display: false }, tooltip: { enabled: true }, rvValues: { texts: [], color: colours.ink, size: colours.font } },
    },
    plugins: [valueLabels],
  });
}

function sitesChart(canvas, horizontal, colours) {
  const scales = {};
  scales[horizontal ? "x" : "y"] = { beginAtZero: true, suggestedMax: 100,
    ticks: { color: colours.muted, callback: function (v) { return v + "%"; } }, grid: { color: colours.grid } };
  scales[horizontal ? "y" : "x"] = { ticks: { color: colours.ink, font: { size: colours.font - 1 }, autoSkip: false },
    grid: { display: false } };
  return new window.Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: { duration: 300 }, scales: scales,
      plugins: {
        legend: { position: "bottom", labels: { color: colours.ink, boxWidth: 14, font: { size: colours.font - 1 } } },
        tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + item.raw + "%"; } } },
      },
    },
  });
}

// The sheet of a poll's results, drawn into `container` and kept there: call again with new results to update.
// spec (from the kind's module):
//   chart(figures)       bars of the total: [{key, label, value, text, colour}] (omit for no chart)
//   horizontal           bars lie (default true); rows: how many bars (sets the chart's height)
//   siteChart(figures)   bars of one site, in percent: [{label, value}] (omit for none)
//   table(results, keys) the table of every figure per site (a lit-html template of its content; omit for none)
//   mean(figures)        a text beside the total's voters (a scale's mean)
//   total(results, keys), sites(results, keys), after(results, keys)   what the kind draws besides, under the
//                        total, in the per-site column and under both (lit-html templates)
//   drawn(container, results)   called after each draw (a word cloud's canvas)
export function mountSheet(container, poll, results, ctx, spec) {
  const siteKeys = ctx.sites.map(function (s) { return s.key; })
    .filter(function (key) { return results.sites && results.sites[key]; });
  const signature = JSON.stringify([poll.id, poll.kind, (poll.options || []).map(function (o) { return [o.id, o.label]; }),
    poll.scale, siteKeys, ctx.sites.map(function (s) { return s.name; })]);
  let state = mounted.get(container);
  if (!state || state.signature !== signature || !container.contains(state.host)) {
    if (state) { state.owned.forEach(function (chart) { chart.destroy(); charts.delete(chart); }); }
    // A new poll (or new options, sites): a fresh element to draw in, so that lit-html starts anew as well.
    state = { signature: signature, owned: [], total: null, sites: null, host: document.createElement("div") };
    container.replaceChildren(state.host);
    mounted.set(container, state);
  }
  const total = results.total || { voters: 0 };
  const horizontal = spec.horizontal !== false;
  const rows = spec.rows || 3;
  const chartBox = function (which) {
    const height = which === "total" ? (horizontal ? Math.max(150, rows * 52 + 30) : 260)
      : (horizontal ? Math.max(190, rows * Math.max(1, siteKeys.length) * 15 + 90) : 260);
    return html`<div class="rv-chart${which === "sites" ? " rv-site-chart" : ""}" data-height=${height}><canvas role="img"
      aria-label=${which === "total" ? poll.question : say("per_site")} data-chart=${which}></canvas></div>`;
  };
  const table = spec.table ? html`<div class="rv-table-wrap"><table class="rv-table" data-testid="rv-table">${spec.table(results, siteKeys)}</table></div>` : nothing;
  render(html`<div class="rv rv-${poll.kind}">
    <div class="rv-main">
      <section class="rv-total">
        <div class="rv-head"><h4>${say("total")}</h4><span class="rv-voters">${say("sheet_voters", { n: number(total.voters) })}</span><span class="rv-mean">${spec.mean ? spec.mean(total) : ""}</span></div>
        ${spec.chart ? chartBox("total") : nothing}
        ${spec.total ? spec.total(results, siteKeys) : nothing}
      </section>
      <section class="rv-sites">
        <div class="rv-head"><h4>${say("per_site")}</h4>${spec.sitesNote ? html`<span class="rv-muted">${spec.sitesNote}</span>` : nothing}</div>
        ${spec.siteChart ? chartBox("sites") : nothing}
        ${spec.sites ? spec.sites(results, siteKeys) : nothing}
        ${spec.siteChart ? nothing : table}
      </section>
    </div>
    ${spec.siteChart ? table : nothing}
    ${spec.after ? spec.after(results, siteKeys) : nothing}
  </div>`, state.host);
  colourSites(container, ctx);
  container.querySelectorAll(".rv-chart[data-height]").forEach(function (box) { box.style.height = box.dataset.height + "px"; });
  const colours = theme(container);
  if (spec.chart) {
    if (!state.total) { state.total = own(state, totalChart(container.querySelector("[data-chart=total]"), horizontal, colours)); }
    const bars = spec.chart(total, colours);
    state.total.data.labels = bars.map(function (bar) { return wrapped(bar.label, 24, 3); });
    state.total.data.datasets[0].data = bars.map(function (bar) { return bar.value; });
    state.total.data.datasets[0].backgroundColor = bars.map(function (bar) { return bar.colour || colours.bar; });
    state.total.options.plugins.rvValues.texts = bars.map(function (bar) { return bar.text; });
    state.total.update();
  }
  if (spec.siteChart) {
    if (!state.sites) { state.sites = own(state, sitesChart(container.querySelector("[data-chart=sites]"), horizontal, colours)); }
    const chart = state.sites;
    chart.data.labels = spec.siteChart(total).map(function (bar) { return wrapped(bar.label, 20, 2); });
    const datasets = siteKeys.map(function (key) {
      const figures = results.sites[key];
      return { label: ctx.siteName(key) + " (" + number(figures.voters) + ")",
        data: spec.siteChart(figures).map(function (bar) { return bar.value; }),
        backgroundColor: siteColour(ctx, key), borderRadius: 3, maxBarThickness: 22 };
    });
    datasets.forEach(function (dataset, index) {
      if (chart.data.datasets[index]) { Object.assign(chart.data.datasets[index], dataset); } else { chart.data.datasets.push(dataset); }
    });
    chart.data.datasets.length = datasets.length;
    chart.update();
  }
  if (spec.drawn) { spec.drawn(container, results); }
}

function own(state, chart) {
  state.owned.push(chart);
  charts.add(chart);
  return chart;
}

// The table's head row: the item, the total, then each site (underlined in its colour).
export function tableHead(ctx, keys) {
  return html`<thead><tr><th>${say("item")}</th><th class="num" scope="col">${say("total")}</th>${keys.map(function (key) {
    return html`<th class="num" scope="col" data-site=${key}>${ctx.siteName(key)}</th>`;
  })}</tr></thead>`;
}

// Every element with a data-site gets its site's colour as its border (a table head: its bottom border). Set through
// the CSSOM: the CSP forbids style attributes.
function colourSites(container, ctx) {
  container.querySelectorAll("[data-site]").forEach(function (element) {
    element.style[element.tagName === "TH" ? "borderBottomColor" : "borderColor"] = siteColour(ctx, element.dataset.site);
  });
}

// Charts keep their size on paper too.
window.addEventListener("beforeprint", function () { charts.forEach(function (chart) { chart.resize(); }); });
