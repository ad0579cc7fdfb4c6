// @ts-check
// What each role may do to a nomination in its stage: the forms, and the handlers they call.
import { api, day, field, h, has, state, submitting, t, formOf } from "./core.js";
import { criterionName } from "./dossier.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["NominationPublic"]} Nomination */

// --- views -----------------------------------------------------------------------------------
/**
 * The forms the caller may use on this nomination now.
 * @param {Nomination} n
 */
export function actions(n) {
  const out = [];
  if (has("unit_officer") && n.stage === "collecting")
    out.push(statisticsForm(n), reportForm(n), uploadForm(n), submitForm(n));
  const reviewer =
    (n.stage === "district_review" && has("district_reviewer")) ||
    (n.stage === "province_review" && has("province_reviewer"));
  if (reviewer) {
    out.push(reviewForm(n));
    const judgeable = n.checks.filter(
      (c) => c.outcome === "needs_judgement" || c.kind === "judged",
    );
    if (judgeable.length) out.push(judgeForm(n, judgeable));
    if (n.stage === "province_review") out.push(orderVisitForm(n), overrideForm(n));
  }
  if (n.stage === "decided" && n.outcome === "approved" && has("awarding_authority"))
    out.push(revokeForm(n));
  if (n.recovery?.state === "open" && has("province_reviewer")) out.push(recoveryForm(n));
  const open = Object.entries(n.complaints).filter(([, c]) => c.state === "open");
  if (open.length && (has("province_reviewer") || has("council_secretary")))
    out.push(resolveForm(n, open));
  return out;
}
/**
 * A card holding one form whose submission calls ``handle`` with the form itself.
 * @param {string} title
 * @param {(form: HTMLElement) => void} handle
 * @param {...(Node | null)} children
 */
function card(title, handle, ...children) {
  const form = formOf(
    { class: "card" },
    () => {
      handle(form);
    },
    title ? h("h2", {}, title) : null,
    ...children,
  );
  return form;
}
/** @param {Nomination} n */
function statisticsForm(n) {
  const year = h("input", {
    type: "number",
    value: String(n.evaluation_years[1]),
    min: "2021",
    max: "2030",
  });
  const total = h("input", { type: "number", min: "1", required: true });
  const poor = h("input", { type: "number", min: "0", required: true });
  const near = h("input", { type: "number", min: "0" });
  const flows = Object.fromEntries(
    state.enums.flows.map((k) => [k, h("input", { type: "number", min: "0" })]),
  );
  const decision = h("input", {});
  const decided = h("input", { type: "date" });
  const inputs = { total, poor, near, flows, decision, decided };
  // Choosing a year already declared loads its figures, so answering a return is an edit.
  const fill = () => showDeclared(n.statistics[year.value], inputs);
  year.addEventListener("change", fill);
  fill();
  return card(
    t("nom.record"),
    (form) => recordStatistics(form, n, year.value, inputs),
    field(t("nom.year"), year, "year"),
    field(t("nom.households"), total, "total_households"),
    field(t("nom.poor"), poor, "poor_households"),
    field(t("nom.near_poor"), near, "near_poor_households"),
    ...Object.entries(flows).map(([k, f]) => field(t(`flows.${k}`), f, k)),
    field(t("nom.source_number"), decision, "decision_number"),
    field(t("nom.source_date"), decided, "decision_date"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.record"))),
  );
}
/** @param {Nomination} n */
function reportForm(n) {
  const text = h("textarea", { required: true }, n.achievement_report || "");
  return card(
    t("nom.report"),
    (form) => writeReport(form, n, text.value),
    field(t("nom.report"), text, "text"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.report"))),
  );
}
/** @param {Nomination} n */
function uploadForm(n) {
  const file = /** @type {HTMLInputElement} */ (
    h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png,.docx,.xlsx" })
  );
  return card(
    t("nom.upload"),
    (form) => uploadEvidence(form, n, file.files[0]),
    field(t("nom.evidence"), file, "file"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.upload"))),
  );
}
/** @param {Nomination} n */
function submitForm(n) {
  return card(
    "",
    (form) => submitting(form, () => post(n, "submit")),
    h("div", { "data-error-for": "statistics", class: "field-error" }),
    h("div", { "data-error-for": "achievement_report", class: "field-error" }),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "primary", type: "submit", id: "submit" }, t("nom.submit")),
    ),
  );
}
/** @param {Nomination} n */
function reviewForm(n) {
  const comment = h("textarea", {});
  const path = n.stage === "district_review" ? "district-review" : "province-review";
  /** @type {string} */
  let decision = "approve";
  return card(
    t("nom.review"),
    (form) => submitting(form, () => post(n, path, { decision, comment: comment.value })),
    field(t("nom.comment"), comment, "comment"),
    h(
      "div",
      { class: "actions" },
      ...state.enums.review_decisions.map((d) =>
        h(
          "button",
          {
            type: "submit",
            value: d,
            class: d === "approve" ? "primary" : "",
            onclick: () => (decision = d),
          },
          t(`nom.${d}`),
        ),
      ),
    ),
  );
}
/**
 * @param {Nomination} n
 * @param {Schemas["CheckPublic"][]} judgeable
 */
function judgeForm(n, judgeable) {
  const criterion = h(
    "select",
    {},
    ...judgeable.map((c) => h("option", { value: c.criterion_id }, criterionName(c))),
  );
  const outcome = h(
    "select",
    {},
    ...state.enums.judged_outcomes.map((o) => h("option", { value: o }, t(`outcome.${o}`))),
  );
  const why = h("textarea", { required: true });
  return card(
    t("nom.judge"),
    (form) =>
      submitting(form, () =>
        post(n, "criterion-checks", {
          criterion_id: criterion.value,
          outcome: outcome.value,
          justification: why.value,
          evidence: [],
        }),
      ),
    field(t("nom.criterion"), criterion, "criterion_id"),
    field(t("nom.outcome"), outcome, "outcome"),
    field(t("nom.justification"), why, "justification"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.judge"))),
  );
}
/** @param {Nomination} n */
function orderVisitForm(n) {
  const team = h("input", { required: true, value: "doan-kiem-tra-1" });
  return card(
    t("nom.order_visit"),
    (form) => submitting(form, () => post(n, "inspections", { team_id: team.value })),
    field(t("nom.team"), team, "team_id"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.order_visit"))),
  );
}
/**
 * The authority that decided an award revokes it by a decision of its own, numbered in its
 * register unless the chancery gave the number.
 * @param {Nomination} n
 */
function revokeForm(n) {
  const reason = h("textarea", { required: true, maxlength: "5000" });
  const number = h("input", { type: "text", maxlength: "40", placeholder: "12/QĐ-UBND" });
  // An award that carried a prize: the decision says in how many working days it comes back.
  const prize = n.award_decision?.prize;
  const within = h("input", { type: "number", min: "1", max: "90", value: "10", required: true });
  return card(
    t("nom.revoke"),
    (form) =>
      submitting(form, () =>
        post(n, "revocation", {
          reason: reason.value,
          decision_number: number.value.trim() || null,
          recover_within_working_days: prize ? Number(within.value) : null,
        }),
      ),
    field(t("chain.reason"), reason, "reason"),
    field(t("chain.decision_number"), number, "decision_number"),
    prize ? field(t("nom.recover_within"), within, "recover_within_working_days") : null,
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.revoke"))),
  );
}
/**
 * The office records the revoked award's prize returned to the fund, with its receipt.
 * @param {Nomination} n
 */
function recoveryForm(n) {
  const due = n.recovery;
  const amount = h("input", { type: "number", min: "0", value: String(due?.amount_vnd ?? 0) });
  const receipt = h("input", { required: true, maxlength: "200" });
  const on = h("input", { type: "date", required: true });
  return card(
    t("nom.recovery"),
    (form) =>
      submitting(form, () =>
        post(n, "recovery", {
          amount_vnd: Number(amount.value),
          receipt: receipt.value.trim(),
          recovered_on: on.value,
        }),
      ),
    h(
      "p",
      { class: "muted", id: "recovery-due" },
      t("nom.recovery_due", { due: due ? day(due.due_on) : "—" }),
    ),
    field(t("nom.recovery_amount"), amount, "amount_vnd"),
    field(t("nom.recovery_receipt"), receipt, "receipt"),
    field(t("nom.recovery_on"), on, "recovered_on"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.recovery"))),
  );
}
/** @param {Nomination} n */
function overrideForm(n) {
  const failing = h(
    "select",
    {},
    ...n.checks
      .filter((c) => c.outcome === "not_met")
      .map((c) => h("option", { value: c.criterion_id }, criterionName(c))),
  );
  const reason = h("textarea", { required: true });
  return card(
    t("nom.override"),
    (form) =>
      submitting(form, () =>
        post(n, "overrides", { criterion_id: failing.value, reason: reason.value }),
      ),
    field(t("nom.criterion"), failing, "criterion_id"),
    field(t("nom.justification"), reason, "reason"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.override"))),
  );
}

/**
 * Resolving one of the open complaints: a public objection or one a reviewer filed.
 * @param {Nomination} n
 * @param {[string, Nomination["complaints"][string]][]} open
 */
function resolveForm(n, open) {
  const which = h(
    "select",
    {},
    ...open.map(([id, c]) =>
      h("option", { value: id }, c.text.length > 80 ? `${c.text.slice(0, 80)}…` : c.text),
    ),
  );
  const resolution = h("textarea", { required: true });
  const upheld = h("input", { type: "checkbox" });
  return card(
    t("nom.resolve_complaint"),
    (form) =>
      submitting(form, () =>
        post(n, `complaints/${which.value}/resolve`, {
          resolution: resolution.value,
          upheld: upheld.checked,
        }),
      ),
    field(t("nom.complaint"), which, "complaint_id"),
    field(t("nom.resolution"), resolution, "resolution"),
    h("label", { class: "check" }, upheld, " ", t("nom.upheld")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.resolve_complaint"))),
  );
}

// --- handlers --------------------------------------------------------------------------------
/**
 * @typedef {{ total: HTMLInputElement, poor: HTMLInputElement, near: HTMLInputElement,
 *   flows: Record<string, HTMLInputElement>, decision: HTMLInputElement,
 *   decided: HTMLInputElement }} FigureInputs
 */
/**
 * @param {Record<string, any> | undefined} declared  a year's figures as recorded, if any
 * @param {FigureInputs} inputs
 */
function showDeclared(declared, { total, poor, near, flows, decision, decided }) {
  const s = declared ?? {};
  total.value = s.total_households ?? "";
  poor.value = s.poor_households ?? "";
  near.value = s.near_poor_households ?? "";
  for (const [k, f] of Object.entries(flows)) f.value = s.flows?.[k] ?? "";
  decision.value = s.source?.decision_number ?? "";
  decided.value = s.source?.decision_date ?? "";
}
/**
 * @param {HTMLElement} form
 * @param {Nomination} n
 * @param {string} year
 * @param {FigureInputs} inputs
 */
function recordStatistics(form, n, year, { total, poor, near, flows, decision, decided }) {
  /** @type {Schemas["StatisticsIn"]} */
  const body = { total_households: Number(total.value), poor_households: Number(poor.value) };
  if (near.value) body.near_poor_households = Number(near.value);
  if (Object.values(flows).some((f) => f.value))
    body.flows = /** @type {Schemas["FlowsIn"]} */ (
      Object.fromEntries(Object.entries(flows).map(([k, f]) => [k, Number(f.value || 0)]))
    );
  if (decision.value && decided.value)
    body.source = { decision_number: decision.value, decision_date: decided.value };
  submitting(form, () =>
    api(`/api/v1/nominations/${n.id}/statistics/${year}`, { method: "PUT", body }),
  );
}
/**
 * @param {HTMLElement} form
 * @param {Nomination} n
 * @param {string} text
 */
function writeReport(form, n, text) {
  submitting(form, () =>
    api(`/api/v1/nominations/${n.id}/achievement-report`, { method: "PUT", body: { text } }),
  );
}
/**
 * @param {HTMLElement} form
 * @param {Nomination} n
 * @param {File} file
 */
function uploadEvidence(form, n, file) {
  const data = new FormData();
  data.append("file", file);
  submitting(form, () =>
    api(`/api/v1/nominations/${n.id}/evidence`, { method: "POST", form: data }),
  );
}
/**
 * @param {Nomination} n
 * @param {string} path
 * @param {unknown} [body]
 */
function post(n, path, body) {
  return api(`/api/v1/nominations/${n.id}/${path}`, { method: "POST", body });
}
