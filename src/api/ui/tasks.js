// @ts-check
// Task inboxes: reviewers' queues and inspectors' visits.
import {
  after,
  api,
  day,
  daysLeft,
  field,
  h,
  has,
  refresh,
  render,
  submitting,
  t,
  toast,
  today,
} from "./core.js";

export async function tasksPage() {
  const inbox = await api(after("/api/v1/tasks"));
  const visits = inbox.data.filter((x) => x.kind === "visit");
  const reviews = inbox.data.filter((x) => x.kind === "review");
  const parts = [h("h1", {}, t("tasks.title"))];
  if (has("inspector")) {
    parts.push(h("h2", {}, t("tasks.visits")));
    for (const v of visits) parts.push(visitCard(v));
    if (!visits.length) parts.push(h("p", {}, t("nom.none")));
  }
  if (has("district_reviewer", "province_reviewer")) {
    parts.push(
      h("h2", {}, t("tasks.reviews")),
      reviews.length
        ? h(
            "ul",
            {},
            reviews.map((r) =>
              h(
                "li",
                { class: r.overdue ? "overdue" : "" },
                h("a", { href: `#/nominations/${r.nomination_id}` }, r.unit_code),
                ` — ${t(`stage.${r.stage}`)} · ${t("board.due")} ${day(r.due_on)} (${daysLeft(r.due_on)})`,
              ),
            ),
          )
        : h("p", {}, t("nom.none")),
    );
  }
  render(...parts);
}
function visitCard(v) {
  const card = h(
    "div",
    { class: "card" },
    h(
      "p",
      {},
      h("a", { href: `#/nominations/${v.nomination_id}` }, v.unit_code),
      ` · ${t("board.due")} ${day(v.due_on)} (${daysLeft(v.due_on)}) · ${t(`visit.${v.state}`)}`,
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
            onclick: async () => {
              try {
                await api(`/api/v1/tasks/${v.id}/claim`, { method: "POST" });
                toast(t("saved"));
                refresh();
              } catch (e) {
                toast(e.message);
              }
            },
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
  const addYear = () =>
    figures.append(
      h(
        "tr",
        {},
        ...[
          ["year", "2021", "2030"],
          ["total_households", "1", null],
          ["poor_households", "0", null],
        ].map(([name, min, max]) => {
          const input = h("input", {
            type: "number",
            name,
            min,
            max,
            "aria-label": t(`tasks.${name}`),
          });
          return h("td", {}, input);
        }),
      ),
    );
  addYear();
  const form = h(
    "form",
    {
      onsubmit: (e) => {
        e.preventDefault();
        const errors = form.querySelector("[data-error-for=verified_statistics]");
        errors.textContent = "";
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
          if (problem) {
            errors.textContent = `${year || "—"}: ${t(problem)}`;
            return;
          }
          verified[year] = { total_households: Number(total), poor_households: Number(poor) };
        }
        const body = {
          visited_on: visited.value,
          findings: findings.value,
          recommendation: recommendation.value,
          verified_statistics: Object.keys(verified).length ? verified : null,
        };
        submitting(form, () => api(`/api/v1/inspections/${v.id}/report`, { method: "POST", body }));
      },
    },
    h("h2", {}, t("tasks.report")),
    field(t("tasks.visited_on"), visited, "visited_on"),
    field(t("tasks.findings"), findings, "findings"),
    field(t("tasks.recommendation"), recommendation, "recommendation"),
    h(
      "fieldset",
      {},
      h("legend", {}, t("tasks.verified")),
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
      h("div", { class: "field-error", "data-error-for": "verified_statistics" }),
      h("button", { type: "button", onclick: addYear }, t("tasks.add_year")),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "primary", type: "submit" }, t("tasks.report")),
    ),
  );
  card.append(form);
  return card;
}
