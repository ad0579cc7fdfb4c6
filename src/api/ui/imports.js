// @ts-check
// The province reviewer's import of the poverty review's spreadsheet: preview, then apply.
import { api, day, field, h, render, state, t, toast, formOf } from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["ImportPublic"]} ImportResult */

// --- loading ---------------------------------------------------------------------------------
/** @returns {Promise<Schemas["Page_WaitingImport_"]>} */
function loadWaiting() {
  return api("/api/v1/imports/poverty-figures/waiting");
}

export async function importsPage() {
  const waiting = await loadWaiting();
  const file = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "file",
      id: "import-file",
      required: true,
      accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    })
  );
  const partial = /** @type {HTMLInputElement} */ (
    h("input", { type: "checkbox", id: "import-partial" })
  );
  const out = h("div", { id: "import-result", role: "status" });
  const form = formOf(
    { class: "card" },
    () => {
      preview(form, file, partial, out);
    },
    field(t("imports.file"), file, "file"),
    h("div", { class: "check" }, partial, h("label", { for: partial.id }, t("imports.partial"))),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "import-preview" }, t("imports.preview")),
      h("button", { type: "button", onclick: downloadTemplate }, t("imports.template")),
    ),
  );
  render(
    h("h1", {}, t("imports.title")),
    h("p", { class: "muted" }, t("imports.explain")),
    waitingList(waiting.data, partial, out),
    form,
    out,
  );
}

// --- views -----------------------------------------------------------------------------------
/**
 * The spreadsheets received and not yet imported, each to preview.
 * @param {Schemas["WaitingImport"][]} files
 * @param {HTMLInputElement} partial
 * @param {HTMLElement} out
 */
function waitingList(files, partial, out) {
  if (!files.length) return null;
  return h(
    "div",
    { class: "card" },
    h("h2", {}, t("imports.waiting")),
    h(
      "ul",
      { id: "import-waiting" },
      files.map((f) =>
        h(
          "li",
          {},
          `${f.name} · ${day(f.received_at)} `,
          h(
            "button",
            { type: "button", onclick: () => previewWaiting(f, partial, out) },
            t("imports.preview"),
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {ImportResult} r
 * @param {(() => void) | null} apply  offered when the preview may be applied
 */
function resultView(r, apply) {
  const summary = h(
    "p",
    { class: r.rejected ? "error" : "met" },
    t(r.applied ? "imports.applied" : "imports.checked", {
      rows: r.rows,
      accepted: r.accepted,
      rejected: r.rejected,
    }),
  );
  const errors = r.errors.length
    ? h(
        "table",
        { class: "cards", id: "import-errors" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["imports.row", "imports.column", "imports.reason"].map((k) =>
              h("th", { scope: "col" }, t(k)),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          r.errors.map((e) =>
            h(
              "tr",
              {},
              h("td", {}, e.row),
              h("td", { class: "mono" }, e.column),
              h("td", {}, e.reason),
            ),
          ),
        ),
      )
    : null;
  const applyButton = apply
    ? h(
        "button",
        { type: "button", class: "primary", id: "import-apply", onclick: apply },
        t("imports.apply"),
      )
    : null;
  return [summary, h("p", { class: "muted mono" }, r.file_sha256), errors, applyButton];
}

// --- handlers --------------------------------------------------------------------------------
/**
 * @param {HTMLInputElement} file
 * @param {boolean} dryRun
 * @param {boolean} partial
 * @returns {Promise<ImportResult>}
 */
function send(file, dryRun, partial) {
  const data = new FormData();
  data.append("file", file.files[0]);
  const query = new URLSearchParams({ dry_run: String(dryRun), partial: String(partial) });
  return api(`/api/v1/imports/poverty-figures?${query}`, { method: "POST", form: data });
}
/**
 * @param {HTMLElement} form
 * @param {HTMLInputElement} file
 * @param {HTMLInputElement} partial
 * @param {HTMLElement} out
 */
async function preview(form, file, partial, out) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  try {
    const r = await send(file, true, partial.checked);
    const mayApply = r.accepted > 0 && (r.rejected === 0 || partial.checked);
    out.replaceChildren(...resultView(r, mayApply ? () => apply(file, partial, out) : null));
  } catch (error) {
    out.replaceChildren(h("p", { class: "error" }, error.message));
  }
}
/**
 * @param {HTMLInputElement} file
 * @param {HTMLInputElement} partial
 * @param {HTMLElement} out
 */
async function apply(file, partial, out) {
  try {
    const r = await send(file, false, partial.checked);
    out.replaceChildren(...resultView(r, null));
    if (r.applied) toast(t("saved"));
  } catch (error) {
    out.replaceChildren(h("p", { class: "error" }, error.message));
  }
}
/**
 * @param {Schemas["WaitingImport"]} file
 * @param {boolean} dryRun
 * @param {boolean} partial
 * @returns {Promise<ImportResult>}
 */
function sendWaiting(file, dryRun, partial) {
  const query = new URLSearchParams({ dry_run: String(dryRun), partial: String(partial) });
  return api(`/api/v1/imports/poverty-figures/waiting/${encodeURIComponent(file.name)}?${query}`, {
    method: "POST",
  });
}
/**
 * @param {Schemas["WaitingImport"]} file
 * @param {HTMLInputElement} partial
 * @param {HTMLElement} out
 */
async function previewWaiting(file, partial, out) {
  try {
    const r = await sendWaiting(file, true, partial.checked);
    const mayApply = r.accepted > 0 && (r.rejected === 0 || partial.checked);
    const apply = async () => {
      const applied = await sendWaiting(file, false, partial.checked);
      out.replaceChildren(...resultView(applied, null));
      if (applied.applied) toast(t("saved"));
    };
    out.replaceChildren(...resultView(r, mayApply ? apply : null));
  } catch (error) {
    out.replaceChildren(h("p", { class: "error" }, error.message));
  }
}
async function downloadTemplate() {
  const response = await api("/api/v1/imports/poverty-figures/template.xlsx", { raw: true });
  h("a", {
    href: URL.createObjectURL(await response.blob()),
    download: state.lang === "vi" ? "bieu-mau-so-lieu-ho-ngheo.xlsx" : "poverty-figures.xlsx",
  }).click();
}
