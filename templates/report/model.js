/*
 * The HTML report's data model: pure functions over the embedded cells (no DOM), shared by the page (view.js)
 * and the unit tests, which load this file in a VM. A cell's fields are described by HtmlCell in
 * src/report/html-cells.ts.
 */
var LlmlabModel = (function () {
  'use strict';

  /** Filters of the results matrix; each but `all` is a flag on a row. */
  var FILTERS = ['all', 'failing', 'erroring', 'flaky', 'regressed', 'fixed'];
  /** Modes of the comparison list. */
  var CHANGES = ['changed', 'regressed', 'fixed', 'all'];

  /** The rendered prompt of a cell: cells of one test that share a prompt point at the first one. */
  function promptOf(cells, index) {
    var p = cells[index].p;
    return typeof p === 'number' ? cells[p].p : p;
  }

  /** 'regressed' (pass → not pass), 'fixed' (not pass → pass), 'same', or undefined without a baseline verdict. */
  function changeOf(cell) {
    if (cell.b === undefined) return undefined;
    var was = cell.b === 'pass';
    var now = cell.s === 'pass';
    if (was === now) return 'same';
    return was ? 'regressed' : 'fixed';
  }

  function flakyKey(target, testId) {
    return target + '\u0000' + testId;
  }

  /** The set of (target, test) pairs whose verdict flipped across repeats, from meta.flaky. */
  function flakySet(flaky) {
    var set = new Set();
    (flaky || []).forEach(function (f) {
      set.add(flakyKey(f[0], f[1]));
    });
    return set;
  }

  /**
   * One row per test, in the order the cells come (suite order). `slots[t]` lists the indexes of the test's cells
   * on target t (one per repeat). The flags drive the filters.
   */
  function buildRows(cells, targetCount, flaky) {
    var flakyPairs = flakySet(flaky);
    var rows = [];
    var byId = new Map();
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i];
      var row = byId.get(c.id);
      if (!row) {
        row = {
          id: c.id,
          index: c.i,
          description: c.d,
          vars: c.v,
          media: c.m,
          slots: new Array(targetCount),
          failing: false,
          erroring: false,
          flaky: false,
          regressed: false,
          fixed: false,
          text: null,
        };
        byId.set(c.id, row);
        rows.push(row);
      } else {
        if (row.description === undefined) row.description = c.d;
        if (row.vars === undefined) row.vars = c.v;
        if (row.media === undefined) row.media = c.m;
      }
      (row.slots[c.t] || (row.slots[c.t] = [])).push(i);
      if (c.s === 'fail') row.failing = true;
      if (c.s === 'error') row.erroring = true;
      if (flakyPairs.has(flakyKey(c.t, c.id))) row.flaky = true;
      var change = changeOf(c);
      if (change === 'regressed') row.regressed = true;
      if (change === 'fixed') row.fixed = true;
    }
    return rows;
  }

  function matchesFilter(row, filter) {
    return filter === 'all' || row[filter] === true;
  }

  /** What search looks in: test id, description, vars and every output of the row; lower-cased once, on demand. */
  function rowText(row, cells) {
    if (row.text === null) {
      var parts = [row.id, row.description || '', row.vars || ''];
      row.slots.forEach(function (slot) {
        if (slot) slot.forEach(function (i) { parts.push(cells[i].o); });
      });
      row.text = parts.join('\n').toLowerCase();
    }
    return row.text;
  }

  /** Rows that pass the filter and contain every word of the query (case-insensitive). */
  function filterRows(rows, cells, filter, query) {
    var words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
    return rows.filter(function (row) {
      if (!matchesFilter(row, filter)) return false;
      if (words.length === 0) return true;
      var text = rowText(row, cells);
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  }

  /** How many rows each filter would show. */
  function filterCounts(rows) {
    var counts = {};
    FILTERS.forEach(function (f) {
      counts[f] = 0;
    });
    rows.forEach(function (row) {
      FILTERS.forEach(function (f) {
        if (matchesFilter(row, f)) counts[f]++;
      });
    });
    return counts;
  }

  /** Orders of the results matrix: suite order, or a row aggregate. */
  var SORTS = ['order', 'latency', 'cost', 'score'];

  /**
   * A row's sort keys, computed once: the slowest cell that ran, the cost of all its cells, the mean score of the
   * cells that ran (null when none ran). The server folds rows the same way (src/store/run-rows.ts).
   */
  function rowKeys(row, cells) {
    if (!row.keys) {
      var latency = null;
      var cost = 0;
      var score = 0;
      var ran = 0;
      row.slots.forEach(function (slot) {
        if (slot) slot.forEach(function (i) {
          var c = cells[i];
          cost += c.c;
          if (c.s === 'skipped') return;
          latency = latency === null ? c.l : Math.max(latency, c.l);
          score += c.sc;
          ran++;
        });
      });
      row.keys = { latency: latency, cost: cost, score: ran ? score / ran : null };
    }
    return row.keys;
  }

  /** `rows` (in suite order) sorted by `sort` ('order' or a key of rowKeys) and `dir`; no key last, ties in suite order. */
  function sortRows(rows, cells, sort, dir) {
    if (!sort || sort === 'order') return dir === 'desc' ? rows.slice().reverse() : rows;
    var sign = dir === 'desc' ? -1 : 1;
    var decorated = rows.map(function (row, i) {
      return { row: row, i: i, k: rowKeys(row, cells)[sort] };
    });
    decorated.sort(function (a, b) {
      if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
      return sign * (a.k - b.k) || a.i - b.i;
    });
    return decorated.map(function (d) {
      return d.row;
    });
  }

  /** One page of `items` (0-based page, clamped to the pages there are; an empty list has one empty page). */
  function paginate(items, page, size) {
    var pages = Math.max(1, Math.ceil(items.length / size));
    var p = Math.min(Math.max(0, Math.floor(Number(page) || 0)), pages - 1);
    var start = p * size;
    var end = Math.min(start + size, items.length);
    return { items: items.slice(start, end), page: p, pages: pages, total: items.length, start: start, end: end };
  }

  /** Indexes of the cells paired with the baseline that fit `mode` (see CHANGES), in cell order. */
  function pairedCells(cells, mode) {
    var out = [];
    for (var i = 0; i < cells.length; i++) {
      var change = changeOf(cells[i]);
      if (change === undefined) continue;
      if (mode === 'all' || change === mode || (mode === 'changed' && change !== 'same')) out.push(i);
    }
    return out;
  }

  /** How many paired cells each comparison mode would list. */
  function changeCounts(cells) {
    var counts = { changed: 0, regressed: 0, fixed: 0, all: 0 };
    cells.forEach(function (c) {
      var change = changeOf(c);
      if (change === undefined) return;
      counts.all++;
      if (change !== 'same') {
        counts.changed++;
        counts[change]++;
      }
    });
    return counts;
  }

  /** The status a matrix cell shows for a test's repeats on one target: theirs when they agree, else 'mixed'. */
  function slotStatus(cells, slot) {
    var first = cells[slot[0]].s;
    for (var i = 1; i < slot.length; i++) {
      if (cells[slot[i]].s !== first) return 'mixed';
    }
    return first;
  }

  return {
    FILTERS: FILTERS,
    CHANGES: CHANGES,
    SORTS: SORTS,
    rowKeys: rowKeys,
    sortRows: sortRows,
    promptOf: promptOf,
    changeOf: changeOf,
    flakySet: flakySet,
    flakyKey: flakyKey,
    buildRows: buildRows,
    rowText: rowText,
    filterRows: filterRows,
    filterCounts: filterCounts,
    paginate: paginate,
    pairedCells: pairedCells,
    changeCounts: changeCounts,
    slotStatus: slotStatus,
  };
})();
