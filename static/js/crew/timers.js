// Countdowns as the crew's panels write them: the time left, rounded up to the second, or the overtime with a "+".
import { clock } from "../core/format.js";

// The countdown to `endsAt` (ms since the epoch) at the server time `now`: its text, and its state
// ("running", "wrapup" within `wrapUpMs` of the end, "overtime" after it).
export function countdown(endsAt, now, wrapUpMs) {
  const left = endsAt - now;
  if (left < 0) { return { text: "+" + clock(-left), state: "overtime", left: left }; }
  return { text: clock(Math.ceil(left / 1000) * 1000), state: left <= wrapUpMs ? "wrapup" : "running", left: left };
}
