// @ts-check
// The auditor's tools: verification, receipts, exports, what-if and the board as of a date.
// Nothing loads up front: each card asks the API when the auditor does, and shows its answer.
import { api, asking, field, h, locale, number, render, state, t, formOf } from "./core.js";
import { criterionName } from "./dossier.js";

/** @typedef {import("./core.js").Schemas} Schemas */

export function auditPage() {
  render(
    h("h1", {}, t("audit.title")),
    verifyCard(),
    receiptsCard(),
    exportCard(),
    whatIfCard(),
    boardThenCard(),
  );
}

// --- views -----------------------------------------------------------------------------------
function verifyCard() {
  const result = h("p", { id: "verify-result", role: "status" });
  const verify = h(
    "button",
    { type: "button", class: "primary", id: "verify", onclick: () => verifyChains(result) },
    t("audit.verify"),
  );
  return h("div", { class: "card" }, verify, result);
}
/** @param {Schemas["VerifyPublic"]} r */
function verifyResult(r) {
  if (r.ok) return [t("audit.ok", { n: number(r.checked_events) })];
  const broken = r.first_broken;
  // The code reads in the reader's language; the store's own words follow for the record.
  return [
    t("audit.broken", {
      aggregate: broken.aggregate_id,
      version: broken.version,
      reason: t(`audit.break.${broken.kind}`),
    }),
    h("span", { class: "muted mono detail" }, broken.reason),
  ];
}

// Receipts are kept outside the store: download the newest, and later check the store against it.
function receiptsCard() {
  const latestOut = h("p", { id: "receipt-latest", role: "status" });
  const download = h(
    "button",
    { type: "button", id: "download-receipt", onclick: () => downloadReceipt(latestOut) },
    t("receipt.download"),
  );
  const file = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "file",
      id: "receipt-file",
      accept: "application/json,.json",
      required: true,
    })
  );
  const checkOut = h("p", { id: "receipt-result", role: "status" });
  const check = formOf(
    {},
    () => {
      asking(check, () => checkReceipt(file, checkOut));
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
/** @param {Schemas["ReceiptCheckPublic"]} r */
function receiptCheckResult(r) {
  if (r.ok) return [t("receipt.ok", { count: number(r.count), position: number(r.position) })];
  const f = r.finding;
  // The change in the reader's language; the store's own words follow for the record.
  const key = [`receipt.change.${f.change}`, `audit.break.${f.change}`].find((k) => t(k) !== k);
  return [
    t("receipt.changed", { count: number(r.count), position: number(r.position) }),
    h("br"),
    key
      ? t(key, { at: number(f.position), aggregate: f.aggregate_id, version: f.version })
      : f.reason,
    h("span", { class: "muted mono detail" }, f.reason),
  ];
}
function exportCard() {
  const fmt = h(
    "select",
    {},
    h("option", { value: "csv" }, "CSV"),
    h("option", { value: "jsonl" }, "JSON Lines"),
  );
  const cycle = h("input", { type: "number", min: "2023", max: "2025" });
  const district = h("input", {});
  const criterion = h("input", {});
  const outcome = h(
    "select",
    {},
    h("option", { value: "" }, "—"),
    ...state.enums.outcomes.map((o) => h("option", { value: o }, t(`outcome.${o}`))),
  );
  const form = formOf(
    { class: "card" },
    () => {
      const filters = {
        cycle: cycle.value,
        district: district.value,
        criterion: criterion.value,
        outcome: outcome.value,
      };
      asking(form, () => exportChecks(fmt.value, filters));
    },
    h("h2", {}, t("audit.export")),
    field(t("audit.format"), fmt, "format"),
    field(t("board.cycle"), cycle, "cycle"),
    field(t("audit.district"), district, "district"),
    field(t("nom.criterion"), criterion, "criterion"),
    field(t("nom.outcome"), outcome, "outcome"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("audit.export"))),
  );
  return form;
}
function whatIfCard() {
  const version = h("input", { type: "number", min: "1", value: "1" });
  const cycle = h("input", { type: "number", min: "2023", max: "2025", value: "2023" });
  const out = h("div", {});
  const form = formOf(
    { class: "card" },
    () => {
      const body = { rule_set_version: Number(version.value), cycle_year: Number(cycle.value) };
      asking(form, () => askWhatIf(body, out));
    },
    h("h2", {}, t("audit.what_if")),
    field(t("nom.rule_set"), version, "rule_set_version"),
    field(t("board.cycle"), cycle, "cycle_year"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))),
    out,
  );
  return form;
}
/** @param {Schemas["WhatIfRow"][]} rows */
function whatIfList(rows) {
  return h(
    "ul",
    {},
    rows.map((r) =>
      h(
        "li",
        { class: r.changed ? "overdue" : "" },
        `${r.unit_code} · ${criterionName(r)}: ${t(`outcome.${r.current_outcome}`)} → ${t(`outcome.${r.what_if_outcome}`)}`,
      ),
    ),
  );
}
function boardThenCard() {
  const date = h("input", { type: "date", required: true });
  const out = h("div", {});
  const form = formOf(
    { class: "card" },
    () => {
      asking(form, () => showBoardThen(date.value, out));
    },
    h("h2", {}, t("audit.board_as_of")),
    field(t("nom.as_of"), date, "as_of"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))),
    out,
  );
  return form;
}
/** @param {Schemas["Page_BoardThen_"]} page */
function boardThenList(page) {
  return [
    h("p", {}, t("audit.board_count", { n: number(page.count) })),
    h(
      "ul",
      {},
      page.data.map((n) => h("li", {}, `${n.unit_name} — ${t(`stage.${n.stage}`)}`)),
    ),
  ];
}

// --- handlers --------------------------------------------------------------------------------
/** @param {HTMLElement} out */
function verifyChains(out) {
  return asking(null, async () => {
    /** @type {Schemas["VerifyPublic"]} */
    const r = await api("/api/v1/audit/verify");
    out.className = r.ok ? "met" : "error";
    out.replaceChildren(...verifyResult(r));
  });
}
/** @param {HTMLElement} out */
async function downloadReceipt(out) {
  try {
    /** @type {Schemas["ReceiptPublic"]} */
    const receipt = await api("/api/v1/audit/receipts/latest");
    const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
    h("a", {
      href: URL.createObjectURL(blob),
      download: `thidua-receipt-${receipt.position}.json`,
    }).click();
    out.className = "";
    out.replaceChildren(
      t("receipt.downloaded", {
        position: number(receipt.position),
        count: number(receipt.count),
        at: new Date(receipt.sealed_at).toLocaleString(locale()),
      }),
    );
  } catch (error) {
    // Said where the auditor looks: no receipt yet is an answer, not a failure.
    out.className = "error";
    out.replaceChildren(error.problem?.status === 404 ? t("receipt.none") : error.message);
  }
}
/**
 * @param {HTMLInputElement} file
 * @param {HTMLElement} out
 */
async function checkReceipt(file, out) {
  let receipt;
  try {
    receipt = JSON.parse(await file.files[0].text());
  } catch {
    out.className = "error";
    return out.replaceChildren(t("receipt.unreadable"));
  }
  try {
    /** @type {Schemas["ReceiptCheckPublic"]} */
    const r = await api("/api/v1/audit/receipts/verify", { method: "POST", body: receipt });
    out.className = r.ok ? "met" : "error";
    out.replaceChildren(...receiptCheckResult(r));
  } catch (error) {
    out.className = "error";
    out.replaceChildren(
      t("receipt.refused", {
        reason: error.problem?.errors?.[0]
          ? `${error.problem.errors[0].field}: ${error.problem.errors[0].reason}`
          : error.message,
      }),
    );
  }
}
/**
 * @param {string} format
 * @param {Record<string, string>} filters  empty values are left out
 */
async function exportChecks(format, filters) {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const response = await api(`/api/v1/audit/criterion-checks?${query}`, { raw: true });
  h("a", {
    href: URL.createObjectURL(await response.blob()),
    download: `criterion-checks.${format}`,
  }).click();
}
/**
 * @param {Schemas["WhatIfIn"]} body
 * @param {HTMLElement} out
 */
async function askWhatIf(body, out) {
  /** @type {Schemas["WhatIfRow"][]} */
  const rows = await api("/api/v1/audit/what-if", { method: "POST", body });
  out.replaceChildren(whatIfList(rows));
}
/**
 * @param {string} date  YYYY-MM-DD, read as the end of that day in Vietnam
 * @param {HTMLElement} out
 */
async function showBoardThen(date, out) {
  /** @type {Schemas["Page_BoardThen_"]} */
  const page = await api(
    `/api/v1/audit/board?as_of=${encodeURIComponent(date + "T23:59:59+07:00")}`,
  );
  out.replaceChildren(...boardThenList(page));
}
