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
