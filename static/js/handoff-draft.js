// The handoff field form's draft, kept on the phone (no inline code: the CSP allows none).
// - Every change is saved to localStorage, per account, for a day.
// - A fresh form (GET /handoffs/new) is filled back from a saved draft after a
//   reload or a dropped connection; rows the draft has beyond the form's are added
//   on the phone (handoff-persons.js), with no server round trip.
// - When "save" is pressed the form's idempotency_key is remembered with the draft.
// - The handoff page after a successful save carries data-draft-clear=<key>:
//   the draft of that submit is forgotten, and the handoff and its BAST are kept on
//   the device (the service worker) so the BAST opens offline.
// - The draft and the queue are one thing. A save made offline (or whose answer was lost)
//   is queued on the device with its key (static/js/outbox.js); a draft that was submitted
//   and never answered (no handoff page, no form sent back) is put in the queue with the
//   key it was sent with. Either way the queued item is the draft from then on: the draft
//   is forgotten and the form opens empty, and the replay carries the first key, so the
//   server saves it once. Only a draft never sent is restored, and only that can be discarded.
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
      // undefined: as before; null: the server answered that submit (the form came back with errors).
      submittedKey: submittedKey !== undefined ? submittedKey : previous.submittedKey || null,
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

  // A submitted draft belongs to the queue: already there (the worker queued it), or put there now
  // with the key it was sent with (its answer never came). The replay with that key saves it once,
  // or is answered "already saved" by the server; there is no copy left to retype.
  // Queued as the draft's account's (a shared phone: only that account sends it or sees it).
  function toQueue(draft, owner) {
    var outbox = window.SinggahOutbox;
    if (!draft || !draft.submittedKey || !outbox || !owner) return Promise.resolve(false);
    return outbox.get(draft.submittedKey).then(function (item) {
      if (item) return true;
      var fields = [['_csrf', ''], ['idempotency_key', draft.submittedKey]].concat(draft.fields, [['step', 'save']]);
      return outbox.put({ key: draft.submittedKey, action: '/handoffs', fields: fields, at: draft.at, state: 'waiting', owner: owner }).then(function () {
        if (outbox.flush) outbox.flush();
        return true;
      });
    }).catch(function () { return false; });
  }

  function init() {
    var f = form();
    var draft = f && f.dataset.draft === 'fresh' ? read(f.dataset.draftOwner) : null;
    toQueue(draft, f && f.dataset.draftOwner).then(function (isQueued) {
      if (isQueued) forget(f.dataset.draftOwner);
      start();
    });
  }

  function start() {
    var clear = document.getElementById('draft-clear');
    if (clear) {
      var done = read(clear.dataset.draftOwner);
      if (done && (!done.submittedKey || done.submittedKey === clear.dataset.draftClear)) forget(clear.dataset.draftOwner);
      if (window.SinggahOutbox && window.SinggahOutbox.keepHandoff) window.SinggahOutbox.keepHandoff(window.location.pathname);
    }
    var f = form();
    if (!f) return;
    var owner = f.dataset.draftOwner;
    var draft = read(owner);
    if (draft && f.dataset.draft === 'fresh') {
      // The page loads handoff-persons.js before this script: the draft's extra rows are added here.
      var rows = window.SinggahHandoffPersons;
      while (rows && draft.persons > personsOf(f) && rows.add({ focus: false })) { /* one row per person of the draft */ }
      restore(f, draft);
    } else if (f.dataset.draft !== 'fresh') {
      // A form the server sent back (errors shown) is the draft, and answers the submit that
      // brought it (its key was freed); an untouched fresh form is none
      // (else its reload would say an empty draft was restored).
      write(owner, snapshot(f, null));
    }
    var discard = document.getElementById('draft-discard');
    if (discard) discard.addEventListener('click', function () { forget(owner); window.location.replace('/handoffs/new'); });
  }

  document.addEventListener('input', function (e) { if (e.target.form && e.target.form.id === 'handoff-form') saveSoon(); });
  document.addEventListener('change', function (e) { if (e.target.form && e.target.form.id === 'handoff-form') saveSoon(); });
  // "Add person" / "remove" swap the form: keep the draft in step with what is shown.
  document.addEventListener('htmx:after:swap', function () { var f = form(); if (f) write(f.dataset.draftOwner, snapshot(f)); });
  document.addEventListener('singgah:persons', saveSoon);
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
