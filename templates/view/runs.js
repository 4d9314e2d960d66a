/*
 * The Runs page: pick two runs to compare (the older one is the baseline), and fill in the figures the server left
 * pending (runs without a kept summary, too large to summarize while it answered the list), one at a time.
 */
(function () {
  'use strict';
  var V = LlmlabView;
  var button = document.getElementById('compare');

  function picked() {
    return Array.prototype.slice.call(document.querySelectorAll('input.pick:checked'));
  }

  document.addEventListener('change', function (event) {
    if (!event.target.classList || !event.target.classList.contains('pick')) return;
    var chosen = picked();
    // Two at most: a third pick replaces the earliest other one.
    if (chosen.length > 2) chosen.filter(function (box) { return box !== event.target; })[0].checked = false;
    button.disabled = picked().length !== 2;
  });

  if (button) {
    button.addEventListener('click', function () {
      var rows = picked().map(function (box) { return box.closest('tr'); });
      if (rows.length !== 2) return;
      rows.sort(function (a, b) { return Number(a.dataset.created) - Number(b.dataset.created); });
      location.href = '/compare' + V.query({ a: rows[0].dataset.run, b: rows[1].dataset.run });
    });
  }

  /** Fills a pending row's rates, cost and gate from `/api/runs/:id/row` (text only, built with DOM calls). */
  function fill(tr, row) {
    var list = LlmlabDom.el('ul', 'target-rates');
    row.targets.forEach(function (t) {
      var li = LlmlabDom.el('li', null, t.promptId + ' × ' + t.providerLabel + ': ');
      li.appendChild(LlmlabDom.el('strong', null, V.pct(t.passRate)));
      if (t.low !== null) li.appendChild(LlmlabDom.el('span', 'muted', ' [' + V.pct(t.low) + '–' + V.pct(t.high) + ']'));
      li.appendChild(LlmlabDom.el('span', 'muted small', ' n=' + t.counted));
      list.appendChild(li);
    });
    if (!row.targets.length) list.appendChild(LlmlabDom.el('li', 'muted', 'no cells'));
    tr.querySelector('.pending-rates').replaceChildren(list);
    tr.querySelector('.pending-cost').textContent = LlmlabDom.fmtUsd(row.cost);
    var gate = tr.querySelector('td.gate');
    gate.textContent = row.gate.state;
    gate.className = 'gate gate-' + row.gate.state;
    gate.dataset.gate = row.gate.state;
    if (row.gate.reasons.length) gate.title = row.gate.reasons.join('; ');
  }

  // One at a time: each may summarize a large run on the server.
  var pending = Array.prototype.slice.call(document.querySelectorAll('td.gate[data-gate="pending"]')).map(function (td) {
    return td.closest('tr');
  });
  function next() {
    var tr = pending.shift();
    if (!tr) {
      document.documentElement.dataset.ready = 'true';
      return;
    }
    V.api('/api/runs/' + encodeURIComponent(tr.dataset.run) + '/row')
      .then(function (row) {
        fill(tr, row);
      })
      .catch(function (error) {
        var gate = tr.querySelector('td.gate');
        gate.textContent = '?';
        gate.title = error.message;
      })
      .then(next);
  }
  next();
})();
