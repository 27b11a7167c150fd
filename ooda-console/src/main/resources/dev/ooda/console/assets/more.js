// Namespaces (data service), flags (variants, rules, evaluation counts, staleness) and access
// (each group and its callers, recent denials with their explanation, a what-if check).
'use strict';
(function () {
  const { esc, fmt } = Ooda;

  Ooda.pages.namespaces = async (main) => {
    main.innerHTML = '<h1>Namespaces</h1><div id="ns"></div>';
    const draw = async () => {
      const [declared, live] = await Promise.all([Ooda.api('/api/v1/namespaces'),
        Ooda.api('/console/data/v1/namespaces').catch(e => ({ error: e }))]);
      const byName = new Map(((live && live.namespaces) || []).map(n => [n.name, n]));
      const box = document.getElementById('ns'); if (!box) return;
      box.innerHTML = (live.error ? Ooda.problemBox(live.error) : '') + (declared.items.length ? declared.items.map(r => {
        const n = byName.get(r.name) || {};
        const state = n.state || 'not served';
        return `<section class="namespace" data-namespace="${esc(r.name)}"><h2>${esc(r.name)} <span class="pill ${state === 'ready' ? 'UP' : 'DOWN'}">${esc(state)}</span></h2>
          <p>owner <strong>${esc(r.spec.owner)}</strong> · backend ${esc(r.spec.backend || 'sqlite')} · schema version ${esc(n.version ?? '—')} of ${esc(n.declared ?? (r.spec.migrations || []).length)}
          ${n.database ? ' · ' + esc(n.database) : ''}${(r.spec.grants || []).length ? ' · grants: ' + r.spec.grants.map(g => esc(g.service + ' ' + (g.access || ''))).join(', ') : ''}</p>
          ${n.error ? `<div class="problem">migration ${esc(n.error.version)} failed: ${esc(n.error.message)}</div>` : ''}
          ${(n.tables || []).length ? `<table><thead><tr><th>Table</th><th>Key</th><th>Columns</th></tr></thead><tbody>${n.tables.map(t => `<tr><td>${esc(t.name)}</td><td>${esc((t.key || []).join(', '))}</td>
            <td>${t.columns.map(c => `${esc(c.name)} <span class="muted">${esc(c.type)}${c.nullable === false ? ' not null' : ''}</span>`).join(', ')}</td></tr>`).join('')}</tbody></table>` : '<p class="muted">No tables.</p>'}</section>`;
      }).join('') : '<p class="muted">No namespaces. Declare one with <code>kind: Namespace</code> (see docs/data.md).</p>');
    };
    await draw();
    Ooda.onChange(['Namespace'], Ooda.debounce(draw, 1000));
  };

  Ooda.pages.flags = async (main) => {
    main.innerHTML = '<h1>Flags</h1><p class="muted">Evaluation counts are this control node\'s (OFREP), since it started. Stale: past its expiry date, or not evaluated for 30 days.</p><div id="flags"></div>';
    const draw = async () => {
      const [flags, usage] = await Promise.all([Ooda.api('/api/v1/flags'), Ooda.api('/api/v1/flag-usage')]);
      const counts = new Map();
      usage.usage.forEach(u => { const c = counts.get(u.flag) || { total: 0, variants: {}, last: null }; c.total += u.count; c.variants[u.variant] = u.count;
        if (u.lastEvaluated && (!c.last || u.lastEvaluated > c.last)) c.last = u.lastEvaluated; counts.set(u.flag, c); });
      const today = new Date().toISOString().slice(0, 10);
      const box = document.getElementById('flags'); if (!box) return;
      box.innerHTML = flags.items.length ? `<table id="flag-table"><thead><tr><th>Flag</th><th>Owner</th><th>Variants</th><th>Default</th><th>Rules</th><th class="num">Evaluations</th><th>Last</th><th>Stale</th></tr></thead><tbody>${flags.items.map(r => {
        const s = r.spec; const c = counts.get(r.name);
        const expired = s.expires && s.expires < today;
        const idle = c && c.last && (Date.now() - Date.parse(c.last)) > 30 * 86400000;
        const stale = expired ? 'expired ' + s.expires : idle ? 'not evaluated for 30 days' : 'no';
        const rules = (s.rules || []).map(rule => `<div><code>${esc(rule.id)}</code>: ${[...(rule.segments || []).map(x => 'segment ' + x),
          ...(rule.constraints || []).map(k => `${k.attribute} ${k.operator} ${(k.values || []).join('|')}`)].map(esc).join(' and ') || 'everyone'} → ${rule.variant ? esc(rule.variant)
          : Object.entries(rule.rollout?.percentages || {}).map(([v, pc]) => `${esc(v)} ${esc(pc)}%`).join(', ')}</div>`).join('');
        return `<tr data-flag="${esc(r.name)}"><td><strong>${esc(r.name)}</strong>${s.killSwitch ? ' <span class="pill DOWN">kill switch</span>' : ''}<div class="muted">${esc(s.description || '')}</div></td><td>${esc(s.owner || '—')}</td>
          <td>${Object.entries(s.variants || {}).map(([k, v]) => `<div><code>${esc(k)}</code> = ${esc(JSON.stringify(v))}${c && c.variants[k] ? ` <span class="muted">(${c.variants[k]})</span>` : ''}</div>`).join('')}</td>
          <td>${esc(s.defaultVariant || '—')}</td><td>${rules || '<span class="muted">none</span>'}</td><td class="num evaluations">${c ? c.total : 0}</td>
          <td>${c && c.last ? esc(fmt.time(Date.parse(c.last))) : '—'}</td><td class="${stale === 'no' ? '' : 'warn'}">${esc(stale)}</td></tr>`;
      }).join('')}</tbody></table>` : '<p class="muted">No flags. Declare one with <code>kind: Flag</code> (see docs/flags.md).</p>';
    };
    await draw();
    Ooda.onChange(['Flag', 'Segment'], Ooda.debounce(draw));
    Ooda.every(10000, draw);
  };

  Ooda.pages.access = async (main) => {
    const p = Ooda.params();
    main.innerHTML = `<h1>Access</h1>
      <h2>Groups</h2><div id="groups"></div>
      <h2>Recent refusals</h2><p class="muted">Decisions of the gateway in this process (the <code>ooda.decisions</code> log), newest first; refreshed every 5 s.</p><div id="denials"></div>
      <h2>Check a call</h2>
      <form class="bar" id="check-form"><label>Caller<input id="from" required value="${esc(p.get('from') || '')}"></label>
        <label>Service<input id="to" required value="${esc(p.get('to') || '')}"></label>
        <label>Method<input id="method" value="${esc(p.get('method') || 'GET')}" size="7"></label>
        <label>Path<input id="path" value="${esc(p.get('path') || '/')}"></label><button class="primary" id="check">Check</button></form>
      <div id="check-result"></div>`;
    const groups = async () => {
      const services = (await Ooda.api('/api/v1/services')).items;
      const box = document.getElementById('groups'); if (!box) return;
      const withGroups = services.filter(s => s.spec.access);
      box.innerHTML = withGroups.length ? `<table id="group-table"><thead><tr><th>Service</th><th>Mode</th><th>Callers</th></tr></thead><tbody>${withGroups.map(s => {
        const a = s.spec.access; const mode = a.mode || 'enforce';
        return `<tr data-service="${esc(s.name)}"><td><a href="/console/services/${encodeURIComponent(s.name)}">${esc(s.name)}</a></td><td><span class="pill ${mode === 'enforce' ? 'UP' : mode === 'audit' ? 'DRAINING' : ''}">${esc(mode)}</span></td>
          <td>${(a.callers || []).map(c => `<div><strong>${esc(c.service)}</strong> ${esc((c.methods || []).join('/') || 'any method')} on ${esc((c.paths || []).join(', ') || 'any path')}</div>`).join('') || '<span class="muted">nobody</span>'}</td></tr>`;
      }).join('')}</tbody></table>` : '<p class="muted">No service has a group: every caller is let through.</p>';
    };
    const denials = async () => {
      const items = (await Ooda.api('/console/api/decisions?limit=100')).items.filter(d => d.outcome !== 'allow');
      const box = document.getElementById('denials'); if (!box) return;
      box.innerHTML = items.length ? `<table id="denial-table"><thead><tr><th>When</th><th>Where</th><th>Outcome</th><th>Call</th><th>Why</th><th>Decision</th></tr></thead><tbody>${items.map(d => `<tr data-decision="${esc(d.decision)}">
        <td>${esc(fmt.time(Date.parse(d.ts)))}</td><td>${esc(d.at)}</td><td class="${d.outcome === 'deny' ? 'bad' : 'warn'}">${esc(d.outcome)}</td>
        <td><strong>${esc(d.caller || '?')}</strong> → <strong>${esc(d.service)}</strong> <span class="mono">${esc(d.method)} ${esc(d.path)}</span></td>
        <td>${esc(d.nearest_miss || d.problem || '')}</td><td class="mono">${esc(d.decision)}</td></tr>`).join('')}</tbody></table>` : '<p class="muted" id="no-denials">No refusals seen.</p>';
    };
    document.getElementById('check-form').onsubmit = async (e) => {
      e.preventDefault();
      const v = (id) => document.getElementById(id).value.trim();
      Ooda.setParams({ from: v('from'), to: v('to'), method: v('method'), path: v('path') });
      const out = document.getElementById('check-result');
      try {
        const r = await Ooda.api('/api/v1/access/check?' + new URLSearchParams({ from: v('from'), to: v('to'), method: v('method') || 'GET', path: v('path') || '/' }));
        out.innerHTML = `<p id="verdict" class="${r.allowed ? 'ok' : 'bad'}"><strong>${esc(r.outcome)}</strong>: ${esc(r.explanation)}</p><p class="muted">mode ${esc(r.mode)} · rules checked ${esc(r.rules_checked)}</p>`;
      } catch (err) { out.innerHTML = Ooda.problemBox(err); }
    };
    await Promise.all([groups(), denials()]);
    if (p.get('from') && p.get('to')) document.getElementById('check').click();
    Ooda.onChange(['Service'], Ooda.debounce(groups));
    Ooda.every(5000, denials);
  };
})();
