// Reactions (applause, a heart...): one tap, one reaction on the room screen. The server limits how many a phone
// sends; refused, the buttons pause a few seconds with a calm word.
import { byId, roles } from "../core/dom.js";
import { t } from "../core/strings.js";
import { setStatus, view } from "./state.js";

const PAUSE_MS = 4000;
let pause = null; // the timer of the pause after a refusal

// The buttons work while the phone is live and not pausing.
export function renderReactions() {
  const off = view.status !== "live" || pause !== null;
  roles("reaction").forEach(function (button) { button.disabled = off; });
}

function pauseReactions() {
  clearTimeout(pause);
  setStatus(byId("reaction-status"), t("reactions_easy"), "error");
  pause = setTimeout(function () {
    pause = null;
    setStatus(byId("reaction-status"), "", "");
    renderReactions();
  }, PAUSE_MS);
  renderReactions();
}

async function react(button) {
  if (!view.live || button.disabled) { return; }
  button.classList.remove("pop");
  void button.offsetWidth; // restart the animation
  button.classList.add("pop");
  try {
    await view.live.act("reaction:send", { kind: button.dataset.kind });
  } catch (error) {
    if (Array.isArray(error.details)) { pauseReactions(); }
  }
}

// Wire the buttons (once).
export function setUpReactions() {
  roles("reaction").forEach(function (button) {
    button.addEventListener("click", function () { react(button); });
  });
}
