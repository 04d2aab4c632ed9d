/*
 * Baton web chat widget. Served by Baton's intake at /v1/webchat/widget.js; a tenant embeds it with
 *   <script src="https://<baton>/v1/webchat/widget.js" data-tenant="<tenant id>" async></script>
 * Plain JavaScript, no build step, no third-party code. The UI lives in a Shadow DOM, so the host
 * page's CSS neither breaks it nor is broken by it. Every text from a customer, an agent or the
 * tenant's settings is set with textContent, never parsed as HTML.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.getAttribute('data-tenant')) {
    return;
  }
  var tenant = script.getAttribute('data-tenant');
  var api = script.src.replace(/\/v1\/webchat\/widget\.js(\?.*)?$/, '') + '/v1/webchat/' + encodeURIComponent(tenant);
  var storageKey = 'baton-webchat:' + tenant;
  var PERSON_TEXT = "I'd like to talk to a person, please.";
  var TYPING_SHOWN_MS = 6000;
  var UNAVAILABLE = 'Chat is unavailable right now.';

  var session = null;
  var source = null;
  var shown = {};
  var typingTimer = null;
  var starting = null;
  var RECONNECT_MAX_MS = 30000;
  var reconnectMs = 0;
  var reconnectTimer = null;

  // ---------------------------------------------------------------- the UI (Shadow DOM)
  var host = document.createElement('div');
  host.setAttribute('data-baton-webchat', tenant);
  // Inline and important: the page's own rules for div (borders, margins) do not reach the host.
  host.setAttribute('style', 'all: initial !important;');
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = [
    ':host { all: initial; }',
    '* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }',
    '.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0; border-radius: 24px;',
    '  padding: 12px 18px; background: #1f5fbf; color: #fff; font-size: 15px; cursor: pointer;',
    '  box-shadow: 0 4px 14px rgba(0,0,0,.25); }',
    '.panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000; width: 340px; max-width: calc(100vw - 40px);',
    '  height: 480px; max-height: calc(100vh - 100px); display: none; flex-direction: column; background: #fff;',
    '  color: #1b1b1b; border-radius: 12px; overflow: hidden; box-shadow: 0 8px 30px rgba(0,0,0,.3); font-size: 14px; }',
    '.panel.open { display: flex; }',
    '.head { background: #1f5fbf; color: #fff; padding: 10px 14px; }',
    '.title { font-weight: 600; font-size: 15px; }',
    '.disclosure { font-size: 12px; opacity: .92; margin-top: 3px; line-height: 1.3; }',
    '.log { flex: 1; overflow-y: auto; padding: 10px; background: #f4f6f9; }',
    '.msg { margin: 6px 0; padding: 8px 10px; border-radius: 10px; max-width: 85%; white-space: pre-wrap;',
    '  overflow-wrap: anywhere; line-height: 1.35; }',
    '.msg.customer { margin-left: auto; background: #1f5fbf; color: #fff; }',
    '.msg.bot, .msg.agent { background: #fff; border: 1px solid #dde2ea; }',
    '.msg .who { display: block; font-size: 11px; color: #5a6472; margin-bottom: 2px; }',
    '.notice { text-align: center; font-size: 12px; color: #4a5563; margin: 8px 0; }',
    '.typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #5a6472; font-style: italic; }',
    '.person { margin: 0 10px 6px; border: 1px solid #1f5fbf; background: #fff; color: #1f5fbf; border-radius: 14px;',
    '  padding: 5px 10px; font-size: 13px; cursor: pointer; align-self: flex-start; }',
    '.person:disabled { opacity: .5; cursor: default; }',
    '.choices { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0 8px; }',
    '.choice { border: 1px solid #1f5fbf; background: #fff; color: #1f5fbf; border-radius: 14px; padding: 5px 10px;',
    '  font-size: 13px; cursor: pointer; }',
    'form { display: flex; gap: 6px; padding: 8px 10px 10px; border-top: 1px solid #e3e7ee; }',
    'textarea { flex: 1; resize: none; height: 40px; border: 1px solid #c8cfda; border-radius: 8px; padding: 8px;',
    '  font-size: 14px; color: #1b1b1b; background: #fff; }',
    '.send { border: 0; border-radius: 8px; background: #1f5fbf; color: #fff; padding: 0 14px; cursor: pointer; }',
    '.error { color: #a4262c; font-size: 12px; padding: 0 12px; min-height: 0; }'
  ].join('\n');
  root.appendChild(style);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }

  var launcher = el('button', 'launcher', 'Chat with us');
  launcher.type = 'button';
  launcher.setAttribute('data-testid', 'launcher');
  var panel = el('div', 'panel');
  panel.setAttribute('role', 'dialog');
  var head = el('div', 'head');
  var title = el('div', 'title', 'Chat');
  title.setAttribute('data-testid', 'title');
  var disclosure = el('div', 'disclosure', '');
  disclosure.setAttribute('data-testid', 'disclosure');
  head.appendChild(title);
  head.appendChild(disclosure);
  var log = el('div', 'log');
  log.setAttribute('data-testid', 'log');
  log.setAttribute('aria-live', 'polite');
  var typing = el('div', 'typing', '');
  typing.setAttribute('data-testid', 'typing');
  var error = el('div', 'error', '');
  error.setAttribute('data-testid', 'error');
  var person = el('button', 'person', 'Talk to a person');
  person.type = 'button';
  person.setAttribute('data-testid', 'person');
  var form = el('form');
  var input = el('textarea');
  input.setAttribute('data-testid', 'input');
  input.setAttribute('aria-label', 'Your message');
  input.placeholder = 'Type a message';
  var send = el('button', 'send', 'Send');
  send.type = 'submit';
  send.setAttribute('data-testid', 'send');
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(error);
  panel.appendChild(person);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(from, who, text, key) {
    if (key && shown[key]) { return; }
    if (key) { shown[key] = true; }
    var m = el('div', 'msg ' + from);
    m.setAttribute('data-testid', 'msg-' + from);
    if (who) { m.appendChild(el('span', 'who', who)); }
    m.appendChild(document.createTextNode(text));
    log.appendChild(m);
    scrollDown();
  }

  function notice(text, key) {
    if (key && shown[key]) { return; }
    if (key) { shown[key] = true; }
    var n = el('div', 'notice', text);
    n.setAttribute('data-testid', 'notice');
    log.appendChild(n);
    scrollDown();
  }

  // ---------------------------------------------------------------- the session
  function stored() {
    try { return window.localStorage.getItem(storageKey); } catch (e) { return null; }
  }

  function store(token) {
    try { window.localStorage.setItem(storageKey, token); } catch (e) { /* private mode: this page only */ }
  }

  function start(fresh) {
    if (starting) { return starting; }
    var previous = fresh ? null : stored();
    starting = fetch(api + '/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(previous ? { token: previous } : {})
    }).then(function (r) {
      if (!r.ok) { throw new Error('session refused: HTTP ' + r.status); }
      return r.json();
    }).then(function (s) {
      session = s;
      store(s.token);
      if (error.textContent === UNAVAILABLE) { error.textContent = ''; }
      title.textContent = s.title;
      disclosure.textContent = s.disclosure;
      if (!shown.greeting) {
        shown.greeting = true;
        bubble('bot', null, s.greeting);
      }
      listen();
      starting = null;
      return s;
    }, function (e) {
      starting = null;
      error.textContent = UNAVAILABLE;
      throw e;
    });
    return starting;
  }

  // ---------------------------------------------------------------- replies (Server-Sent Events)
  function listen() {
    if (source) { source.close(); }
    source = new EventSource(api + '/stream?token=' + encodeURIComponent(session.token));
    source.addEventListener('message', function (ev) { onMessage(JSON.parse(ev.data)); });
    source.addEventListener('joined', function (ev) {
      var d = JSON.parse(ev.data);
      notice(d.text, d.messageId);
      person.disabled = true;
    });
    source.addEventListener('typing', function (ev) {
      var d = JSON.parse(ev.data);
      typing.textContent = (d.agent || 'The agent') + ' is typing\u2026';
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.textContent = ''; }, TYPING_SHOWN_MS);
    });
    source.onopen = function () { reconnectMs = 0; };
    source.onerror = function () {
      // EventSource reconnects by itself (with Last-Event-ID) after a dropped connection. A closed
      // one was answered with an error: an expired token (401) or Baton away (502/503 during a
      // deploy), which EventSource cannot tell apart. So the session is asked again with the stored
      // token: still valid, the same conversation carries on; invalid, the server starts a new one.
      if (source.readyState === EventSource.CLOSED) {
        reconnect();
      }
    };
  }

  // Retried until it works, waiting twice as long each time (up to RECONNECT_MAX_MS).
  function reconnect() {
    if (reconnectTimer) { return; }
    reconnectMs = Math.min(reconnectMs ? reconnectMs * 2 : 1000, RECONNECT_MAX_MS);
    reconnectTimer = setTimeout(function () {
      reconnectTimer = null;
      start(false).catch(reconnect);
    }, reconnectMs);
  }

  function onMessage(d) {
    if (d.from === 'customer') {
      bubble('customer', null, d.text, d.clientId ? 'c:' + d.clientId : d.messageId);
      return;
    }
    if (d.from === 'agent') {
      typing.textContent = '';
    }
    if (shown[d.messageId]) { return; }
    bubble(d.from === 'agent' ? 'agent' : 'bot', d.from === 'agent' ? d.agent || 'Agent' : null, d.text, d.messageId);
    if (d.choices && d.choices.length) { choices(d.choices); }
  }

  // Answers the visitor can tap: each says its title, with its id, as WhatsApp's reply buttons do.
  function choices(list) {
    var row = el('div', 'choices');
    row.setAttribute('data-testid', 'choices');
    list.forEach(function (c) {
      var b = el('button', 'choice', c.title);
      b.type = 'button';
      b.setAttribute('data-testid', 'choice');
      b.addEventListener('click', function () {
        row.remove();
        say(c.title, false, c.id);
      });
      row.appendChild(b);
    });
    log.appendChild(row);
    scrollDown();
  }

  // ---------------------------------------------------------------- messages in
  function newId() {
    var b = new Uint8Array(12);
    window.crypto.getRandomValues(b);
    return 'm-' + Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  function post(message, attempt) {
    return fetch(api + '/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + session.token },
      body: JSON.stringify(message)
    }).then(function (r) {
      if (r.status === 401 && attempt < 2) {
        return start(true).then(function () { return post(message, attempt + 1); });
      }
      if ((r.status === 503 || r.status === 429) && attempt < 3) {
        return wait(1000 * (attempt + 1)).then(function () { return post(message, attempt + 1); });
      }
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      error.textContent = '';
    }, function (e) {
      // A network error: the same id again, so the message is stored once however often it is sent.
      if (attempt < 3) { return wait(1000 * (attempt + 1)).then(function () { return post(message, attempt + 1); }); }
      throw e;
    });
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function say(text, personRequested, choiceId) {
    var message = { id: newId(), text: text };
    if (personRequested) { message.personRequested = true; }
    if (choiceId) { message.choiceId = choiceId; }
    bubble('customer', null, text, 'c:' + message.id);
    var ready = session ? Promise.resolve(session) : start(false);
    return ready.then(function () { return post(message, 0); }).catch(function () {
      error.textContent = 'Your message could not be sent. Please try again.';
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    if (session && session.maxTextLength && text.length > session.maxTextLength) {
      error.textContent = 'That message is too long.';
      return;
    }
    input.value = '';
    say(text, false);
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });
  person.addEventListener('click', function () {
    person.disabled = true;
    say(PERSON_TEXT, true);
  });
  launcher.addEventListener('click', function () {
    var open = panel.classList.toggle('open');
    launcher.textContent = open ? 'Close chat' : 'Chat with us';
    if (open) {
      if (!session) { start(false).catch(function () {}); }
      input.focus();
    }
  });

  function mount() {
    document.body.appendChild(host);
    // A returning visitor's conversation carries on: replies reach the widget even before it is opened.
    if (stored()) { start(false).catch(function () {}); }
  }
  if (document.body) { mount(); } else { document.addEventListener('DOMContentLoaded', mount); }
})();
