// What waits for the chair beside the programme: the answers and questions waiting for moderation (a count in the
// strip, linking to the Polls and Q&A page where they are approved), and the messages now on the stages' speaker
// views. Both as the server sent them: `waiting` of poll:results and questions:changed, the crew's stage_messages.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { fill, siteName } from "../core/format.js";

// ctx: { T, snapshot, results (poll id -> newest poll:results), questions (questions waiting) }
export function renderModeration(fact, link, ctx) {
  const T = ctx.T;
  const openPolls = new Set((ctx.snapshot.polls || []).filter(function (poll) { return poll.state === "open"; })
    .map(function (poll) { return poll.id; }));
  let answers = 0;
  ctx.results.forEach(function (latest, pollId) {
    if (openPolls.has(pollId)) { answers += latest.waiting || 0; }
  });
  const parts = [];
  if (answers) { parts.push(fill(T.waiting_answers, { n: answers })); }
  if (ctx.questions) { parts.push(fill(T.waiting_questions, { n: ctx.questions })); }
  fact.hidden = parts.length === 0;
  link.textContent = fill(T.waiting, { n: answers + ctx.questions });
  link.title = parts.join(", ");  // the strip stays one line: what waits where is in the title
}

// ctx: { T, snapshot }
export function renderStageMessages(list, ctx) {
  const messages = Object.entries(ctx.snapshot.stage_messages || {});
  render(messages.length ? messages.map(function ([key, text]) {
    return html`<li data-testid="stage-message">${fill(ctx.T.stage_message_on,
      { site: siteName(ctx.snapshot.sites, key), text: text })}</li>`;
  }) : nothing, list);
}
