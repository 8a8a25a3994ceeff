// A statement: agree, neutral or disagree. Drawn as the choice kinds are, with its fixed answers in their colours.
import { html } from "/vendor/lit-html/lit-html.js";
import { percent } from "../core/format.js";
import { countText, isMine, say } from "./common.js";
import { barsResults, barsSheet } from "./choice.js";
import { choiceButton, group } from "./ballots.js";

const CHOICES = ["agree", "neutral", "disagree"];
const ICONS = { agree: "👍", neutral: "🤷", disagree: "👎" };
const COLOURS = { agree: "#22a06b", neutral: "#8a94a6", disagree: "#d9454f" };

function rows(poll, figures, ctx) {
  return (figures.choices || []).map(function (c) {
    return { key: c.choice, label: say(c.choice), count: c.count, tone: c.choice, colour: COLOURS[c.choice],
      share: figures.voters ? c.count / figures.voters : 0, text: countText(c.count, figures.voters),
      figure: percent(c.count, figures.voters) + "%", mine: isMine(ctx.answer, c.choice) };
  });
}

export default {
  keyed: true,  // the phone's legend says which bar is all sites and which this site
  rows: rows,
  results: function (poll, results, ctx) { return barsResults(poll, results, ctx, rows); },
  sheet: function (poll, results, ctx) { return barsSheet(poll, ctx, rows, CHOICES.length); },
  summary: function (poll, figures) {
    const agree = (figures.choices || []).find(function (row) { return row.choice === "agree"; });
    return say("agree_pct", { pct: percent(agree ? agree.count : 0, figures.voters) + "%" });
  },
  ballot: function (poll, ctx) {
    return html`<fieldset class="choices">${group(say("choose_statement"))}<div class="choice-list statement">${CHOICES.map(function (choice) {
      return choiceButton(say(choice), { choice: choice, extraClass: "statement-" + choice, mark: ICONS[choice],
        pressed: ctx.answer === choice, disabled: ctx.locked, onClick: function () { ctx.onSubmit({ choice: choice }); } });
    })}</div></fieldset>`;
  },
  draft: function () { return {}; },
  folds: function () { return false; },
  stored: function (poll, wire) { return wire.choice; },
  describe: function (poll, answer) { return say(answer); },
};
