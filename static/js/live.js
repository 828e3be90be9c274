// Live pages (the wall display, and any page with an hx-ws:connect element):
// a clock, a banner while the socket is down, and a warning when the data is
// older than a minute (the server sends a heartbeat every 20 s).
(function () {
  const STALE_MS = 60_000;
  const banner = () => document.getElementById('live-banner');
  const state = () => document.getElementById('live-state');
  // Until the socket says otherwise (its first connect, or a close), the page was just rendered from live data.
  let connected = true;

  function lost() {
    connected = false;
    const b = banner();
    if (b) b.hidden = false;
    document.body.dataset.live = 'lost';
    tick();
  }
  document.addEventListener('htmx:ws:close', (e) => {
    if (e.detail && e.detail.reason === 'removed') return;
    // Our own close on a gap (below): back in a moment, with the region whole; no banner.
    if (e.detail && e.detail.code === RESYNC_CODE) return;
    lost();
  });
  // The device itself lost the network: said at once, not when the socket times out.
  window.addEventListener('offline', lost);
  // A page rendered with an error or a result to read (a refused form, a notice)
  // must not be redrawn by the region snapshot the socket sends on connecting: the
  // page was rendered from the same data a moment ago, and the snapshot would wipe
  // the message (a refusal without a reason "just closed"). Nor a page the officer has
  // already started to use (a form opened, a field in focus): on a slow tablet the
  // snapshot can land a moment after the first tap and would close what was opened.
  // Later changes still arrive.
  //
  // And a change that arrives while the officer is in the middle of something (a
  // form opened in a <details>, a field in focus) waits until they are done: a
  // live update never takes a form from under their fingers.
  const inUse = () =>
    document.querySelector('#main details[open]') ||
    (document.activeElement && document.activeElement.closest && document.activeElement.closest('#main form'));
  const untilIdle = () =>
    new Promise((resolve) => {
      const check = () => {
        if (inUse()) return;
        document.removeEventListener('toggle', check, true);
        document.removeEventListener('focusout', later, true);
        clearInterval(poll);
        resolve();
      };
      const later = () => setTimeout(check, 0);
      document.addEventListener('toggle', check, true);
      document.addEventListener('focusout', later, true);
      const poll = setInterval(check, 1000);
    });
  // A region may answer a change by fetching its list again (an hx-get that fires on load,
  // inside the socket's fragment): that answer waits too, then is fetched afresh.
  let refetchQueued = false;
  document.addEventListener('htmx:before:swap', (e) => {
    const src = e.detail && e.detail.ctx && e.detail.ctx.sourceElement;
    if (!src || !src.closest || !src.closest('[data-live-refetch]') || !inUse()) return;
    e.preventDefault();
    if (refetchQueued) return;
    refetchQueued = true;
    const path = src.getAttribute('hx-get');
    const target = src.getAttribute('hx-target');
    const swap = src.getAttribute('hx-swap') || 'outerHTML';
    untilIdle().then(() => {
      refetchQueued = false;
      if (path && target && document.querySelector(target) && window.htmx) window.htmx.ajax('GET', path, { target, swap });
    });
  });
  // No silent staleness: every frame ends with the heartbeat numbered in its audience (data-seq, one more
  // per frame). A number skipped means a frame was not sent to us (the server could not render it, or could
  // not hear another instance's changes): the socket is closed and hx-ws reconnects, and the region the
  // server sends at every connect (data-snapshot) is whole and current. docs/api.md "Live".
  const RESYNC_CODE = 4000;
  let lastSeq = null;
  function resync(connection) {
    lastSeq = null;
    const config = connection && connection.config;
    if (config && Array.isArray(config.reconnectCodes) && !config.reconnectCodes.includes(RESYNC_CODE)) config.reconnectCodes.push(RESYNC_CODE);
    const socket = connection && connection.socket;
    if (socket && socket.readyState === WebSocket.OPEN) socket.close(RESYNC_CODE, 'resync');
  }
  document.addEventListener('htmx:ws:before:message:incoming', (e) => {
    const data = e.detail && e.detail.message && e.detail.message.data;
    if (typeof data !== 'string') return;
    const beat = /<time id="live-heartbeat"[^>]*\sdata-seq="(\d+)"[^>]*>/.exec(data);
    if (!beat) return;
    const seq = Number(beat[1]);
    if (/\sdata-snapshot(=|\s|>)/.test(beat[0]) || lastSeq === null || seq === lastSeq + 1) {
      lastSeq = seq;
      document.body.dataset.liveSeq = String(seq);
      return;
    }
    // A gap: this frame is not the next; what the page holds may miss a change.
    e.preventDefault();
    document.body.dataset.liveResyncs = String(Number(document.body.dataset.liveResyncs || 0) + 1);
    resync(e.detail.connection);
  });
  let firstMessage = true;
  document.addEventListener('htmx:ws:before:message:incoming', (e) => {
    if (e.defaultPrevented) return;
    if (firstMessage) {
      firstMessage = false;
      if (document.querySelector('#main [data-focus-message], #main .field-error') || inUse()) {
        e.preventDefault();
        return;
      }
    }
    if (inUse() && e.detail && typeof e.detail.waitUntil === 'function') e.detail.waitUntil(untilIdle());
  });

  document.addEventListener('htmx:ws:after:connection', () => {
    lastSeq = null;
    connected = true;
    const b = banner();
    if (b) b.hidden = true;
    document.body.dataset.live = 'connected';
    tick();
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
      // The badge follows the connection: never "live" under a "connection lost" banner.
      const stale = !(age < STALE_MS);
      s.classList.toggle('stale', !connected || stale);
      s.classList.toggle('offline', !connected);
      s.textContent = !connected ? s.dataset.offline || s.dataset.stale : stale ? s.dataset.stale : s.dataset.live;
    }
  }
  tick();
  setInterval(tick, 1000);

  // The wall's referrals and handoffs (newest first): as many whole items as the panel holds, the rest as "+N lagi".
  function fitLists() {
    for (const more of document.querySelectorAll('[data-more]')) {
      const panel = more.closest('.panel-dark');
      const ul = panel && panel.querySelector('ul');
      if (!ul) continue;
      const items = Array.from(ul.children);
      for (const li of items) li.hidden = false;
      const total = Number(more.dataset.total) || items.length;
      let shown = items.length;
      more.hidden = total <= shown;
      const fits = () => shown === 0 || items[shown - 1].getBoundingClientRect().bottom <= ul.getBoundingClientRect().bottom + 1;
      while (!fits()) {
        items[--shown].hidden = true;
        more.hidden = false;
      }
      more.textContent = (more.dataset.label || '+{n}').replace('{n}', String(total - shown));
      more.hidden = total <= shown;
    }
  }
  fitLists();
  window.addEventListener('resize', fitLists);
  // Redrawn by the socket: fitted again (its own "+N" text changes are not a redraw).
  new MutationObserver((muts) => {
    const redrawn = muts.some((m) => m.target instanceof Element && !m.target.closest('[data-more]') && (m.target.closest('#board-content') || m.target.querySelector('#board-content')));
    if (redrawn) fitLists();
  }).observe(document.body, { childList: true, subtree: true });
})();
