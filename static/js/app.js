// Singgah's only page script: small, no inline code (the CSP allows none).
// 1. Every htmx request carries the session's CSRF token as a header.
document.addEventListener('htmx:config:request', (evt) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const ctx = evt.detail && evt.detail.ctx;
  if (meta && ctx && ctx.request && ctx.request.headers) ctx.request.headers['X-CSRF-Token'] = meta.content;
});

// ---- Intake desk and residents (issue 4) ----
// 2. Print buttons (the resident card): no inline onclick under the CSP.
document.addEventListener('click', (evt) => {
  const button = evt.target instanceof Element ? evt.target.closest('[data-print]') : null;
  if (button) {
    evt.preventDefault();
    window.print();
  }
});
// 3. After "add member" swaps the intake form in place, the cursor goes to the new member's name
//    (autofocus works on a page load only).
document.addEventListener('htmx:after:process', (evt) => {
  const root = evt.target;
  if (!(root instanceof Element) || !root.matches('#intake-form')) return;
  const field = root.querySelector('[autofocus]');
  if (field) field.focus();
});

// ---- Messages in sight (issue 13) ----
// 4. After an action the officer sees what happened without searching: the first
//    message the server marked (data-focus-message), else the first field error, is
//    scrolled into view and focused — on a full page load and after an htmx swap.
//    A <details> holding it is opened.
function revealMessage(root) {
  if (!(root instanceof Element || root instanceof Document)) return false;
  const msg = root.querySelector('[data-focus-message], .field-error, [data-htmx-message]:not([hidden])');
  if (!msg) return false;
  for (let d = msg.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  const field = msg.classList.contains('field-error') ? msg.closest('label')?.querySelector('[aria-invalid="true"]') : null;
  const r = msg.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) msg.scrollIntoView({ block: 'center' });
  if (field) field.focus({ preventScroll: true });
  else {
    if (!msg.hasAttribute('tabindex')) msg.setAttribute('tabindex', '-1');
    msg.focus({ preventScroll: true });
  }
  return true;
}
document.addEventListener('DOMContentLoaded', () => {
  const main = document.getElementById('main');
  if (main && !location.hash) revealMessage(main);
});

// 5. A message slot next to the control the officer used: error responses and lost
//    connections are shown there, never swapped over the content (a stale token must
//    not wipe a unit list).
function slotNear(ctx) {
  const submitter = ctx.request && ctx.request.submitter;
  const src = submitter || ctx.sourceElement;
  const anchor = (src && src.closest && (src.closest('.actions, .row, label') || src)) || document.getElementById('main');
  let slot = anchor.previousElementSibling;
  if (!slot || !slot.matches('[data-htmx-message]')) {
    slot = document.createElement('div');
    slot.setAttribute('data-htmx-message', '');
    slot.setAttribute('role', 'alert');
    slot.className = 'htmx-message';
    anchor.parentNode.insertBefore(slot, anchor);
  }
  slot.hidden = false;
  return slot;
}
const isHtmlErrorFragment = (text) => /data-error-fragment/.test(text || '');
document.addEventListener('htmx:after:request', (evt) => {
  const ctx = evt.detail && evt.detail.ctx;
  if (!ctx || !ctx.response) return;
  const status = ctx.response.status;
  const hx = ctx.hx || {};
  if (hx.redirect || hx.refresh || hx.location) return;
  // Clear an old message once the same control succeeds.
  if (status < 400) {
    const src = (ctx.request && ctx.request.submitter) || ctx.sourceElement;
    const old = src && src.closest && (src.closest('.actions, .row, label') || src).previousElementSibling;
    if (old && old.matches('[data-htmx-message]')) old.hidden = true;
    return;
  }
  // A region re-rendered with its problem inside (a form with errors beside its fields,
  // suggestions saying nothing fits) is swapped in place; only the generic error
  // message (views/partials/error.eta) or a server failure goes to the message slot.
  if (status < 500 && !isHtmlErrorFragment(ctx.text)) return;
  ctx.target = slotNear(ctx);
  ctx.swap = 'innerHTML';
  ctx.select = null;
  ctx.push = null;
  ctx.replace = null;
});
document.addEventListener('htmx:after:swap', (evt) => {
  const ctx = evt.detail && evt.detail.ctx;
  const target = ctx && ctx.target;
  if (!ctx || !ctx.response) return;
  // Only a failure or a result the server marked: "add member" keeps its own focus.
  if (ctx.response.status < 400 && !/data-focus-message/.test(ctx.text || '')) return;
  if (target instanceof Element && target.isConnected) revealMessage(target.matches('[data-htmx-message]') ? target.parentElement : target);
  else revealMessage(document.getElementById('main'));
});
// 6. The Wi-Fi dropped (or the server did not answer): say so where the officer acted.
document.addEventListener('htmx:error', (evt) => {
  const ctx = evt.detail && evt.detail.ctx;
  if (!ctx || ctx.response) return;
  const meta = document.querySelector('meta[name="offline-message"]');
  const slot = slotNear(ctx);
  const p = document.createElement('div');
  p.className = 'flash flash-error';
  p.textContent = meta ? meta.content : 'Connection lost, try again.';
  slot.replaceChildren(p);
  revealMessage(slot.parentElement);
});

// ---- The wilayah picker (views/partials/wilayah/picker.eta): the field takes its list when it is used. ----
document.addEventListener('focusin', (evt) => {
  const el = evt.target;
  if (el instanceof HTMLInputElement && el.dataset.list && !el.hasAttribute('list')) el.setAttribute('list', el.dataset.list);
});

// ---- Offline-first shell (issue 25) ----
// The service worker keeps the desk's and the field form's pages and their files, so a reload or
// Back without a network shows the app. This page and its files are kept as soon as it is in control.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then((reg) => {
    const urls = [location.href];
    for (const el of document.querySelectorAll('script[src], link[rel="stylesheet"][href]')) urls.push(el.src || el.href);
    if (reg.active) reg.active.postMessage({ type: 'keep', urls });
  }).catch(() => {});
}
// Signing out forgets the kept pages: a shared tablet keeps nobody's data for the next user.
document.addEventListener('submit', (evt) => {
  const form = evt.target;
  if (form instanceof HTMLFormElement && form.getAttribute('action') === '/logout' && 'caches' in window) {
    caches.delete('singgah-shell-v1').catch(() => {});
  }
});
