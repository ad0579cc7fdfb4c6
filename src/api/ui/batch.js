// @ts-check
// Several commands in one request: each item has its own key and its own result, shown per row.
import { api, h, problemText, state, t } from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */

/**
 * @param {Omit<Schemas["BatchItemIn"], "key">[]} items
 * @returns {Promise<Schemas["BatchOut"]>}
 */
async function runBatch(items) {
  // One key per item and attempt: a retry of this request is answered as the first was.
  const attempt = crypto.randomUUID();
  /** @type {Schemas["BatchIn"]} */
  const body = {
    items: items.map((item, i) => ({ ...item, key: `ui-${attempt}-${i}` })),
  };
  /** @type {Schemas["BatchOut"]} */
  const out = await api("/api/v1/batches", { method: "POST", body });
  // Read-your-writes: the views the page reloads wait for the last item's write.
  for (const r of out.results)
    if (r.result?.position != null) state.after = Math.max(state.after, r.result.position);
  return out;
}

/**
 * A batch from a form of selected rows: nothing selected is said by the form; otherwise the
 * items run and ``show`` draws the page again with each one's result.
 * @param {HTMLElement} form  with a ``data-error-for="items"`` slot
 * @param {Omit<Schemas["BatchItemIn"], "key">[]} items
 * @param {(out: Schemas["BatchOut"]) => Promise<void>} show
 */
export async function submitBatch(form, items, show) {
  const slot = form.querySelector('[data-error-for="items"]');
  slot.textContent = items.length ? "" : t("batch.none_selected");
  if (!items.length) return;
  try {
    await show(await runBatch(items));
  } catch (error) {
    slot.textContent = `${t("error")}: ${error.message}`;
  }
}

/**
 * Each dossier's result on its own row, failures with their reason.
 * @param {Schemas["BatchOut"]} out
 * @param {Record<string, string>} names  the unit's name by nomination id
 */
export function batchResults(out, names) {
  return h(
    "div",
    { id: "batch-results", role: "status" },
    h("p", {}, t("batch.summary", { ok: String(out.succeeded), failed: String(out.failed) })),
    h(
      "table",
      { class: "cards" },
      h("caption", {}, t("batch.results")),
      h(
        "tbody",
        {},
        out.results.map((r) =>
          h(
            "tr",
            { "data-nomination": r.nomination_id, class: r.ok ? "batch-ok" : "batch-failed" },
            h("th", { scope: "row" }, names[r.nomination_id] ?? r.nomination_id),
            h(
              "td",
              { class: r.ok ? "met" : "not_met" },
              r.ok ? t("batch.done") : t("batch.refused", { reason: problemText(r.error) }),
            ),
          ),
        ),
      ),
    ),
  );
}
