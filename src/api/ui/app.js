// @ts-check
// The web UI: plain ES modules on the public HTTP API. Vietnamese first, English on request.
import {
  api,
  field,
  h,
  has,
  loadLanguage,
  render,
  setRouter,
  state,
  t,
  actions,
  submitButton,
  formOf,
} from "./core.js";
import { boardPage } from "./board.js";
import { nominationPage } from "./nomination.js";
import { tasksPage } from "./tasks.js";
import { councilPage, sessionPage } from "./council.js";
import { auditPage } from "./audit.js";
import { accountsPage, mePage, signOutEverywhereNow } from "./accounts.js";
import { importsPage } from "./imports.js";
import { notificationsPage, ringBell } from "./notifications.js";
import { decisionsPage, submissionPage } from "./decisions.js";
import { awardsPage } from "./awards.js";

// --- sign-in and navigation ------------------------------------------------------------------
function home() {
  if (has("awarding_authority")) return "#/decisions";
  if (has("auditor")) return "#/audit";
  if (has("council_member", "council_secretary")) return "#/council";
  if (has("inspector", "district_reviewer", "province_reviewer")) return "#/tasks";
  return "#/nominations";
}
function navigation() {
  const links = [["#/nominations", "nav.board"]];
  if (has("inspector", "district_reviewer", "province_reviewer"))
    links.push(["#/tasks", "nav.tasks"]);
  if (has("council_member", "council_secretary")) links.push(["#/council", "nav.council"]);
  if (has("province_reviewer", "awarding_authority", "council_secretary", "auditor"))
    links.push(["#/decisions", "nav.decisions"]);
  if (has("province_reviewer", "awarding_authority", "council_secretary", "auditor", "admin"))
    links.push(["#/awards", "nav.awards"]);
  if (has("auditor")) links.push(["#/audit", "nav.audit"]);
  if (has("province_reviewer", "admin")) links.push(["#/imports", "nav.imports"]);
  if (has("admin")) links.push(["#/accounts", "nav.accounts"]);
  links.push(["#/me", "nav.me"]);
  document
    .getElementById("nav")
    .replaceChildren(
      ...(state.me
        ? links.map(([href, key]) =>
            h(
              "a",
              { href, "aria-current": location.hash.startsWith(href) ? "page" : null },
              t(key),
            ),
          )
        : []),
    );
  document.getElementById("who").textContent = state.me ? state.me.display_name : "";
  // On a phone the links fold behind one button instead of wrapping into a column.
  const menu = document.getElementById("menu");
  menu.hidden = !state.me;
  menu.setAttribute("aria-expanded", "false");
  document.querySelector(".bar").classList.remove("open");
  ringBell();
  document.getElementById("logout").hidden = !state.me;
}

function loginPage() {
  const username = h("input", { autocomplete: "username", required: true });
  const password = h("input", {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const form = formOf(
    { class: "card" },
    () => {
      signIn(form, username.value, password.value);
    },
    field(t("login.username"), username, "username"),
    field(t("login.password"), password, "password"),
    actions(submitButton(t("login.submit"))),
  );
  render(h("h1", {}, t("login.title")), form);
}

/**
 * Either way the answer is the same few words: which of name or password was wrong is not said.
 * @param {HTMLElement} form
 * @param {string} username
 * @param {string} password
 */
async function signIn(form, username, password) {
  try {
    /** @type {import("./core.js").Schemas["TokenPublic"]} */
    const token = await api("/api/v1/auth/token", {
      method: "POST",
      form: new URLSearchParams({ username, password }),
    });
    state.token = token.access_token;
    sessionStorage.setItem("token", state.token);
    await loadMe();
    location.hash = home();
  } catch (error) {
    const throttled = error.problem?.status === 429;
    form.querySelector("[data-error-for=password]").textContent = t(
      throttled ? "login.throttled" : "login.failed",
    );
  }
}

// --- routing -----------------------------------------------------------------------------------
async function route() {
  const [path, query = ""] = location.hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  if (!state.token) {
    navigation();
    return loginPage();
  }
  if (!state.me) {
    try {
      await loadMe();
    } catch {
      return;
    }
  }
  navigation();
  const started = location.hash;
  try {
    await page(parts, query);
  } catch (error) {
    render(h("p", { class: "error" }, `${t("error")}: ${error.message}`));
  }
  // A page that loaded slowly may have rendered over a newer one: show the newer one again.
  if (location.hash !== started) await route();
}
/**
 * @param {string[]} parts
 * @param {string} query
 */
async function page(parts, query) {
  if (parts[0] === "nominations" && parts[1]) return await nominationPage(parts[1], query);
  if (parts[0] === "nominations") return await boardPage();
  if (parts[0] === "tasks") return await tasksPage();
  if (parts[0] === "council" && parts[1]) return await sessionPage(parts[1]);
  if (parts[0] === "council") return await councilPage();
  if (parts[0] === "decisions" && parts[1]) return await submissionPage(parts[1]);
  if (parts[0] === "decisions") return await decisionsPage();
  if (parts[0] === "awards") return await awardsPage(new URLSearchParams(query));
  if (parts[0] === "audit") return await auditPage();
  if (parts[0] === "accounts" && has("admin")) return await accountsPage();
  if (parts[0] === "me") return mePage();
  if (parts[0] === "notifications") return await notificationsPage();
  if (parts[0] === "imports" && has("province_reviewer", "admin")) return await importsPage();
  if (parts[0] === "login") return loginPage();
  location.hash = home();
}

document.getElementById("lang").addEventListener("click", async () => {
  await loadLanguage(state.lang === "vi" ? "en" : "vi");
  route();
});
document.getElementById("menu").addEventListener("click", (event) => {
  const bar = document.querySelector(".bar");
  const open = bar.classList.toggle("open");
  /** @type {HTMLElement} */ (event.currentTarget).setAttribute("aria-expanded", String(open));
});
// Signing out ends this session's token on the server too, not just in this browser.
document.getElementById("logout").addEventListener("click", signOutEverywhereNow);
setRouter(route);
window.addEventListener("hashchange", route);
await loadLanguage(state.lang);
route();
// The bell counts again every minute, so work that arrives while a page stays open is seen.
setInterval(() => {
  if (state.me && document.visibilityState === "visible") ringBell();
}, 60_000);

// Who is signed in, and the values the pages offer (stages, outcomes, choices), together.
async function loadMe() {
  [state.me, state.enums] = await Promise.all([api("/api/v1/me"), api("/api/v1/enumerations")]);
}
