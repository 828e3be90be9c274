// Live pages (the wall display, and any page with an hx-ws:connect element):
// a clock, a banner while the socket is down, and a warning when the data is
// older than a minute (the server sends a heartbeat every 20 s).
(function () {
  const STALE_MS = 60_000;
  const banner = () => document.getElementById('live-banner');
  const state = () => document.getElementById('live-state');
  let connected = false;

  document.addEventListener('htmx:ws:close', (e) => {
    if (e.detail && e.detail.reason === 'removed') return;
    connected = false;
    const b = banner();
    if (b) b.hidden = false;
    document.body.dataset.live = 'lost';
  });
  document.addEventListener('htmx:ws:after:connection', () => {
    connected = true;
    const b = banner();
    if (b) b.hidden = true;
    document.body.dataset.live = 'connected';
  });

  function tick() {
    const clock = document.getElementById('clock');
    if (clock) {
      const now = new Date();
      clock.textContent = now.toLocaleTimeString(clock.dataset.lang === 'en' ? 'en-GB' : 'id-ID', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Jakarta' });
    }
    const beat = document.getElementById('live-heartbeat');
    const s = state();
    if (beat && s) {
      const age = Date.now() - Date.parse(beat.getAttribute('datetime') || '');
      const stale = !connected || !(age < STALE_MS);
      s.classList.toggle('stale', stale && age >= STALE_MS);
      s.textContent = age >= STALE_MS ? s.dataset.stale : s.dataset.live;
    }
  }
  tick();
  setInterval(tick, 1000);
})();
