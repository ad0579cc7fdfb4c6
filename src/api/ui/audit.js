// @ts-check
// The auditor's tools: verification, receipts, exports, what-if and the board as of a date.
import { api, asking, field, h, locale, number, render, state, t } from "./core.js";

export async function auditPage() {
  const result = h("p", { id: "verify-result", role: "status" });
  const verify = h(
    "button",
    {
      type: "button",
      class: "primary",
      id: "verify",
      onclick: async () => {
        const r = await api("/api/v1/audit/verify");
        const broken = r.first_broken;
        result.className = r.ok ? "met" : "error";
        if (r.ok) return result.replaceChildren(t("audit.ok", { n: number(r.checked_events) }));
        // The code reads in the reader's language; the store's own words follow for the record.
        result.replaceChildren(
          t("audit.broken", {
            aggregate: broken.aggregate_id,
            version: broken.version,
            reason: t(`audit.break.${broken.kind}`),
          }),
          h("span", { class: "muted mono detail" }, broken.reason),
        );
      },
    },
    t("audit.verify"),
  );
  const receipts = receiptsCard();
  const fmt = h(
    "select",
    {},
    h("option", { value: "csv" }, "CSV"),
    h("option", { value: "jsonl" }, "JSON Lines"),
  );
  const cycle = h("input", { type: "number", min: "2023", max: "2025" });
  const district = h("input", {});
  const criterion = h("input", {});
  const outcomeFilter = h(
    "select",
    {},
    h("option", { value: "" }, "—"),
    ...state.enums.outcomes.map((o) => h("option", { value: o }, t(`outcome.${o}`))),
  );
  const exportForm = h(
    "form",
    {
      class: "card",
      onsubmit: (e) => {
        e.preventDefault();
        asking(exportForm, async () => {
          const q = new URLSearchParams({ format: fmt.value });
          if (cycle.value) q.set("cycle", cycle.value);
          if (district.value) q.set("district", district.value);
          if (criterion.value) q.set("criterion", criterion.value);
          if (outcomeFilter.value) q.set("outcome", outcomeFilter.value);
          const response = await api(`/api/v1/audit/criterion-checks?${q}`, { raw: true });
          const link = h("a", {
            href: URL.createObjectURL(await response.blob()),
            download: `criterion-checks.${fmt.value}`,
          });
          link.click();
        });
      },
    },
    h("h2", {}, t("audit.export")),
    field(t("audit.format"), fmt, "format"),
    field(t("board.cycle"), cycle, "cycle"),
    field(t("audit.district"), district, "district"),
    field(t("nom.criterion"), criterion, "criterion"),
    field(t("nom.outcome"), outcomeFilter, "outcome"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("audit.export"))),
  );
  const version = h("input", { type: "number", min: "1", value: "1" });
  const whatIfCycle = h("input", { type: "number", min: "2023", max: "2025", value: "2023" });
  const whatIfOut = h("div", {});
  const whatIf = h(
    "form",
    {
      class: "card",
      onsubmit: (e) => {
        e.preventDefault();
        asking(whatIf, async () => {
          const rows = await api("/api/v1/audit/what-if", {
            method: "POST",
            body: {
              rule_set_version: Number(version.value),
              cycle_year: Number(whatIfCycle.value),
            },
          });
          whatIfOut.replaceChildren(
            h(
              "ul",
              {},
              rows.map((r) =>
                h(
                  "li",
                  { class: r.changed ? "overdue" : "" },
                  `${r.unit_code} · ${r.criterion_id}: ${t(`outcome.${r.current_outcome}`)} → ${t(`outcome.${r.what_if_outcome}`)}`,
                ),
              ),
            ),
          );
        });
      },
    },
    h("h2", {}, t("audit.what_if")),
    field(t("nom.rule_set"), version, "rule_set_version"),
    field(t("board.cycle"), whatIfCycle, "cycle_year"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))),
    whatIfOut,
  );
  const date = h("input", { type: "date", required: true });
  const boardOut = h("div", {});
  const boardThen = h(
    "form",
    {
      class: "card",
      onsubmit: (e) => {
        e.preventDefault();
        asking(boardThen, async () => {
          const r = await api(
            `/api/v1/audit/board?as_of=${encodeURIComponent(date.value + "T23:59:59+07:00")}`,
          );
          boardOut.replaceChildren(
            h("p", {}, t("audit.board_count", { n: number(r.count) })),
            h(
              "ul",
              {},
              r.data.map((n) => h("li", {}, `${n.unit_name} — ${t(`stage.${n.stage}`)}`)),
            ),
          );
        });
      },
    },
    h("h2", {}, t("audit.board_as_of")),
    field(t("nom.as_of"), date, "as_of"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))),
    boardOut,
  );
  render(
    h("h1", {}, t("audit.title")),
    h("div", { class: "card" }, verify, result),
    receipts,
    exportForm,
    whatIf,
    boardThen,
  );
}

// Receipts are kept outside the store: download the newest, and later check the store against it.
function receiptsCard() {
  const latestOut = h("p", { id: "receipt-latest", role: "status" });
  const download = h(
    "button",
    {
      type: "button",
      id: "download-receipt",
      onclick: async () => {
        try {
          const receipt = await api("/api/v1/audit/receipts/latest");
          const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
          h("a", {
            href: URL.createObjectURL(blob),
            download: `thidua-receipt-${receipt.position}.json`,
          }).click();
          latestOut.className = "";
          latestOut.replaceChildren(
            t("receipt.downloaded", {
              position: number(receipt.position),
              count: number(receipt.count),
              at: new Date(receipt.sealed_at).toLocaleString(locale()),
            }),
          );
        } catch (error) {
          latestOut.className = "error";
          latestOut.replaceChildren(
            error.problem?.status === 404 ? t("receipt.none") : error.message,
          );
        }
      },
    },
    t("receipt.download"),
  );
  const file = h("input", {
    type: "file",
    id: "receipt-file",
    accept: "application/json,.json",
    required: true,
  });
  const checkOut = h("p", { id: "receipt-result", role: "status" });
  const check = h(
    "form",
    {
      onsubmit: (e) => {
        e.preventDefault();
        asking(check, async () => {
          let receipt;
          try {
            receipt = JSON.parse(await file.files[0].text());
          } catch {
            checkOut.className = "error";
            return checkOut.replaceChildren(t("receipt.unreadable"));
          }
          try {
            const r = await api("/api/v1/audit/receipts/verify", { method: "POST", body: receipt });
            checkOut.className = r.ok ? "met" : "error";
            if (r.ok)
              return checkOut.replaceChildren(
                t("receipt.ok", { count: number(r.count), position: number(r.position) }),
              );
            const f = r.finding;
            // The change in the reader's language; the store's own words follow for the record.
            const key = [`receipt.change.${f.change}`, `audit.break.${f.change}`].find(
              (k) => t(k) !== k,
            );
            checkOut.replaceChildren(
              t("receipt.changed", { count: number(r.count), position: number(r.position) }),
              h("br"),
              key
                ? t(key, { at: number(f.position), aggregate: f.aggregate_id, version: f.version })
                : f.reason,
              h("span", { class: "muted mono detail" }, f.reason),
            );
          } catch (error) {
            checkOut.className = "error";
            checkOut.replaceChildren(
              t("receipt.refused", {
                reason: error.problem?.errors?.[0]
                  ? `${error.problem.errors[0].field}: ${error.problem.errors[0].reason}`
                  : error.message,
              }),
            );
          }
        });
      },
    },
    field(t("receipt.file"), file, "receipt"),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "check-receipt" }, t("receipt.check")),
    ),
    checkOut,
  );
  return h(
    "div",
    { class: "card" },
    h("h2", {}, t("receipt.title")),
    h("p", { class: "muted" }, t("receipt.explain")),
    download,
    latestOut,
    check,
  );
}
