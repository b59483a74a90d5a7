'use strict';
// The events timeline: this run's alert messages with their snapshots and their delivery per webhook; requeue.
(() => {
  const form = document.getElementById('filter');
  const params = new URLSearchParams(location.search);
  for (const name of ['camera', 'zone', 'from', 'to']) if (params.get(name)) form.elements[name].value = params.get(name);

  Dash.getJson('/dashboard/api/cameras').then(list => {
    const sel = document.getElementById('f-camera');
    for (const c of list) sel.append(Dash.el('option', { value: c.id, text: c.id }));
    sel.value = params.get('camera') || '';
  });

  function query() {
    const q = new URLSearchParams();
    const v = n => form.elements[n].value;
    if (v('camera')) q.set('camera', v('camera'));
    if (v('zone')) q.set('zone', v('zone'));
    if (v('from')) q.set('from', new Date(v('from')).toISOString());
    if (v('to')) q.set('to', new Date(v('to')).toISOString());
    return q.toString();
  }

  function snapshot(url, label) {
    return url ? Dash.el('a', { href: url, target: '_blank', class: 'snap' }, Dash.el('img', { src: url, alt: `${label} snapshot`, loading: 'lazy' }), Dash.el('span', { text: label })) : null;
  }

  function entry(m) {
    const delivery = Dash.el('ul', { class: 'delivery' }, ...m.delivery.map(d =>
      Dash.el('li', { class: `dl dl-${d.state}`, 'data-webhook': d.webhook, title: d.reason ?? '' },
        `${d.webhook}: ${d.state}` + (d.attempts ? ` (${d.attempts} attempt${d.attempts > 1 ? 's' : ''})` : '') + (d.reason ? ` — ${d.reason}` : ''))));
    if (!m.delivery.length) delivery.append(Dash.el('li', { class: 'dl', text: 'no webhook for this camera' }));
    const regions = m.regions.map(r => `${r.box.width}×${r.box.height} at ${r.box.x},${r.box.y} peak ${Dash.fmt.p(r.peak)}${r.zone ? ' in ' + r.zone : ''}`).join('; ');
    return Dash.el('li', { class: `ev ev-${m.type}`, 'data-id': m.id, 'data-type': m.type },
      Dash.el('div', { class: 'ev-head' },
        Dash.el('span', { class: `badge type-${m.type}`, text: m.type + (m.reopened ? ' (reopened)' : '') }),
        Dash.el('strong', { text: ` ${m.camera} ` }),
        Dash.el('span', { text: `${Dash.fmt.dateTime(m.occurredAt)} · event ${m.eventId} #${m.sequence}` + (m.zones.length ? ` · zones ${m.zones.join(', ')}` : '') +
          ` · score ${Dash.fmt.p(m.frameScore)} · max peak ${Dash.fmt.p(m.maxPeak)}` + (m.endReason ? ` · ended: ${m.endReason}` : '') })),
      regions ? Dash.el('p', { class: 'regions', text: regions }) : null,
      m.snapshot ? Dash.el('div', { class: 'snaps' }, snapshot(m.snapshot.annotated, 'annotated'), snapshot(m.snapshot.clean, 'clean')) : null,
      delivery);
  }

  function webhooks(list) {
    const body = document.querySelector('#webhooks tbody');
    body.replaceChildren(...list.map(w => Dash.el('tr', { 'data-webhook': w.name },
      Dash.el('td', { text: w.name }), Dash.el('td', { text: String(w.pending) }), Dash.el('td', { text: Dash.fmt.dateTime(w.oldestPendingAt) }),
      Dash.el('td', { text: String(w.deadLetters), class: w.deadLetters ? 'bad' : '' }),
      Dash.el('td', {}, w.deadLetters ? Object.assign(Dash.el('button', { type: 'button', class: 'requeue', text: `Requeue ${w.deadLetters} dead letter(s)` }),
        { onclick: () => requeue(w.name) }) : ''))));
    if (!list.length) body.append(Dash.el('tr', {}, Dash.el('td', { colspan: 5, text: 'no webhooks configured (alerts.webhooks)' })));
  }

  async function requeue(name) {
    const out = document.getElementById('requeue-result');
    try {
      const r = await Dash.post(`/dashboard/api/outbox/requeue?webhook=${encodeURIComponent(name)}`);
      out.textContent = r.message;
    } catch (e) {
      out.textContent = `requeue failed: ${e.message}`;
    }
    load();
  }

  let loading = null;
  async function load() {
    if (loading) return;
    loading = Dash.getJson(`/dashboard/api/events?${query()}`);
    try {
      const d = await loading;
      webhooks(d.webhooks);
      document.getElementById('outbox-error').textContent = d.outboxError ?? '';
      const list = document.getElementById('timeline');
      list.replaceChildren(...d.messages.map(entry));
      if (!d.messages.length) list.append(Dash.el('li', { class: 'empty', text: 'no alert messages yet (this run)' }));
    } catch (e) {
      document.getElementById('outbox-error').textContent = e.message;
    } finally {
      loading = null;
    }
  }

  form.addEventListener('submit', ev => {
    ev.preventDefault();
    history.replaceState(null, '', `?${query()}`);
    load();
  });
  load();
  let ticks = 0, pending = null;
  Dash.stream({
    alert: () => { clearTimeout(pending); pending = setTimeout(load, 300); },
    // Delivery moves on without new messages (retries, deliveries): look again every 5 s.
    cameras: () => { if (++ticks % 5 === 0) load(); },
  });
})();
