/*
 * The History page works without script (forms and links); this only re-submits the picker when the metric or
 * the include box changes, and marks the page ready for the browser tests.
 */
(function () {
  'use strict';
  var form = document.getElementById('history-form');
  if (form) {
    ['metric', 'include-all'].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) input.addEventListener('change', function () { form.submit(); });
    });
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
