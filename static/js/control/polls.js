// The control panel's poll controls on the "now" card during a poll segment: each poll with its state (open,
// closed, results shown, site by site, on the screens, voters, answers waiting) and the buttons that open, close,
// reveal (all at once or site by site) and take it off the screens. Drawn with lit-html, keyed by poll: a pressed
// button stays the same element, so it keeps the keyboard focus when the state push comes back.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { fill } from "../core/format.js";

// The polls the now card offers: the event's polls of the segment on now, and those made outside the run sheet
// (live, for any moment). The sites' own polls are their hosts'.
export function segmentPolls(snapshot) {
  const segment = snapshot.status === "live" ? snapshot.segment : null;
  if (!segment || segment.kind !== "poll") { return null; }
  return (snapshot.polls || []).filter(function (poll) {
    return poll.site === null && (poll.segment_id === segment.id || poll.segment_id === null);
  });
}

// ctx: { T, snapshot, results (poll id -> newest poll:results) }
export function renderPolls(section, list, ctx) {
  const polls = segmentPolls(ctx.snapshot);
  section.hidden = polls === null;
  if (polls === null) { render(nothing, list); return; }
  const T = ctx.T;
  render(polls.length ? repeat(polls, function (poll) { return poll.id; }, function (poll) {
    return pollRow(poll, ctx.results.get(poll.id), ctx.snapshot, T);
  }) : html`<li class="muted">${T.no_segment_polls}</li>`, list);
}

function onScreens(poll, snapshot) {
  return snapshot.sites.some(function (site) { return site.poll && site.poll.id === poll.id; });
}

function visibility(poll, snapshot, T) {
  if (poll.reveal_step !== null && poll.reveal_step !== undefined) {
    return fill(T.poll_revealed_sites, { n: poll.reveal_step, total: (poll.reveal_order || []).length
      || snapshot.sites.length });
  }
  return poll.results_visible ? T.poll_revealed : T.poll_hidden;
}

function pollRow(poll, latest, snapshot, T) {
  const shown = onScreens(poll, snapshot);
  const voters = latest ? latest.total.voters : poll.voters || 0;
  const waiting = latest && latest.waiting ? latest.waiting : 0;
  const step = poll.reveal_step;
  const everySiteShown = step !== null && step !== undefined && step >= snapshot.sites.length;
  const openQuiz = poll.kind === "quiz" && poll.state === "open";
  const button = function (action, label, disabled, style) {
    return html`<button type="button" class=${"button small" + (style || "")} data-action=${action}
      data-poll=${String(poll.id)} ?disabled=${disabled}>${label}</button>`;
  };
  return html`<li class=${"now-poll is-" + poll.state} data-testid="now-poll" data-poll-id=${String(poll.id)}
    data-key=${"poll-" + poll.id}>
    <p class="now-poll-head"><span class="now-poll-question">${poll.question}</span></p>
    <p class="now-poll-facts">
      <span class=${"badge poll-state is-" + poll.state} data-testid="now-poll-state">${T.poll_states[poll.state]
        || poll.state}</span>
      <span class="badge" data-testid="now-poll-visibility">${visibility(poll, snapshot, T)}</span>
      ${shown ? html`<span class="badge on-screens" data-testid="now-poll-on-screen">${T.poll_on_screen}</span>`
        : nothing}
      <span class="meta" data-testid="now-poll-voters">${fill(T.voters, { n: voters })}</span>
      ${waiting ? html`<span class="badge waiting-badge" data-testid="now-poll-waiting">${fill(T.waiting,
        { n: waiting })}</span>` : nothing}
    </p>
    <div class="button-row now-poll-buttons">
      ${button("poll:open", T.poll_open, poll.state === "open", " go")}
      ${button("poll:close", T.poll_close, poll.state !== "open", " secondary")}
      ${button("poll:reveal", T.poll_reveal, poll.results_visible && step === null || openQuiz)}
      ${button("poll:reveal-site", T.poll_reveal_site, everySiteShown || openQuiz, " secondary")}
      ${button("poll:dismiss", T.poll_dismiss, !shown, " secondary")}
    </div>
  </li>`;
}
