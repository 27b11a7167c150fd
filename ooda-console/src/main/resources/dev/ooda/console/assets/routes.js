// Routes: the route table with matches and targets; apply YAML; edit a split's weights in place
// with optimistic concurrency (the edit carries the version it was made on; a stale one is refused
// by the API with 409, shown, and the edit stays on the page to be compared and sent again).
'use strict';
(function () {
  const { esc } = Ooda;

  Ooda.describeMatch = (m) => {
    if (!m) return '';
    const parts = [m.path ? 'path ' + m.path : m.pathTemplate ? 'template ' + m.pathTemplate : m.pathPrefix ? 'prefix ' + m.pathPrefix : ''];
    if (m.host) parts.push('host ' + m.host);
    if (m.methods && m.methods.length) parts.push(m.methods.join('/'));
    for (const [k, v] of Object.entries(m.headers || {})) parts.push(`header ${k}=${v}`);
    for (const [k, v] of Object.entries(m.query || {})) parts.push(`query ${k}=${v}`);
    for (const [k, v] of Object.entries(m.cookies || {})) parts.push(`cookie ${k}=${v}`);
    return parts.filter(Boolean).join(', ');
  };
  const describeTarget = (t) => t.service ? 'service ' + t.service + (t.version ? ' ' + t.version : '') : t.url;

  Ooda.pages.routes = async (main) => {
    const canWrite = Ooda.session.canWrite();
    main.innerHTML = `<h1>Routes</h1>
      <form class="bar" onsubmit="return false"><label>Search<input id="q" type="search" value="${esc(Ooda.params().get('q') || '')}" placeholder="name, path or target"></label>
      <span class="muted">Live: follows every change to a route.</span></form>
      <div id="route-notice"></div>
      <table id="routes"><thead><tr><th>Route</th><th>Match</th><th>Targets (weight)</th><th class="num">Version</th><th></th></tr></thead><tbody></tbody></table>
      ${canWrite ? `<h2>Apply</h2><form id="apply-form"><textarea id="apply-yaml" rows="8" spellcheck="false" placeholder="kind: Route&#10;name: catalog&#10;spec: {match: {pathPrefix: /api/catalog}, to: [{service: catalog}]}"></textarea>
        <p><button class="primary" id="apply">Apply</button> <span class="muted">YAML, one or more documents separated by ---; all or nothing.</span></p></form><div id="apply-result"></div>`
        : '<p class="muted">Your token has scope read: routes are shown, not changed.</p>'}`;
    let routes = [];
    const editing = new Map();  // route name -> {version it was loaded at, weights typed}
    const draw = () => {
      const q = document.getElementById('q').value.trim().toLowerCase();
      const focus = Ooda.params().get('route');
      const tbody = document.querySelector('#routes tbody');
      if (!tbody) return;
      tbody.innerHTML = routes.filter(r => !q || r.name.includes(q) || JSON.stringify(r.spec).toLowerCase().includes(q)).map(r => {
        const to = r.spec.to || [];
        const edit = editing.get(r.name);
        const targets = r.spec.respond ? `answers ${esc(r.spec.respond.status ?? 200)} itself` : to.map((t, i) => `<div>${esc(describeTarget(t))} ${edit
          ? `<input class="weight" type="number" min="0" max="10000" aria-label="weight of ${esc(describeTarget(t))}" data-target="${i}" value="${esc(edit.weights[i])}">`
          : `<strong class="weight-shown">${esc(t.weight ?? (to.length > 1 ? 1 : 100))}</strong>`}</div>`).join('');
        const buttons = !canWrite || to.length < 2 ? '' : edit
          ? `<button class="primary" data-save="${esc(r.name)}">Save</button> <button data-cancel="${esc(r.name)}">Cancel</button>`
          : `<button data-edit="${esc(r.name)}">Edit weights</button>`;
        const stale = edit && edit.version !== r.version ? `<div class="notice stale">Changed since you began: now version ${esc(r.version)}, stored weights ${to.map(t => esc(t.weight ?? 1)).join('/')}.
          <button data-rebase="${esc(r.name)}">Keep my weights on version ${esc(r.version)}</button></div>` : '';
        return `<tr data-route="${esc(r.name)}" class="${focus === r.name ? 'selected' : ''}"><td>${esc(r.name)}</td><td>${esc(Ooda.describeMatch(r.spec.match))}</td>
          <td>${targets}${stale}<div class="route-result"></div></td><td class="num version">${esc(r.version)}</td><td>${buttons}</td></tr>`;
      }).join('');
      tbody.querySelectorAll('input.weight').forEach(inp => inp.oninput = () => {
        editing.get(inp.closest('tr').dataset.route).weights[+inp.dataset.target] = inp.value;
      });
      tbody.querySelectorAll('button[data-edit]').forEach(b => b.onclick = () => {
        const r = routes.find(x => x.name === b.dataset.edit);
        editing.set(r.name, { version: r.version, base: r, weights: r.spec.to.map(t => t.weight ?? 1) });
        draw();
        tbody.querySelector(`tr[data-route="${CSS.escape(r.name)}"] input.weight`)?.focus();
      });
      // The edit moves onto what is stored now, keeping the weights typed (only when the targets are still the same ones)
      tbody.querySelectorAll('button[data-rebase]').forEach(b => b.onclick = () => {
        const r = routes.find(x => x.name === b.dataset.rebase); const edit = editing.get(r.name);
        if ((r.spec.to || []).length !== edit.weights.length) {
          b.closest('tr').querySelector('.route-result').innerHTML = `<div class="problem" role="alert">The route now has ${esc((r.spec.to || []).length)} targets, your edit ${esc(edit.weights.length)}: note your weights, Cancel, and edit again.</div>`;
          return;
        }
        edit.version = r.version; edit.base = r; draw();
      });
      tbody.querySelectorAll('button[data-cancel]').forEach(b => b.onclick = () => { editing.delete(b.dataset.cancel); draw(); });
      tbody.querySelectorAll('button[data-save]').forEach(b => b.onclick = () => save(b.dataset.save));
    };
    const save = async (name) => {
      const edit = editing.get(name);
      const row = () => document.querySelector(`#routes tr[data-route="${CSS.escape(name)}"]`);
      // The spec the edit was made on, with the new weights, and the version it was made on: the store refuses it if that is no longer current
      const spec = JSON.parse(JSON.stringify(edit.base.spec));
      spec.to.forEach((t, i) => t.weight = Number(edit.weights[i]));
      try {
        await Ooda.api('/api/v1/apply', { method: 'POST', body: { kind: 'Route', name, version: edit.version, spec } });
        editing.delete(name);
        await load();
      } catch (e) {
        await load();  // shows what is stored now beside the edit, which is kept
        row().querySelector('.route-result').innerHTML = Ooda.problemBox(e);
      }
    };
    const load = async () => { routes = (await Ooda.api('/api/v1/routes')).items; draw(); };
    await load();
    document.getElementById('q').addEventListener('input', () => { Ooda.setParams({ q: document.getElementById('q').value.trim() }); draw(); });
    Ooda.onChange(['Route'], Ooda.debounce(load));
    const form = document.getElementById('apply-form');
    if (form) form.onsubmit = async (e) => {
      e.preventDefault();
      const out = document.getElementById('apply-result');
      try {
        const res = await Ooda.api('/api/v1/apply', { method: 'POST', body: document.getElementById('apply-yaml').value, headers: { 'Content-Type': 'application/yaml' } });
        out.innerHTML = `<p class="ok" id="applied">${res.results.map(r => `${esc(r.kind)}/${esc(r.name)} ${esc(r.action)} (version ${esc(r.version)})`).join('; ')}</p>`;
        await load();
      } catch (err) {
        out.innerHTML = Ooda.problemBox(err) + (err.problem && err.problem.errors ? `<ul>${err.problem.errors.map(v => `<li>${esc(v.resource || '')} ${esc(v.path || '')}: ${esc(v.message)}</li>`).join('')}</ul>` : '');
      }
    };
  };
})();
