// @ts-check
// Council sessions: the secretary's agenda and the members' ballots.
import { batchResults, submitBatch } from "./batch.js";
import { dossierSummary } from "./dossier.js";
import {
  after,
  api,
  day,
  failed,
  field,
  h,
  has,
  moment,
  orFailure,
  render,
  state,
  submitting,
  t,
  actions,
  submitButton,
  formOf,
  download,
} from "./core.js";

// A session's vote advises: an approved item is recommended to the chairman, who decides.
/** @type {Record<string, string>} */
const ADVICE = { approved: "council.recommended", not_approved: "council.not_recommended" };

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["SessionPublic"]} Session */
/** @typedef {Schemas["ItemPublic"]} Item */
/**
 * @typedef {{ session: Session,
 *   items: import("./core.js").Loaded<Schemas["NominationPublic"]>[],
 *   candidates: Schemas["BoardRow"][] | null }} SessionData
 *   A session, each item's nomination (or why it did not load), and, while the agenda is
 *   open, the nominations that may still be put on it.
 */

// --- loading ---------------------------------------------------------------------------------
/** @returns {Promise<Schemas["Page_SessionRow_"]>} */
function loadSessions() {
  return api(after("/api/v1/council/sessions"));
}
/**
 * @param {string} id
 * @returns {Promise<SessionData>}
 */
async function loadSession(id) {
  /** @type {Session} */
  const session = await api(`/api/v1/council/sessions/${id}`);
  const drafting = has("council_secretary") && session.state === "draft";
  // The items' nominations and the agenda's candidates load together.
  const [items, candidates] = await Promise.all([
    Promise.all(
      session.items.map((item) => orFailure(api(`/api/v1/nominations/${item.nomination_id}`))),
    ),
    drafting ? api(after("/api/v1/nominations?stage=council&limit=200")) : null,
  ]);
  return { session, items, candidates: candidates ? candidates.data : null };
}

export async function councilPage() {
  const sessions = await loadSessions();
  render(...sessionsView(sessions.data));
}
/** @param {string} id */
export async function sessionPage(id) {
  const data = await loadSession(id);
  render(...sessionView(data));
  if (data.session.state === "open") followParticipation(id, location.hash);
}
/**
 * While a session is open its page keeps who has voted current, without redrawing the rest
 * (a form being filled in stays as it is). It stops when the page changes or the session closes.
 * @param {string} id
 * @param {string} page  the address the page was opened at
 */
function followParticipation(id, page) {
  clearInterval(participationTimer); // one follower, however often the page was drawn
  const timer = (participationTimer = setInterval(async () => {
    if (location.hash !== page || !document.querySelector(`[data-session="${id}"]`)) {
      clearInterval(timer);
      return;
    }
    try {
      /** @type {Session} */
      const now = await api(`/api/v1/council/sessions/${id}`);
      for (const item of now.items) showParticipation(now, item);
      if (now.state !== "open") clearInterval(timer);
    } catch {
      // A missed refresh is retried at the next tick; the page itself stays usable.
    }
  }, PARTICIPATION_REFRESH_MS));
}
const PARTICIPATION_REFRESH_MS = 10_000;
/** @type {ReturnType<typeof setInterval> | undefined} */
let participationTimer;
/**
 * @param {Session} s
 * @param {Item} item
 */
function showParticipation(s, item) {
  const voted = document.querySelector(`[data-voted="${item.nomination_id}"]`);
  if (voted) voted.textContent = `${t("council.voted")}: ${item.voted.length}/${s.members.length}`;
  const waiting = document.querySelector(`[data-not-voted="${item.nomination_id}"]`);
  if (waiting)
    waiting.textContent = `${t("council.not_voted")}: ${namesOf(s, item.not_voted) || "—"}`;
}

/**
 * People by name, as the minutes name them; a user name only where an account has none.
 * @param {Session} s
 * @param {string[]} usernames
 */
function namesOf(s, usernames) {
  return usernames.map((u) => s.names?.[u] || u).join(", ");
}

// --- views -----------------------------------------------------------------------------------
/** @param {Schemas["SessionRow"][]} sessions */
function sessionsView(sessions) {
  return [
    h("h1", {}, t("council.title")),
    sessions.length
      ? h(
          "ul",
          {},
          sessions.map((s) =>
            h(
              "li",
              {},
              h("a", { href: `#/council/${s.session_id}` }, s.title),
              ` · ${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`,
              s.awaiting_you
                ? h(
                    "strong",
                    { class: "awaiting" },
                    ` · ${t("council.awaiting", { n: String(s.awaiting_you) })}`,
                  )
                : null,
            ),
          ),
        )
      : h("p", {}, t("nom.none")),
    has("council_secretary") ? newSessionForm() : null,
  ];
}
function newSessionForm() {
  const title = h("input", { required: true });
  const date = h("input", { type: "date", required: true });
  // A council in the register sits with the members in office on the day: none to name.
  const members = h("textarea", { "aria-describedby": "members-hint" });
  const awardForm = h(
    "select",
    {},
    ...state.enums.award_forms.map((f) => h("option", { value: f }, t(`form.${f}`))),
  );
  awardForm.value = "bang-khen-tinh";
  const form = formOf(
    { class: "card" },
    () => {
      scheduleSession(form, {
        title: title.value,
        scheduled_for: date.value,
        members: members.value.trim() ? members.value.split(/\s+/).filter(Boolean) : null,
        award_form: awardForm.value,
      });
    },
    h("h2", {}, t("council.new")),
    field(t("council.session_title"), title, "title"),
    field(t("council.date"), date, "scheduled_for"),
    field(t("board.form"), awardForm, "award_form"),
    field(t("council.members"), members, "members"),
    h("p", { class: "muted", id: "members-hint" }, t("council.members_hint")),
    actions(submitButton(t("council.new"))),
  );
  return form;
}
/** @param {SessionData} data */
function sessionView({ session: s, items, candidates }) {
  const parts = [
    h("h1", { "data-session": s.id }, s.title),
    h(
      "p",
      { id: "session-state" },
      `${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`,
      s.closes_at && s.state === "open"
        ? ` · ${t("council.closes", { at: moment(s.closes_at) })}`
        : "",
    ),
    writtenVoters(s),
    ...s.items.map((item, index) => itemCard(s, item, items[index])),
  ];
  if (has("council_secretary") && s.state !== "closed") {
    if (candidates) parts.push(agendaForm(s, candidates));
    parts.push(...[sessionControls(s)].flat());
  }
  if (s.state === "closed") parts.push(sessionDocuments(s), signedDecisions(s));
  return parts;
}
/**
 * An agenda item: what is decided (the dossier's summary), who has taken part, and for a
 * member who has not, the ballot.
 * @param {Session} s
 * @param {Item} item
 * @param {import("./core.js").Loaded<Schemas["NominationPublic"]>} loaded
 */
function itemCard(s, item, loaded) {
  const me = state.me.username;
  const n = loaded.value;
  const card = h(
    "section",
    { class: "card item", "aria-labelledby": `item-${item.nomination_id}` },
    h("h2", { id: `item-${item.nomination_id}` }, n ? n.unit_name : t("council.item")),
    loaded.error ? failed(t("council.item"), loaded.error) : null,
    n ? dossierSummary(n) : null,
    h(
      "p",
      { "data-voted": item.nomination_id, "aria-live": "polite" },
      `${t("council.voted")}: ${item.voted.length}/${s.members.length}`,
    ),
    recusalList(s, item),
  );
  if (has("council_secretary"))
    card.append(
      h(
        "p",
        { class: "muted", "data-not-voted": item.nomination_id },
        `${t("council.not_voted")}: ${namesOf(s, item.not_voted) || "—"}`,
      ),
    );
  if (item.tally)
    card.append(
      h(
        "p",
        { class: "tally" },
        t("council.tally", item.tally),
        " — ",
        h("strong", {}, t(ADVICE[item.outcome] ?? `outcome.${item.outcome}`)),
      ),
    );
  else if (s.state === "open" && s.members.includes(me))
    card.append(
      item.recused[me]
        ? h("p", { class: "voted" }, t("council.you_recused", { reason: item.recused[me] }))
        : item.voted.includes(me)
          ? h("p", { class: "voted" }, t("council.you_voted"))
          : ballot(s, item, n),
    );
  return card;
}
/**
 * Who stood aside and why: declared, so shown to everyone; how others voted never is.
 * @param {Session} s
 * @param {Item} item
 */
function recusalList(s, item) {
  const entries = Object.entries(item.recused);
  if (!entries.length) return null;
  return h(
    "ul",
    { class: "recusals muted" },
    entries.map(([who, reason]) =>
      h("li", {}, t("council.recused", { who: namesOf(s, [who]), reason })),
    ),
  );
}
/**
 * The ballot: a choice, then a confirmation in the page that restates the unit, the form
 * and the choice; standing aside asks for a short reason first.
 * @param {Session} s
 * @param {Item} item
 * @param {Schemas["NominationPublic"] | undefined} n
 */
function ballot(s, item, n) {
  const box = h("div", { class: "ballot" });
  const choose = () =>
    box.replaceChildren(
      h(
        "div",
        { class: "actions", role: "group", "aria-label": t("council.ballot") },
        ...state.enums.choices.map((choice) =>
          h(
            "button",
            { type: "button", "data-choice": choice, onclick: () => confirming(choice) },
            t(`choice.${choice}`),
          ),
        ),
      ),
    );
  const confirming = (/** @type {string} */ choice) => {
    const reason =
      choice === "recuse" ? h("textarea", { required: true, maxlength: "500", rows: "2" }) : null;
    const writing = writtenVoteBox(s);
    const what = n
      ? t("council.confirm_what", {
          unit: n.unit_name,
          form: t(`form.${n.award_form}`),
          cycle: String(n.cycle_year),
        })
      : "";
    const form = formOf(
      { class: "confirm" },
      () => {
        castVote(form, s, item, choice, reason ? reason.value : "", Boolean(writing?.checked));
      },
      h(
        "p",
        { role: "status" },
        t("council.confirm", { choice: t(`choice.${choice}`) }),
        " ",
        h("strong", {}, what),
      ),
      reason ? field(t("council.recusal_reason"), reason, "reason") : null,
      writing ? field(t("council.in_writing"), writing, "in_writing") : null,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "submit", class: "primary", "data-confirm": choice },
          t("council.cast"),
        ),
        h("button", { type: "button", onclick: choose }, t("council.change")),
      ),
    );
    box.replaceChildren(form);
    (reason ?? form.querySelector("button"))?.focus();
  };
  choose();
  return box;
}
/**
 * The nominations that may go on the agenda, several at once; each is added on its own and
 * says so on its own row.
 * @param {Session} s
 * @param {Schemas["BoardRow"][]} candidates
 */
function agendaForm(s, candidates) {
  const open = candidates.filter((r) => !s.items.some((i) => i.nomination_id === r.nomination_id));
  const names = Object.fromEntries(open.map((r) => [r.nomination_id, r.unit_name]));
  const picks = open.map((r) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", class: "agenda-pick", value: r.nomination_id }),
      ` ${r.unit_name} (${r.unit_code}) · ${t(`form.${r.award_form}`)} · ${r.cycle_year}`,
    ),
  );
  const form = formOf(
    { class: "card" },
    () => {
      const picked = [...form.querySelectorAll("input.agenda-pick:checked")].map(
        (el) => /** @type {HTMLInputElement} */ (el).value,
      );
      addToAgenda(form, s, picked, names);
    },
    h("h2", {}, t("council.agenda")),
    h(
      "fieldset",
      { id: "agenda-pick" },
      h("legend", {}, t("council.agenda_pick")),
      picks.length ? picks : h("p", {}, t("nom.none")),
    ),
    h("div", { class: "field-error", "data-error-for": "items" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("council.add"))),
  );
  return form;
}
/**
 * The secretary's controls: open a draft; while open, remind, move the deadline and close.
 * Closing records the council's advice; the chairman decides later, on the office's submission.
 * @param {Session} s
 */
function sessionControls(s) {
  if (s.state === "draft")
    return h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "open-session",
          onclick: () => openSession(s),
        },
        t("council.open"),
      ),
    );
  const closesAt = h("input", {
    type: "datetime-local",
    required: true,
    value: s.closes_at ? localTime(s.closes_at) : "",
  });
  const deadline = formOf(
    { class: "card" },
    () => {
      submitting(deadline, () =>
        api(`/api/v1/council/sessions/${s.id}/closing-deadline`, {
          method: "POST",
          body: { closes_at: `${closesAt.value}:00+07:00` },
        }),
      );
    },
    h("h2", {}, t("council.deadline")),
    field(t("council.closes_at"), closesAt, "closes_at"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("council.move"))),
  );
  const closing = formOf(
    { class: "card" },
    () => {
      submitting(closing, () => api(`/api/v1/council/sessions/${s.id}/close`, { method: "POST" }));
    },
    h("h2", {}, t("council.close")),
    h("p", { class: "muted" }, t("council.close_advises")),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", id: "close-session" }, t("council.close")),
    ),
  );
  return [
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          id: "remind",
          disabled: s.items.every((i) => !i.not_voted.length),
          onclick: () =>
            submitting(null, () =>
              api(`/api/v1/council/sessions/${s.id}/reminders`, { method: "POST" }),
            ),
        },
        t("council.remind"),
      ),
    ),
    deadline,
    closing,
  ];
}
/**
 * The session's records once it closed: its minutes and its decision, as the product issued them.
 * @param {Session} s
 */
function sessionDocuments(s) {
  return h(
    "div",
    { class: "actions", id: "documents" },
    ...[
      ["minutes", "council.minutes"],
      ["decision", "council.decision"],
    ].map(([kind, label]) =>
      h("button", { type: "button", id: kind, onclick: () => openDocument(s, kind) }, t(label)),
    ),
  );
}
/**
 * The decision as signed and scanned: the secretary attaches it; everyone sees what is attached,
 * with its SHA-256 beside the generated decision's.
 * @param {Session} s
 */
function signedDecisions(s) {
  const attached = Object.entries(s.signed_decisions);
  const list = attached.length
    ? h(
        "ul",
        { id: "signed-decisions" },
        attached.map(([sha, d]) =>
          h(
            "li",
            {},
            `${d.filename} · `,
            h("span", { class: "mono" }, sha),
            h(
              "div",
              { class: "muted" },
              `${t("council.generated_sha256")}: `,
              h("span", { class: "mono" }, String(d.generated_sha256)),
            ),
          ),
        ),
      )
    : null;
  if (!has("council_secretary")) return list;
  const file = /** @type {HTMLInputElement} */ (
    h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png", required: true })
  );
  const form = formOf(
    { class: "card" },
    () => {
      const data = new FormData();
      data.append("file", file.files[0]);
      submitting(form, () =>
        api(`/api/v1/council/sessions/${s.id}/signed-decision`, { method: "POST", form: data }),
      );
    },
    h("h2", {}, t("council.signed_decision")),
    list,
    field(t("council.signed_file"), file, "file"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("council.attach"))),
  );
  return form;
}
/** @param {string} iso  an instant, shown as Vietnam's wall-clock time for the input */
function localTime(iso) {
  const at = new Date(new Date(iso).getTime() + 7 * 3600_000);
  return at.toISOString().slice(0, 16);
}

// --- handlers --------------------------------------------------------------------------------
/**
 * @param {HTMLElement} form
 * @param {Schemas["SessionCreate"]} body
 */
function scheduleSession(form, body) {
  submitting(form, async () => {
    /** @type {Schemas["Written"]} */
    const made = await api("/api/v1/council/sessions", { method: "POST", body });
    location.hash = `#/council/${made.id}`;
  });
}
/**
 * The members who voted in writing without attending: how they took part, never their choice.
 * @param {Session} s
 */
function writtenVoters(s) {
  const away = Object.entries(s.attendance ?? {})
    .filter(([, mode]) => mode === "in_writing")
    .map(([who]) => who);
  if (!away.length) return null;
  return h(
    "p",
    { class: "muted", id: "written-voters" },
    t("council.written_voters", { who: namesOf(s, away) }),
  );
}
/**
 * Where the session's voting rule provides for written votes, a member who does not attend
 * says so with their ballot; the first ballot fixes how they take part in the session.
 * @param {Session} s
 * @returns {HTMLInputElement | null}
 */
function writtenVoteBox(s) {
  const written = /** @type {{ allowed?: boolean } | undefined} */ (s.voting_rule.written_votes);
  const mode = (s.attendance ?? {})[state.me.username];
  if (!written?.allowed || mode === "in_person") return null;
  return /** @type {HTMLInputElement} */ (
    h("input", {
      type: "checkbox",
      checked: mode === "in_writing",
      disabled: mode === "in_writing",
    })
  );
}
/**
 * @param {HTMLElement} form
 * @param {Session} s
 * @param {Item} item
 * @param {string} choice
 * @param {string} reason  why the member stands aside; empty for any other choice
 * @param {boolean} inWriting  the member does not attend and votes in writing
 */
function castVote(form, s, item, choice, reason, inWriting) {
  /** @type {Schemas["VoteIn"]} */
  const body = {
    nomination_id: item.nomination_id,
    choice: /** @type {any} */ (choice),
    reason,
    in_writing: inWriting,
  };
  submitting(form, () => api(`/api/v1/council/sessions/${s.id}/votes`, { method: "POST", body }));
}
/**
 * @param {HTMLElement} form
 * @param {Session} s
 * @param {string[]} picked
 * @param {Record<string, string>} names
 */
function addToAgenda(form, s, picked, names) {
  const items = picked.map((nid) => ({
    action: /** @type {const} */ ("add_to_agenda"),
    nomination_id: nid,
    body: { session_id: s.id },
  }));
  return submitBatch(form, items, async (out) => {
    const parts = sessionView(await loadSession(s.id));
    parts.splice(2, 0, batchResults(out, names)); // under the heading, where it is seen
    render(...parts);
  });
}
/** @param {Session} s */
function openSession(s) {
  submitting(null, () => api(`/api/v1/council/sessions/${s.id}/open`, { method: "POST" }));
}
/**
 * @param {Session} s
 * @param {string} kind  "minutes" or "decision"
 */
function openDocument(s, kind) {
  return download(
    `/api/v1/council/sessions/${s.id}/${kind}.pdf`,
    `${kind}-${s.id.slice(0, 8)}.pdf`,
  );
}
