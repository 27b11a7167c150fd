// Contracts (docs/contracts.md): per service its active contract per major version, the
// operations (deprecated ones with their sunset) and who calls them, the breaking changes a major
// version was flagged for (let through under `warn`, `off` or `unusedOk`) with their callers, and
// the changes between any two versions pushed.
'use strict';
(function () {
  const { esc, fmt } = Ooda;

  const callersText = (callers) => (callers || []).length
    ? callers.map(c => `${c.caller}: ${c.requests} request${c.requests === 1 ? '' : 's'}, last ${fmt.time(c.lastSeenMillis)}`).join('; ')
    : 'no callers in the window';
  const flagPill = (item) => item.flag ? `<span class="pill DOWN flag" title="breaking changes let through">${esc(item.flagSummary)}</span>` : '';

  Ooda.pages.contracts = async (main) => {
    main.innerHTML = `<h1>Contracts</h1><form class="bar" onsubmit="return false"><label>Search<input id="q" type="search" value="${esc(Ooda.params().get('q') || '')}" placeholder="service"></label></form><div id="contracts"></div>`;
    let items = [];
    const draw = () => {
      const q = document.getElementById('q').value.trim().toLowerCase();
      const shown = items.filter(c => !q || c.service.toLowerCase().includes(q));
      const box = document.getElementById('contracts'); if (!box) return;
      box.innerHTML = shown.length ? `<table id="contract-table"><thead><tr><th>Service</th><th>Major</th><th>Active version</th><th>Pushed</th><th>Source</th><th>Flag</th></tr></thead><tbody>${shown.map(c => {
        const href = '/console/contracts/' + encodeURIComponent(c.service);
        return `<tr data-href="${esc(href)}" data-service="${esc(c.service)}" data-major="${esc(c.major)}"><td><a href="${esc(href)}">${esc(c.service)}</a></td><td>${esc(c.major)}</td>
          <td>${esc(c.version)}</td><td>${esc(fmt.time(c.pushedAtMillis))}</td><td>${esc(c.source)}</td><td>${flagPill(c) || '<span class="muted">—</span>'}</td></tr>`;
      }).join('')}</tbody></table>` : `<p class="muted">${items.length ? 'No service matches.' : 'No contracts. A version publishes its OpenAPI document with <code>ooda contract push</code> or its registration (see docs/contracts.md).'}</p>`;
    };
    // Contracts are not resources: no change watch; read again every 10 s
    const load = async () => { items = (await Ooda.api('/api/v1/contracts')).items; draw(); };
    document.getElementById('q').oninput = (e) => { Ooda.setParams({ q: e.target.value.trim() }); draw(); };
    await load();
    Ooda.every(10000, load);
  };

  Ooda.pages.contract = async (main, args) => {
    const service = args[0];
    const p = Ooda.params();
    main.innerHTML = `<h1>Contract of <a href="/console/services/${encodeURIComponent(service)}">${esc(service)}</a></h1>
      <div id="majors"></div>
      <h2>Compare two versions</h2>
      <form class="bar" id="diff-form"><label>From<input id="from" value="${esc(p.get('from') || '')}" placeholder="v1.0.0" required></label>
        <label>To<input id="to" value="${esc(p.get('to') || '')}" placeholder="v1.1.0" required></label><button id="diff">Compare</button></form>
      <div id="diff-result"></div>`;

    async function draw() {
      const [show, used] = await Promise.all([Ooda.api('/api/v1/contracts/' + encodeURIComponent(service)),
        Ooda.api('/api/v1/contracts/' + encodeURIComponent(service) + '/callers').catch(() => ({ operations: [] }))]);
      const callersOf = (major, method, path) => (used.operations.find(o => o.major === major && o.method === method && o.path === path) || {}).callers;
      const box = document.getElementById('majors'); if (!box) return;
      box.innerHTML = (used.note ? `<div class="notice">${esc(used.note)}</div>` : '') + show.items.map(c => `<section class="major" data-major="${esc(c.major)}">
        <h2>${esc(c.major)}: ${esc(c.version)} ${flagPill(c)}</h2>
        <p class="muted">active since ${esc(fmt.time(c.pushedAtMillis))} · from ${esc(c.source)}${c.document?.info?.title ? ' · ' + esc(c.document.info.title) : ''}</p>
        ${c.flag ? `<div class="problem flagged" role="alert"><strong>Breaking changes let through</strong> in ${esc(c.flag.version)} (${esc(c.flag.reason)}); callers of ${esc(c.major)}'s older versions may be broken:
          <ul class="plain">${(c.flag.breaking || []).map(b => `<li class="change breaking">! <span class="mono">${esc(b.method)} ${esc(b.path)}</span>${b.operationId ? ` (${esc(b.operationId)})` : ''}: ${esc(b.what)}
            <div class="muted">${esc(callersText(callersOf(c.major, b.method, b.path)))}</div></li>`).join('')}</ul></div>` : ''}
        <table class="operations"><thead><tr><th>Method</th><th>Path</th><th>Operation</th><th>Deprecated</th><th>Example</th><th>Callers</th></tr></thead><tbody>
        ${(c.operations || []).map(o => `<tr data-operation="${esc(o.method + ' ' + o.path)}"><td class="mono">${esc(o.method)}</td><td class="mono">${esc(o.path)}</td><td>${esc(o.operationId || '—')}</td>
          <td>${o.deprecated || o.sunset ? `<span class="warn deprecated">deprecated${o.sunset ? ', sunset ' + esc(o.sunset) : ''}</span>` : '<span class="muted">—</span>'}</td>
          <td>${o.example ? 'yes' : '—'}</td><td>${esc(callersText(callersOf(c.major, o.method, o.path)))}</td></tr>`).join('')}</tbody></table></section>`).join('');
    }

    document.getElementById('diff-form').onsubmit = async (e) => {
      e.preventDefault();
      const from = document.getElementById('from').value.trim(); const to = document.getElementById('to').value.trim();
      Ooda.setParams({ from, to });
      const out = document.getElementById('diff-result');
      try {
        const d = await Ooda.api(`/api/v1/contracts/${encodeURIComponent(service)}/diff?` + new URLSearchParams({ from, to }));
        const breaking = d.changes.filter(c => c.breaking).length;
        out.innerHTML = `<p id="diff-summary"><strong>${esc(d.from)} → ${esc(d.to)}</strong>: ${d.changes.length} change${d.changes.length === 1 ? '' : 's'}, <span class="${breaking ? 'bad' : 'ok'}">${breaking} breaking</span></p>
          ${d.note ? `<div class="notice">${esc(d.note)}</div>` : ''}<ul class="plain" id="changes">${d.changes.map(c => `<li class="change ${c.breaking ? 'breaking' : 'compatible'}">${c.breaking ? '!' : '+'}
            <span class="mono">${esc(c.method)} ${esc(c.path)}</span>: ${esc(c.what)}${c.breaking ? `<div class="muted">${esc(callersText(c.callers))}</div>` : ''}</li>`).join('')}</ul>`;
      } catch (err) { out.innerHTML = Ooda.problemBox(err); }
    };

    await draw();
    if (p.get('from') && p.get('to')) document.getElementById('diff').click();
    Ooda.every(10000, draw);
  };
})();
