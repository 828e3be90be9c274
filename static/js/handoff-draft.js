// The handoff field form's draft, kept on the phone (no inline code: the CSP allows none).
// - Every change is saved to localStorage, per account, for a day.
// - A fresh form (GET /handoffs/new) is filled back from a saved draft after a
//   reload or a dropped connection; if the draft has more persons than the form,
//   the page asks the server for that many (/handoffs/new?persons=N) first.
// - When "save" is pressed the form's idempotency_key is remembered with the
//   draft; a restored draft reuses it, so a resubmit after a drop does its
//   work once (the server replays its first answer).
// - The handoff page after a successful save carries data-draft-clear=<key>:
//   the draft of that submit is forgotten.
// - A save made offline (or whose answer was lost) is queued on the device with its
//   key (static/js/outbox.js): the queued item is the draft from then on, so the
//   draft of that key is forgotten and the form opens empty; nothing to discard.
(function () {
  'use strict';
  var TTL_MS = 24 * 3600 * 1000;
  var PREFIX = 'singgah.handoff-draft.';
  var SKIP = { _csrf: true, step: true };

  function storageKey(owner) { return PREFIX + (owner || 'anon'); }
  function read(owner) {
    try {
      var raw = window.localStorage.getItem(storageKey(owner));
      if (!raw) return null;
      var draft = JSON.parse(raw);
      if (!draft || Date.now() - draft.at > TTL_MS) { window.localStorage.removeItem(storageKey(owner)); return null; }
      return draft;
    } catch (e) { return null; }
  }
  function write(owner, draft) {
    try { window.localStorage.setItem(storageKey(owner), JSON.stringify(draft)); } catch (e) { /* storage full or off: the form still works */ }
  }
  function forget(owner) { try { window.localStorage.removeItem(storageKey(owner)); } catch (e) { /* ignore */ } }

  function form() { return document.getElementById('handoff-form'); }
  function personsOf(f) { return f.querySelectorAll('fieldset.handoff-person').length; }

  function snapshot(f, submittedKey) {
    var fields = [];
    for (var i = 0; i < f.elements.length; i++) {
      var el = f.elements[i];
      if (!el.name || SKIP[el.name] || el.disabled) continue;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
      if (el.type === 'submit' || el.type === 'button') continue;
      if (el.name === 'idempotency_key') continue;
      fields.push([el.name, el.value]);
    }
    var previous = read(f.dataset.draftOwner) || {};
    return {
      at: Date.now(),
      persons: personsOf(f),
      fields: fields,
      submittedKey: submittedKey || previous.submittedKey || null,
    };
  }

  var timer = null;
  function saveSoon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      var f = form();
      if (f) write(f.dataset.draftOwner, snapshot(f));
    }, 250);
  }

  function restore(f, draft) {
    var byName = {};
    draft.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    for (var i = 0; i < f.elements.length; i++) {
      var el = f.elements[i];
      if (!el.name || SKIP[el.name] || el.name === 'idempotency_key' || el.type === 'submit' || el.type === 'button') continue;
      var values = byName[el.name];
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = !!values && values.indexOf(el.value) >= 0;
      else if (values) el.value = values[0];
    }
    if (draft.submittedKey && f.elements.idempotency_key) f.elements.idempotency_key.value = draft.submittedKey;
    // A facility chosen from the folded list of other areas: show it.
    var chosen = f.querySelector('details.fac-more input:checked');
    if (chosen) chosen.closest('details').open = true;
    var status = document.getElementById('draft-status');
    if (status) status.hidden = false;
  }

  // The draft's save is in the queue on the device: the queue holds it now.
  function queued(draft) {
    if (!draft || !draft.submittedKey || !window.SinggahOutbox) return Promise.resolve(false);
    return window.SinggahOutbox.get(draft.submittedKey).then(function (item) { return !!item; }, function () { return false; });
  }

  function init() {
    var f = form();
    var draft = f ? read(f.dataset.draftOwner) : null;
    queued(draft).then(function (isQueued) {
      if (isQueued) forget(f.dataset.draftOwner);
      start();
    });
  }

  function start() {
    var clear = document.getElementById('draft-clear');
    if (clear) {
      var done = read(clear.dataset.draftOwner);
      if (done && (!done.submittedKey || done.submittedKey === clear.dataset.draftClear)) forget(clear.dataset.draftOwner);
    }
    var f = form();
    if (!f) return;
    var owner = f.dataset.draftOwner;
    var draft = read(owner);
    if (draft && f.dataset.draft === 'fresh') {
      if (draft.persons > personsOf(f)) {
        window.location.replace('/handoffs/new?persons=' + encodeURIComponent(draft.persons));
        return;
      }
      restore(f, draft);
    } else if (f.dataset.draft !== 'fresh') {
      // A form the server sent back (errors shown) is the draft; an untouched fresh form is none
      // (else its reload would say an empty draft was restored).
      write(owner, snapshot(f));
    }
    var discard = document.getElementById('draft-discard');
    if (discard) discard.addEventListener('click', function () { forget(owner); window.location.replace('/handoffs/new'); });
  }

  document.addEventListener('input', function (e) { if (e.target.form && e.target.form.id === 'handoff-form') saveSoon(); });
  document.addEventListener('change', function (e) { if (e.target.form && e.target.form.id === 'handoff-form') saveSoon(); });
  // "Add person" / "remove" swap the form: keep the draft in step with what is shown.
  document.addEventListener('htmx:after:swap', function () { var f = form(); if (f) write(f.dataset.draftOwner, snapshot(f)); });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f || f.id !== 'handoff-form') return;
    var submitter = e.submitter;
    if (submitter && submitter.value && submitter.value !== 'save') return;
    write(f.dataset.draftOwner, snapshot(f, f.elements.idempotency_key ? f.elements.idempotency_key.value : null));
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
