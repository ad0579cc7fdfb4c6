// @ts-check
// Accounts: an admin's list (roles, active, password resets) and everyone's own password.
import {
  api,
  cell,
  field,
  h,
  render,
  signOut,
  state,
  submitting,
  t,
  toast,
  actions,
  submitButton,
  formOf,
} from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["AccountPublic"]} Account */

// --- loading ---------------------------------------------------------------------------------
/** @returns {Promise<Schemas["Page_AccountPublic_"]>} */
function loadAccounts() {
  return api("/api/v1/accounts");
}

export async function accountsPage() {
  const page = await loadAccounts();
  render(h("h1", {}, t("accounts.title")), accountsTable(page.data));
}
export function mePage() {
  render(h("h1", {}, t("me.title")), passwordForm(), signOutEverywhere());
}

// --- views -----------------------------------------------------------------------------------
/** @param {Account["roles"]} roles */
function rolesText(roles) {
  return roles.map((r) => (r.scope ? `${r.role}:${r.scope}` : r.role)).join(", ");
}
/** @param {Account[]} accounts */
function accountsTable(accounts) {
  const columns = ["accounts.username", "accounts.roles", "accounts.active", "accounts.password"];
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "cards", id: "accounts" },
      h("thead", {}, h("tr", {}, ...columns.map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, accounts.map(accountRow)),
    ),
  );
}
/** @param {Account} a */
function accountRow(a) {
  const roles = h("input", { value: rolesText(a.roles), "aria-label": t("accounts.roles") });
  const active = /** @type {HTMLInputElement} */ (
    h("input", { type: "checkbox", "aria-label": t("accounts.active") })
  );
  active.checked = a.active;
  const reason = h("input", {
    placeholder: t("accounts.reason"),
    "aria-label": t("accounts.reason"),
  });
  const save = formOf(
    {},
    () => {
      updateAccount(save, a, roles.value, active.checked, reason.value);
    },
    roles,
    h("div", { class: "field-error", "data-error-for": "roles" }),
    h("div", { class: "check" }, active, " ", reason),
    h("button", { type: "submit" }, t("accounts.save")),
  );
  const password = h("input", {
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: "12",
    "aria-label": t("accounts.new_password"),
  });
  const reset = formOf(
    {},
    () => {
      resetPassword(reset, a, password.value);
    },
    password,
    h("div", { class: "field-error", "data-error-for": "password" }),
    h("button", { type: "submit" }, t("accounts.reset")),
  );
  return h(
    "tr",
    { "data-username": a.username },
    cell("accounts.username", {}, a.username, h("div", { class: "muted" }, a.display_name)),
    cell("accounts.roles", {}, save),
    cell("accounts.active", {}, t(a.active ? "accounts.is_active" : "accounts.is_inactive")),
    cell("accounts.password", {}, reset),
  );
}
function passwordForm() {
  const current = h("input", {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const next = h("input", {
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: "12",
  });
  const form = formOf(
    { class: "card" },
    () => {
      changeOwnPassword(form, current.value, next.value);
    },
    h("h2", {}, t("me.change")),
    field(t("me.current"), current, "current_password"),
    field(t("me.new"), next, "new_password"),
    h("p", { class: "muted" }, t("me.policy")),
    actions(submitButton(t("me.change"))),
  );
  return form;
}
function signOutEverywhere() {
  return h(
    "div",
    { class: "card" },
    h("p", {}, t("me.signout_explain")),
    h("button", { type: "button", id: "signout-all", onclick: signOutAll }, t("me.signout_all")),
  );
}

// --- handlers --------------------------------------------------------------------------------
/**
 * @param {string} text  "role" or "role:scope", separated by commas
 * @returns {Schemas["GrantIn"][]}
 */
function parseRoles(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [role, scope] = part.split(":").map((x) => x.trim());
      return { role: /** @type {any} */ (role), scope: scope || null };
    });
}
/**
 * @param {HTMLElement} form
 * @param {Account} a
 * @param {string} roles
 * @param {boolean} active
 * @param {string} reason
 */
function updateAccount(form, a, roles, active, reason) {
  /** @type {Schemas["AccountUpdate"]} */
  const body = { roles: parseRoles(roles), active, reason };
  submitting(form, () =>
    api(`/api/v1/accounts/${encodeURIComponent(a.username)}`, { method: "PATCH", body }),
  );
}
/**
 * @param {HTMLElement} form
 * @param {Account} a
 * @param {string} password
 */
function resetPassword(form, a, password) {
  submitting(form, () =>
    api(`/api/v1/accounts/${encodeURIComponent(a.username)}/password`, {
      method: "POST",
      body: { password },
    }),
  );
}
/**
 * Every earlier token stops working, this one included: sign in again with the new password.
 * @param {HTMLElement} form
 * @param {string} current
 * @param {string} next
 */
function changeOwnPassword(form, current, next) {
  submitting(form, async () => {
    await api("/api/v1/me/password", {
      method: "POST",
      body: { current_password: current, new_password: next },
    });
    toast(t("me.changed"));
    signOut();
  });
}
async function signOutAll() {
  await signOutEverywhereNow();
}
/** Revokes every token of the caller's, then forgets this one. */
export async function signOutEverywhereNow() {
  if (state.token) {
    try {
      await api("/api/v1/auth/logout", { method: "POST" });
    } catch {
      // Signed out already, or the server is away: this browser forgets its token anyway.
    }
  }
  signOut();
}
