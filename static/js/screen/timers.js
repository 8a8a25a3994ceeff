// The screen's countdowns: the segment's time left and this site's own timer, from the server's clock. While the
// screen is not live they show "–:––" rather than a time that may be wrong.
import { clock } from "../core/format.js";
import { strings } from "../core/strings.js";

const WRAP_UP_MS = 2 * 60 * 1000;

// One countdown: element (.timer with .timer-label and .timer-value), its label, when it ends (ms, or null).
export function setTimer(element, label, endsAt, now, live) {
  const value = element.querySelector(".timer-value");
  if (!endsAt || !live) {
    element.hidden = !endsAt;
    value.textContent = endsAt ? "–:––" : "";
    element.classList.remove("is-wrapup", "is-overtime");
    return;
  }
  const left = endsAt - now;
  const over = left < 0;
  element.hidden = false;
  element.classList.toggle("is-wrapup", !over && left <= WRAP_UP_MS);
  element.classList.toggle("is-overtime", over);
  element.querySelector(".timer-label").textContent = over ? strings().overtime : label;
  // Rounded up while counting down (0:01 until the very end), then counting the overtime up from +0:00.
  value.textContent = over ? "+" + clock(-left) : clock(Math.ceil(left / 1000) * 1000);
}
