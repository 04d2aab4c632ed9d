// Baton agent desktop. Every value from the server is put on the page with textContent, never
// as HTML, so nothing a customer writes can run in the agent's browser.
"use strict";

const state = { token: sessionStorage.getItem("baton.token"), lastEventId: null, cards: new Map() };
const $ = (id) => document.getElementById(id);

function setStatus(text) { $("status").textContent = text; }

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function render(h) {
  const card = $("card").content.firstElementChild.cloneNode(true);
  const who = h.customer ? (h.customer.name || h.customer.phone || h.customer.email || h.customer.id) : "unknown customer";
  card.querySelector(".customer").textContent = who;
  card.querySelector(".reason").textContent = h.reason;
  const priority = card.querySelector(".priority");
  priority.textContent = "P" + h.priority;
  priority.classList.add("p" + h.priority);
  card.querySelector(".skill").textContent = h.skill || "";
  card.querySelector(".channel").textContent = h.channel || "";
  card.querySelector(".follow-up").hidden = !h.followUp;
  card.querySelector(".summary").textContent = h.summary || "";
  const data = card.querySelector(".data");
  for (const slot of h.collectedData || []) {
    data.append(el("dt", null, slot.type), el("dd", null, slot.value));
  }
  const transcript = card.querySelector(".transcript");
  for (const turn of h.transcript || []) {
    const li = el("li", turn.speaker);
    li.append(el("span", "who", turn.speaker.toLowerCase()), el("span", null, turn.text));
    const meta = [turn.at ? new Date(turn.at).toLocaleTimeString() : null, turn.intent, turn.sentiment].filter(Boolean).join(" · ");
    li.append(el("span", "meta", meta));
    transcript.append(li);
  }
  if (h.audit) {
    card.querySelector(".audit").textContent =
      "Rule " + h.audit.rule + " (v" + h.audit.ruleVersion + "): observed " + h.audit.observed +
      ", threshold " + h.audit.threshold + ", event " + h.audit.eventId;
  }
  card.querySelectorAll("button[data-action]").forEach((button) => {
    button.addEventListener("click", () => act(h.conversationId, button.dataset.action, card));
  });
  return card;
}

function show(h) {
  $("empty").hidden = true;
  const card = render(h);
  const old = state.cards.get(h.handoffId);
  if (old) old.replaceWith(card); else $("queue").prepend(card);
  state.cards.set(h.handoffId, card);
}

function outcomeText(action, status, body) {
  if (status === 200) return body.outcome === "DUPLICATE" ? action + ": already done" : action + ": done";
  if (status === 202) return action + ": stored, being applied";
  return body.detail || ("failed: HTTP " + status);
}

async function act(conversationId, action, card) {
  const init = {
    method: "POST",
    headers: { "Authorization": "Bearer " + state.token, "Idempotency-Key": crypto.randomUUID() },
  };
  if (action === "reply") {
    const text = card.querySelector("textarea").value.trim();
    if (!text) return;
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ text });
  }
  const result = card.querySelector(".result");
  try {
    const response = await fetch("/v1/agent/conversations/" + encodeURIComponent(conversationId) + "/" + action, init);
    const body = await response.json().catch(() => ({}));
    // 200: applied (or already applied); 202: stored, not yet applied; otherwise the problem's detail
    // (e.g. "cannot claim: bob owns this conversation") - a refused action never reads as success.
    result.textContent = outcomeText(action, response.status, body);
    if (response.ok && action === "reply") card.querySelector("textarea").value = "";
  } catch (e) {
    result.textContent = "failed: " + e.message;
  }
}

// EventSource cannot send an Authorization header, so the stream is read with fetch.
async function connect() {
  while (state.token) {
    try {
      const headers = { "Authorization": "Bearer " + state.token, "Accept": "text/event-stream" };
      if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
      const response = await fetch("/v1/agent/stream", { headers });
      if (response.status === 401) {
        sessionStorage.removeItem("baton.token");
        state.token = null;
        setStatus("token refused");
        $("login").hidden = false;
        return;
      }
      if (response.status === 429) {
        // Too many open streams for this agent (other tabs): wait longer before trying again.
        setStatus("too many open desktops for this agent; retrying…");
        await new Promise((r) => setTimeout(r, 15000));
        continue;
      }
      setStatus("connected");
      await readEvents(response.body.getReader());
    } catch (e) {
      setStatus("reconnecting…");
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function readEvents(reader) {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line === "") {
        if (event.name === "overflow") {
          // The gateway ended this stream because we fell behind: reconnect with Last-Event-ID
          // and the replay brings what we missed.
          await reader.cancel();
          return;
        }
        if (event.data.length) {
          if (event.id) state.lastEventId = event.id;
          try { show(JSON.parse(event.data.join("\n"))); } catch (e) { console.error("bad event", e); }
        }
        event = { data: [] };
      } else if (line.startsWith("data:")) {
        event.data.push(line.slice(5).replace(/^ /, ""));
      } else if (line.startsWith("event:")) {
        event.name = line.slice(6).trim();
      } else if (line.startsWith("id:")) {
        event.id = line.slice(3).trim();
      }
    }
  }
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  state.token = $("token").value.trim();
  $("token").value = "";
  sessionStorage.setItem("baton.token", state.token);
  start();
});

function start() {
  $("login").hidden = true;
  $("queue").hidden = false;
  setStatus("connecting…");
  connect();
}

if (state.token) start();
