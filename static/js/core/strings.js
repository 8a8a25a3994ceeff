// The page's translated strings, which its template put in <script type="application/json" id="strings">.
import { fill } from "./format.js";

let cached = null;

// All strings of the page, by key.
export function strings() {
  if (cached === null) {
    const element = document.getElementById("strings");
    cached = element ? JSON.parse(element.textContent) : {};
  }
  return cached;
}

// One string, with its {placeholders} filled in; the key itself when the page has no such string.
export function t(key, values) {
  const text = strings()[key];
  return fill(text === undefined ? key : text, values || {});
}
