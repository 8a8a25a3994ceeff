// A video segment: with a file, every screen plays it in step with the chair's controls (the position follows
// from the server's state and clock); without one, a title card says whether it plays and for how long.
import { el } from "../core/dom.js";
import { clock, ms } from "../core/format.js";
import { strings } from "../core/strings.js";

const MAX_DRIFT_S = 0.5;       // the video is re-seeked when it is further off than this

let wrap = null;               // the <video> with its "sound is off" line, kept across states
let video = null;
let wantSound = true;

// The video of a segment with a file: the same element as long as the file is the same (it plays on).
export function videoArea(segment) {
  if (!video || video.dataset.url !== segment.video_url) {
    dropVideo();
    video = el("video", { class: "video", "data-testid": "video", preload: "auto", playsinline: "" });
    video.dataset.url = segment.video_url;
    video.src = segment.video_url;
    wrap = el("div", { class: "video-wrap" });
    wrap.append(video, el("p", { class: "video-sound", hidden: "" }, strings().sound_off));
  }
  return wrap;
}

// Stop and forget the video (another segment is on).
export function dropVideo() {
  if (video) {
    video.pause();
    video.removeAttribute("src");
    video.load();
    video = null;
    wrap = null;
  }
}

function position(state, now) {
  const shown = state || { state: "stopped", position: 0 };
  let at = shown.position || 0;
  if (shown.state === "playing" && shown.changed_at) { at += Math.max(0, now - ms(shown.changed_at)) / 1000; }
  return { state: shown.state, position: at };
}

// Every tick: the title card's state and elapsed time, or the video's play state and position.
// card: the title card (.video-card) when the segment has no file; live: whether the screen is live.
export function syncVideo(state, now, card, live) {
  const T = strings();
  const target = position(state, now);
  if (card) {
    card.dataset.state = target.state;
    card.querySelector(".video-state").textContent = target.state === "playing" ? T.video_playing
      : target.state === "paused" ? T.video_paused : T.video_stopped;
    card.querySelector(".video-elapsed").textContent = clock(target.position * 1000);
    return;
  }
  if (!video || !live) {
    if (video && !video.paused) { video.pause(); }
    return;
  }
  if (video.readyState >= 1 && Math.abs(video.currentTime - target.position) > MAX_DRIFT_S) {
    const duration = video.duration;
    video.currentTime = isFinite(duration) ? Math.min(target.position, duration) : target.position;
  }
  if (target.state === "playing" && video.paused && !video.ended) {
    play();
  } else if (target.state !== "playing" && !video.paused) {
    video.pause();
  }
}

function soundHint(shown) { wrap.querySelector(".video-sound").hidden = !shown; }

function play() {
  video.muted = !wantSound;
  const started = video.play();
  if (started && started.catch) {
    started.catch(function (error) {
      // Browsers refuse sound before anyone touched the page: play muted and say how to get the sound.
      if (error && error.name === "NotAllowedError" && video && !video.muted) {
        wantSound = false;
        video.muted = true;
        soundHint(true);
        video.play().catch(function () { /* tried again next tick */ });
      }
    });
  }
}

// A click anywhere on the screen turns the sound on.
document.addEventListener("click", function () {
  if (!video) { return; }
  wantSound = true;
  video.muted = false;
  soundHint(false);
});
