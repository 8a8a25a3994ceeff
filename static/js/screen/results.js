// The room screen's poll results, drawn as the server sent them: the total large, beside it each site's figures
// (or, for a quiz whose right answers are told, the leaderboard). Percentages of the server's counts are only
// written (core/format.js percent()), never used to count. Everything people typed is set as text (el()).
// This is the one place the screen draws results: once the poll-kind renderers (static/js/kinds/) are merged,
// mountResults() below is replaced by theirs.
import { el } from "../core/dom.js";
import { percent } from "../core/format.js";
import { strings } from "../core/strings.js";

const OPTION_COLOURS = 6;
const ANSWER_CARDS = 12;
const SITE_WORDS = 3;
const LEADERS = 8;
const SITE_LEADERS = 3;
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");
const decimal = new Intl.NumberFormat(document.documentElement.lang || "nl", { maximumFractionDigits: 1 });

// What each container shows now: redrawn only when the results changed (a reveal step grows the bars from zero).
const drawn = new WeakMap();

// Draw a poll's results into the container, or update them there (call again with new results).
// ctx: { variant: "screen", sites (the state's sites), strings (t), now, here (this screen's site), overlay }
export function mountResults(container, poll, results, ctx) {
  const key = JSON.stringify([poll, results, ctx.sites.map(function (site) { return site.name; }), ctx.overlay]);
  const before = drawn.get(container) || {};
  if (before.key === key) { return; }
  const reveal = JSON.stringify([poll.id, results.step || null]);
  const entering = reveal !== before.reveal;
  drawn.set(container, { key: key, reveal: reveal });
  const draw = drawing(poll, ctx);
  const view = viewOf(results);

  const previous = new Map();
  if (!entering) {  // bars grow from where they were; a new reveal grows them from zero
    container.querySelectorAll("[data-key]").forEach(function (element) {
      previous.set(element.dataset.key, element.style.getPropertyValue("--share"));
    });
  }
  const total = el("div", { class: "results-total", "data-testid": "results-total" });
  total.append(draw.figures(view.total, view, "total"));
  const parts = [total];
  const correctKnown = poll.kind === "quiz" && (view.total.options || []).some(function (o) { return o.correct; });
  if (correctKnown && view.leaderboard && !ctx.overlay) {
    parts.push(draw.leaderboard(view.leaderboard));
  } else if (!poll.site && (view.step || Object.keys(view.sites).length > 1) && !ctx.overlay) {
    parts.push(draw.sites(view));
  }
  container.replaceChildren(...parts);
  container.classList.toggle("entering", entering && !calm.matches);
  grow(container, previous);
}

// Grow every bar and column to its size in the next frame (the CSS transition animates it, motion allowing).
function grow(container, previous) {
  const targets = [];
  container.querySelectorAll("[data-share]").forEach(function (element) {
    const target = element.dataset.share;
    const start = element.dataset.key && previous.has(element.dataset.key) ? previous.get(element.dataset.key) : "0";
    if (calm.matches) {
      element.style.setProperty("--share", target);
    } else {
      element.style.setProperty("--share", start || "0");
      targets.push([element, target]);
    }
  });
  if (targets.length) {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        targets.forEach(function ([element, target]) { element.style.setProperty("--share", target); });
      });
    });
  }
}

// The figures as the server sent them; in a site-by-site reveal the site revealed last is the newest.
function viewOf(data) {
  const step = data.step || null;
  return {
    total: data.total, sites: data.sites, step: step,
    newest: step && data.shown && data.shown.length ? data.shown[data.shown.length - 1] : null,
    approved: data.approved || [], leaderboard: data.leaderboard || null,
  };
}

// The site revealed last in a site-by-site reveal, and one line about its figures: "Enschede: 14 votes · most
// chosen: X (43%)"; null when there is no such site.
export function announcement(poll, results, ctx) {
  const view = viewOf(results);
  if (!view.newest) { return null; }
  return ctx.strings("announce", { site: siteName(ctx, view.newest),
    summary: drawing(poll, ctx).summary(view.sites[view.newest]) });
}

function siteName(ctx, key) {
  const site = ctx.sites.find(function (s) { return s.key === key; });
  return site ? site.name : key;
}

function pct(count, total) { return percent(count, total) + "%"; }

function share(count, max) { return max ? (count / max).toFixed(4) : "0"; }

// The views of one poll's results.
function drawing(poll, ctx) {
  const T = strings();
  const t = ctx.strings;
  const here = ctx.here;

  function votesText(n) { return n === 1 ? T.votes_1 : t("votes_n", { n: n }); }

  function answersText(n) { return n === 1 ? T.answers_1 : t("answers_n", { n: n || 0 }); }

  function optionRows(figures) {
    if (poll.kind === "statement") {
      return (figures.choices || []).map(function (row) {
        return { id: row.choice, label: T.choices[row.choice] || row.choice, count: row.count, tone: row.choice };
      });
    }
    return (figures.options || []).map(function (row, i) {
      return { id: row.id, label: row.label, count: row.count, tone: "c" + (i % OPTION_COLOURS), correct: row.correct };
    });
  }

  function figuresView(figures, view, where) {
    if (poll.kind === "scale") { return scaleView(figures); }
    if (poll.kind === "wordcloud") { return cloudView(figures, where); }
    if (poll.kind === "open") { return answersView(view.approved); }
    if (poll.kind === "ranking") { return rankingView(figures, where); }
    return barsView(figures, where);
  }

  // Single, multiple, quiz and statement: a bar per option, its share of the voters and its count.
  function barsView(figures, where) {
    const rows = optionRows(figures);
    const list = el("ol", { class: "bars", "data-testid": "result-bars" });
    const quizDone = poll.kind === "quiz" && rows.some(function (row) { return row.correct === true; });
    rows.forEach(function (row) {
      const item = el("li", { class: "bar tone-" + row.tone, "data-testid": "result-bar", "data-count": String(row.count) });
      if (quizDone) { item.classList.add(row.correct ? "is-correct" : "is-wrong"); }
      const label = el("span", { class: "bar-label" });
      if (quizDone && row.correct) { label.append(el("span", { class: "bar-check", "aria-label": T.correct }, "\u2713")); }
      label.append(el("span", { class: "bar-text" }, row.label));
      const value = el("span", { class: "bar-value" });
      value.append(el("strong", {}, pct(row.count, figures.voters)), el("span", { class: "bar-count" }, String(row.count)));
      const track = el("span", { class: "bar-track" });
      track.append(el("span", { class: "bar-fill", "data-share": share(row.count, figures.voters),
        "data-key": where + ":" + row.id }));  // the bar is the share of the voters, as the percentage says
      item.append(label, value, track);
      list.append(item);
    });
    return list;
  }

  // A scale: the mean large, and the distribution as columns from min to max.
  function scaleView(figures) {
    const box = el("div", { class: "scale-view" });
    const mean = el("div", { class: "scale-mean" });
    mean.append(el("span", { class: "scale-mean-label" }, T.average),
      el("strong", { class: "scale-mean-value" + (figures.mean == null ? " is-empty" : ""), "data-testid": "scale-mean" },
        figures.mean == null ? "?" : decimal.format(figures.mean)));
    if (poll.scale) { mean.append(el("span", { class: "scale-of" }, t("scale_of", { min: poll.scale.min, max: poll.scale.max }))); }
    const rows = figures.distribution || [];
    const max = Math.max(1, ...rows.map(function (row) { return row.count; }));
    const columns = el("ol", { class: "scale-columns", "data-testid": "scale-distribution" });
    rows.forEach(function (row) {
      const column = el("li", { class: "scale-column", "data-count": String(row.count) });
      const bar = el("span", { class: "scale-bar" });
      bar.append(el("span", { class: "scale-fill", "data-share": share(row.count, max), "data-key": "total:" + row.value }));
      column.append(el("span", { class: "scale-count" }, String(row.count)), bar,
        el("span", { class: "scale-value" }, String(row.value)));
      columns.append(column);
    });
    const chart = el("div", { class: "scale-chart" });
    chart.append(columns);
    if (poll.scale && (poll.scale.min_label || poll.scale.max_label)) {  // under the first and the last column
      const ends = el("p", { class: "scale-ends" });
      ends.append(el("span", {}, poll.scale.min_label), el("span", {}, poll.scale.max_label));
      chart.append(ends);
    }
    box.append(mean, chart);
    return box;
  }

  // A word cloud in the page's own type: the most given words largest and in the middle, readable from afar.
  function cloudView(figures, where) {
    const words = (figures.words || []).slice(0, ctx.overlay ? 10 : 40);
    const cloud = el("ul", { class: "cloud", "data-testid": "word-cloud" });
    if (!words.length) {
      cloud.append(el("li", { class: "cloud-empty" }, T.no_votes));
      return cloud;
    }
    const max = words[0].count;
    const min = words[words.length - 1].count;
    const placed = [];
    words.forEach(function (row, i) {  // biggest in the middle, the rest alternately right and left of it
      if (i % 2) { placed.push(row); } else { placed.unshift(row); }
    });
    placed.forEach(function (row) {
      const rank = words.indexOf(row);
      const weight = max === min ? 1 : Math.sqrt((row.count - min) / (max - min));
      const item = el("li", { class: "word tone-c" + (rank % OPTION_COLOURS), "data-testid": "cloud-word",
        "data-count": String(row.count), title: String(row.count) }, row.word);
      item.style.setProperty("--w", (where === "total" ? 3.6 + 8.4 * weight : 2).toFixed(2));
      item.style.setProperty("--i", String(rank));
      cloud.append(item);
    });
    return cloud;
  }

  // A ranking: the options in the order of their score (first place scores most).
  function rankingView(figures, where) {
    const rows = figures.options || [];
    const max = Math.max(1, ...rows.map(function (row) { return row.score; }));
    const list = el("ol", { class: "bars ranking", "data-testid": "ranking" });
    rows.forEach(function (row, i) {
      const item = el("li", { class: "bar tone-c" + (i % OPTION_COLOURS), "data-testid": "ranked" });
      const label = el("span", { class: "bar-label" });
      label.append(el("span", { class: "rank" }, String(i + 1)), el("span", { class: "bar-text" }, row.label));
      const value = el("span", { class: "bar-value" });
      value.append(el("strong", {}, t("points_n", { n: row.score })));
      if (row.average_rank != null) {
        value.append(el("span", { class: "bar-count" }, t("average_rank", { n: decimal.format(row.average_rank) })));
      }
      const track = el("span", { class: "bar-track" });
      track.append(el("span", { class: "bar-fill", "data-share": share(row.score, max), "data-key": where + ":" + row.id }));
      item.append(label, value, track);
      list.append(item);
    });
    return list;
  }

  // Open answers: the approved ones as cards, newest first; text only.
  function answersView(approved) {
    const cards = el("ul", { class: "answers", "data-testid": "answer-cards" });
    if (!approved.length) {
      cards.append(el("li", { class: "cloud-empty" }, T.no_votes));
      return cards;
    }
    approved.slice(0, ctx.overlay ? 3 : ANSWER_CARDS).forEach(function (answer, i) {
      const card = el("li", { class: "answer-card", "data-testid": "answer-card" });
      card.style.setProperty("--i", String(i));
      card.append(el("p", { class: "answer-text" }, answer.text), el("p", { class: "answer-site" }, siteName(ctx, answer.site)));
      cards.append(card);
    });
    return cards;
  }

  // Beside the total: each site's figures, in the event's order; in a site-by-site reveal the sites still to
  // come are shown as such (the server sent nothing of them), and the newest one stands out.
  function sitesView(view) {
    const box = el("ol", { class: "sites-breakdown", "data-testid": "site-breakdown", "aria-label": T.per_site });
    ctx.sites.forEach(function (site) {
      const figures = view.sites[site.key];
      const toCome = !figures && view.step && (poll.reveal_order || []).indexOf(site.key) >= 0;
      if (!figures && !toCome) { return; }
      const card = el("li", { class: "site-card", "data-testid": "site-card", "data-site": site.key,
        "data-voters": figures ? String(figures.voters) : "" });
      if (site.key === here) { card.classList.add("is-here"); }
      if (site.key === view.newest) { card.classList.add("is-newest"); }
      const head = el("p", { class: "site-card-head" });
      head.append(el("span", { class: "site-card-name" }, site.name));
      if (!figures) {
        card.classList.add("is-pending");
        head.append(el("span", { class: "site-card-votes" }, "?"));
        card.append(head, el("p", { class: "site-card-line" }, T.still_to_come));
        box.append(card);
        return;
      }
      if (poll.kind === "scale") {
        head.append(el("span", { class: "site-card-mean" }, figures.mean == null ? "–" : decimal.format(figures.mean)));
      }
      head.append(el("span", { class: "site-card-votes" },
        poll.kind === "open" ? answersText(figures.answers) : votesText(figures.voters)));
      card.append(head);
      if (poll.kind === "wordcloud") {
        card.append(el("p", { class: "site-card-line" },
          (figures.words || []).slice(0, SITE_WORDS).map(function (row) { return row.word; }).join(" · ") || "–"));
      } else if (poll.kind === "ranking") {
        card.append(el("p", { class: "site-card-line" }, figures.voters && figures.options.length
          ? "1. " + figures.options[0].label : "–"));
      } else if (poll.kind !== "open" && poll.kind !== "scale") {  // the options' colours are those of the total's bars
        card.append(stackedBar(figures, site.key));
      }
      box.append(card);
    });
    return box;
  }

  function stackedBar(figures, key) {
    const rows = optionRows(figures);
    const all = rows.reduce(function (acc, row) { return acc + row.count; }, 0);
    const bar = el("span", { class: "stacked", "aria-hidden": "true" });
    rows.forEach(function (row) {
      if (!row.count) { return; }
      bar.append(el("span", { class: "stacked-part tone-" + row.tone, "data-share": share(row.count, all),
        "data-key": key + ":" + row.id }));
    });
    return bar;
  }

  // A quiz, once its right answers are told: the best players overall and at this site.
  function leaderboardView(board) {
    const box = el("div", { class: "leaderboard", "data-testid": "leaderboard" });
    const list = function (players, limit) {
      const ol = el("ol", { class: "leaders" });
      players.slice(0, limit).forEach(function (player, i) {
        const row = el("li", { class: "leader" + (player.site === here ? " is-here" : "") });
        row.append(el("span", { class: "rank" }, String(i + 1)), el("span", { class: "leader-name" }, player.name),
          el("span", { class: "leader-site" }, siteName(ctx, player.site)),
          el("strong", { class: "leader-points" }, String(player.points)));
        ol.append(row);
      });
      return ol;
    };
    box.append(el("h2", {}, T.leaderboard), list(board.overall || [], LEADERS));
    const mine = (board.sites || {})[here] || [];
    if (mine.length) { box.append(el("h3", {}, t("leaderboard_site", { site: siteName(ctx, here) })), list(mine, SITE_LEADERS)); }
    return box;
  }

  // One line about one site's figures: "14 votes · most chosen: X (43%)".
  function summary(figures) {
    if (!figures) { return ""; }
    const parts = [poll.kind === "open" ? answersText(figures.answers) : votesText(figures.voters)];
    if (figures.voters) {
      const top = topRow(figures);
      if (top) { parts.push(top); }
    }
    return parts.join(" · ");
  }

  function topRow(figures) {
    if (poll.kind === "scale") { return figures.mean == null ? "" : t("mean_is", { mean: decimal.format(figures.mean) }); }
    if (poll.kind === "wordcloud") { return figures.words && figures.words.length ? t("top_word", { word: figures.words[0].word }) : ""; }
    if (poll.kind === "ranking") { return figures.options && figures.options.length ? t("top_ranked", { label: figures.options[0].label }) : ""; }
    if (poll.kind === "statement") {
      const agree = (figures.choices || []).find(function (row) { return row.choice === "agree"; });
      return t("agree_pct", { pct: pct(agree ? agree.count : 0, figures.voters) });
    }
    if (figures.options && figures.options.length) {
      const best = figures.options.reduce(function (a, b) { return b.count > a.count ? b : a; });
      return t("top_choice", { label: best.label, pct: pct(best.count, figures.voters) });
    }
    return "";
  }

  return { figures: figuresView, sites: sitesView, leaderboard: leaderboardView, summary: summary };
}
