// @ts-check
// Council sessions: the secretary's agenda and the members' ballots.
import {
  after,
  api,
  day,
  failed,
  field,
  h,
  has,
  orFailure,
  refresh,
  render,
  state,
  submitting,
  t,
  toast,
} from "./core.js";

export async function councilPage() {
  const sessions = await api(after("/api/v1/council/sessions"));
  const parts = [
    h("h1", {}, t("council.title")),
    sessions.data.length
      ? h(
          "ul",
          {},
          sessions.data.map((s) =>
            h(
              "li",
              {},
              h("a", { href: `#/council/${s.session_id}` }, s.title),
              ` · ${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`,
            ),
          ),
        )
      : h("p", {}, t("nom.none")),
  ];
  if (has("council_secretary")) {
    const title = h("input", { required: true });
    const date = h("input", { type: "date", required: true });
    const members = h("textarea", { required: true });
    const form = h(
      "form",
      {
        class: "card",
        onsubmit: (e) => {
          e.preventDefault();
          submitting(form, async () => {
            const made = await api("/api/v1/council/sessions", {
              method: "POST",
              body: {
                title: title.value,
                scheduled_for: date.value,
                members: members.value.split(/\s+/).filter(Boolean),
                award_form: "bang-khen-tinh",
              },
            });
            location.hash = `#/council/${made.id}`;
          });
        },
      },
      h("h2", {}, t("council.new")),
      field(t("council.session_title"), title, "title"),
      field(t("council.date"), date, "scheduled_for"),
      field(t("council.members"), members, "members"),
      h(
        "div",
        { class: "actions" },
        h("button", { class: "primary", type: "submit" }, t("council.new")),
      ),
    );
    parts.push(form);
  }
  render(...parts);
}
export async function sessionPage(id) {
  const s = await api(`/api/v1/council/sessions/${id}`);
  const me = state.me.username;
  const parts = [
    h("h1", {}, s.title),
    h("p", { id: "session-state" }, `${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`),
  ];
  // Every item's nomination loads at once; one that fails says so on its card.
  const loaded = await Promise.all(
    s.items.map((item) => orFailure(api(`/api/v1/nominations/${item.nomination_id}`))),
  );
  for (const [index, item] of s.items.entries()) {
    const n = loaded[index].value;
    const card = h(
      "div",
      { class: "card item" },
      h(
        "h2",
        {},
        h(
          "a",
          { href: `#/nominations/${item.nomination_id}` },
          n ? n.unit_name : item.nomination_id,
        ),
      ),
      loaded[index].error ? failed(t("council.item"), loaded[index].error) : null,
      h("p", {}, `${t("council.voted")}: ${item.voted.length}/${s.members.length}`),
    );
    if (has("council_secretary"))
      card.append(
        h(
          "p",
          { class: "muted" },
          `${t("council.not_voted")}: ${item.not_voted.join(", ") || "—"}`,
        ),
      );
    if (item.tally)
      card.append(
        h(
          "p",
          { class: "tally" },
          t("council.tally", item.tally),
          " — ",
          h("strong", {}, t(`outcome.${item.outcome}`)),
        ),
      );
    else if (s.state === "open" && s.members.includes(me)) {
      if (item.voted.includes(me)) card.append(h("p", { class: "voted" }, t("council.you_voted")));
      else
        card.append(
          h(
            "div",
            { class: "actions" },
            ...state.enums.choices.map((choice) =>
              h(
                "button",
                {
                  type: "button",
                  "data-choice": choice,
                  onclick: async () => {
                    if (!confirm(t("council.confirm", { choice: t(`choice.${choice}`) }))) return;
                    try {
                      await api(`/api/v1/council/sessions/${id}/votes`, {
                        method: "POST",
                        body: { nomination_id: item.nomination_id, choice },
                      });
                      toast(t("council.you_voted"));
                      refresh();
                    } catch (e) {
                      toast(e.message);
                    }
                  },
                },
                t(`choice.${choice}`),
              ),
            ),
          ),
        );
    }
    parts.push(card);
  }
  if (has("council_secretary") && s.state !== "closed") {
    const controls = h("div", { class: "actions" });
    if (s.state === "draft") {
      const board = await api(after("/api/v1/nominations?stage=council&limit=200"));
      const pick = h(
        "select",
        { id: "agenda-pick" },
        ...board.data
          .filter((r) => !s.items.some((i) => i.nomination_id === r.nomination_id))
          .map((r) => h("option", { value: r.nomination_id }, `${r.unit_name} (${r.unit_code})`)),
      );
      const add = h(
        "form",
        {
          class: "card",
          onsubmit: (e) => {
            e.preventDefault();
            submitting(add, () =>
              api(`/api/v1/council/sessions/${id}/agenda`, {
                method: "POST",
                body: { nomination_id: pick.value },
              }),
            );
          },
        },
        h("h2", {}, t("council.agenda")),
        field(t("council.agenda"), pick, "nomination_id"),
        h("div", { class: "actions" }, h("button", { type: "submit" }, t("council.add"))),
      );
      parts.push(add);
      controls.append(
        h(
          "button",
          { type: "button", class: "primary", id: "open-session", onclick: () => act("open") },
          t("council.open"),
        ),
      );
    } else {
      controls.append(
        h(
          "button",
          {
            type: "button",
            class: "primary",
            id: "close-session",
            onclick: () => act("close", {}),
          },
          t("council.close"),
        ),
      );
    }
    parts.push(controls);
  }
  async function act(what, body) {
    try {
      await api(`/api/v1/council/sessions/${id}/${what}`, { method: "POST", body });
      toast(t("saved"));
      refresh();
    } catch (e) {
      toast(e.message);
    }
  }
  render(...parts);
}
