'use strict';
// A camera's page: the live view, the chart of its frame score against its threshold, regions, events, profile.
(() => {
  const id = new URLSearchParams(location.search).get('id') || '';
  document.getElementById('title').textContent = id;
  document.title = `${id} · Monitoring`;
  document.getElementById('events-link').href = `/dashboard/events.html?camera=${encodeURIComponent(id)}`;
  const overlaySelect = Dash.overlayMenu();
  const frame = document.getElementById('frame');
  let view = Dash.frameView(frame, id, overlaySelect.value);
  overlaySelect.addEventListener('change', () => {
    view.stop(); view = Dash.frameView(frame, id, overlaySelect.value);
  });

  let samples = []; // [unixMs, score, peak, threshold]
  let chartSeconds = 300;
  let learning = null;

  function drawChart() {
    const chart = document.getElementById('chart');
    chart.replaceChildren();
    const now = Date.now(), t0 = now - chartSeconds * 1000;
    samples = samples.filter(s => s[0] >= t0);
    const x = t => ((t - t0) / (chartSeconds * 1000)) * 600, y = v => 175 - Math.max(0, Math.min(1, v)) * 170;
    for (const g of [0.25, 0.5, 0.75, 1]) chart.append(Dash.svg('line', { x1: 0, x2: 600, y1: y(g), y2: y(g), class: 'grid-line' }));
    const line = (i, cls) => {
      const pts = samples.filter(s => s[i] !== null).map(s => `${x(s[0]).toFixed(1)},${y(s[i]).toFixed(1)}`);
      if (pts.length) chart.append(Dash.svg('polyline', { points: pts.join(' '), class: cls }));
    };
    line(3, 'thr'); line(2, 'peak'); line(1, 'score');
    document.getElementById('span').textContent = `(last ${Math.round(chartSeconds / 60)} min, 0–1)`;
  }

  function status(s) {
    document.getElementById('state').replaceWith(Object.assign(Dash.badge(s.state), { id: 'state' }));
    document.getElementById('stats').textContent =
      `${s.source} · decoded ${Dash.fmt.rate(s.decodedFps)}/s · analysed ${Dash.fmt.rate(s.analysedFps)}/s · dropped ${Dash.fmt.rate(s.droppedFps)}/s · ` +
      `reconnects ${s.reconnects}` + (s.secondsSinceFrame !== null ? ` · last frame ${s.secondsSinceFrame} s ago` : '') + (s.error ? ` · dashboard error: ${s.error}` : '');
    const regions = document.getElementById('regions');
    regions.replaceChildren(Dash.el('tr', {}, Dash.el('th', { text: 'box (x, y, w, h)' }), Dash.el('th', { text: 'peak' }), Dash.el('th', { text: 'zone' })));
    if (!s.regions.length) regions.append(Dash.el('tr', {}, Dash.el('td', { text: 'none in the last frame', colspan: 3 })));
    for (const r of s.regions)
      regions.append(Dash.el('tr', {}, Dash.el('td', { text: `${r.box.x}, ${r.box.y}, ${r.box.width}, ${r.box.height}` }),
        Dash.el('td', { text: Dash.fmt.p(r.peak) }), Dash.el('td', { text: r.zone ?? '–' })));
    const open = document.getElementById('open');
    open.replaceChildren(...(s.openEvents.length ? s.openEvents.map(e => Dash.el('p', { class: 'open-event' },
      Dash.el('a', { href: `/dashboard/events.html?camera=${encodeURIComponent(id)}`, text: e.eventId }),
      ` since ${Dash.fmt.time(e.startedAt)} · peak ${Dash.fmt.p(e.maxPeak)}`)) : [Dash.el('p', { text: 'none' })]));
    view.shapes(s);
    if (learning !== null && learning !== s.learning) loadDetail(); // learning finished: show the new profile
    learning = s.learning;
  }

  function profile(p) {
    const rows = [
      ['model', p.modelVersion],
      ['status', p.learning ? `learning: ${p.framesLearnedThisRun} of ${p.autoLearnFrames} frames` : 'monitoring'],
      ['profile in use', p.profileVersion || '–'],
      ['profile file', p.profileFileExists ? 'present' : 'not written yet'],
      ['frames learned', p.profileFrames ?? '–'],
      ['derived threshold', Dash.fmt.p(p.derivedThreshold)],
      ['false-alarm rate', p.falseAlarmRate ?? '–'],
      ['learned', Dash.fmt.dateTime(p.createdUtc)],
      ['learned from', p.profileSource ?? '–'],
    ];
    document.getElementById('profile').replaceChildren(...rows.map(([k, v]) => Dash.el('tr', {}, Dash.el('th', { text: k }), Dash.el('td', { text: String(v) }))));
  }

  async function loadDetail() {
    const d = await Dash.getJson(`/dashboard/api/cameras/${encodeURIComponent(id)}`);
    chartSeconds = d.chartSeconds;
    samples = d.scores;
    if (!d.attentionAvailable) overlaySelect.querySelector('option[value="attention"]').disabled = true;
    status(d.status);
    profile(d.profile);
    drawChart();
  }

  loadDetail().catch(e => { document.getElementById('stats').textContent = e.message; });
  Dash.stream({
    cameras: list => {
      const s = list.find(c => c.id === id);
      if (!s) return;
      status(s);
      samples.push([Date.now(), s.score, s.peak, s.threshold]);
      drawChart();
    },
  });
})();
