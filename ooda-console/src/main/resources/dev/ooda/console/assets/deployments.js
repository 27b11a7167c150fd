// Deployments (docs/deploy.md): each service's versions with their role, instances and health,
// their share of the service's traffic in the deployment's route, the canary step and the
// analysis verdict per metric, and the rollback button (what `ooda rollback` does).
'use strict';
(function () {
  const { esc, fmt } = Ooda;
  const BASELINE = '-baseline';

  // As ooda-deploy's Rollouts.Roles: stable serves; the last version listed, when not stable, is the candidate
  function roles(s) {
    const st = s.status || {}; const vs = s.versions || [];
    const has = (v) => vs.some(x => x.version === v);
    const stable = st.stable && has(st.stable) ? st.stable : vs[0]?.version;
    const last = vs[vs.length - 1]?.version;
    const candidate = last === stable ? null : last;
    const previous = st.previous && has(st.previous) && st.previous !== stable && st.previous !== candidate ? st.previous : null;
    return { stable, candidate, previous };
  }
  const strategyType = (s) => (s.strategy && s.strategy.type) || 'sideBySide';

  // Each version's percent of the service's traffic in the route (as RouteWeights.percents)
  function percents(route, service) {
    const out = {}; if (!route) return null;
    const to = route.spec.to || [];
    const weighted = to.every(t => t.weight !== undefined && t.weight !== null);
    const mine = to.filter(t => t.service === service);
    const total = mine.reduce((a, t) => a + (weighted ? t.weight : 1), 0);
    mine.forEach(t => { const v = t.version || ''; out[v] = (out[v] || 0) + (total ? 100 * (weighted ? t.weight : 1) / total : 0); });
    return out;
  }

  // One row per version (and the canary's baseline), as `ooda get deployments`
  async function versionRows(r) {
    const s = r.spec; const ro = roles(s);
    const [instances, route] = await Promise.all([
      Ooda.api(`/api/v1/registry/services/${encodeURIComponent(s.service)}/instances`).then(l => l.items).catch(() => []),
      s.route ? Ooda.apiOrNull('/api/v1/routes/' + encodeURIComponent(s.route)).catch(() => null) : null]);
    const traffic = percents(route, s.service);
    const row = (version, role, wanted) => {
      const mine = instances.filter(i => i.version === version);
      return { version, role, wanted, listed: mine.length, up: mine.filter(i => i.status === 'UP').length,
        statuses: mine.map(i => i.status), share: traffic ? (traffic[version] || 0) : null };
    };
    const rows = (s.versions || []).map(v => {
      const role = v.version === ro.stable ? 'stable' : v.version === ro.candidate ? 'candidate' : v.version === ro.previous ? 'previous' : 'idle';
      const n = v.instances ?? 1;
      return row(v.version, role, role === 'idle' ? 0 : role === 'previous' ? Math.min(1, n) : n);
    });
    if (ro.candidate && strategyType(s) === 'canary') {
      const c = s.versions.find(v => v.version === ro.candidate);
      rows.push(row(ro.stable + BASELINE, 'baseline', c.instances ?? 1));
    }
    return { rows, roles: ro, routeVersion: route && route.version };
  }

  const phaseText = (st) => st && st.phase ? `${st.phase}${st.reason ? ': ' + st.reason : ''}` : 'waiting for the supervisor';
  const phaseClass = (st) => !st || !st.phase ? 'muted' : st.phase === 'rolledBack' ? 'bad' : st.phase === 'paused' ? 'warn' : 'ok';

  Ooda.pages.deployments = async (main) => {
    main.innerHTML = '<h1>Deployments</h1><div id="deployments"></div>';
    const draw = async () => {
      const list = (await Ooda.api('/api/v1/deployments')).items;
      const all = await Promise.all(list.map(async r => ({ r, v: await versionRows(r) })));
      const box = document.getElementById('deployments'); if (!box) return;
      box.innerHTML = all.length ? `<table id="deployment-table"><thead><tr><th>Deployment</th><th>Service</th><th>Strategy</th><th>Versions</th><th>Phase</th></tr></thead><tbody>${all.map(({ r, v }) => {
        const href = '/console/deployments/' + encodeURIComponent(r.name);
        return `<tr data-href="${esc(href)}" data-deployment="${esc(r.name)}"><td><a href="${esc(href)}">${esc(r.name)}</a></td>
          <td><a href="/console/services/${encodeURIComponent(r.spec.service)}">${esc(r.spec.service)}</a></td><td>${esc(strategyType(r.spec))}</td>
          <td>${v.rows.map(x => `<div><strong>${esc(x.version)}</strong> <span class="muted">${esc(x.role)}</span> · ${x.up}/${x.wanted} up · ${x.share === null ? '—' : x.share.toFixed(1) + '%'}</div>`).join('')}</td>
          <td class="${phaseClass(r.spec.status)}">${esc(phaseText(r.spec.status))}</td></tr>`;
      }).join('')}</tbody></table>` : '<p class="muted">No deployments. Start one with <code>ooda deploy SERVICE --version v1 ...</code> (see docs/deploy.md).</p>';
    };
    await draw();
    Ooda.onChange(['Deployment', 'Route'], Ooda.debounce(draw));
    Ooda.every(10000, draw);
  };

  Ooda.pages.deployment = async (main, args) => {
    const name = args[0];
    main.innerHTML = `<h1>Deployment ${esc(name)}</h1><div id="deployment"></div><div id="rollback-result"></div>`;
    async function draw() {
      const r = await Ooda.api('/api/v1/deployments/' + encodeURIComponent(name));
      const s = r.spec; const st = s.status || {};
      const { rows, roles: ro } = await versionRows(r);
      const box = document.getElementById('deployment'); if (!box) return;
      const steps = (s.strategy && s.strategy.steps) || [];
      const canRollBack = Ooda.session.canWrite() && (ro.candidate || ro.previous);
      const a = st.analysis;
      box.innerHTML = `<p>service <a href="/console/services/${encodeURIComponent(s.service)}">${esc(s.service)}</a>
          · route ${s.route ? `<a href="/console/routes?route=${encodeURIComponent(s.route)}">${esc(s.route)}</a>` : '—'} · strategy ${esc(strategyType(s))}
          ${s.keepPrevious ? ' · keep previous ' + esc(s.keepPrevious) : ''}</p>
        <p id="phase" class="${phaseClass(s.status)}"><strong>${esc(st.phase || 'pending')}</strong>${st.reason ? ': ' + esc(st.reason) : ''}</p>
        ${canRollBack ? `<p><button class="danger" id="rollback">Roll back to ${esc(ro.candidate ? ro.stable : ro.previous)}</button>
          <span class="muted">all of ${esc(s.service)}'s traffic back to ${esc(ro.candidate ? ro.stable : ro.previous)} at once, then ${esc(ro.candidate || ro.stable)} stops with drain</span></p>` : ''}
        <h2>Versions</h2>
        <table id="version-table"><thead><tr><th>Version</th><th>Role</th><th class="num">Instances</th><th>Health</th><th>Traffic</th></tr></thead><tbody>
        ${rows.map(x => `<tr data-version="${esc(x.version)}"><td><strong>${esc(x.version)}</strong></td><td class="role">${esc(x.role)}</td>
          <td class="num">${x.listed}/${x.wanted}</td><td>${x.statuses.length ? x.statuses.map(s => `<span class="pill ${esc(s)}">${esc(s)}</span>`).join('') : '<span class="muted">none registered</span>'}</td>
          <td class="traffic">${x.share === null ? '—' : `<span class="share" style="width:${(x.share * 1.2).toFixed(1)}px"></span><span class="share-text">${x.share.toFixed(1)}%</span>`}</td></tr>`).join('')}</tbody></table>
        ${steps.length ? `<h2>Canary steps</h2><p id="steps">${steps.map((x, i) => `<span class="step ${st.step === i && ro.candidate ? 'current' : st.step > i ? 'done' : ''}">${esc(x.weight)}% · ${esc(x.hold || '1m')}</span>`).join('')}
          ${st.stepStarted && ro.candidate ? ` <span class="muted">step ${(st.step ?? 0) + 1} since ${esc(fmt.time(Date.parse(st.stepStarted)))}</span>` : ''}</p>` : ''}
        <h2>Analysis</h2>
        ${a ? `<p id="analysis-verdict">step ${esc((a.step ?? 0) + 1)} at ${esc(a.weight)}%, judged ${esc(fmt.time(Date.parse(a.at)))}:
            <strong class="${a.verdict === 'pass' ? 'ok' : a.verdict === 'fail' ? 'bad' : 'warn'}">${esc(a.verdict)}</strong></p>
          <table id="analysis-table"><thead><tr><th>Metric</th><th>Result</th><th>Canary</th><th>Baseline</th><th>Why</th></tr></thead><tbody>
          ${(a.metrics || []).map(m => `<tr data-metric="${esc(m.name)}"><td>${esc(m.name)}</td><td class="${m.failed ? 'bad' : m.result === 'pass' ? 'ok' : 'warn'}">${esc(m.result)}${m.failed ? ' (fails)' : ''}</td>
            <td>${esc(m.canary || '—')}</td><td>${esc(m.baseline || '—')}</td><td>${esc(m.reason || '')}</td></tr>`).join('')}</tbody></table>`
          : '<p class="muted" id="analysis-verdict">No canary step judged yet.</p>'}`;
      const button = document.getElementById('rollback');
      if (button) button.onclick = rollback;
    }
    async function rollback() {
      const out = document.getElementById('rollback-result');
      const button = document.getElementById('rollback');
      if (!confirm(button.textContent + '?')) return;
      button.disabled = true;
      try {
        const done = await Ooda.api(`/console/api/deployments/${encodeURIComponent(name)}/rollback`, { method: 'POST' });
        out.innerHTML = `<p class="notice" id="rolled-back">${esc(done.result)}</p>`;
        await draw();
      } catch (e) { out.innerHTML = Ooda.problemBox(e); button.disabled = false; }
    }
    await draw();
    Ooda.onChange(['Deployment', 'Route'], Ooda.debounce(draw));
    Ooda.every(5000, draw);
  };
})();
