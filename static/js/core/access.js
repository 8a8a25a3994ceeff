// Crew links carry their token in the URL fragment (#token=...), which the browser never sends to the server.
// On every page: take the token out of the address bar (history, bookmarks, screen shares), also when a link is
// opened again in the same tab (only the fragment changes: the page is not loaded again). On the loader (a crew
// page opened without its cookie): post the token to this address once, in the request body; the reply sets the
// page's cookie, and the page is loaded. Without a token, or when the server refuses it, show why.
// (docs/security.md, "Where tokens travel".)
const loader = Boolean(document.body.dataset.linkLoader);

// The token in the address, now taken out of it; null when there is none.
function takeToken() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (token !== null) { window.history.replaceState(window.history.state, "", address()); }
  return token;
}

function address() { return window.location.pathname + window.location.search; }

function refuse(status, message) {
  if (status) { document.getElementById("link-status").textContent = status; }
  if (message) { document.getElementById("link-message").textContent = message; }
  document.getElementById("link-opening").hidden = true;
  document.getElementById("link-refused").hidden = false;
}

function exchange(token) {
  fetch(address(), {
    method: "POST",
    headers: { "Accept": "application/json" },
    body: new URLSearchParams({ token: token }),
    credentials: "same-origin",
  }).then(async function (response) {
    if (response.ok) {
      window.location.replace(address());
    } else {
      const reply = await response.json().catch(function () { return {}; });
      refuse(response.status, reply.error);
    }
  }).catch(function (error) { refuse("", error.message); });
}

// Without a token the cookie may still be there: a browser does not send a SameSite=Strict cookie when the page
// was opened from another site's link. Loading the page once more from here sends it.
function retryOnce() {
  if (window.history.state && window.history.state.linkRetried) { refuse(); return; }
  window.history.replaceState({ linkRetried: true }, "", address());
  window.location.reload();
}

function open() {
  const token = takeToken();
  if (!loader) { return; }
  if (token) { exchange(token); } else { retryOnce(); }
}

window.addEventListener("hashchange", open);
open();
