// The chair's Q&A list: the questions with their state, filtered, and the moderation buttons of each.
import { byId, el } from "../core/dom.js";
import { fill, timeOfDay } from "../core/format.js";
import { strings } from "../core/strings.js";

// page: {snapshot, questions, filter ("all" or a state), siteName(key), act(name, payload, done)}.
export function renderQuestionList(page) {
  const S = strings();
  const siteName = page.siteName;
  const act = page.act;
  const t = function (key, values) { return fill(S[key] || key, values || {}); };
  const featured = page.snapshot ? page.snapshot.featured_question : null;
  byId("featured-text").textContent = featured ? featured.text : S.no_featured;
  byId("featured-question").classList.toggle("is-on", Boolean(featured));
  document.querySelector("[data-action=unfeature]").hidden = !featured;
  const counts = { all: page.questions.length, pending: 0, approved: 0, answered: 0, hidden: 0 };
  page.questions.forEach(function (q) { counts[q.state] = (counts[q.state] || 0) + 1; });
  byId("approve-all-questions").hidden = !counts.pending;
  Array.from(document.querySelectorAll("[data-filter]")).forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.dataset.filter === page.filter));
    b.querySelector(".count").textContent = counts[b.dataset.filter] ? String(counts[b.dataset.filter]) : "";
  });
  const shown = page.questions.filter(function (q) { return page.filter === "all" || q.state === page.filter; });
  const list = byId("questions");
  const timezone = page.snapshot ? page.snapshot.timezone : undefined;
  const items = shown.map(function (q) {
    const item = el("li", { class: "question state-" + q.state, "data-question-id": String(q.id), "data-state": q.state,
                            "data-testid": "question" });
    const meta = el("p", { class: "question-meta" });
    meta.append(el("span", { class: "site-tag" }, siteName(q.site)),
                el("span", { class: "badge qstate-badge" }, (S.question_states || {})[q.state] || q.state),
                el("span", { class: "upvotes", title: t("upvotes", { n: q.upvotes }) }, "▲ " + q.upvotes),
                el("time", { class: "muted", datetime: q.asked_at }, timeOfDay(q.asked_at, timezone)));
    if (featured && featured.id === q.id) { meta.append(el("span", { class: "badge featured-badge" }, S.featured)); }
    const row = el("div", { class: "button-row" });
    const add = function (label, className, handler, testid) {
      const b = el("button", { type: "button", class: "button tiny " + className, "data-testid": testid }, label);
      b.addEventListener("click", function () { handler().catch(function () {}); });
      row.append(b);
    };
    const moderate = function (to) {
      return function () { return act("question:moderate", { question_id: q.id, state: to }, S.done["question:moderate"]); };
    };
    if (q.state !== "approved") { add(S.approve, "go", moderate("approved"), "question-approve"); }
    if (q.state === "approved") { add(S.mark_answered, "secondary", moderate("answered"), "question-answered"); }
    if (q.state !== "hidden") { add(S.hide, "secondary", moderate("hidden"), "question-hide"); }
    if ((q.state === "approved" || q.state === "answered") && !(featured && featured.id === q.id)) {
      add(S.feature, "feature", function () {
        return act("question:feature", { question_id: q.id }, S.done["question:feature"]);
      }, "question-feature");
    }
    item.append(meta, el("p", { class: "question-text" }, q.text), row);
    return item;
  });
  list.replaceChildren.apply(list, items.length ? items : [el("li", { class: "muted empty" }, S.no_questions)]);
}
