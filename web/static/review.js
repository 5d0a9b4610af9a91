// callqa console: the review controls of a call page. Each control is a
// small form; this script posts it to the JSON API with the version of
// the decision the page showed (seen), then reloads the page. A conflict
// (someone decided first) is shown with a link to reload.
(function () {
  'use strict';

  var panel = document.getElementById('review');
  if (!panel) { return; }
  var call = panel.getAttribute('data-call');
  var status = document.getElementById('review-status');

  function show(msg, conflict) {
    status.hidden = false;
    status.className = 'review-status error' + (conflict ? ' conflict' : '');
    status.textContent = msg + ' ';
    if (conflict) {
      var a = document.createElement('a');
      a.href = location.pathname + location.search;
      a.id = 'review-reload';
      a.textContent = 'Reload 重新加载';
      status.appendChild(a);
    }
    status.scrollIntoView({block: 'center'});
  }

  function field(form, name) {
    var el = form.elements.namedItem(name);
    return el ? el.value : '';
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('review-form')) { return; }
    e.preventDefault();
    var action = form.getAttribute('data-action');
    var url = '/api/calls/' + encodeURIComponent(call).replace(/\./g, '%2E') + '/review';
    var body;
    if (action === 'complete') {
      url += '/complete';
      body = {};
    } else {
      body = {
        action: action,
        turn: parseInt(form.getAttribute('data-turn'), 10),
        category: form.getAttribute('data-category') || field(form, 'category'),
        seen: parseInt(form.getAttribute('data-seen') || '0', 10),
        note: field(form, 'note')
      };
      if (action === 'dismiss') { body.reason = field(form, 'reason'); }
      if (action === 'resolve') { body.upheld = !!(e.submitter && e.submitter.value === 'true'); }
    }
    var buttons = form.querySelectorAll('button');
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (j) { return {status: resp.status, body: j}; },
        function () { return {status: resp.status, body: {error: resp.statusText}}; });
    }).then(function (r) {
      if (r.status === 200) {
        location.reload();
        return;
      }
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      if (r.status === 409) {
        show('Conflict 冲突: ' + r.body.error, true);
      } else {
        show('Error ' + r.status + ': ' + r.body.error, false);
      }
    }).catch(function (err) {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      show('The request failed 请求失败: ' + err, false);
    });
  });
}());
