/* The baseline comparison list: paired cells whose verdict changed (or all of them), a page at a time. */
var LlmlabCompare = (function () {
  'use strict';
  var M = LlmlabModel;
  var D = LlmlabDom;
  var el = D.el;

  /** Fills `#compare-list` when the page has one (a baseline was given). */
  function mount(cells, rows, meta, targetLabel) {
    var list = D.byId('compare-list');
    if (!list) return;
    var state = { mode: 'changed', page: 0, items: M.pairedCells(cells, 'changed') };
    var body = list.tBodies[0];
    var filters = D.byId('compare-filters');
    var rowById = new Map(rows.map(function (r) { return [r.id, r]; }));
    D.showCounts(filters, 'data-change', M.changeCounts(cells));

    function render() {
      var page = M.paginate(state.items, state.page, meta.pageSize);
      state.page = page.page;
      var fragment = document.createDocumentFragment();
      page.items.forEach(function (i) {
        var c = cells[i];
        var change = M.changeOf(c);
        var row = rowById.get(c.id);
        var tr = el('tr', 'change-row ' + change);
        var test = tr.appendChild(el('td'));
        test.appendChild(el('div', 'desc', (row && row.description) || c.id));
        if (row && row.description) test.appendChild(el('div', 'test-id', c.id));
        tr.appendChild(el('td', null, targetLabel(c.t)));
        tr.appendChild(el('td', 'n', c.r + 1));
        tr.appendChild(el('td')).appendChild(D.badge(c.b));
        tr.appendChild(el('td')).appendChild(D.badge(c.s));
        tr.appendChild(el('td')).appendChild(el('span', 'badge change-' + change, change));
        fragment.appendChild(tr);
      });
      if (page.total === 0) fragment.appendChild(D.emptyRow(6, 'No paired cell in this list.'));
      body.replaceChildren(fragment);
      D.setPager('compare-', 'compare-info', page);
    }

    filters.addEventListener('click', function (event) {
      var button = event.target.closest('[data-change]');
      if (!button) return;
      state.mode = button.getAttribute('data-change');
      state.items = M.pairedCells(cells, state.mode);
      state.page = 0;
      D.press(filters, 'data-change', state.mode);
      render();
    });
    D.byId('compare-prev').addEventListener('click', function () {
      state.page--;
      render();
    });
    D.byId('compare-next').addEventListener('click', function () {
      state.page++;
      render();
    });
    render();
  }

  return { mount: mount };
})();
