// Questions: ask one (it shows here as "waiting" until a moderator approves it), and upvote the approved ones, once
// each. The list comes from the server (questions:changed); the most upvoted first, the answered ones last.
import { html, render } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { byId } from "../core/dom.js";
import { t } from "../core/strings.js";
import { nameOf, redraw, save, setStatus, store, view } from "./state.js";

const ASKED_MAX_AGE_MS = 12 * 3600 * 1000;
const MAX_LENGTH = 300;
const upvoting = new Set(); // question ids whose upvote is on its way

function saveAsked() { save("asked", store.asked.length ? store.asked : null); }

function markUpvoted(id) {
  if (store.upvoted.indexOf(id) < 0) {
    store.upvoted.push(id);
    save("upvoted", store.upvoted);
  }
}

async function upvote(question) {
  if (store.upvoted.indexOf(question.id) >= 0 || upvoting.has(question.id) || !view.live) { return; }
  upvoting.add(question.id);
  redraw();
  try {
    await view.live.act("question:upvote", { question_id: question.id });
    markUpvoted(question.id);
    question.upvotes += 1; // the list from the server follows shortly
  } catch (error) {
    if (Array.isArray(error.details) && /already|\bal\b|reeds/i.test(error.message)) {
      markUpvoted(question.id); // this phone forgot it had upvoted (its storage was cleared)
    } else {
      setStatus(byId("ask-status"), error.message, "error");
    }
  } finally {
    upvoting.delete(question.id);
    redraw();
  }
}

function questionItem(q, featured) {
  const done = store.upvoted.indexOf(q.id) >= 0;
  const answered = q.state === "answered";
  return html`<li class="question${answered ? " answered" : ""}" data-id=${q.id}>
    <div class="q-main"><p class="q-text">${q.text}</p><p class="q-meta"><span>${t("from_site", { site: nameOf(q.site) })}</span>${
      answered ? html` <span class="badge answered">✓ ${t("answered")}</span>` : ""}${
      q.id === featured ? html` <span class="badge featured">${t("on_screen")}</span>` : ""}</p></div>
    <button type="button" class="upvote" data-question=${q.id} aria-pressed=${String(done)}
      aria-label=${t("upvote_label", { text: q.text })} title=${done ? t("upvoted") : t("upvote")}
      ?disabled=${done || q.state !== "approved" || upvoting.has(q.id)} @click=${function () { upvote(q); }}><span
      class="upvote-arrow" aria-hidden="true">▲</span><span class="upvote-count">${q.upvotes}</span></button>
  </li>`;
}

// Draw this phone's questions waiting for approval and the approved ones.
export function renderQuestions() {
  if (!store.joined) { return; }
  const known = new Set(view.questions.map(function (q) { return q.id; }));
  const before = store.asked.length;
  store.asked = store.asked.filter(function (q) { return !known.has(q.id) && Date.now() - q.at < ASKED_MAX_AGE_MS; });
  if (store.asked.length !== before) { saveAsked(); }

  const mine = byId("my-questions");
  mine.hidden = !store.asked.length;
  render(repeat(store.asked, function (q) { return q.id; }, function (q) {
    return html`<li class="my-question"><span class="q-text">${q.text}</span><span class="badge waiting">${t("asked_waiting")}</span></li>`;
  }), mine);

  const featured = view.snapshot && view.snapshot.featured_question ? view.snapshot.featured_question.id : null;
  const sorted = view.questions.slice().sort(function (a, b) {
    const answered = (a.state === "answered") - (b.state === "answered");
    return answered || b.upvotes - a.upvotes || a.id - b.id;
  });
  render(sorted.length ? repeat(sorted, function (q) { return q.id; }, function (q) { return questionItem(q, featured); })
    : html`<li class="empty hint">${t("no_questions")}</li>`, byId("question-list"));
}

// The question form was sent.
export async function ask(event) {
  event.preventDefault();
  const area = byId("ask-text");
  const status = byId("ask-status");
  const text = area.value.trim();
  if (!text) { setStatus(status, t("question_needed"), "error"); area.focus(); return; }
  if (!view.live || view.status !== "live") { setStatus(status, t("offline_short"), "error"); return; }
  const button = byId("ask-button");
  button.disabled = true;
  setStatus(status, t("sending"), "sending");
  try {
    const reply = await view.live.act("question:ask", { text: text });
    store.asked.push({ id: reply.question, text: text, at: Date.now() });
    saveAsked();
    area.value = "";
    countQuestion();
    setStatus(status, t("asked"), "sent");
    renderQuestions();
  } catch (error) {
    setStatus(status, error.message, "error");
  } finally {
    button.disabled = false;
  }
}

// How many characters the question may still have.
export function countQuestion() {
  byId("ask-count").textContent = t("chars_left", { n: MAX_LENGTH - byId("ask-text").value.length });
}
