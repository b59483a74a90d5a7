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

  // The live picture with the zones and masks drawn over it. 'stream': MJPEG (frames come only while it is open; the
  // camera page). 'still': the latest JPEG fetched on each tick of the event stream, one at a time (the grid: a
  // browser keeps at most six connections to a host, so not one open stream per camera).
  function frameView(container, camera, overlay, mode = 'stream') {
    container.replaceChildren();
    container.dataset.overlay = overlay;
    const img = el('img', { alt: `live view of ${camera}`, class: 'live-img' });
    const layer = svg('svg', { class: 'shapes', preserveAspectRatio: 'none' });
    container.append(img, layer);
    const base = `/dashboard/api/cameras/${encodeURIComponent(camera)}`;
    let retry = null, busy = false, stopped = false, shown = null;
    const load = () => { img.src = `${base}/stream.mjpeg?overlay=${overlay}&t=${Date.now()}`; };
    async function still() {
      if (busy || stopped) return;
      busy = true;
      try {
        const r = await fetch(`${base}/frame.jpg?overlay=${overlay}`, { cache: 'no-store' });
        if (r.status === 200 && !stopped) {
          const url = URL.createObjectURL(await r.blob());
          img.src = url;
          if (shown) URL.revokeObjectURL(shown);
          shown = url;
        }
      } catch (e) {
        // the daemon is away: the next tick tries again
      } finally {
        busy = false;
      }
    }
    if (mode === 'stream') {
      // A stream that breaks (the daemon restarted, the network dropped) is opened again.
      img.onerror = () => { clearTimeout(retry); retry = setTimeout(load, 2000); };
      load();
    } else {
      still();
    }
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
      tick() { if (mode === 'still') still(); },
      stop() { stopped = true; clearTimeout(retry); img.removeAttribute('src'); if (shown) URL.revokeObjectURL(shown); },
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
