// Services: every service the platform knows (Service resources, registered instances, services
// seen in traces), its instances by status and zone, its versions and its RED figures.
'use strict';
(function () {
  const { esc, fmt } = Ooda;
  const SHOWN = 200;  // rows drawn at once; the search narrows the rest

  // Runs calls at most `width` at a time, so 600 services do not open 600 requests together
  async function limited(items, width, fn) {
    const out = new Array(items.length); let next = 0;
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) { const i = next++; try { out[i] = await fn(items[i]); } catch (e) { out[i] = null; } }
    }));
    return out;
  }
  Ooda.limited = limited;

  Ooda.red = (name, lookback = '15m') =>
    Ooda.apiOrNull(`/console/collector/api/ooda/v1/services/${encodeURIComponent(name)}/red?lookback=${lookback}&step=${lookback}`)
      .catch(() => null);

  Ooda.pages.services = async (main) => {
    main.innerHTML = `<h1>Services</h1>
      <form class="bar" onsubmit="return false"><label>Search<input id="q" type="search" placeholder="name, version or zone" value="${esc(Ooda.params().get('q') || '')}"></label>
      <span class="muted" id="count"></span><span class="muted">Figures: last 15 minutes, refreshed every 10 s.</span></form>
      <table id="services"><thead><tr><th>Service</th><th>Instances</th><th>Zones</th><th>Versions</th>
      <th class="num">Rate</th><th class="num">Errors</th><th class="num">p50</th><th class="num">p99</th></tr></thead><tbody></tbody></table>`;
    let model = [];
    const figures = new Map();
    const load = async () => {
      const [resources, instances, traced] = await Promise.all([
        Ooda.api('/api/v1/services'), Ooda.api('/api/v1/registry/instances'),
        Ooda.apiOrNull('/console/collector/api/v2/services').catch(() => [])]);
      const byName = new Map();
      const entry = (n) => { if (!byName.has(n)) byName.set(n, { name: n, instances: [], declared: false }); return byName.get(n); };
      resources.items.forEach(r => entry(r.name).declared = true);
      instances.items.forEach(i => entry(i.service).instances.push(i));
      (traced || []).forEach(n => entry(n));
      model = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    };
    const matches = (s, q) => !q || s.name.includes(q) || s.instances.some(i => (i.version || '').includes(q) || (i.zone || '').includes(q));
    const draw = () => {
      const q = document.getElementById('q').value.trim().toLowerCase();
      const rows = model.filter(s => matches(s, q));
      document.getElementById('count').textContent = `${rows.length} of ${model.length} services` + (rows.length > SHOWN ? ` (first ${SHOWN} shown)` : '');
      document.querySelector('#services tbody').innerHTML = rows.slice(0, SHOWN).map(s => {
        const byStatus = {}; const zones = {}; const versions = new Set();
        s.instances.forEach(i => { byStatus[i.status] = (byStatus[i.status] || 0) + 1; zones[i.zone || '—'] = (zones[i.zone || '—'] || 0) + 1; if (i.version) versions.add(i.version); });
        const red = figures.get(s.name); const t = red && red.total;
        const href = '/console/services/' + encodeURIComponent(s.name);
        return `<tr data-href="${esc(href)}" data-service="${esc(s.name)}"><td><a href="${esc(href)}">${esc(s.name)}</a>${s.declared ? '' : ' <span class="muted" title="no Service resource">(undeclared)</span>'}</td>
          <td>${Object.entries(byStatus).map(([st, n]) => `<span class="pill ${esc(st)}">${esc(st)} ${n}</span>`).join('') || '<span class="muted">none</span>'}</td>
          <td>${Object.keys(zones).length === 1 ? esc(Object.keys(zones)[0]) : Object.entries(zones).map(([z, n]) => `${esc(z)}: ${n}`).join(', ')}</td>
          <td>${[...versions].map(esc).join(', ') || '—'}</td>
          <td class="num rate">${t ? fmt.rate(t.rate) : '—'}</td><td class="num ${fmt.health(t && t.errorRate)}">${t ? fmt.pct(t.errorRate) : '—'}</td>
          <td class="num">${t ? fmt.ms(t.p50Ms) : '—'}</td><td class="num">${t ? fmt.ms(t.p99Ms) : '—'}</td></tr>`;
      }).join('');
    };
    const refreshFigures = async () => {
      const q = document.getElementById('q')?.value.trim().toLowerCase();
      if (q === undefined) return;
      const shown = model.filter(s => matches(s, q)).slice(0, SHOWN);
      const reds = await limited(shown, 6, s => Ooda.red(s.name));
      shown.forEach((s, i) => figures.set(s.name, reds[i]));
      if (document.getElementById('services')) draw();
    };
    await load(); draw(); refreshFigures();
    document.getElementById('q').addEventListener('input', () => { Ooda.setParams({ q: document.getElementById('q').value.trim() }); draw(); refreshFigures(); });
    Ooda.onChange(['Service'], Ooda.debounce(async () => { await load(); draw(); }));
    // Instances change without a resource change: the registry is read again with the figures
    Ooda.every(10000, async () => { await load(); draw(); refreshFigures(); });
  };
})();
