// Small DOM helpers. Whatever people typed is only ever set as text, never as HTML.
// Behaviour finds elements by id, class or data-role; data-testid is for the tests alone.

// An element with attributes and text.
export function el(tag, attributes, text) {
  const element = document.createElement(tag);
  Object.entries(attributes || {}).forEach(function ([name, value]) { element.setAttribute(name, value); });
  if (text !== undefined && text !== null) { element.textContent = String(text); }
  return element;
}

// The element with this id (throws when the template lacks it: a page and its template go together).
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) { throw new Error("the page has no #" + id); }
  return element;
}

// The first element with this data-role inside `root` (default: the document), or null.
export function role(name, root) { return (root || document).querySelector('[data-role="' + name + '"]'); }

// Every element with this data-role inside `root`.
export function roles(name, root) { return Array.from((root || document).querySelectorAll('[data-role="' + name + '"]')); }

// The elements with these ids, by their id in camelCase ("wall-state" -> wallState); throws like byId.
export function byIds(ids) {
  const elements = {};
  ids.forEach(function (id) {
    elements[id.replace(/-(\w)/g, function (match, letter) { return letter.toUpperCase(); })] = byId(id);
  });
  return elements;
}
