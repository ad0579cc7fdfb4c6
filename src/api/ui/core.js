// @ts-check
// Shared by every page: state, translations, formatting, DOM helpers and the API client.
const main = document.getElementById("main");
/**
 * @typedef {{ token: string | null, me: Schemas["MePublic"] | null,
 *   enums: Schemas["Enumerations"] | null, lang: string, text: Record<string, string>,
 *   after: number, boardFilters?: import("./board.js").Filters }} UiState
 */
/** @type {UiState} */
export const state = {
  token: sessionStorage.getItem("token"),
  me: null,
  enums: null,
  lang: localStorage.getItem("lang") || "vi",
  text: {},
  after: 0,
};
// Read-your-writes: reads of the views wait until they have applied our last write.
export const after = (path) => `${path}${path.includes("?") ? "&" : "?"}after=${state.after}`;

// --- i18n and formatting -------------------------------------------------------------------
export async function loadLanguage(lang) {
  state.lang = lang;
  localStorage.setItem("lang", lang);
  state.text = await (await fetch(`/ui/i18n/${lang}.json`)).json();
  document.documentElement.lang = lang;
  // The switch names the other language in that language, as language pickers do.
  const other = document.getElementById("lang");
  other.textContent = t("lang.other");
  other.lang = lang === "vi" ? "en" : "vi";
  for (const el of document.querySelectorAll("[data-i18n]"))
    el.textContent = t(el.getAttribute("data-i18n"));
  for (const el of document.querySelectorAll("[data-i18n-label]"))
    el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
}
export function t(key, values = {}) {
  let text = state.text[key] ?? key;
  for (const [k, v] of Object.entries(values)) text = text.replace(`{${k}}`, v);
  return text;
}
export const locale = () => (state.lang === "vi" ? "vi-VN" : "en-GB");
// An instant as Vietnam's wall clock shows it: deadlines and records are kept in its time.
export function moment(iso) {
  return new Date(iso).toLocaleString(locale(), { timeZone: "Asia/Ho_Chi_Minh" });
}
export function day(iso) {
  if (!iso) return "—";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}
// The user's own calendar day as YYYY-MM-DD (toISOString would give the UTC day).
// The business date is Vietnam's, whatever the browser's time zone (as the API's clock).
export function today() {
  return new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Ho_Chi_Minh" });
}
export function number(n) {
  return n == null ? "—" : new Intl.NumberFormat(locale()).format(n);
}
export function percent(n, d) {
  return d
    ? new Intl.NumberFormat(locale(), {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }).format((100 * n) / d) + " %"
    : "—";
}
/**
 * How long until a due date, in working days when the API counted them (Vietnam's calendar,
 * with Tết and make-up days), else in calendar days.
 * @param {string | null | undefined} iso
 * @param {number | null | undefined} [working]
 */
export function dueIn(iso, working) {
  if (working == null) return daysLeft(iso);
  if (working === 0) return t("work_days_today");
  return working > 0 ? t("work_days_left", { n: working }) : t("work_days_over", { n: -working });
}
export function daysLeft(iso) {
  if (!iso) return "";
  const due = new Date(`${String(iso).slice(0, 10)}T23:59:59+07:00`);
  const days = Math.ceil((due.getTime() - Date.now()) / 86400000);
  return days >= 0 ? t("days_left", { n: days }) : t("days_over", { n: -days });
}

// --- DOM helpers ---------------------------------------------------------------------------
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat())
    if (child != null) el.append(child.nodeType ? child : String(child));
  return el;
}
// A table cell that names its column, so narrow screens can show rows as cards.
export function cell(key, attrs, ...content) {
  return h("td", { ...attrs, "data-label": t(key) }, ...content);
}
export function field(label, input, name) {
  input.id ||= `f-${name}`;
  input.name = name;
  return h(
    "div",
    {},
    h("label", { for: input.id }, label),
    input,
    h("div", { class: "field-error", "data-error-for": name }),
  );
}
// A form whose submit runs `onSubmit` in place of the browser's navigation.
/**
 * @param {Record<string, unknown>} attrs
 * @param {() => void} onSubmit
 * @param {...unknown} children
 * @returns {HTMLFormElement}
 */
export function formOf(attrs, onSubmit, ...children) {
  const onsubmit = (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    onSubmit();
  };
  return /** @type {HTMLFormElement} */ (h("form", { ...attrs, onsubmit }, ...children));
}
/** @param {...unknown} buttons */
export function actions(...buttons) {
  return h("div", { class: "actions" }, ...buttons);
}
/** @param {string} label */
export function submitButton(label) {
  return h("button", { class: "primary", type: "submit" }, label);
}
// A part of a page that failed to load says so in place; the rest of the page still shows.
/**
 * @template T
 * @param {Promise<T>} promise
 * @returns {Promise<Loaded<T>>}
 */
export async function orFailure(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
export function failed(what, error) {
  return h(
    "p",
    { class: "error", role: "alert" },
    t("load.failed", { what, reason: error.message }),
  );
}
export function toast(message) {
  const box = document.getElementById("toast");
  const p = h("p", {}, message);
  box.append(p);
  setTimeout(() => p.remove(), 4000);
}
// A PDF the API issues, saved under a name; a refusal says why in a toast.
/**
 * @param {string} path
 * @param {string} filename
 */
export async function download(path, filename) {
  try {
    const response = await api(path, { raw: true });
    h("a", { href: URL.createObjectURL(await response.blob()), download: filename }).click();
  } catch (error) {
    toast(`${t("error")}: ${error.message}`);
  }
}
export function render(...nodes) {
  main.replaceChildren(...nodes.flat().filter((node) => node != null));
  main.focus();
}

// --- the API -------------------------------------------------------------------------------
// Every shape the API answers with is typed in api.d.ts, generated from its OpenAPI document.
/** @typedef {import("./api").components["schemas"]} Schemas */
/**
 * @template T
 * @typedef {{ value: T, error?: undefined } | { value?: undefined, error: Error }} Loaded
 *   A part of a page that loaded, or the error that says why not.
 */
/**
 * @typedef {{ field: string, reason: string }} FieldError
 * @typedef {{ status?: number, title?: string, detail?: string, field?: string,
 *   errors?: FieldError[], outcome?: string, criterion_vi?: string,
 *   criterion_en?: string }} Problem  An application/problem+json answer.
 * @typedef {Error & { problem?: Problem | null }} ProblemError
 * @typedef {{ method?: string, body?: unknown, form?: URLSearchParams | FormData,
 *   raw?: boolean }} ApiOptions
 */
/**
 * One call to the API: JSON in and out, the caller's token, an idempotency key on writes.
 * @param {string} path
 * @param {ApiOptions} [options]
 * @returns {Promise<any>} the decoded answer, or the Response itself with ``raw``
 */
export async function api(path, { method = "GET", body, form, raw } = {}) {
  const headers = { Accept: "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["Idempotency-Key"] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: payload });
  if (response.status === 401 && path !== "/api/v1/auth/token") {
    signOut();
    throw new Error(t("login.failed"));
  }
  if (raw && response.ok) return response;
  const data = response.headers.get("content-type")?.includes("json")
    ? await response.json()
    : null;
  if (!response.ok) {
    const error = /** @type {ProblemError} */ (new Error(problemText(data) || response.statusText));
    error.problem = data;
    throw error;
  }
  if (method !== "GET" && data && Number.isInteger(data.position))
    state.after = Math.max(state.after, data.position);
  return data;
}
/**
 * A refusal in the reader's language where the API says what blocked it (a criterion by
 * its name, never its code); otherwise the API's own words.
 * @param {Problem | null | undefined} p
 */
export function problemText(p) {
  if (!p) return "";
  const criterion = state.lang === "vi" ? p.criterion_vi : p.criterion_en;
  if (p.outcome === "open_visit") return t("problem.open_visit");
  if (p.outcome && criterion) return t(`problem.${p.outcome}`, { criterion });
  return p.detail || "";
}
/**
 * The one error path: each problem by its field when the form has one, the rest in a toast.
 * @param {HTMLElement | null} form
 * @param {ProblemError} error
 */
function showErrors(form, error) {
  if (form) for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  const problems =
    error.problem?.errors ||
    (error.problem?.field ? [{ field: error.problem.field, reason: error.problem.detail }] : []);
  let shown = false;
  for (const p of problems) {
    const name = String(p.field).split(".").pop();
    const head = String(p.field).split(".")[0];
    const exact =
      form?.querySelector(`[data-error-for="${name}"]`) ||
      form?.querySelector(`[data-error-for="${p.field}"]`);
    const slot = exact || form?.querySelector(`[data-error-for="${head}"]`);
    if (slot) {
      slot.textContent = exact ? p.reason : `${p.field}: ${p.reason}`;
      shown = true;
    }
  }
  if (!shown) toast(`${t("error")}: ${error.message}`);
}
/**
 * A write from a form (or, with no form, a button): saved and the page refreshed, or its
 * problems shown by the fields they name.
 * @param {HTMLElement | null} form
 * @param {() => Promise<unknown>} action
 */
export async function submitting(form, action) {
  try {
    await action();
    toast(t("saved"));
    await refresh();
  } catch (error) {
    showErrors(form, error);
  }
}
// A form that asks rather than changes: its answer stays on the page, its errors by the fields.
/**
 * @param {HTMLElement | null} form
 * @param {() => Promise<unknown>} action
 */
export async function asking(form, action) {
  if (form) for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  try {
    await action();
  } catch (error) {
    showErrors(form, error);
  }
}

// --- the signed-in user --------------------------------------------------------------------------
export function signOut() {
  state.token = null;
  state.me = null;
  sessionStorage.removeItem("token");
  location.hash = "#/login";
}
export const has = (...roles) => state.me?.roles.some((r) => roles.includes(r.role));

// Pages re-render through the router after a write; the router registers itself here.
let router = async () => {};
export function setRouter(fn) {
  router = fn;
}
export function refresh() {
  return router();
}
