// The control panel's lists: the run sheet (planned and actual times, drift, a jump button per segment) and the
// cues sent to the hosts. lit-html keeps each row (keyed by its id) across pushes, so a focused jump button
// keeps the keyboard focus.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { clock, fill, siteName } from "../core/format.js";

// "+m:ss" late, "-m:ss" early, for a number of seconds.
export function signed(seconds) { return (seconds < 0 ? "-" : "+") + clock(Math.abs(seconds) * 1000); }

export function driftClass(seconds) {
  if (seconds === null || seconds === undefined) { return ""; }
  if (seconds > 300) { return "drift-very-late"; }
  if (seconds > 30) { return "drift-late"; }
  if (seconds < -30) { return "drift-early"; }
  return "drift-on-time";
}

export function kindBadge(kind, T) { return html`<span class=${"kind kind-" + kind}>${T.kinds[kind] || kind}</span>`; }

// ctx: { T, snapshot, hhmm(iso), hhmmss(iso) }
export function renderRunsheet(container, ctx) {
  const T = ctx.T;
  const s = ctx.snapshot;
  const running = s.status === "live";
  const currentId = s.segment ? s.segment.id : null;
  render(repeat(s.runsheet, function (row) { return row.id; }, function (row) {
    const isCurrent = row.id === currentId;
    return html`<tr class=${"kind-" + row.kind + (isCurrent ? " is-current" : "")
      + (row.actual_end && !isCurrent ? " is-done" : "")} data-id=${String(row.id)} data-key=${"row-" + row.id}
      aria-current=${isCurrent ? "step" : nothing}>
      <td class="num pos">${row.position + 1}</td>
      <td class="title">${kindBadge(row.kind, T)}<span class="row-title">${row.title}</span>${isCurrent
        ? html`<span class="now-tag">${T.now_marker}</span>` : nothing}</td>
      <td class="num">${ctx.hhmm(row.planned_start)}</td>
      <td class="num">${ctx.hhmm(row.planned_end)}</td>
      <td class="num">${row.planned_minutes}</td>
      <td class="num actual" data-testid="actual-start">${ctx.hhmmss(row.actual_start)}</td>
      <td class="num actual">${ctx.hhmmss(row.actual_end)}</td>
      <td class=${"num drift " + driftClass(row.drift_seconds)} data-testid="drift">${row.drift_seconds === null
        ? "" : signed(row.drift_seconds)}</td>
      <td class="jump"><button type="button" class="button tiny secondary" data-action="programme:jump"
        data-segment-id=${String(row.id)} data-title=${row.title} aria-label=${fill(T.jump_label, { title: row.title })}
        ?disabled=${!running || isCurrent}>${T.jump}</button></td>
    </tr>`;
  }), container);
}

// The cues, newest first.
export function renderCues(container, ctx) {
  const T = ctx.T;
  const cues = ctx.snapshot.cues.slice().reverse();
  render(cues.length ? repeat(cues, function (cue) { return cue.id; }, function (cue) {
    return html`<li class=${"cue cue-" + cue.state} data-testid="cue"><span class="cue-time num"
      >${ctx.hhmmss(cue.sent_at)}</span><span class="cue-to">${cue.site ? siteName(ctx.snapshot.sites, cue.site)
        : T.all_hosts}</span><span class="cue-text">${cue.text}</span><span class="badge cue-state"
      data-testid="cue-state">${T.cue_state[cue.state] || cue.state}</span>${cue.answered_at
        ? html`<span class="cue-answered muted">${fill(T.answered, { time: ctx.hhmmss(cue.answered_at) })}</span>`
        : nothing}</li>`;
  }) : html`<li class="empty muted">${T.no_cues}</li>`, container);
}
