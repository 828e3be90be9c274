// The BAST page's print button (no inline handler: the CSP allows none).
(function () {
  'use strict';
  var button = document.getElementById('bast-print');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
})();
