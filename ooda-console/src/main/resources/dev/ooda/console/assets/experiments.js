// Experiments (docs/flags.md, Experiments): the list (flag, cells, layer slice, status) and one
// experiment's results: per cell units, the metric's value, the difference to control with its 95%
// interval drawn as a bar, the p-value, the sample-ratio check, and the always-valid (sequential) view.
'use strict';
(function () {
  const { esc, fmt } = Ooda;

  // As `ooda get experiments` says it: from start and stop alone, in the viewer's clock
  function status(spec, now = Date.now()) {
    if (spec.start && Date.parse(spec.start) > now) return 'scheduled';
    if (spec.stop && Date.parse(spec.stop) <= now) return 'stopped';
    return 'running';
  }
  const cells = (s) => (s.cells || []).map(c => `${c.name}=${c.variant} ${c.weight}%`).join(', ');
  const layer = (s) => s.layer ? `${s.layer.name} ${s.layer.share ?? 100}% @${s.layer.offset ?? 0}` : 'its own';
  const metricName = (m) => typeof m === 'string' ? m : m.name;

  Ooda.pages.experiments = async (main) => {
    main.innerHTML = `<h1>Experiments</h1><form class="bar" onsubmit="return false"><label>Search<input id="q" type="search" value="${esc(Ooda.params().get('q') || '')}" placeholder="name, flag or owner"></label></form><div id="experiments"></div>`;
    let items = [];
    const draw = () => {
      const q = document.getElementById('q').value.trim().toLowerCase();
      const shown = items.filter(r => !q || [r.name, r.spec.flag, r.spec.owner].some(v => (v || '').toLowerCase().includes(q)));
      const box = document.getElementById('experiments'); if (!box) return;
      box.innerHTML = shown.length ? `<table id="experiment-table"><thead><tr><th>Experiment</th><th>Flag</th><th>Status</th><th>Unit</th><th>Cells</th><th>Layer</th><th>Primary</th></tr></thead><tbody>${shown.map(r => {
        const s = r.spec; const href = '/console/experiments/' + encodeURIComponent(r.name); const st = status(s);
        return `<tr data-href="${esc(href)}" data-experiment="${esc(r.name)}"><td><a href="${esc(href)}">${esc(r.name)}</a><div class="muted">${esc(s.hypothesis || '')}</div></td>
          <td><a href="/console/flags">${esc(s.flag)}</a></td><td><span class="pill ${st === 'running' ? 'UP' : st === 'scheduled' ? 'STARTING' : ''}">${esc(st)}</span></td>
          <td>${esc(s.unit || 'targetingKey')}</td><td>${esc(cells(s))}</td><td>${esc(layer(s))}</td><td>${esc((s.metrics || []).map(metricName)[0] || '—')}</td></tr>`;
      }).join('')}</tbody></table>` : `<p class="muted">${items.length ? 'No experiment matches.' : 'No experiments. Declare one with <code>kind: Experiment</code> (see docs/flags.md).'}</p>`;
    };
    const load = async () => { items = (await Ooda.api('/api/v1/experiments')).items; draw(); };
    document.getElementById('q').oninput = (e) => { Ooda.setParams({ q: e.target.value.trim() }); draw(); };
    await load();
    Ooda.onChange(['Experiment'], Ooda.debounce(load));
  };

  // Figures of one metric: a rate as a percent, a mean as a number; differences of rates in points
  const value = (statistic, v) => v === undefined || v === null ? '—' : statistic === 'rate' ? (v * 100).toFixed(2) + '%' : num(v);
  const diff = (statistic, v) => v === undefined || v === null ? '—' : statistic === 'rate' ? sign(v * 100, 2) + ' pts' : sign(v, 4);
  const rel = (v) => v === undefined || v === null ? '—' : sign(v * 100, 1) + '%';
  const pval = (p) => p === undefined || p === null ? '—' : p < 0.0001 ? '<0.0001' : p.toFixed(4);
  function num(v) { return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(4); }
  function sign(v, digits) { const s = Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits); return (v > 0 ? '+' : '') + s; }

  // The 95% intervals of one table on one scale, zero marked: a bar from low to high, a tick at the difference
  function intervalBar(c, lo, hi, better) {
    if (c.low === undefined || c.high === undefined) return '';
    const at = (x) => (100 * (x - lo) / (hi - lo)).toFixed(2);
    const cls = c.significant ? (c.difference > 0 === better ? 'ok' : 'bad') : 'muted';
    return `<svg class="interval ${cls}" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label="95% interval ${esc(c.low)} to ${esc(c.high)}">
      <line class="zero" x1="${at(0)}" x2="${at(0)}" y1="0" y2="12"/><rect x="${at(c.low)}" y="4" width="${Math.max(0.5, at(c.high) - at(c.low))}" height="4"/>
      <rect class="point" x="${at(c.difference) - 0.6}" y="1" width="1.2" height="10"/></svg>`;
  }
  function scale(rows) {
    let lo = 0; let hi = 0;
    rows.forEach(c => { if (c.low !== undefined) { lo = Math.min(lo, c.low); hi = Math.max(hi, c.high); } });
    const pad = (hi - lo) * 0.08 || 1;
    return [lo - pad, hi + pad];
  }

  function metricTable(m, r) {
    const [lo, hi] = scale(m.cells);
    const primary = m.name === r.primaryMetric;
    return `<section class="metric" data-metric="${esc(m.name)}"><h2>${esc(m.name)} <span class="muted">(${esc(m.statistic)}${primary ? ', primary' : ''})</span></h2>
      <table><thead><tr><th>Cell</th><th class="num">Units</th><th class="num">${m.statistic === 'rate' ? 'Rate' : 'Mean'}</th><th class="num">Difference</th>
        <th class="num">95% interval</th><th class="interval-col">vs control</th><th class="num">Relative</th><th class="num">95% interval</th><th class="num">p</th></tr></thead><tbody>
      ${m.cells.map(c => `<tr data-cell="${esc(c.cell)}"><td><strong>${esc(c.cell)}</strong> <span class="muted">${esc(c.variant)}${c.cell === r.control ? ' · control' : ''}</span>${c.cell === r.winner ? ' <span class="pill UP">winner</span>' : ''}</td>
        <td class="num">${esc(c.units)}</td><td class="num">${esc(value(m.statistic, c.value))}</td>
        <td class="num diff">${esc(diff(m.statistic, c.difference))}</td>
        <td class="num ci">${c.low === undefined ? '—' : esc(`[${diff(m.statistic, c.low)}, ${diff(m.statistic, c.high)}]`)}</td>
        <td class="interval-col">${intervalBar(c, lo, hi, true)}</td>
        <td class="num">${esc(rel(c.relative))}</td><td class="num">${c.relativeLow === undefined ? '—' : esc(`[${rel(c.relativeLow)}, ${rel(c.relativeHigh)}]`)}</td>
        <td class="num p ${c.significant ? 'significant' : ''}">${esc(pval(c.p))}${c.significant ? ' *' : ''}</td></tr>`).join('')}</tbody></table></section>`;
  }

  function requestsTable(r) {
    if (!r.requests || !r.requests.length) return '';
    const ms = (v) => v === undefined || v === null ? '—' : v.toFixed(1);
    return `<section class="metric" id="requests"><h2>Requests <span class="muted">(served to each cell's units; error = 5xx; a guard against harm, not the verdict)</span></h2>
      <table><thead><tr><th>Cell</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">Difference, 95% interval</th><th class="num">p</th>
        <th class="num">Mean ms</th><th class="num">Difference, 95% interval</th><th class="num">p</th></tr></thead><tbody>
      ${r.requests.map(q => `<tr data-cell="${esc(q.cell)}"><td>${esc(q.cell)}</td><td class="num">${esc(q.requests)}</td><td class="num">${esc(fmt.pct(q.errorRate))}</td>
        <td class="num">${q.errorRateDifference === undefined ? '—' : esc(`${sign(q.errorRateDifference * 100, 2)} pts [${sign(q.errorRateLow * 100, 2)}, ${sign(q.errorRateHigh * 100, 2)}]`)}</td>
        <td class="num">${esc(pval(q.errorRateP))}</td><td class="num">${esc(ms(q.latencyMs))}</td>
        <td class="num">${q.latencyDifference === undefined ? '—' : esc(`${sign(q.latencyDifference, 1)} [${sign(q.latencyLow, 1)}, ${sign(q.latencyHigh, 1)}]`)}</td>
        <td class="num">${esc(pval(q.latencyP))}</td></tr>`).join('')}</tbody></table></section>`;
  }

  Ooda.pages.experiment = async (main, args) => {
    const name = args[0];
    const state = { sequential: Ooda.params().get('sequential') === 'true' };
    main.innerHTML = `<h1>${esc(name)}</h1><div id="experiment-spec"></div>
      <form class="bar" onsubmit="return false"><label class="check"><input type="checkbox" id="sequential" ${state.sequential ? 'checked' : ''}>
        Always-valid (sequential, mSPRT): safe to read at any time, wider</label></form>
      <div id="results"></div>`;
    document.getElementById('sequential').onchange = (e) => { state.sequential = e.target.checked; Ooda.setParams({ sequential: state.sequential ? 'true' : '' }); draw(); };

    async function spec() {
      const r = await Ooda.api('/api/v1/experiments/' + encodeURIComponent(name));
      const s = r.spec; const box = document.getElementById('experiment-spec'); if (!box) return;
      box.innerHTML = `<p>${s.hypothesis ? esc(s.hypothesis) + '<br>' : ''}flag <a href="/console/flags">${esc(s.flag)}</a> · owner ${esc(s.owner || '—')} · unit ${esc(s.unit || 'targetingKey')}
        · cells ${esc(cells(s))} · layer ${esc(layer(s))} · ${esc(status(s))}${s.start ? ' · from ' + esc(fmt.time(Date.parse(s.start))) : ''}${s.stop ? ' · until ' + esc(fmt.time(Date.parse(s.stop))) : ''}</p>`;
    }

    async function draw() {
      const box = document.getElementById('results');
      let r;
      try {
        r = await Ooda.api(`/api/v1/experiments/${encodeURIComponent(name)}/results${state.sequential ? '?sequential=true' : ''}`);
      } catch (e) { if (box) box.innerHTML = Ooda.problemBox(e); return; }
      if (!document.getElementById('results')) return;
      const unhealthy = r.health === 'UNHEALTHY';
      const srm = r.srm || { units: {}, weights: {} };
      const total = Object.values(srm.units || {}).reduce((a, b) => a + b, 0);
      const split = Object.entries(srm.units || {}).map(([c, n]) => `${c} ${n}${total ? ` (${(100 * n / total).toFixed(1)}% of ${srm.weights[c] ?? '?'}%)` : ''}`).join(', ');
      box.innerHTML = `<p id="experiment-status"><span class="pill ${r.status === 'RUNNING' ? 'UP' : ''}">${esc(r.status)}</span>
          <span id="health" class="pill ${unhealthy ? 'DOWN' : r.health === 'HEALTHY' ? 'UP' : ''}">${esc(r.health)}</span>
          ${r.method ? `<span class="muted">${esc(r.method)}${r.mixingSdFraction ? ` · mixing sd = ${esc(r.mixingSdFraction)} × control's per-unit sd` : ''}</span>` : ''}</p>
        <p id="srm">units: ${esc(split || 'none yet')} · sample-ratio chi-square ${esc(srm.chiSquare?.toFixed(3) ?? '—')}, p ${esc(pval(srm.p))}</p>
        ${unhealthy ? `<div class="problem" role="alert" id="srm-alert"><strong>Sample ratio mismatch</strong>: the units per cell do not match the weights
          (p ${esc(pval(srm.p))}, below 0.001). Assignment or exposure logging is broken; every figure below is suspect and no winner is declared.</div>` : ''}
        <p id="verdict" class="${r.winner ? 'ok' : 'muted'}"><strong>Verdict</strong>: ${esc(r.verdict || '—')}</p>
        ${(r.metrics || []).map(m => metricTable(m, r)).join('')}${requestsTable(r)}
        <p class="muted">* p &lt; 0.05. Intervals: the bar spans the 95% interval of the difference to control, the tick is the difference, the line is zero; green better, red worse, grey not significant.</p>`;
    }

    await Promise.all([spec(), draw()]);
    Ooda.onChange(['Experiment'], Ooda.debounce(() => { spec(); draw(); }));
    Ooda.every(10000, draw);
  };
})();
