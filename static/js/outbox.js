// The queue on the device (issue 25): an intake or a handoff saved without a network, or whose
// answer was lost, waits here (IndexedDB: it survives a reload, a closed tab, a dead battery)
// with the idempotency_key its form already carries, and is sent again, oldest first, when the
// network returns (the `online` event and every page load). The server answers a repeated key
// with its first answer, so a replay saves once. The service worker (sw.js) puts submissions
// in; this page script shows "Menunggu dikirim (N)" and sends them. Hand-written, not Workbox's
// background sync: that replays blindly from the worker, and here a replay may need the
// officer's decision (duplicates, a NIK warning), which only a page can ask.
// Without JS (or a service worker) the forms post as before.
(function (root) {
  'use strict';
  var DB = 'singgah-outbox';
  var STORE = 'items';

  function open() {
    return new Promise(function (resolve, reject) {
      var req = root.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: 'key' }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req && req.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  // An item: { key, action ('/intake' | '/handoffs'), fields: [[name, value]…], at, state ('waiting' | 'decision'),
  // or, once an intake is saved, state 'place' with the check-in page's url and the names only (the rest is on the server);
  // owner (the account whose form it was, recorded when it is queued: only that account sends it or sees it; a shared tablet) }.
  var Outbox = {
    put: function (item) { return run('readwrite', function (s) { return s.put(item); }); },
    get: function (key) { return run('readonly', function (s) { return s.get(key); }); },
    remove: function (key) { return run('readwrite', function (s) { return s.delete(key); }); },
    all: function () {
      return run('readonly', function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.at - b.at; });
      });
    },
    clear: function () { return run('readwrite', function (s) { return s.clear(); }); },
  };
  root.SinggahOutbox = Outbox;
  if (typeof document === 'undefined') return; // the service worker only needs the store

  var OPENING = 'singgah.outbox.opening';
  var owner = function () { var b = document.getElementById('outbox'); return b ? b.dataset.owner : null; };
  // Whose an item is: recorded when it was queued (sw.js, from the form's `_owner` field; handoff-draft.js), or
  // that field itself (an item queued by a worker older than the page). An item with neither (queued before
  // owners were recorded) is nobody's: kept on the device, never lost, but shown to nobody and sent by nobody,
  // since on a shared tablet no page can tell whose it was.
  function ownerOf(item) {
    if (item.owner) return item.owner;
    var f = (item.fields || []).filter(function (x) { return x[0] === '_owner'; })[0];
    return f && f[1] ? f[1] : null;
  }
  // This account's items (a shared tablet: another officer's wait for that officer to sign in again).
  function mine() {
    var me = owner();
    if (!me) return Promise.resolve([]);
    return Outbox.all().then(function (items) { return items.filter(function (i) { return ownerOf(i) === me; }); });
  }
  var csrf = function () { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ''; };

  // One replay. Saved: the server redirected to the result (not to the login page). A page
  // answered in place (200 without a redirect, 409, 422) asks for a decision, except a 409 that
  // says when to come back (Retry-After: the same key is still being processed, IN_PROGRESS,
  // e.g. the first send whose answer was lost is still running). Anything else
  // (no network, 403, 429, 5xx): try again later.
  var saved = {}; // key → the page the server sent a saved replay to
  var retryIn = 0; // seconds the server asked a "later" to wait (Retry-After), 0 when it did not say
  function send(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (f) { body.append(f[0], f[0] === '_csrf' ? csrf() : f[1]); });
    return fetch(item.action, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (res) {
      if (res.redirected && new URL(res.url).pathname !== '/login') {
        var to = new URL(res.url);
        // A handoff numbered by the server: its page and BAST are kept on this device.
        if (item.action === '/handoffs') keepHandoff(to.pathname);
        saved[item.key] = to.pathname + to.search;
        return 'saved';
      }
      var wait = Number(res.headers.get('retry-after'));
      if (res.status === 409 && wait > 0) { retryIn = Math.min(wait, 60); return 'later'; }
      if ((res.status === 200 && !res.redirected) || res.status === 409 || res.status === 422) return 'decision';
      return 'later';
    }, function () { return 'later'; });
  }

  // A handoff this device submitted (/handoffs/<id>): its page and its BAST are kept by the service
  // worker (sw.js), fetched now while online, so the officer can show the BAST with the network cut.
  function keepHandoff(path) {
    if (!/^\/handoffs\/[A-Za-z0-9_-]+$/.test(path) || !navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ type: 'keep', fresh: true, urls: [path, path + '/bast'] });
    }).catch(function () {});
  }
  Outbox.keepHandoff = keepHandoff;

  // A saved replay leaves the queue. An intake saved so still has its people to place (the officer
  // never saw the check-in page): it stays as a task on the desk's home, holding only the names
  // and that page's address; the page finds a unit, or where there is room.
  function afterSave(item) {
    var url = saved[item.key];
    delete saved[item.key];
    if (item.action !== '/intake' || !url || url.indexOf('/intake/check-in') !== 0) return Outbox.remove(item.key);
    return Outbox.put({ key: item.key, action: item.action, owner: ownerOf(item), at: item.at, state: 'place', url: url, names: people(item) });
  }

  // One send of the queue at a time on the device: two tabs (or a page and its reload) flushing at once would
  // each read the same waiting item and post it twice in parallel (the server's key makes the second an
  // IN_PROGRESS or a replay, never a second save, but the officer would see a decision asked for nothing).
  // Web Locks where the browser has them; without, each tab sends on its own, as before.
  var flushing = null;
  var retryTimer = null;
  function sendAll() {
    return mine().then(function next(items) {
      var item = items.filter(function (i) { return i.state === 'waiting'; })[0];
      if (!item) return;
      return send(item).then(function (outcome) {
        if (outcome === 'later') return; // in order: the rest waits behind it
        var done = outcome === 'saved' ? afterSave(item) : Outbox.put(Object.assign({}, item, { state: 'decision' }));
        return done.then(mine).then(next);
      });
    });
  }
  function flush() {
    if (flushing) return flushing;
    if (!navigator.onLine) return render();
    retryIn = 0;
    var locks = navigator.locks && typeof navigator.locks.request === 'function' ? navigator.locks : null;
    flushing = (locks ? locks.request('singgah-outbox', sendAll) : sendAll()).catch(function () {}).then(function () {
      flushing = null;
      // The server said when to come back (a key still being processed): once, then as before (loads, `online`).
      if (retryIn && !retryTimer) retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryIn * 1000);
      return render();
    });
    return flushing;
  }

  // A queued form the server could not save without the officer: posted as the page it came
  // from, with its own key (the server keeps no answer for a key it only asked about, so it
  // shows the form with the typed data and the question again; had it been saved meanwhile,
  // the key's answer is the saved result and the worker takes it off the queue).
  // The item takes the key of the form the officer then sees, so saving it empties the queue.
  function reopen(item) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = item.action;
    form.hidden = true;
    item.fields.forEach(function (f) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = f[0];
      // The item's key now (it follows the form the officer last saw: adoptOpened), so the worker's
      // "saved" for that key is the one that takes it off the queue.
      input.value = f[0] === '_csrf' ? csrf() : f[0] === 'idempotency_key' ? item.key : f[1];
      form.appendChild(input);
    });
    try { sessionStorage.setItem(OPENING, item.key); } catch (e) { /* the form still opens */ }
    document.body.appendChild(form);
    form.submit();
  }
  function adoptOpened() {
    var key = null;
    try { key = sessionStorage.getItem(OPENING); sessionStorage.removeItem(OPENING); } catch (e) { /* ignore */ }
    var form = document.querySelector('#intake-form, #handoff-form');
    if (!key || !form || !form.elements.idempotency_key) return Promise.resolve();
    var now = form.elements.idempotency_key.value;
    return Outbox.get(key).then(function (item) {
      if (!item || key === now) return;
      var fields = item.fields.map(function (f) { return f[0] === 'idempotency_key' ? [f[0], now] : f; });
      return Outbox.remove(key).then(function () { return Outbox.put(Object.assign({}, item, { key: now, fields: fields })); });
    });
  }

  // Who a queued save is about, as typed: "Ratna, laki-laki ±40 th" (names or descriptions).
  function people(item) {
    if (item.names) return item.names;
    var rows = {};
    item.fields.forEach(function (f) {
      var m = /^persons\.(\d+)\.(name|description)$/.exec(f[0]);
      if (m) (rows[m[1]] = rows[m[1]] || {})[m[2]] = f[1];
    });
    return Object.keys(rows).sort(function (a, b) { return a - b; }).map(function (k) { return rows[k].name || rows[k].description || ''; });
  }

  // On the desk's home (views/partials/home/device-tasks.eta): each save that needs a decision is a
  // task, with who it is about; "Buka dan putuskan" opens the form with what was typed and the question.
  function renderTasks(items) {
    var box = document.getElementById('device-tasks');
    if (!box) return;
    var tasks = items.filter(function (i) { return i.state === 'decision' || i.state === 'place'; });
    box.hidden = tasks.length === 0;
    var list = document.getElementById('device-task-list');
    list.replaceChildren.apply(list, tasks.map(function (item) {
      var li = document.createElement('li');
      var who = people(item);
      var label = document.createElement('span');
      var named = who.map(function (n) { return n || box.dataset.unnamed; });
      var count = (who.length === 1 ? box.dataset.personsOne : box.dataset.personsOther).replace('{n}', String(who.length));
      label.textContent = (item.action === '/intake' ? box.dataset.intake : box.dataset.handoff) + ' · ' + count + ': ' + named.join(', ') +
        ' · ' + new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) +
        ' · ' + (item.state === 'place' ? box.dataset.placeState : box.dataset.decisionState);
      var button;
      var dismiss = null;
      if (item.state === 'place') {
        // A link (works as one by keyboard and touch). Opening it does not end the task (a page load lost on
        // the way would lose it): the check-in does (checkedIn), or the officer's "remove" (placed some other way).
        button = document.createElement('a');
        button.href = item.url;
        button.className = 'btn btn-primary';
        button.textContent = box.dataset.place;
        dismiss = document.createElement('button');
        dismiss.type = 'button';
        dismiss.className = 'btn btn-quiet';
        dismiss.textContent = box.dataset.dismiss;
        dismiss.addEventListener('click', function () { Outbox.remove(item.key).catch(function () {}).then(render); });
      } else {
        button = document.createElement('button');
        button.type = 'button';
        button.className = 'btn btn-primary';
        button.textContent = box.dataset.open;
        button.addEventListener('click', function () { reopen(item); });
      }
      li.appendChild(label);
      li.appendChild(button);
      if (dismiss) li.appendChild(dismiss);
      return li;
    }));
  }

  function render() {
    var box = document.getElementById('outbox');
    if (!box) return Promise.resolve();
    return mine().then(function (all) {
      renderTasks(all);
      var items = all.filter(function (i) { return i.state !== 'place'; }); // sent already: not "waiting"
      box.hidden = items.length === 0;
      document.getElementById('outbox-count').textContent = box.dataset.waiting.replace('{n}', String(items.length));
      var list = document.getElementById('outbox-list');
      list.replaceChildren.apply(list, items.map(function (item) {
        var li = document.createElement('li');
        var label = document.createElement('span');
        var when = new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        var n = people(item).length;
        label.textContent = (item.action === '/intake' ? box.dataset.intake : box.dataset.handoff) + ' · ' +
          (n === 1 ? box.dataset.personsOne : box.dataset.personsOther).replace('{n}', String(n)) + ' · ' + when +
          (item.state === 'decision' ? ' · ' + box.dataset.decision : '');
        li.appendChild(label);
        if (item.state === 'decision') {
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'btn btn-small';
          button.textContent = box.dataset.open;
          button.addEventListener('click', function () { reopen(item); });
          li.appendChild(button);
        }
        return li;
      }));
    }).catch(function () {});
  }

  // A page kept by the worker carries the key it had when kept: once that key has been submitted
  // (queued, or sent), the form gets a new one, or a second save would replace the first.
  var USED = 'singgah.outbox.used';
  function usedKeys() { try { return JSON.parse(localStorage.getItem(USED) || '[]'); } catch (e) { return []; } }
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('#intake-form, #handoff-form') || !form.elements.idempotency_key) return;
    if (e.submitter && e.submitter.value && e.submitter.value !== 'save') return;
    try { localStorage.setItem(USED, JSON.stringify(usedKeys().concat(form.elements.idempotency_key.value).slice(-20))); } catch (err) { /* ignore */ }
  });
  function freshKey() {
    var form = document.querySelector('#intake-form, #handoff-form');
    var input = form && form.elements.idempotency_key;
    if (!input || usedKeys().indexOf(input.value) < 0) return;
    input.value = root.crypto && root.crypto.randomUUID ? root.crypto.randomUUID() : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  }

  // A "place" task ends when its people are checked in: the check-in form sent for everyone still to place on
  // it and answered with the page the server sends a done check-in to (the resident, or the handoff it came
  // from), or a check-in page for its people that says nobody is left to place (placed another way, or the
  // answer of the check-in was lost). A refused check-in comes back as the check-in page: the task stays.
  var PLACING = 'singgah.outbox.placing';
  function idSet(ids) {
    return ids.filter(function (v, i, a) { return v && a.indexOf(v) === i; }).sort().join(' ');
  }
  function idsOfUrl(url) {
    try { return idSet(new URL(url, location.href).searchParams.getAll('p')); } catch (e) { return ''; }
  }
  function idsOfPage(form) {
    return idSet(Array.prototype.map.call(form.querySelectorAll('input[name="all"]'), function (i) { return i.value; }));
  }
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('form#checkin-form')) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="person_ids"]'));
    var chosen = boxes.filter(function (b) { return b.checked; });
    try {
      sessionStorage.removeItem(PLACING);
      if (!chosen.length || chosen.length < boxes.length) return; // some are left to place: the task stays
      var back = form.elements.back ? form.elements.back.value : '';
      sessionStorage.setItem(PLACING, JSON.stringify({ ids: idsOfPage(form), to: back || '/residents/' + encodeURIComponent(chosen[0].value) }));
    } catch (err) { /* the task stays until the check-in page says nobody is left */ }
  });
  function checkedIn() {
    var done = [];
    try {
      var p = JSON.parse(sessionStorage.getItem(PLACING) || 'null');
      sessionStorage.removeItem(PLACING);
      if (p && p.ids && location.pathname === p.to) done.push(p.ids);
    } catch (e) { /* ignore */ }
    var page = document.getElementById('checkin-form');
    if (location.pathname === '/intake/check-in' && page && document.getElementById('nobody-to-place')) done.push(idsOfPage(page));
    done = done.filter(Boolean);
    if (!done.length) return Promise.resolve();
    return mine().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.state === 'place' && done.indexOf(idsOfUrl(i.url)) >= 0; })
        .map(function (i) { return Outbox.remove(i.key); }));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    freshKey();
    adoptOpened().catch(function () {}).then(checkedIn).catch(function () {}).then(flush);
  });
  window.addEventListener('online', flush);
  Outbox.flush = flush;
})(typeof self !== 'undefined' ? self : window);
