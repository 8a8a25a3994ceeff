// The pieces the phone's ballots share: a group's legend, a choice button, a form's buttons.
import { html, nothing } from "/vendor/lit-html/lit-html.js";
import { say } from "./common.js";

// The legend of a ballot's fieldset (it names the group for screen readers too).
export function group(legend) { return html`<legend class="legend">${legend}</legend>`; }

// A big choice button; `pressed` marks the answer given. options: {option, choice, pressed, disabled, onClick, mark,
// extraClass}.
export function choiceButton(text, options) {
  return html`<button type="button" class="choice${options.extraClass ? " " + options.extraClass : ""}"
    aria-pressed=${String(Boolean(options.pressed))} ?disabled=${options.disabled}
    data-option=${options.option === undefined ? nothing : options.option}
    data-choice=${options.choice === undefined ? nothing : options.choice}
    @click=${options.onClick}><span class="choice-mark" aria-hidden="true">${options.mark || ""}</span><span class="choice-text">${text}</span></button>`;
}

// A form's send button, and "cancel" while an answer given is being changed.
export function formButtons(label, ctx) {
  return html`<div class="form-buttons"><button type="submit" class="button big primary">${label}</button><button type="button"
    class="button secondary cancel-edit" ?hidden=${!ctx.editing} @click=${ctx.onCancel}>${say("cancel")}</button></div>`;
}
