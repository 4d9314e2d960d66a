/*
 * The Studio's results: one row per test × provider (× repeat) with the draft's cell beside the saved version's,
 * and the summary line a finished run sends. Model output and every string of a run go in as textContent only.
 */
var LlmlabStudioResults = (function () {
  'use strict';
  var $ = LlmlabDom.byId;
  var el = LlmlabDom.el;
  var rows = {};

  function reset() {
    rows = {};
    $('results').tBodies[0].textContent = '';
    $('summary').textContent = '';
  }

  /** Shows a cell in its test × provider row (made on its first cell), draft or saved column. */
  function add(cell, withSaved) {
    var key = cell.testId + '\u0000' + cell.providerLabel + '\u0000' + cell.repeat;
    var row = rows[key];
    if (!row) {
      row = el('tr');
      row.dataset.test = cell.testId;
      row.dataset.provider = cell.providerLabel;
      row.appendChild(el('td', null, cell.testId + (cell.repeat > 0 ? ' #' + (cell.repeat + 1) : '')));
      row.appendChild(el('td', null, cell.providerLabel));
      row.appendChild(el('td', 'version draft pending', '\u2026'));
      row.appendChild(el('td', 'version saved pending', withSaved ? '\u2026' : '\u2014'));
      rows[key] = row;
      $('results').tBodies[0].appendChild(row);
    }
    var td = row.cells[cell.draft ? 2 : 3];
    td.className = 'version ' + (cell.draft ? 'draft' : 'saved') + ' st-' + cell.status;
    td.textContent = '';
    td.appendChild(LlmlabDom.badge(cell.status, cell.status + (cell.skipReason ? ' (' + cell.skipReason + ')' : '')));
    td.appendChild(el('span', 'muted small', ' ' + LlmlabDom.fmtUsd(cell.cost) + ' \u00b7 ' + LlmlabDom.fmtMs(cell.latencyMs) + (cell.cached ? ' \u00b7 cached' : '')));
    td.appendChild(el('div', 'output', cell.error ? cell.error : cell.output + (cell.truncated ? '\u2026' : '')));
    var reasons = el('ul', 'reasons');
    cell.assertions.forEach(function (a) {
      reasons.appendChild(el('li', null, (a.pass ? '\u2713 ' : '\u2717 ') + a.metric + (a.reason ? ': ' + a.reason : '')));
    });
    td.appendChild(reasons);
  }

  /** The `done` message: pass rates with intervals, the paired comparison, a link to the stored run. */
  function summary(done) {
    var box = $('summary');
    box.textContent = '';
    box.appendChild(el('strong', null, 'Run ' + done.runId + ' ' + done.status + ' \u00b7 ' + LlmlabDom.fmtUsd(done.cost)));
    if (done.budget && done.budget.stopped) box.appendChild(el('span', 'warning small', ' budget stopped the run: ' + done.budget.skippedCells + ' cells skipped'));
    var list = el('ul');
    done.targets.forEach(function (t) {
      var interval = t.interval ? ' [' + LlmlabView.pct(t.interval.low) + '\u2013' + LlmlabView.pct(t.interval.high) + ']' : '';
      list.appendChild(el('li', null, (t.draft ? 'draft' : 'saved') + ' \u00d7 ' + t.providerLabel + ': ' + LlmlabView.pct(t.passRate) + interval + ' (' + t.passed + '/' + (t.cells - t.skipped) + ')'));
    });
    done.comparisons.forEach(function (c) {
      list.appendChild(el('li', null, 'draft vs saved on ' + c.providerLabel + ': ' + (c.difference.estimate >= 0 ? '+' : '') + (c.difference.estimate * 100).toFixed(1) + ' pp [' +
        (c.difference.low * 100).toFixed(1) + ', ' + (c.difference.high * 100).toFixed(1) + '], McNemar p = ' + c.pValue.toPrecision(2) + (c.significant ? ' (significant)' : ' (not significant)')));
    });
    box.appendChild(list);
    var link = el('a', null, 'open the stored run');
    link.href = '/runs/' + encodeURIComponent(done.runId);
    box.appendChild(link);
  }

  return { reset: reset, add: add, summary: summary };
})();
