/*
 * The Compare page's list of paired cells: a page at a time from /api/compare/rows (mode, search, pager), each
 * pair as A's output beside B's with the word diff marked, and the rendered prompts below (their diff when they
 * differ). Every string from the runs goes in through textContent (LlmlabDom.el, text nodes), never as HTML.
 * Sets <html data-ready="true"> when a page is on screen ("false" while one loads), for tests to wait on.
 */
(function () {
  'use strict';
  var D = LlmlabDom;
  var V = LlmlabView;
  var el = D.el;
  var MODES = ['changed', 'regressed', 'fixed', 'all'];
  var SEARCH_DELAY_MS = 200;

  var metaBox = D.byId('compare-meta');
  if (!metaBox) return;
  var meta = JSON.parse(metaBox.textContent);
  var params = new URLSearchParams(window.location.search);
  var state = {
    mode: MODES.indexOf(params.get('mode')) >= 0 ? params.get('mode') : 'changed',
    q: params.get('q') || '',
    page: /^\d+$/.test(params.get('page') || '') ? Number(params.get('page')) : 0,
  };
  var modes = D.byId('compare-modes');
  var search = D.byId('compare-search');
  var list = D.byId('compare-rows');
  var errorBox = D.byId('compare-error');
  var latest = 0;
  var timer = null;

  function ready(value) {
    document.documentElement.dataset.ready = value;
  }

  function load() {
    var mine = ++latest;
    ready('false');
    var url = '/api/compare/rows' + V.query({ a: meta.a, b: meta.b, mode: state.mode, q: state.q, page: state.page });
    V.api(url).then(
      function (data) {
        if (mine !== latest) return;
        errorBox.hidden = true;
        state.page = data.page;
        render(data);
        remember();
        ready('true');
      },
      function (error) {
        if (mine !== latest) return;
        V.showError('compare-error', error);
        ready('true');
      },
    );
  }

  /** Keeps mode, search and page in the address, so a reload or a shared link shows the same list. */
  function remember() {
    var q = V.query({ a: meta.a, b: meta.b, mode: state.mode === 'changed' ? '' : state.mode, q: state.q, page: state.page || '' });
    window.history.replaceState(null, '', '/compare' + q);
  }

  function render(data) {
    D.showCounts(modes, 'data-mode', data.totals);
    D.press(modes, 'data-mode', state.mode);
    D.setPager('compare-', 'compare-info', data);
    var fragment = document.createDocumentFragment();
    data.rows.forEach(function (row) {
      fragment.appendChild(pairElement(row));
    });
    if (data.rows.length === 0) fragment.appendChild(el('p', 'muted empty', 'No paired cell in this list.'));
    list.replaceChildren(fragment);
  }

  function pairElement(row) {
    var item = el('article', 'compare-row change-' + row.change);
    item.dataset.test = row.testId;
    item.dataset.target = row.promptId + ' \u00d7 ' + row.providerLabel;
    item.dataset.repeat = String(row.repeatIndex);
    var head = item.appendChild(el('div', 'compare-row-head'));
    head.appendChild(el('span', 'desc', row.description || row.testId));
    if (row.description) head.appendChild(el('code', 'test-id', row.testId));
    head.appendChild(el('span', 'muted', row.promptId + ' \u00d7 ' + row.providerLabel + ' \u00b7 repeat ' + (row.repeatIndex + 1)));
    head.appendChild(D.badge(row.a.status));
    head.appendChild(document.createTextNode(' \u2192 '));
    head.appendChild(D.badge(row.b.status));
    if (row.change !== 'same') head.appendChild(el('span', 'badge change-' + row.change, row.change));

    var sides = item.appendChild(el('div', 'side-by-side outputs' + (row.diffNote ? ' no-diff' : '')));
    sides.appendChild(side('side-a', cellLink('A \u00b7 baseline', meta.a, row.a.cellId), row.diff, 'added', row.a.error));
    sides.appendChild(side('side-b', cellLink('B \u00b7 candidate', meta.b, row.b.cellId), row.diff, 'removed', row.b.error));
    if (row.diffNote) item.appendChild(el('div', 'diff-note muted small', 'Outputs ' + row.diffNote + '.'));

    var prompt = item.appendChild(el('details', 'prompt'));
    if (row.prompt.same) {
      prompt.appendChild(el('summary', null, 'Rendered prompt (the same in A and B)'));
      prompt.appendChild(el('pre', 'prompt-text', row.prompt.text));
    } else {
      prompt.open = true;
      prompt.appendChild(el('summary', 'prompt-differs', 'Rendered prompts differ'));
      var prompts = prompt.appendChild(el('div', 'side-by-side prompts' + (row.prompt.note ? ' no-diff' : '')));
      prompts.appendChild(side('side-a', 'A', row.prompt.diff, 'added', null));
      prompts.appendChild(side('side-b', 'B', row.prompt.diff, 'removed', null));
      if (row.prompt.note) prompt.appendChild(el('div', 'diff-note muted small', 'Prompts ' + row.prompt.note + '.'));
    }
    return item;
  }

  /** A side's label linking to its cell on the Run page. */
  function cellLink(text, runId, cellId) {
    var a = el('a', null, text);
    a.href = '/runs/' + encodeURIComponent(runId) + '#cell=' + encodeURIComponent(cellId);
    return a;
  }

  /** One side of a diff: the shared text, and its own changes marked; `skip` is the other side's kind. */
  function side(className, label, segments, skip, error) {
    var box = el('div', 'side ' + className);
    var head = box.appendChild(el('div', 'side-label'));
    if (typeof label === 'string') head.textContent = label;
    else head.appendChild(label);
    var pre = box.appendChild(el('pre', 'output'));
    segments.forEach(function (s) {
      if (s.kind === skip) return;
      if (s.kind === 'same') pre.appendChild(document.createTextNode(s.text));
      else pre.appendChild(el('span', s.kind === 'removed' ? 'diff-del' : 'diff-add', s.text));
    });
    if (error) box.appendChild(el('div', 'side-error', error));
    return box;
  }

  modes.addEventListener('click', function (event) {
    var button = event.target.closest('[data-mode]');
    if (!button) return;
    state.mode = button.getAttribute('data-mode');
    state.page = 0;
    load();
  });
  search.addEventListener('input', function () {
    ready('false');
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      state.q = search.value.trim();
      state.page = 0;
      load();
    }, SEARCH_DELAY_MS);
  });
  D.byId('compare-prev').addEventListener('click', function () {
    state.page--;
    load();
  });
  D.byId('compare-next').addEventListener('click', function () {
    state.page++;
    load();
  });
  search.value = state.q;
  load();
})();
