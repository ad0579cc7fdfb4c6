// @ts-check
// The bell: what is waiting for the signed-in person, newest first; reading is theirs alone.
import { after, api, day, dueIn, h, moment, render, state, t } from "./core.js";

/** @typedef {import("./core.js").Schemas} Schemas */
/** @typedef {Schemas["NoticePublic"]} Notice */

/** @returns {Promise<Schemas["NoticesPublic"]>} */
function loadNotices(limit = 50) {
  return api(after(`/api/v1/notifications?limit=${limit}`));
}

/** The bell in the header: how many notices are unread, said in words for screen readers. */
export async function ringBell() {
  const bell = document.getElementById("bell");
  if (!state.me) {
    bell.hidden = true;
    return;
  }
  bell.hidden = false;
  let unread = 0;
  try {
    unread = (await loadNotices(1)).unread;
  } catch {
    // The bell is a convenience: a failed count leaves it without a number, the page says why.
  }
  const badge = document.getElementById("bell-count");
  badge.textContent = unread ? String(unread) : "";
  badge.hidden = !unread;
  bell.setAttribute("aria-label", t("notice.bell", { n: String(unread) }));
  bell.setAttribute("aria-current", location.hash.startsWith("#/notifications") ? "page" : "false");
}

export async function notificationsPage() {
  const notices = await loadNotices();
  render(
    h("h1", {}, t("notice.title")),
    h(
      "p",
      { id: "notice-summary" },
      t("notice.summary", { n: String(notices.count), unread: String(notices.unread) }),
    ),
    notices.unread
      ? h(
          "div",
          { class: "actions" },
          h("button", { type: "button", id: "read-all", onclick: readAll }, t("notice.read_all")),
        )
      : null,
    notices.data.length
      ? h("ol", { id: "notices", class: "notices" }, notices.data.map(noticeItem))
      : h("p", {}, t("notice.none")),
  );
}

/** @param {Notice} n */
function noticeItem(n) {
  const link = h(
    "a",
    { href: target(n), onclick: () => markRead([n.id]) },
    t(`notice.${n.kind}`, { subject: n.subject }),
  );
  return h(
    "li",
    { class: n.read ? "read" : "unread", "data-kind": n.kind },
    n.read ? link : h("strong", {}, link),
    n.read ? null : h("span", { class: "visually-hidden" }, ` (${t("notice.unread")})`),
    h(
      "div",
      { class: "muted" },
      moment(n.created_at),
      n.due_on
        ? ` · ${t("board.due")} ${day(n.due_on)} (${dueIn(n.due_on, n.working_days_left)})`
        : "",
    ),
    n.detail ? h("blockquote", {}, n.detail) : null,
  );
}

/**
 * Where a notice leads: the session to vote in, the task to take, the dossier to read.
 * @param {Notice} n
 */
function target(n) {
  if (["recommended", "submission", "decided"].includes(n.kind)) return "#/decisions";
  if (n.session_id) return `#/council/${n.session_id}`;
  if (n.kind === "visit" || n.kind === "review") return "#/tasks";
  return n.nomination_id ? `#/nominations/${n.nomination_id}` : "#/";
}

/** @param {string[]} ids */
async function markRead(ids) {
  try {
    await api("/api/v1/notifications/read", { method: "POST", body: { ids } });
  } finally {
    ringBell();
  }
}
async function readAll() {
  await api("/api/v1/notifications/read-all", { method: "POST" });
  await notificationsPage();
  ringBell();
}
