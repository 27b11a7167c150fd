// A service's page: its focused dependency graph (only its neighbourhood is ever fetched and
// drawn), its instances with drain, and the routes that send it traffic.
'use strict';
(function () {
  const { esc, fmt } = Ooda;
  const COLOURS = { ok: '#2e9e55', warn: '#e09a1a', bad: '#d9363e', muted: '#8a96a0' };
  const LOOKBACKS = ['5m', '15m', '1h', '6h', '24h'];

  function lookbackMs(l) { const n = parseInt(l, 10); return n * ({ m: 60000, h: 3600000 }[l.slice(-1)] || 1000); }

  Ooda.pages.service = async (main, args) => {
    const name = args[0];
    const p = Ooda.params();
    const hops = Math.min(5, Math.max(1, parseInt(p.get('hops') || '1', 10) || 1));
    const lookback = LOOKBACKS.includes(p.get('lookback')) ? p.get('lookback') : '15m';
    main.innerHTML = `<h1>${esc(name)}</h1>
      <form class="bar" id="graph-form" onsubmit="return false">
        <label>Hops each way<select id="hops">${[1, 2, 3, 4, 5].map(h => `<option ${h === hops ? 'selected' : ''}>${h}</option>`).join('')}</select></label>
        <label>Window<select id="lookback">${LOOKBACKS.map(l => `<option ${l === lookback ? 'selected' : ''}>${l}</option>`).join('')}</select></label>
        <span class="muted" id="red"></span></form>
      <div id="graph" role="img" aria-label="Dependency graph of ${esc(name)}"></div>
      <p class="muted" id="graph-note">Edges: requests/s · errors · p99; green healthy, orange some errors, red 5% or more. Click an edge for its traces.</p>
      <div id="edge-traces"></div>
      <div class="grid2"><section><h2>Instances</h2><div id="instances"></div></section>
      <section><h2>Routes</h2><div id="routes"></div></section></div>
      <div class="grid2"><section><h2>Contract</h2><div id="service-contract"></div></section>
      <section><h2>Deployments</h2><div id="service-deployments"></div></section></div>`;
    const state = { hops, lookback, edge: p.get('edge') };
    document.getElementById('hops').onchange = (e) => { state.hops = +e.target.value; Ooda.setParams({ hops: state.hops }); drawGraph(); };
    document.getElementById('lookback').onchange = (e) => { state.lookback = e.target.value; Ooda.setParams({ lookback: state.lookback }); drawGraph(); };

    let cy = null;
    Ooda.onLeave(() => cy && cy.destroy());
    async function drawGraph() {
      const [hood, red] = await Promise.all([
        Ooda.apiOrNull(`/console/collector/api/ooda/v1/services/${encodeURIComponent(name)}/neighborhood?hops=${state.hops}&lookback=${state.lookback}`).catch(() => null),
        Ooda.red(name, state.lookback)]);
      const t = red && red.total;
      document.getElementById('red').innerHTML = t
        ? `${fmt.rate(t.rate)} · <span class="${fmt.health(t.errorRate)}">${fmt.pct(t.errorRate)} errors</span> · p50 ${fmt.ms(t.p50Ms)} · p99 ${fmt.ms(t.p99Ms)}` : 'no requests traced in this window';
      const box = document.getElementById('graph');
      if (!box) return;
      if (!hood || !hood.nodes) { if (cy) { cy.destroy(); cy = null; } box.innerHTML = '<p class="muted" style="padding:1rem">No traces of this service in this window.</p>'; return; }
      box.innerHTML = '';
      const elements = hood.nodes.map(n => ({ data: { id: n.name, label: n.name, centre: n.name === hood.service ? 1 : 0,
        side: n.upstream ? -n.upstream : (n.downstream || 0) } }))
        .concat(hood.edges.map(e => ({ data: { id: e.parent + '>' + e.child, source: e.parent, target: e.child,
          label: `${fmt.rate(e.callsPerSecond)} · ${fmt.pct(e.errorRate)} · p99 ${fmt.ms(e.p99Ms)}`,
          colour: COLOURS[fmt.health(e.errorRate)], edge: e } })));
      if (cy) cy.destroy();
      // Rows by distance: callers above, the service in the middle, callees below
      cy = window.cytoscape({
        container: box, elements, wheelSensitivity: 0.3,
        layout: { name: 'breadthfirst', directed: true, roots: hood.nodes.filter(n => !hood.edges.some(e => e.child === n.name)).map(n => '#' + CSS.escape(n.name)), spacingFactor: 1.1 },
        style: [
          { selector: 'node', style: { label: 'data(label)', 'text-valign': 'center', 'text-halign': 'center', 'background-color': '#5b8bd6', color: '#fff', 'font-size': 11,
            width: 'label', height: 26, padding: 8, shape: 'round-rectangle', 'text-outline-width': 0 } },
          { selector: 'node[centre = 1]', style: { 'background-color': '#1f5fbf', 'border-width': 3, 'border-color': '#ffb000' } },
          { selector: 'edge', style: { label: 'data(label)', 'font-size': 10, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 2.5,
            'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', color: '#888', 'text-background-opacity': 1,
            'text-background-color': getComputedStyle(document.body).backgroundColor, 'text-background-padding': 2 } },
          { selector: 'edge:selected', style: { width: 5 } }],
      });
      cy.on('tap', 'node', (ev) => { if (ev.target.id() !== name) Ooda.go('/console/services/' + encodeURIComponent(ev.target.id()) + '?hops=' + state.hops + '&lookback=' + state.lookback); });
      cy.on('tap', 'edge', (ev) => showEdge(ev.target.data('edge')));
      box.dataset.nodes = hood.nodes.length; box.dataset.edges = hood.edges.length;
      Ooda.graph = cy;  // for tests and the curious
      const chosen = state.edge && hood.edges.find(e => e.parent + '>' + e.child === state.edge);
      if (chosen) showEdge(chosen);
    }

    async function showEdge(edge) {
      state.edge = edge.parent + '>' + edge.child;
      Ooda.setParams({ edge: state.edge });
      const out = document.getElementById('edge-traces');
      out.innerHTML = `<h2>Traces of ${esc(edge.parent)} → ${esc(edge.child)}</h2><p class="muted">Loading…</p>`;
      const q = (params) => Ooda.api('/console/collector/api/v2/traces?' + new URLSearchParams(Object.assign({ lookback: lookbackMs(state.lookback), limit: 20 }, params)));
      // The caller's client spans name the callee; where the caller is not instrumented, the callee's own spans
      let traces = await q({ serviceName: edge.parent, remoteServiceName: edge.child });
      if (!traces.length) traces = await q({ serviceName: edge.child });
      out.innerHTML = `<h2>Traces of ${esc(edge.parent)} → ${esc(edge.child)}</h2>` + Ooda.traceTable(traces);
    }

    async function drawInstances() {
      const list = await Ooda.api(`/api/v1/registry/services/${encodeURIComponent(name)}/instances`);
      const box = document.getElementById('instances');
      if (!box) return;
      const canDrain = Ooda.session.canWrite();
      box.innerHTML = list.items.length ? `<table id="instance-table"><thead><tr><th>Id</th><th>Version</th><th>Address</th><th>Zone</th><th>Status</th><th></th></tr></thead><tbody>
        ${list.items.map(i => `<tr data-id="${esc(i.id)}"><td class="mono">${esc(i.id)}</td><td>${esc(i.version || '—')}</td><td class="mono">${esc(i.host)}:${esc(i.port)}</td>
          <td>${esc(i.zone || '—')}</td><td><span class="pill ${esc(i.status)}">${esc(i.status)}</span></td>
          <td>${i.fixed || !canDrain ? '' : i.status === 'DRAINING'
            ? `<button data-undrain="${esc(i.id)}">Undrain</button>` : `<button data-drain="${esc(i.id)}">Drain</button>`}</td></tr>`).join('')}</tbody></table><div id="instance-result"></div>`
        : '<p class="muted">No instances registered.</p>';
      box.querySelectorAll('button[data-drain], button[data-undrain]').forEach(b => b.onclick = async () => {
        const id = b.dataset.drain || b.dataset.undrain;
        try {
          await Ooda.api(`/api/v1/registry/services/${encodeURIComponent(name)}/instances/${encodeURIComponent(id)}/status`,
            { method: 'PUT', body: { status: b.dataset.drain ? 'DRAINING' : 'UP' } });
          await drawInstances();
        } catch (e) { document.getElementById('instance-result').innerHTML = Ooda.problemBox(e); }
      });
    }

    async function drawRoutes() {
      const routes = (await Ooda.api('/api/v1/routes')).items.filter(r => (r.spec.to || []).some(t => t.service === name));
      const box = document.getElementById('routes');
      if (!box) return;
      box.innerHTML = routes.length ? `<table><thead><tr><th>Route</th><th>Match</th><th>Share</th></tr></thead><tbody>${routes.map(r => {
        const total = r.spec.to.reduce((s, t) => s + (t.weight ?? 1), 0);
        const mine = r.spec.to.filter(t => t.service === name).reduce((s, t) => s + (t.weight ?? 1), 0);
        return `<tr><td><a href="/console/routes?route=${encodeURIComponent(r.name)}">${esc(r.name)}</a></td><td>${esc(Ooda.describeMatch(r.spec.match))}</td><td class="num">${total ? Math.round(100 * mine / total) : 0}%</td></tr>`;
      }).join('')}</tbody></table>` : '<p class="muted">No route sends traffic here.</p>';
    }

    // Its active contract per major version, and the deployment of its versions: each links to its page
    async function drawContract() {
      const items = (await Ooda.api('/api/v1/contracts')).items.filter(c => c.service === name);
      const box = document.getElementById('service-contract'); if (!box) return;
      const href = '/console/contracts/' + encodeURIComponent(name);
      box.innerHTML = items.length ? `<ul class="plain">${items.map(c => `<li><a href="${esc(href)}">${esc(c.major)}: ${esc(c.version)}</a>
        ${c.flag ? `<span class="pill DOWN">${esc(c.flagSummary)}</span>` : ''}</li>`).join('')}</ul>` : '<p class="muted">No contract published.</p>';
    }
    async function drawDeployments() {
      const items = (await Ooda.api('/api/v1/deployments')).items.filter(d => d.spec.service === name);
      const box = document.getElementById('service-deployments'); if (!box) return;
      box.innerHTML = items.length ? `<ul class="plain">${items.map(d => `<li><a href="/console/deployments/${encodeURIComponent(d.name)}">${esc(d.name)}</a>:
        ${esc((d.spec.versions || []).map(v => v.version).join(', '))} · ${esc(d.spec.status && d.spec.status.phase || 'pending')}</li>`).join('')}</ul>` : '<p class="muted">Not deployed by ooda.</p>';
    }

    await Promise.all([drawGraph(), drawInstances(), drawRoutes(), drawContract().catch(() => {}), drawDeployments().catch(() => {})]);
    Ooda.onChange(['Deployment'], Ooda.debounce(drawDeployments));
    Ooda.onChange(['Route'], Ooda.debounce(drawRoutes));
    Ooda.onChange(['Service'], Ooda.debounce(drawInstances));
    Ooda.every(10000, () => { drawInstances(); });
  };
})();
