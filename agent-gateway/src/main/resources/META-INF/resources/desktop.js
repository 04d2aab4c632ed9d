// Baton agent desktop: plain JS, no build step, served under `default-src 'self'`.
//
// Every string from the server reaches the page through textContent (the el() helper) or an
// attribute value, never as HTML: nothing a customer writes can run in the agent's browser.
// The API and the events are described in agent-gateway/API.md.
"use strict";

const TOKEN_KEY = "baton.token";
const NOTIFY_KEY = "baton.notify";
const TABS = ["mine", "unassigned", "all", "resolved"];
const OPEN = new Set(["queued", "offered", "assigned"]);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null,
  view: "desk",            // desk | team
  tab: "unassigned",
  query: "",
  serverMatches: new Set(), // ids the server matched for the current query (it may search more than we do)
  conversations: new Map(), // conversationId -> view (the newest we have seen, by updatedAt)
  counts: { mine: 0, unassigned: 0, all: 0, resolved: 0 },
  unread: new Map(),        // conversationId -> unread count
  selected: null,           // conversationId
  detail: null,             // {conversation, handoff, previous} of the selected conversation
  turns: [],                // ConversationTurn of the selected conversation, by seq
  deliveries: new Map(),    // messageId -> delivery status of the selected conversation's messages, from events
  lastEventId: null,
  stream: null,             // AbortController of the open stream
  supervisor: null,         // last GET /v1/agent/supervisor
  offers: new Map(),        // conversationId -> toast element
  composeMode: "reply",
  signedInAt: 0,
  announced: new Set(),     // handoff ids already counted unread and alerted
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Small DOM helpers: text only.

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "testid") node.dataset.testid = v;
    else if (k === "text") node.textContent = String(v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setText(id, text) {
  $(id).textContent = text === null || text === undefined ? "" : String(text);
}

function customerLabel(c) {
  if (!c) return "unknown customer";
  return c.name || c.phone || c.email || c.id || "unknown customer";
}

function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  if (seconds < 60) return seconds + "s";
  const m = Math.floor(seconds / 60);
  if (m < 60) return m + "m " + String(seconds % 60).padStart(2, "0") + "s";
  const h = Math.floor(m / 60);
  if (h < 24) return h + "h " + String(m % 60).padStart(2, "0") + "m";
  return Math.floor(h / 24) + "d " + (h % 24) + "h";
}

function sinceSeconds(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : (Date.now() - t) / 1000;
}

function clock(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? "" : t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function newer(a, b) {
  // The view to keep of two: the one updated later (events and list reads may cross).
  if (!a) return b;
  if (!b) return a;
  const ta = Date.parse(a.updatedAt || "") || 0;
  const tb = Date.parse(b.updatedAt || "") || 0;
  return tb >= ta ? b : a;
}

// ---------------------------------------------------------------------------------------------
// HTTP.

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + state.token, "Accept": "application/json" };
  const init = { method, headers };
  if (method !== "GET") {
    headers["Idempotency-Key"] = crypto.randomUUID();
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return { status: 0, ok: false, body: { detail: "the gateway cannot be reached (" + e.message + ")" } };
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && state.token) {
    signOut("Your token was refused; sign in again.");
  }
  return { status: response.status, ok: response.ok, body: data || {} };
}

function problemText(result) {
  const b = result.body || {};
  return b.detail || b.title || ("failed: HTTP " + result.status);
}

const conversationPath = (id) => "/v1/agent/conversations/" + encodeURIComponent(id);

// ---------------------------------------------------------------------------------------------
// Sign in and out.

async function signIn(token) {
  state.token = token;
  const me = await api("GET", "/v1/agent/me");
  if (!me.ok) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin(me.status === 401 ? "That token was refused." : problemText(me));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  state.me = me.body;
  state.signedInAt = Date.now();
  startDesk();
}

function showLogin(message) {
  $("app").hidden = true;
  $("login").hidden = false;
  setText("login-error", message || "");
  document.title = "Baton";
  $("token").focus();
}

function signOut(message) {
  if (state.token && state.me && !message) {
    // Best effort: tell the team this agent has left (the stream closing says so too).
    api("PUT", "/v1/agent/presence", { status: "offline" });
  }
  if (state.stream) state.stream.abort();
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, {
    token: null, me: null, stream: null, lastEventId: null, selected: null, detail: null, turns: [],
    supervisor: null, view: "desk",
  });
  state.conversations.clear();
  state.unread.clear();
  state.announced.clear();
  state.offers.forEach((toast) => toast.remove());
  state.offers.clear();
  $("queue-list").replaceChildren();
  showLogin(message);
}

function startDesk() {
  const me = state.me;
  $("login").hidden = true;
  $("app").hidden = false;
  setText("tenant-name", me.tenantName || me.tenantId);
  setText("me-name", me.name || me.agentId);
  setText("me-role", me.role || "agent");
  showPresence(me.presence || "online");
  $("views").hidden = !isSupervisor();
  showView("desk");
  fillWorkspaceLists();
  $("notify").checked = localStorage.getItem(NOTIFY_KEY) === "on";
  renderConversation();
  selectTab(state.tab);
  refreshList("mine");
  refreshList("all");
  if (isSupervisor()) refreshSupervisor();
  connect();
}

const isSupervisor = () => state.me && state.me.role === "supervisor";

function fillWorkspaceLists() {
  const me = state.me;
  const canned = $("canned");
  canned.replaceChildren(el("option", { value: "", text: "Canned replies…" }));
  (me.cannedReplies || []).forEach((reply, i) => canned.append(el("option", { value: String(i), text: reply.title })));
  canned.disabled = !(me.cannedReplies || []).length;
  $("resolve-code").replaceChildren(...(me.resolutionCodes || []).map((code) => el("option", { value: code, text: code })));
  $("transfer-agent").replaceChildren(...(me.agents || [])
    .filter((a) => a.agentId !== me.agentId)
    .map((a) => el("option", { value: a.agentId, text: a.name || a.agentId })));
  $("transfer-skill").replaceChildren(...(me.skillsOfTenant || []).map((s) => el("option", { value: s, text: s })));
}

// ---------------------------------------------------------------------------------------------
// Presence and alerts.

function showPresence(status) {
  const button = $("presence");
  button.dataset.status = status;
  button.textContent = status;
  button.setAttribute("aria-pressed", String(status === "online"));
}

// Signing in (an open stream) makes an offline agent online; away stays away until toggled.
async function setPresence(status) {
  const result = await api("PUT", "/v1/agent/presence", { status });
  if (result.ok) {
    showPresence(result.body.status || status);
  } else {
    toast(problemText(result), "error");
  }
}

function togglePresence() {
  return setPresence($("presence").dataset.status === "online" ? "away" : "online");
}

async function toggleNotify() {
  const on = $("notify").checked;
  localStorage.setItem(NOTIFY_KEY, on ? "on" : "off");
  if (on && "Notification" in window && Notification.permission === "default") {
    await Notification.requestPermission().catch(() => undefined);
  }
}

function alertAgent(view) {
  if (!$("notify").checked) return;
  beep();
  if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
    const n = new Notification("Baton: " + customerLabel(view.customer), {
      body: (view.summary || view.reason || "handed over").slice(0, 160), tag: view.conversationId,
    });
    n.onclick = () => { window.focus(); openConversation(view.conversationId); n.close(); };
  }
}

let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch (e) {
    console.warn("no sound", e);
  }
}

function updateTitle() {
  let unread = 0;
  state.unread.forEach((n) => { if (n > 0) unread++; });
  document.title = unread > 0 ? "(" + unread + ") Baton" : "Baton";
}

function toast(text, kind, actions) {
  const node = el("div", { class: "toast " + (kind || ""), role: kind === "error" ? "alert" : "status", testid: "toast" },
    el("span", { text }));
  for (const a of actions || []) node.append(a);
  node.append(el("button", { type: "button", class: "quiet", "aria-label": "Dismiss", text: "×", onclick: () => node.remove() }));
  $("toasts").append(node);
  if (!actions) setTimeout(() => node.remove(), 6000);
  return node;
}

// ---------------------------------------------------------------------------------------------
// The queue list.

function belongs(view, tab) {
  const me = state.me;
  switch (tab) {
    case "mine": return view.owner === me.agentId && view.status !== "resolved";
    case "unassigned": return (view.status === "queued" || view.status === "offered") && works(view.skill);
    case "all": return OPEN.has(view.status);
    case "resolved": return view.status === "resolved";
    default: return false;
  }
}

function works(skill) {
  const me = state.me;
  return isSupervisor() || !me.skills || me.skills.length === 0 || !skill || me.skills.includes(skill);
}

function matches(view) {
  const q = state.query.trim().toLowerCase();
  if (!q || state.serverMatches.has(view.conversationId)) return true;
  const c = view.customer || {};
  return [view.conversationId, c.name, c.phone, c.email, c.id, view.summary, view.skill, view.owner]
    .some((s) => s && String(s).toLowerCase().includes(q));
}

function compareViews(a, b) {
  if (state.tab === "resolved") return (Date.parse(b.updatedAt) || 0) - (Date.parse(a.updatedAt) || 0);
  return (a.priority || 9) - (b.priority || 9) || (Date.parse(a.waitingSince) || 0) - (Date.parse(b.waitingSince) || 0);
}

function remember(view) {
  if (!view || !view.conversationId) return null;
  if (view.status) view.status = String(view.status).toLowerCase();
  const kept = newer(state.conversations.get(view.conversationId), view);
  state.conversations.set(view.conversationId, kept);
  return kept;
}

async function refreshList(tab) {
  const q = tab === state.tab ? state.query.trim() : "";
  const result = await api("GET", "/v1/agent/conversations?view=" + tab + (q ? "&q=" + encodeURIComponent(q) : ""));
  if (!result.ok) return;
  for (const view of result.body.conversations || []) remember(view);
  if (tab === state.tab) {
    state.serverMatches = new Set(q ? (result.body.conversations || []).map((v) => v.conversationId) : []);
  }
  if (result.body.counts) state.counts = result.body.counts;
  renderCounts();
  renderList();
}

// Events change lists: the rows follow at once, the server's counts soon after.
let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshList(state.tab), 400);
}

function renderCounts() {
  for (const tab of TABS) {
    document.querySelector('[data-testid="count-' + tab + '"]').textContent = String(state.counts[tab] ?? 0);
  }
}

function selectTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll(".tab")) {
    const on = button.dataset.view === tab;
    button.setAttribute("aria-selected", String(on));
    button.tabIndex = on ? 0 : -1;
  }
  renderList();
  refreshList(tab);
}

function renderList() {
  if (!state.me) return;
  const list = $("queue-list");
  const views = [...state.conversations.values()].filter((v) => belongs(v, state.tab) && matches(v)).sort(compareViews);
  // Rows are redrawn as events arrive: keep the keyboard focus on the row it was on.
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#queue-list .row");
  const focusedId = focused ? focused.dataset.conversationId : null;
  list.replaceChildren(...views.map(row));
  if (focusedId) {
    const again = list.querySelector('.row[data-conversation-id="' + CSS.escape(focusedId) + '"]');
    if (again) again.focus();
  }
  $("queue-empty").hidden = views.length > 0;
  updateTitle();
  if (state.view === "team") renderWaiting();
}

function row(view) {
  const unread = state.unread.get(view.conversationId) || 0;
  const selected = view.conversationId === state.selected;
  const me = state.me;
  let owner;
  if (view.owner) owner = view.owner === me.agentId ? "you" : agentName(view.owner);
  else if (view.status === "offered" && view.offeredTo) owner = "offered to " + (view.offeredTo === me.agentId ? "you" : agentName(view.offeredTo));
  else owner = view.status === "resolved" ? "resolved" : "unassigned";
  const wait = view.status === "resolved"
    ? el("span", { class: "wait muted", testid: "row-wait", text: clock(view.updatedAt) })
    : el("span", { class: "wait", testid: "row-wait", "data-since": view.waitingSince || "" });
  const button = el("button", {
    type: "button", class: "row" + (selected ? " selected" : "") + (unread ? " unread" : ""), role: "option",
    "aria-selected": String(selected), testid: "queue-row", "data-conversation-id": view.conversationId,
    "data-status": view.status, onclick: () => openConversation(view.conversationId),
  },
    el("span", { class: "row-line" },
      el("span", { class: "badge p" + view.priority, testid: "row-priority", text: "P" + (view.priority || "?") }),
      el("strong", { class: "row-customer", testid: "row-customer", text: customerLabel(view.customer) }),
      unread ? el("span", { class: "unread-badge", testid: "row-unread", "aria-label": unread + " unread", text: String(unread) }) : null,
      wait),
    el("span", { class: "row-line small" },
      el("span", { class: "row-id mono muted", testid: "row-id", title: view.conversationId, text: view.conversationId }),
      el("span", { class: "badge skill", testid: "row-skill", text: view.skill || "—" }),
      el("span", { class: "row-owner" + (view.owner === me.agentId ? " mine" : ""), testid: "row-owner", text: owner })),
    view.lastMessage ? el("span", { class: "row-last muted small", testid: "row-last", text: lastLine(view.lastMessage) }) : null);
  tick(button);
  return el("li", { role: "presentation" }, button);
}

function lastLine(m) {
  const who = { CUSTOMER: "", BOT: "Bot: ", AGENT: "Agent: ", NOTE: "Note: ", SYSTEM: "" }[m.speaker] ?? "";
  return who + (m.text || "");
}

function agentName(agentId) {
  const a = (state.me.agents || []).find((x) => x.agentId === agentId);
  return a ? a.name || agentId : agentId;
}

// Waiting times tick every second from waitingSince.
function tick(root) {
  for (const node of (root || document).querySelectorAll("[data-since]")) {
    const s = sinceSeconds(node.dataset.since);
    node.textContent = s === null ? "" : duration(s);
    node.classList.toggle("late", s !== null && s >= 120 && s < 300);
    node.classList.toggle("very-late", s !== null && s >= 300);
  }
}

function moveSelection(step) {
  const rows = [...document.querySelectorAll("#queue-list .row")];
  if (!rows.length) return;
  const at = rows.findIndex((r) => r.dataset.conversationId === state.selected);
  const next = rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
  openConversation(next.dataset.conversationId).then(() => {
    const again = document.querySelector('#queue-list .row[data-conversation-id="' + CSS.escape(next.dataset.conversationId) + '"]');
    if (again) again.focus();
  });
}

// ---------------------------------------------------------------------------------------------
// The open conversation.

async function openConversation(id) {
  state.selected = id;
  state.unread.delete(id);
  state.turns = [];
  state.deliveries = new Map();
  state.detail = { conversation: state.conversations.get(id) || null, handoff: null, previous: [] };
  setResult("");
  renderList();
  renderConversation();
  const [detail, turns] = await Promise.all([api("GET", conversationPath(id)), loadTurns(id, 0)]);
  if (state.selected !== id) return;
  if (detail.ok) {
    state.detail = detail.body;
    remember(detail.body.conversation);
  } else {
    setResult(problemText(detail), true);
  }
  mergeTurns(turns);
  renderList();
  renderConversation();
}

async function loadTurns(id, from) {
  const out = [];
  let next = from;
  // At most 10 pages (1000 turns): the rest stays a click of the transcript endpoint away.
  for (let page = 0; page < 10 && next !== null && next !== undefined; page++) {
    const r = await api("GET", conversationPath(id) + "/transcript?from=" + next + "&limit=100");
    if (!r.ok) break;
    out.push(...(r.body.turns || []));
    next = r.body.next;
  }
  return out;
}

// A ConversationTurn is {seq, turn: Turn}; a bare Turn that carries its seq is taken too.
function asConversationTurn(t) {
  if (!t) return null;
  if (t.turn) return t;
  return typeof t.seq === "number" && t.speaker ? { seq: t.seq, turn: t } : null;
}

function mergeTurns(turns) {
  const bySeq = new Map(state.turns.map((t) => [t.seq, t]));
  for (const raw of turns) {
    const t = asConversationTurn(raw);
    if (!t) continue;
    // A transcript page read before a status came may cross that status's event: keep the later one.
    const held = bySeq.get(t.seq);
    if (held && supersedes(held.delivery, t.delivery)) t.delivery = held.delivery;
    bySeq.set(t.seq, t);
  }
  state.turns = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function renderConversation() {
  const id = state.selected;
  const open = id !== null;
  $("conv-empty").hidden = open;
  $("conv").hidden = !open;
  $("context").hidden = !open;
  if (!open) return;
  const view = state.conversations.get(id) || (state.detail && state.detail.conversation) || { conversationId: id };
  const me = state.me;
  setText("conv-customer", customerLabel(view.customer));
  setText("conv-id", view.conversationId);
  $("conv-id").title = view.conversationId;
  $("conv-customer").title = customerLabel(view.customer);
  setText("conv-priority", view.priority ? "P" + view.priority : "");
  $("conv-priority").className = "badge p" + view.priority;
  setText("conv-status", view.status);
  $("conv-status").dataset.status = view.status || "";
  setText("conv-skill", view.skill || "");
  setText("conv-channel", view.channel || "");
  setText("conv-owner", view.owner ? (view.owner === me.agentId ? "you" : agentName(view.owner)) : "nobody");
  setText("conv-reason", view.reason || "");
  setText("conv-summary-text", view.summary || "");

  const mine = view.owner === me.agentId;
  const resolved = view.status === "resolved";
  const canWork = (mine || isSupervisor()) && !resolved && view.status !== "bot";
  $("claim").disabled = mine || resolved;
  // Another agent's conversation: a supervisor takes it over; an agent's claim is refused
  // with the owner's name (left enabled so that the refusal says who has it).
  $("claim").textContent = view.owner && !mine && isSupervisor() ? "Take over" : "Claim";
  $("transfer").disabled = !canWork;
  $("hand-back").disabled = !canWork;
  $("resolve").disabled = !canWork;
  const replying = state.composeMode === "reply";
  $("send").disabled = replying ? !canWork : resolved;
  setText("composer-hint", replying && !canWork
    ? (resolved ? "Resolved." : "Claim the conversation to reply; notes are always possible.")
    : replying ? "The customer sees this." : "Only agents see notes.");
  renderTranscript();
  renderContext(view);
}

// Turns are added in place (by seq), not redrawn: an intent correction being typed survives the
// customer's next message.
function renderTranscript() {
  const list = $("transcript");
  const fresh = list.dataset.conversation !== state.selected;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (fresh) {
    list.replaceChildren();
    list.dataset.conversation = state.selected;
  }
  const shown = new Map([...list.querySelectorAll(":scope > [data-seq]")].map((li) => [Number(li.dataset.seq), li]));
  let before = null;
  for (let i = state.turns.length - 1; i >= 0; i--) {
    const ct = state.turns[i];
    let li = shown.get(ct.seq);
    if (!li) {
      li = turnItem(ct);
      list.insertBefore(li, before);
    }
    showDelivery(li, deliveryOf(ct));
    before = li;
  }
  const omitted = state.turns.length ? state.turns[0].seq : 0;
  const gap = list.querySelector(":scope > .omitted");
  if (omitted > 0 && !gap) list.prepend(el("li", { class: "turn SYSTEM omitted", text: omitted + " earlier turns not loaded" }));
  if (omitted === 0 && gap) gap.remove();
  if (fresh || atBottom) list.scrollTop = list.scrollHeight;
}

const SPEAKER_LABEL = { CUSTOMER: "Customer", BOT: "Bot", AGENT: "Agent", SYSTEM: "System", NOTE: "Internal note" };

// How far a message sent to the customer got. A status only moves forward, read and failed are
// final: the gateway's rule, applied here too because a transcript read and an event may cross.
const DELIVERY_ORDER = ["SENT", "DELIVERED", "READ", "FAILED"];
const DELIVERY_MARK = {
  SENT: { symbol: "\u2713", label: "Sent" },
  DELIVERED: { symbol: "\u2713\u2713", label: "Delivered" },
  READ: { symbol: "\u2713\u2713", label: "Read" },
  FAILED: { symbol: "\u2717", label: "Not delivered" },
};

function supersedes(next, current) {
  if (!next || !DELIVERY_ORDER.includes(next.status)) return false;
  if (!current) return true;
  if (current.status === "READ" || current.status === "FAILED") return false;
  return DELIVERY_ORDER.indexOf(next.status) > DELIVERY_ORDER.indexOf(current.status);
}

// The turn's own status (transcript, message event) or a later one from a delivery event.
function deliveryOf(ct) {
  const fromEvent = ct.turn && ct.turn.eventId ? state.deliveries.get(ct.turn.eventId) : undefined;
  return supersedes(fromEvent, ct.delivery) ? fromEvent : ct.delivery || null;
}

// The mark after a sent turn's head (and, for a failure, the provider's errors under its text).
function showDelivery(li, d) {
  const speaker = li.dataset.speaker;
  if (!d || !DELIVERY_MARK[d.status] || speaker === "CUSTOMER" || speaker === "NOTE") return;
  if (li.dataset.delivery === d.status) return;
  li.dataset.delivery = d.status;
  const mark = DELIVERY_MARK[d.status];
  const errors = Array.isArray(d.errors) ? d.errors.map(String).join("; ") : "";
  let span = li.querySelector(":scope > .turn-head > .delivery");
  if (!span) {
    span = el("span", { class: "delivery", testid: "turn-delivery", role: "img" });
    li.querySelector(":scope > .turn-head").append(span);
  }
  span.textContent = mark.symbol;
  span.dataset.status = d.status;
  span.setAttribute("aria-label", mark.label);
  span.title = mark.label + (d.at ? " " + clock(d.at) : "") + (errors ? ": " + errors : "");
  let note = li.querySelector(":scope > .delivery-error");
  if (d.status === "FAILED") {
    if (!note) {
      note = el("div", { class: "delivery-error small", testid: "turn-delivery-error" });
      li.append(note);
    }
    note.textContent = errors ? "Not delivered: " + errors : "Not delivered";
  } else if (note) {
    note.remove();
  }
}

function turnItem(ct) {
  const t = ct.turn;
  const speaker = t.speaker || "SYSTEM";
  let who = SPEAKER_LABEL[speaker] || speaker;
  if ((speaker === "AGENT" || speaker === "NOTE") && t.agentId) who += " · " + agentName(t.agentId);
  if (speaker === "CUSTOMER") who = customerLabel((state.conversations.get(state.selected) || {}).customer);
  const meta = [clock(t.at)];
  if (t.reason && speaker === "BOT") meta.push(t.reason);
  const item = el("li", { class: "turn " + speaker, testid: "turn", "data-speaker": speaker, "data-seq": String(ct.seq) },
    el("div", { class: "turn-head" },
      el("span", { class: "who", text: who }),
      el("span", { class: "muted small", text: meta.filter(Boolean).join(" · ") })),
    el("div", { class: "turn-text", testid: "turn-text", text: t.text || "" }));
  if (speaker === "CUSTOMER") {
    const info = el("div", { class: "turn-meta small" });
    info.append(el("span", { class: "intent", testid: "turn-intent", text: t.intent ? "intent " + t.intent : "no intent" }));
    if (typeof t.intentConfidence === "number") info.append(el("span", { class: "muted", text: " " + Math.round(t.intentConfidence * 100) + "%" }));
    if (t.sentiment) info.append(el("span", { class: "muted", text: " · " + t.sentiment }));
    info.append(el("button", {
      type: "button", class: "link", testid: "correct-intent", "aria-label": "Correct the intent of this message",
      text: "correct intent", onclick: () => intentForm(item, ct),
    }));
    item.append(info);
  }
  return item;
}

function intentForm(item, ct) {
  if (item.querySelector("form")) return;
  const known = new Set(state.turns.map((x) => x.turn.intent).filter(Boolean));
  const listId = "intents-" + ct.seq;
  // The gateway's rule for an intent label: lower-case letters, digits and '_'.
  const input = el("input", { type: "text", list: listId, required: true, maxlength: "64", "aria-label": "Correct intent",
    pattern: "[a-z][a-z0-9_]{0,63}", title: "an intent label: lower-case letters, digits, _",
    placeholder: "e.g. order_status", testid: "intent-input" });
  const form = el("form", { class: "intent-form", testid: "intent-form" },
    input, el("datalist", { id: listId }, ...[...known].map((i) => el("option", { value: i }))),
    el("button", { type: "submit", class: "primary small", testid: "intent-submit", text: "Save" }),
    el("button", { type: "button", class: "quiet small", text: "Cancel", onclick: () => form.remove() }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const intent = input.value.trim();
    if (!intent) return;
    const r = await api("POST", conversationPath(state.selected) + "/intent", { seq: ct.seq, intent });
    if (r.ok) {
      form.replaceWith(el("span", { class: "ok small", testid: "intent-saved", text: "corrected to " + intent + " — thanks" }));
    } else {
      setResult(problemText(r), true);
    }
  });
  item.append(form);
  input.focus();
}

function renderContext(view) {
  const detail = state.detail || {};
  const h = detail.handoff || {};
  const c = view.customer || h.customer || {};
  setText("cust-name", c.name || "—");
  setText("cust-phone", c.phone || "—");
  setText("cust-email", c.email || "—");
  setText("cust-id", c.id || "—");

  const audit = h.audit || {};
  setText("audit-rule", audit.rule ? audit.rule + (audit.ruleVersion ? " (v" + audit.ruleVersion + ")" : "") : view.reason || "—");
  setText("audit-observed", audit.observed ?? "—");
  setText("audit-threshold", audit.threshold ?? "—");

  const slots = h.collectedData || [];
  $("slots").replaceChildren(...slots.flatMap((s) => [
    el("dt", { text: String(s.type || "").toLowerCase().replace(/_/g, " ") }),
    el("dd", { testid: "slot", text: s.value })]));
  $("slots-empty").hidden = slots.length > 0;

  const suggested = h.suggestedReply || h.suggestedFirstReply || view.suggestedReply || null;
  const suggestedText = suggested && typeof suggested === "object" ? suggested.text : suggested;
  $("suggested-card").hidden = !suggestedText;
  setText("suggested", suggestedText || "");

  const previous = (detail.previous || []).filter((p) => p.conversationId !== view.conversationId);
  $("previous").replaceChildren(...previous.map((p) => el("li", {},
    el("button", { type: "button", class: "link", testid: "previous-conversation", onclick: () => { remember(p); openConversation(p.conversationId); } },
      el("span", { class: "mono", text: p.conversationId }), " ",
      el("span", { class: "muted small", text: [p.channel, p.reason === "MISSED_CALL" ? "missed call" : null,
        p.conversationId === view.followsMissedCall ? "this conversation follows it" : null,
        p.status === "bot" ? "answered by the bot" : p.status, p.resolutionCode, clock(p.updatedAt)].filter(Boolean).join(" · ") })))));
  $("previous-empty").hidden = previous.length > 0;

  renderSentiment();
}

// A small line chart of the customer's sentiment (-1..1), drawn with DOM APIs.
function renderSentiment() {
  const NS = "http://www.w3.org/2000/svg";
  const scores = state.turns
    .filter((t) => t.turn.speaker === "CUSTOMER" && typeof t.turn.sentimentScore === "number")
    .map((t) => t.turn.sentimentScore);
  const box = $("sentiment-chart");
  if (!scores.length) {
    box.replaceChildren(el("p", { class: "muted small", text: "No scored messages yet." }));
    setText("sentiment-now", "");
    return;
  }
  const W = 260, H = 70, pad = 6;
  const x = (i) => scores.length === 1 ? W / 2 : pad + (i * (W - 2 * pad)) / (scores.length - 1);
  const y = (s) => pad + ((1 - Math.max(-1, Math.min(1, s))) / 2) * (H - 2 * pad);
  const svg = document.createElementNS(NS, "svg");
  const attrs = (node, a) => { for (const [k, v] of Object.entries(a)) node.setAttribute(k, String(v)); return node; };
  attrs(svg, { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
    "aria-label": "Sentiment of the customer's messages, latest " + scores[scores.length - 1].toFixed(2) });
  svg.append(attrs(document.createElementNS(NS, "line"), { x1: 0, x2: W, y1: y(0), y2: y(0), class: "zero" }));
  svg.append(attrs(document.createElementNS(NS, "polyline"), {
    points: scores.map((s, i) => x(i).toFixed(1) + "," + y(s).toFixed(1)).join(" "), class: "trend" }));
  scores.forEach((s, i) => {
    const dot = attrs(document.createElementNS(NS, "circle"), { cx: x(i), cy: y(s), r: 3, class: s < -0.3 ? "neg" : s > 0.3 ? "pos" : "neu" });
    const title = document.createElementNS(NS, "title");
    title.textContent = s.toFixed(2);
    dot.append(title);
    svg.append(dot);
  });
  box.replaceChildren(svg);
  const last = scores[scores.length - 1];
  setText("sentiment-now", "now " + last.toFixed(2));
}

// ---------------------------------------------------------------------------------------------
// Actions. A refused action shows the problem's detail (e.g. "dan has it"), never "done".

function setResult(text, error) {
  const node = $("action-result");
  node.textContent = text;
  node.classList.toggle("error", Boolean(error));
}

const DONE = { claim: "Claimed — it's yours", reply: "Sent", note: "Note added", transfer: "Transferred",
  "hand-back": "Handed back to the bot", resolve: "Resolved" };

async function act(action, body) {
  const id = state.selected;
  if (!id) return null;
  setResult("…");
  const r = await api("POST", conversationPath(id) + "/" + action, body);
  if (state.selected !== id) return r;
  if (r.status === 200) {
    setResult(r.body.outcome === "DUPLICATE" ? DONE[action] + " (already done)" : DONE[action]);
  } else if (r.status === 202) {
    setResult("Accepted; Baton applies it in a moment");
  } else {
    setResult(problemText(r), true);
  }
  return r;
}

async function claim(id) {
  if (id !== state.selected) await openConversation(id);
  const r = await act("claim");
  if (r && r.ok && r.body.owner) {
    const view = state.conversations.get(id);
    if (view && r.status === 200) {
      // The claimed event will follow; show the new owner now.
      remember({ ...view, owner: r.body.owner, status: "assigned", offeredTo: null, updatedAt: new Date().toISOString() });
      renderList();
      renderConversation();
    }
  }
  dismissOffer(id);
}

async function send() {
  const box = $("reply");
  const text = box.value.trim();
  if (!text || $("send").disabled) return;
  const action = state.composeMode === "note" ? "note" : "reply";
  const r = await act(action, { text });
  if (r && (r.status === 200 || r.status === 202)) box.value = "";
}

// While the owner types a reply, a web chat visitor's widget shows "<name> is typing": one call
// per TYPING_EVERY_MS at most (the gateway coalesces too), never for a note.
const TYPING_EVERY_MS = 3000;
const typingSent = { id: null, at: 0 };

function typed() {
  const id = state.selected;
  const view = id && state.conversations.get(id);
  if (!view || state.composeMode !== "reply" || view.channel !== "WEBCHAT"
      || view.owner !== state.me.agentId || view.status !== "assigned") return;
  const now = Date.now();
  if (typingSent.id === id && now - typingSent.at < TYPING_EVERY_MS) return;
  typingSent.id = id;
  typingSent.at = now;
  api("POST", conversationPath(id) + "/typing");
}

function setComposeMode(mode) {
  state.composeMode = mode;
  $("composer").dataset.mode = mode;
  $("mode-reply").setAttribute("aria-pressed", String(mode === "reply"));
  $("mode-note").setAttribute("aria-pressed", String(mode === "note"));
  $("reply").placeholder = mode === "reply"
    ? "Reply to the customer — Enter sends, Shift+Enter for a new line"
    : "Internal note, never sent to the customer — Enter adds it";
  $("send").textContent = mode === "reply" ? "Send" : "Add note";
  renderConversation();
  $("reply").focus();
}

function openDialog(id) {
  const dialog = $(id);
  dialog.returnValue = "";
  dialog.showModal();
}

// ---------------------------------------------------------------------------------------------
// Supervisor view.

async function refreshSupervisor() {
  if (!isSupervisor()) return;
  const r = await api("GET", "/v1/agent/supervisor");
  if (!r.ok) return;
  state.supervisor = r.body;
  renderSupervisor();
}

let supervisorTimer = null;
function refreshSupervisorSoon() {
  if (!isSupervisor()) return;
  clearTimeout(supervisorTimer);
  supervisorTimer = setTimeout(refreshSupervisor, 300);
}

function renderSupervisor() {
  const s = state.supervisor;
  if (!s) return;
  setText("stat-waiting", s.waiting ?? 0);
  // The longest wait keeps ticking between reads while someone is waiting.
  const longest = $("stat-longest");
  if ((s.waiting || 0) > 0) {
    longest.dataset.since = new Date(Date.now() - (s.longestWaitSeconds || 0) * 1000).toISOString();
    tick(longest.parentElement);
  } else {
    delete longest.dataset.since;
    longest.textContent = "0s";
  }
  setText("stat-online", s.agentsOnline ?? 0);
  $("agents").replaceChildren(...(s.agents || []).map((a) => el("tr", { testid: "agent-row", "data-agent-id": a.agentId },
    el("th", { scope: "row" }, el("span", { text: a.name || a.agentId }), " ", el("span", { class: "muted mono small", text: a.agentId })),
    el("td", {}, el("span", { class: "presence-badge", "data-status": a.presence, testid: "agent-presence", text: a.presence })),
    el("td", {}, el("meter", { min: "0", max: String(a.capacity || 1), value: String(a.load || 0), "aria-label": "load" }), " ",
      el("span", { testid: "agent-load", text: (a.load ?? 0) + " / " + (a.capacity ?? "?") })),
    el("td", { class: "small", text: (a.skills || []).join(", ") || "all queues" }))));
  setText("team-updated", "updated " + new Date().toLocaleTimeString());
  renderWaiting();
}

// The conversations waiting for a person, most urgent first (from the desk's own lists).
function renderWaiting() {
  const waiting = [...state.conversations.values()]
    .filter((v) => v.status === "queued" || v.status === "offered")
    .sort((a, b) => (a.priority || 9) - (b.priority || 9) || (Date.parse(a.waitingSince) || 0) - (Date.parse(b.waitingSince) || 0));
  $("waiting").replaceChildren(...waiting.map((v) => el("tr", { testid: "waiting-row", "data-conversation-id": v.conversationId },
    el("td", {}, el("span", { class: "badge p" + v.priority, text: "P" + (v.priority || "?") })),
    el("th", { scope: "row" }, el("button", { type: "button", class: "link", text: customerLabel(v.customer),
      onclick: () => { showView("desk"); openConversation(v.conversationId); } })),
    el("td", { class: "mono small", text: v.conversationId }),
    el("td", {}, el("span", { class: "badge skill", text: v.skill || "—" })),
    el("td", { class: "wait", "data-since": v.waitingSince || "" }),
    el("td", { class: "small", text: v.status === "offered" && v.offeredTo ? "offered to " + agentName(v.offeredTo) : "queued" }))));
  $("waiting-empty").hidden = waiting.length > 0;
  tick($("waiting"));
}

function showView(view) {
  state.view = view;
  $("desk").hidden = view !== "desk";
  $("team").hidden = view !== "team";
  $("view-desk").setAttribute("aria-pressed", String(view === "desk"));
  $("view-team").setAttribute("aria-pressed", String(view === "team"));
  if (view === "team") {
    refreshSupervisor();
    refreshList("all");
  }
}

// ---------------------------------------------------------------------------------------------
// The event stream. EventSource cannot send Authorization, so the stream is read with fetch and
// parsed here; the last id goes back as Last-Event-ID on every reconnect.

function setConnection(text, kind) {
  const node = $("connection");
  node.textContent = text;
  node.dataset.state = kind;
}

async function connect() {
  let delay = 1000;
  while (state.token) {
    const controller = new AbortController();
    state.stream = controller;
    try {
      const headers = { "Authorization": "Bearer " + state.token, "Accept": "text/event-stream" };
      if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
      const response = await fetch("/v1/agent/stream", { headers, signal: controller.signal });
      if (response.status === 401) {
        signOut("Your token was refused; sign in again.");
        return;
      }
      if (response.status === 429) {
        setConnection("too many open desktops; retrying", "error");
        await sleep(15000);
        continue;
      }
      if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
      setConnection("live", "live");
      delay = 1000;
      if ($("presence").dataset.status === "offline") setPresence("online");
      await readEvents(response.body.getReader());
    } catch (e) {
      if (controller.signal.aborted) return;
      console.warn("stream", e);
    }
    if (!state.token || state.stream !== controller) return;
    setConnection("reconnecting…", "connecting");
    await sleep(delay);
    delay = Math.min(delay * 2, 15000);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function readEvents(reader) {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (event.id !== undefined) state.lastEventId = event.id;
        if (event.data.length) {
          let data = null;
          try { data = JSON.parse(event.data.join("\n")); } catch (e) { console.error("unreadable event", e); }
          if (data) {
            if ((event.name || data.type) === "overflow") {
              // The gateway ended this stream because we fell behind: reconnect with
              // Last-Event-ID and it sends what we missed.
              await reader.cancel().catch(() => undefined);
              return;
            }
            try { handle(event.name || data.type || "message", data); } catch (e) { console.error("event", event.name, e); }
          }
        }
        event = { data: [] };
      } else if (line.startsWith(":")) {
        // comment: keep-alive
      } else {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") event.data.push(val);
        else if (field === "event") event.name = val;
        else if (field === "id" && !val.includes("\0")) event.id = val;
      }
    }
  }
}

function handle(type, data) {
  const view = data.conversation;
  const me = state.me;
  if (type !== "presence" && type !== "reset" && (!view || !view.conversationId)) {
    console.warn("event without a conversation", type);
    return;
  }
  switch (type) {
    case "handoff": {
      // News to this agent: handed over since signing in (a list read may have brought it a
      // moment before its event), or a new episode of a conversation we hold. Old handoffs
      // replayed on connect are not news.
      const known = state.conversations.get(view.conversationId);
      const fresh = (Date.parse(view.waitingSince) || 0) >= state.signedInAt - 5000
        || (known !== undefined && known.handoffId !== view.handoffId);
      remember(view);
      if (fresh && !state.announced.has(view.handoffId) && view.conversationId !== state.selected) {
        state.announced.add(view.handoffId);
        bumpUnread(view.conversationId);
        alertAgent(view);
      }
      break;
    }
    case "offered": {
      remember(view);
      if (data.offeredTo === me.agentId) offer(view, data.expiresAt);
      break;
    }
    case "claimed": {
      remember(view);
      dismissOffer(view.conversationId);
      if (view.conversationId === state.selected && data.by !== me.agentId) {
        setResult((agentName(data.by) || "another agent") + " took this conversation");
      }
      refreshSupervisorSoon();
      break;
    }
    case "message": {
      remember(view);
      const turn = asConversationTurn(data.turn);
      if (turn && data.delivery) turn.delivery = data.delivery;
      if (view.conversationId === state.selected && turn) {
        const last = state.turns.length ? state.turns[state.turns.length - 1].seq : -1;
        if (turn.seq > last + 1) {
          // A gap (a reconnect, a page not loaded): fetch what is missing.
          loadTurns(view.conversationId, last + 1).then((more) => {
            if (state.selected !== view.conversationId) return;
            mergeTurns(more); renderConversation();
          });
        }
        mergeTurns([turn]);
        if (document.hidden && turn.turn.speaker === "CUSTOMER") bumpUnread(view.conversationId);
      } else if (turn && turn.turn.speaker === "CUSTOMER" && (view.owner === me.agentId || !view.owner)) {
        bumpUnread(view.conversationId);
      }
      break;
    }
    case "updated":
      remember(view);
      break;
    case "delivery": {
      // Changes no list: only the mark on the open conversation's turn. A status can come before
      // its turn; it is held until the turn is shown.
      remember(view);
      if (view.conversationId !== state.selected || !data.messageId) return;
      if (supersedes(data.delivery, state.deliveries.get(data.messageId))) state.deliveries.set(data.messageId, data.delivery);
      renderTranscript();
      return;
    }
    case "resolved":
    case "handed-back":
      remember(view);
      dismissOffer(view.conversationId);
      state.unread.delete(view.conversationId);
      if (view.conversationId === state.selected && data.by && data.by !== me.agentId) {
        setResult(agentName(data.by) + (type === "resolved" ? " resolved it" : " handed it back to the bot"));
      }
      if (view.conversationId === state.selected) catchUpTurns(view.conversationId);
      refreshSupervisorSoon();
      break;
    case "reassigned":
      remember(view);
      if (data.to === me.agentId) {
        bumpUnread(view.conversationId);
        toast(customerLabel(view.customer) + " was assigned to you" + (data.why ? " (" + data.why + ")" : ""), "info");
        alertAgent(view);
      } else if (data.from === me.agentId) {
        toast(customerLabel(view.customer) + " went to " + (data.to ? agentName(data.to) : "the queue") + (data.why ? " (" + data.why + ")" : ""), "info");
      }
      refreshSupervisorSoon();
      break;
    case "presence":
      if (data.agentId === me.agentId && data.status) showPresence(data.status);
      if (state.supervisor) {
        const agent = (state.supervisor.agents || []).find((a) => a.agentId === data.agentId);
        if (agent) Object.assign(agent, { presence: data.status, load: data.load, capacity: data.capacity });
        renderSupervisor();
      }
      refreshSupervisorSoon();
      break;
    case "reset":
      // Our Last-Event-ID was older than the gateway keeps: everything we hold may be stale.
      state.conversations.clear();
      state.unread.clear();
      (data.conversations || []).forEach(remember);
      if (state.selected) openConversation(state.selected);
      refreshSupervisorSoon();
      break;
    default:
      return;
  }
  if (view && view.conversationId === state.selected && type !== "reset") renderConversation();
  renderList();
  refreshSoon();
}

// The turns that close a conversation (the bot saying the hand-back message, "resolved by …")
// come with no message event: the gateway sends those only while people have the conversation.
// Read them from the transcript, and once more a moment later, as the transcript is fed apart
// from the actions' results and may not have them yet.
function catchUpTurns(id) {
  const read = () => {
    if (state.selected !== id) return;
    const last = state.turns.length ? state.turns[state.turns.length - 1].seq : -1;
    loadTurns(id, last + 1).then((more) => {
      if (state.selected !== id || !more.length) return;
      mergeTurns(more);
      renderConversation();
    });
  };
  read();
  setTimeout(read, 1500);
}

function bumpUnread(id) {
  state.unread.set(id, (state.unread.get(id) || 0) + 1);
  updateTitle();
}

function offer(view, expiresAt) {
  dismissOffer(view.conversationId);
  const accept = el("button", { type: "button", class: "primary", testid: "offer-accept", text: "Accept",
    onclick: () => claim(view.conversationId) });
  const decline = el("button", { type: "button", class: "quiet", text: "Later", onclick: () => dismissOffer(view.conversationId) });
  const node = toast("Offered to you: " + customerLabel(view.customer) + " — " + (view.summary || view.reason || ""), "offer", [accept, decline]);
  node.dataset.testid = "offer";
  state.offers.set(view.conversationId, node);
  const left = Date.parse(expiresAt) - Date.now();
  if (left > 0) setTimeout(() => dismissOffer(view.conversationId), left);
  alertAgent(view);
}

function dismissOffer(id) {
  const node = state.offers.get(id);
  if (node) node.remove();
  state.offers.delete(id);
}

// ---------------------------------------------------------------------------------------------
// Wiring.

function wire() {
  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = $("token").value.trim();
    $("token").value = "";
    if (token) signIn(token);
  });
  $("sign-out").addEventListener("click", () => signOut());
  $("presence").addEventListener("click", togglePresence);
  $("notify").addEventListener("change", toggleNotify);
  $("view-desk").addEventListener("click", () => showView("desk"));
  $("view-team").addEventListener("click", () => showView("team"));

  const tabs = [...document.querySelectorAll(".tab")];
  tabs.forEach((button, i) => {
    button.addEventListener("click", () => selectTab(button.dataset.view));
    button.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next.dataset.view);
    });
  });

  let searchTimer = null;
  $("search").addEventListener("input", () => {
    state.query = $("search").value;
    state.serverMatches = new Set();
    renderList();
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => refreshList(state.tab), 250);
  });

  $("queue-list").addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); moveSelection(1); }
    if (e.key === "ArrowUp") { e.preventDefault(); moveSelection(-1); }
  });

  $("claim").addEventListener("click", () => claim(state.selected));
  $("composer").addEventListener("submit", (e) => { e.preventDefault(); send(); });
  $("reply").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  $("reply").addEventListener("input", typed);
  $("mode-reply").addEventListener("click", () => setComposeMode("reply"));
  $("mode-note").addEventListener("click", () => setComposeMode("note"));
  $("canned").addEventListener("change", () => {
    const reply = (state.me.cannedReplies || [])[Number($("canned").value)];
    $("canned").value = "";
    if (!reply) return;
    const box = $("reply");
    box.value = box.value ? box.value.replace(/\s*$/, " ") + reply.text : reply.text;
    box.focus();
  });
  $("use-suggested").addEventListener("click", () => {
    $("reply").value = $("suggested").textContent;
    setComposeMode("reply");
  });

  $("transfer").addEventListener("click", () => openDialog("transfer-dialog"));
  $("transfer-dialog").addEventListener("close", () => {
    if ($("transfer-dialog").returnValue !== "ok") return;
    const kind = document.querySelector('input[name="transfer-kind"]:checked').value;
    act("transfer", kind === "agent" ? { toAgent: $("transfer-agent").value } : { toSkill: $("transfer-skill").value });
  });
  $("hand-back").addEventListener("click", () => { $("handback-message").value = ""; openDialog("handback-dialog"); });
  $("handback-dialog").addEventListener("close", () => {
    if ($("handback-dialog").returnValue !== "ok") return;
    const message = $("handback-message").value.trim();
    act("hand-back", message ? { message } : undefined);
  });
  $("resolve").addEventListener("click", () => openDialog("resolve-dialog"));
  $("resolve-dialog").addEventListener("close", () => {
    if ($("resolve-dialog").returnValue !== "ok") return;
    const code = $("resolve-code").value;
    act("resolve", code ? { code } : undefined);
  });

  // j / k move in the list, / searches: only when not typing somewhere.
  document.addEventListener("keydown", (e) => {
    if (!state.me || e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = e.target instanceof Element && e.target.closest("input, textarea, select, dialog, [contenteditable]");
    if (typing) return;
    if (e.key === "j") { e.preventDefault(); moveSelection(1); }
    else if (e.key === "k") { e.preventDefault(); moveSelection(-1); }
    else if (e.key === "/") { e.preventDefault(); $("search").focus(); }
  });

  setInterval(() => tick(), 1000);
  document.addEventListener("visibilitychange", updateTitle);
}

wire();
if (state.token) signIn(state.token); else showLogin();
