// @ts-check
// What a decision rests on, shown the same on the nomination page and on a member's ballot:
// each criterion by its name with its effective outcome, overrides, reviews, inspections,
// complaints and the poverty rate's trend.
import { cell, day, h, moment, number, percent, state, t } from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["NominationPublic"]} Nomination */
/** @typedef {Schemas["CheckPublic"]} Check */

/** @param {Record<string, string> | null | undefined} text  a text in each language */
export const local = (text) => (text ? (text[state.lang] ?? text.vi ?? "") : "");

/**
 * A criterion by its name in the rule set its check cites; the code stays in the API.
 * @param {{ criterion_id: string, title?: Schemas["Text"] | null }} check
 */
export function criterionName(check) {
  return local(check.title) || t("nom.unnamed_criterion");
}
/** @param {{ by?: string | null, by_name?: string | null }} who */
const person = (who) => who.by_name || who.by || "—";

/**
 * A not-met check forwarded anyway: who did it, when and why.
 * @param {Schemas["OverridePublic"]} o
 */
export function overrideNote(o) {
  return h(
    "div",
    { class: "override" },
    h("strong", {}, t("nom.overridden")),
    " ",
    t("nom.override_by", { who: person(o), when: o.at ? moment(o.at) : "—" }),
    h("blockquote", {}, o.reason),
  );
}

/**
 * @param {Check[]} checks
 * @param {Nomination["overrides"]} overrides
 */
export function checksTable(checks, overrides) {
  if (!checks.length) return h("p", {}, t("nom.none"));
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "cards", id: "checks" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            "nom.criterion",
            "nom.outcome",
            "nom.basis",
            "nom.threshold",
            "nom.rule_set",
            "nom.explanation",
          ].map((k) => h("th", { scope: "col" }, t(k))),
        ),
      ),
      h(
        "tbody",
        {},
        checks.map((c) =>
          h(
            "tr",
            { "data-criterion": c.criterion_id },
            cell("nom.criterion", {}, criterionName(c)),
            cell(
              "nom.outcome",
              { class: c.outcome },
              t(`outcome.${c.outcome}`),
              overrides[c.criterion_id] ? overrideNote(overrides[c.criterion_id]) : null,
            ),
            cell("nom.basis", {}, basisOf(c)),
            cell("nom.threshold", { class: "mono" }, c.threshold),
            cell(
              "nom.rule_set",
              {},
              `${c.rule_set.id} v${c.rule_set.version}`,
              h("div", { class: "mono muted" }, c.rule_set.digest.slice(0, 16) + "…"),
            ),
            cell("nom.explanation", {}, local(c.explanation)),
          ),
        ),
      ),
    ),
  );
}
/** @param {Check} c */
function basisOf(c) {
  return c.kind === "judged" ? t("basis.judged") : t(`basis.${c.basis}`);
}

/** @param {Schemas["ReviewPublic"][]} reviews */
export function reviewList(reviews) {
  if (!reviews.length) return h("p", {}, t("nom.none"));
  return h(
    "ul",
    { class: "reviews" },
    reviews.map((r) =>
      h(
        "li",
        {},
        h("strong", {}, `${t(`stage.${r.stage}`)}: ${t(`review.${r.decision}`)}`),
        ` — ${person(r)} · ${moment(r.at)}`,
        r.comment ? h("blockquote", {}, r.comment) : null,
      ),
    ),
  );
}

const FIGURE_LABELS = {
  total_households: "nom.households",
  poor_households: "nom.poor",
  near_poor_households: "nom.near_poor",
};
/**
 * @param {Schemas["VisitPublic"]["discrepancies"]} discrepancies
 * @param {string} [caption]
 */
export function discrepancyTable(discrepancies, caption = "nom.discrepancies") {
  const rows = Object.entries(discrepancies).flatMap(([year, fields]) =>
    fields.year === "new"
      ? [h("tr", {}, h("td", {}, year), h("td", { colspan: "3" }, t("nom.discrepancy_new_year")))]
      : Object.entries(fields).map(([name, difference]) => {
          const d = /** @type {{ declared: number | null, verified: number | null }} */ (
            difference
          );
          return h(
            "tr",
            {},
            h("td", {}, year),
            h("td", {}, t(FIGURE_LABELS[name] ?? name)),
            h("td", {}, number(d.declared)),
            h("td", {}, number(d.verified)),
          );
        }),
  );
  return h(
    "table",
    { class: "discrepancies" },
    h("caption", {}, t(caption)),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["nom.year", "nom.figure", "nom.declared", "nom.verified"].map((k) =>
          h("th", { scope: "col" }, t(k)),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
}
/** @param {Nomination["visits"]} visits */
export function visitList(visits) {
  if (!Object.keys(visits).length) return h("p", {}, t("nom.none"));
  return h(
    "ul",
    {},
    Object.values(visits).map((v) =>
      h(
        "li",
        {},
        `${v.team_id} · ${day(v.due_on)} · ${t(`visit.${v.state}`)}`,
        v.recommendation ? ` · ${t(`tasks.${v.recommendation}`)}` : "",
        v.findings ? ` — ${v.findings}` : "",
        v.discrepancies ? discrepancyTable(v.discrepancies) : null,
      ),
    ),
  );
}
/** @param {Nomination["complaints"]} complaints */
export function complaintList(complaints) {
  if (!Object.keys(complaints).length) return h("p", {}, t("nom.none"));
  return h(
    "ul",
    {},
    Object.values(complaints).map((c) => h("li", {}, `${c.text} (${t(`complaint.${c.state}`)})`)),
  );
}
/**
 * How many complaints, how many still open; never who filed them.
 * @param {Nomination["complaints"]} complaints
 */
function complaintSummary(complaints) {
  const all = Object.values(complaints);
  const open = all.filter((c) => c.state === "open").length;
  if (!all.length) return h("p", { class: "complaints" }, t("dossier.no_complaints"));
  return h(
    "p",
    { class: open ? "complaints not_met" : "complaints" },
    t("dossier.complaints", { n: all.length, open, resolved: all.length - open }),
  );
}

/**
 * The poverty rate over the evaluated years: a line a member reads at a glance, with the
 * figures in words for screen readers and small screens.
 * @param {Nomination["statistics"]} stats
 */
export function trend(stats) {
  const years = Object.keys(stats)
    .sort()
    .filter((y) => stats[y].total_households > 0);
  if (!years.length) return null;
  const rates = years.map((y) => (100 * stats[y].poor_households) / stats[y].total_households);
  const words = years
    .map((y) => `${y}: ${percent(stats[y].poor_households, stats[y].total_households)}`)
    .join(" → ");
  const width = 160,
    height = 40,
    pad = 4,
    top = Math.max(...rates),
    bottom = Math.min(...rates),
    span = top - bottom || 1;
  const x = (/** @type {number} */ i) =>
    years.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (years.length - 1);
  const y = (/** @type {number} */ r) => pad + ((top - r) * (height - 2 * pad)) / span;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "trend");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("points", rates.map((r, i) => `${x(i)},${y(r)}`).join(" "));
  svg.append(line);
  rates.forEach((r, i) => {
    const dot = document.createElementNS(svg.namespaceURI, "circle");
    Object.entries({ cx: x(i), cy: y(r), r: 3 }).forEach(([k, v]) =>
      dot.setAttribute(k, String(v)),
    );
    svg.append(dot);
  });
  return h("figure", { class: "trend" }, svg, h("figcaption", {}, `${t("nom.rate")}: ${words}`));
}

/**
 * Everything an agenda item is decided on, in one card a member reads on a phone.
 * @param {Nomination} n
 */
export function dossierSummary(n) {
  const differing = Object.values(n.visits).filter(
    (v) => v.discrepancies && Object.keys(v.discrepancies).length,
  );
  const reported = Object.values(n.visits).filter((v) => v.state === "reported");
  return h(
    "div",
    { class: "dossier" },
    h(
      "p",
      { class: "what" },
      `${t(`form.${n.award_form}`)} · ${t("board.cycle")} ${n.cycle_year} · ${t(`kind.${n.unit_kind}`)}`,
    ),
    trend(n.statistics),
    h("h3", {}, t("nom.checks")),
    h(
      "ul",
      { class: "checks" },
      n.checks.map((c) =>
        h(
          "li",
          { "data-criterion": c.criterion_id },
          h("span", { class: c.outcome }, t(`outcome.${c.outcome}`)),
          ` — ${criterionName(c)} (${basisOf(c)})`,
          n.overrides[c.criterion_id] ? overrideNote(n.overrides[c.criterion_id]) : null,
        ),
      ),
    ),
    h("h3", {}, t("dossier.reviews")),
    reviewList(n.reviews),
    h("h3", {}, t("nom.visits")),
    reported.length
      ? h(
          "ul",
          {},
          reported.map((v) =>
            h(
              "li",
              {},
              `${day(v.visited_on)} · ${t(`tasks.${v.recommendation}`)}`,
              v.findings ? ` — ${v.findings}` : "",
            ),
          ),
        )
      : h("p", {}, t("nom.none")),
    ...differing.map((v) => discrepancyTable(v.discrepancies ?? {})),
    h("h3", {}, t("nom.complaints")),
    complaintSummary(n.complaints),
    h("p", {}, h("a", { href: `#/nominations/${n.id}`, class: "dossier-link" }, t("dossier.open"))),
  );
}
