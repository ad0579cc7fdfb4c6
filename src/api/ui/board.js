// @ts-check
// The board of nominations, its filters and a new nomination.
import { batchResults, submitBatch } from "./batch.js";
import {
  after,
  api,
  cell,
  day,
  dueIn,
  field,
  h,
  has,
  render,
  state,
  submitting,
  t,
  actions,
  submitButton,
  formOf,
} from "./core.js";

/** @typedef {import("./core.js").Schemas["BoardRow"]} BoardRow */
/** @typedef {{ stage: string, district: string, cycle: string, overdue: boolean }} Filters */

// --- loading ---------------------------------------------------------------------------------
/**
 * @param {Filters} filters
 * @returns {Promise<import("./core.js").Schemas["Page_BoardRow_"]>}
 */
function loadBoard(filters) {
  const query = new URLSearchParams({ limit: "200" });
  for (const key of ["stage", "district", "cycle"]) if (filters[key]) query.set(key, filters[key]);
  if (filters.overdue) query.set("overdue", "true");
  return api(after(`/api/v1/nominations?${query}`));
}

/** @param {HTMLElement | null} [results]  what the last batch did, kept above the board */
export async function boardPage(results = null) {
  /** @type {Filters} */
  const filters = (state.boardFilters ||= { stage: "", district: "", cycle: "", overdue: false });
  const page = await loadBoard(filters);
  const batching = has("province_reviewer") && page.data.some(selectable);
  const parts = [
    h("h1", {}, t("board.title")),
    boardFilterForm(filters),
    results,
    boardTable(page.data, batching),
  ];
  if (batching) parts.push(batchForm(page.data));
  if (has("unit_officer")) parts.push(newNominationForm());
  render(...parts);
}
/** A province reviewer acts in a batch on the dossiers waiting for the province. */
const selectable = (/** @type {BoardRow} */ n) => n.stage === "province_review";

// --- views -----------------------------------------------------------------------------------
/**
 * @param {BoardRow} n
 * @param {boolean} batching
 */
function boardRow(n, batching) {
  return h(
    "tr",
    { "data-nomination": n.nomination_id },
    batching
      ? cell(
          "batch.select",
          {},
          selectable(n)
            ? h("input", {
                type: "checkbox",
                class: "pick",
                value: n.nomination_id,
                "aria-label": t("batch.select_one", { unit: n.unit_name }),
              })
            : null,
        )
      : null,
    cell(
      "board.unit",
      {},
      h("a", { href: `#/nominations/${n.nomination_id}` }, n.unit_name),
      h("div", { class: "muted" }, n.unit_code),
    ),
    cell("board.form", {}, t(`form.${n.award_form}`)),
    cell("board.cycle", {}, n.cycle_year),
    cell("board.stage", {}, t(`stage.${n.stage}`)),
    cell(
      "board.due",
      { class: n.overdue ? "overdue" : "" },
      day(n.due_on),
      n.due_on ? h("div", { class: "muted" }, dueIn(n.due_on, n.working_days_left)) : null,
    ),
    cell(
      "board.outcome",
      {},
      n.outcome ? t(`outcome.${n.outcome}`) : "—",
      // Who decided (or decides): the authority in force on the decision date.
      n.deciding_authority
        ? h(
            "div",
            { class: "muted" },
            state.lang === "vi" ? n.deciding_authority.vi : n.deciding_authority.en,
          )
        : null,
    ),
  );
}
/**
 * @param {BoardRow[]} rows
 * @param {boolean} batching  with a column to select rows for a batch
 */
function boardTable(rows, batching) {
  if (!rows.length) return h("p", {}, t("board.empty"));
  const columns = [
    ...(batching ? ["batch.select"] : []),
    "board.unit",
    "board.form",
    "board.cycle",
    "board.stage",
    "board.due",
    "board.outcome",
  ];
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "cards" },
      h("thead", {}, h("tr", {}, ...columns.map((k) => h("th", { scope: "col" }, t(k))))),
      h(
        "tbody",
        {},
        rows.map((n) => boardRow(n, batching)),
      ),
    ),
  );
}
/** @param {Filters} filters */
function boardFilterForm(filters) {
  const stages = state.enums.stages;
  const stage = h(
    "select",
    { id: "q-stage" },
    h("option", { value: "" }, t("board.any")),
    ...stages.map((s) => h("option", { value: s }, t(`stage.${s}`))),
  );
  const district = h("input", { id: "q-district", value: filters.district, maxlength: "64" });
  const cycle = h("input", {
    id: "q-cycle",
    type: "number",
    min: "2000",
    max: "2100",
    value: filters.cycle,
  });
  const overdue = h("input", { id: "q-overdue", type: "checkbox" });
  stage.value = filters.stage;
  overdue.checked = filters.overdue;
  return formOf(
    { class: "filters", role: "search" },
    () => {
      applyFilters({
        stage: stage.value,
        district: district.value.trim(),
        cycle: cycle.value,
        overdue: overdue.checked,
      });
    },
    field(t("board.stage"), stage, "stage"),
    field(t("board.district"), district, "district"),
    field(t("board.cycle"), cycle, "cycle"),
    h("div", { class: "check" }, overdue, h("label", { for: overdue.id }, t("board.overdue_only"))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("board.filter"))),
  );
}
/** @param {BoardRow[]} rows */
function batchForm(rows) {
  const action = h(
    "select",
    {},
    ...["approve", "return", "order_inspection"].map((a) =>
      h("option", { value: a }, t(`batch.${a}`)),
    ),
  );
  const comment = h("textarea", { maxlength: "20000" });
  const team = h("input", { maxlength: "100", value: "doan-kiem-tra-1" });
  const teamField = field(t("batch.team"), team, "team_id");
  const showTeam = () => (teamField.hidden = action.value !== "order_inspection");
  action.addEventListener("change", showTeam);
  showTeam();
  const names = Object.fromEntries(rows.map((r) => [r.nomination_id, r.unit_name]));
  const form = formOf(
    { class: "card", id: "batch" },
    () => {
      const picked = [...document.querySelectorAll("input.pick:checked")].map(
        (el) => /** @type {HTMLInputElement} */ (el).value,
      );
      runSelected(form, picked, action.value, comment.value, team.value, names);
    },
    h("h2", {}, t("batch.title")),
    field(t("batch.action"), action, "action"),
    field(t("batch.comment"), comment, "comment"),
    teamField,
    h("div", { class: "field-error", "data-error-for": "items" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("batch.run"))),
  );
  return form;
}
function newNominationForm() {
  const unit = h("input", { required: true });
  const form = h(
    "select",
    {},
    ...state.enums.award_forms.map((f) => h("option", { value: f }, t(`form.${f}`))),
  );
  const cycle = h("input", { type: "number", value: "2025", min: "2023", max: "2025" });
  // A person (cá nhân) is nominated with only what the dossier needs; their data is kept
  // apart from the event log, which names them by id.
  const forPerson = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox" }));
  const fullName = h("input", { maxlength: "120", autocomplete: "off" });
  const jobTitle = h("input", { maxlength: "200", autocomplete: "off" });
  const gender = h(
    "select",
    {},
    h("option", { value: "" }, t("person.gender_unsaid")),
    h("option", { value: "female" }, t("person.female")),
    h("option", { value: "male" }, t("person.male")),
  );
  const personFields = h(
    "fieldset",
    { id: "person-fields", hidden: true },
    h("legend", {}, t("person.legend")),
    h("p", { class: "muted" }, t("person.purpose")),
    field(t("person.full_name"), fullName, "full_name"),
    field(t("person.job_title"), jobTitle, "job_title"),
    field(t("person.gender"), gender, "gender"),
  );
  forPerson.addEventListener("change", () => (personFields.hidden = !forPerson.checked));
  const el = formOf(
    { class: "card", id: "new-nomination" },
    () => {
      const body = {
        unit_code: unit.value.trim(),
        award_form: /** @type {any} */ (form.value),
        cycle_year: Number(cycle.value),
      };
      const person = forPerson.checked
        ? {
            full_name: fullName.value.trim(),
            job_title: jobTitle.value.trim(),
            unit_code: body.unit_code,
            gender: /** @type {any} */ (gender.value || null),
          }
        : null;
      openNomination(el, body, person);
    },
    h("h2", {}, t("board.new")),
    field(t("board.unit_code"), unit, "unit_code"),
    field(t("board.form"), form, "award_form"),
    field(t("board.cycle"), cycle, "cycle_year"),
    field(t("person.nominate_person"), forPerson, "for_person"),
    personFields,
    actions(submitButton(t("board.new"))),
  );
  return el;
}

// --- handlers --------------------------------------------------------------------------------
/** @param {Filters} filters */
function applyFilters(filters) {
  state.boardFilters = filters;
  boardPage();
}
/**
 * A unit's dossier; or, given a person, the person recorded first and then their dossier.
 * @param {HTMLElement} form
 * @param {import("./core.js").Schemas["NominationCreate"]} body
 * @param {import("./core.js").Schemas["PersonIn"] | null} person
 */
function openNomination(form, body, person) {
  submitting(form, async () => {
    if (person) {
      /** @type {import("./core.js").Schemas["PersonPublic"]} */
      const recorded = await api("/api/v1/people", { method: "POST", body: person });
      body = { ...body, person_id: recorded.id };
    }
    /** @type {import("./core.js").Schemas["Written"]} */
    const made = await api("/api/v1/nominations", { method: "POST", body });
    location.hash = `#/nominations/${made.id}`;
  });
}
/**
 * @param {HTMLElement} form
 * @param {string[]} picked  the selected nominations
 * @param {string} action  approve, return or order_inspection
 * @param {string} comment
 * @param {string} team
 * @param {Record<string, string>} names
 */
function runSelected(form, picked, action, comment, team, names) {
  /** @type {Omit<import("./core.js").Schemas["BatchItemIn"], "key">[]} */
  const items = picked.map((nid) =>
    action === "order_inspection"
      ? { action: "order_inspection", nomination_id: nid, body: { team_id: team } }
      : { action: "province_review", nomination_id: nid, body: { decision: action, comment } },
  );
  return submitBatch(form, items, (out) => boardPage(batchResults(out, names)));
}
