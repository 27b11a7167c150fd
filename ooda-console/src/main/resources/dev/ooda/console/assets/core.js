// The console's core: the signed-in session, calls to the admin API, the router (every page and
// its state is a URL), live updates from the change watch, keyboard navigation.
'use strict';
const Ooda = window.Ooda = { pages: {} };

// ---- session: the admin token stays in this tab's session storage, never in a cookie or a URL the server sees
Ooda.session = {
  get() { const t = sessionStorage.getItem('ooda.token'); return t ? { token: t, name: sessionStorage.getItem('ooda.name'), scope: sessionStorage.getItem('ooda.scope') } : null; },
  set(token, name, scope) { sessionStorage.setItem('ooda.token', token); sessionStorage.setItem('ooda.name', name); sessionStorage.setItem('ooda.scope', scope); },
  clear() { ['ooda.token', 'ooda.name', 'ooda.scope'].forEach(k => sessionStorage.removeItem(k)); },
  // read < write < admin; the API refuses what the scope does not allow, the console also hides it
  canWrite() { const s = this.get(); return !!s && (s.scope === 'write' || s.scope === 'admin'); },
  isAdmin() { const s = this.get(); return !!s && s.scope === 'admin'; },
};

// ---- HTTP: every error is a problem document; it is thrown as an Error carrying it
class ProblemError extends Error {
  constructor(problem) { super(problem.detail || problem.title || ('HTTP ' + problem.status)); this.problem = problem; }
}
Ooda.ProblemError = ProblemError;
Ooda.api = async function (path, options = {}) {
  const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
  const s = Ooda.session.get();
  if (s) headers['Authorization'] = 'Bearer ' + s.token;
  let body = options.body;
  if (body !== undefined && typeof body !== 'string') { body = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  const res = await fetch(path, { method: options.method || 'GET', headers, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!res.ok) {
    throw new ProblemError(json && (json.type || json.detail) ? json
      : { type: 'urn:ooda:problem:http-' + res.status, status: res.status, detail: (text || res.statusText).slice(0, 300) });
  }
  return json;
};
// A call whose absence is normal (a service without traces): null instead of an error on 404
Ooda.apiOrNull = async (path) => { try { return await Ooda.api(path); } catch (e) { if (e.problem && e.problem.status === 404) return null; throw e; } };

// ---- building HTML safely
const esc = Ooda.esc = (v) => String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
Ooda.html = (strings, ...values) => strings.reduce((out, s, i) => out + s + (i < values.length ? (values[i] && values[i].__html !== undefined ? values[i].__html : esc(values[i])) : ''), '');
Ooda.raw = (s) => ({ __html: s });
Ooda.problemBox = (e) => `<div class="problem" role="alert"><strong>${esc(e.problem ? (e.problem.title || 'Refused') : 'Error')}</strong>${e.problem && e.problem.status ? ' (' + esc(e.problem.status) + ')' : ''}: <span class="detail">${esc(e.message)}</span></div>`;

// ---- figures, in the viewer's own time zone and locale
Ooda.fmt = {
  time(ms) { return ms ? new Date(ms).toLocaleString() : '—'; },
  ms(v) { return v === undefined || v === null ? '—' : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ms'; },
  pct(v) { return v === undefined || v === null ? '—' : (v * 100).toFixed(v < 0.1 ? 1 : 0) + '%'; },
  rate(v) { return v === undefined || v === null ? '—' : (v >= 10 ? v.toFixed(0) : v.toFixed(2)) + '/s'; },
  health(errorRate) { return errorRate === undefined || errorRate === null ? 'muted' : errorRate >= 0.05 ? 'bad' : errorRate > 0 ? 'warn' : 'ok'; },
};

// ---- router: /console/<page>[/<arg>]?<state>
Ooda.params = () => new URLSearchParams(location.search);
Ooda.setParams = (values) => {  // keeps a page's state in its URL without a new history entry
  const p = Ooda.params();
  for (const [k, v] of Object.entries(values)) { if (v === undefined || v === null || v === '') p.delete(k); else p.set(k, v); }
  const q = p.toString();
  history.replaceState(null, '', location.pathname + (q ? '?' + q : ''));
};
Ooda.go = (url) => { history.pushState(null, '', url); Ooda.render(); };
let current = { page: null, cleanup: [] };
Ooda.onLeave = (fn) => current.cleanup.push(fn);
Ooda.render = async function () {
  current.cleanup.forEach(fn => { try { fn(); } catch (e) { /* ignore */ } });
  current = { page: null, cleanup: [] };
  const parts = location.pathname.replace(/^\/console\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  let page = parts[0] || 'services';
  if (page !== 'signin' && !Ooda.session.get()) {
    const next = location.pathname + location.search;
    history.replaceState(null, '', '/console/signin?next=' + encodeURIComponent(next));
    page = 'signin';
  }
  // A list's page and one item's page: /console/traces and /console/traces/ID
  const ONE = { services: 'service', traces: 'trace', experiments: 'experiment', contracts: 'contract', deployments: 'deployment' };
  const list = page;
  if (ONE[page] && parts.length > 1) page = ONE[page];
  current.page = page;
  const main = document.getElementById('main');
  document.querySelectorAll('nav a').forEach(a => a.toggleAttribute('aria-current', false));
  const navPage = ONE[list] ? list : page;
  const link = document.querySelector(`nav a[data-page="${navPage}"]`);
  if (link) link.setAttribute('aria-current', 'page');
  Ooda.showWho();
  const view = Ooda.pages[page];
  if (!view) { main.innerHTML = `<h1>Not found</h1><p>No page <code>${esc(location.pathname)}</code>. <a href="/console/services">Services</a></p>`; return; }
  main.innerHTML = '<p class="muted">Loading…</p>';
  try {
    await view(main, parts.slice(1));
  } catch (e) {
    main.innerHTML = Ooda.problemBox(e);
  }
  document.title = (main.querySelector('h1')?.textContent || 'ooda') + ' · ooda console';
};
Ooda.showWho = () => {
  const s = Ooda.session.get();
  const who = document.getElementById('who');
  who.innerHTML = s ? `Signed in as <strong>${esc(s.name)}</strong> (scope <span id="scope">${esc(s.scope)}</span>) · <a href="#" id="signout">Sign out</a>` : '';
  const out = document.getElementById('signout');
  if (out) out.onclick = (e) => { e.preventDefault(); Ooda.session.clear(); Ooda.go('/console/signin'); };
};

// Links inside the console change the page without reloading it
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="/console/"]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || a.target) return;
  e.preventDefault();
  Ooda.go(a.getAttribute('href'));
});
window.addEventListener('popstate', () => Ooda.render());

// ---- live: one change watch for the tab; pages subscribe to the kinds they show
const watchers = new Set();
Ooda.onChange = (kinds, fn) => { const w = { kinds, fn }; watchers.add(w); Ooda.onLeave(() => watchers.delete(w)); };
// Browsers give an origin six HTTP/1.1 connections, and a change watch holds one for good: so one
// tab of this browser follows the watch (whichever holds the Web Lock) and passes each change to the
// others on a BroadcastChannel, and a page closes its watch when it is hidden or cached (bfcache).
// Reads are open, so EventSource (which cannot send a token) may follow the watch.
(function watch() {
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('ooda-watch') : null;
  let source = null; let release = null; let lastRevision = null;
  const deliver = (change) => {
    if (change.revision) lastRevision = change.revision;
    const kind = change.resource && change.resource.kind;
    for (const w of [...watchers]) if (!w.kinds || w.kinds.includes(kind)) w.fn(change);
  };
  if (channel) channel.onmessage = (m) => deliver(m.data);
  const open = () => {
    // Resumes after the last change any tab saw, so a tab taking over misses nothing
    source = new EventSource('/api/v1/watch' + (lastRevision ? '?from=' + lastRevision : ''));
    const onEvent = (ev) => {
      let change; try { change = JSON.parse(ev.data); } catch (e) { return; }
      deliver(change);
      if (channel) channel.postMessage(change);
    };
    source.addEventListener('applied', onEvent);
    source.addEventListener('deleted', onEvent);
    // Too far behind (the store keeps the last changes only): start again from now
    source.addEventListener('gone', () => { source.close(); lastRevision = null; setTimeout(open, 1000); });
  };
  const lead = () => {
    if (!navigator.locks) { open(); return; }
    navigator.locks.request('ooda-watch', () => new Promise((resolve) => { release = resolve; open(); }));
  };
  window.addEventListener('pagehide', () => {
    if (source) { source.close(); source = null; }
    if (release) { release(); release = null; }
  });
  window.addEventListener('pageshow', (e) => { if (e.persisted) lead(); });
  lead();
})();
// A figure refresh every few seconds while a page is shown (the collector has no watch)
Ooda.every = (ms, fn) => { const id = setInterval(fn, ms); Ooda.onLeave(() => clearInterval(id)); };
// Coalesces bursts of changes into one refresh
Ooda.debounce = (fn, ms = 250) => { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; };

// ---- keyboard: g+letter goes to a page, / searches, j/k move through rows, Enter opens, ? helps
let pendingG = false;
document.addEventListener('keydown', (e) => {
  const typing = e.target.closest('input, textarea, select, [contenteditable]');
  const help = document.getElementById('help');
  if (e.key === 'Escape') { help.hidden = true; if (typing) e.target.blur(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (pendingG) {
    pendingG = false;
    const to = { s: 'services', r: 'routes', t: 'traces', n: 'namespaces', f: 'flags', e: 'experiments', c: 'contracts', d: 'deployments', a: 'access' }[e.key];
    if (to) { e.preventDefault(); Ooda.go('/console/' + to); }
    return;
  }
  if (e.key === 'g') { pendingG = true; return; }
  if (e.key === '?') { help.hidden = !help.hidden; return; }
  if (e.key === '/') { const s = document.querySelector('main input[type=search], main input'); if (s) { e.preventDefault(); s.focus(); } return; }
  if (e.key === 'j' || e.key === 'k') {
    const rows = [...document.querySelectorAll('main tbody tr[data-href], main .waterfall .row')];
    if (!rows.length) return;
    let i = rows.findIndex(r => r.classList.contains('selected'));
    rows.forEach(r => r.classList.remove('selected'));
    i = e.key === 'j' ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
    rows[i].classList.add('selected'); rows[i].scrollIntoView({ block: 'nearest' });
    if (rows[i].tabIndex >= 0) rows[i].focus();
    return;
  }
  if (e.key === 'Enter') {
    const row = document.querySelector('main tr.selected[data-href]');
    if (row) Ooda.go(row.dataset.href);
  }
});

// ---- sign-in
Ooda.pages.signin = async (main) => {
  const next = Ooda.params().get('next') || '/console/services';
  // `ooda console --data-dir DIR` prints a link whose fragment carries the local token: the fragment never reaches a server
  const offered = location.hash.startsWith('#token=') ? decodeURIComponent(location.hash.slice(7)) : '';
  if (offered) history.replaceState(null, '', location.pathname + location.search);
  main.innerHTML = `<div class="signin"><h1>Sign in</h1>
    <p class="muted">Paste an admin token (<code>ooda tokens create NAME --scope read|write|admin</code>, or the
    bootstrap token in <code>.ooda/admin-token</code>). With scope <em>read</em> you see everything and change nothing.
    The token is kept in this browser tab's session only.</p>
    <form id="signin-form"><label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="off" value="${esc(offered)}" required>
      <p><button class="primary" id="signin">Sign in</button></p></form><div id="signin-result"></div></div>`;
  document.getElementById('signin-form').onsubmit = async (e) => {
    e.preventDefault();
    const token = document.getElementById('token').value.trim();
    try {
      const res = await fetch('/console/api/session', { headers: { Authorization: 'Bearer ' + token } });
      const body = await res.json();
      if (!res.ok) throw new ProblemError(body);
      Ooda.session.set(token, body.name, body.scope);
      Ooda.go(next.startsWith('/console/') && !next.startsWith('/console/signin') ? next : '/console/services');
    } catch (err) {
      document.getElementById('signin-result').innerHTML = Ooda.problemBox(err);
    }
  };
  document.getElementById('token').focus();
};

document.addEventListener('DOMContentLoaded', () => Ooda.render());
