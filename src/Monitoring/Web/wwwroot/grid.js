'use strict';
// The cameras grid: one card per camera, its status and its latest frame updated on each tick of the event stream (1 s).
(() => {
  const grid = document.getElementById('grid');
  const overlaySelect = Dash.overlayMenu();
  const cards = new Map();

  function card(status) {
    let c = cards.get(status.id);
    if (c) return c;
    const frame = Dash.el('div', { class: 'frame' });
    const title = Dash.el('a', { href: `/dashboard/camera.html?id=${encodeURIComponent(status.id)}`, text: status.id, class: 'cam-name' });
    const state = Dash.el('span');
    const stats = Dash.el('p', { class: 'stats' });
    const event = Dash.el('p', { class: 'open-event' });
    const root = Dash.el('article', { class: 'card', 'data-camera': status.id },
      Dash.el('header', {}, title, state), frame, stats, event);
    grid.append(root);
    c = { root, state, stats, event, view: Dash.frameView(frame, status.id, overlaySelect.value, 'still'), frame };
    cards.set(status.id, c);
    return c;
  }

  function update(statuses) {
    for (const s of statuses) {
      const c = card(s);
      c.state.replaceChildren(Dash.badge(s.state));
      c.root.dataset.state = s.state;
      c.stats.textContent = `decoded ${Dash.fmt.rate(s.decodedFps)}/s · analysed ${Dash.fmt.rate(s.analysedFps)}/s · dropped ${Dash.fmt.rate(s.droppedFps)}/s · ` +
        `score ${Dash.fmt.p(s.score)} · hottest ${Dash.fmt.p(s.peak)} / threshold ${Dash.fmt.p(s.threshold)}` +
        (s.learning ? ` · learning (${s.learningFrames} frames)` : '');
      if (s.openEvents.length) {
        const e = s.openEvents[0];
        c.event.replaceChildren(Dash.el('strong', { text: 'open event ' }),
          Dash.el('a', { href: `/dashboard/events.html?camera=${encodeURIComponent(s.id)}`, text: e.eventId }),
          ` since ${Dash.fmt.time(e.startedAt)}` + (e.zones.length ? ` in ${e.zones.join(', ')}` : '') + ` · peak ${Dash.fmt.p(e.maxPeak)}`);
        c.root.classList.add('alerting');
      } else {
        c.event.textContent = 'no open event';
        c.root.classList.remove('alerting');
      }
      c.view.shapes(s);
      c.view.tick();
    }
  }

  overlaySelect.addEventListener('change', () => {
    for (const [id, c] of cards) { c.view.stop(); c.view = Dash.frameView(c.frame, id, overlaySelect.value, 'still'); }
  });
  Dash.getJson('/dashboard/api/cameras').then(update).catch(e => console.error(e));
  Dash.stream({ cameras: update });
})();
