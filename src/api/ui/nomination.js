// @ts-check
// One nomination: figures, checks, evidence, visits, complaints, history and the actions of each role.
import {
  checksTable,
  complaintList,
  criterionName,
  discrepancyTable,
  reviewList,
  visitList,
} from "./dossier.js";
import { actions } from "./nomination-actions.js";
import {
  api,
  day,
  dueIn,
  failed,
  field,
  h,
  has,
  locale,
  number,
  orFailure,
  percent,
  render,
  state,
  t,
  formOf,
} from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["NominationPublic"]} Nomination */
/**
 * @typedef {{ n: Nomination, travelling: boolean,
 *   history: import("./core.js").Loaded<Schemas["Page_EventPublic_"]>,
 *   preview: import("./core.js").Loaded<Schemas["Page_PreviewCheck_"]> | null }} NominationData
 *   The nomination (now, or as of a version or a moment), its history, and while it is
 *   collected the checks submission would run.
 */

// --- loading ---------------------------------------------------------------------------------
/**
 * @param {string} id
 * @param {string} query  "version=N" or "as_of=…", or empty for now
 * @returns {Promise<NominationData>}
 */
async function loadNomination(id, query) {
  const params = new URLSearchParams(query);
  const travelling = params.toString() !== "";
  // All three load together; a failed history or preview is said, not hidden.
  const [n, history, preview] = await Promise.all([
    api(`/api/v1/nominations/${id}${travelling ? "?" + params : ""}`),
    orFailure(api(`/api/v1/nominations/${id}/events`)),
    travelling ? null : orFailure(api(`/api/v1/nominations/${id}/checks-preview`)),
  ]);
  return { n, travelling, history, preview: n.stage === "collecting" ? preview : null };
}

/**
 * @param {string} id
 * @param {string} query
 */
export async function nominationPage(id, query) {
  render(...nominationView(await loadNomination(id, query)));
}

// --- views -----------------------------------------------------------------------------------

/** @param {Nomination["statistics"]} stats */
function chart(stats) {
  const years = Object.keys(stats).sort();
  if (!years.length) return null;
  const max = Math.max(...years.map((y) => stats[y].poor_households), 1);
  const width = 520,
    height = 200,
    left = 40,
    bar = (width - left - 20) / years.length;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("nom.statistics"));
  years.forEach((y, i) => {
    const s = stats[y];
    const h2 = ((height - 50) * s.poor_households) / max;
    const rect = document.createElementNS(svg.namespaceURI, "rect");
    Object.entries({
      x: left + i * bar + 8,
      y: height - 30 - h2,
      width: bar - 16,
      height: h2,
      fill: "#b3121b",
    }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
    const label = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({
      x: left + i * bar + bar / 2,
      y: height - 12,
      "text-anchor": "middle",
      "font-size": "12",
    }).forEach(([k, v]) => label.setAttribute(k, String(v)));
    label.textContent = y;
    const value = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({
      x: left + i * bar + bar / 2,
      y: height - 34 - h2,
      "text-anchor": "middle",
      "font-size": "11",
    }).forEach(([k, v]) => value.setAttribute(k, String(v)));
    value.textContent = `${number(s.poor_households)} · ${percent(s.poor_households, s.total_households)}`;
    svg.append(rect, label, value);
  });
  return svg;
}
/** @param {Nomination["statistics"]} stats */
function statsTable(stats) {
  const years = Object.keys(stats).sort();
  if (!years.length) return h("p", {}, t("nom.none"));
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["nom.year", "nom.households", "nom.poor", "nom.near_poor", "nom.rate"].map((k) =>
            h("th", { scope: "col" }, t(k)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        years.map((y) => {
          const s = stats[y];
          return h(
            "tr",
            {},
            h("td", {}, y),
            h("td", {}, number(s.total_households)),
            h("td", {}, number(s.poor_households)),
            h("td", {}, number(s.near_poor_households)),
            h("td", {}, percent(s.poor_households, s.total_households)),
          );
        }),
      ),
    ),
  );
}
/** @param {NominationData} data */
function nominationView({ n, travelling, history, preview }) {
  return [
    ...heading(n, travelling),
    ...(preview ? previewList(preview) : []),
    n.decision ? decisionCard(n.decision, n.deciding_authority) : null,
    h("h2", {}, t("nom.statistics")),
    statsTable(n.statistics),
    chart(n.statistics),
    ...officialFigures(n),
    h("h2", {}, t("nom.checks")),
    checksTable(n.checks, n.overrides),
    h("h2", {}, t("nom.reviews")),
    reviewList(n.reviews),
    h("h2", {}, t("nom.evidence")),
    evidenceList(n.evidence),
    h("h2", {}, t("nom.visits")),
    visitList(n.visits),
    h("h2", {}, t("nom.complaints")),
    complaintList(n.complaints),
    ...actions(n),
    has("auditor") ? travelForm(n.id, n.version) : null,
    h("h2", {}, t("nom.history")),
    historyList(history),
  ];
}
/**
 * A person's job title and workplace, or a household's representative: shown only to whose
 * work needs them, as the API answers them (docs/spec.md §14).
 * @param {Nomination} n
 */
function personLine(n) {
  const person = n.person ?? n.representative;
  if (!person) return null;
  const said = n.person
    ? t("person.works_as", { job: person.job_title ?? "—", unit: person.unit_code })
    : t("person.represented_by", { name: person.full_name ?? "—" });
  return h("p", { class: "muted", id: "person" }, said);
}
/**
 * @param {Nomination} n
 * @param {boolean} travelling
 */
function heading(n, travelling) {
  return [
    h("h1", {}, `${n.unit_name}`),
    personLine(n),
    h(
      "p",
      {},
      `${t(`form.${n.award_form}`)} · ${t("board.cycle")} ${n.cycle_year} · `,
      h("strong", { id: "stage" }, t(`stage.${n.stage}`)),
      n.outcome ? ` · ${t(`outcome.${n.outcome}`)}` : "",
      n.due_at
        ? ` · ${t("board.due")} ${day(n.due_at)} (${dueIn(n.due_at, n.working_days_left)})`
        : "",
    ),
    travelling
      ? h(
          "p",
          { class: "muted", id: "travel-note" },
          `${t("nom.travel")}: ${t("nom.version")} ${n.version}`,
        )
      : null,
    n.requested_changes
      ? h(
          "div",
          { class: "card", id: "requested-changes" },
          h("h2", {}, t("nom.requested")),
          n.requested_changes,
        )
      : null,
  ];
}
/** @param {import("./core.js").Loaded<Schemas["Page_PreviewCheck_"]>} preview */
function previewList(preview) {
  return [
    h("h2", {}, t("nom.preview")),
    preview.error
      ? failed(t("nom.preview"), preview.error)
      : h(
          "ul",
          { id: "preview" },
          preview.value.data.map((c) =>
            h(
              "li",
              {},
              h("span", { class: c.outcome }, t(`outcome.${c.outcome}`)),
              ` — ${criterionName(c)}: ${state.lang === "vi" ? c.explanation.vi : c.explanation.en}`,
            ),
          ),
        ),
  ];
}
/**
 * The register's figures the checks used, and where the declared ones differ from them.
 * @param {Nomination} n
 */
function officialFigures(n) {
  if (!Object.keys(n.official_statistics).length)
    return [h("p", { class: "muted", id: "not-official" }, t("nom.no_official"))];
  return [
    h("h2", {}, t("nom.official")),
    h("div", { id: "official-figures" }, statsTable(n.official_statistics)),
    h(
      "ul",
      { class: "muted" },
      Object.entries(n.official_statistics).map(([year, f]) =>
        h(
          "li",
          {},
          `${year}: ${f.source?.decision_number ?? "—"} · ${day(f.source?.decision_date)} · ${f.source?.issuing_body ?? ""}`,
        ),
      ),
    ),
    Object.keys(n.summed_from).length ? summedFrom(n.summed_from) : null,
    Object.keys(n.official_differences).length
      ? discrepancyTable(n.official_differences, "nom.official_differences")
      : null,
  ];
}
/**
 * The years before a merged unit existed: each predecessor's figures and source, summed.
 * @param {Nomination["summed_from"]} summed
 */
function summedFrom(summed) {
  return h(
    "div",
    { id: "summed-from", class: "card" },
    h("h3", {}, t("nom.summed_from")),
    ...Object.entries(summed).map(([year, parts]) =>
      h(
        "p",
        {},
        h("strong", {}, `${year}: `),
        parts
          .map(
            (p) =>
              `${p.name} (${number(p.poor_households)}/${number(p.total_households)}; ${p.source?.decision_number ?? "—"})`,
          )
          .join(" + "),
      ),
    ),
  );
}
/**
 * @param {Schemas["DecisionPublic"]} decision
 * @param {Schemas["Text"] | null | undefined} authority  who decided, in force on that date
 */
function decisionCard(decision, authority) {
  return h(
    "div",
    { class: "card", id: "decision" },
    h("h2", {}, t("nom.decision")),
    `${t(`outcome.${decision.outcome}`)} — ${decision.decision_number || ""} ${day(decision.decision_date)}`,
    authority
      ? h("p", { class: "muted" }, state.lang === "vi" ? authority.vi : authority.en)
      : null,
  );
}
/** @param {Nomination["evidence"]} evidence */
function evidenceList(evidence) {
  if (!Object.keys(evidence).length) return h("p", {}, t("nom.none"));
  return h(
    "ul",
    {},
    Object.entries(evidence).map(([sha, e]) =>
      h("li", {}, e.filename, " ", h("span", { class: "mono" }, sha)),
    ),
  );
}
/** @param {import("./core.js").Loaded<Schemas["Page_EventPublic_"]>} history */
function historyList(history) {
  if (history.error) return failed(t("nom.history"), history.error);
  return h(
    "ol",
    { id: "history" },
    history.value.data.map((e) =>
      h(
        "li",
        { title: e.type },
        `${state.text[`event.${e.type}`] ?? e.type} — ${e.actor_id} (${t(`role.${e.actor_role}`)}) · ${new Date(e.timestamp).toLocaleString(locale())} · `,
        h("span", { class: "mono" }, e.correlation_id),
      ),
    ),
  );
}
/**
 * @param {string} id
 * @param {number} current
 */
function travelForm(id, current) {
  const version = h("input", { type: "number", min: "1", max: String(current) });
  const when = h("input", { type: "date" });
  const form = formOf(
    { class: "card" },
    () => {
      travel(id, version.value, when.value);
    },
    h("h2", {}, t("nom.travel")),
    field(t("nom.version"), version, "version"),
    field(t("nom.as_of"), when, "as_of"),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "travel" }, t("nom.show")),
      h("a", { href: `#/nominations/${id}` }, t("nom.now")),
    ),
  );
  return form;
}

// --- handlers --------------------------------------------------------------------------------
/**
 * Another moment of the same nomination: a version, else the end of a day in Vietnam.
 * @param {string} id
 * @param {string} version
 * @param {string} date
 */
function travel(id, version, date) {
  const q = version
    ? `version=${version}`
    : date
      ? `as_of=${encodeURIComponent(date + "T23:59:59+07:00")}`
      : "";
  location.hash = `#/nominations/${id}${q ? "?" + q : ""}`;
}
