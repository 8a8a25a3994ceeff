// Live actions from the crew's panels: one way to send an action from a button, show a refusal, and keep the
// keyboard focus where it was (issue 19).
//
// The button is marked busy with aria-disabled while the action runs, not with `disabled`: a disabled button loses
// the keyboard focus (the browser moves it to the page), which made the focus jump to the top after an action.
// A second click on a busy button is ignored. When the state push that follows re-renders the panel and the
// element that had the focus is gone (a list item that moved out) or disabled (an action that cannot be done again),
// the focus goes to the next control of the nearest group around it (data-key) that is still there.
const FOCUSABLE = "button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), "
  + "a[href], summary, [tabindex]:not([tabindex='-1'])";
const RESTORE_WITHIN_MS = 3000;   // a re-render this long after an action may still take the focus away

let lastAction = null;   // { element, scopes, at }: what had the focus when the last action was sent

// What a refusal says: the server's message with the fields it named.
export function refusal(error) {
  const details = (error.details || []).map(function (d) { return d.path + ": " + d.reason; }).join("; ");
  return error.message + (details ? " (" + details + ")" : "");
}

// An act(name, payload, button) for a page: `feedback.ok(name, reply)` after the server did it,
// `feedback.refused(name, error)` when it said no. act resolves with the reply, or null when refused.
export function actor(live, feedback) {
  return async function act(name, payload, button) {
    if (button && button.getAttribute("aria-disabled") === "true") { return null; }
    remember(button);
    if (button) { button.setAttribute("aria-disabled", "true"); }
    try {
      const reply = await live.act(name, payload || {});
      if (feedback.ok) { feedback.ok(name, reply); }
      return reply;
    } catch (error) {
      feedback.refused(name, error);
      return null;
    } finally {
      if (button) { button.removeAttribute("aria-disabled"); }
      keepFocus();
    }
  };
}

function remember(button) {
  const active = document.activeElement;
  const element = active && active !== document.body ? active : button;
  if (!element) { lastAction = null; return; }
  const scopes = [];
  for (let node = element.closest("[data-key]"); node; node = node.parentElement.closest("[data-key]")) {
    scopes.push(node);
    if (!node.parentElement) { break; }
  }
  lastAction = { element: element, scopes: scopes, at: Date.now() };
}

// After a re-render: if an action just ran and the focus fell to the page, put it back on the element that had it,
// or on the first control of the nearest item around it that is still on the page. Pages call this after each
// render; it does nothing when the focus is anywhere else (the person moved on).
export function keepFocus() {
  if (!lastAction || Date.now() - lastAction.at > RESTORE_WITHIN_MS) { return; }
  const active = document.activeElement;
  // A control just disabled still has the focus until the browser moves it to the page: it counts as lost.
  if (active && active !== document.body && !active.disabled) { return; }
  const element = lastAction.element;
  if (element.isConnected && !element.disabled && !element.closest("[hidden]")) {
    element.focus({ preventScroll: true });
    return;
  }
  for (const scope of lastAction.scopes) {
    if (!scope.isConnected) { continue; }
    const target = neighbour(scope, element);
    if (target) { target.focus({ preventScroll: true }); return; }
  }
}

// The control in `scope` that comes next after `element` (still on the page, now disabled: the one before it when
// none comes after), or the first one when `element` is gone.
function neighbour(scope, element) {
  const all = Array.from(scope.querySelectorAll(FOCUSABLE)).filter(function (candidate) {
    return !candidate.closest("[hidden]");
  });
  if (!element.isConnected) { return all[0] || null; }
  const after = all.find(function (candidate) {
    return element.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  return after || all[all.length - 1] || null;
}
