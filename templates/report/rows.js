/*
 * Where the results matrix gets its rows: from the cells embedded in the page (the file report: filtered, sorted
 * and paged here), or a page at a time from the server (`llmlab view`, meta.rowsUrl: it filters, searches, sorts
 * and pages in SQL, so the page never holds a whole run). Both give view.js the same shape: the cells of the
 * rows shown, the rows (model.js buildRows over those cells), the pager and the filter counts.
 */
var LlmlabRows = (function () {
  'use strict';
  var M = LlmlabModel;

  /** Rows from the embedded cells; answers at once (no promise), as the file report always has. */
  function local(cells, meta) {
    var rows = M.buildRows(cells, meta.targets.length, meta.flaky);
    var counts = M.filterCounts(rows);
    return {
      remote: false,
      rows: rows,
      load: function (state) {
        var visible = M.sortRows(M.filterRows(rows, cells, state.filter, state.query), cells, state.sort, state.dir);
        var page = M.paginate(visible, state.page, meta.pageSize);
        return { cells: cells, rows: page.items, page: page, counts: counts };
      },
    };
  }

  /**
   * Rows from the server; `load` returns a promise. An answer to a request made before the latest one resolves
   * to null (typing in the search box sends several): only the latest is shown.
   */
  function remote(meta) {
    var latest = 0;
    return {
      remote: true,
      load: function (state, cellId) {
        var mine = ++latest;
        var url =
          meta.rowsUrl +
          LlmlabView.query({ filter: state.filter, q: state.query, sort: state.sort, dir: state.dir, page: state.page, cell: cellId });
        return LlmlabView.api(url).then(function (data) {
          if (mine !== latest) return null;
          return {
            cells: data.cells,
            rows: M.buildRows(data.cells, meta.targets.length, meta.flaky),
            page: { page: data.page, pages: data.pages, total: data.total, start: data.start, end: data.end },
            counts: data.counts,
          };
        });
      },
    };
  }

  return { local: local, remote: remote };
})();
