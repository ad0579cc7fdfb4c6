// @ts-check
// Task inboxes: reviewers' queues and inspectors' visits.
import {
  after,
  api,
  day,
  dueIn,
  field,
  h,
  has,
  render,
  submitting,
  t,
  today,
  actions,
  submitButton,
  formOf,
} from "./core.js";

/** @typedef {import("./core.js").Schemas["TaskPublic"]} Task */
/** @typedef {{ visits: Task[], reviews: Task[] }} Inbox */

// --- loading ---------------------------------------------------------------------------------
/** @returns {Promise<Inbox>} */
async function loadInbox() {
  /** @type {import("./core.js").Schemas["Page_TaskPublic_"]} */
  const inbox = await api(after("/api/v1/tasks"));
  return {
    visits: inbox.data.filter((x) => x.kind === "visit"),
    reviews: inbox.data.filter((x) => x.kind === "review"),
  };
}

export async function tasksPage() {
  render(...inboxView(await loadInbox()));
}

// --- views -----------------------------------------------------------------------------------
/** @param {Inbox} inbox */
function inboxView({ visits, reviews }) {
  const parts = [h("h1", {}, t("tasks.title"))];
  if (has("inspector")) {
    parts.push(h("h2", {}, t("tasks.visits")));
    for (const v of visits) parts.push(visitCard(v));
    if (!visits.length) parts.push(h("p", {}, t("nom.none")));
  }
  if (has("district_reviewer", "province_reviewer"))
    parts.push(h("h2", {}, t("tasks.reviews")), reviewList(reviews));
  return parts;
}
/** @param {Task[]} reviews */
function reviewList(reviews) {
  if (!reviews.length) return h("p", {}, t("nom.none"));
  return h(
    "ul",
    {},
    reviews.map((r) =>
      h(
        "li",
        { class: r.overdue ? "overdue" : "" },
        h("a", { href: `#/nominations/${r.nomination_id}` }, r.unit_code),
        ` — ${t(`stage.${r.stage}`)} · ${t("board.due")} ${day(r.due_on)} (${dueIn(r.due_on, r.working_days_left)})`,
      ),
    ),
  );
}
/** @param {Task} v */
function visitCard(v) {
  const card = h(
    "div",
    { class: "card" },
    h(
      "p",
      {},
      h("a", { href: `#/nominations/${v.nomination_id}` }, v.unit_code),
      ` · ${t("board.due")} ${day(v.due_on)} (${dueIn(v.due_on, v.working_days_left)}) · ${t(`visit.${v.state}`)}`,
      v.claimed_by ? ` · ${t("tasks.claimed_by")}: ${v.claimed_by}` : "",
    ),
  );
  if (!v.claimed_by)
    card.append(
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            onclick: () => claimVisit(v),
          },
          t("tasks.claim"),
        ),
      ),
    );
  const visited = h("input", { type: "date", required: true, value: today() });
  const findings = h("textarea", { required: true });
  const recommendation = h(
    "select",
    {},
    h("option", { value: "confirm" }, t("tasks.confirm")),
    h("option", { value: "discrepancy" }, t("tasks.discrepancy")),
  );
  const figures = h("tbody", {});
  const addYear = () => figures.append(figureRow());
  addYear();
  /** @type {HTMLFormElement} */
  const form = formOf(
    {},
    () => {
      fileReport(form, v, {
        visited_on: visited.value,
        findings: findings.value,
        recommendation: /** @type {"confirm" | "discrepancy"} */ (recommendation.value),
        figures,
      });
    },
    h("h2", {}, t("tasks.report")),
    field(t("tasks.visited_on"), visited, "visited_on"),
    field(t("tasks.findings"), findings, "findings"),
    field(t("tasks.recommendation"), recommendation, "recommendation"),
    h(
      "fieldset",
      {},
      h("legend", {}, t("tasks.verified")),
      // On a phone the three columns of inputs scroll inside their box, not the page.
      h(
        "div",
        { class: "scroll" },
        h(
          "table",
          { class: "figures" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...["year", "total_households", "poor_households"].map((k) =>
                h("th", { scope: "col" }, t(`tasks.${k}`)),
              ),
            ),
          ),
          figures,
        ),
      ),
      h("div", { class: "field-error", "data-error-for": "verified_statistics" }),
      h("button", { type: "button", onclick: addYear }, t("tasks.add_year")),
    ),
    actions(submitButton(t("tasks.report"))),
  );
  card.append(form);
  return card;
}
function figureRow() {
  return h(
    "tr",
    {},
    ...[
      ["year", "2021", "2030"],
      ["total_households", "1", null],
      ["poor_households", "0", null],
    ].map(([name, min, max]) =>
      h("td", {}, h("input", { type: "number", name, min, max, "aria-label": t(`tasks.${name}`) })),
    ),
  );
}

// --- handlers --------------------------------------------------------------------------------
/** @param {Task} v */
function claimVisit(v) {
  return submitting(null, () => api(`/api/v1/tasks/${v.id}/claim`, { method: "POST" }));
}
/**
 * The verified figures as entered, or the first row's problem (checked here, said in place).
 * @param {HTMLTableSectionElement} figures
 * @returns {{ verified: Record<string, {total_households: number, poor_households: number}> }
 *   | { problem: string }}
 */
function verifiedFigures(figures) {
  /** @type {Record<string, {total_households: number, poor_households: number}>} */
  const verified = {};
  for (const row of figures.rows) {
    const [year, total, poor] = [...row.querySelectorAll("input")].map((input) =>
      input.value.trim(),
    );
    if (!year && !total && !poor) continue;
    const problem = !(year && total && poor)
      ? "tasks.row_incomplete"
      : Number(year) < 2021 || Number(year) > 2030
        ? "tasks.row_year"
        : Number(poor) > Number(total)
          ? "tasks.row_poor_exceeds_total"
          : year in verified
            ? "tasks.row_duplicate_year"
            : null;
    if (problem) return { problem: `${year || "—"}: ${t(problem)}` };
    verified[year] = { total_households: Number(total), poor_households: Number(poor) };
  }
  return { verified };
}
/**
 * @param {HTMLFormElement} form
 * @param {Task} v
 * @param {{ visited_on: string, findings: string,
 *   recommendation: import("./core.js").Schemas["VisitReportIn"]["recommendation"],
 *   figures: HTMLTableSectionElement }} entered
 */
function fileReport(form, v, { figures, ...report }) {
  const errors = /** @type {HTMLElement} */ (
    form.querySelector("[data-error-for=verified_statistics]")
  );
  errors.textContent = "";
  const read = verifiedFigures(figures);
  if ("problem" in read) {
    errors.textContent = read.problem;
    return;
  }
  /** @type {import("./core.js").Schemas["VisitReportIn"]} */
  const body = {
    ...report,
    verified_statistics: Object.keys(read.verified).length ? read.verified : null,
  };
  submitting(form, () => api(`/api/v1/inspections/${v.id}/report`, { method: "POST", body }));
}
