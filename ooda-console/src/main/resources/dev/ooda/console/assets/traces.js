// Traces: search the collector (Zipkin v2 API) and open a trace as a waterfall with span details.
'use strict';
(function () {
  const { esc, fmt } = Ooda;
  const LOOKBACKS = { '15m': 900000, '1h': 3600000, '6h': 21600000, '24h': 86400000, '7d': 604800000 };

  // A table of traces (Zipkin v2 answers: a list of span lists)
  Ooda.traceTable = (traces) => {
    if (!traces.length) return '<p class="muted" id="no-traces">No traces found.</p>';
    const rows = traces.map(spans => {
      const root = spans.find(s => !s.parentId) || spans.reduce((a, b) => (a.timestamp || 0) <= (b.timestamp || 0) ? a : b);
      const start = Math.min(...spans.map(s => s.timestamp || Infinity));
      const end = Math.max(...spans.map(s => (s.timestamp || 0) + (s.duration || 0)));
      const services = [...new Set(spans.map(s => s.localEndpoint && s.localEndpoint.serviceName).filter(Boolean))];
      const errors = spans.filter(s => s.tags && 'error' in s.tags).length;
      return { id: root.traceId, name: (root.localEndpoint?.serviceName || '?') + ': ' + (root.name || '?'), start, duration: end - start, services, spans: spans.length, errors };
    }).sort((a, b) => b.start - a.start);
    return `<table class="traces"><thead><tr><th>Trace</th><th>Started</th><th class="num">Duration</th><th class="num">Spans</th><th>Services</th></tr></thead><tbody>
      ${rows.map(t => { const href = '/console/traces/' + encodeURIComponent(t.id);
        return `<tr data-href="${esc(href)}" data-trace="${esc(t.id)}"><td><a href="${esc(href)}">${esc(t.name)}</a>${t.errors ? ` <span class="bad">${t.errors} error${t.errors > 1 ? 's' : ''}</span>` : ''}<div class="muted mono">${esc(t.id)}</div></td>
        <td>${esc(fmt.time(t.start / 1000))}</td><td class="num">${esc(fmt.ms(t.duration / 1000))}</td><td class="num">${t.spans}</td><td>${t.services.map(esc).join(', ')}</td></tr>`; }).join('')}</tbody></table>`;
  };

  Ooda.pages.traces = async (main) => {
    const p = Ooda.params();
    const services = await Ooda.api('/console/collector/api/v2/services').catch(() => []);
    const lookback = LOOKBACKS[p.get('lookback')] ? p.get('lookback') : '1h';
    main.innerHTML = `<h1>Traces</h1>
      <form class="bar" id="trace-search">
        <label>Service<select id="service"><option value="">any</option>${services.map(s => `<option ${s === p.get('service') ? 'selected' : ''}>${esc(s)}</option>`).join('')}</select></label>
        <label>Span name<input id="span" value="${esc(p.get('span') || '')}" placeholder="get /api/catalog"></label>
        <label>Tags<input id="tags" value="${esc(p.get('tags') || '')}" placeholder="error and http.method=GET"></label>
        <label>Min duration (ms)<input id="minDuration" type="number" min="0" value="${esc(p.get('minDuration') || '')}"></label>
        <label>Window<select id="lookback">${Object.keys(LOOKBACKS).map(l => `<option ${l === lookback ? 'selected' : ''}>${l}</option>`).join('')}</select></label>
        <label>Limit<input id="limit" type="number" min="1" max="1000" value="${esc(p.get('limit') || '20')}"></label>
        <button class="primary" id="search">Search</button></form>
      <div id="trace-results"></div>`;
    const search = async () => {
      const v = (id) => document.getElementById(id).value.trim();
      Ooda.setParams({ service: v('service'), span: v('span'), tags: v('tags'), minDuration: v('minDuration'), lookback: v('lookback'), limit: v('limit') });
      const q = new URLSearchParams({ lookback: LOOKBACKS[v('lookback')], limit: v('limit') || '20' });
      if (v('service')) q.set('serviceName', v('service'));
      if (v('span')) q.set('spanName', v('span'));
      if (v('tags')) q.set('annotationQuery', v('tags'));
      if (v('minDuration')) q.set('minDuration', Math.round(Number(v('minDuration')) * 1000));
      const out = document.getElementById('trace-results');
      out.innerHTML = '<p class="muted">Searching…</p>';
      try { out.innerHTML = Ooda.traceTable(await Ooda.api('/console/collector/api/v2/traces?' + q)); } catch (e) { out.innerHTML = Ooda.problemBox(e); }
    };
    document.getElementById('trace-search').onsubmit = (e) => { e.preventDefault(); search(); };
    await search();
  };

  // One trace: spans in tree order, bars on a common time axis; click or Enter shows a span's details
  Ooda.pages.trace = async (main, args) => {
    const id = args[0];
    const spans = await Ooda.api('/console/collector/api/v2/trace/' + encodeURIComponent(id));
    const children = new Map(); const ids = new Set(spans.map(s => s.id));
    spans.forEach(s => { const parent = s.parentId && ids.has(s.parentId) ? s.parentId : ''; if (!children.has(parent)) children.set(parent, []); children.get(parent).push(s); });
    const ordered = [];
    const walk = (parent, depth) => (children.get(parent) || []).sort((a, b) => (a.timestamp || 0) - (b.timestamp || 0))
      .forEach(s => { if (ordered.length < spans.length) { ordered.push({ s, depth }); if (s.id !== parent) walk(s.id, depth + 1); } });
    walk('', 0);
    const start = Math.min(...spans.map(s => s.timestamp || Infinity));
    const end = Math.max(...spans.map(s => (s.timestamp || 0) + (s.duration || 0)));
    const total = Math.max(1, end - start);
    const selected = Ooda.params().get('span');
    main.innerHTML = `<h1>Trace <span class="mono">${esc(id)}</span></h1>
      <p class="muted">${spans.length} spans · ${esc(fmt.ms(total / 1000))} · started ${esc(fmt.time(start / 1000))} · <a href="/console/traces">back to search</a></p>
      <div class="waterfall" id="waterfall">${ordered.map(({ s, depth }) => {
        const left = 100 * ((s.timestamp || start) - start) / total; const width = 100 * (s.duration || 0) / total;
        const error = s.tags && 'error' in s.tags;
        return `<div class="row" tabindex="0" data-span="${esc(s.id)}"><div style="padding-left:${depth * 14}px"><strong>${esc(s.localEndpoint?.serviceName || '?')}</strong> ${esc(s.name || '')}${s.kind ? ` <span class="muted">${esc(s.kind)}</span>` : ''}</div>
          <div class="track"><div class="bar ${error ? 'error' : ''}" style="left:${left}%;width:${width}%"></div></div><div class="num">${esc(fmt.ms((s.duration || 0) / 1000))}</div></div>`;
      }).join('')}</div><div id="span-details"></div>`;
    const show = (spanId) => {
      const s = spans.find(x => x.id === spanId); if (!s) return;
      Ooda.setParams({ span: spanId });
      document.querySelectorAll('.waterfall .row').forEach(r => r.classList.toggle('selected', r.dataset.span === spanId));
      const kv = Object.entries(s.tags || {}).map(([k, v]) => `<dt>${esc(k)}</dt><dd class="mono">${esc(v)}</dd>`).join('');
      document.getElementById('span-details').innerHTML = `<div class="details"><h2>${esc(s.localEndpoint?.serviceName || '?')}: ${esc(s.name || '')}</h2><dl>
        <dt>Span id</dt><dd class="mono">${esc(s.id)}</dd><dt>Parent</dt><dd class="mono">${esc(s.parentId || '—')}</dd><dt>Kind</dt><dd>${esc(s.kind || '—')}</dd>
        <dt>Started</dt><dd>${esc(fmt.time((s.timestamp || 0) / 1000))}</dd><dt>Duration</dt><dd>${esc(fmt.ms((s.duration || 0) / 1000))}</dd>
        <dt>Remote</dt><dd>${esc(s.remoteEndpoint ? (s.remoteEndpoint.serviceName || '') + ' ' + (s.remoteEndpoint.ipv4 || s.remoteEndpoint.ipv6 || '') + (s.remoteEndpoint.port ? ':' + s.remoteEndpoint.port : '') : '—')}</dd>
        ${kv}${(s.annotations || []).map(a => `<dt>${esc(fmt.time(a.timestamp / 1000))}</dt><dd>${esc(a.value)}</dd>`).join('')}</dl></div>`;
    };
    document.querySelectorAll('.waterfall .row').forEach(r => {
      r.onclick = () => show(r.dataset.span);
      r.onkeydown = (e) => { if (e.key === 'Enter') show(r.dataset.span); };
    });
    show(selected || (ordered[0] && ordered[0].s.id));
  };
})();
