// @ts-check
// The award register (docs/spec.md §13): every award decided and every revocation, found by
// unit, form, year and authority, paged by keyset, exported as CSV or XLSX; and its statistics.
import {
  api,
  after,
  cell,
  day,
  download,
  field,
  formOf,
  h,
  has,
  number,
  render,
  t,
} from "./core.js";

/** @typedef {import("./core.js").Schemas["AwardRow"]} Award */
/** @typedef {import("./core.js").Schemas["AwardStatisticsRow"]} Statistic */

const FORMS = ["bang-khen-tinh", "co-thi-dua-tinh", "giay-khen-huyen"];

/** @param {URLSearchParams} query */
export async function awardsPage(query) {
  const unit = h("input", { maxlength: "64", value: query.get("unit") ?? "" });
  const form = h(
    "select",
    {},
    h("option", { value: "" }, t("register.any")),
    ...FORMS.map((f) =>
      h("option", { value: f, selected: query.get("form") === f ? "" : null }, t(`form.${f}`)),
    ),
  );
  const year = h("input", {
    type: "number",
    min: "2000",
    max: "2100",
    value: query.get("year") ?? "",
  });
  const search = formOf(
    { class: "card filters", role: "search" },
    () => {
      const wanted = new URLSearchParams();
      for (const [key, input] of /** @type {const} */ ([
        ["unit", unit],
        ["form", form],
        ["year", year],
      ]))
        if (input.value) wanted.set(key, input.value);
      location.hash = `#/awards?${wanted}`;
    },
    field(t("register.unit"), unit, "unit"),
    field(t("register.form"), form, "form"),
    field(t("register.year"), year, "year"),
    h("button", { type: "submit" }, t("register.search")),
  );
  const filters = new URLSearchParams();
  for (const key of ["unit", "form", "year"]) {
    const value = query.get(key);
    if (value) filters.set(key, value);
  }
  const cursor = query.get("cursor");
  const paged = new URLSearchParams(filters);
  if (cursor) paged.set("cursor", cursor);
  /** @type {import("./core.js").Schemas["Page_AwardRow_"]} */
  const page = await api(after(`/api/v1/awards?${paged}`));
  const parts = [
    h("h1", {}, t("register.title")),
    h("p", { class: "muted" }, t("register.lead")),
    search,
    h("p", { id: "register-count" }, t("register.count", { n: page.count })),
    awardTable(page.data),
  ];
  const links = [];
  if (page.next) {
    const next = new URLSearchParams(filters);
    next.set("cursor", page.next);
    links.push(h("a", { href: `#/awards?${next}`, id: "register-next" }, t("register.next")));
  }
  for (const format of ["csv", "xlsx"]) {
    const exported = new URLSearchParams(filters);
    exported.set("format", format);
    links.push(
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () =>
            download(`/api/v1/awards/export?${exported}`, `so-theo-doi-khen-thuong.${format}`),
        },
        t(`register.export_${format}`),
      ),
    );
  }
  parts.push(h("p", { class: "actions" }, ...links));
  if (has("province_reviewer", "council_secretary", "auditor", "admin")) {
    /** @type {import("./core.js").Schemas["Page_AwardStatisticsRow_"]} */
    const stats = await api(after("/api/v1/awards/statistics"));
    parts.push(h("h2", {}, t("register.statistics")), statisticsTable(stats.data));
  }
  render(...parts);
}

/** @param {Award[]} rows */
function awardTable(rows) {
  if (!rows.length) return h("p", {}, t("register.none"));
  const head = ["unit", "form", "years", "decision", "prize", "status"];
  return cardTable(
    "register",
    head,
    rows.map((r) =>
      h(
        "tr",
        { class: r.revoked_on ? "revoked" : null },
        cell(
          "register.unit",
          {},
          h("a", { href: `#/nominations/${r.nomination_id}` }, r.unit_name),
        ),
        cell("register.form", {}, r.award_form_name),
        cell("register.years", {}, `${r.first_year}–${r.last_year}`),
        cell("register.decision", {}, `${r.decision_number}, ${day(r.decided_on)}`),
        cell("register.prize", {}, r.prize_vnd == null ? "—" : `${number(r.prize_vnd)} đ`),
        cell(
          "register.status",
          {},
          r.revoked_on
            ? `${t("register.revoked")} ${r.revocation_number}, ${day(r.revoked_on)}`
            : t("register.in_force"),
        ),
      ),
    ),
  );
}

/** @param {Statistic[]} rows */
function statisticsTable(rows) {
  if (!rows.length) return h("p", {}, t("register.none"));
  const head = [
    "year",
    "authority",
    "form",
    "kind",
    "awards",
    "revoked_count",
    "prize",
    "grassroots",
  ];
  return cardTable(
    "register-statistics",
    head,
    rows.map((s) =>
      h(
        "tr",
        {},
        cell("register.year", {}, String(s.year)),
        cell("register.authority", {}, s.authority_id || "—"),
        cell("register.form", {}, t(`form.${s.award_form}`)),
        cell("register.kind", {}, t(`kind.${s.nominee_kind}`)),
        cell("register.awards", {}, number(s.awards)),
        cell("register.revoked_count", {}, number(s.revoked)),
        cell("register.prize", {}, `${number(s.prize_vnd)} đ`),
        cell("register.grassroots", {}, number(s.grassroots)),
      ),
    ),
  );
}

/**
 * A table whose rows fold into cards on a phone, its columns named from `register.*`.
 * @param {string} id
 * @param {string[]} head
 * @param {HTMLElement[]} rows
 */
function cardTable(id, head, rows) {
  return h(
    "table",
    { id, class: "cards" },
    h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(`register.${k}`))))),
    h("tbody", {}, ...rows),
  );
}
