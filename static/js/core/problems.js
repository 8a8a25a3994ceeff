// A refusal shown where the chair is working: the server's message and, for each problem, where it is and why
// (the API's `details`: [{path, reason}]).

export function showProblems(element, message, details) {
  const paragraph = document.createElement("p");
  paragraph.textContent = message;
  element.replaceChildren(paragraph);
  if (details && details.length) {
    const list = document.createElement("ul");
    details.forEach(function (detail) {
      const li = document.createElement("li");
      const path = String(detail.path || "").replace(/^segment(\.|$)/, "");
      if (path) {
        const code = document.createElement("code");
        code.textContent = path;
        li.append(code, ": ");
      }
      li.append(detail.reason);
      list.append(li);
    });
    element.append(list);
  }
}

export function clearProblems(element) { element.replaceChildren(); }
