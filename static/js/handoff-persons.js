// The field form's person rows on the phone (issue 25): "+ Tambah orang" clones the blank row the
// server put in the page (<template id="person-template">) and "Hapus" removes one, with no server
// round trip, so both work offline and at once on 3G. Rows are renumbered after a removal, so the
// field names (persons.N.…) always run 0…N-1 as the server and the draft expect. Without JS the
// buttons post step=add_person / remove:N and the server answers the form, as before.
(function () {
  'use strict';
  function form() { return document.getElementById('handoff-form'); }
  function rows(f) { return Array.prototype.slice.call(f.querySelectorAll('fieldset.handoff-person')); }
  function template() { return document.getElementById('person-template'); }

  function countText(f, n) { return (n === 1 ? f.dataset.countOne : f.dataset.countOther).replace('{n}', String(n)); }

  // Names, ids, labels and the remove button of row `el` numbered `i` (0-based).
  function number(f, el, i) {
    var fix = function (v) {
      return v.replace(/^persons\.(\d+|__I__)\./, 'persons.' + i + '.').replace(/^f-persons-(\d+|__I__)-/, 'f-persons-' + i + '-')
        .replace(/^person-(\d+|__I__)$/, 'person-' + i).replace(/^remove:(\d+|__I__)$/, 'remove:' + i);
    };
    [el].concat(Array.prototype.slice.call(el.querySelectorAll('[name], [id], [for], button[value]'))).forEach(function (node) {
      ['name', 'id', 'for', 'value'].forEach(function (a) {
        if (a === 'value' && node.tagName !== 'BUTTON') return;
        var v = node.getAttribute(a);
        if (v) node.setAttribute(a, fix(v));
      });
    });
    el.dataset.person = String(i);
    var legend = el.querySelector('legend');
    if (legend) legend.textContent = f.dataset.legend.replace('{n}', String(i + 1));
  }

  function refresh(f) {
    var all = rows(f);
    all.forEach(function (el, i) {
      number(f, el, i);
      var remove = el.querySelector('.remove-person');
      if (remove) remove.hidden = all.length < 2;
    });
    f.dataset.persons = String(all.length);
    var count = document.getElementById('person-count');
    if (count) count.textContent = countText(f, all.length);
    var add = document.getElementById('add-person');
    if (add) add.hidden = all.length >= Number(f.dataset.maxPersons || 60);
    // The draft (handoff-draft.js) keeps itself in step with the rows shown.
    f.dispatchEvent(new CustomEvent('singgah:persons', { bubbles: true }));
  }

  function add(opts) {
    var f = form();
    var t = template();
    if (!f || !t) return null;
    var n = rows(f).length;
    if (n >= Number(f.dataset.maxPersons || 60)) return null;
    var el = t.content.firstElementChild.cloneNode(true);
    var all = rows(f);
    var after = all[all.length - 1];
    after.parentNode.insertBefore(el, after.nextSibling);
    refresh(f);
    if (!opts || opts.focus !== false) {
      var name = el.querySelector('input[name$=".name"]');
      if (name) name.focus();
    }
    return el;
  }

  function remove(el) {
    var f = form();
    if (!f || rows(f).length < 2) return;
    var next = el.nextElementSibling;
    el.remove();
    refresh(f);
    var focus = next && next.matches('fieldset.handoff-person') ? next : rows(f)[rows(f).length - 1];
    var name = focus && focus.querySelector('input[name$=".name"]');
    if (name) name.focus();
  }

  // Capture phase: the click is taken before htmx's own handler on the button would post it.
  document.addEventListener('click', function (e) {
    var button = e.target && e.target.closest ? e.target.closest('#add-person, #handoff-form .remove-person') : null;
    if (!button || !template()) return;
    e.preventDefault();
    e.stopPropagation();
    if (button.id === 'add-person') add();
    else remove(button.closest('fieldset.handoff-person'));
  }, true);

  window.SinggahHandoffPersons = { add: add };
})();
