// callqa console: nice-to-haves only. Every page works without this file.
(function () {
  'use strict';

  var search = document.getElementById('search');
  if (search) {
    // Leave empty fields out of the URL: /?q=老赖 rather than
    // /?q=老赖&category=&team=…, so shared links stay short.
    search.addEventListener('formdata', function (e) {
      var empty = [];
      e.formData.forEach(function (value, key) {
        if (value === '') { empty.push(key); }
      });
      empty.forEach(function (key) { e.formData.delete(key); });
    });
    // A filter applies as soon as it changes.
    var filters = search.querySelectorAll('select, input[type="date"]');
    Array.prototype.forEach.call(filters, function (el) {
      el.addEventListener('change', function () {
        if (typeof search.requestSubmit === 'function') {
          search.requestSubmit();
        } else {
          search.submit();
        }
      });
    });
  }

  var dashboard = document.getElementById('dashboard-filter');
  if (dashboard) {
    dashboard.addEventListener('formdata', function (e) {
      var empty = [];
      e.formData.forEach(function (value, key) {
        if (value === '') { empty.push(key); }
      });
      empty.forEach(function (key) { e.formData.delete(key); });
    });
  }

  // On a call page, j and k (or the arrow keys with Alt) move to the next
  // and previous result of the search.
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || (t && t.closest && t.closest('input, textarea, select, [contenteditable]'))) {
      return;
    }
    var id = '';
    if (e.key === 'j' || (e.altKey && e.key === 'ArrowRight')) { id = 'next-result'; }
    if (e.key === 'k' || (e.altKey && e.key === 'ArrowLeft')) { id = 'prev-result'; }
    var a = id && document.getElementById(id);
    if (a && a.getAttribute('href')) {
      e.preventDefault();
      window.location.assign(a.getAttribute('href'));
    }
  });

  // Analyze: a chosen file replaces the text box, say so.
  var form = document.getElementById('analyze');
  if (form) {
    var file = form.querySelector('input[type="file"]');
    var text = document.getElementById('transcript');
    if (file && text) {
      file.addEventListener('change', function () {
        text.disabled = file.files && file.files.length > 0;
      });
    }
  }
}());
