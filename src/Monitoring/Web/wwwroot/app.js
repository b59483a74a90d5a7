'use strict';
// Shared by the dashboard's pages: the live event stream, element helpers, the frame view with its zones and masks.
const Dash = (() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  const svgNs = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  // One EventSource per page; it reconnects by itself when the daemon or the network goes away.
  function stream(handlers) {
    const conn = document.getElementById('conn');
    const source = new EventSource('/dashboard/api/stream');
    source.onopen = () => { conn.textContent = 'live'; conn.className = 'conn ok'; };
    source.onerror = () => { conn.textContent = 'reconnecting…'; conn.className = 'conn bad'; };
    for (const [name, fn] of Object.entries(handlers)) source.addEventListener(name, ev => fn(JSON.parse(ev.data)));
    return source;
  }

  async function getJson(url) {
    const r = await fetch(url, { headers: { 'Accept': 'application/json' } });
    if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  async function post(url) {
    const r = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
    const text = await r.text();
    if (!r.ok) throw new Error(text);
    return JSON.parse(text);
  }

  const fmt = {
    rate: v => (v ?? 0).toFixed(1),
    p: v => v === null || v === undefined ? '–' : v.toFixed(3),
    time: t => t ? new Date(t).toLocaleTimeString() : '–',
    dateTime: t => t ? new Date(t).toLocaleString() : '–',
  };

  // The live picture (MJPEG: frames come only while it is open) with the zones and masks drawn over it.
  function frameView(container, camera, overlay) {
    container.replaceChildren();
    const img = el('img', { alt: `live view of ${camera}`, class: 'live-img' });
    const layer = svg('svg', { class: 'shapes', preserveAspectRatio: 'none' });
    container.append(img, layer);
    let retry = null;
    const load = () => { img.src = `/dashboard/api/cameras/${encodeURIComponent(camera)}/stream.mjpeg?overlay=${overlay}&t=${Date.now()}`; };
    // A stream that breaks (the daemon restarted, the network dropped) is opened again.
    img.onerror = () => { clearTimeout(retry); retry = setTimeout(load, 2000); };
    load();
    let drawn = '';
    return {
      shapes(status) {
        const key = JSON.stringify([status.width, status.height, status.zones, status.masks]);
        if (key === drawn || !status.width) return;
        drawn = key;
        layer.setAttribute('viewBox', `0 0 ${status.width} ${status.height}`);
        layer.replaceChildren();
        const poly = (s, cls) => {
          const p = svg('polygon', { points: s.points.map(q => `${q.x},${q.y}`).join(' '), class: cls });
          const t = svg('title', {}); t.textContent = `${cls} ${s.name ?? ''}`; p.append(t);
          layer.append(p);
          if (s.name && s.points.length) {
            const label = svg('text', { x: s.points[0].x + 4, y: s.points[0].y + 16, class: cls + '-label' });
            label.textContent = s.name; layer.append(label);
          }
        };
        status.masks.forEach(m => poly(m, 'mask'));
        status.zones.forEach(z => poly(z, 'zone'));
      },
      stop() { clearTimeout(retry); img.removeAttribute('src'); },
    };
  }

  // The overlay menu of the grid and the camera page (the choice is remembered in the browser); returns the select.
  function overlayMenu() {
    const select = el('select', { id: 'overlay' },
      el('option', { value: 'heatmap', text: 'anomaly heatmap' }), el('option', { value: 'attention', text: 'attention map' }),
      el('option', { value: 'none', text: 'none' }));
    select.value = localStorage.getItem('overlay') || 'heatmap';
    select.addEventListener('change', () => localStorage.setItem('overlay', select.value));
    document.getElementById('overlay-slot').replaceWith(el('label', {}, 'Overlay ', select));
    return select;
  }

  function badge(state) { return el('span', { class: `badge state-${state}`, text: state }); }

  return { el, svg, stream, getJson, post, fmt, frameView, badge, overlayMenu };
})();
