// @ts-check
// The decision chain (docs/spec.md §12): the province reviewer submits what a council
// recommended; the awarding authority decides each submission, dossier by dossier, and signs.
import {
  actions,
  after,
  api,
  day,
  field,
  formOf,
  h,
  has,
  render,
  submitButton,
  submitting,
  t,
  today,
  download,
} from "./core.js";

/** @typedef {import("./core.js").Schemas["SubmissionRow"]} Row */
/** @typedef {import("./core.js").Schemas["SubmissionPublic"]} Submission */
/** @typedef {import("./core.js").Schemas["RecommendedGroup"]} Group */
/** @typedef {import("./core.js").Schemas["SubmissionItemPublic"]} Item */

// --- pages -------------------------------------------------------------------------------------
export async function decisionsPage() {
  const parts = [h("h1", {}, t("chain.title")), h("p", { class: "muted" }, t("chain.lead"))];
  if (has("province_reviewer")) {
    /** @type {import("./core.js").Schemas["Page_RecommendedGroup_"]} */
    const groups = await api(after("/api/v1/submissions/recommended"));
    parts.push(h("h2", {}, t("chain.recommended")));
    parts.push(...groups.data.map(groupForm));
    if (!groups.data.length) parts.push(h("p", {}, t("chain.none")));
  }
  /** @type {import("./core.js").Schemas["Page_SubmissionRow_"]} */
  const rows = await api(after("/api/v1/submissions"));
  parts.push(h("h2", {}, t("chain.submissions")), submissionList(rows.data));
  render(...parts);
}

/** @param {string} id */
export async function submissionPage(id) {
  /** @type {Submission} */
  const s = await api(`/api/v1/submissions/${id}`);
  render(...submissionView(s));
}

// --- the office: a submission of what a session recommended ------------------------------------
/** @param {Group} g */
function groupForm(g) {
  const boxes = g.items.map((item) =>
    h("input", { type: "checkbox", checked: true, value: item.nomination_id }),
  );
  const summary = h("textarea", { required: true, maxlength: "4000" });
  summary.value = t("chain.summary_default");
  /** @type {HTMLFormElement} */
  const form = formOf(
    { class: "card", "data-session": g.session_id },
    () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      prepare(form, g.session_id, chosen, summary.value);
    },
    h("h3", {}, g.title),
    itemTable(g.items, (item, i) =>
      h(
        "label",
        {},
        boxes[i],
        h("span", { class: "visually-hidden" }, `${t("chain.include")}: ${item.unit_name}`),
      ),
    ),
    h("div", { class: "field-error", "data-error-for": "nomination_ids" }),
    field(t("chain.summary"), summary, "summary"),
    actions(submitButton(t("chain.submit"))),
  );
  return form;
}
/**
 * @param {HTMLFormElement} form
 * @param {string} session
 * @param {string[]} ids
 * @param {string} summary
 */
function prepare(form, session, ids, summary) {
  submitting(form, async () => {
    /** @type {import("./core.js").Schemas["SubmissionWritten"]} */
    const made = await api("/api/v1/submissions", {
      method: "POST",
      body: { session_id: session, nomination_ids: ids, summary },
    });
    location.hash = `#/decisions/${made.id}`;
  });
}

// --- lists ---------------------------------------------------------------------------------------
/** @param {Row[]} rows */
function submissionList(rows) {
  if (!rows.length) return h("p", {}, t("chain.none"));
  return h(
    "ul",
    { id: "submissions" },
    rows.map((r) =>
      h(
        "li",
        { class: r.state },
        h("a", { href: `#/decisions/${r.submission_id}` }, r.number),
        ` · ${r.authority_name} · ${t("chain.prepared_on")} ${day(r.prepared_on)}`,
        ` · ${r.items} ${t("chain.items").toLowerCase()} · ${t(`chain.state.${r.state}`)}`,
        r.decision_number ? ` · ${r.decision_number}` : "",
      ),
    ),
  );
}
/**
 * The dossiers of a group or a submission, each with its tally and the public's objections.
 * @param {Item[]} items
 * @param {(item: Item, index: number) => unknown} extra  a last cell per row
 */
function itemTable(items, extra) {
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("chain.unit")),
        h("th", { scope: "col" }, t("chain.tally")),
        h("th", { scope: "col" }, t("chain.objections")),
        h("th", { scope: "col" }, t("chain.outcome")),
      ),
    ),
    h(
      "tbody",
      {},
      items.map((item, i) =>
        h(
          "tr",
          { "data-nomination": item.nomination_id },
          h(
            "td",
            {},
            h("a", { href: `#/nominations/${item.nomination_id}` }, item.unit_name),
            h("div", { class: "muted" }, t(`form.${item.award_form}`)),
            ...(item.holds ?? []).map((hold) =>
              h(
                "div",
                { class: "error held", role: "note" },
                t("chain.held", { kind: t(`hold.${hold.kind}`), reference: hold.reference }),
              ),
            ),
          ),
          h("td", {}, tallyText(item.tally)),
          h("td", {}, `${item.objections} (${item.objections_upheld})`),
          h("td", {}, extra(item, i)),
        ),
      ),
    ),
  );
}
/** @param {Record<string, number>} tally */
function tallyText(tally) {
  return ["approve", "reject", "abstain", "recuse"].map((k) => tally[k] ?? 0).join(" / ");
}

// --- the authority: a submission decided dossier by dossier -------------------------------------
/** @param {Submission} s */
function submissionView(s) {
  const parts = [
    h("h1", {}, `${t("chain.submissions")} ${s.number}`),
    h(
      "p",
      {},
      `${t("chain.authority")}: ${s.authority.name_vi} · ${t("chain.prepared_on")}`,
      ` ${day(s.prepared_on)} · ${t(`chain.state.${s.state}`)}`,
    ),
    h("blockquote", {}, s.summary),
    actions(
      h(
        "button",
        {
          type: "button",
          id: "submission-pdf",
          onclick: () =>
            download(
              `/api/v1/submissions/${s.id}/submission.pdf`,
              `to-trinh-${s.id.slice(0, 8)}.pdf`,
            ),
        },
        t("chain.submission_pdf"),
      ),
    ),
  ];
  const decision = s.decision;
  if (decision) {
    parts.push(
      h(
        "p",
        { id: "decision" },
        t("chain.decision", {
          number: decision.number,
          on: day(decision.signed_on),
          signer: decision.signer_name,
          as: decision.signs_as,
        }),
      ),
      itemTable(s.items, (item) => {
        const awarded = item.nomination_id in decision.awarded;
        const reason = awarded
          ? decision.awarded[item.nomination_id]
          : decision.not_awarded[item.nomination_id];
        return `${t(awarded ? "chain.awarded" : "chain.not_awarded")}: ${reason}`;
      }),
      actions(
        h(
          "button",
          { type: "button", id: "decision-pdf", onclick: () => openDecision(s) },
          t("chain.decision_pdf"),
        ),
      ),
    );
  } else if (has("awarding_authority")) {
    parts.push(decisionForm(s));
  } else {
    parts.push(itemTable(s.items, () => t("chain.state.waiting")));
  }
  return parts;
}
/** @param {Submission} s */
function decisionForm(s) {
  // A nominee under an open hold cannot be awarded (docs/spec.md §5): only "not awarded".
  const choices = s.items.map((item) => {
    const held = (item.holds ?? []).length > 0;
    return h(
      "select",
      { "aria-label": `${t("chain.outcome")}: ${item.unit_name}` },
      h("option", { value: "awarded", disabled: held ? "" : null }, t("chain.awarded")),
      h("option", { value: "not_awarded", selected: held ? "" : null }, t("chain.not_awarded")),
    );
  });
  const reasons = s.items.map((item) =>
    h("input", {
      type: "text",
      required: true,
      maxlength: "2000",
      "aria-label": `${t("chain.reason")}: ${item.unit_name}`,
    }),
  );
  const signed = h("input", { type: "date", required: true, value: today() });
  const title = h(
    "select",
    {},
    h("option", { value: "Chủ tịch" }, t("chain.chairman")),
    h("option", { value: "Phó Chủ tịch" }, t("chain.vice")),
  );
  const name = h("input", { type: "text", required: true, maxlength: "200" });
  const number = h("input", { type: "text", maxlength: "40", placeholder: "12/QĐ-UBND" });
  /** @type {HTMLFormElement} */
  const form = formOf(
    { class: "card", id: "decide" },
    () => {
      /** @param {string} outcome */
      const picked = (outcome) =>
        s.items
          .map((item, i) => ({ item, i }))
          .filter(({ i }) => choices[i].value === outcome)
          .map(({ item, i }) => ({ nomination_id: item.nomination_id, reason: reasons[i].value }));
      decide(form, s, {
        signed_on: signed.value,
        signer_title: /** @type {"Chủ tịch" | "Phó Chủ tịch"} */ (title.value),
        signer_name: name.value,
        awarded: picked("awarded"),
        not_awarded: picked("not_awarded"),
        decision_number: number.value.trim() || null,
      });
    },
    itemTable(s.items, (_, i) => h("div", { class: "decide-item" }, choices[i], reasons[i])),
    h("div", { class: "field-error", "data-error-for": "awarded" }),
    h("div", { class: "field-error", "data-error-for": "not_awarded" }),
    field(t("chain.signed_on"), signed, "signed_on"),
    field(t("chain.signer_title"), title, "signer_title"),
    field(t("chain.signer_name"), name, "signer_name"),
    field(t("chain.decision_number"), number, "decision_number"),
    actions(submitButton(t("chain.decide"))),
  );
  return form;
}
/**
 * @param {HTMLFormElement} form
 * @param {Submission} s
 * @param {import("./core.js").Schemas["DecisionIn"]} body
 */
function decide(form, s, body) {
  submitting(form, () => api(`/api/v1/submissions/${s.id}/decision`, { method: "POST", body }));
}
/** @param {Submission} s */
function openDecision(s) {
  return download(`/api/v1/submissions/${s.id}/decision.pdf`, `quyet-dinh-${s.id.slice(0, 8)}.pdf`);
}
