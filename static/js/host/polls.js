// The host panel's polls: the site's own polls (open, close, reveal, on and off its screen, a quick new one),
// the event's polls (read only), the moderation of the site's answers and questions. The host runs only its own
// site's polls; the server refuses anything else, and the refusal shows in the alert line like any other.
// Results come in poll:results (the crew gets them always), questions in questions:changed.
import { html, render, nothing } from "/vendor/lit-html/lit-html.js";
import { repeat } from "/vendor/lit-html/directives/repeat.js";
import { fill, resultsVisibility } from "../core/format.js";
import { t } from "../core/strings.js";
import { kindLabel, kindNeeds, results as drawResults } from "../kinds/index.js";
import { byId, byIds } from "../core/dom.js";

const QUESTION_ORDER = { pending: 0, approved: 1, answered: 2, hidden: 3 };

// page: { site, T, act, alert(text), snapshot(), me(), ownPart(), screenNow(), now() }
export function setupPolls(page) {
  const T = page.T;
  const ui = byIds(["own-polls", "no-own-polls", "event-polls", "poll-form", "new-poll-kind", "new-poll-question",
    "new-poll-options", "questions", "no-questions", "question-count", "questions-waiting", "questions-waiting-text",
    "questions-approve-all"]);
  const newKind = ui.newPollKind;
  const results = new Map();   // poll id -> the newest poll:results
  let questions = [];
  let questionsWaiting = 0;    // the site's questions waiting for moderation, as questions:changed counts them
  let kindChosen = false;      // the host picked a kind: the form no longer suggests one

  function pollsOf(site) { return (page.snapshot().polls || []).filter(function (poll) { return poll.site === site; }); }
  function onMyScreen(poll) { return Boolean(page.me().poll && page.me().poll.id === poll.id); }
  function votersOf(poll) {
    const latest = results.get(poll.id);
    return latest ? latest.total.voters : poll.voters || 0;
  }

  byId("polls").addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) { return; }
    const action = button.dataset.action;
    if (action === "poll:dismiss") {
      page.act(action, { site: page.site }, button);
    } else if (action === "answer:moderate") {
      page.act(action, { vote_id: Number(button.dataset.vote), decision: button.dataset.decision }, button);
    } else {
      page.act(action, { poll_id: Number(button.dataset.poll) }, button);
    }
  });

  ui.questionsApproveAll.addEventListener("click", function () {
    page.act("question:approve-all", {}, ui.questionsApproveAll);
  });

  ui.questions.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-question]");
    if (button) {
      page.act("question:moderate", { question_id: Number(button.dataset.question), state: button.dataset.state },
        button);
    }
  });

  // The form shows the fields the chosen kind needs.
  function showKindFields() {
    const kind = newKind.value;
    byId("new-poll-options-field").hidden = !kindNeeds(kind, "options");
    byId("new-poll-quiz-hint").hidden = !kindNeeds(kind, "correct");
    byId("new-poll-scale-field").hidden = !kindNeeds(kind, "scale");
  }
  newKind.addEventListener("change", function () {
    kindChosen = true;
    showKindFields();
  });

  // A site whose part runs on statements (Eindhoven's format) gets a statement as the suggested kind.
  function suggestKind() {
    if (kindChosen) { return; }
    const part = page.ownPart();
    const statements = (part && part.format === "statements")
      || pollsOf(page.site).some(function (poll) { return poll.kind === "statement"; });
    newKind.value = statements ? "statement" : "single";
    showKindFields();
  }

  ui.pollForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const kind = newKind.value;
    const question = ui.newPollQuestion.value.trim();
    if (!question) {
      page.alert(T.question_missing);
      ui.newPollQuestion.focus();
      return;
    }
    const poll = { key: page.site + "-" + Date.now().toString(36), kind: kind, question: question,
      hide_results: byId("new-poll-hide").checked };
    if (kindNeeds(kind, "options")) {
      const lines = ui.newPollOptions.value.split("\n").map(function (line) { return line.trim(); })
        .filter(function (line) { return line; });
      if (!lines.length) {
        page.alert(T.options_missing);
        ui.newPollOptions.focus();
        return;
      }
      poll.options = lines.map(function (line) {
        const correct = kindNeeds(kind, "correct") && line.charAt(0) === "*";
        return { label: correct ? line.slice(1).trim() : line, correct: correct };
      });
    }
    if (kindNeeds(kind, "scale")) {
      poll.scale = { min: Number(byId("new-poll-min").value), max: Number(byId("new-poll-max").value),
        min_label: byId("new-poll-min-label").value.trim(), max_label: byId("new-poll-max-label").value.trim() };
    }
    const reply = await page.act("poll:create", { poll: poll, site: page.site, segment_id: null },
      byId("new-poll-create"));
    if (!reply) { return; }
    ui.newPollQuestion.value = "";
    ui.newPollOptions.value = "";
    page.alert("");
    byId("poll-create").open = false;
  });

  function badges(poll) {
    const visibility = resultsVisibility(poll, page.now());
    // Set on the screen, but the scene rule may show something else over it (the closing round, say).
    const screen = onMyScreen(poll)
      ? html`<span class="poll-flag is-screen" data-testid="on-screen">${page.screenNow().show === "poll"
        ? T.on_screen : T.on_screen_covered}</span>` : nothing;
    return html`<p class="poll-badges"><span class="poll-kind">${kindLabel(poll.kind)}</span
      ><span class=${"poll-state is-" + poll.state} data-testid="poll-state">${(T.poll_states || {})[poll.state]
        || poll.state}</span>${screen}<span class=${"poll-flag" + (poll.results_visible ? " is-shown" : "")}
        data-testid="poll-visibility" data-visibility=${visibility}>${T.results[visibility]}</span
      ><span class="poll-voters" data-testid="poll-voters">${fill(T.voters_n, { n: votersOf(poll) })}</span></p>`;
  }

  // Three places for the buttons, each the same button with the label of what it does now: the one just pressed
  // stays where the keyboard focus is.
  function pollButtons(poll) {
    const slots = [
      poll.state === "open" ? ["poll:close", T.poll_close, " secondary"] : ["poll:open", T.poll_open, ""],
      poll.results_visible ? ["poll:hide", T.poll_hide, " secondary"] : ["poll:reveal", T.poll_reveal, ""],
      onMyScreen(poll) ? ["poll:dismiss", T.poll_dismiss, " secondary"] : ["poll:show", T.poll_show, " secondary"],
    ];
    return html`<div class="poll-buttons">${slots.map(function ([action, label, style]) {
      return html`<button type="button" class=${"button" + style} data-action=${action}
        data-poll=${String(poll.id)}>${label}</button>`;
    })}</div>`;
  }

  // An open question's answers from this site (or from every site, for the site's own poll), waiting for the
  // host's approval before they go on the screen.
  function pendingView(latest, onlySite) {
    const pending = (latest.pending || []).filter(function (answer) { return !onlySite || answer.site === onlySite; });
    if (onlySite && !pending.length) { return nothing; }
    return html`<div class="poll-pending">
      ${onlySite ? nothing : html`<p class="mini-approved">${fill(T.answers_approved,
        { n: (latest.approved || []).length })}</p>`}
      ${pending.length ? html`<div class="approve-all" data-testid="answers-waiting" data-key=${"waiting-" + latest.poll_id}
        ><h4>${T.answers}</h4><span class="waiting-badge"
        data-testid="answers-waiting-count">${fill(T.waiting, { n: latest.waiting === undefined ? pending.length
          : latest.waiting })}</span><button type="button" class="button" data-action="answer:approve-all"
        data-poll=${String(latest.poll_id)} data-testid="answers-approve-all">${T.approve_all}</button></div>
        <ol class="pending" data-testid="pending-answers">${repeat(pending, function (answer) { return answer.id; },
          function (answer) {
            return html`<li class="pending-answer" data-testid="pending-answer" data-key=${"answer-" + answer.id}>
              <p class="pending-text">${answer.text}</p>
              <div class="pending-buttons">
                <button type="button" class="button" data-action="answer:moderate" data-vote=${String(answer.id)}
                  data-decision="approved">${T.approve}</button>
                <button type="button" class="button secondary" data-action="answer:moderate"
                  data-vote=${String(answer.id)} data-decision="hidden">${T.hide}</button>
              </div></li>`;
          })}</ol>` : nothing}
    </div>`;
  }

  function ownItem(poll) {
    const latest = results.get(poll.id);
    return html`<li class=${"poll-row is-" + poll.state + (onMyScreen(poll) ? " is-on-screen" : "")}
      data-testid="own-poll" data-key=${poll.key} data-poll-id=${String(poll.id)}>
      ${badges(poll)}
      <p class="poll-question">${poll.question}</p>
      ${pollButtons(poll)}
      ${latest ? drawResults(poll, latest, { variant: "host", sites: page.snapshot().sites, now: page.now(),
        strings: t }) : nothing}
      ${poll.kind === "open" && latest ? pendingView(latest, null) : nothing}
    </li>`;
  }

  function eventItem(poll) {
    // An open question to every site: the host approves its own site's answers.
    const latest = poll.kind === "open" ? results.get(poll.id) : null;
    return html`<li class=${"poll-row is-read-only is-" + poll.state} data-testid="event-poll" data-key=${poll.key}
      data-poll-id=${String(poll.id)}>
      ${badges(poll)}
      <p class="poll-question">${poll.question}</p>
      ${latest ? pendingView(latest, page.site) : nothing}
    </li>`;
  }

  function renderPolls() {
    if (!page.snapshot()) { return; }
    suggestKind();
    const own = pollsOf(page.site);
    ui.noOwnPolls.hidden = own.length > 0;
    const byKey = function (poll) { return poll.id; };
    render(repeat(own, byKey, ownItem), ui.ownPolls);
    render(repeat(pollsOf(null), byKey, eventItem), ui.eventPolls);
  }

  function renderQuestions() {
    const list = questions.slice().sort(function (a, b) { return QUESTION_ORDER[a.state] - QUESTION_ORDER[b.state]; });
    ui.noQuestions.hidden = list.length > 0;
    const waiting = list.filter(function (question) { return question.state === "pending"; }).length;
    ui.questionCount.textContent = waiting ? String(waiting) : "";
    ui.questionsWaiting.hidden = !questionsWaiting;
    ui.questionsWaitingText.textContent = fill(T.waiting, { n: questionsWaiting });
    render(repeat(list, function (question) { return question.id; }, function (question) {
      const choices = [["approved", T.approve], ["answered", T.answered], ["hidden", T.hide]]
        .filter(function (choice) { return choice[0] !== question.state; });
      return html`<li class=${"question is-" + question.state} data-testid="host-question" data-state=${question.state}
        data-key=${"question-" + question.id}>
        <p class="question-head"><span class="question-state">${T.question_states[question.state]
          || question.state}</span><span class="muted">${fill(T.upvotes, { n: question.upvotes })}</span></p>
        <p class="question-text">${question.text}</p>
        <div class="question-buttons">${choices.map(function ([state, label]) {
          return html`<button type="button" class="button secondary" data-question=${String(question.id)}
            data-state=${state}>${label}</button>`;
        })}</div>
      </li>`;
    }), ui.questions);
  }

  return {
    renderPolls: renderPolls,
    // poll:results and questions:changed, for core/live.js's `on`.
    on: {
      "poll:results": function (data) {
        results.set(data.poll_id, data);
        renderPolls();
        page.keepFocus();
      },
      "questions:changed": function (data) {
        questions = (data.questions || []).filter(function (question) { return question.site === page.site; });
        questionsWaiting = data.waiting || 0;
        renderQuestions();
        page.keepFocus();
      },
    },
  };
}
