// A poll's results, drawn the same way on the chair's "Polls and Q&A" page and on the public results page:
// the total (Chart.js bars, a word list or cloud, the approved answers) beside the per-site breakdown (bars per
// site in percent, and a table of every figure per site). Colours come from CSS custom properties (--rv-*), so
// the dark desk and the light, printable results page share this code. Whatever people typed (words, answers,
// names) is only ever set as text.
"use strict";
window.ResultsView = (function () {
  //: Site colours, in the order of the event's sites (Den Haag, Enschede, Eindhoven, Online, ...).
  const SITE_COLOURS = ["#4f9cf9", "#f4a259", "#3fbf8f", "#c084fc", "#f06c8b", "#e6d05a"];
  const STATEMENT_COLOURS = { agree: "#22a06b", neutral: "#8a94a6", disagree: "#d9454f" };
  const CHOICE_KINDS = ["single", "multiple", "quiz"];
  const CLOUD_COLOURS = ["#1d4ed8", "#c2410c", "#047857", "#7e22ce", "#be123c"];
  const charts = new Set();

  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, name) {
      return values[name] === undefined ? match : values[name];
    });
  }

  function percent(count, voters) { return voters ? Math.round((100 * count) / voters) : 0; }

  function number(value, digits) {
    return Number(value).toLocaleString(document.documentElement.lang || "nl",
      { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }

  function cssVar(element, name, fallback) {
    const value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
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

  function create(container, options) {
    const strings = options.strings || {};
    let signature = null;
    let parts = {};
    let owned = [];

    function label(key, values) { return fill(strings[key] || key, values || {}); }

    function siteName(key) { return (options.siteNames && options.siteNames[key]) || key; }

    function siteColour(key) {
      const index = (options.siteOrder || []).indexOf(key);
      return SITE_COLOURS[(index < 0 ? 0 : index) % SITE_COLOURS.length];
    }

    function destroyCharts() {
      owned.forEach(function (chart) { chart.destroy(); charts.delete(chart); });
      owned = [];
    }

    function newChart(canvas, config) {
      const chart = new window.Chart(canvas, config);
      owned.push(chart);
      charts.add(chart);
      return chart;
    }

    function themed() {
      return {
        ink: cssVar(container, "--rv-ink", "#14213d"), muted: cssVar(container, "--rv-muted", "#5c6370"),
        grid: cssVar(container, "--rv-grid", "rgba(0,0,0,.1)"), bar: cssVar(container, "--rv-bar", "#1d3557"),
        right: cssVar(container, "--rv-right", "#22a06b"), wrong: cssVar(container, "--rv-wrong", "#8a94a6"),
        font: Number(cssVar(container, "--rv-font", "14")) || 14,
      };
    }

    function barChart(canvas, horizontal, theme, extra) {
      const valueAxis = horizontal ? "x" : "y";
      const scales = {};
      scales[valueAxis] = { beginAtZero: true, grace: horizontal ? "4%" : "12%", ticks: { precision: 0, color: theme.muted },
                            grid: { color: theme.grid } };
      scales[horizontal ? "y" : "x"] = { ticks: { color: theme.ink, font: { size: theme.font, weight: "600" },
                                                  autoSkip: false }, grid: { display: false } };
      return newChart(canvas, Object.assign({
        type: "bar",
        data: { labels: [], datasets: [{ data: [], backgroundColor: theme.bar, borderRadius: 4, maxBarThickness: 46 }] },
        options: {
          indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
          animation: { duration: 300 }, scales: scales, layout: { padding: { right: horizontal ? 92 : 0, top: horizontal ? 0 : 22 } },
          plugins: { legend: { display: false }, tooltip: { enabled: true },
                     rvValues: { texts: [], color: theme.ink, size: theme.font } },
        },
        plugins: [valueLabels],
      }, extra || {}));
    }

    function siteChart(canvas, horizontal, theme) {
      const valueAxis = horizontal ? "x" : "y";
      const scales = {};
      scales[valueAxis] = { beginAtZero: true, suggestedMax: 100, ticks: { color: theme.muted, callback: function (v) { return v + "%"; } },
                            grid: { color: theme.grid } };
      scales[horizontal ? "y" : "x"] = { ticks: { color: theme.ink, font: { size: theme.font - 1 }, autoSkip: false },
                                         grid: { display: false } };
      return newChart(canvas, {
        type: "bar",
        data: { labels: [], datasets: [] },
        options: {
          indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
          animation: { duration: 300 }, scales: scales,
          plugins: {
            legend: { position: "bottom", labels: { color: theme.ink, boxWidth: 14, font: { size: theme.font - 1 } } },
            tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + item.raw + "%"; } } },
          },
        },
      });
    }

    // The bars of a kind: [{label, count, correct}], in order.
    function items(poll, figures) {
      if (CHOICE_KINDS.indexOf(poll.kind) >= 0) {
        return (figures.options || []).map(function (o) { return { key: o.id, label: o.label, count: o.count, correct: o.correct }; });
      }
      if (poll.kind === "statement") {
        return (figures.choices || []).map(function (c) {
          return { key: c.choice, label: (strings.choices || {})[c.choice] || c.choice, count: c.count };
        });
      }
      if (poll.kind === "scale") {
        return (figures.distribution || []).map(function (d) { return { key: d.value, label: String(d.value), count: d.count }; });
      }
      return [];
    }

    function shortLabel(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }

    // A long label on two or three lines (Chart.js draws an array as lines), so that the bars keep their room.
    function wrapped(text, width, lines) {
      const words = String(text).split(/\s+/);
      const out = [""];
      words.forEach(function (word) {
        const last = out.length - 1;
        if (!out[last]) { out[last] = word; } else if ((out[last] + " " + word).length <= width) { out[last] += " " + word; } else { out.push(word); }
      });
      if (out.length > lines) { out.length = lines; out[lines - 1] = shortLabel(out[lines - 1] + " …", width); }
      return out.map(function (line) { return shortLabel(line, width + 4); });
    }

    function build(poll, siteKeys) {
      destroyCharts();
      container.replaceChildren();
      parts = {};
      const theme = themed();
      const root = el("div", "rv rv-" + poll.kind);
      const main = el("div", "rv-main");
      const total = el("section", "rv-total");
      const totalHead = el("div", "rv-head");
      totalHead.append(el("h4", null, label("total")));
      parts.totalVoters = el("span", "rv-voters");
      parts.mean = el("span", "rv-mean");
      totalHead.append(parts.totalVoters, parts.mean);
      total.append(totalHead);
      const perSite = el("section", "rv-sites");
      const sitesHead = el("div", "rv-head");
      sitesHead.append(el("h4", null, label("breakdown")));
      perSite.append(sitesHead);
      main.append(total, perSite);
      root.append(main);
      const kind = poll.kind;
      const count = kind === "scale" ? (poll.scale ? poll.scale.max - poll.scale.min + 1 : 5)
        : kind === "statement" ? 3 : (poll.options || []).length;

      if (CHOICE_KINDS.indexOf(kind) >= 0 || kind === "statement" || kind === "ranking" || kind === "scale") {
        const horizontal = kind !== "scale";
        const box = el("div", "rv-chart");
        box.style.height = (horizontal ? Math.max(150, count * 52 + 30) : 260) + "px";
        const canvas = el("canvas");
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", poll.question);
        box.append(canvas);
        total.append(box);
        parts.total = barChart(canvas, horizontal, theme);
        if (kind === "scale" && poll.scale) {
          const ends = el("p", "rv-scale-ends");
          ends.append(el("span", null, poll.scale.min + " " + (poll.scale.min_label || "")),
                      el("span", null, (poll.scale.max_label || "") + " " + poll.scale.max));
          total.append(ends);
        }
      }
      if (kind === "wordcloud") {
        if (options.cloud && window.WordCloud && window.WordCloud.isSupported) {
          parts.cloud = el("canvas", "rv-cloud");
          parts.cloud.setAttribute("role", "img");
          parts.cloud.setAttribute("aria-label", poll.question);
          total.append(parts.cloud);
        }
        parts.words = el("ol", "rv-words");
        parts.words.setAttribute("data-testid", "rv-words");
        total.append(parts.words);
      }
      if (kind === "open" && options.answers !== false) {
        total.append(el("h5", null, label("approved_answers")));
        parts.answers = el("ul", "rv-answers");
        parts.answers.setAttribute("data-testid", "rv-answers");
        total.append(parts.answers);
      }
      if (CHOICE_KINDS.indexOf(kind) >= 0 || kind === "statement" || kind === "scale") {
        const horizontal = kind !== "scale";
        const box = el("div", "rv-chart rv-site-chart");
        box.style.height = (horizontal ? Math.max(190, count * Math.max(1, siteKeys.length) * 15 + 90) : 260) + "px";
        const canvas = el("canvas");
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", label("breakdown"));
        box.append(canvas);
        perSite.append(box);
        parts.sites = siteChart(canvas, horizontal, theme);
      }
      if (kind === "wordcloud") {
        parts.siteWords = el("div", "rv-site-words");
        perSite.append(parts.siteWords);
      }
      if (kind === "open") {
        sitesHead.append(el("span", "rv-muted", label("answers_per_site")));
        parts.siteCounts = el("ul", "rv-site-counts");
        perSite.append(parts.siteCounts);
      }
      if (kind !== "open" && kind !== "wordcloud") {
        // Every figure per site: under both charts (full width), or in the per-site column when it has no chart.
        parts.table = el("table", "rv-table");
        parts.table.setAttribute("data-testid", "rv-table");
        const wrap = el("div", "rv-table-wrap");
        wrap.append(parts.table);
        if (parts.sites) { root.append(wrap); } else { perSite.append(wrap); }
      }
      if (kind === "quiz") {
        parts.leaderboard = el("section", "rv-leaderboard");
        parts.leaderboard.setAttribute("data-testid", "rv-leaderboard");
        root.append(parts.leaderboard);
      }
      container.append(root);
    }

    function update(poll, results, siteKeys) {
      if (!poll || !results) { return; }
      siteKeys = (siteKeys || Object.keys(results.sites || {})).filter(function (key) { return results.sites && results.sites[key]; });
      const next = JSON.stringify([poll.id, poll.kind, (poll.options || []).map(function (o) { return [o.id, o.label]; }),
                                   poll.scale, siteKeys]);
      if (next !== signature) { build(poll, siteKeys); signature = next; }
      const total = results.total || { voters: 0 };
      parts.totalVoters.textContent = label("voters", { n: number(total.voters) });
      parts.mean.textContent = poll.kind === "scale" && total.mean !== null && total.mean !== undefined
        ? label("mean", { value: number(total.mean, 1) }) : "";
      const theme = themed();
      if (parts.total) { updateTotal(poll, total, theme); }
      if (parts.sites) { updateSites(poll, results, siteKeys, theme); }
      if (parts.words) { updateWords(total); }
      if (parts.siteWords) { updateSiteWords(results, siteKeys); }
      if (parts.answers) { updateAnswers(results); }
      if (parts.siteCounts) { updateSiteCounts(results, siteKeys); }
      if (parts.table) { updateTable(poll, results, siteKeys); }
      if (parts.leaderboard) { updateLeaderboard(results, siteKeys); }
    }

    function updateTotal(poll, total, theme) {
      const chart = parts.total;
      let rows;
      if (poll.kind === "ranking") {
        rows = (total.options || []).map(function (o, i) { return { label: (i + 1) + ". " + o.label, count: o.score, rank: o.average_rank }; });
      } else {
        rows = items(poll, total);
      }
      chart.data.labels = rows.map(function (row) {
        return wrapped(row.correct ? "✓ " + row.label : row.label, 24, 3);
      });
      const dataset = chart.data.datasets[0];
      dataset.data = rows.map(function (row) { return row.count; });
      dataset.backgroundColor = rows.map(function (row) {
        if (poll.kind === "statement") { return STATEMENT_COLOURS[row.key] || theme.bar; }
        if (poll.kind === "quiz" && row.correct !== undefined && row.correct !== null) { return row.correct ? theme.right : theme.wrong; }
        return theme.bar;
      });
      chart.options.plugins.rvValues.texts = rows.map(function (row) {
        if (poll.kind === "ranking") {
          return row.rank === null || row.rank === undefined ? "" : label("score", { n: number(row.count) });
        }
        return number(row.count) + " · " + percent(row.count, total.voters) + "%";
      });
      chart.update();
    }

    function updateSites(poll, results, siteKeys, theme) {
      const chart = parts.sites;
      const labels = items(poll, results.total).map(function (row) { return wrapped(row.label, 20, 2); });
      chart.data.labels = labels;
      const datasets = siteKeys.map(function (key) {
        const figures = results.sites[key];
        return {
          label: siteName(key) + " (" + number(figures.voters) + ")",
          data: items(poll, figures).map(function (row) { return percent(row.count, figures.voters); }),
          backgroundColor: siteColour(key), borderRadius: 3, maxBarThickness: 22,
        };
      });
      datasets.forEach(function (dataset, index) {
        if (chart.data.datasets[index]) { Object.assign(chart.data.datasets[index], dataset); } else { chart.data.datasets.push(dataset); }
      });
      chart.data.datasets.length = datasets.length;
      chart.update();
    }

    function updateWords(total) {
      const words = total.words || [];
      const max = words.length ? words[0].count : 1;
      const list = words.slice(0, 40).map(function (word) {
        const item = el("li", "rv-word");
        const text = el("span", "rv-word-text", word.word);
        text.style.fontSize = (0.95 + 1.6 * (word.count / max)).toFixed(2) + "em";
        item.append(text, el("span", "rv-word-count", number(word.count)));
        return item;
      });
      parts.words.replaceChildren.apply(parts.words, list.length ? list : [el("li", "rv-empty", label("no_votes"))]);
      if (parts.cloud) { drawCloud(words); }
    }

    function drawCloud(words) {
      const canvas = parts.cloud;
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

    function updateSiteWords(results, siteKeys) {
      const columns = siteKeys.map(function (key) {
        const figures = results.sites[key];
        const column = el("div", "rv-site-column");
        const head = el("h5", null, siteName(key) + " ");
        head.append(el("span", "rv-voters", label("voters", { n: number(figures.voters) })));
        head.style.borderColor = siteColour(key);
        const list = el("ol", "rv-top-words");
        (figures.words || []).slice(0, 8).forEach(function (word) {
          const item = el("li");
          item.append(el("span", null, word.word), el("span", "rv-word-count", number(word.count)));
          list.append(item);
        });
        if (!list.children.length) { list.append(el("li", "rv-empty", label("no_votes"))); }
        column.append(head, list);
        return column;
      });
      parts.siteWords.replaceChildren.apply(parts.siteWords, columns);
    }

    function updateAnswers(results) {
      const approved = results.approved || [];
      const list = approved.map(function (answer) {
        const item = el("li");
        const site = el("span", "rv-site-tag", siteName(answer.site));
        site.style.borderColor = siteColour(answer.site);
        item.append(site, el("span", "rv-answer-text", answer.text));
        return item;
      });
      parts.answers.replaceChildren.apply(parts.answers, list.length ? list : [el("li", "rv-empty", label("no_approved"))]);
    }

    function updateSiteCounts(results, siteKeys) {
      const list = siteKeys.map(function (key) {
        const item = el("li");
        const name = el("span", "rv-site-tag", siteName(key));
        name.style.borderColor = siteColour(key);
        item.append(name, el("strong", "rv-count", number(results.sites[key].answers || 0)));
        return item;
      });
      parts.siteCounts.replaceChildren.apply(parts.siteCounts, list);
    }

    function updateTable(poll, results, siteKeys) {
      const table = parts.table;
      const keys = ["total"].concat(siteKeys);
      const figuresOf = function (key) { return key === "total" ? results.total : results.sites[key]; };
      const head = el("thead");
      const headRow = el("tr");
      headRow.append(el("th", null, label("item")));
      keys.forEach(function (key) {
        const th = el("th", "num", key === "total" ? label("total") : siteName(key));
        th.setAttribute("scope", "col");
        if (key !== "total") { th.style.borderBottomColor = siteColour(key); }
        headRow.append(th);
      });
      head.append(headRow);
      const body = el("tbody");
      if (poll.kind === "ranking") {
        (results.total.options || []).forEach(function (option) {
          const row = el("tr");
          row.append(el("th", null, option.label));
          keys.forEach(function (key) {
            const found = (figuresOf(key).options || []).find(function (o) { return o.id === option.id; });
            const rank = found && found.average_rank !== null && found.average_rank !== undefined ? number(found.average_rank, 1) : "–";
            row.append(el("td", "num", rank));
          });
          body.append(row);
        });
        const note = el("caption", "rv-caption", label("ranking_caption"));
        table.replaceChildren(note, head, body);
      } else {
        const rows = items(poll, results.total);
        rows.forEach(function (item, index) {
          const row = el("tr");
          const th = el("th", null, (item.correct ? "✓ " : "") + item.label);
          th.setAttribute("scope", "row");
          row.append(th);
          keys.forEach(function (key) {
            const figures = figuresOf(key);
            const cell = items(poll, figures)[index];
            const td = el("td", "num");
            td.append(el("strong", null, number(cell ? cell.count : 0)), el("span", "rv-pct", " " + percent(cell ? cell.count : 0, figures.voters) + "%"));
            row.append(td);
          });
          body.append(row);
        });
        const votersRow = el("tr", "rv-voters-row");
        votersRow.append(el("th", null, label("voters_label")));
        keys.forEach(function (key) { votersRow.append(el("td", "num", number(figuresOf(key).voters))); });
        body.append(votersRow);
        if (poll.kind === "scale") {
          const meanRow = el("tr", "rv-mean-row");
          meanRow.append(el("th", null, label("mean_label")));
          keys.forEach(function (key) {
            const mean = figuresOf(key).mean;
            meanRow.append(el("td", "num", mean === null || mean === undefined ? "–" : number(mean, 2)));
          });
          body.append(meanRow);
        }
        table.replaceChildren(head, body);
      }
    }

    function updateLeaderboard(results, siteKeys) {
      const board = results.leaderboard || { overall: [], sites: {} };
      const box = parts.leaderboard;
      const columns = [["overall", label("overall"), board.overall || []]].concat(siteKeys.map(function (key) {
        return [key, siteName(key), (board.sites || {})[key] || []];
      }));
      const heading = el("h4", null, label("leaderboard"));
      const grid = el("div", "rv-board-grid");
      columns.forEach(function (column) {
        const section = el("div", "rv-board");
        section.setAttribute("data-board", column[0]);
        section.append(el("h5", null, column[1]));
        const list = el("ol");
        column[2].slice(0, column[0] === "overall" ? 10 : 5).forEach(function (player, index) {
          const item = el("li");
          item.append(el("span", "rv-rank", (index + 1) + "."), el("span", "rv-player", player.name));
          if (column[0] === "overall") {
            const tag = el("span", "rv-site-tag small", siteName(player.site));
            tag.style.borderColor = siteColour(player.site);
            item.append(tag);
          }
          item.append(el("span", "rv-points", label("points", { n: number(player.points) })));
          list.append(item);
        });
        if (!list.children.length) { list.append(el("li", "rv-empty", label("no_players"))); }
        section.append(list);
        grid.append(section);
      });
      box.replaceChildren(heading, grid);
    }

    return {
      update: update,
      clear: function () { destroyCharts(); container.replaceChildren(); signature = null; },
    };
  }

  // Charts keep their size on paper too.
  window.addEventListener("beforeprint", function () { charts.forEach(function (chart) { chart.resize(); }); });

  return { create: create, fill: fill, SITE_COLOURS: SITE_COLOURS };
})();
