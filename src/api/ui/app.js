// The web UI: plain ES modules on the public HTTP API. Vietnamese first, English on request.
const main = document.getElementById("main");
const state = { token: sessionStorage.getItem("token"), me: null, lang: localStorage.getItem("lang") || "vi", text: {}, after: 0 };
// Read-your-writes: reads of the views wait until they have applied our last write.
const after = (path) => `${path}${path.includes("?") ? "&" : "?"}after=${state.after}`;

// --- i18n and formatting -------------------------------------------------------------------
async function loadLanguage(lang) {
  state.lang = lang;
  localStorage.setItem("lang", lang);
  state.text = await (await fetch(`/ui/i18n/${lang}.json`)).json();
  document.documentElement.lang = lang;
  // The switch names the other language in that language, as language pickers do.
  const other = document.getElementById("lang");
  other.textContent = t("lang.other");
  other.lang = lang === "vi" ? "en" : "vi";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
function t(key, values = {}) {
  let text = state.text[key] ?? key;
  for (const [k, v] of Object.entries(values)) text = text.replace(`{${k}}`, v);
  return text;
}
const locale = () => (state.lang === "vi" ? "vi-VN" : "en-GB");
function day(iso) {
  if (!iso) return "—";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}
// The user's own calendar day as YYYY-MM-DD (toISOString would give the UTC day).
function today() { return new Date().toLocaleDateString("sv-SE"); }
function number(n) { return n == null ? "—" : new Intl.NumberFormat(locale()).format(n); }
function percent(n, d) { return d ? new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format((100 * n) / d) + " %" : "—"; }
function daysLeft(iso) {
  if (!iso) return "";
  const due = new Date(`${String(iso).slice(0, 10)}T23:59:59+07:00`);
  const days = Math.ceil((due - Date.now()) / 86400000);
  return days >= 0 ? t("days_left", { n: days }) : t("days_over", { n: -days });
}

// --- DOM helpers ---------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) if (child != null) el.append(child.nodeType ? child : String(child));
  return el;
}
function field(label, input, name) {
  input.id ||= `f-${name}`;
  input.name = name;
  return h("div", {}, h("label", { for: input.id }, label), input, h("div", { class: "field-error", "data-error-for": name }));
}
function toast(message) {
  const box = document.getElementById("toast");
  const p = h("p", {}, message);
  box.append(p);
  setTimeout(() => p.remove(), 4000);
}
function render(...nodes) {
  main.replaceChildren(...nodes.filter((node) => node != null));
  main.focus();
}

// --- the API -------------------------------------------------------------------------------
async function api(path, { method = "GET", body, form, raw } = {}) {
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
  if (raw) return response;
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error(data?.detail || response.statusText);
    error.problem = data;
    throw error;
  }
  if (method !== "GET" && data && Number.isInteger(data.position)) state.after = Math.max(state.after, data.position);
  return data;
}
function showErrors(form, error) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  const problems = error.problem?.errors || (error.problem?.field ? [{ field: error.problem.field, reason: error.problem.detail }] : []);
  let shown = false;
  for (const p of problems) {
    const name = String(p.field).split(".").pop();
    const head = String(p.field).split(".")[0];
    const exact = form.querySelector(`[data-error-for="${name}"]`) || form.querySelector(`[data-error-for="${p.field}"]`);
    const slot = exact || form.querySelector(`[data-error-for="${head}"]`);
    if (slot) { slot.textContent = exact ? p.reason : `${p.field}: ${p.reason}`; shown = true; }
  }
  if (!shown) toast(`${t("error")}: ${error.message}`);
}
async function submitting(form, action) {
  try { await action(); toast(t("saved")); await route(); } catch (error) { showErrors(form, error); }
}

// --- sign-in and navigation ------------------------------------------------------------------
function signOut() {
  state.token = null;
  state.me = null;
  sessionStorage.removeItem("token");
  location.hash = "#/login";
}
const has = (...roles) => state.me?.roles.some((r) => roles.includes(r.role));
function home() {
  if (has("auditor")) return "#/audit";
  if (has("council_member", "council_secretary")) return "#/council";
  if (has("inspector", "district_reviewer", "province_reviewer")) return "#/tasks";
  return "#/nominations";
}
function navigation() {
  const links = [["#/nominations", "nav.board"]];
  if (has("inspector", "district_reviewer", "province_reviewer")) links.push(["#/tasks", "nav.tasks"]);
  if (has("council_member", "council_secretary")) links.push(["#/council", "nav.council"]);
  if (has("auditor")) links.push(["#/audit", "nav.audit"]);
  document.getElementById("nav").replaceChildren(
    ...(state.me ? links.map(([href, key]) => h("a", { href, "aria-current": location.hash.startsWith(href) ? "page" : null }, t(key))) : []),
  );
  document.getElementById("who").textContent = state.me ? state.me.display_name : "";
  document.getElementById("logout").hidden = !state.me;
}

function loginPage() {
  const username = h("input", { autocomplete: "username", required: true });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true });
  const form = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const data = await api("/api/v1/auth/token", { method: "POST", form: new URLSearchParams({ username: username.value, password: password.value }) });
      state.token = data.access_token;
      sessionStorage.setItem("token", state.token);
      state.me = await api("/api/v1/me");
      location.hash = home();
    } catch (error) {
      form.querySelector("[data-error-for=password]").textContent = t("login.failed");
    }
  } },
  field(t("login.username"), username, "username"),
  field(t("login.password"), password, "password"),
  h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("login.submit"))));
  render(h("h1", {}, t("login.title")), form);
}

// --- the board -----------------------------------------------------------------------------
async function boardPage() {
  const filters = state.boardFilters ||= { stage: "", district: "", cycle: "", overdue: false };
  const query = new URLSearchParams({ limit: "200" });
  for (const key of ["stage", "district", "cycle"]) if (filters[key]) query.set(key, filters[key]);
  if (filters.overdue) query.set("overdue", "true");
  const page = await api(after(`/api/v1/nominations?${query}`));
  const cell = (key, attrs, ...content) => h("td", { ...attrs, "data-label": t(key) }, ...content);
  const rows = page.data.map((n) => h("tr", {},
    cell("board.unit", {}, h("a", { href: `#/nominations/${n.nomination_id}` }, n.unit_name), h("div", { class: "muted" }, n.unit_code)),
    cell("board.form", {}, t(`form.${n.award_form}`)),
    cell("board.cycle", {}, n.cycle_year),
    cell("board.stage", {}, t(`stage.${n.stage}`)),
    cell("board.due", { class: n.overdue ? "overdue" : "" }, day(n.due_on), n.due_on ? h("div", { class: "muted" }, daysLeft(n.due_on)) : null),
    cell("board.outcome", {}, n.outcome ? t(`outcome.${n.outcome}`) : "—")));
  const table = rows.length
    ? h("div", { class: "scroll" }, h("table", { class: "cards" }, h("thead", {}, h("tr", {}, ...["board.unit", "board.form", "board.cycle", "board.stage", "board.due", "board.outcome"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows)))
    : h("p", {}, t("board.empty"));
  const parts = [h("h1", {}, t("board.title")), boardFilterForm(filters), table];
  if (has("unit_officer")) parts.push(newNominationForm());
  render(...parts);
}
function boardFilterForm(filters) {
  const stages = ["collecting", "district_review", "province_review", "public_notice", "council", "decided", "closed"];
  const stage = h("select", { id: "q-stage" }, h("option", { value: "" }, t("board.any")), ...stages.map((s) => h("option", { value: s }, t(`stage.${s}`))));
  const district = h("input", { id: "q-district", value: filters.district, maxlength: "64" });
  const cycle = h("input", { id: "q-cycle", type: "number", min: "2000", max: "2100", value: filters.cycle });
  const overdue = h("input", { id: "q-overdue", type: "checkbox" });
  stage.value = filters.stage;
  overdue.checked = filters.overdue;
  return h("form", { class: "filters", role: "search", onsubmit: (event) => {
    event.preventDefault();
    state.boardFilters = { stage: stage.value, district: district.value.trim(), cycle: cycle.value, overdue: overdue.checked };
    boardPage();
  } },
  field(t("board.stage"), stage, "stage"), field(t("board.district"), district, "district"), field(t("board.cycle"), cycle, "cycle"),
  h("div", { class: "check" }, overdue, h("label", { for: overdue.id }, t("board.overdue_only"))),
  h("div", { class: "actions" }, h("button", { type: "submit" }, t("board.filter"))));
}
function newNominationForm() {
  const unit = h("input", { required: true });
  const form = h("select", {}, ...["bang-khen-tinh", "co-thi-dua-tinh", "giay-khen-huyen"].map((f) => h("option", { value: f }, t(`form.${f}`))));
  const cycle = h("input", { type: "number", value: "2025", min: "2023", max: "2025" });
  const el = h("form", { class: "card", onsubmit: (event) => {
    event.preventDefault();
    submitting(el, async () => {
      const made = await api("/api/v1/nominations", { method: "POST", body: { unit_code: unit.value.trim(), award_form: form.value, cycle_year: Number(cycle.value) } });
      location.hash = `#/nominations/${made.id}`;
    });
  } }, h("h2", {}, t("board.new")), field(t("board.unit_code"), unit, "unit_code"), field(t("board.form"), form, "award_form"), field(t("board.cycle"), cycle, "cycle_year"),
  h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("board.new"))));
  return el;
}

// --- a nomination ------------------------------------------------------------------------------
function chart(stats) {
  const years = Object.keys(stats).sort();
  if (!years.length) return null;
  const max = Math.max(...years.map((y) => stats[y].poor_households), 1);
  const width = 520, height = 200, left = 40, bar = (width - left - 20) / years.length;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("nom.statistics"));
  years.forEach((y, i) => {
    const s = stats[y];
    const h2 = ((height - 50) * s.poor_households) / max;
    const rect = document.createElementNS(svg.namespaceURI, "rect");
    Object.entries({ x: left + i * bar + 8, y: height - 30 - h2, width: bar - 16, height: h2, fill: "#b3121b" }).forEach(([k, v]) => rect.setAttribute(k, v));
    const label = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({ x: left + i * bar + bar / 2, y: height - 12, "text-anchor": "middle", "font-size": "12" }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = y;
    const value = document.createElementNS(svg.namespaceURI, "text");
    Object.entries({ x: left + i * bar + bar / 2, y: height - 34 - h2, "text-anchor": "middle", "font-size": "11" }).forEach(([k, v]) => value.setAttribute(k, v));
    value.textContent = `${number(s.poor_households)} · ${percent(s.poor_households, s.total_households)}`;
    svg.append(rect, label, value);
  });
  return svg;
}
function statsTable(stats) {
  const years = Object.keys(stats).sort();
  if (!years.length) return h("p", {}, t("nom.none"));
  return h("div", { class: "scroll" }, h("table", {},
    h("thead", {}, h("tr", {}, ...["nom.year", "nom.households", "nom.poor", "nom.near_poor", "nom.rate"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, years.map((y) => { const s = stats[y]; return h("tr", {}, h("td", {}, y), h("td", {}, number(s.total_households)), h("td", {}, number(s.poor_households)), h("td", {}, number(s.near_poor_households)), h("td", {}, percent(s.poor_households, s.total_households))); }))));
}
function checksTable(checks) {
  if (!checks.length) return h("p", {}, t("nom.none"));
  return h("div", { class: "scroll" }, h("table", {},
    h("thead", {}, h("tr", {}, ...["nom.criterion", "nom.outcome", "nom.basis", "nom.threshold", "nom.rule_set", "nom.explanation"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, checks.map((c) => h("tr", {},
      h("td", {}, c.criterion_id),
      h("td", { class: c.outcome }, t(`outcome.${c.outcome}`)),
      h("td", {}, t(`basis.${c.basis}`)),
      h("td", { class: "mono" }, c.threshold),
      h("td", {}, `${c.rule_set.id} v${c.rule_set.version}`, h("div", { class: "mono muted" }, c.rule_set.digest.slice(0, 16) + "…")),
      h("td", {}, state.lang === "vi" ? c.explanation.vi : c.explanation.en))))));
}
async function nominationPage(id, query) {
  const params = new URLSearchParams(query);
  const n = await api(`/api/v1/nominations/${id}${params.toString() ? "?" + params : ""}`);
  const history = await api(`/api/v1/nominations/${id}/events`).catch(() => ({ data: [] }));
  const parts = [
    h("h1", {}, `${n.unit_name}`),
    h("p", {}, `${t(`form.${n.award_form}`)} · ${t("board.cycle")} ${n.cycle_year} · `, h("strong", { id: "stage" }, t(`stage.${n.stage}`)),
      n.outcome ? ` · ${t(`outcome.${n.outcome}`)}` : "", n.due_at ? ` · ${t("board.due")} ${day(n.due_at)} (${daysLeft(n.due_at)})` : ""),
  ];
  if (params.toString()) parts.push(h("p", { class: "muted", id: "travel-note" }, `${t("nom.travel")}: ${t("nom.version")} ${n.version}`));
  if (n.requested_changes) parts.push(h("div", { class: "card", id: "requested-changes" }, h("h2", {}, t("nom.requested")), n.requested_changes));
  if (n.stage === "collecting" && !params.toString()) {
    const preview = await api(`/api/v1/nominations/${id}/checks-preview`).catch(() => ({ data: [] }));
    parts.push(h("h2", {}, t("nom.preview")), h("ul", { id: "preview" }, preview.data.map((c) => h("li", {}, h("span", { class: c.outcome }, t(`outcome.${c.outcome}`)), ` — ${c.criterion_id}: ${state.lang === "vi" ? c.explanation.vi : c.explanation.en}`))));
  }
  if (n.decision) parts.push(h("div", { class: "card" }, h("h2", {}, t("nom.decision")), `${t(`outcome.${n.decision.outcome}`)} — ${n.decision.decision_number || ""} ${day(n.decision.decision_date)}`));
  parts.push(h("h2", {}, t("nom.statistics")), statsTable(n.statistics), chart(n.statistics));
  parts.push(h("h2", {}, t("nom.checks")), checksTable(n.checks));
  parts.push(h("h2", {}, t("nom.evidence")), Object.keys(n.evidence).length ? h("ul", {}, Object.entries(n.evidence).map(([sha, e]) => h("li", {}, e.filename, " ", h("span", { class: "mono" }, sha)))) : h("p", {}, t("nom.none")));
  parts.push(h("h2", {}, t("nom.visits")), Object.keys(n.visits).length ? h("ul", {}, Object.entries(n.visits).map(([vid, v]) => h("li", {}, `${v.team_id} · ${day(v.due_on)} · ${t(`visit.${v.state}`)}`, v.findings ? ` — ${v.findings}` : "", v.discrepancies ? discrepancyTable(v.discrepancies) : null))) : h("p", {}, t("nom.none")));
  parts.push(h("h2", {}, t("nom.complaints")), Object.keys(n.complaints).length ? h("ul", {}, Object.values(n.complaints).map((c) => h("li", {}, `${c.text} (${t(`complaint.${c.state}`)})`))) : h("p", {}, t("nom.none")));
  parts.push(...actions(n));
  if (has("auditor")) parts.push(travelForm(id, n.version));
  parts.push(h("h2", {}, t("nom.history")), h("ol", { id: "history" }, history.data.map((e) => h("li", { title: e.type }, `${state.text[`event.${e.type}`] ?? e.type} — ${e.actor_id} (${e.actor_role}) · ${new Date(e.timestamp).toLocaleString(locale())} · `, h("span", { class: "mono" }, e.correlation_id)))));
  render(...parts);
}
function actions(n) {
  const out = [];
  const post = (path, body) => api(`/api/v1/nominations/${n.id}/${path}`, { method: "POST", body });
  if (has("unit_officer") && n.stage === "collecting") {
    const year = h("input", { type: "number", value: String(n.evaluation_years[1]), min: "2021", max: "2030" });
    const total = h("input", { type: "number", min: "1", required: true });
    const poor = h("input", { type: "number", min: "0", required: true });
    const near = h("input", { type: "number", min: "0" });
    const flows = Object.fromEntries(["exited", "newly_poor", "fallen_back", "removed"].map((k) => [k, h("input", { type: "number", min: "0" })]));
    const decision = h("input", {});
    const decided = h("input", { type: "date" });
    const stats = h("form", { class: "card", onsubmit: (e) => {
      e.preventDefault();
      const body = { total_households: Number(total.value), poor_households: Number(poor.value) };
      if (near.value) body.near_poor_households = Number(near.value);
      if (Object.values(flows).some((f) => f.value)) body.flows = Object.fromEntries(Object.entries(flows).map(([k, f]) => [k, Number(f.value || 0)]));
      if (decision.value && decided.value) body.source = { decision_number: decision.value, decision_date: decided.value };
      submitting(stats, () => api(`/api/v1/nominations/${n.id}/statistics/${year.value}`, { method: "PUT", body }));
    } },
      h("h2", {}, t("nom.record")), field(t("nom.year"), year, "year"), field(t("nom.households"), total, "total_households"), field(t("nom.poor"), poor, "poor_households"),
      field(t("nom.near_poor"), near, "near_poor_households"),
      ...Object.entries(flows).map(([k, f]) => field(t(`flows.${k}`), f, k)),
      field(t("nom.source_number"), decision, "decision_number"), field(t("nom.source_date"), decided, "decision_date"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.record"))));
    const text = h("textarea", { required: true }, n.achievement_report || "");
    const report = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(report, () => api(`/api/v1/nominations/${n.id}/achievement-report`, { method: "PUT", body: { text: text.value } })); } },
      h("h2", {}, t("nom.report")), field(t("nom.report"), text, "text"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.report"))));
    const file = h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png,.docx,.xlsx" });
    const upload = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); const data = new FormData(); data.append("file", file.files[0]); submitting(upload, () => api(`/api/v1/nominations/${n.id}/evidence`, { method: "POST", form: data })); } },
      h("h2", {}, t("nom.upload")), field(t("nom.evidence"), file, "file"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.upload"))));
    const submit = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(submit, () => post("submit")); } },
      h("div", { "data-error-for": "statistics", class: "field-error" }), h("div", { "data-error-for": "achievement_report", class: "field-error" }),
      h("div", { class: "actions" }, h("button", { class: "primary", type: "submit", id: "submit" }, t("nom.submit"))));
    out.push(stats, report, upload, submit);
  }
  const reviewer = (n.stage === "district_review" && has("district_reviewer")) || (n.stage === "province_review" && has("province_reviewer"));
  if (reviewer) {
    const comment = h("textarea", {});
    const path = n.stage === "district_review" ? "district-review" : "province-review";
    const review = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(review, () => post(path, { decision: e.submitter.value, comment: comment.value })); } },
      h("h2", {}, t("nom.review")), field(t("nom.comment"), comment, "comment"),
      h("div", { class: "actions" }, ...["approve", "return", "reject"].map((d) => h("button", { type: "submit", value: d, class: d === "approve" ? "primary" : "" }, t(`nom.${d}`)))));
    const judgeable = n.checks.filter((c) => c.outcome === "needs_judgement" || c.kind === "judged");
    const criterion = h("select", {}, ...judgeable.map((c) => h("option", { value: c.criterion_id }, c.criterion_id)));
    const outcome = h("select", {}, ...["met", "not_met", "insufficient_data"].map((o) => h("option", { value: o }, t(`outcome.${o}`))));
    const why = h("textarea", { required: true });
    const judge = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(judge, () => post("criterion-checks", { criterion_id: criterion.value, outcome: outcome.value, justification: why.value, evidence: [] })); } },
      h("h2", {}, t("nom.judge")), field(t("nom.criterion"), criterion, "criterion_id"), field(t("nom.outcome"), outcome, "outcome"), field(t("nom.justification"), why, "justification"),
      h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.judge"))));
    out.push(review);
    if (judgeable.length) out.push(judge);
    if (n.stage === "province_review") {
      const team = h("input", { required: true, value: "doan-kiem-tra-1" });
      const order = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(order, () => post("inspections", { team_id: team.value })); } },
        h("h2", {}, t("nom.order_visit")), field(t("nom.team"), team, "team_id"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.order_visit"))));
      const failing = h("select", {}, ...n.checks.filter((c) => c.outcome === "not_met").map((c) => h("option", { value: c.criterion_id }, c.criterion_id)));
      const reason = h("textarea", { required: true });
      const override = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(override, () => post("overrides", { criterion_id: failing.value, reason: reason.value })); } },
        h("h2", {}, t("nom.override")), field(t("nom.criterion"), failing, "criterion_id"), field(t("nom.justification"), reason, "reason"),
        h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.override"))));
      out.push(order, override);
    }
  }
  return out;
}
function travelForm(id, current) {
  const version = h("input", { type: "number", min: "1", max: String(current) });
  const when = h("input", { type: "date" });
  const form = h("form", { class: "card", onsubmit: (e) => {
    e.preventDefault();
    const q = version.value ? `version=${version.value}` : when.value ? `as_of=${encodeURIComponent(when.value + "T23:59:59+07:00")}` : "";
    location.hash = `#/nominations/${id}${q ? "?" + q : ""}`;
  } }, h("h2", {}, t("nom.travel")), field(t("nom.version"), version, "version"), field(t("nom.as_of"), when, "as_of"),
  h("div", { class: "actions" }, h("button", { type: "submit", id: "travel" }, t("nom.show")), h("a", { href: `#/nominations/${id}` }, t("nom.now"))));
  return form;
}

const FIGURE_LABELS = { total_households: "nom.households", poor_households: "nom.poor", near_poor_households: "nom.near_poor" };
function discrepancyTable(discrepancies) {
  const rows = Object.entries(discrepancies).flatMap(([year, fields]) => fields.year === "new"
    ? [h("tr", {}, h("td", {}, year), h("td", { colspan: "3" }, t("nom.discrepancy_new_year")))]
    : Object.entries(fields).map(([name, d]) => h("tr", {}, h("td", {}, year), h("td", {}, t(FIGURE_LABELS[name] ?? name)), h("td", {}, number(d.declared)), h("td", {}, number(d.verified)))));
  return h("table", { class: "discrepancies" }, h("caption", {}, t("nom.discrepancies")),
    h("thead", {}, h("tr", {}, ...["nom.year", "nom.figure", "nom.declared", "nom.verified"].map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows));
}

// --- tasks -----------------------------------------------------------------------------------
async function tasksPage() {
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
    parts.push(h("h2", {}, t("tasks.reviews")), reviews.length ? h("ul", {}, reviews.map((r) => h("li", { class: r.overdue ? "overdue" : "" },
      h("a", { href: `#/nominations/${r.nomination_id}` }, r.unit_code), ` — ${t(`stage.${r.stage}`)} · ${t("board.due")} ${day(r.due_on)} (${daysLeft(r.due_on)})`))) : h("p", {}, t("nom.none")));
  }
  render(...parts);
}
function visitCard(v) {
  const card = h("div", { class: "card" }, h("p", {}, h("a", { href: `#/nominations/${v.nomination_id}` }, v.unit_code), ` · ${t("board.due")} ${day(v.due_on)} (${daysLeft(v.due_on)}) · ${t(`visit.${v.state}`)}`, v.claimed_by ? ` · ${t("tasks.claimed_by")}: ${v.claimed_by}` : ""));
  if (!v.claimed_by) card.append(h("div", { class: "actions" }, h("button", { type: "button", onclick: async () => { try { await api(`/api/v1/tasks/${v.id}/claim`, { method: "POST" }); toast(t("saved")); route(); } catch (e) { toast(e.message); } } }, t("tasks.claim"))));
  const visited = h("input", { type: "date", required: true, value: today() });
  const findings = h("textarea", { required: true });
  const recommendation = h("select", {}, h("option", { value: "confirm" }, t("tasks.confirm")), h("option", { value: "discrepancy" }, t("tasks.discrepancy")));
  const figures = h("tbody", {});
  const addYear = () => figures.append(h("tr", {},
    ...[["year", "2021", "2030"], ["total_households", "1", null], ["poor_households", "0", null]].map(([name, min, max]) => {
      const input = h("input", { type: "number", name, min, max, "aria-label": t(`tasks.${name}`) });
      return h("td", {}, input);
    })));
  addYear();
  const form = h("form", { onsubmit: (e) => {
    e.preventDefault();
    const errors = form.querySelector("[data-error-for=verified_statistics]");
    errors.textContent = "";
    const verified = {};
    for (const row of figures.rows) {
      const [year, total, poor] = [...row.querySelectorAll("input")].map((input) => input.value.trim());
      if (!year && !total && !poor) continue;
      const problem = !(year && total && poor) ? "tasks.row_incomplete"
        : Number(year) < 2021 || Number(year) > 2030 ? "tasks.row_year"
        : Number(poor) > Number(total) ? "tasks.row_poor_exceeds_total"
        : year in verified ? "tasks.row_duplicate_year" : null;
      if (problem) { errors.textContent = `${year || "—"}: ${t(problem)}`; return; }
      verified[year] = { total_households: Number(total), poor_households: Number(poor) };
    }
    const body = { visited_on: visited.value, findings: findings.value, recommendation: recommendation.value, verified_statistics: Object.keys(verified).length ? verified : null };
    submitting(form, () => api(`/api/v1/inspections/${v.id}/report`, { method: "POST", body }));
  } }, h("h2", {}, t("tasks.report")), field(t("tasks.visited_on"), visited, "visited_on"), field(t("tasks.findings"), findings, "findings"),
  field(t("tasks.recommendation"), recommendation, "recommendation"),
  h("fieldset", {}, h("legend", {}, t("tasks.verified")),
    h("table", { class: "figures" }, h("thead", {}, h("tr", {}, ...["year", "total_households", "poor_households"].map((k) => h("th", { scope: "col" }, t(`tasks.${k}`))))), figures),
    h("div", { class: "field-error", "data-error-for": "verified_statistics" }),
    h("button", { type: "button", onclick: addYear }, t("tasks.add_year"))),
  h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("tasks.report"))));
  card.append(form);
  return card;
}

// --- council -----------------------------------------------------------------------------------
async function councilPage() {
  const sessions = await api("/api/v1/council/sessions");
  const parts = [h("h1", {}, t("council.title")), sessions.data.length ? h("ul", {}, sessions.data.map((s) => h("li", {}, h("a", { href: `#/council/${s.session_id}` }, s.title), ` · ${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`))) : h("p", {}, t("nom.none"))];
  if (has("council_secretary")) {
    const title = h("input", { required: true });
    const date = h("input", { type: "date", required: true });
    const members = h("textarea", { required: true });
    const form = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(form, async () => {
      const made = await api("/api/v1/council/sessions", { method: "POST", body: { title: title.value, scheduled_for: date.value, members: members.value.split(/\s+/).filter(Boolean), award_form: "bang-khen-tinh" } });
      location.hash = `#/council/${made.id}`;
    }); } }, h("h2", {}, t("council.new")), field(t("council.session_title"), title, "title"), field(t("council.date"), date, "scheduled_for"), field(t("council.members"), members, "members"),
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("council.new"))));
    parts.push(form);
  }
  render(...parts);
}
async function sessionPage(id) {
  const s = await api(`/api/v1/council/sessions/${id}`);
  const me = state.me.username;
  const parts = [h("h1", {}, s.title), h("p", { id: "session-state" }, `${day(s.scheduled_for)} · ${t(`council.state.${s.state}`)}`)];
  for (const item of s.items) {
    const n = await api(`/api/v1/nominations/${item.nomination_id}`).catch(() => null);
    const card = h("div", { class: "card item" }, h("h2", {}, h("a", { href: `#/nominations/${item.nomination_id}` }, n ? n.unit_name : item.nomination_id)),
      h("p", {}, `${t("council.voted")}: ${item.voted.length}/${s.members.length}`));
    if (has("council_secretary")) card.append(h("p", { class: "muted" }, `${t("council.not_voted")}: ${item.not_voted.join(", ") || "—"}`));
    if (item.tally) card.append(h("p", { class: "tally" }, t("council.tally", item.tally), " — ", h("strong", {}, t(`outcome.${item.outcome}`))));
    else if (s.state === "open" && s.members.includes(me)) {
      if (item.voted.includes(me)) card.append(h("p", { class: "voted" }, t("council.you_voted")));
      else card.append(h("div", { class: "actions" }, ...["approve", "reject", "abstain", "recuse"].map((choice) => h("button", { type: "button", "data-choice": choice, onclick: async () => {
        if (!confirm(t("council.confirm", { choice: t(`choice.${choice}`) }))) return;
        try { await api(`/api/v1/council/sessions/${id}/votes`, { method: "POST", body: { nomination_id: item.nomination_id, choice } }); toast(t("council.you_voted")); route(); } catch (e) { toast(e.message); }
      } }, t(`choice.${choice}`)))));
    }
    parts.push(card);
  }
  if (has("council_secretary") && s.state !== "closed") {
    const controls = h("div", { class: "actions" });
    if (s.state === "draft") {
      const board = await api(after("/api/v1/nominations?stage=council&limit=200"));
      const pick = h("select", { id: "agenda-pick" }, ...board.data.filter((r) => !s.items.some((i) => i.nomination_id === r.nomination_id)).map((r) => h("option", { value: r.nomination_id }, `${r.unit_name} (${r.unit_code})`)));
      const add = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(add, () => api(`/api/v1/council/sessions/${id}/agenda`, { method: "POST", body: { nomination_id: pick.value } })); } },
        h("h2", {}, t("council.agenda")), field(t("council.agenda"), pick, "nomination_id"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("council.add"))));
      parts.push(add);
      controls.append(h("button", { type: "button", class: "primary", id: "open-session", onclick: () => act("open") }, t("council.open")));
    } else {
      controls.append(h("button", { type: "button", class: "primary", id: "close-session", onclick: () => act("close", {}) }, t("council.close")));
    }
    parts.push(controls);
  }
  async function act(what, body) {
    try { await api(`/api/v1/council/sessions/${id}/${what}`, { method: "POST", body }); toast(t("saved")); route(); } catch (e) { toast(e.message); }
  }
  render(...parts);
}

// --- audit -------------------------------------------------------------------------------------
async function auditPage() {
  const result = h("p", { id: "verify-result", role: "status" });
  const verify = h("button", { type: "button", class: "primary", id: "verify", onclick: async () => {
    const r = await api("/api/v1/audit/verify");
    result.textContent = r.ok ? t("audit.ok", { n: number(r.checked_events) }) : t("audit.broken", { aggregate: r.first_broken.aggregate_id, version: r.first_broken.version, reason: r.first_broken.reason });
    result.className = r.ok ? "met" : "error";
  } }, t("audit.verify"));
  const fmt = h("select", {}, h("option", { value: "csv" }, "CSV"), h("option", { value: "jsonl" }, "JSON Lines"));
  const cycle = h("input", { type: "number", min: "2023", max: "2025" });
  const district = h("input", {});
  const criterion = h("input", {});
  const outcomeFilter = h("select", {}, h("option", { value: "" }, "—"), ...["met", "not_met", "insufficient_data", "needs_judgement"].map((o) => h("option", { value: o }, t(`outcome.${o}`))));
  const exportForm = h("form", { class: "card", onsubmit: async (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ format: fmt.value });
    if (cycle.value) q.set("cycle", cycle.value);
    if (district.value) q.set("district", district.value);
    if (criterion.value) q.set("criterion", criterion.value);
    if (outcomeFilter.value) q.set("outcome", outcomeFilter.value);
    const response = await api(`/api/v1/audit/criterion-checks?${q}`, { raw: true });
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `criterion-checks.${fmt.value}` });
    link.click();
  } }, h("h2", {}, t("audit.export")), field(t("audit.format"), fmt, "format"), field(t("board.cycle"), cycle, "cycle"),
  field(t("audit.district"), district, "district"), field(t("nom.criterion"), criterion, "criterion"), field(t("nom.outcome"), outcomeFilter, "outcome"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("audit.export"))));
  const version = h("input", { type: "number", min: "1", value: "1" });
  const whatIfCycle = h("input", { type: "number", min: "2023", max: "2025", value: "2023" });
  const whatIfOut = h("div", {});
  const whatIf = h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); submitting(whatIf, async () => {
    const rows = await api("/api/v1/audit/what-if", { method: "POST", body: { rule_set_version: Number(version.value), cycle_year: Number(whatIfCycle.value) } });
    whatIfOut.replaceChildren(h("ul", {}, rows.map((r) => h("li", { class: r.changed ? "overdue" : "" }, `${r.unit_code} · ${r.criterion_id}: ${r.current_outcome} → ${r.what_if_outcome}`))));
  }); } }, h("h2", {}, t("audit.what_if")), field(t("nom.rule_set"), version, "rule_set_version"), field(t("board.cycle"), whatIfCycle, "cycle_year"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))), whatIfOut);
  const date = h("input", { type: "date", required: true });
  const boardOut = h("div", {});
  const boardThen = h("form", { class: "card", onsubmit: async (e) => {
    e.preventDefault();
    const r = await api(`/api/v1/audit/board?as_of=${encodeURIComponent(date.value + "T23:59:59+07:00")}`);
    boardOut.replaceChildren(h("p", {}, String(r.count)), h("ul", {}, r.data.map((n) => h("li", {}, `${n.unit_name} — ${t(`stage.${n.stage}`)}`))));
  } }, h("h2", {}, t("audit.board_as_of")), field(t("nom.as_of"), date, "as_of"), h("div", { class: "actions" }, h("button", { type: "submit" }, t("nom.show"))), boardOut);
  render(h("h1", {}, t("audit.title")), h("div", { class: "card" }, verify, result), exportForm, whatIf, boardThen);
}

// --- routing -----------------------------------------------------------------------------------
async function route() {
  const [path, query = ""] = location.hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  if (!state.token) { navigation(); return loginPage(); }
  if (!state.me) {
    try { state.me = await api("/api/v1/me"); } catch { return; }
  }
  navigation();
  try {
    if (parts[0] === "nominations" && parts[1]) return await nominationPage(parts[1], query);
    if (parts[0] === "nominations") return await boardPage();
    if (parts[0] === "tasks") return await tasksPage();
    if (parts[0] === "council" && parts[1]) return await sessionPage(parts[1]);
    if (parts[0] === "council") return await councilPage();
    if (parts[0] === "audit") return await auditPage();
    if (parts[0] === "login") return loginPage();
    location.hash = home();
  } catch (error) {
    render(h("p", { class: "error" }, `${t("error")}: ${error.message}`));
  }
}

document.getElementById("lang").addEventListener("click", async () => { await loadLanguage(state.lang === "vi" ? "en" : "vi"); route(); });
document.getElementById("logout").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
await loadLanguage(state.lang);
route();
