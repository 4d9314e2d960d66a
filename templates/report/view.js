/*
 * The HTML report's entry point: reads the embedded cells and meta, then runs the results matrix (filters,
 * search, pages, expandable cells) and the baseline comparison list. Loaded last, after model.js, dom.js,
 * detail.js and compare.js. Strings from the run only ever reach the page as text (see dom.js).
 */
(function () {
  'use strict';
  var M = LlmlabModel;
  var D = LlmlabDom;
  var el = D.el;

  var cells;
  var meta;
  try {
    cells = JSON.parse(D.byId('cells').textContent);
    meta = JSON.parse(D.byId('meta').textContent);
  } catch (error) {
    var box = D.byId('matrix-error');
    box.textContent = 'The report data could not be read: ' + error.message;
    box.hidden = false;
    return;
  }
  var targets = meta.targets;
  var rows = M.buildRows(cells, targets.length, meta.flaky);
  var flaky = M.flakySet(meta.flaky);
  var state = { filter: 'all', query: '', page: 0, visible: rows };
  var matrix = D.byId('matrix');
  var tbody = matrix.tBodies[0];

  function targetLabel(t) {
    return targets[t].promptId + ' × ' + targets[t].providerLabel;
  }

  (function renderHead() {
    var tr = el('tr');
    tr.appendChild(el('th', 'test-col', 'Test'));
    targets.forEach(function (target) {
      var th = el('th', 'target-col');
      th.appendChild(el('div', 'prompt', target.promptId));
      th.appendChild(el('div', 'provider', target.providerLabel));
      tr.appendChild(th);
    });
    matrix.tHead.appendChild(tr);
  })();

  function testHeader(row) {
    var th = el('th', 'test');
    th.scope = 'row';
    th.appendChild(el('div', 'desc', row.description || row.id));
    if (row.description) th.appendChild(el('div', 'test-id', row.id));
    var flags = el('div', 'flags');
    if (row.flaky) flags.appendChild(el('span', 'badge flag-flaky', 'flaky'));
    if (row.regressed) flags.appendChild(el('span', 'badge change-regressed', 'regressed'));
    if (row.fixed) flags.appendChild(el('span', 'badge change-fixed', 'fixed'));
    if (flags.childNodes.length) th.appendChild(flags);
    if (row.vars) th.appendChild(el('pre', 'vars', row.vars));
    return th;
  }

  /** One test × target: a badge per repeat, change marks against the baseline, and the first repeat's output. */
  function slotCell(row, t) {
    var slot = row.slots[t];
    if (!slot) {
      var missing = el('td', 'cell missing', '—');
      missing.title = 'no cell for this test on this target';
      return missing;
    }
    var td = el('td', 'cell st-' + M.slotStatus(cells, slot));
    td.tabIndex = 0;
    td.dataset.target = String(t);
    var head = el('div', 'cell-head');
    slot.forEach(function (i) {
      var c = cells[i];
      head.appendChild(D.badge(c.s, slot.length > 1 ? c.s + ' #' + (c.r + 1) : c.s));
      var change = M.changeOf(c);
      if (change === 'regressed' || change === 'fixed') {
        td.classList.add(change);
        head.appendChild(el('span', 'badge change-' + change, change + ' (baseline ' + c.b + ')'));
      }
    });
    if (flaky.has(M.flakyKey(t, row.id))) head.appendChild(el('span', 'badge flag-flaky', 'flaky'));
    td.appendChild(head);
    var first = cells[slot[0]];
    td.appendChild(el('div', 'output', first.o || (first.e ? 'error: ' + first.e : '')));
    return td;
  }

  function rowElement(row) {
    var tr = el('tr', 'test-row');
    tr.dataset.test = row.id;
    tr.appendChild(testHeader(row));
    for (var t = 0; t < targets.length; t++) tr.appendChild(slotCell(row, t));
    tr.llmlabRow = row;
    return tr;
  }

  function renderMatrix() {
    var page = M.paginate(state.visible, state.page, meta.pageSize);
    state.page = page.page;
    var fragment = document.createDocumentFragment();
    page.items.forEach(function (row) {
      fragment.appendChild(rowElement(row));
    });
    if (page.total === 0) fragment.appendChild(D.emptyRow(targets.length + 1, 'No test matches.'));
    tbody.replaceChildren(fragment);
    D.setPager('', 'page-info', page);
  }

  function refilter() {
    state.visible = M.filterRows(rows, cells, state.filter, state.query);
    state.page = 0;
    renderMatrix();
  }

  /** Opens the detail row of a cell under its test row, or closes it when that cell's detail is already open. */
  function toggleDetail(td) {
    var tr = td.parentNode;
    var t = Number(td.dataset.target);
    var next = tr.nextSibling;
    var open = next && next.classList.contains('detail') ? next : null;
    tr.querySelectorAll('td.cell.open').forEach(function (x) {
      x.classList.remove('open');
    });
    if (open) {
      open.remove();
      if (open.llmlabTarget === t) return;
    }
    var detail = el('tr', 'detail');
    detail.llmlabTarget = t;
    var cell = detail.appendChild(el('td'));
    cell.colSpan = targets.length + 1;
    tr.llmlabRow.slots[t].forEach(function (i) {
      cell.appendChild(LlmlabDetail.cellDetail(cells, i, targetLabel(t), meta.repeat > 1));
    });
    tr.after(detail);
    td.classList.add('open');
  }

  function cellOf(event) {
    var td = event.target.closest && event.target.closest('td.cell');
    return td && !td.classList.contains('missing') && tbody.contains(td) ? td : null;
  }

  tbody.addEventListener('click', function (event) {
    var td = cellOf(event);
    if (td) toggleDetail(td);
  });
  tbody.addEventListener('keydown', function (event) {
    var td = (event.key === 'Enter' || event.key === ' ') && cellOf(event);
    if (td) {
      event.preventDefault();
      toggleDetail(td);
    }
  });

  var filters = D.byId('filters');
  D.showCounts(filters, 'data-filter', M.filterCounts(rows));
  filters.addEventListener('click', function (event) {
    var button = event.target.closest('[data-filter]');
    if (!button) return;
    state.filter = button.getAttribute('data-filter');
    D.press(filters, 'data-filter', state.filter);
    refilter();
  });
  var searchTimer = 0;
  D.byId('search').addEventListener('input', function (event) {
    clearTimeout(searchTimer);
    var value = event.target.value;
    searchTimer = setTimeout(function () {
      state.query = value;
      refilter();
    }, 120);
  });
  D.byId('prev').addEventListener('click', function () {
    state.page--;
    renderMatrix();
  });
  D.byId('next').addEventListener('click', function () {
    state.page++;
    renderMatrix();
  });

  renderMatrix();
  // What the benchmark reads: navigation start to the first page of the matrix in the DOM.
  if (window.performance && performance.mark) performance.mark('llmlab:first-render');
  document.documentElement.dataset.ready = 'true';

  LlmlabCompare.mount(cells, rows, meta, targetLabel);
})();
