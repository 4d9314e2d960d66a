/*
 * The HTML report's entry point: reads the embedded cells and meta, then runs the results matrix (filters,
 * search, sort, pages, expandable cells) and the baseline comparison list. Loaded last, after model.js, dom.js,
 * detail.js, compare.js and rows.js. In `llmlab view` (meta.rowsUrl) the rows come a page at a time from the
 * server, and a cell has a link (`#cell=<id>`). Strings from the run only ever reach the page as text (see dom.js).
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
  var source = meta.rowsUrl ? LlmlabRows.remote(meta) : LlmlabRows.local(cells, meta);
  var flaky = M.flakySet(meta.flaky);
  var state = { filter: 'all', query: '', sort: 'order', dir: 'asc', page: 0 };
  // The rows shown and the cells they index (all of the file report's; the page's in the view).
  var current = { cells: cells, rows: [], page: null };
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
    if (row.media) th.appendChild(D.mediaStrip(row.media));
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
    var cells = current.cells;
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
    if (first.g) td.appendChild(D.mediaStrip(first.g));
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

  function renderMatrix(result) {
    current = result;
    state.page = result.page.page;
    var fragment = document.createDocumentFragment();
    result.rows.forEach(function (row) {
      fragment.appendChild(rowElement(row));
    });
    if (result.page.total === 0) fragment.appendChild(D.emptyRow(targets.length + 1, 'No test matches.'));
    tbody.replaceChildren(fragment);
    D.setPager('', 'page-info', result.page);
    D.showCounts(filters, 'data-filter', result.counts);
  }

  /** Shows the rows `state` asks for (with `cellId`: the page holding that cell); resolves when they are shown. */
  function refresh(cellId) {
    var result = source.load(state, cellId);
    if (!source.remote) {
      renderMatrix(result);
      return Promise.resolve(true);
    }
    return result.then(
      function (answer) {
        if (!answer) return false;
        D.byId('matrix-error').hidden = true;
        renderMatrix(answer);
        return true;
      },
      function (error) {
        LlmlabView.showError('matrix-error', error);
        return false;
      },
    );
  }

  function refilter() {
    state.page = 0;
    refresh();
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
      cell.appendChild(LlmlabDetail.cellDetail(current.cells, i, targetLabel(t), meta.repeat > 1));
    });
    tr.after(detail);
    td.classList.add('open');
  }

  function cellOf(event) {
    var td = event.target.closest && event.target.closest('td.cell');
    return td && !td.classList.contains('missing') && tbody.contains(td) ? td : null;
  }

  /** The id of a matrix cell's first repeat, when cells carry ids (the view host). */
  function cellIdOf(td) {
    var slot = td.parentNode.llmlabRow.slots[Number(td.dataset.target)];
    return current.cells[slot[0]].x;
  }

  // The hash this page set itself: its hashchange is not a link to follow.
  var ownHash = null;
  function openFromTable(td) {
    var wasOpen = td.classList.contains('open');
    toggleDetail(td);
    var id = cellIdOf(td);
    if (id !== undefined && !wasOpen) {
      ownHash = '#cell=' + encodeURIComponent(id);
      location.hash = ownHash;
    }
  }

  tbody.addEventListener('click', function (event) {
    var td = cellOf(event);
    if (td) openFromTable(td);
  });
  tbody.addEventListener('keydown', function (event) {
    var td = (event.key === 'Enter' || event.key === ' ') && cellOf(event);
    if (td) {
      event.preventDefault();
      openFromTable(td);
    }
  });

  var filters = D.byId('filters');
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
  D.byId('sort').addEventListener('change', function (event) {
    state.sort = event.target.value;
    refilter();
  });
  D.byId('sort-dir').addEventListener('change', function (event) {
    state.dir = event.target.value;
    refilter();
  });
  D.byId('prev').addEventListener('click', function () {
    state.page--;
    refresh();
  });
  D.byId('next').addEventListener('click', function () {
    state.page++;
    refresh();
  });

  /** `#cell=<id>` in the view host: the page holding that cell, its detail open and scrolled to. */
  function linkedCell() {
    var match = /^#cell=(.+)$/.exec(location.hash);
    if (!match || !source.remote) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch (error) {
      return null;
    }
  }

  function showCell(id) {
    return refresh(id).then(function (shown) {
      if (!shown) return;
      var tds = tbody.querySelectorAll('td.cell:not(.missing)');
      for (var k = 0; k < tds.length; k++) {
        var td = tds[k];
        var slot = td.parentNode.llmlabRow.slots[Number(td.dataset.target)];
        var hit = slot.some(function (i) {
          return current.cells[i].x === id;
        });
        if (hit) {
          if (!td.classList.contains('open')) toggleDetail(td);
          td.scrollIntoView({ block: 'center' });
          td.focus({ preventScroll: true });
          return;
        }
      }
    });
  }

  window.addEventListener('hashchange', function () {
    if (location.hash === ownHash) return;
    var id = linkedCell();
    if (id !== null) showCell(id);
  });

  var linked = linkedCell();
  (linked !== null ? showCell(linked) : refresh()).then(function () {
    // What the benchmark reads: navigation start to the first page of the matrix in the DOM.
    if (window.performance && performance.mark) performance.mark('llmlab:first-render');
    document.documentElement.dataset.ready = 'true';
  });

  if (!source.remote) LlmlabCompare.mount(cells, source.rows, meta, targetLabel);
})();
