// Joining: no account, an optional name. POST /api/v1/join answers with this phone's sign-in (a token), which the
// page keeps in localStorage and connects with from then on.
import { byId } from "../core/dom.js";
import { t } from "../core/strings.js";
import { CODE, save, store, view } from "./state.js";

// The join form's complaint (none: hidden).
export function showJoinError(message) {
  const line = byId("join-error");
  line.textContent = message || "";
  line.hidden = !message;
}

// Show the join form, or who this phone takes part as.
export function renderJoined() {
  const joined = Boolean(store.joined);
  document.body.dataset.joined = joined ? "yes" : "no";
  byId("join-card").hidden = joined;
  byId("participant").hidden = !joined;
  byId("whoami").textContent = joined ? (store.joined.name ? t("joined_as", { name: store.joined.name })
    : t("joined_anonymous")) : "";
}

// The join form was sent: join, then `onJoined()` (the page connects with the new sign-in).
export async function join(event, onJoined) {
  event.preventDefault();
  const button = byId("join-button");
  button.disabled = true;
  showJoinError("");
  try {
    let response;
    try {
      response = await fetch("/api/v1/join", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ code: CODE, name: byId("join-name").value.trim() }),
      });
    } catch (error) {
      showJoinError(t("network"));
      return;
    }
    const data = await response.json().catch(function () { return {}; });
    if (!response.ok || !data.token) {
      const reasons = (data.details || []).map(function (item) { return item.reason; }).join("; ");
      showJoinError(t("join_failed", { error: reasons || data.error || response.status }));
      return;
    }
    store.joined = data;
    save("joined", data);
    view.votes = {};
    onJoined();
    window.scrollTo(0, 0);
  } finally {
    button.disabled = false;
  }
}
