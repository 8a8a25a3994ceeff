// The segment dialog's "Advanced (YAML)" box: the fields a kind takes that have no form field yet, written and read
// the way a programme file writes them. js-yaml is a classic script (window.jsyaml).
const jsyaml = window.jsyaml;
// Scalars stay text, as when the server reads a programme file; the server's schema converts them,
// so "13:00" or "no" mean the same here as in a file.
const YAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [jsyaml.types.null] });

// These fields of a segment as YAML ("" when none has a value).
export function advancedYaml(segment, names) {
  const details = {};
  names.forEach(function (name) {
    const value = segment[name];
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return; }
    details[name] = value;
  });
  return Object.keys(details).length ? jsyaml.dump(details, { lineWidth: 100, noRefs: true }) : "";
}

// The box's fields; a problem (bad YAML, a field that has its own form field, named in `own`) is thrown as
// {message, details}. text: the dialog's translated texts (data-text-*).
export function readAdvanced(source, own, text) {
  let details = {};
  if (source.trim()) {
    try {
      details = jsyaml.load(source, { schema: YAML_SCHEMA });
    } catch (error) {
      const where = text.textDetails + (error.mark ? ", " + text.textYamlLine + " " + (error.mark.line + 1) : "");
      throw { message: text.textYamlError, details: [{ path: where, reason: error.reason || error.message }] };
    }
  }
  if (details === null || details === undefined) { details = {}; }
  if (typeof details !== "object" || Array.isArray(details)) {
    throw { message: text.textYamlError, details: [{ path: "", reason: text.textNotMapping }] };
  }
  const misplaced = own.filter(function (name) { return name in details; });
  if (misplaced.length) {
    throw { message: text.textNotSaved, details: misplaced.map(function (name) {
      return { path: name, reason: text.textOwnField };
    }) };
  }
  return details;
}
