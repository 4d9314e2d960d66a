/* An expanded matrix cell: the facts of one cell, every assertion's verdict and reason, the output and prompt. */
var LlmlabDetail = (function () {
  'use strict';
  var D = LlmlabDom;
  var el = D.el;

  function fact(dl, name, value) {
    var wrap = el('div');
    wrap.appendChild(el('dt', null, name));
    wrap.appendChild(el('dd', null, value));
    dl.appendChild(wrap);
  }

  function assertionTable(assertions) {
    var table = el('table', 'data assertions');
    var head = el('tr');
    ['Verdict', 'Metric', 'Score', 'Weight', 'Reason'].forEach(function (h) {
      head.appendChild(el('th', null, h));
    });
    table.appendChild(el('thead')).appendChild(head);
    var body = table.appendChild(el('tbody'));
    assertions.forEach(function (a) {
      var verdict = a.error ? 'error' : a.pass ? 'pass' : 'fail';
      var tr = el('tr', 'assert-' + verdict);
      tr.appendChild(el('td')).appendChild(D.badge(verdict));
      tr.appendChild(el('td', null, a.type ? a.metric + ' (' + a.type + ')' : a.metric));
      tr.appendChild(el('td', 'n', a.score));
      tr.appendChild(el('td', 'n', a.weight));
      tr.appendChild(el('td', 'reason', a.error ? 'error: ' + a.error : a.reason || ''));
      body.appendChild(tr);
    });
    return table;
  }

  /** The detail box of cell `i`; `label` names its prompt × provider, `repeats` whether to say which repeat. */
  function cellDetail(cells, i, label, repeats) {
    var c = cells[i];
    var box = el('div', 'detail-cell');
    var title = el('h4');
    title.appendChild(D.badge(c.s));
    title.appendChild(document.createTextNode(' ' + label + (repeats ? ' · repeat ' + (c.r + 1) : '')));
    box.appendChild(title);
    var dl = el('dl', 'facts');
    fact(dl, 'Score', c.sc);
    fact(dl, 'Latency', D.fmtMs(c.l));
    fact(dl, 'Tokens', c.u ? c.u[0] + ' in / ' + c.u[1] + ' out' : '—');
    fact(dl, 'Cost', D.fmtUsd(c.c));
    fact(dl, 'Cached', c.k ? 'yes' : 'no');
    if (c.f) fact(dl, 'Finish reason', c.f);
    if (c.b) fact(dl, 'Baseline', c.b + ' → ' + c.s);
    box.appendChild(dl);
    if (c.e) {
      box.appendChild(el('h5', null, 'Error'));
      box.appendChild(el('pre', 'error-text', c.e));
    }
    box.appendChild(el('h5', null, 'Assertions'));
    box.appendChild(c.a.length ? assertionTable(c.a) : el('p', 'muted', 'No assertion was graded.'));
    box.appendChild(el('h5', null, 'Output'));
    box.appendChild(el('pre', 'output-full', c.o));
    if (c.g) box.appendChild(D.mediaStrip(c.g));
    box.appendChild(el('h5', null, 'Prompt'));
    box.appendChild(el('pre', 'prompt-text', LlmlabModel.promptOf(cells, i)));
    return box;
  }

  return { cellDetail: cellDetail };
})();
