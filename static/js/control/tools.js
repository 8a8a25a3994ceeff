// The control panel's tool cards that show only in their segment: the video (play, pause, where it is) and the
// closing round with the magic wall (whose turn it is, who holds the object). Drawn from the newest state.
import { html, render } from "/vendor/lit-html/lit-html.js";
import { fill } from "../core/format.js";

// ctx: { T, snapshot, ui, name(key) }
export function renderVideo(ctx) {
  const { T, snapshot, ui } = ctx;
  const segment = snapshot.segment;
  ui.video.hidden = !(segment && segment.kind === "video" && snapshot.status === "live");
  if (ui.video.hidden) { return; }
  const state = snapshot.video.state;
  ui.videoState.textContent = T.video_state[state] || state;
  ui.videoState.className = "badge video-" + state;
  ui.videoPlay.disabled = state === "playing";
  ui.videoPause.disabled = state !== "playing";
}

// The closing round (its site and that site's learnings) and the magic wall (who holds the object).
export function renderClosing(ctx) {
  const { T, snapshot, ui, name } = ctx;
  const segment = snapshot.status === "live" ? snapshot.segment : null;
  const round = Boolean(segment && segment.kind === "closing_round");
  ui.closing.hidden = !round;
  if (round) {
    const closing = snapshot.closing || {};
    const order = segment.order || [];
    const learnings = closing.site ? (closing.learnings || {})[closing.site] || [] : [];
    ui.closingState.textContent = closing.site ? fill(T.closing_site, { site: name(closing.site),
      n: order.indexOf(closing.site) + 1, total: order.length, count: learnings.length }) : T.closing_none;
    render(learnings.map(function (line) { return html`<li>${line}</li>`; }), ui.closingLearnings);
    const index = order.indexOf(closing.site);
    ui.closingPrevious.disabled = index <= 0;
    ui.closingNext.disabled = index >= order.length - 1;
  }
  const wall = snapshot.handoff;
  ui.wall.hidden = !(wall && ((segment && segment.kind === "handoff") || wall.state === "in_flight"));
  if (!ui.wall.hidden) {
    const flying = wall.state === "in_flight";
    ui.wallState.textContent = flying
      ? fill(T.wall_flying, { object: wall.title, from: name(wall.holder), to: name(wall.to) })
      : fill(T.wall_holds, { site: name(wall.holder), object: wall.title });
    ui.wallTakeBack.disabled = !flying;
    ui.wallReset.disabled = !flying && wall.holder === (wall.order || [])[0];
  }
}
