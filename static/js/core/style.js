// A lit-html directive that sets an element's style properties through the CSSOM (style.setProperty), never as a
// style attribute: the Content-Security-Policy (style-src 'self') blocks inline style attributes, and lit-html's
// own styleMap writes one on its first render. Use it on the element: <div ${styleProperties({"--share": "0.5"})}>.
import { noChange } from "/vendor/lit-html/lit-html.js";
import { directive, Directive } from "/vendor/lit-html/directive.js";

class StyleProperties extends Directive {
  render() { return noChange; }

  update(part, [properties]) {
    const style = part.element.style;
    const previous = this.previous || {};
    Object.keys(previous).forEach(function (name) { if (!(name in properties)) { style.removeProperty(name); } });
    Object.entries(properties).forEach(function ([name, value]) {
      if (previous[name] !== value) { style.setProperty(name, value); }
    });
    this.previous = Object.assign({}, properties);
    return noChange;
  }
}

// The style properties (CSS names, custom properties included) of the element it is put on.
export const styleProperties = directive(StyleProperties);
