// The choice kinds: single choice, multiple choice and the quiz (a single choice with right answers, points and a
// leaderboard). Results: a bar per option with its count and its share of the voters.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { number, percent } from "../core/format.js";
import {
  TONES, breakdown, countText, isMine, miniBars, phoneBars, phoneFigures, say, screenBars, siteCards, stackedBar, view,
} from "./common.js";
import { tableHead } from "./sheet.js";
import { choiceButton, formButtons, group } from "./ballots.js";

const LEADERS = 8;       // on the room screen: the best overall,
const SITE_LEADERS = 3;  // and the best at its own site

// Bar rows of a choice poll's figures; the quiz marks the right answers once the server tells them.
function rows(poll, figures, ctx) {
  return (figures.options || []).map(function (o, i) {
    return { key: o.id, label: o.label, count: o.count, correct: poll.kind === "quiz" ? o.correct : undefined,
      tone: "c" + (i % TONES), share: figures.voters ? o.count / figures.voters : 0,
      text: countText(o.count, figures.voters), figure: percent(o.count, figures.voters) + "%", mine: isMine(ctx.answer, o.id) };
  });
}

// The screen's rows of a statement or a choice poll: the share of the voters, as the percentage says.
export function barsResults(poll, results, ctx, rowsOf) {
  const v = view(results);
  if (ctx.variant === "phone") {
    const f = phoneFigures(poll, results, ctx);
    return phoneBars(rowsOf(poll, f.total, ctx).map(phoneRow), f.mine ? rowsOf(poll, f.mine, ctx).map(phoneRow) : null, ctx);
  }
  if (ctx.variant === "host") {
    const all = rowsOf(poll, v.total, ctx);
    const max = Math.max(0, ...all.map(function (row) { return row.count; }));
    return miniBars(all.map(function (row) {
      return { label: (row.correct ? "✓ " : "") + row.label, text: row.text, share: max ? row.count / max : 0 };
    }));
  }
  const total = screenBars(rowsOf(poll, v.total, ctx).map(screenRow), "total");
  return [total, breakdown(poll, v, ctx) ? siteCards(poll, v, ctx, function (figures, key) {
    return { body: stackedBar(rowsOf(poll, figures, ctx), key) };
  }) : nothing];
}

function phoneRow(row) { return Object.assign({}, row, { text: row.figure + " · " + number(row.count) }); }
function screenRow(row) { return Object.assign({}, row, { text: number(row.count) }); }

// The sheet: the total's bars (a quiz's right answers in green), each site's in percent, the table of counts.
export function barsSheet(poll, ctx, rowsOf, count) {
  return {
    rows: count,
    chart: function (figures, colours) {
      return rowsOf(poll, figures, ctx).map(function (row) {
        const quizColour = row.correct === undefined || row.correct === null ? null : row.correct ? colours.right : colours.wrong;
        return { label: row.correct ? "✓ " + row.label : row.label, value: row.count, text: row.text,
          colour: row.colour || quizColour || colours.bar };
      });
    },
    siteChart: function (figures) {
      return rowsOf(poll, figures, ctx).map(function (row) { return { label: row.label, value: percent(row.count, figures.voters) }; });
    },
    table: function (results, keys) {
      const all = [results.total].concat(keys.map(function (key) { return results.sites[key]; }));
      return html`${tableHead(ctx, keys)}<tbody>${rowsOf(poll, results.total, ctx).map(function (item, index) {
        return html`<tr><th scope="row">${item.correct ? "✓ " : ""}${item.label}</th>${all.map(function (figures) {
          const cell = rowsOf(poll, figures, ctx)[index];
          const n = cell ? cell.count : 0;
          return html`<td class="num"><strong>${number(n)}</strong><span class="rv-pct"> ${percent(n, figures.voters)}%</span></td>`;
        })}</tr>`;
      })}<tr class="rv-voters-row"><th>${say("voters_label")}</th>${all.map(function (figures) {
        return html`<td class="num">${number(figures.voters)}</td>`;
      })}</tr></tbody>`;
    },
  };
}

// A quiz's leaderboard on the sheet: the best ten overall, the best five per site.
function sheetLeaderboard(results, keys, ctx) {
  const board = results.leaderboard || { overall: [], sites: {} };
  const columns = [["overall", say("overall"), board.overall || []]].concat(keys.map(function (key) {
    return [key, ctx.siteName(key), (board.sites || {})[key] || []];
  }));
  return html`<section class="rv-leaderboard" data-testid="rv-leaderboard"><h4>${say("leaderboard")}</h4><div class="rv-board-grid">${columns.map(function (column) {
    const players = column[2].slice(0, column[0] === "overall" ? 10 : 5);
    return html`<div class="rv-board" data-board=${column[0]}><h5>${column[1]}</h5><ol>${players.length ? players.map(function (player, index) {
      return html`<li><span class="rv-rank">${index + 1}.</span><span class="rv-player">${player.name}</span>${column[0] === "overall"
        ? html`<span class="rv-site-tag small" data-site=${player.site}>${ctx.siteName(player.site)}</span>` : nothing}<span class="rv-points">${say("pts_n", { n: number(player.points) })}</span></li>`;
    }) : html`<li class="rv-empty">${say("no_players")}</li>`}</ol></div>`;
  })}</div></section>`;
}

// A quiz on the screen, once its right answers are told: the best players overall and at this site.
function screenLeaderboard(board, ctx) {
  const list = function (players, limit) {
    return html`<ol class="leaders">${players.slice(0, limit).map(function (player, i) {
      return html`<li class="leader${player.site === ctx.site ? " is-here" : ""}"><span class="rank">${i + 1}</span><span class="leader-name">${player.name}</span><span class="leader-site">${ctx.siteName(player.site)}</span><strong class="leader-points">${player.points}</strong></li>`;
    })}</ol>`;
  };
  const here = (board.sites || {})[ctx.site] || [];
  return html`<div class="leaderboard" data-testid="leaderboard"><h2>${say("leaderboard")}</h2>${list(board.overall || [], LEADERS)}${here.length
    ? html`<h3>${say("leaderboard_site", { site: ctx.siteName(ctx.site) })}</h3>${list(here, SITE_LEADERS)}` : nothing}</div>`;
}

function optionLabel(poll, id) {
  const option = poll.options.find(function (o) { return o.id === id; });
  return option ? option.label : "?";
}

// --- ballots -------------------------------------------------------------------------------------------------

// Single choice: a tap is the vote. Quiz: a tap picks, "send" votes (a quiz answer is final).
function singleBallot(poll, ctx) {
  const quiz = poll.kind === "quiz";
  const draft = ctx.draft;
  const chosen = ctx.answer !== null ? ctx.answer[0] : draft.picked;
  return html`<fieldset class="choices">${group(quiz ? say("choose_quiz") : say("choose_one"))}
    <div class="choice-list">${poll.options.map(function (option) {
      return choiceButton(option.label, { option: option.id, pressed: option.id === chosen, disabled: ctx.locked,
        onClick: function () {
          if (quiz) { draft.picked = option.id; ctx.redraw(); } else { ctx.onSubmit({ option: option.id }); }
        } });
    })}</div>
    ${quiz ? html`<button type="button" class="button big primary" ?hidden=${ctx.answer !== null || draft.picked === null || !ctx.open}
      @click=${function () { if (draft.picked !== null) { ctx.onSubmit({ option: draft.picked }); } }}>${say("submit")}</button>` : nothing}
  </fieldset>`;
}

// Multiple choice: tick one or more, then send.
function multipleBallot(poll, ctx) {
  const draft = ctx.draft;
  const submit = function (event) {
    event.preventDefault();
    const options = poll.options.map(function (o) { return o.id; }).filter(function (id) { return draft.ticked.indexOf(id) >= 0; });
    if (!options.length) { ctx.onInvalid(say("pick_needed")); return; }
    ctx.onSubmit({ options: options });
  };
  return html`<form class="poll-form" novalidate @submit=${submit}><fieldset class="choices">${group(say("choose_many"))}
    <div class="choice-list">${poll.options.map(function (option, index) {
      const id = "multi-" + poll.id + "-" + index;
      const toggle = function (event) {
        draft.ticked = draft.ticked.filter(function (x) { return x !== option.id; });
        if (event.target.checked) { draft.ticked.push(option.id); }
      };
      return html`<label class="choice check" for=${id}><input type="checkbox" id=${id} value=${option.id}
        .checked=${draft.ticked.indexOf(option.id) >= 0} @change=${toggle}><span class="choice-mark" aria-hidden="true"></span><span class="choice-text">${option.label}</span></label>`;
    })}</div></fieldset>${formButtons(say("submit"), ctx)}</form>`;
}

const choice = {
  keyed: true,  // the phone's legend says which bar is all sites and which this site
  rows: rows,

  results: function (poll, results, ctx) {
    const v = view(results);
    const correctKnown = poll.kind === "quiz" && (v.total.options || []).some(function (o) { return o.correct; });
    if (ctx.variant === "screen" && correctKnown && v.leaderboard && !ctx.overlay) {
      return [screenBars(rows(poll, v.total, ctx).map(screenRow), "total"), screenLeaderboard(v.leaderboard, ctx)];
    }
    return barsResults(poll, results, ctx, rows);
  },

  sheet: function (poll, results, ctx) {
    const spec = barsSheet(poll, ctx, rows, (poll.options || []).length);
    if (poll.kind === "quiz") {
      spec.after = function (r, keys) { return sheetLeaderboard(r, keys, ctx); };
    }
    return spec;
  },

  // One line about some figures: "most chosen: X (43%)".
  summary: function (poll, figures) {
    if (!figures.options || !figures.options.length) { return ""; }
    const best = figures.options.reduce(function (a, b) { return b.count > a.count ? b : a; });
    return say("top_choice", { label: best.label, pct: percent(best.count, figures.voters) + "%" });
  },

  ballot: function (poll, ctx) { return poll.kind === "multiple" ? multipleBallot(poll, ctx) : singleBallot(poll, ctx); },
  draft: function (poll, answer) { return { picked: null, ticked: Array.isArray(answer) ? answer.slice() : [] }; },
  folds: function (poll) { return poll.kind === "multiple"; },
  stored: function (poll, wire) { return poll.kind === "multiple" ? wire.options : [wire.option]; },
  describe: function (poll, answer) { return answer.map(function (id) { return optionLabel(poll, id); }).join(", "); },
};

export default choice;
export { optionLabel };
