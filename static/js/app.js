// Singgah's only page script: small, no inline code (the CSP allows none).
// 1. Every htmx request carries the session's CSRF token as a header.
document.addEventListener('htmx:config:request', (evt) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const ctx = evt.detail && evt.detail.ctx;
  if (meta && ctx && ctx.request && ctx.request.headers) ctx.request.headers['X-CSRF-Token'] = meta.content;
});
