// @ts-check
// One nomination: figures, checks, evidence, visits, complaints, history and the actions of each role.
import {
  api,
  cell,
  day,
  daysLeft,
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
  submitting,
  t,
} from "./core.js";

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
function checksTable(checks) {
  if (!checks.length) return h("p", {}, t("nom.none"));
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "cards" },
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
            {},
            cell("nom.criterion", {}, c.criterion_id),
            cell("nom.outcome", { class: c.outcome }, t(`outcome.${c.outcome}`)),
            cell("nom.basis", {}, t(`basis.${c.basis}`)),
            cell("nom.threshold", { class: "mono" }, c.threshold),
            cell(
              "nom.rule_set",
              {},
              `${c.rule_set.id} v${c.rule_set.version}`,
              h("div", { class: "mono muted" }, c.rule_set.digest.slice(0, 16) + "…"),
            ),
            cell("nom.explanation", {}, state.lang === "vi" ? c.explanation.vi : c.explanation.en),
          ),
        ),
      ),
    ),
  );
}
export async function nominationPage(id, query) {
  const params = new URLSearchParams(query);
  // The nomination and its history load together; a failed history is said, not hidden.
  const [n, history] = await Promise.all([
    api(`/api/v1/nominations/${id}${params.toString() ? "?" + params : ""}`),
    orFailure(api(`/api/v1/nominations/${id}/events`)),
  ]);
  const parts = [
    h("h1", {}, `${n.unit_name}`),
    h(
      "p",
      {},
      `${t(`form.${n.award_form}`)} · ${t("board.cycle")} ${n.cycle_year} · `,
      h("strong", { id: "stage" }, t(`stage.${n.stage}`)),
      n.outcome ? ` · ${t(`outcome.${n.outcome}`)}` : "",
      n.due_at ? ` · ${t("board.due")} ${day(n.due_at)} (${daysLeft(n.due_at)})` : "",
    ),
  ];
  if (params.toString())
    parts.push(
      h(
        "p",
        { class: "muted", id: "travel-note" },
        `${t("nom.travel")}: ${t("nom.version")} ${n.version}`,
      ),
    );
  if (n.requested_changes)
    parts.push(
      h(
        "div",
        { class: "card", id: "requested-changes" },
        h("h2", {}, t("nom.requested")),
        n.requested_changes,
      ),
    );
  if (n.stage === "collecting" && !params.toString()) {
    const preview = await orFailure(api(`/api/v1/nominations/${id}/checks-preview`));
    parts.push(
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
                ` — ${c.criterion_id}: ${state.lang === "vi" ? c.explanation.vi : c.explanation.en}`,
              ),
            ),
          ),
    );
  }
  if (n.decision)
    parts.push(
      h(
        "div",
        { class: "card" },
        h("h2", {}, t("nom.decision")),
        `${t(`outcome.${n.decision.outcome}`)} — ${n.decision.decision_number || ""} ${day(n.decision.decision_date)}`,
      ),
    );
  parts.push(h("h2", {}, t("nom.statistics")), statsTable(n.statistics), chart(n.statistics));
  parts.push(h("h2", {}, t("nom.checks")), checksTable(n.checks));
  parts.push(
    h("h2", {}, t("nom.evidence")),
    Object.keys(n.evidence).length
      ? h(
          "ul",
          {},
          Object.entries(n.evidence).map(([sha, e]) =>
            h("li", {}, e.filename, " ", h("span", { class: "mono" }, sha)),
          ),
        )
      : h("p", {}, t("nom.none")),
  );
  parts.push(
    h("h2", {}, t("nom.visits")),
    Object.keys(n.visits).length
      ? h(
          "ul",
          {},
          Object.values(n.visits).map((v) =>
            h(
              "li",
              {},
              `${v.team_id} · ${day(v.due_on)} · ${t(`visit.${v.state}`)}`,
              v.findings ? ` — ${v.findings}` : "",
              v.discrepancies ? discrepancyTable(v.discrepancies) : null,
            ),
          ),
        )
      : h("p", {}, t("nom.none")),
  );
  parts.push(
    h("h2", {}, t("nom.complaints")),
    Object.keys(n.complaints).length
      ? h(
          "ul",
          {},
          Object.values(n.complaints).map((c) =>
            h("li", {}, `${c.text} (${t(`complaint.${c.state}`)})`),
          ),
        )
      : h("p", {}, t("nom.none")),
  );
  parts.push(...actions(n));
  if (has("auditor")) parts.push(travelForm(id, n.version));
  parts.push(
    h("h2", {}, t("nom.history")),
    history.error
      ? failed(t("nom.history"), history.error)
      : h(
          "ol",
          { id: "history" },
          history.value.data.map((e) =>
            h(
              "li",
              { title: e.type },
              `${state.text[`event.${e.type}`] ?? e.type} — ${e.actor_id} (${e.actor_role}) · ${new Date(e.timestamp).toLocaleString(locale())} · `,
              h("span", { class: "mono" }, e.correlation_id),
            ),
          ),
        ),
  );
  render(...parts);
}
function actions(n) {
  const out = [];
  const post = (path, body) => api(`/api/v1/nominations/${n.id}/${path}`, { method: "POST", body });
  if (has("unit_officer") && n.stage === "collecting") {
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
      ["exited", "newly_poor", "fallen_back", "removed"].map((k) => [
        k,
        h("input", { type: "number", min: "0" }),
      ]),
    );
    const decision = h("input", {});
    const decided = h("input", { type: "date" });
    // Choosing a year already declared loads its figures, so answering a return is an edit.
    const load = () => {
      const s = n.statistics[year.value] ?? {};
      total.value = s.total_households ?? "";
      poor.value = s.poor_households ?? "";
      near.value = s.near_poor_households ?? "";
      for (const [k, f] of Object.entries(flows)) f.value = s.flows?.[k] ?? "";
      decision.value = s.source?.decision_number ?? "";
      decided.value = s.source?.decision_date ?? "";
    };
    year.addEventListener("change", load);
    load();
    const stats = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          const body = {
            total_households: Number(total.value),
            poor_households: Number(poor.value),
          };
          if (near.value) body.near_poor_households = Number(near.value);
          if (Object.values(flows).some((f) => f.value))
            body.flows = Object.fromEntries(
              Object.entries(flows).map(([k, f]) => [k, Number(f.value || 0)]),
            );
          if (decision.value && decided.value)
            body.source = { decision_number: decision.value, decision_date: decided.value };
          submitting(stats, () =>
            api(`/api/v1/nominations/${n.id}/statistics/${year.value}`, { method: "PUT", body }),
          );
        },
      },
      h("h2", {}, t("nom.record")),
      field(t("nom.year"), year, "year"),
      field(t("nom.households"), total, "total_households"),
      field(t("nom.poor"), poor, "poor_households"),
      field(t("nom.near_poor"), near, "near_poor_households"),
      ...Object.entries(flows).map(([k, f]) => field(t(`flows.${k}`), f, k)),
      field(t("nom.source_number"), decision, "decision_number"),
      field(t("nom.source_date"), decided, "decision_date"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.record"))),
    );
    const text = h("textarea", { required: true }, n.achievement_report || "");
    const report = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          submitting(report, () =>
            api(`/api/v1/nominations/${n.id}/achievement-report`, {
              method: "PUT",
              body: { text: text.value },
            }),
          );
        },
      },
      h("h2", {}, t("nom.report")),
      field(t("nom.report"), text, "text"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.report"))),
    );
    const file = h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png,.docx,.xlsx" });
    const upload = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          const data = new FormData();
          data.append("file", file.files[0]);
          submitting(upload, () =>
            api(`/api/v1/nominations/${n.id}/evidence`, { method: "POST", form: data }),
          );
        },
      },
      h("h2", {}, t("nom.upload")),
      field(t("nom.evidence"), file, "file"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.upload"))),
    );
    const submit = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          submitting(submit, () => post("submit"));
        },
      },
      h("div", { "data-error-for": "statistics", class: "field-error" }),
      h("div", { "data-error-for": "achievement_report", class: "field-error" }),
      h(
        "div",
        { class: "actions" },
        h("button", { class: "primary", type: "submit", id: "submit" }, t("nom.submit")),
      ),
    );
    out.push(stats, report, upload, submit);
  }
  const reviewer =
    (n.stage === "district_review" && has("district_reviewer")) ||
    (n.stage === "province_review" && has("province_reviewer"));
  if (reviewer) {
    const comment = h("textarea", {});
    const path = n.stage === "district_review" ? "district-review" : "province-review";
    const review = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          submitting(review, () =>
            post(path, { decision: e.submitter.value, comment: comment.value }),
          );
        },
      },
      h("h2", {}, t("nom.review")),
      field(t("nom.comment"), comment, "comment"),
      h(
        "div",
        { class: "actions" },
        ...["approve", "return", "reject"].map((d) =>
          h(
            "button",
            { type: "submit", value: d, class: d === "approve" ? "primary" : "" },
            t(`nom.${d}`),
          ),
        ),
      ),
    );
    const judgeable = n.checks.filter(
      (c) => c.outcome === "needs_judgement" || c.kind === "judged",
    );
    const criterion = h(
      "select",
      {},
      ...judgeable.map((c) => h("option", { value: c.criterion_id }, c.criterion_id)),
    );
    const outcome = h(
      "select",
      {},
      ...state.enums.judged_outcomes.map((o) => h("option", { value: o }, t(`outcome.${o}`))),
    );
    const why = h("textarea", { required: true });
    const judge = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          submitting(judge, () =>
            post("criterion-checks", {
              criterion_id: criterion.value,
              outcome: outcome.value,
              justification: why.value,
              evidence: [],
            }),
          );
        },
      },
      h("h2", {}, t("nom.judge")),
      field(t("nom.criterion"), criterion, "criterion_id"),
      field(t("nom.outcome"), outcome, "outcome"),
      field(t("nom.justification"), why, "justification"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.judge"))),
    );
    out.push(review);
    if (judgeable.length) out.push(judge);
    if (n.stage === "province_review") {
      const team = h("input", { required: true, value: "doan-kiem-tra-1" });
      const order = h(
        "form",
        {
          class: "card",
          onsubmit: (e) => {
            e.preventDefault();
            submitting(order, () => post("inspections", { team_id: team.value }));
          },
        },
        h("h2", {}, t("nom.order_visit")),
        field(t("nom.team"), team, "team_id"),
        h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.order_visit"))),
      );
      const failing = h(
        "select",
        {},
        ...n.checks
          .filter((c) => c.outcome === "not_met")
          .map((c) => h("option", { value: c.criterion_id }, c.criterion_id)),
      );
      const reason = h("textarea", { required: true });
      const override = h(
        "form",
        {
          class: "card",
          onsubmit: (e) => {
            e.preventDefault();
            submitting(override, () =>
              post("overrides", { criterion_id: failing.value, reason: reason.value }),
            );
          },
        },
        h("h2", {}, t("nom.override")),
        field(t("nom.criterion"), failing, "criterion_id"),
        field(t("nom.justification"), reason, "reason"),
        h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.override"))),
      );
      out.push(order, override);
    }
  }
  return out;
}
function travelForm(id, current) {
  const version = h("input", { type: "number", min: "1", max: String(current) });
  const when = h("input", { type: "date" });
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: (e) => {
        e.preventDefault();
        const q = version.value
          ? `version=${version.value}`
          : when.value
            ? `as_of=${encodeURIComponent(when.value + "T23:59:59+07:00")}`
            : "";
        location.hash = `#/nominations/${id}${q ? "?" + q : ""}`;
      },
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

const FIGURE_LABELS = {
  total_households: "nom.households",
  poor_households: "nom.poor",
  near_poor_households: "nom.near_poor",
};
function discrepancyTable(discrepancies) {
  const rows = Object.entries(discrepancies).flatMap(([year, fields]) =>
    fields.year === "new"
      ? [h("tr", {}, h("td", {}, year), h("td", { colspan: "3" }, t("nom.discrepancy_new_year")))]
      : Object.entries(fields).map(([name, d]) =>
          h(
            "tr",
            {},
            h("td", {}, year),
            h("td", {}, t(FIGURE_LABELS[name] ?? name)),
            h("td", {}, number(d.declared)),
            h("td", {}, number(d.verified)),
          ),
        ),
  );
  return h(
    "table",
    { class: "discrepancies" },
    h("caption", {}, t("nom.discrepancies")),
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
